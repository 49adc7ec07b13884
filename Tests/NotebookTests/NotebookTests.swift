import Foundation
import Neural
@testable import Notebook
import Plotting
import XCTest

final class NotebookTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("backprop-notebook-\(UUID().uuidString)")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
        unsetenv("GNUPLOT")
    }

    func notebook(_ arguments: [String] = []) throws -> LessonNotebook {
        let options = try LessonOptions.parse(["--out", directory.path] + arguments)
        return LessonNotebook(lesson: 9, title: "Test", concept: "A concept.", formulas: ["y = x"], options: options)
    }

    func testFlagsParseAndBadFlagsGiveUsageErrors() throws {
        let options = try LessonOptions.parse(["--seed", "7", "--epochs", "3", "--quick", "--format", "png", "svg", "--no-plots", "--data", "/tmp/mnist"])
        XCTAssertEqual(options.seed, 7)
        XCTAssertEqual(options.epochs, 3)
        XCTAssertTrue(options.quick)
        XCTAssertEqual(options.formats, [.png, .svg], "several formats after one --format")
        XCTAssertTrue(options.noPlots)
        XCTAssertEqual(options.data, "/tmp/mnist")
        XCTAssertEqual(try LessonOptions.parse([]).out, "Plots", "figures go to Plots/ by default")
        for (arguments, expected) in [(["--format", "gif"], "gif"), (["--epochs", "0"], "at least 1"), (["--bogus"], "--bogus"),
                                      (["--seed", "abc"], "abc")] {
            XCTAssertThrowsError(try LessonOptions.parse(arguments), "\(arguments)") { error in
                let message = LessonOptions.message(for: error)
                XCTAssertTrue(message.contains(expected), "\(arguments): \(message)")
            }
        }
        XCTAssertTrue(LessonOptions.helpMessage().contains("--quick"))
    }

    func testEpochsAndSizesFollowTheFlags() throws {
        XCTAssertEqual(try notebook().epochs(20, quick: 2), 20)
        XCTAssertEqual(try notebook(["--quick"]).epochs(20, quick: 2), 2)
        XCTAssertEqual(try notebook(["--quick", "--epochs", "5"]).epochs(20, quick: 2), 5, "--epochs wins")
        XCTAssertEqual(try notebook(["--quick"]).size(1000, quick: 10), 10)
        XCTAssertEqual(try notebook(["--seed", "9"]).seed, 9)
        XCTAssertEqual(try notebook().seed, 42)
    }

    func testTranscriptHoldsNarrationTablesFiguresAndResults() throws {
        let book = try notebook()
        book.section("First")
        book.say("Some narration.")
        book.show("w", 0.25)
        book.table(["name", "value"], [["a", "1.5"], ["b", "22"]])
        let milliseconds = 7 * 3
        book.timing("took \(milliseconds) ms")
        book.figure(Figure(name: "lesson09-line", panel: Panel(series: [Series("y", y: [1.0, 2, 3])])), caption: "a line")
        book.record("answer", 42)
        book.record("ratio", 0.5)
        book.record("ok", true)
        book.finish()
        let transcript = try String(contentsOf: directory.appendingPathComponent("lesson09.md"), encoding: .utf8)
        XCTAssertTrue(transcript.hasPrefix("# Lesson 09 · Test"), transcript)
        for fragment in ["## 1. First", "Some narration.", "w = 0.25", "| name | value |", "| :-- | --: |", "| a | 1.5 |",
                         "![a line](lesson09-line.png)", "<details><summary>Code of this cell</summary>"] {
            XCTAssertTrue(transcript.contains(fragment), "transcript should contain \(fragment)")
        }
        XCTAssertFalse(transcript.contains("took 21 ms"), "timings stay out of the transcript, which must be reproducible")
        let results = try String(contentsOf: directory.appendingPathComponent("lesson09-results.json"), encoding: .utf8)
        XCTAssertEqual(results, "{\n  \"answer\": 42,\n  \"ok\": true,\n  \"ratio\": 0.5\n}\n")
        for file in ["lesson09-line.dat", "lesson09-line.gp"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: directory.appendingPathComponent(file).path), file)
        }
        if Gnuplot().isAvailable {
            XCTAssertTrue(FileManager.default.fileExists(atPath: directory.appendingPathComponent("lesson09-line.png").path))
        }
    }

    func testWithoutGnuplotTheNumbersAndScriptsAreStillWritten() throws {
        setenv("GNUPLOT", "gnuplot-not-installed-here", 1)   // a name not on PATH: "not installed"
        let book = try notebook()
        book.figure(Figure(name: "lesson09-kept", panel: Panel(series: [Series("y", y: [3.0, 1, 2])])), caption: "kept")
        book.finish()
        XCTAssertTrue(FileManager.default.fileExists(atPath: directory.appendingPathComponent("lesson09-kept.dat").path))
        XCTAssertTrue(FileManager.default.fileExists(atPath: directory.appendingPathComponent("lesson09-kept.gp").path))
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory.appendingPathComponent("lesson09-kept.png").path))
    }

    func testSmoothingAndFoldSummaries() {
        XCTAssertEqual(Charts.smoothed([10, 0, 0], factor: 0.9), [10, 9, 8.1], "sₜ = 0.9 sₜ₋₁ + 0.1 xₜ")
        let summary = Charts.foldSummary([[5, 3, 1], [7, 1, 3]], skip: 1)
        XCTAssertEqual(summary.epochs, [2, 3])
        XCTAssertEqual(summary.mean, [2, 2])
        XCTAssertEqual(summary.low, [1, 1])
        XCTAssertEqual(summary.high, [3, 3])
    }

    /// Mean, sample standard deviation and range of a number over runs, checked by hand.
    func testSpreadOfRepeatedRuns() {
        let spread = Spread([1, 2, 3, 6])
        XCTAssertEqual(spread.mean, 3, "(1 + 2 + 3 + 6) / 4")
        XCTAssertEqual(spread.standardDeviation, (14.0 / 3).squareRoot(), accuracy: 1e-15, "√((4 + 1 + 0 + 9) / 3)")
        XCTAssertEqual(spread.formattedWithRange("%.2f"), "3.00 ± 2.16 (1.00 to 6.00)")
        XCTAssertEqual(Spread([0.5]).formatted(), "0.5000", "one run: no ± (no spread to show)")
        let runs = RepeatedRuns(seeds: [1, 2], runs: [["loss": [3, 2, 4]], ["loss": [5, 1, 2]]])
        XCTAssertEqual(runs.curve("loss").map(\.mean), [4, 1.5, 3], "per epoch across runs")
        XCTAssertEqual(runs.spread("loss") { $0.min()! }.values, [2, 1], "each run's lowest")
    }

    /// The comparison's sentence follows its numbers: a paired difference more than twice its
    /// standard error is called a difference, with the right direction; a smaller one is not.
    func testComparisonSentencesFollowTheNumbers() {
        // Every seed 0.01 higher, with a little noise: 0.010 ± 0.001 per seed, far beyond 2 SE.
        let base = Spread([0.80, 0.82, 0.79, 0.81, 0.83])
        let higher = Spread(zip(base.values, [0.010, 0.011, 0.009, 0.010, 0.012]).map { $0 + $1 })
        let clear = Comparison(higher, base)
        XCTAssertTrue(clear.isClear)
        XCTAssertEqual(clear.difference, 0.0104, accuracy: 1e-12)
        let sentence = clear.sentence("dropout", "no dropout", higher: "ends higher", lower: "ends lower")
        XCTAssertTrue(sentence.hasPrefix("dropout ends higher than no dropout (0.8204 ± 0.0169 against 0.8100 ± 0.0158 over 5 seeds"),
                      sentence)
        XCTAssertTrue(Comparison(base, higher).sentence("a", "b").hasPrefix("a ends lower than b"), "the other direction")
        // The same mean difference, but the per-seed differences swing around it: not a difference.
        let noisy = Spread(zip(base.values, [0.05, -0.04, 0.06, -0.03, 0.012]).map { $0 + $1 })
        let unclear = Comparison(noisy, base)
        XCTAssertEqual(unclear.difference, 0.0104, accuracy: 1e-12)
        XCTAssertFalse(unclear.isClear, "\(unclear.standardErrors) standard errors")
        XCTAssertTrue(unclear.sentence("a", "b").hasPrefix("a and b do not differ beyond the seed-to-seed spread"), unclear.sentence("a", "b"))
        let folds = Comparison(noisy, base, run: "fold").sentence("a", "b")
        XCTAssertTrue(folds.hasPrefix("a and b do not differ beyond the fold-to-fold spread") && folds.contains("over 5 folds;"), folds)
        XCTAssertEqual(unclear.cell(), "+0.0104 (0.5 SE)")
        XCTAssertEqual(clear.cell(), "+0.0104 (20.4 SE) ✓")
        // One run cannot show a spread: never called a difference.
        XCTAssertFalse(Comparison(Spread([1]), Spread([0])).isClear)
    }

    func testHistoryFigureIsKerasStyle() {
        var history = History()
        history.append([(.loss, 1.0), (.accuracy, 0.5), (.validationLoss, 1.2), (.validationAccuracy, 0.4)])
        history.append([(.loss, 0.5), (.accuracy, 0.8), (.validationLoss, 0.7), (.validationAccuracy, 0.7)])
        let figure = Charts.history(history, name: "h", title: "t")
        let series = figure.panels[0].series
        XCTAssertEqual(series.map(\.title), ["loss", "val_loss", "accuracy", "val_accuracy"])
        XCTAssertEqual(series.map(\.axis), [.left, .left, .right, .right], "accuracy on the second axis")
        XCTAssertEqual(series[1].y, [1.2, 0.7])
        XCTAssertEqual(figure.panels[0].y2Label, "accuracy")
    }
}
