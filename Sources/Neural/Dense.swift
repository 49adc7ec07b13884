import Tensors

/// How a dense layer's weights start out. Biases always start at 0.
public enum WeightInitializer: Sendable {
    /// U(−l, l) with l = √(6 / (fan_in + fan_out)): Keras's default.
    case glorotUniform
    /// Truncated N(0, 2 / (fan_in + fan_out)).
    case glorotNormal
    /// U(−l, l) with l = √(6 / fan_in): for ReLU layers.
    case heUniform
    /// Truncated N(0, 2 / fan_in): for ReLU layers.
    case heNormal
    /// N(0, σ²) with the given σ.
    case normal(standardDeviation: Double)
    /// All zeros (every unit then learns the same thing: shown in lessons, not for use).
    case zeros

    public func weights<S>(_ shape: [Int], using rng: inout SeededGenerator) -> Tensor<S> {
        switch self {
        case .glorotUniform: .glorotUniform(shape, using: &rng)
        case .glorotNormal: .glorotNormal(shape, using: &rng)
        case .heUniform: .heUniform(shape, using: &rng)
        case .heNormal: .heNormal(shape, using: &rng)
        case .normal(let sigma): .normal(shape, standardDeviation: S(sigma), using: &rng)
        case .zeros: .zeros(shape)
        }
    }
}

/// A fully connected layer: every input i feeds every unit j through a weight w_ij.
///
///     s_j^(l) = Σ_i w_ij^(l) x_i^(l−1) + b_j^(l)        (signals)
///     x_j^(l) = h(s_j^(l))                               (outputs)
///
/// For a mini-batch X of shape (batch, inputs), all signals at once are S = X·W + b.
public struct Dense<Scalar: TensorScalar>: Layer {
    public var typeName: String { "Dense" }

    /// w_ij^(l), shape (inputs, units): row i holds the weights leaving input i.
    public var weights: Tensor<Scalar>
    /// b_j^(l), shape (units,).
    public var bias: Tensor<Scalar>
    /// h, applied to the signals.
    public var activation: Activation
    /// An optional penalty on the weights (not the bias), as Keras's `kernel_regularizer`.
    public var regularizer: Regularizer?
    /// How to draw the weights once the input size is known (a layer made with `Dense(units:)`).
    var pendingInitializer: WeightInitializer?

    /// What the backward pass needs: x^(l−1), s^(l) and x^(l) for the mini-batch.
    public struct Cache {
        public var input: Tensor<Scalar>
        public var signals: Tensor<Scalar>
        public var output: Tensor<Scalar>
    }

    /// A layer from `inputs` to `units` with weights drawn by `initializer`.
    public init(inputs: Int, units: Int, activation: Activation = .identity,
                initializer: WeightInitializer = .glorotUniform, regularizer: Regularizer? = nil,
                using rng: inout SeededGenerator) {
        self.init(weights: initializer.weights([inputs, units], using: &rng), bias: .zeros([units]),
                  activation: activation, regularizer: regularizer)
    }

    /// A layer of `units` whose input size the network gives (Keras's `Dense(40)`): inside
    /// `Sequential(inputShape:using:) { … }`, which draws its weights in order.
    public init(units: Int, activation: Activation = .identity, initializer: WeightInitializer = .glorotUniform,
                regularizer: Regularizer? = nil) {
        self.init(weights: .zeros([0, units]), bias: .zeros([units]), activation: activation, regularizer: regularizer)
        pendingInitializer = initializer
    }

    public var needsBuilding: Bool { pendingInitializer != nil }

    public mutating func build(forInput shape: [Int], using rng: inout SeededGenerator) {
        guard let initializer = pendingInitializer else { return }
        ensure(shape.count == 1, "Dense(units: \(units)) takes examples of shape (features,), got \(Shape.describe(shape)): put a Flatten before it")
        self = Dense(inputs: shape[0], units: units, activation: activation, initializer: initializer, regularizer: regularizer, using: &rng)
    }

    /// A layer with the given weights (inputs, units) and bias (units,).
    public init(weights: Tensor<Scalar>, bias: Tensor<Scalar>, activation: Activation = .identity,
                regularizer: Regularizer? = nil) {
        ensure(weights.rank == 2 && bias.shape == [weights.shape[1]],
                     "Dense: weights must be (inputs, units) and bias (units,), got \(Shape.describe(weights.shape)) and \(Shape.describe(bias.shape))")
        self.weights = weights
        self.bias = bias
        self.activation = activation
        self.regularizer = regularizer
    }

    public var inputs: Int { weights.shape[0] }
    public var units: Int { weights.shape[1] }

    public func outputShape(forInput shape: [Int]) -> [Int] { [units] }
    public func inputProblem(forInput shape: [Int]) -> String? { shapeProblem(shape, expected: [inputs]) }

