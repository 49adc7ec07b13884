@testable import Homework
import HomeworkWire
import Tensors

// Each homework function, replaced (Homework is compiled with -enable-implicit-dynamic) by a
// forwarder that asks `Substitution` first: while part 2c is graded, the student's calls of
// sigmoid, denseForward, … (parts graded before 2c) are answered by the grader's reference,
// so a bug in 1a costs only 1a's points. Otherwise the forwarder runs the student's own
// function (calling a function from its replacement calls the original).

@_dynamicReplacement(for: sigmoid(_:))
func sigmoidOrReference(_ s: Tensor<Double>) throws -> Tensor<Double> {
    if let r = try Substitution.value(of: "sigmoid", [s.wire]) { return try r.decoded() }
    return try sigmoid(s)
}

@_dynamicReplacement(for: sigmoidDerivative(_:))
func sigmoidDerivativeOrReference(_ s: Tensor<Double>) throws -> Tensor<Double> {
    if let r = try Substitution.value(of: "sigmoidDerivative", [s.wire]) { return try r.decoded() }
    return try sigmoidDerivative(s)
}

@_dynamicReplacement(for: tanhDerivative(_:))
func tanhDerivativeOrReference(_ s: Tensor<Double>) throws -> Tensor<Double> {
    if let r = try Substitution.value(of: "tanhDerivative", [s.wire]) { return try r.decoded() }
    return try tanhDerivative(s)
}

@_dynamicReplacement(for: relu(_:))
func reluOrReference(_ s: Tensor<Double>) throws -> Tensor<Double> {
    if let r = try Substitution.value(of: "relu", [s.wire]) { return try r.decoded() }
    return try relu(s)
}

@_dynamicReplacement(for: reluDerivative(_:))
func reluDerivativeOrReference(_ s: Tensor<Double>) throws -> Tensor<Double> {
    if let r = try Substitution.value(of: "reluDerivative", [s.wire]) { return try r.decoded() }
    return try reluDerivative(s)
}

@_dynamicReplacement(for: softmax(_:))
func softmaxOrReference(_ s: Tensor<Double>) throws -> Tensor<Double> {
    if let r = try Substitution.value(of: "softmax", [s.wire]) { return try r.decoded() }
    return try softmax(s)
}

@_dynamicReplacement(for: denseForward(_:weights:bias:))
func denseForwardOrReference(_ x: Tensor<Double>, weights: Tensor<Double>, bias: Tensor<Double>) throws -> Tensor<Double> {
    if let r = try Substitution.value(of: "denseForward", [x.wire, weights.wire, bias.wire]) { return try r.decoded() }
    return try denseForward(x, weights: weights, bias: bias)
}

@_dynamicReplacement(for: denseBackward(delta:input:weights:))
func denseBackwardOrReference(delta: Tensor<Double>, input x: Tensor<Double>, weights: Tensor<Double>) throws
    -> (inputGradient: Tensor<Double>, weightGradient: Tensor<Double>, biasGradient: Tensor<Double>) {
    if let r = try Substitution.value(of: "denseBackward", [delta.wire, x.wire, weights.wire]) {
        let (a, b, c): (Tensor<Double>, Tensor<Double>, Tensor<Double>) = try r.decoded()
        return (a, b, c)
    }
    return try denseBackward(delta: delta, input: x, weights: weights)
}

@_dynamicReplacement(for: twoLayerGradients(x:y:w1:b1:w2:b2:))
func twoLayerGradientsOrReference(x: Tensor<Double>, y: Tensor<Double>, w1: Tensor<Double>, b1: Tensor<Double>,
                                  w2: Tensor<Double>, b2: Tensor<Double>) throws
    -> (w1: Tensor<Double>, b1: Tensor<Double>, w2: Tensor<Double>, b2: Tensor<Double>) {
    if let r = try Substitution.value(of: "twoLayerGradients", [x.wire, y.wire, w1.wire, b1.wire, w2.wire, b2.wire]) {
        let (a, b, c, d): (Tensor<Double>, Tensor<Double>, Tensor<Double>, Tensor<Double>) = try r.decoded()
        return (a, b, c, d)
    }
    return try twoLayerGradients(x: x, y: y, w1: w1, b1: b1, w2: w2, b2: b2)
}

