import Foundation
#if canImport(Glibc)
import Glibc
#endif

// The bridge to gnuplot: a plain pipe from Foundation's Process. The data file and script are
// written first, so nothing is lost if gnuplot is missing or fails; then the script is piped
// to gnuplot's stdin once per output format.
//
// Pitfalls handled (each measured): gnuplot runs with LC_ALL=C (decimal points); non-finite
// numbers are written as NaN; `set termoption noenhanced` keeps `val_loss` as is; the exit
// status is checked and gnuplot's stderr shown in the error; stdout and stderr are drained
// on background threads (a full pipe would block gnuplot); SIGPIPE is ignored so a gnuplot
// that dies early turns into an error instead of killing the program; long series are drawn
// with every k-th point while the data file keeps them all.

/// Why a figure could not be drawn. The data file and script are always written first, so
/// the numbers are never lost: `gnuplot <name>.gp` in that folder draws the figure later.
public enum PlotError: Error, CustomStringConvertible, Sendable {
    /// gnuplot is not installed (or not at the path given).
    case gnuplotNotFound(executable: String, script: String, data: String)
    /// gnuplot ran and failed; `message` is what it printed on stderr.
    case gnuplotFailed(status: Int32, message: String, script: String)
    /// gnuplot closed its input early (it crashed or exited) without reporting an error.
    case brokenPipe(script: String)
    /// A file could not be written.
    case cannotWrite(path: String, reason: String)
    /// The gnuplot program was given as a path (GNUPLOT=…) where there is no executable.
    case invalidExecutable(path: String, script: String)
    /// gnuplot did not finish within the time limit and was stopped.
    case timedOut(seconds: Double, script: String)
    /// gnuplot was stopped by a signal (it crashed, or was killed).
    case gnuplotKilled(signal: Int32, script: String)
    /// gnuplot exited normally but the image it should have drawn is missing or empty.
    case nothingDrawn(image: String, script: String)

    /// How to install gnuplot, one line.
    public static let installHint =
        "install gnuplot: sudo apt-get install -y --no-install-recommends gnuplot-nox (Debian/Ubuntu) or brew install gnuplot (macOS)"

    public var description: String {
        switch self {
        case let .gnuplotNotFound(executable, script, data):
            let folder = (script as NSString).deletingLastPathComponent
            let file = (script as NSString).lastPathComponent
            return "gnuplot not found (\(executable)); the numbers are saved in \(data) and the script in \(script). "
                + "To draw the figure, \(Self.installHint), then run: cd \(folder) && gnuplot \(file)"
        case let .gnuplotFailed(status, message, script):
            return "gnuplot failed (exit status \(status)) on \(script):\n\(message.trimmingCharacters(in: .whitespacesAndNewlines))"
        case let .brokenPipe(script):
            return "gnuplot stopped reading its input (broken pipe) while drawing \(script)"
        case let .cannotWrite(path, reason):
            return "cannot write \(path): \(reason)"
        case let .invalidExecutable(path, script):
            return "the gnuplot program given (GNUPLOT=\(path)) is not an executable file; the figure's data and script "
                + "are saved (\(script)). Fix or unset GNUPLOT."
        case let .timedOut(seconds, script):
            return "gnuplot did not finish drawing \(script) within \(Int(seconds)) s and was stopped; the data and the "
                + "script are kept (set BACKPROP_GNUPLOT_TIMEOUT to allow longer)"
        case let .gnuplotKilled(signal, script):
            return "gnuplot was stopped by signal \(signal) while drawing \(script); the data and the script are kept"
        case let .nothingDrawn(image, script):
            return "gnuplot finished without error but drew nothing: \(image) is missing or empty (script \(script))"
        }
    }
}

/// What `Gnuplot.render` wrote.
public struct RenderedFigure: Sendable {
    /// The data file (every number of every series).
    public var data: URL
    /// The gnuplot script that draws it.
    public var script: URL
    /// One image per format asked for.
    public var images: [URL]
}

/// Runs gnuplot on figures.
public struct Gnuplot: Sendable {
    /// The gnuplot program: a name looked up on PATH, or a path.
    public var executable: String
    /// How long one drawing may take before gnuplot is stopped (a hung gnuplot must not hang
    /// the lesson): `BACKPROP_GNUPLOT_TIMEOUT` seconds, else 60.
    public var timeout: Double