    public static var parameterList: [ParameterPath<Self>] { [ParameterPath("weights", \.weights), ParameterPath("bias", \.bias)] }

    /// Ω(w) from the regularizer, added to the error.
    public var regularizationLoss: Scalar { regularizer?.penalty(weights) ?? 0 }

    public mutating func forward(_ x: Tensor<Scalar>, context: inout Context) -> (output: Tensor<Scalar>, cache: Cache) {
        expectFeatures(x, inputs, "Dense(\(inputs) → \(units))")
        // s_j^(l) = Σ_i w_ij^(l) x_i^(l−1) + b_j^(l), for every example of the batch: S = X·W + b
        // (the bias added in the same pass over S; the same numbers as matmul(x, weights) + bias)
        let signals = matmul(x, weights, plus: bias)
        // x_j^(l) = h(s_j^(l))
        let output = activation(signals)
        return (output, Cache(input: x, signals: signals, output: output))
    }

    public func backward(_ outputGradient: Tensor<Scalar>, cache: Cache, needsInputGradient: Bool) -> LayerGradients<Scalar> {
        // δ_j^(l) = h′(s_j^(l)) · ∂E/∂x_j^(l): the h′ factor of the delta recursion.
        let delta = activation.backward(outputGradient, signals: cache.signals, output: cache.output)
        return backward(delta: delta, cache: cache, needsInputGradient: needsInputGradient)
    }

    /// The backward pass from δ^(l) = ∂E/∂s^(l) directly (when the loss supplies it, as
    /// softmax with cross-entropy does: δ = ŷ − y).
    public func backward(delta: Tensor<Scalar>, cache: Cache, needsInputGradient: Bool = true) -> LayerGradients<Scalar> {
        // ∂E/∂w_ij^(l) = x_i^(l−1) δ_j^(l), summed over the examples of the batch: Xᵀ·δ
        var weightGradient = matmul(cache.input, delta, transposeA: true)
        if let regularizer { weightGradient += regularizer.gradient(weights) }
        // ∂E/∂b_j^(l) = δ_j^(l), summed over the batch
        let biasGradient = delta.sum(axis: 0)
        // Σ_j w_ij^(l) δ_j^(l) = ∂E/∂x_i^(l−1); the layer below multiplies it by its h′ (the recursion)
        let inputGradient = needsInputGradient ? matmul(delta, weights, transposeB: true) : Tensor.zeros([0])
        return LayerGradients(inputGradient: inputGradient, parameters: [weightGradient, biasGradient], of: self)
    }
}

/// A penalty on a layer's weights, added to the error to keep them small (weight decay):
///
///     Ω(w) = l1 · Σ|w| + l2 · Σw²,       ∂Ω/∂w = l1 · sign(w) + 2 · l2 · w
///
/// Keras's `regularizer_l2(0.002)` is `.l2(0.002)`: it adds 0.002 · Σw² to the loss.
public struct Regularizer: Sendable, Equatable {
    public var l1: Double
    public var l2: Double

    public init(l1: Double = 0, l2: Double = 0) {
        self.l1 = l1
        self.l2 = l2
    }

    /// l1 · Σ|w|
    public static func l1(_ factor: Double) -> Regularizer { Regularizer(l1: factor) }
    /// l2 · Σw²
    public static func l2(_ factor: Double) -> Regularizer { Regularizer(l2: factor) }
    /// l1 · Σ|w| + l2 · Σw²
    public static func l1l2(l1: Double, l2: Double) -> Regularizer { Regularizer(l1: l1, l2: l2) }

    /// Ω(w) = l1 · Σ|w| + l2 · Σw²
    public func penalty<S>(_ w: Tensor<S>) -> S {
        var total: S = 0
        if l1 != 0 { total += S(l1) * abs(w).sum() }
        if l2 != 0 { total += S(l2) * (w * w).sum() }
        return total
    }

    /// ∂Ω/∂w = l1 · sign(w) + 2 · l2 · w
    public func gradient<S>(_ w: Tensor<S>) -> Tensor<S> {
        var g = Tensor<S>.zeros(w.shape)
        if l1 != 0 { g += S(l1) * sign(w) }
        if l2 != 0 { g += S(2 * l2) * w }
        return g
    }
}

extension Regularizer: CustomStringConvertible {
    /// Keras's spelling: "l2(0.002)", "l1(0.001)", "l1_l2(0.001, 0.001)".
    public var description: String {
        switch (l1, l2) {
        case (0, 0): "none"
        case (0, _): "l2(\(l2))"
        case (_, 0): "l1(\(l1))"
        default: "l1_l2(\(l1), \(l2))"
        }
    }
}
