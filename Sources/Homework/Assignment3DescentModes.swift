import Foundation
import Tensors

// Assignment 3 · Batch, mini-batch and stochastic gradient descent (lesson 05), on linear
// regression: o = X·w + b, E = mean over the batch of (o − y)².

/// 3a. The mini-batches of one epoch: shuffle the example indices 0 ..< count with
/// `rng.permutation(count)` (exactly one call), then cut that order into consecutive batches
/// of `batchSize` (the last one smaller if count is not a multiple).
///
///     count 5, batchSize 2, permutation [3, 0, 4, 1, 2]  →  [[3, 0], [4, 1], [2]]
public func miniBatches(count: Int, batchSize: Int, rng: inout SeededGenerator) throws -> [[Int]] {
    // BEGIN SOLUTION
    let order = rng.permutation(count)
    return stride(from: 0, to: count, by: batchSize).map { start in Array(order[start ..< min(count, start + batchSize)]) }
    // END SOLUTION
}

/// 3b–3d. Trains o = X·w + b (x: (n, d), y: (n, 1), w: (d, 1) starting at 0, b: (1,) starting
/// at 0) for `epochs` epochs. Each epoch takes its batches from `miniBatches(count: n,
/// batchSize:, rng:)` (3a) and, for each batch B of m examples, in this order:
///
///     o = X_B·w + b,   r = o − y_B
///     ∂E/∂w = (2/m) X_Bᵀ·r,   ∂E/∂b = (2/m) Σ r        (both from the same o)
///     w ← w − η ∂E/∂w,   b ← b − η ∂E/∂b
///
/// After each epoch, append the mean squared error on all n examples to `losses`.
/// batchSize = n is batch descent, 1 is stochastic descent, anything between is mini-batch.
public func trainLinearRegression(x: Tensor<Double>, y: Tensor<Double>, epochs: Int, batchSize: Int,
                                  learningRate: Double, rng: inout SeededGenerator) throws
    -> (weights: Tensor<Double>, bias: Tensor<Double>, losses: [Double]) {
    // BEGIN SOLUTION
    var w = Tensor<Double>.zeros([x.shape[1], 1]), b = Tensor<Double>.zeros([1])
    var losses: [Double] = []
    for _ in 0..<epochs {
        for batch in try miniBatches(count: x.shape[0], batchSize: batchSize, rng: &rng) {
            let xB = x.rows(at: batch), yB = y.rows(at: batch)
            let r = matmul(xB, w) + b - yB
            let m = Double(batch.count)
            let weightGradient = (2 / m) * matmul(xB, r, transposeA: true)
            let biasGradient = (2 / m) * r.sum(axis: 0)
            w = w - learningRate * weightGradient
            b = b - learningRate * biasGradient
        }
        let r = matmul(x, w) + b - y
        losses.append((r * r).mean())
    }
    return (w, b, losses)
    // END SOLUTION
}
