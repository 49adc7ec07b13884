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
    static let configuration = CommandConfiguration(commandName: "grade", abstract: "Grade every part, each in its own contained process.")

    @Option(help: "Time limit of each part, in seconds.")
    var timeout: Double = 10

    @Option(help: "Where to write the Gradescope-format results (only this grader writes it; it says when grading is incomplete).")
    var results = "results.json"

    @Flag(help: "Exit with status 1 unless every part has full marks (for a course's CI).")
    var strict = false

    @Option(help: "The package to grade (the folder with Package.swift).")
    var package = "."

    @Option(help: "Grade this homework-runner binary instead of building the package's (it must speak the grader's protocol).")
    var runner: String?

    @Option(help: "An argument for the --runner binary (the graders' self-tests choose a test stand-in's variant this way).")
    var runnerArgument: [String] = []

    @Option(help: "Memory limit of each part, in MiB (of its process; of all its processes where a cgroup is writable).")
    var memory = 4096

    func validate() throws {
        guard timeout > 0 else { throw ValidationError("--timeout must be positive, got \(timeout)") }
        guard memory > 0 else { throw ValidationError("--memory must be positive, got \(memory)") }
    }

    func run() throws {
        let packageURL = URL(fileURLWithPath: package, isDirectory: true).standardizedFileURL
        let parts = Assignments.parts
        var report = Report(resultsPath: URL(fileURLWithPath: results).standardizedFileURL.path, expected: parts)
        // Written first, so an interrupted grading leaves a file that says so (score 0).
        try report.write()
        var runnerPath = runner.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
        if runnerPath == nil {
            print("Building the homework (swift build --product homework-runner) …")
            let build = try runChild("/usr/bin/env", ["swift", "build", "--product", "homework-runner",
                                                      "--explicit-target-dependency-import-check", "error"], in: packageURL, timeout: 3600)
            guard build.status == 0 else {
                let message = buildFailure(build.stdout + "\n" + build.stderr)
                print("\n✗ Build failed:\n\(message)\n")
                for part in parts { report.add(part, PartOutcome(status: .buildFailed, score: 0, message: message), substituted: []) }
                report.output = message
                try report.write()
                report.printTotal()
                if strict { throw ExitCode(1) }
                return
            }
            runnerPath = packageURL.appendingPathComponent(".build/debug/homework-runner").path
        }
        let containment = try Containment()
        let limits = Limits(seconds: timeout, memoryMiB: memory)
        print("Grading \(parts.count) parts, each in its own process (time limit \(formatSeconds(timeout)) s each), "
              + "\(containment.summary):\n")
        report.printHeader()
        for part in parts {
            let run = try containment.run(part, runner: runnerPath!, arguments: runnerArgument, limits: limits)
            var outcome = run.outcome
            outcome.score = min(max(outcome.score, 0), part.points)
            report.add(part, outcome, substituted: run.substituted)
            report.printRow(part, outcome, substituted: run.substituted)
            try report.write()
        }
        report.printTotal()
        if strict && report.total < report.maximum { throw ExitCode(1) }
    }
}

/// The build's errors in plain words: an import of a module the homework may not use is said
/// as such; otherwise the compiler's first ten distinct errors.
func buildFailure(_ log: String) -> String {
    let errors = log.split(separator: "\n").filter { $0.contains("error:") }
    var seen = Set<Substring>()
    let distinct = errors.filter { seen.insert($0).inserted }
    let imports = distinct.compactMap { line -> String? in
        guard line.contains("imports another target"), let open = line.range(of: "("),
              let close = line.range(of: ")", range: open.upperBound..<line.endIndex) else { return nil }
        return String(line[open.upperBound..<close.lowerBound])
    }
    if !imports.isEmpty {
        return "the homework does not compile, so no part could run: Sources/Homework imports \(Set(imports).sorted().joined(separator: ", ")), "
            + "which the homework may not use (only Tensors, Foundation and the standard library).\n"
            + distinct.prefix(10).joined(separator: "\n")
    }
    return "the homework does not compile, so no part could run. The compiler's first errors:\n" + distinct.prefix(10).joined(separator: "\n")
}

/// The score table and the Gradescope results file.
struct Report {
    let resultsPath: String
    /// Every part that will be graded, so the file can say how many are still missing.
    let expected: [Part]
    var tests: [[String: Any]] = []
    var total = 0.0, maximum = 0.0
    /// A message for the whole submission (a build failure).
    var output = ""

    init(resultsPath: String, expected: [Part]) {
        (self.resultsPath, self.expected) = (resultsPath, expected)
    }

    mutating func add(_ part: Part, _ outcome: PartOutcome, substituted: [String]) {
        total += outcome.score
        maximum += part.points
        let detail = Report.detail(outcome) + Report.substitution(substituted)
        tests.append(["number": part.id, "name": "\(part.id) · \(part.title)", "score": outcome.score, "max_score": part.points,
                      "status": outcome.status == .passed ? "passed" : "failed", "output": detail,
                      "visibility": part.hidden ? "hidden" : "visible"])
    }

    /// " (graded with the reference sigmoid, denseForward in place of yours)".
    static func substitution(_ names: [String]) -> String {
        names.isEmpty ? "" : " (graded with the reference \(names.joined(separator: ", ")) in place of yours)"
    }

    var complete: Bool { tests.count == expected.count }

    /// Gradescope's results.json (`score`, `tests` with name, score, max_score, status, output,
    /// visibility; `extra_data` with the parts expected and graded), written to a temporary
    /// file and renamed, so it is never half written. Until every part is graded, the score is
    /// 0 and `output` says grading did not finish: an interrupted run never looks complete.
    func write() throws {
        var json: [String: Any] = ["tests": tests,
                                   "extra_data": ["parts_expected": expected.count, "parts_graded": tests.count, "complete": complete]]
        if complete {
            json["score"] = total
            if !output.isEmpty { json["output"] = output }
        } else {
            json["score"] = 0
            json["output"] = "Grading did not finish: \(tests.count) of \(expected.count) parts were graded, so this is not a score. "
                + "Ask your instructor to grade the submission again."
        }
        let data = try JSONSerialization.data(withJSONObject: json, options: [.prettyPrinted, .sortedKeys])
        let url = URL(fileURLWithPath: resultsPath)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(getpid()).part")
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

    func printRow(_ part: Part, _ outcome: PartOutcome, substituted: [String]) {
        print(row(part.assignment, "\(part.id) \(part.title)", "\(number(outcome.score))/\(number(part.points))", outcome.status.rawValue))
        if outcome.status != .passed {
            print("      ↳ " + Report.detail(outcome).replacingOccurrences(of: "\n", with: "\n        "))
        }
        if !substituted.isEmpty { print("      ↳ graded with the reference \(substituted.joined(separator: ", ")) in place of yours") }
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
