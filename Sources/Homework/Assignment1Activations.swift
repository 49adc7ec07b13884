import Foundation
import Tensors

// Assignment 1 · Activation functions and their derivatives (lesson 03).
//
// Every function works element by element on a tensor of signals s of any shape, except
// softmax, which works on each row of a (batch, classes) matrix.

/// 1a. The logistic sigmoid σ(s) = 1 / (1 + e^(−s)).
public func sigmoid(_ s: Tensor<Double>) throws -> Tensor<Double> {
    // BEGIN SOLUTION
    return 1 / (1 + exp(-s))
    // END SOLUTION
}

/// 1a. Its derivative σ′(s) = σ(s) (1 − σ(s)), as a function of the signal s.
public func sigmoidDerivative(_ s: Tensor<Double>) throws -> Tensor<Double> {
    // BEGIN SOLUTION
    let h = try sigmoid(s)
    return h * (1 - h)
    // END SOLUTION
}

/// 1b. The derivative of tanh: tanh′(s) = 1 − tanh²(s). (`tanh(_:)` on tensors is given.)
public func tanhDerivative(_ s: Tensor<Double>) throws -> Tensor<Double> {
    // BEGIN SOLUTION
    let h = tanh(s)
    return 1 - h * h
    // END SOLUTION
}

/// 1c. The rectified linear unit ReLU(s) = max(0, s).
public func relu(_ s: Tensor<Double>) throws -> Tensor<Double> {
    // BEGIN SOLUTION
    return max(s, 0)
    // END SOLUTION
}

/// 1c. Its derivative: 1 where s > 0, else 0 (the course takes 0 at s = 0, as Keras does).
public func reluDerivative(_ s: Tensor<Double>) throws -> Tensor<Double> {
    // BEGIN SOLUTION
    return s .> 0
    // END SOLUTION
}

/// 1d. Softmax of each row of s, shape (batch, classes): ŷ_j = e^(s_j) / Σ_k e^(s_k).
/// It must work for large signals too (s = 1000): subtract each row's maximum first, which
/// changes nothing mathematically and keeps e^(s) finite.
public func softmax(_ s: Tensor<Double>) throws -> Tensor<Double> {
    // BEGIN SOLUTION
    let shifted = s - s.max(axis: 1, keepingDimensions: true)
    let e = exp(shifted)
    return e / e.sum(axis: 1, keepingDimensions: true)
    // END SOLUTION
}
