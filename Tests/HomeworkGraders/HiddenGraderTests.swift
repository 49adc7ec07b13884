import HomeworkGrading
import XCTest

/// HIDDEN TESTS: the same parts on inputs the student's copy does not show (a single example,
/// a single unit, odd sizes, extreme values). Left out of `make handout`.
final class HiddenGraderTests: XCTestCase {
    func testPart1aSigmoidHidden() { assertFullMarks("1a·hidden") }
    func testPart1bTanhDerivativeHidden() { assertFullMarks("1b·hidden") }
    func testPart1cReLUHidden() { assertFullMarks("1c·hidden") }
    func testPart1dSoftmaxHidden() { assertFullMarks("1d·hidden") }
    func testPart2aDenseForwardHidden() { assertFullMarks("2a·hidden") }
    func testPart2bDenseBackwardHidden() { assertFullMarks("2b·hidden") }
    func testPart2cDeltaRecursionHidden() { assertFullMarks("2c·hidden") }
    func testPart2dWeightUpdateHidden() { assertFullMarks("2d·hidden") }
    func testPart3aMiniBatchesHidden() { assertFullMarks("3a·hidden") }
    func testPart3bBatchDescentHidden() { assertFullMarks("3b·hidden") }
    func testPart3cMiniBatchDescentHidden() { assertFullMarks("3c·hidden") }
    func testPart3dStochasticDescentHidden() { assertFullMarks("3d·hidden") }
    func testPart4aDropoutForwardHidden() { assertFullMarks("4a·hidden") }
    func testPart4bDropoutBackwardHidden() { assertFullMarks("4b·hidden") }
    func testPart4cL2PenaltyHidden() { assertFullMarks("4c·hidden") }
    func testPart4dL2GradientHidden() { assertFullMarks("4d·hidden") }
    func testPart5aBatchNormTrainingHidden() { assertFullMarks("5a·hidden") }
    func testPart5bBatchNormInferenceHidden() { assertFullMarks("5b·hidden") }
    func testPart5cBatchNormBackwardHidden() { assertFullMarks("5c·hidden") }
    func testPart5dRunningAverageHidden() { assertFullMarks("5d·hidden") }
    func testPart6aConvolutionForwardHidden() { assertFullMarks("6a·hidden") }
    func testPart6bConvolutionBackwardHidden() { assertFullMarks("6b·hidden") }
    func testPart6cMaxPoolForwardHidden() { assertFullMarks("6c·hidden") }
    func testPart6dMaxPoolBackwardHidden() { assertFullMarks("6d·hidden") }
}
