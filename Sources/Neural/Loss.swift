import Tensors

/// A loss: how far the network's outputs o are from the targets y, and its gradient.
///
/// The lecture writes the error as a sum over the examples, E(w) = Σ_n e(o(x_n), y_n). Here,
/// as in Keras, E is the mean over the examples of a mini-batch; the two differ by the constant
/// factor m, which the learning rate absorbs.
public protocol Loss: Sendable {
    /// Keras's name: `mean_squared_error`, `categorical_crossentropy`, …
    var name: String { get }

    /// E = (1/m) Σ_n e(o_n, y_n) over the m examples (rows) of `output`.
    func value<S: TensorScalar>(_ output: Tensor<S>, _ target: Tensor<S>) -> S

    /// ∂E/∂o, the gradient the output layer's backward pass starts from.
    func gradient<S: TensorScalar>(_ output: Tensor<S>, _ target: Tensor<S>) -> Tensor<S>

    /// δ^(L) = ∂E/∂s^(L) at the signals of the output layer, when its activation pairs with this
    /// loss so the chain rule collapses (softmax with categorical cross-entropy: δ = (ŷ − y)/m;
    /// sigmoid with binary cross-entropy, which averages over the K outputs too: δ = (ŷ − y)/(m·K)).
    /// Simpler and numerically stable; nil when there is no such shortcut.
    func delta<S: TensorScalar>(_ output: Tensor<S>, _ target: Tensor<S>, outputActivation: Activation) -> Tensor<S>?
}

extension Loss {
    public func delta<S: TensorScalar>(_ output: Tensor<S>, _ target: Tensor<S>, outputActivation: Activation) -> Tensor<S>? {
        nil
    }
}

/// Probabilities are kept in [ε, 1 − ε] before taking logarithms, as Keras does (ε = 10⁻⁷),
/// so a confident wrong answer costs −ln ε ≈ 16.1 instead of infinity.
let probabilityEpsilon = 1e-7

func checkShapes<S>(_ output: Tensor<S>, _ target: Tensor<S>, _ loss: String) {
    ensure(output.shape == target.shape,
                 "\(loss): outputs \(Shape.describe(output.shape)) and targets \(Shape.describe(target.shape)) must have the same shape")
}

/// Mean squared error, for regression: e = (o − y)², averaged over examples and outputs.
///
///     E = (1/(m·K)) Σ_n Σ_k (o_nk − y_nk)²       ∂E/∂o = 2 (o − y) / (m·K)
public struct MeanSquaredError: Loss {
    public init() {}
    public var name: String { "mean_squared_error" }

    public func value<S: TensorScalar>(_ output: Tensor<S>, _ target: Tensor<S>) -> S {
        checkShapes(output, target, name)
        return square(output - target).mean()
    }

    public func gradient<S: TensorScalar>(_ output: Tensor<S>, _ target: Tensor<S>) -> Tensor<S> {
        checkShapes(output, target, name)
        return 2 * (output - target) / S(output.count)
    }
}

/// Mean absolute error: e = |o − y|, averaged over examples and outputs.
///
///     E = (1/(m·K)) Σ |o − y|       ∂E/∂o = sign(o − y) / (m·K)
public struct MeanAbsoluteError: Loss {
    public init() {}
    public var name: String { "mean_absolute_error" }

    public func value<S: TensorScalar>(_ output: Tensor<S>, _ target: Tensor<S>) -> S {
        checkShapes(output, target, name)
        return abs(output - target).mean()
    }

    public func gradient<S: TensorScalar>(_ output: Tensor<S>, _ target: Tensor<S>) -> Tensor<S> {
        checkShapes(output, target, name)
        return sign(output - target) / S(output.count)
    }
}

/// Binary cross-entropy, for yes/no outputs p ∈ (0, 1) (a sigmoid unit), with targets 0 or 1:
///
///     E = −(1/(m·K)) Σ [y ln p + (1 − y) ln(1 − p)]       ∂E/∂p = (p − y) / (p (1 − p)) / (m·K)
///
/// With a sigmoid output the chain rule collapses to δ = (p − y) / (m·K).
public struct BinaryCrossentropy: Loss {
    public init() {}
    public var name: String { "binary_crossentropy" }

