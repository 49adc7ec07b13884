import Foundation
import Tensors

// Assignment 2 · The dense layer forward and backward, the delta recursion, the update rule
// (lesson 04). Shapes: a batch X is (batch, inputs), weights W (inputs, units), bias b (units,).

/// 2a. The signals of a dense layer for a batch: S = X·W + b, shape (batch, units).
public func denseForward(_ x: Tensor<Double>, weights: Tensor<Double>, bias: Tensor<Double>) throws -> Tensor<Double> {
    // BEGIN SOLUTION
    return matmul(x, weights) + bias
    // END SOLUTION
}

/// 2b. The backward pass of a dense layer from δ = ∂E/∂S (batch, units) and its input X:
///
///     ∂E/∂X = δ·Wᵀ   (batch, inputs)      ∂E/∂W = Xᵀ·δ   (inputs, units)      ∂E/∂b = Σ_n δ_n   (units,)
public func denseBackward(delta: Tensor<Double>, input x: Tensor<Double>, weights: Tensor<Double>) throws
    -> (inputGradient: Tensor<Double>, weightGradient: Tensor<Double>, biasGradient: Tensor<Double>) {
    // BEGIN SOLUTION
    return (matmul(delta, weights, transposeB: true), matmul(x, delta, transposeA: true), delta.sum(axis: 0))
    // END SOLUTION
}

/// 2c. All four gradients of a two-layer network, by the delta recursion:
///
///     S¹ = X·W¹ + b¹,  H = σ(S¹)  (sigmoid),   O = H·W² + b²  (identity output)
///     E = (1/(m·k)) Σ_n Σ_j (O_nj − Y_nj)²   (mean squared error over the m examples and k outputs)
///     δ² = ∂E/∂O = 2 (O − Y) / (m·k)
///     δ¹ = σ′(S¹) ⊙ (δ²·W²ᵀ)                 (the delta recursion)
///
/// and ∂E/∂W = (input of the layer)ᵀ·δ, ∂E/∂b = Σ_n δ_n for each layer (as in 2b).
public func twoLayerGradients(x: Tensor<Double>, y: Tensor<Double>, w1: Tensor<Double>, b1: Tensor<Double>,
                              w2: Tensor<Double>, b2: Tensor<Double>) throws
    -> (w1: Tensor<Double>, b1: Tensor<Double>, w2: Tensor<Double>, b2: Tensor<Double>) {
    // BEGIN SOLUTION
    let s1 = try denseForward(x, weights: w1, bias: b1)
    let h = try sigmoid(s1)
    let o = try denseForward(h, weights: w2, bias: b2)
    let delta2 = 2 * (o - y) / Double(o.count)
    let second = try denseBackward(delta: delta2, input: h, weights: w2)
    let delta1 = try sigmoidDerivative(s1) * second.inputGradient
    let first = try denseBackward(delta: delta1, input: x, weights: w1)
    return (first.weightGradient, first.biasGradient, second.weightGradient, second.biasGradient)
    // END SOLUTION
}

/// 2d. The weight update rule of gradient descent: w ← w − η ∂E/∂w.
public func gradientDescentStep(_ weights: Tensor<Double>, gradient: Tensor<Double>, learningRate: Double) throws -> Tensor<Double> {
    // BEGIN SOLUTION
    return weights - learningRate * gradient
    // END SOLUTION
}