    /// - Parameter executable: `gnuplot` by default; the `GNUPLOT` environment variable overrides it.
    public init(executable: String? = nil, timeout: Double? = nil) {
        let environment = ProcessInfo.processInfo.environment
        self.executable = executable ?? environment["GNUPLOT"] ?? "gnuplot"
        self.timeout = timeout ?? environment["BACKPROP_GNUPLOT_TIMEOUT"].flatMap(Double.init).flatMap { $0 > 0 ? $0 : nil } ?? 60
    }

    /// The full path of the program, or nil if it is not installed.
    public var resolvedPath: String? {
        if executable.contains("/") {
            return FileManager.default.isExecutableFile(atPath: executable) ? executable : nil
        }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = String(directory) + "/" + executable
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// True when gnuplot can be run.
    public var isAvailable: Bool { resolvedPath != nil }

    /// Writes `<name>.dat` and `<name>.gp` into `directory` (created if needed), then draws
    /// `<name>.<format>` for each format. Throws `PlotError` after the data and script are
    /// written if gnuplot is missing or fails.
    @discardableResult
    public func render(_ figure: Figure, in directory: URL, formats: [OutputFormat] = [.png]) throws -> RenderedFigure {
        let (data, script) = try writeFiles(figure, in: directory)
        var images: [URL] = []
        for format in formats {
            _ = try run(script: script, format: format.rawValue, in: directory)
            images.append(directory.appendingPathComponent(figure.name + "." + format.rawValue))
        }
        return RenderedFigure(data: data, script: script, images: images)
    }

    /// Writes the data file and the script of `figure` into `directory` without drawing.
    @discardableResult
    public func writeFiles(_ figure: Figure, in directory: URL) throws -> (data: URL, script: URL) {
        let writer = ScriptWriter(figure: figure)
        let data = directory.appendingPathComponent(writer.dataFile)
        let script = directory.appendingPathComponent(figure.name + ".gp")
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try writer.data().write(to: data, atomically: true, encoding: .utf8)
            try writer.script().write(to: script, atomically: true, encoding: .utf8)
        } catch {
            throw PlotError.cannotWrite(path: directory.path, reason: error.localizedDescription)
        }
        return (data, script)
    }

    /// The figure drawn as text for a terminal (gnuplot's dumb terminal), `width` columns by
    /// `height` lines, without the form feed gnuplot starts a page with or trailing blanks.
    /// Writes the data file and script into `directory` like `render`.
    public func renderText(_ figure: Figure, in directory: URL, width: Int = 79, height: Int = 24) throws -> String {
        let (_, script) = try writeFiles(figure, in: directory)
        return try renderText(script: script, in: directory, width: width, height: height)
    }