    public func value<S: TensorScalar>(_ output: Tensor<S>, _ target: Tensor<S>) -> S {
        checkShapes(output, target, name)
        let p = clip(output, S(probabilityEpsilon), 1 - S(probabilityEpsilon))
        return -(target * log(p) + (1 - target) * log(1 - p)).mean()
    }

    public func gradient<S: TensorScalar>(_ output: Tensor<S>, _ target: Tensor<S>) -> Tensor<S> {
        checkShapes(output, target, name)
        let p = clip(output, S(probabilityEpsilon), 1 - S(probabilityEpsilon))
        return (p - target) / (p * (1 - p)) / S(output.count)
    }

    public func delta<S: TensorScalar>(_ output: Tensor<S>, _ target: Tensor<S>, outputActivation: Activation) -> Tensor<S>? {
        guard outputActivation == .sigmoid else { return nil }
        checkShapes(output, target, name)
        return (output - target) / S(output.count)
    }
}

/// Categorical cross-entropy, for one-hot targets and probabilities p that sum to 1 (softmax):
///
///     E = −(1/m) Σ_n Σ_j y_nj ln p_nj       ∂E/∂p = −y / (m p)
///
/// With a softmax output the chain rule collapses to δ = (p − y) / m: the simple and stable
/// form the trainer uses. The rows are used as given (Keras would first rescale each row to
/// sum to 1, which matters only for outputs that are not probabilities).
public struct CategoricalCrossentropy: Loss {
    public init() {}
    public var name: String { "categorical_crossentropy" }

    public func value<S: TensorScalar>(_ output: Tensor<S>, _ target: Tensor<S>) -> S {
        checkShapes(output, target, name)
        let p = clip(output, S(probabilityEpsilon), 1)
        return -(target * log(p)).sum() / S(output.shape[0])
    }

    public func gradient<S: TensorScalar>(_ output: Tensor<S>, _ target: Tensor<S>) -> Tensor<S> {
        checkShapes(output, target, name)
        return -target / (clip(output, S(probabilityEpsilon), 1) * S(output.shape[0]))
    }

    public func delta<S: TensorScalar>(_ output: Tensor<S>, _ target: Tensor<S>, outputActivation: Activation) -> Tensor<S>? {
        guard outputActivation == .softmax else { return nil }
        checkShapes(output, target, name)
        return (output - target) / S(output.shape[0])
    }
}

/// Categorical cross-entropy with integer class labels (0 ..< classes) instead of one-hot
/// rows: the same loss, E = −(1/m) Σ_n ln p_{n, y_n}. Targets have shape (m,) or (m, 1).
public struct SparseCategoricalCrossentropy: Loss {
    public init() {}
    public var name: String { "sparse_categorical_crossentropy" }

    func oneHot<S>(_ output: Tensor<S>, _ target: Tensor<S>) -> Tensor<S> {
        ensure(output.rank == 2 && target.count == output.shape[0],
                     "\(name): outputs \(Shape.describe(output.shape)) need one label per row, got targets \(Shape.describe(target.shape))")
        return Tensor.oneHot(target.integerLabels, classes: output.shape[1])
    }

    public func value<S: TensorScalar>(_ output: Tensor<S>, _ target: Tensor<S>) -> S {
        CategoricalCrossentropy().value(output, oneHot(output, target))
    }

    public func gradient<S: TensorScalar>(_ output: Tensor<S>, _ target: Tensor<S>) -> Tensor<S> {
        CategoricalCrossentropy().gradient(output, oneHot(output, target))
    }

    public func delta<S: TensorScalar>(_ output: Tensor<S>, _ target: Tensor<S>, outputActivation: Activation) -> Tensor<S>? {
        CategoricalCrossentropy().delta(output, oneHot(output, target), outputActivation: outputActivation)
    }
}
