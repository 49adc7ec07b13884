import ArgumentParser
import Foundation

/// The files of the instructor's package to hand out or ship: git's tracked files when the
/// folder is a git checkout, else every file except build folders.
func packageFiles(_ root: URL) throws -> [String] {
    if FileManager.default.fileExists(atPath: root.appendingPathComponent(".git").path) {
        let run = try runChild("/usr/bin/env", ["git", "ls-files"], in: root, timeout: 60)
        if run.status == 0 { return run.stdout.split(separator: "\n").map(String.init).filter { !$0.isEmpty } }
    }
    var files: [String] = []
    let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey])
    while let url = enumerator?.nextObject() as? URL {
        let relative = String(url.standardizedFileURL.path.dropFirst(root.standardizedFileURL.path.count + 1))
        if relative.hasPrefix(".build") || relative.hasPrefix(".git/") || relative.hasPrefix(".swiftpm") {
            enumerator?.skipDescendants()
            continue
        }
        if (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true { files.append(relative) }
    }
    return files.sorted()
}

/// The hidden tests' files, left out of (or stubbed in) the student's copy.
let hiddenCasesFile = "Sources/HomeworkGrading/HiddenCases.swift"
let hiddenGraderTests = "Tests/HomeworkGraders/HiddenGraderTests.swift"

/// What the handout puts in place of HiddenCases.swift.
let hiddenCasesStub = """
    // The hidden tests are not part of the student's copy: the instructor's grading runs them.

    extension Assignments {
        static var hiddenParts: [Part] { [] }
    }

    """

/// The student's version of a homework file: every block between `// BEGIN SOLUTION` and
/// `// END SOLUTION` becomes `throw HomeworkError.notImplemented("<function>")`, with the
/// name of the function it is in (as nbgrader does with its markers).
func removingSolutions(_ source: String, file: String) throws -> String {
    var output: [String] = []
    var function = "this part"
    var inSolution = false
    for (number, line) in source.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        if let range = line.range(of: "func ") {
            function = String(line[range.upperBound...].prefix { $0.isLetter || $0.isNumber || $0 == "_" })
        }
        if trimmed == "// BEGIN SOLUTION" {
            guard !inSolution else { throw ValidationError("\(file):\(number + 1): BEGIN SOLUTION inside another solution") }
            inSolution = true
            let indent = line.prefix { $0 == " " }
            output.append("\(indent)throw HomeworkError.notImplemented(\"\(function)\")")
        } else if trimmed == "// END SOLUTION" {
            guard inSolution else { throw ValidationError("\(file):\(number + 1): END SOLUTION without BEGIN SOLUTION") }
            inSolution = false
        } else if !inSolution {
            output.append(String(line))
        }
    }
    guard !inSolution else { throw ValidationError("\(file): BEGIN SOLUTION without END SOLUTION") }
    return output.joined(separator: "\n")
}

/// Copies the package's files into `destination`, the homework's solutions replaced by stubs;
/// with `keepHidden` false, the hidden tests are left out too.
func writeStudentCopy(from root: URL, to destination: URL, keepHidden: Bool) throws -> (files: Int, stubs: Int) {
    var copied = 0, stubs = 0
    for file in try packageFiles(root) {
        if !keepHidden && file == hiddenGraderTests { continue }
        let source = root.appendingPathComponent(file), target = destination.appendingPathComponent(file)
        try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        if file.hasPrefix("Sources/Homework/") && file.hasSuffix(".swift") {
            let text = try String(contentsOf: source, encoding: .utf8)
            let student = try removingSolutions(text, file: file)
            stubs += text.components(separatedBy: "// BEGIN SOLUTION").count - 1
            try student.write(to: target, atomically: true, encoding: .utf8)
        } else if !keepHidden && file == hiddenCasesFile {
            try hiddenCasesStub.write(to: target, atomically: true, encoding: .utf8)
        } else {
            if FileManager.default.fileExists(atPath: target.path) { try FileManager.default.removeItem(at: target) }
            try FileManager.default.copyItem(at: source, to: target)
        }
        copied += 1
    }
    return (copied, stubs)
}

