import Tensors

/// Batch normalization (Ioffe & Szegedy, 2015), Keras's `BatchNormalization`, over the
/// examples of a mini-batch, for each feature j separately:
///
///     μ_B = (1/m) Σ_i x_i                      mini-batch mean
///     σ²_B = (1/m) Σ_i (x_i − μ_B)²            mini-batch variance
///     x̂_i = (x_i − μ_B) / √(σ²_B + ε)          normalize
///     y_i = γ x̂_i + β                          scale and shift (γ, β learned)
///
/// At inference, μ_B and σ²_B are replaced by running averages collected during training:
/// μ ← momentum · μ + (1 − momentum) · μ_B (and the same for σ²), so one example's output
/// does not depend on the others in its batch.
public struct BatchNorm<Scalar: TensorScalar>: Layer {
    public var typeName: String { "BatchNormalization" }

    /// γ, the learned scale (starts at 1).
    public var gamma: Tensor<Scalar>
    /// β, the learned shift (starts at 0).
    public var beta: Tensor<Scalar>
    /// Running mean and variance for inference (not trained by gradients).
    public var runningMean: Tensor<Scalar>
    public var runningVariance: Tensor<Scalar>
    /// Weight of the old running value in each update (Keras: 0.99).
    public var momentum: Scalar
    /// Added to the variance before the square root (Keras: 0.001).
    public var epsilon: Scalar

    public init(features: Int, momentum: Scalar = 0.99, epsilon: Scalar = 1e-3) {
        gamma = .ones([features])
        beta = .zeros([features])
        runningMean = .zeros([features])
        runningVariance = .ones([features])
        self.momentum = momentum
        self.epsilon = epsilon
    }

    public static var parameterList: [ParameterPath<Self>] { [ParameterPath("gamma", \.gamma), ParameterPath("beta", \.beta)] }
    public func inputProblem(forInput shape: [Int]) -> String? { shapeProblem(shape, expected: [gamma.count]) }
    public var nonTrainableParameterCount: Int { runningMean.count + runningVariance.count }

    /// x̂ and 1/√(σ² + ε) for the backward pass, and whether batch statistics were used.
    public struct Cache {
        public var normalized: Tensor<Scalar>
        public var inverseStandardDeviation: Tensor<Scalar>
        public var usedBatchStatistics: Bool
    }

    public mutating func forward(_ x: Tensor<Scalar>, context: inout Context) -> (output: Tensor<Scalar>, cache: Cache) {
        expectFeatures(x, gamma.count, "BatchNormalization")
        let mean: Tensor<Scalar>, variance: Tensor<Scalar>
        let training = context.mode == .training
        if training {
            mean = x.mean(axis: 0)                      // μ_B
            variance = x.variance(axis: 0)              // σ²_B
            runningMean = momentum * runningMean + (1 - momentum) * mean
            runningVariance = momentum * runningVariance + (1 - momentum) * variance
        } else {
            mean = runningMean
            variance = runningVariance
        }
        let inverseStandardDeviation = 1 / sqrt(variance + epsilon)
        let normalized = (x - mean) * inverseStandardDeviation       // x̂ = (x − μ) / √(σ² + ε)
        let output = gamma * normalized + beta                        // y = γ x̂ + β
        return (output, Cache(normalized: normalized, inverseStandardDeviation: inverseStandardDeviation,
                              usedBatchStatistics: training))
    }

    public func backward(_ outputGradient: Tensor<Scalar>, cache: Cache, needsInputGradient _: Bool) -> LayerGradients<Scalar> {
        let dy = outputGradient, xHat = cache.normalized
        let betaGradient = dy.sum(axis: 0)                     // ∂E/∂β = Σ_i ∂E/∂y_i
        let gammaGradient = (dy * xHat).sum(axis: 0)           // ∂E/∂γ = Σ_i ∂E/∂y_i · x̂_i
        let dxHat = dy * gamma                                 // ∂E/∂x̂_i = ∂E/∂y_i · γ
        let input: Tensor<Scalar>
        if cache.usedBatchStatistics {
            // μ_B and σ²_B depend on every x_i of the batch; the chain rule through both gives
            // ∂E/∂x_i = (1/m) / √(σ² + ε) · (m ∂E/∂x̂_i − Σ_k ∂E/∂x̂_k − x̂_i Σ_k ∂E/∂x̂_k x̂_k)
            let m = Scalar(dy.shape[0])
            input = cache.inverseStandardDeviation / m
                * (m * dxHat - dxHat.sum(axis: 0) - xHat * (dxHat * xHat).sum(axis: 0))
        } else {
            // Running statistics are constants: ∂E/∂x_i = ∂E/∂x̂_i / √(σ² + ε)
            input = dxHat * cache.inverseStandardDeviation
        }
        return LayerGradients(inputGradient: input, parameters: [gammaGradient, betaGradient], of: self)
    }
}
