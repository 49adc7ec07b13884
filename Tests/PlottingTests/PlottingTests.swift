import Foundation
import Plotting
import XCTest

/// The gnuplot bridge against the real gnuplot: real PNG, SVG, PDF and text output.
final class PlottingTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("backprop-plotting-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try XCTSkipUnless(Gnuplot().isAvailable || name.contains("Missing"),
                          "gnuplot is not installed: \(PlotError.installHint)")
    }

    override func tearDownWithError() throws {
        if ProcessInfo.processInfo.environment["KEEP_PLOTS"] == nil {
            try? FileManager.default.removeItem(at: directory)
        } else {
            print("plots kept in \(directory.path)")
        }
    }

    /// A Keras-style history figure: loss and val_loss on the left axis, accuracy on the right.
    func historyFigure(name: String = "history") -> Figure {
        let epochs = Array(1...20).map(Double.init)
        let loss = epochs.map { 1.2 * exp(-$0 / 5) + 0.05 }
        let validation = epochs.map { 1.2 * exp(-$0 / 6) + 0.1 + 0.002 * $0 }
        let accuracy = epochs.map { 1 - 0.6 * exp(-$0 / 4) }
        return Figure(name: name, panel: Panel(
            title: "Training and validation", xLabel: "epoch", yLabel: "loss", y2Label: "accuracy",
            series: [Series("loss", x: epochs, y: loss), Series("val_loss", x: epochs, y: validation, dashed: true),
                     Series("accuracy", x: epochs, y: accuracy, style: .linesPoints, axis: .right)]))
    }

    func testPNGHasTheSignatureAndTheRequestedSize() throws {
        var figure = historyFigure()
        figure.width = 640
        figure.height = 400
        let rendered = try Gnuplot().render(figure, in: directory, formats: [.png])
        let png = try Data(contentsOf: rendered.images[0])
        XCTAssertEqual(Array(png.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], "PNG signature")
        // IHDR: width and height as big-endian 32-bit integers at bytes 16 and 20.
        func be32(_ at: Int) -> Int { png[at ..< at + 4].reduce(0) { $0 << 8 | Int($1) } }
        XCTAssertEqual(be32(16), 640, "PNG width")
        XCTAssertEqual(be32(20), 400, "PNG height")
        XCTAssertGreaterThan(png.count, 5_000, "a drawn figure, not an empty canvas (\(png.count) bytes)")
        XCTAssertTrue(FileManager.default.fileExists(atPath: rendered.script.path))
        XCTAssertTrue(FileManager.default.fileExists(atPath: rendered.data.path))
    }

    func testSVGContainsTheTitleAndUnderscoresStayAsTheyAre() throws {
        let rendered = try Gnuplot().render(historyFigure(), in: directory, formats: [.svg, .pdf])
        let svg = try String(contentsOf: rendered.images[0], encoding: .utf8)
        XCTAssertTrue(svg.contains("<svg"), "an SVG document")
        XCTAssertTrue(svg.contains("Training and validation"), "the title is in the SVG")
        XCTAssertTrue(svg.contains("val_loss"), "noenhanced: val_loss is not turned into val subscript loss")
        let pdf = try Data(contentsOf: rendered.images[1])
        XCTAssertEqual(String(decoding: pdf.prefix(5), as: UTF8.self), "%PDF-", "PDF signature")
    }

    func testTextPlotFitsEightyColumnsWithLabelsAndNoFormFeed() throws {
        let text = try Gnuplot().renderText(historyFigure(), in: directory, width: 79, height: 24)
        print(text)
        XCTAssertTrue(text.contains("epoch"), "x label in the text plot")
        XCTAssertTrue(text.contains("loss"), "y label or legend in the text plot")
        XCTAssertFalse(text.contains("\u{0C}"), "no form feed")
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertLessThanOrEqual(lines.map(\.count).max() ?? 0, 79, "fits an 80-column terminal")
        XCTAssertLessThanOrEqual(lines.count, 24)
        XCTAssertFalse(lines.contains { $0.hasSuffix(" ") }, "no trailing blanks")
    }

    func testGnuplotErrorsAreShownWithItsOwnMessage() throws {
        var figure = historyFigure(name: "broken")
        figure.panels[0].commands = ["set nonsense 42"]
        XCTAssertThrowsError(try Gnuplot().render(figure, in: directory)) { error in
            guard case PlotError.gnuplotFailed(let status, let message, _) = error else {
                return XCTFail("expected gnuplotFailed, got \(error)")
            }
            XCTAssertNotEqual(status, 0)
            XCTAssertTrue(message.contains("unrecognized option"), "gnuplot's own words: \(message)")
            XCTAssertTrue("\(error)".contains("broken.gp"), "the message names the script: \(error)")
        }
    }

    func testMissingGnuplotStillWritesDataAndScriptAndSaysHowToInstall() throws {
        let missing = Gnuplot(executable: "gnuplot-not-installed-here")
        XCTAssertFalse(missing.isAvailable)
        XCTAssertThrowsError(try missing.render(historyFigure(name: "kept"), in: directory)) { error in
            guard case PlotError.gnuplotNotFound = error else { return XCTFail("expected gnuplotNotFound, got \(error)") }
            let message = "\(error)"
            XCTAssertTrue(message.contains("apt-get install -y --no-install-recommends gnuplot-nox"), message)
            XCTAssertTrue(message.contains("brew install gnuplot"), message)
            XCTAssertTrue(message.contains("gnuplot kept.gp"), "says how to draw it later: \(message)")
        }
        let data = try String(contentsOf: directory.appendingPathComponent("kept.dat"), encoding: .utf8)
        XCTAssertTrue(data.contains("val_loss"), "the numbers are saved")
        XCTAssertEqual(data.split(separator: "\n").filter { !$0.hasPrefix("#") && !$0.isEmpty }.count, 60, "3 series × 20 points")
        XCTAssertTrue(FileManager.default.fileExists(atPath: directory.appendingPathComponent("kept.gp").path))
        // When gnuplot appears, the saved script draws the figure without rerunning anything.
        if Gnuplot().isAvailable {
            _ = try Gnuplot().run(script: directory.appendingPathComponent("kept.gp"), format: "png", in: directory)
            XCTAssertTrue(FileManager.default.fileExists(atPath: directory.appendingPathComponent("kept.png").path))
        }
    }

    /// A stand-in for gnuplot that misbehaves: a shell script.
    func fakeGnuplot(_ body: String) throws -> String {
        let url = directory.appendingPathComponent("fake-gnuplot-\(UUID().uuidString).sh")
        try ("#!/bin/sh\n" + body + "\n").write(to: url, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
        return url.path
    }

    func assertKeptAndNothingPartial(_ name: String, file: StaticString = #filePath, line: UInt = #line) {
        for suffix in [".dat", ".gp"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: directory.appendingPathComponent(name + suffix).path),
                          "\(name)\(suffix) kept", file: file, line: line)
        }
        for suffix in [".png", ".png.part"] {
            XCTAssertFalse(FileManager.default.fileExists(atPath: directory.appendingPathComponent(name + suffix).path),
                           "no \(name)\(suffix)", file: file, line: line)
        }
    }

    func testAWrongGnuplotPathIsNotNotInstalled() throws {
        XCTAssertThrowsError(try Gnuplot(executable: "/nonexistent/bin/gnuplot").render(historyFigure(name: "wrong"), in: directory)) { error in
            guard case PlotError.invalidExecutable = error else { return XCTFail("expected invalidExecutable, got \(error)") }
            XCTAssertTrue("\(error)".contains("GNUPLOT=/nonexistent/bin/gnuplot) is not an executable file"), "\(error)")
        }
        assertKeptAndNothingPartial("wrong")
    }

    func testAHangingGnuplotIsStoppedAfterItsTimeLimit() throws {
        let start = Date()
        XCTAssertThrowsError(try Gnuplot(executable: try fakeGnuplot("exec sleep 30"), timeout: 1).render(historyFigure(name: "hang"), in: directory)) { error in
            guard case PlotError.timedOut(let seconds, _) = error else { return XCTFail("expected timedOut, got \(error)") }
            XCTAssertEqual(seconds, 1)
        }
        XCTAssertLessThan(Date().timeIntervalSince(start), 10, "stopped after about 1 s, not 30")
        assertKeptAndNothingPartial("hang")
    }

    func testASignalIsReportedAsASignal() throws {
        XCTAssertThrowsError(try Gnuplot(executable: try fakeGnuplot("kill -9 $$")).render(historyFigure(name: "killed"), in: directory)) { error in
            guard case PlotError.gnuplotKilled(let signal, _) = error else { return XCTFail("expected gnuplotKilled, got \(error)") }
            XCTAssertEqual(signal, 9)
        }
        assertKeptAndNothingPartial("killed")
    }

    func testExitZeroThatDrewNothingIsNotSuccess() throws {
        XCTAssertThrowsError(try Gnuplot(executable: try fakeGnuplot("cat > /dev/null; exit 0")).render(historyFigure(name: "empty"), in: directory)) { error in
            guard case PlotError.nothingDrawn = error else { return XCTFail("expected nothingDrawn, got \(error)") }
        }
        assertKeptAndNothingPartial("empty")
    }

    func testTheErrorMessageKeptIsCapped() throws {
        let noisy = try fakeGnuplot("cat > /dev/null; i=0; while [ $i -lt 2000 ]; do echo 'line 1: undefined variable: x (this is printed over and over)' >&2; i=$((i+1)); done; exit 1")
        XCTAssertThrowsError(try Gnuplot(executable: noisy).render(historyFigure(name: "noisy"), in: directory)) { error in
            guard case PlotError.gnuplotFailed(_, let message, _) = error else { return XCTFail("expected gnuplotFailed, got \(error)") }
            XCTAssertLessThan(message.count, 4_100, "at most 4,000 characters kept, got \(message.count)")
            XCTAssertTrue(message.contains("more characters)"), "says how much was cut")
        }
    }

    func testAnImageIsRenamedIntoPlaceOnlyWhenComplete() throws {
        guard Gnuplot().isAvailable else { throw XCTSkip("gnuplot is not installed") }
        try Gnuplot().render(historyFigure(name: "complete"), in: directory)
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        XCTAssertTrue(files.contains("complete.png"), "\(files)")
        XCTAssertFalse(files.contains { $0.hasSuffix(".part") }, "no partial file left: \(files)")
    }

    func testABrokenPipeIsAnErrorNotACrash() throws {
        // /bin/true exits at once without reading; a script larger than the pipe buffer makes
        // the write fail with EPIPE. With SIGPIPE not ignored, this would kill the test process.
        var figure = historyFigure(name: "pipe")
        figure.panels[0].commands = Array(repeating: "# " + String(repeating: "x", count: 100), count: 2_000)
        XCTAssertThrowsError(try Gnuplot(executable: "/bin/true").render(figure, in: directory)) { error in
            guard case PlotError.brokenPipe = error else { return XCTFail("expected brokenPipe, got \(error)") }
        }
    }

    func testNonFiniteValuesAreWrittenAsNaNAndLongSeriesAreThinnedOnlyForDrawing() throws {
        let n = 10_000
        let steps = (0..<n).map(Double.init)
        var losses = steps.map { 1 / ($0 + 1) }
        losses[5] = .nan
        losses[6] = .infinity
        let figure = Figure(name: "long", panel: Panel(xLabel: "step", yLabel: "loss", logScaleY: true,
                                                       series: [Series("loss", x: steps, y: losses)]))
        let rendered = try Gnuplot().render(figure, in: directory)
        let rows = try String(contentsOf: rendered.data, encoding: .utf8).split(separator: "\n").filter { !$0.hasPrefix("#") }
        XCTAssertEqual(rows.count, n, "the data file keeps every point")
        XCTAssertEqual(rows[5], "5 NaN")
        XCTAssertEqual(rows[6], "6 NaN", "infinity is written as NaN too")
        XCTAssertEqual(rows[1], "1 0.5")
        let script = try String(contentsOf: rendered.script, encoding: .utf8)
        XCTAssertTrue(script.contains("every 5 "), "10,000 points are drawn as every 5th: ≤ 2,000")
        XCTAssertTrue(script.contains("set termoption noenhanced"))
    }

    func testEveryKindOfPanelRenders() throws {
        let grid = (0..<41).map { -2 + Double($0) * 0.1 }
        let bowl = grid.map { y in grid.map { x in x * x / 4 + y * y } }
        let path = (0..<15).map { i in (1.8 * pow(0.85, Double(i)), 1.5 * pow(-0.6, Double(i))) }
        let digit: [[Double]] = (0..<28).map { r in
            (0..<28).map { c in
                let distance = Double(abs(r - 14) + abs(c - 14))
                return max(0, 255 - 20 * distance)
            }
        }
        let sample: [Double] = (0..<500).map { i in sin(Double(i)) + cos(Double(i * i)) }
        let figure = Figure(name: "gallery", title: "Every kind of panel", panels: [
            Panel(title: "contour with a path", xLabel: "w", yLabel: "b",
                  series: [Series("path", x: path.map(\.0), y: path.map(\.1), style: .linesPoints)],
                  contour: Contour(x: grid, y: grid, values: bowl)),
            Panel(title: "heat map", series: [], heatmap: Heatmap(digit, palette: .grayInverted),
                  equalAspect: true, hideAxes: true),
            Panel(title: "histogram", series: [Series.histogram("sum of two uniforms", values: sample, bins: 20)]),
            Panel(title: "vectors", xRange: -1.5...1.5, yRange: -1.5...1.5,
                  series: [Series("A, B", x: [0, 0], y: [0, 0], style: .vectors(dx: [0.5, 1], dy: [1, 0.25]))],
                  equalAspect: true),
            Panel(title: "band", series: [Series.band("spread", x: [1, 2, 3], lower: [0.5, 0.4, 0.3], upper: [1, 0.9, 0.7]),
                                          Series("mean", x: [1.0, 2, 3], y: [0.75, 0.65, 0.5])]),
            Panel(title: "decision surface", series: [Series("class 1", x: [0.2, 0.5], y: [0.3, 0.8], style: .points)],
                  heatmap: Heatmap([[0.0, 0.5], [0.5, 1.0]], x: 0...1, y: 0...1, palette: .blueRed)),
        ])
        let rendered = try Gnuplot().render(figure, in: directory, formats: [.png])
        XCTAssertGreaterThan(try Data(contentsOf: rendered.images[0]).count, 10_000)
    }
}
