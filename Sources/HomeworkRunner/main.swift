// homework-runner: runs ONE graded part in this process and prints its outcome as one JSON
// line (after the marker below), for the grading tool `backprop-grade`, which starts one
// runner per part so that a part that traps or never returns costs only its own points.
//
//     homework-runner --part 2b                      grade part 2b of Sources/Homework
//     homework-runner --part 1a --implementation trap     (the grader's self-tests: a part that
//                                                          traps, one that hangs, the reference)
import Foundation
import HomeworkGrading
import HomeworkParts
import Tensors

/// Deliberately broken implementations for the grader's self-tests, which must go through a
/// real separate process: one traps (index out of range), one never returns.
func implementation(named name: String) -> Implementations? {
    var broken = Implementations.reference
    switch name {
    case "student": return studentImplementations
    case "reference": return .reference
    case "untouched": return .untouched
    case "trap":
        broken.sigmoid = { s in
            let values = s.scalars
            return Tensor(shape: s.shape) { i in 1 / (1 + exp(-values[i + 1])) }   // off by one: reads past the end
        }
        return broken
    case "hang":
        broken.sigmoid = { s in
            var sum = 0.0
            while sum >= 0 { sum += 1 }   // never ends
            return s
        }
        return broken
    default: return nil
    }
}

let arguments = Array(CommandLine.arguments.dropFirst())
func option(_ name: String) -> String? {
    guard let i = arguments.firstIndex(of: name), i + 1 < arguments.count else { return nil }
    return arguments[i + 1]
}
guard let id = option("--part"), let implementations = implementation(named: option("--implementation") ?? "student") else {
    FileHandle.standardError.write(Data("usage: homework-runner --part ID [--implementation student|reference|untouched|trap|hang]\n".utf8))
    exit(2)
}
guard let part = Assignments.parts(implementations).first(where: { $0.id == id }) else {
    FileHandle.standardError.write(Data("homework-runner: no part \(id)\n".utf8))
    exit(2)
}
let outcome = part.run()
let json = String(decoding: try JSONEncoder().encode(outcome), as: UTF8.self)
print(PartOutcome.marker + json)
exit(0)
