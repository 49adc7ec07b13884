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

    /// - Parameter executable: `gnuplot` by default; the `GNUPLOT` environment variable overrides it.
    public init(executable: String? = nil) {
        self.executable = executable ?? ProcessInfo.processInfo.environment["GNUPLOT"] ?? "gnuplot"
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
    public func run(script: URL, format: String, in directory: URL, settings: String = "") throws -> String {
        guard let path = resolvedPath else {
            throw PlotError.gnuplotNotFound(
                executable: executable.contains("/") ? executable : "\(executable) is not on PATH",
                script: script.path, data: script.deletingPathExtension().appendingPathExtension("dat").path)
        }
        let text: String
        do { text = try String(contentsOf: script, encoding: .utf8) } catch {
            throw PlotError.cannotWrite(path: script.path, reason: error.localizedDescription)
        }
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
            throw PlotError.gnuplotNotFound(executable: path, script: script.path,
                                            data: script.deletingPathExtension().appendingPathExtension("dat").path)
        }
        // Drain both output pipes while we write, so gnuplot never blocks on a full pipe.
        let drained = DispatchGroup()
        let stdout = Drained(output.fileHandleForReading), stderr = Drained(errors.fileHandleForReading)
        DispatchQueue.global().async(group: drained) { stdout.read() }
        DispatchQueue.global().async(group: drained) { stderr.read() }
        var brokenPipe = false
        do {
            let program = "format = \"\(format)\"\n\(settings)\n\(text)\nexit\n"
            try input.fileHandleForWriting.write(contentsOf: Data(program.utf8))
        } catch {
            brokenPipe = true
        }
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
        drained.wait()
        let message = String(decoding: stderr.data, as: UTF8.self)
        if process.terminationStatus != 0 || process.terminationReason != .exit {
            throw PlotError.gnuplotFailed(status: process.terminationStatus,
                                          message: message.isEmpty ? "(no message)" : message, script: script.path)
        }
        if brokenPipe { throw PlotError.brokenPipe(script: script.path) }
        return String(decoding: stdout.data, as: UTF8.self)
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