@_dynamicReplacement(for: gradientDescentStep(_:gradient:learningRate:))
func gradientDescentStepOrReference(_ weights: Tensor<Double>, gradient: Tensor<Double>, learningRate: Double) throws -> Tensor<Double> {
    if let r = try Substitution.value(of: "gradientDescentStep", [weights.wire, gradient.wire, learningRate.wire]) { return try r.decoded() }
    return try gradientDescentStep(weights, gradient: gradient, learningRate: learningRate)
}

@_dynamicReplacement(for: miniBatches(count:batchSize:rng:))
func miniBatchesOrReference(count: Int, batchSize: Int, rng: inout SeededGenerator) throws -> [[Int]] {
    if let r = try Substitution.value(of: "miniBatches", [count.wire, batchSize.wire, rng.wire]) {
        let (batches, generator): ([[Int]], SeededGenerator) = try r.decoded()
        rng = generator
        return batches
    }
    return try miniBatches(count: count, batchSize: batchSize, rng: &rng)
}

@_dynamicReplacement(for: trainLinearRegression(x:y:epochs:batchSize:learningRate:rng:))
func trainLinearRegressionOrReference(x: Tensor<Double>, y: Tensor<Double>, epochs: Int, batchSize: Int,
                                      learningRate: Double, rng: inout SeededGenerator) throws
    -> (weights: Tensor<Double>, bias: Tensor<Double>, losses: [Double]) {
    if let r = try Substitution.value(of: "trainLinearRegression",
                                      [x.wire, y.wire, epochs.wire, batchSize.wire, learningRate.wire, rng.wire]) {
        let (w, b, losses, generator): (Tensor<Double>, Tensor<Double>, [Double], SeededGenerator) = try r.decoded()
        rng = generator
        return (w, b, losses)
    }
    return try trainLinearRegression(x: x, y: y, epochs: epochs, batchSize: batchSize, learningRate: learningRate, rng: &rng)
}

@_dynamicReplacement(for: dropoutForward(_:rate:rng:))
func dropoutForwardOrReference(_ x: Tensor<Double>, rate: Double, rng: inout SeededGenerator) throws
    -> (output: Tensor<Double>, scaledMask: Tensor<Double>) {
    if let r = try Substitution.value(of: "dropoutForward", [x.wire, rate.wire, rng.wire]) {
        let (output, mask, generator): (Tensor<Double>, Tensor<Double>, SeededGenerator) = try r.decoded()
        rng = generator
        return (output, mask)
    }
    return try dropoutForward(x, rate: rate, rng: &rng)
}

@_dynamicReplacement(for: dropoutBackward(_:scaledMask:))
func dropoutBackwardOrReference(_ outputGradient: Tensor<Double>, scaledMask: Tensor<Double>) throws -> Tensor<Double> {
    if let r = try Substitution.value(of: "dropoutBackward", [outputGradient.wire, scaledMask.wire]) { return try r.decoded() }
    return try dropoutBackward(outputGradient, scaledMask: scaledMask)
}

@_dynamicReplacement(for: l2Penalty(_:lambda:))
func l2PenaltyOrReference(_ weights: Tensor<Double>, lambda: Double) throws -> Double {
    if let r = try Substitution.value(of: "l2Penalty", [weights.wire, lambda.wire]) { return try r.decoded() }
    return try l2Penalty(weights, lambda: lambda)
}

@_dynamicReplacement(for: l2Gradient(_:dataGradient:lambda:))
func l2GradientOrReference(_ weights: Tensor<Double>, dataGradient: Tensor<Double>, lambda: Double) throws -> Tensor<Double> {
    if let r = try Substitution.value(of: "l2Gradient", [weights.wire, dataGradient.wire, lambda.wire]) { return try r.decoded() }
    return try l2Gradient(weights, dataGradient: dataGradient, lambda: lambda)
}

@_dynamicReplacement(for: batchNormTraining(_:gamma:beta:epsilon:))
func batchNormTrainingOrReference(_ x: Tensor<Double>, gamma: Tensor<Double>, beta: Tensor<Double>, epsilon: Double) throws
    -> (output: Tensor<Double>, mean: Tensor<Double>, variance: Tensor<Double>) {
    if let r = try Substitution.value(of: "batchNormTraining", [x.wire, gamma.wire, beta.wire, epsilon.wire]) {
        let (a, b, c): (Tensor<Double>, Tensor<Double>, Tensor<Double>) = try r.decoded()
        return (a, b, c)
    }
    return try batchNormTraining(x, gamma: gamma, beta: beta, epsilon: epsilon)
}

