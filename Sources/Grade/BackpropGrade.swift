// backprop-grade: grades the homework in Sources/Homework, one part per process.
//
//     backprop-grade [--timeout 10] [--results results.json] [--strict]     (make grade)
//     backprop-grade handout OUT                                            (make handout OUT=dir)
//     backprop-grade autograder OUT.zip                                     (make autograder)
//
// It does not depend on the student's module: it builds `homework-runner` (which does), so a
// compile error in the homework is reported as such, with 0 points, and every part then runs
// in its own `homework-runner` process with a time limit. A trap, an endless loop or a runaway
// allocation costs only that part's points.
import ArgumentParser
import Foundation
import HomeworkGrading

@main
struct BackpropGrade: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backprop-grade",
        abstract: "Grade the homework (Sources/Homework), write a student handout, or build a Gradescope autograder.",
        subcommands: [GradeCommand.self, HandoutCommand.self, AutograderCommand.self],
        defaultSubcommand: GradeCommand.self)
}

struct GradeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "grade", abstract: "Grade every part, each in its own process.")

    @Option(help: "Time limit of each part, in seconds.")
    var timeout: Double = 10

    @Option(help: "Where to write the Gradescope-format results (rewritten after every part).")
    var results = "results.json"

    @Flag(help: "Exit with status 1 unless every part has full marks (for a course's CI).")
    var strict = false

    @Option(help: "The package to grade (the folder with Package.swift).")
    var package = "."

    @Option(help: .hidden)
    var implementation = "student"

    @Flag(help: "Use the homework-runner already built (do not run swift build first).")
    var skipBuild = false

    @Option(help: "Address-space limit of each part's process, in MiB (a part that allocates without bound fails alone).")
    var memory = 4096

    func validate() throws {
        guard timeout > 0 else { throw ValidationError("--timeout must be positive, got \(timeout)") }
        guard memory > 0 else { throw ValidationError("--memory must be positive, got \(memory)") }
    }

    func run() throws {
        let packageURL = URL(fileURLWithPath: package, isDirectory: true).standardizedFileURL
        var report = Report(resultsPath: URL(fileURLWithPath: results).standardizedFileURL.path)
        // The parts, as the grading library lists them (no student code needed to list them).
        let parts = Assignments.parts(.untouched)
        if !skipBuild { print("Building the homework (swift build --product homework-runner) …") }
        let build = skipBuild ? ChildRun(status: 0, signaled: false, timedOut: false, stdout: "", stderr: "")
            : try runChild("/usr/bin/env", ["swift", "build", "--product", "homework-runner"], in: packageURL, timeout: 3600)
        guard build.status == 0 else {
            let errors = (build.stdout + "\n" + build.stderr).split(separator: "\n").filter { $0.contains("error:") }
            var seen = Set<Substring>()
            let first = errors.filter { seen.insert($0).inserted }.prefix(10).joined(separator: "\n")
            let message = "the homework does not compile, so no part could run. The compiler's first errors:\n" + first
            print("\n✗ Build failed:\n\(first)\n")
            for part in parts { report.add(part, PartOutcome(status: .buildFailed, score: 0, message: message)) }
            try report.write(output: message)
            report.printTotal()
            if strict { throw ExitCode(1) }
            return
        }
        let runner = packageURL.appendingPathComponent(".build/debug/homework-runner").path
        print("Grading \(parts.count) parts, each in its own process (time limit \(formatSeconds(timeout)) s each):\n")
        report.printHeader()
        for part in parts {
            let run = try runChild(runner, ["--part", part.id, "--implementation", implementation], in: packageURL, timeout: timeout,
                                   memoryLimitKiB: memory * 1024,
                                   environment: ["SWIFT_BACKTRACE": "enable=yes,interactive=no,color=no,threads=crashed,registers=none,images=none"])
            var result = outcome(of: run, timeout: timeout)
            result.score = min(result.score, part.points)
            report.add(part, result)
            report.printRow(part, result)
            try report.write(output: "")
        }
        report.printTotal()
        if strict && report.total < report.maximum { throw ExitCode(1) }
    }
}

/// The score table and the Gradescope results file.
struct Report {
    let resultsPath: String
    var tests: [[String: Any]] = []
    var total = 0.0, maximum = 0.0

    mutating func add(_ part: Part, _ outcome: PartOutcome) {
        total += outcome.score
        maximum += part.points
        let detail = Report.detail(outcome)
        tests.append(["number": part.id, "name": "\(part.id) · \(part.title)", "score": outcome.score, "max_score": part.points,
                      "status": outcome.status == .passed ? "passed" : "failed", "output": detail,
                      "visibility": part.hidden ? "hidden" : "visible"])
    }

    /// Gradescope's results.json (`score`, `tests` with name, score, max_score, status, output,
    /// visibility), written to a temporary file and renamed, so it is never half written.
    func write(output: String) throws {
        var json: [String: Any] = ["score": total, "tests": tests]
        if !output.isEmpty { json["output"] = output }
        let data = try JSONSerialization.data(withJSONObject: json, options: [.prettyPrinted, .sortedKeys])
        let url = URL(fileURLWithPath: resultsPath)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).part")
        try data.write(to: temporary)
        guard rename(temporary.path, url.path) == 0 else {
            throw ValidationError("cannot write \(url.path): \(String(cString: strerror(errno)))")
        }
    }

    /// "crashed: Fatal error: Index out of range (at …)", "timed out after 10 s (…)", "not attempted: …".
    static func detail(_ outcome: PartOutcome) -> String {
        switch outcome.status {
        case .passed: outcome.message
        case .timedOut: "timed out \(outcome.message)"
        default: "\(outcome.status.rawValue): \(outcome.message)"
        }
    }

    func printHeader() {
        print(row("assignment", "part", "points", "status"))
        print(row(String(repeating: "─", count: 24), String(repeating: "─", count: 62), "───────", "─────────────"))
    }

    func printRow(_ part: Part, _ outcome: PartOutcome) {
        print(row(part.assignment, "\(part.id) \(part.title)", "\(number(outcome.score))/\(number(part.points))", outcome.status.rawValue))
        if outcome.status != .passed {
            print("      ↳ " + Report.detail(outcome).replacingOccurrences(of: "\n", with: "\n        "))
        }
    }

    func printTotal() {
        print("\nTotal: \(number(total)) / \(number(maximum)) points · results: \(resultsPath)")
    }

    private func row(_ a: String, _ b: String, _ c: String, _ d: String) -> String {
        func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
        return pad(a, 24) + "  " + pad(b, 62) + "  " + String(repeating: " ", count: max(0, 7 - c.count)) + c + "  " + d
    }

    private func number(_ x: Double) -> String { x == x.rounded() ? String(Int(x)) : String(format: "%.1f", x) }
}