    /// The text rendering of a figure whose script (and data) are already written in `directory`.
    public func renderText(script: URL, in directory: URL, width: Int = 79, height: Int = 24) throws -> String {
        let output = try run(script: script, format: "dumb", in: directory,
                             settings: "textWidth = \(width); textHeight = \(height)")
        let lines = output.replacingOccurrences(of: "\u{0C}", with: "")
            .split(separator: "\n", omittingEmptySubsequences: false)
            .map { String($0).replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression) }
        // Drop blank lines at the top and bottom.
        let first = lines.firstIndex { !$0.isEmpty } ?? 0
        let last = lines.lastIndex { !$0.isEmpty } ?? -1
        return first <= last ? lines[first...last].joined(separator: "\n") : ""
    }

    /// Pipes `script` to gnuplot with `format` set, in `directory`; returns its stdout.
    ///
    /// An image is drawn into `<name>.<format>.part` and renamed when gnuplot has finished and
    /// the file is not empty, so an interrupted drawing never leaves a truncated image under the
    /// final name. gnuplot is stopped after `timeout` seconds.
    public func run(script: URL, format: String, in directory: URL, settings: String = "") throws -> String {
        let dataFile = script.deletingPathExtension().appendingPathExtension("dat").path
        guard let path = resolvedPath else {
            if executable.contains("/") { throw PlotError.invalidExecutable(path: executable, script: script.path) }
            throw PlotError.gnuplotNotFound(executable: "\(executable) is not on PATH", script: script.path, data: dataFile)
        }
        let text: String
        do { text = try String(contentsOf: script, encoding: .utf8) } catch {
            throw PlotError.cannotWrite(path: script.path, reason: error.localizedDescription)
        }
        let image = ["png", "svg", "pdf"].contains(format)
            ? directory.appendingPathComponent(script.deletingPathExtension().lastPathComponent + "." + format) : nil
        let partial = image.map { URL(fileURLWithPath: $0.path + ".part") }
        ignoreBrokenPipeSignal
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.currentDirectoryURL = directory
        var environment = ProcessInfo.processInfo.environment
        environment["LC_ALL"] = "C"
        environment.removeValue(forKey: "GNUTERM")
        process.environment = environment
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        do { try process.run() } catch {
            throw PlotError.invalidExecutable(path: path, script: script.path)
        }
        // Drain both output pipes and write the input on background threads, so neither side
        // blocks on a full pipe, and a gnuplot that hangs can still be stopped on time.
        let background = DispatchGroup()
        let stdout = Drained(output.fileHandleForReading), stderr = Drained(errors.fileHandleForReading)
        DispatchQueue.global().async(group: background) { stdout.read() }
        DispatchQueue.global().async(group: background) { stderr.read() }
        let outputSetting = partial.map { "outputFile = \"\($0.lastPathComponent)\"\n" } ?? ""
        let program = "format = \"\(format)\"\n\(outputSetting)\(settings)\n\(text)\nexit\n"
        let writer = PipeWriter(input.fileHandleForWriting, Data(program.utf8))
        DispatchQueue.global().async(group: background) { writer.write() }
        let deadline = Date().addingTimeInterval(timeout)
        var timedOut = false
        while process.isRunning {
            if Date() > deadline {
                timedOut = true
                process.terminate()
                usleep(100_000)
                if process.isRunning { kill(process.processIdentifier, SIGKILL) }
                break
            }
            usleep(1_000)
        }
        process.waitUntilExit()
        if timedOut {
            // A child that gnuplot started may still hold the pipes open: do not wait for it.
            _ = background.wait(timeout: .now() + 2)
        } else {
            background.wait()
        }
        func removePartial() { if let partial { try? FileManager.default.removeItem(at: partial) } }
        if timedOut {
            removePartial()
            throw PlotError.timedOut(seconds: timeout, script: script.path)
        }
        if process.terminationReason == .uncaughtSignal {
            removePartial()
            throw PlotError.gnuplotKilled(signal: process.terminationStatus, script: script.path)
        }
        if process.terminationStatus != 0 {
            removePartial()
            throw PlotError.gnuplotFailed(status: process.terminationStatus, message: capped(String(decoding: stderr.data, as: UTF8.self)),
                                          script: script.path)
        }
        if writer.failed {
            removePartial()
            throw PlotError.brokenPipe(script: script.path)
        }
        if let image, let partial {
            let size = (try? FileManager.default.attributesOfItem(atPath: partial.path)[.size] as? Int) ?? nil
            guard let size, size > 0 else {
                removePartial()
                throw PlotError.nothingDrawn(image: image.path, script: script.path)
            }
            guard rename(partial.path, image.path) == 0 else {
                throw PlotError.cannotWrite(path: image.path, reason: String(cString: strerror(errno)))
            }
        }
        return String(decoding: stdout.data, as: UTF8.self)
    }
}

/// gnuplot's message, at most 4,000 characters of it (a script error in a loop can print
/// megabytes).
func capped(_ message: String) -> String {
    guard !message.isEmpty else { return "(no message)" }
    guard message.count > 4_000 else { return message }
    return String(message.prefix(4_000)) + "\n… (\(message.count - 4_000) more characters)"
}

/// Writes everything to a pipe on a background thread and remembers whether the reader went
/// away first (EPIPE: SIGPIPE is ignored, so that is an error, not a crash).
private final class PipeWriter: @unchecked Sendable {
    private let handle: FileHandle
    private let data: Data
    private(set) var failed = false
    init(_ handle: FileHandle, _ data: Data) {
        self.handle = handle
        self.data = data
    }
    func write() {
        do { try handle.write(contentsOf: data) } catch { failed = true }
        try? handle.close()
    }
}

/// Set once: writing to a pipe whose reader has died returns an error instead of killing us.
private let ignoreBrokenPipeSignal: Void = {
    signal(SIGPIPE, SIG_IGN)
}()

/// Everything one pipe delivers, read to its end by one background thread; `data` is read
/// only after that thread has finished (the caller waits on a DispatchGroup).
private final class Drained: @unchecked Sendable {
    private let handle: FileHandle
    private(set) var data = Data()
    init(_ handle: FileHandle) { self.handle = handle }
    func read() { data = handle.readDataToEndOfFile() }
}
