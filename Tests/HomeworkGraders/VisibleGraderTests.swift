import HomeworkFunctions
import HomeworkGrading
import XCTest

/// The XCTest graders: one test per part of the homework, grading the functions in
/// Sources/Homework. A failure says the part, its points, and the first case that differs
/// (input, expected, got, tolerance). `make grade` runs the same checks, each part in its own
/// process, and adds up the points; these tests are for running one part under a debugger.
final class VisibleGraderTests: XCTestCase {
    func testPart1aSigmoid() { assertFullMarks("1a") }
    func testPart1bTanhDerivative() { assertFullMarks("1b") }
    func testPart1cReLU() { assertFullMarks("1c") }
    func testPart1dSoftmax() { assertFullMarks("1d") }
    func testPart2aDenseForward() { assertFullMarks("2a") }
    func testPart2bDenseBackward() { assertFullMarks("2b") }
    func testPart2cDeltaRecursion() { assertFullMarks("2c") }
    func testPart2dWeightUpdate() { assertFullMarks("2d") }
    func testPart3aMiniBatches() { assertFullMarks("3a") }
    func testPart3bBatchDescent() { assertFullMarks("3b") }
    func testPart3cMiniBatchDescent() { assertFullMarks("3c") }
    func testPart3dStochasticDescent() { assertFullMarks("3d") }
    func testPart4aDropoutForward() { assertFullMarks("4a") }
    func testPart4bDropoutBackward() { assertFullMarks("4b") }
    func testPart4cL2Penalty() { assertFullMarks("4c") }
    func testPart4dL2Gradient() { assertFullMarks("4d") }
    func testPart5aBatchNormTraining() { assertFullMarks("5a") }
    func testPart5bBatchNormInference() { assertFullMarks("5b") }
    func testPart5cBatchNormBackward() { assertFullMarks("5c") }
    func testPart5dRunningAverage() { assertFullMarks("5d") }
    func testPart6aConvolutionForward() { assertFullMarks("6a") }
    func testPart6bConvolutionBackward() { assertFullMarks("6b") }
    func testPart6cMaxPoolForward() { assertFullMarks("6c") }
    func testPart6dMaxPoolBackward() { assertFullMarks("6d") }

    func testEveryUsedFunctionIsAnsweredByTheReference() {
        // The solutions of 2c and 3b–3d call the earlier parts' functions: each call must reach
        // the reference (its forwarder in Sources/HomeworkFunctions/Substitutes.swift).
        for part in Assignments.parts where !part.uses.isEmpty {
            let substituted = Substituted()
            let outcome = part.run(studentImplementation(for: part, substituted: substituted))
            XCTAssertEqual(outcome.status, .passed, "\(part.id): \(outcome.message)")
            XCTAssertEqual(substituted.names, Set(part.uses), "\(part.id): the reference answered \(substituted.names.sorted()), expected \(part.uses.sorted())")
        }
    }

    func testEveryGradedFunctionIsWiredToTheHomework() {
        // A part whose function is missing from Sources/HomeworkFunctions could never be graded.
        XCTAssertEqual(studentFunctions.names, Assignments.functions, "the student's table lists the graded functions, in order")
    }
}
