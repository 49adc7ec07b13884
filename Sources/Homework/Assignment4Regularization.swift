import Foundation
import Tensors

// Assignment 4 · Inverted dropout and L2 regularization (lessons 10 and 11).

/// 4a. Inverted dropout in training, on a (batch, units) matrix. Walk the elements in
/// row-major order (row 0 left to right, then row 1, …); for each draw u = rng.nextUniform()
/// (exactly one draw per element) and keep the unit if u ≥ rate. Return the output
/// y = x ⊙ m / keep and the scaled mask m / keep (1/keep where kept, 0 where dropped), with
/// keep = 1 − rate.
public func dropoutForward(_ x: Tensor<Double>, rate: Double, rng: inout SeededGenerator) throws
    -> (output: Tensor<Double>, scaledMask: Tensor<Double>) {
    // BEGIN SOLUTION
    let keep = 1 - rate
    let mask = Tensor<Double>(shape: x.shape) { _ in rng.nextUniform() >= rate ? 1 / keep : 0 }
    return (x * mask, mask)
    // END SOLUTION
}

/// 4b. Its backward pass: ∂E/∂x = ∂E/∂y ⊙ m / keep (nothing flows back through a dropped unit).
public func dropoutBackward(_ outputGradient: Tensor<Double>, scaledMask: Tensor<Double>) throws -> Tensor<Double> {
    // BEGIN SOLUTION
    return outputGradient * scaledMask
    // END SOLUTION
}

/// 4c. Keras's l2(λ) penalty on a weight matrix: Ω(w) = λ Σ w² (the squares, not the weights).
public func l2Penalty(_ weights: Tensor<Double>, lambda: Double) throws -> Double {
    // BEGIN SOLUTION
    return lambda * (weights * weights).sum()
    // END SOLUTION
}

/// 4d. The gradient of the penalized error: ∂(E + λ Σ w²)/∂w = ∂E/∂w + 2λw.
public func l2Gradient(_ weights: Tensor<Double>, dataGradient: Tensor<Double>, lambda: Double) throws -> Tensor<Double> {
    // BEGIN SOLUTION
    return dataGradient + 2 * lambda * weights
    // END SOLUTION
}