@_dynamicReplacement(for: batchNormInference(_:gamma:beta:runningMean:runningVariance:epsilon:))
func batchNormInferenceOrReference(_ x: Tensor<Double>, gamma: Tensor<Double>, beta: Tensor<Double>,
                                   runningMean: Tensor<Double>, runningVariance: Tensor<Double>, epsilon: Double) throws -> Tensor<Double> {
    if let r = try Substitution.value(of: "batchNormInference",
                                      [x.wire, gamma.wire, beta.wire, runningMean.wire, runningVariance.wire, epsilon.wire]) {
        return try r.decoded()
    }
    return try batchNormInference(x, gamma: gamma, beta: beta, runningMean: runningMean, runningVariance: runningVariance, epsilon: epsilon)
}

@_dynamicReplacement(for: batchNormBackward(_:input:gamma:epsilon:))
func batchNormBackwardOrReference(_ outputGradient: Tensor<Double>, input x: Tensor<Double>, gamma: Tensor<Double>, epsilon: Double) throws
    -> (inputGradient: Tensor<Double>, gammaGradient: Tensor<Double>, betaGradient: Tensor<Double>) {
    if let r = try Substitution.value(of: "batchNormBackward", [outputGradient.wire, x.wire, gamma.wire, epsilon.wire]) {
        let (a, b, c): (Tensor<Double>, Tensor<Double>, Tensor<Double>) = try r.decoded()
        return (a, b, c)
    }
    return try batchNormBackward(outputGradient, input: x, gamma: gamma, epsilon: epsilon)
}

@_dynamicReplacement(for: updateRunningAverage(_:batch:momentum:))
func updateRunningAverageOrReference(_ running: Tensor<Double>, batch: Tensor<Double>, momentum: Double) throws -> Tensor<Double> {
    if let r = try Substitution.value(of: "updateRunningAverage", [running.wire, batch.wire, momentum.wire]) { return try r.decoded() }
    return try updateRunningAverage(running, batch: batch, momentum: momentum)
}

@_dynamicReplacement(for: conv2DForward(_:weights:bias:stride:))
func conv2DForwardOrReference(_ x: Tensor<Double>, weights: Tensor<Double>, bias: Tensor<Double>, stride: Int) throws -> Tensor<Double> {
    if let r = try Substitution.value(of: "conv2DForward", [x.wire, weights.wire, bias.wire, stride.wire]) { return try r.decoded() }
    return try conv2DForward(x, weights: weights, bias: bias, stride: stride)
}

@_dynamicReplacement(for: conv2DBackward(_:input:weights:stride:))
func conv2DBackwardOrReference(_ outputGradient: Tensor<Double>, input x: Tensor<Double>, weights: Tensor<Double>, stride: Int) throws
    -> (inputGradient: Tensor<Double>, weightGradient: Tensor<Double>, biasGradient: Tensor<Double>) {
    if let r = try Substitution.value(of: "conv2DBackward", [outputGradient.wire, x.wire, weights.wire, stride.wire]) {
        let (a, b, c): (Tensor<Double>, Tensor<Double>, Tensor<Double>) = try r.decoded()
        return (a, b, c)
    }
    return try conv2DBackward(outputGradient, input: x, weights: weights, stride: stride)
}

@_dynamicReplacement(for: maxPoolForward(_:size:))
func maxPoolForwardOrReference(_ x: Tensor<Double>, size: Int) throws -> Tensor<Double> {
    if let r = try Substitution.value(of: "maxPoolForward", [x.wire, size.wire]) { return try r.decoded() }
    return try maxPoolForward(x, size: size)
}

@_dynamicReplacement(for: maxPoolBackward(_:input:size:))
func maxPoolBackwardOrReference(_ outputGradient: Tensor<Double>, input x: Tensor<Double>, size: Int) throws -> Tensor<Double> {
    if let r = try Substitution.value(of: "maxPoolBackward", [outputGradient.wire, x.wire, size.wire]) { return try r.decoded() }
    return try maxPoolBackward(outputGradient, input: x, size: size)
}
