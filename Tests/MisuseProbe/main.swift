// `backprop-misuse NAME`: makes one library mistake a user can make, so a test can check that
// the library's message reaches stderr in this (debug) build, where Tensors, Neural and
// Datasets are still compiled with -O. Each case must stop the program; reaching the end is
// reported as a failure (exit 3).
import Foundation
import Neural
import Tensors

let cases: [String: () -> Void] = [
    "tensor-scalars": { _ = Tensor<Float>(shape: [2], scalars: [1]) },
    "matmul-shapes": { _ = matmul(Tensor<Float>.zeros([2, 3]), Tensor<Float>.zeros([4, 5])) },
    "add-shapes": { _ = Tensor<Float>.zeros([2, 3]) + Tensor<Float>.zeros([4]) },
    "update-shapes": { _ = Tensor<Float>.zeros([2, 3]).subtracting(0.1, times: Tensor<Float>.zeros([3, 2])) },
    "loss-shapes": { _ = CategoricalCrossentropy().value(Tensor<Float>.zeros([4, 10]), Tensor<Float>.zeros([4, 9])) },
    "layers-do-not-fit": {
        var rng = SeededGenerator(seed: 1)
        _ = Sequential<Float>(inputShape: [784], layers: [Dense(inputs: 784, units: 256, using: &rng), Dense(inputs: 100, units: 10, using: &rng)])
    },
    "layer-of-another-type": {
        var rng = SeededGenerator(seed: 1)
        let network = Sequential<Float>(inputShape: [4], layers: [Dropout(rate: 0.5), Dense(inputs: 4, units: 2, using: &rng)])
        _ = network.layer(0, as: Dense<Float>.self)
    },
    "gradient-of-no-such-parameter": {
        var rng = SeededGenerator(seed: 1)
        var layer = Dense<Float>(inputs: 3, units: 2, using: &rng)
        var context = Context.inference
        let cache = layer.forward(.ones([1, 3]), context: &context).cache
        _ = layer.backward(.ones([1, 2]), cache: cache)["gamma"]
    },
    "train-step-zero-learning-rate": {
        var rng = SeededGenerator(seed: 1)
        var network = Sequential<Float>(inputShape: [3], layers: [Dense(inputs: 3, units: 1, using: &rng)])
        let sgd = SGD<Float>(learningRate: 0.0)
        var state = OptimizerState(for: network, optimizer: sgd)
        network.trainStep(.ones([2, 3]), .ones([2, 1]), loss: MeanSquaredError(), optimizer: sgd, state: &state, rng: &rng)
    },
    "unbuilt-layer": {
        _ = Sequential<Float>(inputShape: [4], layers: [Dense(units: 2)])
    },
    "zero-units": {
        var rng = SeededGenerator(seed: 1)
        _ = Sequential<Float>(inputShape: [4], layers: [Dense(inputs: 4, units: 0, using: &rng)])
    },
    "nan-inputs": { fitTiny(x: Tensor(shape: [4, 2], scalars: [1, 2, 3, .nan, 5, 6, 7, 8])) },
    "nan-inputs-in-both-halves": {
        // 80,000 numbers: the check is split between the threads, and each half has a bad one;
        // the first (example 5000, column 1) is named.
        var x = Tensor<Float>.zeros([40_000, 2])
        x[30_000, 0] = .nan
        x[5000, 1] = .infinity
        fitTiny(x: x, y: .zeros([40_000, 1]))
    },
    "nan-inputs-late": {
        // Past the first block of 4,096 numbers that the check counts at once: example 2500, column 1.
        var x = Tensor<Float>.zeros([3000, 2])
        x[2500, 1] = -.infinity
        fitTiny(x: x, y: .zeros([3000, 1]))
    },
    "infinite-targets": { fitTiny(y: Tensor(shape: [4, 1], scalars: [1, .infinity, 0, 0])) },
    "zero-batch": { fitTiny(descent: .miniBatch(0)) },
    "zero-epochs": { fitTiny(epochs: 0) },
    "nan-learning-rate": { fitTiny(learningRate: .nan) },
    "predict-batch": {
        var rng = SeededGenerator(seed: 1)
        _ = Sequential<Float>(inputShape: [2], layers: [Dense(inputs: 2, units: 1, using: &rng)]).predict(Tensor.zeros([3, 2]), batchSize: 0)
    },
    "validation-split": {
        var rng = SeededGenerator(seed: 1)
        var network = Sequential<Float>(inputShape: [2], layers: [Dense(inputs: 2, units: 1, using: &rng)])
        network.fit(Tensor.zeros([4, 2]), Tensor.zeros([4, 1]), epochs: 1, loss: MeanSquaredError(), optimizer: SGD(),
                    validation: .split(1.0), progress: .quiet, rng: &rng)
    },
]

/// A one-layer network trained on four examples, with one thing changed.
func fitTiny(x: Tensor<Float> = .zeros([4, 2]), y: Tensor<Float> = .zeros([4, 1]), epochs: Int = 1,
             descent: Descent = .miniBatch(2), learningRate: Double = 0.01) {
    var rng = SeededGenerator(seed: 1)
    var network = Sequential<Float>(inputShape: [2], layers: [Dense(inputs: 2, units: 1, using: &rng)])
    network.fit(x, y, epochs: epochs, descent: descent, loss: MeanSquaredError(), optimizer: SGD(learningRate: .constant(learningRate)),
                progress: .quiet, rng: &rng)
}

guard CommandLine.arguments.count == 2, let mistake = cases[CommandLine.arguments[1]] else {
    print("usage: backprop-misuse \(cases.keys.sorted().joined(separator: "|"))")
    exit(2)
}
mistake()
print("backprop-misuse: \(CommandLine.arguments[1]) did not stop the program")
exit(3)
