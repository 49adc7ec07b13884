import Tensors

/// The activation functions h of the lecture's table, each with its derivative h′.
///
/// A layer's outputs are x_j^(l) = h(s_j^(l)); in the backward pass the delta recursion
/// multiplies by h′(s_j^(l)). Each formula below is the one place the library computes it.
public enum Activation: Sendable, Equatable, CustomStringConvertible {
    /// h(s) = s,  h′(s) = 1
    case identity
    /// h(s) = 1 if s ≥ 0 else 0,  h′(s) = 0 (undefined at 0): nothing flows back through it.
    case binaryStep
    /// The logistic function h(s) = 1 / (1 + e^−s),  h′(s) = h(s)(1 − h(s))
    case sigmoid
    /// h(s) = tanh s = (e^s − e^−s) / (e^s + e^−s),  h′(s) = 1 − h(s)²
    case tanh
    /// h(s) = arctan s,  h′(s) = 1 / (1 + s²)
    case arctan
    /// The rectified linear unit h(s) = max(s, 0),  h′(s) = 1 if s > 0 else 0
    case relu
    /// The exponential linear unit h(s) = s if s > 0 else α(e^s − 1),  h′(s) = 1 if s > 0 else h(s) + α
    case elu(alpha: Double)
    /// h(s) = ln(1 + e^s),  h′(s) = 1 / (1 + e^−s) (the logistic function)
    case softplus
    /// h_j(s) = e^{s_j} / Σ_k e^{s_k} over the units of one example: probabilities that sum to 1.
    /// Not element-wise: its derivative is a Jacobian, ∂h_j/∂s_k = h_j (1[j = k] − h_k).
    case softmax

    /// ELU with Keras's default α = 1.
    public static var elu: Activation { .elu(alpha: 1) }

    /// The Keras name: `relu`, `sigmoid`, …
    public var description: String {
        switch self {
        case .identity: "linear"
        case .binaryStep: "binary_step"
        case .sigmoid: "sigmoid"
        case .tanh: "tanh"
        case .arctan: "arctan"
        case .relu: "relu"
        case .elu: "elu"
        case .softplus: "softplus"
        case .softmax: "softmax"
        }
    }

    /// Every element-wise activation of the lecture's table (all but softmax), in its order.
    public static var lectureTable: [Activation] {
        [.identity, .binaryStep, .sigmoid, .tanh, .arctan, .relu, .elu, .softplus]
    }

    /// h(s) for every element (softmax: along the last axis, one example per row).
    public func callAsFunction<S>(_ s: Tensor<S>) -> Tensor<S> {
        switch self {
        case .identity:
            return s
        case .binaryStep:
            return s .>= 0
        case .sigmoid:
            return 1 / (1 + exp(-s))
        case .tanh:
            return Tensors.tanh(s)
        case .arctan:
            return atan(s)
        case .relu:
            return max(s, 0)
        case .elu(let alpha):
            return max(s, 0) + S(alpha) * expm1(min(s, 0))
        case .softplus:
            // ln(1 + e^s) = max(s, 0) + ln(1 + e^−|s|): never overflows.
            return max(s, 0) + log1p(exp(-abs(s)))
        case .softmax:
            // Subtracting the row maximum changes nothing mathematically and keeps e^s finite.
            let e = exp(s - s.max(axis: -1, keepingDimensions: true))
            return e / e.sum(axis: -1, keepingDimensions: true)
        }
    }

    /// h′(s) for every element, given s and h(s) (several derivatives are cheapest from h(s)).
    /// Softmax has no element-wise derivative: use `backward`.
    public func derivative<S>(_ s: Tensor<S>, output h: Tensor<S>) -> Tensor<S> {
        switch self {
        case .identity: return Tensor(shape: s.shape, repeating: 1)
        case .binaryStep: return Tensor.zeros(s.shape)
        case .sigmoid: return h * (1 - h)
        case .tanh: return 1 - h * h
        case .arctan: return 1 / (1 + s * s)
        case .relu: return s .> 0
        case .elu(let alpha):
            let positive = s .> 0
            return positive + (1 - positive) * (h + S(alpha))
        case .softplus: return Activation.sigmoid(s)
        case .softmax:
            stop("softmax is not element-wise: its derivative is a Jacobian; use Activation.softmax.backward")
        }
    }

    /// δ = ∂E/∂s from ∂E/∂h: h′(s) ⊙ ∂E/∂h element by element; for softmax, the Jacobian
    /// applied to ∂E/∂h: δ_j = h_j (g_j − Σ_k g_k h_k).
    public func backward<S>(_ outputGradient: Tensor<S>, signals s: Tensor<S>, output h: Tensor<S>) -> Tensor<S> {
        switch self {
        case .identity:
            return outputGradient
        case .softmax:
            let g = outputGradient
            return h * (g - (g * h).sum(axis: -1, keepingDimensions: true))
        default:
            return derivative(s, output: h) * outputGradient
        }
    }
}

/// An activation on its own, as a layer (Keras's `Activation`): x^(l) = h(x^(l−1)).
public struct ActivationLayer<Scalar: TensorScalar>: Layer {
    public var typeName: String { "Activation" }
    public var activation: Activation

    /// The signals s and the outputs h(s).
    public struct Cache {
        public var signals: Tensor<Scalar>
        public var output: Tensor<Scalar>
    }

    public init(_ activation: Activation) {
        self.activation = activation
    }

    public mutating func forward(_ x: Tensor<Scalar>, context: inout Context) -> (output: Tensor<Scalar>, cache: Cache) {
        let output = activation(x)
        return (output, Cache(signals: x, output: output))
    }

    public func backward(_ outputGradient: Tensor<Scalar>, cache: Cache, needsInputGradient _: Bool) -> LayerGradients<Scalar> {
        LayerGradients(inputGradient: activation.backward(outputGradient, signals: cache.signals, output: cache.output))
    }
}

/// The parametric ReLU (Keras's `PReLU`): h(s) = s if s > 0 else α_j s, with one learned α
/// per unit (initialized to 0, so it starts as a ReLU).
///
/// ∂h/∂s = 1 if s > 0 else α_j;  ∂E/∂α_j = Σ_n ∂E/∂h_nj · s_nj over the examples with s_nj ≤ 0.
public struct PReLU<Scalar: TensorScalar>: Layer {
    public var typeName: String { "PReLU" }
    /// α_j, one per unit.
    public var alpha: Tensor<Scalar>

    public func inputProblem(forInput shape: [Int]) -> String? { shapeProblem(shape, expected: [alpha.count]) }

    public init(units: Int, alpha: Scalar = 0) {
        self.alpha = Tensor(shape: [units], repeating: alpha)
    }

    public static var parameterList: [ParameterPath<Self>] { [ParameterPath("alpha", \.alpha)] }

    public mutating func forward(_ x: Tensor<Scalar>, context: inout Context) -> (output: Tensor<Scalar>, cache: Tensor<Scalar>) {
        expectFeatures(x, alpha.count, "PReLU")
        return (max(x, 0) + alpha * min(x, 0), x)
    }

    public func backward(_ outputGradient: Tensor<Scalar>, cache s: Tensor<Scalar>, needsInputGradient _: Bool) -> LayerGradients<Scalar> {
        let positive = s .> 0
        let input = outputGradient * (positive + (1 - positive) * alpha)
        let alphaGradient = (outputGradient * min(s, 0)).sum(axis: 0)
        return LayerGradients(inputGradient: input, parameters: [alphaGradient], of: self)
    }
}
