// homework-runner-fixtures: test-only stand-ins for homework-runner, for the graders' self-tests
// through the real grading tool (`backprop-grade --runner <this> --runner-argument trap`). It
// serves the instructor's solutions (Sources/Homework) like homework-runner, with one change:
//
//     solutions   nothing changed (full marks)       untouched   every part "not implemented"
//     trap        sigmoid reads past the end          hang        sigmoid never returns
//
// The shipped homework-runner has none of these modes: it takes no arguments.
import Foundation
import Homework
import HomeworkFunctions
import HomeworkWire
import Tensors

let variant = CommandLine.arguments.dropFirst().first ?? "solutions"
var table = studentFunctions
switch variant {
case "solutions": break
case "untouched":
    for name in table.names { table.replace(name) { _ in throw HomeworkError.notImplemented(name) } }
case "trap":
    table.replace("sigmoid") { a in
        let s: Tensor<Double> = try a.argument(0)
        let values = s.scalars
        return [Tensor(shape: s.shape) { i in 1 / (1 + exp(-values[i + 1])) }.wire]   // off by one: reads past the end
    }
case "hang":
    table.replace("sigmoid") { _ in
        var sum = 0.0
        while sum >= 0 { sum += 1 }   // never ends
        return []
    }
default:
    FileHandle.standardError.write(Data("homework-runner-fixtures: no variant \(variant) (solutions, untouched, trap, hang)\n".utf8))
    exit(2)
}
serve(table, on: Channel(fd: 3))
