import Homework
import HomeworkGrading
import Tensors

/// The homework functions of Sources/Homework as the grader's `Implementations`: what
/// `make grade` and the XCTest graders grade. (Not a file to edit for the homework.)
public let studentImplementations: Implementations = {
    var parts = Implementations()
    parts.sigmoid = { try Homework.sigmoid($0) }
    parts.sigmoidDerivative = { try Homework.sigmoidDerivative($0) }
    parts.tanhDerivative = { try Homework.tanhDerivative($0) }
    parts.relu = { try Homework.relu($0) }
    parts.reluDerivative = { try Homework.reluDerivative($0) }
    parts.softmax = { try Homework.softmax($0) }
    parts.denseForward = { try Homework.denseForward($0, weights: $1, bias: $2) }
    parts.denseBackward = { try Homework.denseBackward(delta: $0, input: $1, weights: $2) }
    parts.twoLayerGradients = { try Homework.twoLayerGradients(x: $0, y: $1, w1: $2, b1: $3, w2: $4, b2: $5) }
    parts.gradientDescentStep = { try Homework.gradientDescentStep($0, gradient: $1, learningRate: $2) }
    parts.miniBatches = { try Homework.miniBatches(count: $0, batchSize: $1, rng: &$2) }
    parts.trainLinearRegression = { try Homework.trainLinearRegression(x: $0, y: $1, epochs: $2, batchSize: $3, learningRate: $4, rng: &$5) }
    parts.dropoutForward = { try Homework.dropoutForward($0, rate: $1, rng: &$2) }
    parts.dropoutBackward = { try Homework.dropoutBackward($0, scaledMask: $1) }
    parts.l2Penalty = { try Homework.l2Penalty($0, lambda: $1) }
    parts.l2Gradient = { try Homework.l2Gradient($0, dataGradient: $1, lambda: $2) }
    parts.batchNormTraining = { try Homework.batchNormTraining($0, gamma: $1, beta: $2, epsilon: $3) }
    parts.batchNormInference = { try Homework.batchNormInference($0, gamma: $1, beta: $2, runningMean: $3, runningVariance: $4, epsilon: $5) }
    parts.batchNormBackward = { try Homework.batchNormBackward($0, input: $1, gamma: $2, epsilon: $3) }
    parts.updateRunningAverage = { try Homework.updateRunningAverage($0, batch: $1, momentum: $2) }
    parts.conv2DForward = { try Homework.conv2DForward($0, weights: $1, bias: $2, stride: $3) }
    parts.conv2DBackward = { try Homework.conv2DBackward($0, input: $1, weights: $2, stride: $3) }
    parts.maxPoolForward = { try Homework.maxPoolForward($0, size: $1) }
    parts.maxPoolBackward = { try Homework.maxPoolBackward($0, input: $1, size: $2) }
    return parts
}()

/// Every part of the homework, graded against the student's functions.
public var studentParts: [Part] { Assignments.parts(studentImplementations) }