struct HandoutCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "handout",
        abstract: "Write the student's copy of the package: solutions replaced by stubs that throw notImplemented, hidden tests left out; then build and grade it (0 points, every part not attempted).")

    @Argument(help: "The folder to write (must not exist yet, or be empty).")
    var out: String

    @Option(help: "The instructor's package.")
    var package = "."

    @Flag(help: "Only write the copy; do not build and grade it.")
    var noCheck = false

    func run() throws {
        let root = URL(fileURLWithPath: package, isDirectory: true).standardizedFileURL
        let destination = URL(fileURLWithPath: out, isDirectory: true).standardizedFileURL
        if let existing = try? FileManager.default.contentsOfDirectory(atPath: destination.path), !existing.isEmpty {
            throw ValidationError("\(destination.path) is not empty: give a new folder")
        }
        let (files, stubs) = try writeStudentCopy(from: root, to: destination, keepHidden: false)
        print("Wrote the handout to \(destination.path): \(files) files, \(stubs) solutions replaced by stubs, hidden tests left out.")
        guard !noCheck else { return }
        print("Checking it: building the handout and grading it (a full build, a few minutes) …")
        let build = try runChild("/usr/bin/env", ["swift", "build", "--product", "backprop-grade"], in: destination, timeout: 3600)
        guard build.status == 0 else {
            throw ValidationError("the handout does not build:\n" + (build.stdout + build.stderr).split(separator: "\n").filter { $0.contains("error:") }.prefix(10).joined(separator: "\n"))
        }
        let resultsFile = destination.appendingPathComponent(".build/handout-check-results.json")
        let grade = try runChild(destination.appendingPathComponent(".build/debug/backprop-grade").path, ["--results", resultsFile.path],
                                 in: destination, timeout: 3600)
        print(grade.stdout)
        guard grade.status == 0, let data = try? Data(contentsOf: resultsFile),
              let json = try JSONSerialization.jsonObject(with: data) as? [String: Any], let tests = json["tests"] as? [[String: Any]] else {
            throw ValidationError("grading the handout failed:\n\(grade.stderr)")
        }
        let score = json["score"] as? Double ?? -1
        let attempted = tests.filter { !(($0["output"] as? String) ?? "").hasPrefix("not attempted") }
        guard score == 0, attempted.isEmpty, !tests.isEmpty else {
            throw ValidationError("the handout should grade to 0 points with every part not attempted; got \(score) points, "
                                  + "and these parts not marked not attempted: \(attempted.map { $0["number"] ?? "?" })")
        }
        print("Handout checked: it builds, and grading it gives 0 points with all \(tests.count) parts not attempted.")
    }
}

struct AutograderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "autograder",
        abstract: "Build a Gradescope autograder zip: setup.sh, run_autograder, and the package with the hidden tests (the homework files as stubs, replaced by the student's on Gradescope).")

    @Argument(help: "The zip file to write.")
    var out = "autograder.zip"

    @Option(help: "The instructor's package.")
    var package = "."

    func run() throws {
        let root = URL(fileURLWithPath: package, isDirectory: true).standardizedFileURL
        let staging = FileManager.default.temporaryDirectory.appendingPathComponent("backprop-autograder-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: staging) }
        // The homework files as stubs: a file missing from a submission is "not attempted", never
        // the instructor's solution.
        let (files, _) = try writeStudentCopy(from: root, to: staging, keepHidden: true)
        // A pristine copy of the stubs: run_autograder puts them back before each submission, so
        // grading several submissions in one folder never mixes one student's files into another's.
        let stubs = staging.appendingPathComponent("homework-stubs")
        try FileManager.default.copyItem(at: staging.appendingPathComponent("Sources/Homework"), to: stubs)
        for script in ["setup.sh", "run_autograder"] {
            let source = root.appendingPathComponent("Sources/Grade/Autograder/\(script)")
            let target = staging.appendingPathComponent(script)
            if FileManager.default.fileExists(atPath: target.path) { try FileManager.default.removeItem(at: target) }
            try FileManager.default.copyItem(at: source, to: target)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: target.path)
        }
        // grader.sha256: every file but the homework's own (which each submission replaces), so
        // run_autograder can refuse to grade with a folder that changed since (sha256sum format).
        let manifest = """
            import hashlib, os, sys
            lines = []
            for folder, _, names in os.walk("."):
                for name in names:
                    path = os.path.relpath(os.path.join(folder, name), ".")
                    if path == "grader.sha256" or (path.startswith("Sources/Homework/") and path.endswith(".swift")):
                        continue
                    lines.append(hashlib.sha256(open(path, "rb").read()).hexdigest() + "  " + path)
            open("grader.sha256", "w").write("\\n".join(sorted(lines, key=lambda l: l[66:])) + "\\n")
            """
        let checksums = try runChild("/usr/bin/env", ["python3", "-c", manifest], in: staging, timeout: 600)
        guard checksums.status == 0 else { throw ValidationError("could not write grader.sha256 (python3): \(checksums.stderr)") }
        let zip = URL(fileURLWithPath: out).standardizedFileURL
        try? FileManager.default.removeItem(at: zip)
        let entries = try FileManager.default.contentsOfDirectory(atPath: staging.path).sorted()
        let run = try runChild("/usr/bin/env", ["python3", "-m", "zipfile", "-c", zip.path] + entries, in: staging, timeout: 600)
        guard run.status == 0 else { throw ValidationError("could not write \(zip.path) (python3 -m zipfile): \(run.stderr)") }
        print("Wrote \(zip.path): setup.sh, run_autograder, grader.sha256 and the package (\(files) files, hidden tests included, homework files as stubs).")
        print("Upload it as the assignment's autograder on Gradescope; students submit their Sources/Homework/*.swift files.")
    }
}
