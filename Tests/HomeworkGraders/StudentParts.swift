import HomeworkFunctions
import HomeworkGrading
import HomeworkWire
import XCTest

/// The student's functions (Sources/Homework) called in this test's process, the way
/// homework-runner calls them for `make grade`: through the same table and wire values, with
/// the functions of earlier parts that `part` uses answered by the reference.
/// `substituted` collects the functions the reference answered.
func studentImplementation(for part: Part, substituted: Substituted = Substituted()) -> Implementations {
    .calling { function, arguments in
        let (message, used) = answer(studentFunctions, function, arguments, substitutes: part.uses) { name, values in
            try Implementations.referenceForUses.call(name, values)
        }
        substituted.names.formUnion(used)
        switch message {
        case .result(let values): return values
        case .notImplemented(let name): throw HomeworkNotImplemented(name)
        case .threw(let text): throw StudentError(text)
        case .call, .callback: throw StudentError("unexpected message")
        }
    }
}

/// The names of the functions the reference answered while a part was graded.
final class Substituted: @unchecked Sendable {
    var names: Set<String> = []
}

extension XCTestCase {
    /// Fails unless the part gets full marks, with the grader's explanation.
    func assertFullMarks(_ id: String, file: StaticString = #filePath, line: UInt = #line) {
        guard let part = Assignments.parts.first(where: { $0.id == id }) else {
            XCTFail("no part \(id) in the homework", file: file, line: line)
            return
        }
        let outcome = part.run(studentImplementation(for: part))
        XCTAssertEqual(outcome.status, .passed, "part \(id) · \(part.title): \(outcome.score)/\(part.points) points, "
                       + "\(outcome.status.rawValue): \(outcome.message)", file: file, line: line)
    }
}
