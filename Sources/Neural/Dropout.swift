import Tensors

/// Inverted dropout (Keras's `Dropout`): in training, each unit is kept with probability
/// keep = 1 − rate and scaled by 1/keep; at inference it does nothing.
///
///     training:   x^(l) = x^(l−1) ⊙ m / keep,   m_j ~ Bernoulli(keep)
///     inference:  x^(l) = x^(l−1)
///
/// Scaling at training time (not at inference, as the original paper did) keeps the expected
/// value of every unit the same in both modes, so the trained network is used as is.
/// The mask is drawn from the context's seeded generator: the same seed drops the same units.
public struct Dropout<Scalar: TensorScalar>: Layer {
    public var typeName: String { "Dropout" }

    /// The fraction of units dropped, in [0, 1).
    public var rate: Double

    public init(rate: Double) {
        ensure(rate >= 0 && rate < 1, "Dropout rate must be in [0, 1), got \(rate)")
        self.rate = rate
    }

    /// The mask m / keep used in training (nil at inference: nothing was dropped).
    public typealias Cache = Tensor<Scalar>?

    public mutating func forward(_ x: Tensor<Scalar>, context: inout Context) -> (output: Tensor<Scalar>, cache: Cache) {
        guard context.mode == .training, rate > 0 else { return (x, nil) }
        let keep = 1 - rate
        // u ~ U[0, 1): keep the unit where u ≥ rate (probability 1 − rate), scaled by 1/keep.
        let mask = (Tensor<Scalar>.uniform(x.shape, using: &context.rng) .>= Scalar(rate)) / Scalar(keep)
        return (x * mask, mask)
    }

    public func backward(_ outputGradient: Tensor<Scalar>, cache mask: Cache, needsInputGradient _: Bool) -> LayerGradients<Scalar> {
        // The dropped units passed nothing forward, so nothing flows back through them.
        LayerGradients(inputGradient: mask.map { outputGradient * $0 } ?? outputGradient)
    }
}
