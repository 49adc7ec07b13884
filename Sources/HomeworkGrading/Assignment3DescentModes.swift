import HomeworkWire
import Neural
import Tensors

// Assignment 3 · Descent modes, graded: the reference, how the grader calls the student's functions
// (Sources/Homework/Assignment3DescentModes.swift), and the checks with their points. A new part: its function in
// Sources/Homework, its line in Sources/HomeworkFunctions/StudentFunctions.swift, its closure in
// Implementations.swift, and here its reference, its call and its check.

extension Implementations {
    /// The reference for descent modes: the library's `fit`.
    static func setDescentReference(_ r: inout Implementations) {
        r.miniBatches = { count, batchSize, rng in
            // The library's `fit` cuts its epochs the same way (Sources/Neural/Training.swift).
            let order = rng.permutation(count)
            return stride(from: 0, to: count, by: batchSize).map { Array(order[$0 ..< min(count, $0 + batchSize)]) }
        }
        r.trainLinearRegression = { x, y, epochs, batchSize, eta, rng in
            var network = Sequential<Double>(inputShape: [x.shape[1]], layers: [
                Dense(weights: .zeros([x.shape[1], 1]), bias: .zeros([1])),
            ])
            var losses: [Double] = []
            network.fit(x, y, epochs: epochs, descent: .miniBatch(batchSize), loss: MeanSquaredError(),
                        optimizer: SGD(learningRate: .constant(eta)), progress: .quiet,
                        callbacks: Callbacks(onEpoch: { losses.append($0.network.evaluate(x, y, loss: MeanSquaredError())[.loss]!) }),
                        rng: &rng)
            let layer = network.layer(0, as: Dense<Double>.self)
            return (layer.weights, layer.bias, losses)
        }
    }

    /// The student's functions of this assignment, each a call of `call` with wire values.
    static func setDescentCalls(_ r: inout Implementations, _ call: @escaping @Sendable (String, [WireValue]) throws -> [WireValue]) {
        r.miniBatches = { count, batchSize, rng in
            let (batches, generator): ([[Int]], SeededGenerator) = try call("miniBatches", [count.wire, batchSize.wire, rng.wire]).decoded()
            rng = generator
            return batches
        }
        r.trainLinearRegression = { x, y, epochs, batchSize, eta, rng in
            let (w, b, losses, generator): (Tensor<Double>, Tensor<Double>, [Double], SeededGenerator)
                = try call("trainLinearRegression", [x.wire, y.wire, epochs.wire, batchSize.wire, eta.wire, rng.wire]).decoded()
            rng = generator
            return (w, b, losses)
        }
    }
}

extension Assignments {
    static let descent = "3 · Descent modes"

    /// The checks of 3 · Descent modes, run on `cases`.
    static func descentChecks(_ cases: [Case]) -> [Check] {
        let reference = Implementations.reference
        let cs = cases
        var checks: [Check] = []
        checks.append(Check("3a", descent, "the shuffled mini-batches of an epoch", 2, functions: ["miniBatches"]) { student in
            grade(2, cs) { c in
                let count = c.batch * 3 + c.units, batchSize = c.inputs
                var studentRNG = c.rng, referenceRNG = c.rng
                let got = try student.miniBatches(count, batchSize, &studentRNG), expected = try reference.miniBatches(count, batchSize, &referenceRNG)
                if got != expected { return "miniBatches(count: \(count), batchSize: \(batchSize)): expected \(expected), got \(got)" }
                if studentRNG.next() != referenceRNG.next() { return "the generator was not advanced by exactly one rng.permutation(count)" }
                return nil
            }
        })
        let modes: [(id: String, mode: String, batchSize: @Sendable (Int) -> Int)] = [
            ("3b", "batch", { n in n }), ("3c", "mini-batch", { n in max(2, n / 3) }), ("3d", "stochastic", { _ in 1 })]
        for (id, mode, size) in modes {
            checks.append(Check(id, descent, "training loop, \(mode) descent", 1.5, functions: ["trainLinearRegression"], uses: ["miniBatches"]) { student in
                grade(1.5, cs) { c in
                    var rng = c.rng
                    let n = c.batch * 3 + 2, d = c.inputs
                    let x = Tensor<Double>.normal([n, d], using: &rng)
                    let y = matmul(x, Tensor<Double>.normal([d, 1], using: &rng)) + 0.1 * Tensor<Double>.normal([n, 1], using: &rng)
                    var studentRNG = rng, referenceRNG = rng
                    let got = try student.trainLinearRegression(x, y, 3, size(n), 0.05, &studentRNG)
                    let expected = try reference.trainLinearRegression(x, y, 3, size(n), 0.05, &referenceRNG)
                    let losses = got.losses.count == expected.losses.count
                        ? compare("losses per epoch", Tensor(got.losses), Tensor(expected.losses))
                        : "expected \(expected.losses.count) epoch losses, got \(got.losses.count)"
                    return firstFailure(compare("weights after 3 epochs (batch size \(size(n)) of \(n))", got.weights, expected.weights),
                                        compare("bias after 3 epochs", got.bias, expected.bias), losses)
                }
            })
        }
        return checks
    }
}
