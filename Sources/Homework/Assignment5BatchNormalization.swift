import Foundation
import Tensors

// Assignment 5 · Batch normalization (lesson 12), on a (batch, units) matrix, per unit j.

/// 5a. Training mode: μ = (1/m) Σ_i x_i, σ² = (1/m) Σ_i (x_i − μ)² (biased: 1/m, as the paper
/// and Keras), x̂ = (x − μ)/√(σ² + ε), y = γ x̂ + β. Return y and the batch's μ and σ², each (units,).
public func batchNormTraining(_ x: Tensor<Double>, gamma: Tensor<Double>, beta: Tensor<Double>, epsilon: Double) throws
    -> (output: Tensor<Double>, mean: Tensor<Double>, variance: Tensor<Double>) {
    // BEGIN SOLUTION
    let mean = x.mean(axis: 0)
    let deviation = x - mean
    let variance = (deviation * deviation).mean(axis: 0)
    return (gamma * deviation / sqrt(variance + epsilon) + beta, mean, variance)
    // END SOLUTION
}

/// 5b. Inference mode: the same, with the running mean and variance in place of the batch's.
public func batchNormInference(_ x: Tensor<Double>, gamma: Tensor<Double>, beta: Tensor<Double>,
                               runningMean: Tensor<Double>, runningVariance: Tensor<Double>, epsilon: Double) throws -> Tensor<Double> {
    // BEGIN SOLUTION
    return gamma * (x - runningMean) / sqrt(runningVariance + epsilon) + beta
    // END SOLUTION
}

/// 5c. The backward pass of training mode (5a), given ∂E/∂y: return ∂E/∂x (batch, units),
/// ∂E/∂γ = Σ_i ∂E/∂y_i x̂_i and ∂E/∂β = Σ_i ∂E/∂y_i (units,). Remember that μ and σ² depend on
/// every x_i (lesson 12 derives the three paths).
public func batchNormBackward(_ outputGradient: Tensor<Double>, input x: Tensor<Double>, gamma: Tensor<Double>, epsilon: Double) throws
    -> (inputGradient: Tensor<Double>, gammaGradient: Tensor<Double>, betaGradient: Tensor<Double>) {
    // BEGIN SOLUTION
    let m = Double(x.shape[0])
    let mean = x.mean(axis: 0), deviation = x - mean
    let inverseStd = 1 / sqrt((deviation * deviation).mean(axis: 0) + epsilon)
    let normalized = deviation * inverseStd
    let dNormalized = outputGradient * gamma
    let dx = inverseStd / m * (m * dNormalized - dNormalized.sum(axis: 0) - normalized * (dNormalized * normalized).sum(axis: 0))
    return (dx, (outputGradient * normalized).sum(axis: 0), outputGradient.sum(axis: 0))
    // END SOLUTION
}

/// 5d. The running average kept for inference: running ← momentum · running + (1 − momentum) · batch.
public func updateRunningAverage(_ running: Tensor<Double>, batch: Tensor<Double>, momentum: Double) throws -> Tensor<Double> {
    // BEGIN SOLUTION
    return momentum * running + (1 - momentum) * batch
    // END SOLUTION
}
