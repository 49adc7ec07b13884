import Foundation
import HomeworkGrading

/// What one run of a child process gave.
struct ChildRun {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs one of the grader's own commands (swift build, git, useradd, python3: never student
/// code, which runs contained, Containment.swift) with a time limit, capturing stdout and stderr
/// into files (no pipe to fill up and block the child). A child past `timeout` is killed.
func runChild(_ executable: String, _ arguments: [String], in folder: URL? = nil, timeout: Double) throws -> ChildRun {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let folder { process.currentDirectoryURL = folder }
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("backprop-grade-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: scratch) }
    let out = scratch.appendingPathComponent("stdout"), err = scratch.appendingPathComponent("stderr")
    FileManager.default.createFile(atPath: out.path, contents: nil)
    FileManager.default.createFile(atPath: err.path, contents: nil)
    let outHandle = try FileHandle(forWritingTo: out), errHandle = try FileHandle(forWritingTo: err)
    process.standardOutput = outHandle
    process.standardError = errHandle
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let deadline = Date().addingTimeInterval(timeout)
    while process.isRunning {
        if Date() > deadline {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            break
        }
        usleep(2_000)
    }
    process.waitUntilExit()
    try? outHandle.close()
    try? errHandle.close()
    /// At most 64 KiB of each stream is kept: a part that prints in a loop cannot fill the report.
    func read(_ url: URL) -> String {
        let data = (try? FileHandle(forReadingFrom: url).readData(ofLength: 65_536)) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
    return ChildRun(status: process.terminationStatus, stdout: read(out), stderr: read(err))
}

/// "Fatal error: Index out of range (at Sources/Homework/Assignment1Activations.swift:12)":
/// the trap's message from Swift's runtime (at most 300 characters of it) and the first place
/// in the homework's own files in the backtrace; or the signal or exit status; "killed: out of
/// memory" only when the memory limit was what stopped it.
func crashDescription(stderr: String, status: Containment.Status, outOfMemory: Bool, limits: Limits) -> String {
    let lines = printable(stderr, limit: 65_536).split(separator: "\n").map(String.init)
    let allocationFailed = lines.contains { $0.contains("Could not allocate memory") || $0.contains("failed to allocate") }
    var text: String
    if outOfMemory || allocationFailed {
        text = "killed: out of memory (the limit is \(limits.memoryMiB) MiB)"
    } else if let line = lines.first(where: { $0.contains("Fatal error") }) {
        text = String(line[line.range(of: "Fatal error")!.lowerBound...].prefix(300))
    } else if let signal = status.signal {
        text = "stopped by signal \(signal) (\(signalName(signal)))"
    } else if let code = status.exitCode {
        text = "exited with status \(code) before answering"
    } else {
        text = "the process ended before answering"
    }
    if let frame = lines.first(where: { $0.contains("/Sources/Homework/") }),
       let at = frame.range(of: " at ", options: .backwards) {
        var location = String(frame[at.upperBound...])
        if let start = location.range(of: "Sources/Homework/") { location = String(location[start.lowerBound...]) }
        // path:line:column → path:line
        let pieces = location.split(separator: ":")
        if pieces.count >= 2 { location = pieces[0] + ":" + pieces[1] }
        text += " (at \(location.prefix(200)))"
    }
    return text
}

func signalName(_ signal: Int32) -> String {
    switch signal {
    case SIGILL: "SIGILL, a Swift trap"
    case SIGTRAP: "SIGTRAP, a Swift trap"
    case SIGSEGV: "SIGSEGV, invalid memory access"
    case SIGABRT: "SIGABRT"
    case SIGKILL: "SIGKILL, killed"
    case SIGXCPU: "SIGXCPU, the CPU time limit"
    case SIGXFSZ: "SIGXFSZ, a file past the size limit"
    case SIGBUS: "SIGBUS"
    default: "signal \(signal)"
    }
}

func formatSeconds(_ seconds: Double) -> String {
    seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
}
