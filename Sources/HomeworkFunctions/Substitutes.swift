import Homework
import HomeworkWire
import Tensors

// The homework functions that later parts call (a part's `uses`: 2c calls sigmoid, σ′,
// denseForward and denseBackward; 3b–3d call miniBatches), each replaced (Homework is compiled
// with -enable-implicit-dynamic) by a forwarder that asks `Substitution` first: while 2c is
// graded, the student's calls of sigmoid are answered by the grader's reference, so a bug in 1a
// costs only 1a's points. Otherwise the forwarder runs the student's own function (calling a
// function from its replacement calls the original). A part that starts to use another function
// needs its forwarder here (HomeworkGraders' testEveryUsedFunctionIsAnsweredByTheReference).

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

@_dynamicReplacement(for: miniBatches(count:batchSize:rng:))
func miniBatchesOrReference(count: Int, batchSize: Int, rng: inout SeededGenerator) throws -> [[Int]] {
    if let r = try Substitution.value(of: "miniBatches", [count.wire, batchSize.wire, rng.wire]) {
        let (batches, generator): ([[Int]], SeededGenerator) = try r.decoded()
        rng = generator
        return batches
    }
    return try miniBatches(count: count, batchSize: batchSize, rng: &rng)
}
