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
    "loss-shapes": { _ = CategoricalCrossentropy().value(Tensor<Float>.zeros([4, 10]), Tensor<Float>.zeros([4, 9])) },
    "validation-split": {
        var rng = SeededGenerator(seed: 1)
        var network = Sequential<Float>(inputShape: [2], layers: [Dense(inputs: 2, units: 1, using: &rng)])
        network.fit(Tensor.zeros([4, 2]), Tensor.zeros([4, 1]), epochs: 1, loss: MeanSquaredError(), optimizer: SGD(),
                    validation: .split(1.0), progress: .quiet, rng: &rng)
    },
]

guard CommandLine.arguments.count == 2, let mistake = cases[CommandLine.arguments[1]] else {
    print("usage: backprop-misuse \(cases.keys.sorted().joined(separator: "|"))")
    exit(2)
}
mistake()
print("backprop-misuse: \(CommandLine.arguments[1]) did not stop the program")
exit(3)
