import Tensors

/// The learning rate η, constant or decaying with the update count t (t = 1 for the first update).
public enum LearningRate: Sendable, Equatable, ExpressibleByFloatLiteral, CustomStringConvertible {
    /// η_t = η
    case constant(Double)
    /// η_t = η₀ · factor^⌊(t − 1) / every⌋: multiplied by `factor` every `every` updates.
    case stepDecay(initial: Double, factor: Double, every: Int)
    /// η_t = η₀ / (1 + rate · (t − 1) / steps) (Keras's InverseTimeDecay, the 1/t decay).
    case inverseTimeDecay(initial: Double, rate: Double, steps: Int)

    public init(floatLiteral value: Double) { self = .constant(value) }

    /// η at update t.
    public func at(step t: Int) -> Double {
        let done = Double(max(t - 1, 0))
        switch self {
        case .constant(let eta):
            return eta
        case let .stepDecay(initial, factor, every):
            return initial * pow(factor, (done / Double(every)).rounded(.down))
        case let .inverseTimeDecay(initial, rate, steps):
            return initial / (1 + rate * done / Double(steps))
        }
    }

    public var description: String {
        switch self {
        case .constant(let eta): "\(eta)"
        case let .stepDecay(initial, factor, every): "\(initial) × \(factor) every \(every) updates"
        case let .inverseTimeDecay(initial, rate, steps): "\(initial) / (1 + \(rate) t/\(steps))"
        }
    }
}

/// An update rule: given a parameter w, its gradient g = ∂E/∂w and the rule's own state
/// (a velocity, running averages…), the new parameter and the new state. Pure: nothing is
/// kept inside the optimizer, so one optimizer value serves every parameter of a network.
public protocol Optimizer<Scalar> {
    associatedtype Scalar: TensorScalar
    associatedtype State

    /// η, possibly decaying with the update count.
    var learningRate: LearningRate { get set }

    /// Keras's name: `SGD`, `RMSprop`, …
    var name: String { get }

    /// The state before the first update of `parameter` (zeros of its shape, usually).
    func makeState(for parameter: Tensor<Scalar>) -> State

    /// Update number t (1 for the first) of parameter w with gradient g.
    func update(_ w: Tensor<Scalar>, gradient g: Tensor<Scalar>, state: State, step t: Int)
        -> (parameter: Tensor<Scalar>, state: State)

    /// The same update, written into w and its state where they lie: what training uses, so
    /// that an optimizer that can (plain SGD) updates a weight matrix without allocating a new
    /// one. The default calls `update(_:gradient:state:step:)`.
    func updateInPlace(_ w: inout Tensor<Scalar>, gradient g: Tensor<Scalar>, state: inout State, step t: Int)
}

extension Optimizer {
    public func updateInPlace(_ w: inout Tensor<Scalar>, gradient g: Tensor<Scalar>, state: inout State, step t: Int) {
        (w, state) = update(w, gradient: g, state: state, step: t)
    }
}

/// Stochastic gradient descent, the lecture's weight update rule, optionally with momentum:
///
///     plain:     w ← w − η g
///     momentum:  v ← μ v − η g;   w ← w + v
///     Nesterov:  v ← μ v − η g;   w ← w + μ v − η g   (looks ahead along the velocity)
///
/// Keras defaults: η = 0.01, μ = 0.
public struct SGD<Scalar: TensorScalar>: Optimizer {
    public var learningRate: LearningRate
    /// μ, the fraction of the previous step kept (0: plain SGD).
    public var momentum: Double
    public var nesterov: Bool
    public var name: String { "SGD" }

    public init(learningRate: LearningRate = 0.01, momentum: Double = 0, nesterov: Bool = false) {
        self.learningRate = learningRate
        self.momentum = momentum
        self.nesterov = nesterov
    }

    /// The velocity v (nil without momentum).
    public func makeState(for parameter: Tensor<Scalar>) -> Tensor<Scalar>? {
        momentum == 0 ? nil : .zeros(parameter.shape)
    }

    /// The rule, written into w (and v) where they lie.
    public func updateInPlace(_ w: inout Tensor<Scalar>, gradient g: Tensor<Scalar>, state v: inout Tensor<Scalar>?, step t: Int) {
        let eta = Scalar(learningRate.at(step: t))
        guard let previous = v else {
            w.subtract(eta, times: g)                           // w ← w − η g (w - eta * g, in one pass)
            return
        }
        let mu = Scalar(momentum)
        let velocity = mu * previous - eta * g                  // v ← μ v − η g
        if nesterov {
            w = w + mu * velocity - eta * g                     // w ← w + μ v − η g
        } else {
            w = w + velocity                                    // w ← w + v
        }
        v = velocity
    }

    /// The rule above, on a copy of w.
    public func update(_ w: Tensor<Scalar>, gradient g: Tensor<Scalar>, state v: Tensor<Scalar>?, step t: Int)
        -> (parameter: Tensor<Scalar>, state: Tensor<Scalar>?) {
        var (w, v) = (w, v)
        updateInPlace(&w, gradient: g, state: &v, step: t)
        return (w, v)
    }
}

/// RMSProp (Hinton): divide each step by a running root mean square of recent gradients,
/// so steep and flat directions move at similar speeds:
///
///     a ← ρ a + (1 − ρ) g²;    w ← w − η g / (√a + ε)
///
/// Keras defaults: η = 0.001, ρ = 0.9, ε = 10⁻⁷.
public struct RMSProp<Scalar: TensorScalar>: Optimizer {
    public var learningRate: LearningRate
    public var rho: Double
    public var epsilon: Double
    public var name: String { "RMSprop" }

    public init(learningRate: LearningRate = 0.001, rho: Double = 0.9, epsilon: Double = 1e-7) {
        self.learningRate = learningRate
        self.rho = rho
        self.epsilon = epsilon
    }

    /// a, the running mean of g².
    public func makeState(for parameter: Tensor<Scalar>) -> Tensor<Scalar> { .zeros(parameter.shape) }

    public func update(_ w: Tensor<Scalar>, gradient g: Tensor<Scalar>, state a: Tensor<Scalar>, step t: Int)
        -> (parameter: Tensor<Scalar>, state: Tensor<Scalar>) {
        let eta = Scalar(learningRate.at(step: t)), rho = Scalar(rho)
        let meanSquare = rho * a + (1 - rho) * g * g                        // a ← ρ a + (1 − ρ) g²
        return (w - eta * g / (sqrt(meanSquare) + Scalar(epsilon)), meanSquare)   // w ← w − η g / (√a + ε)
    }
}

/// Adagrad: divide each step by the root of the sum of all past squared gradients, so
/// often-updated weights slow down:
///
///     a ← a + g²;    w ← w − η g / (√a + ε)
///
/// Keras defaults: η = 0.001, a₀ = 0.1, ε = 10⁻⁷.
public struct Adagrad<Scalar: TensorScalar>: Optimizer {
    public var learningRate: LearningRate
    public var initialAccumulator: Double
    public var epsilon: Double
    public var name: String { "Adagrad" }

    public init(learningRate: LearningRate = 0.001, initialAccumulator: Double = 0.1, epsilon: Double = 1e-7) {
        self.learningRate = learningRate
        self.initialAccumulator = initialAccumulator
        self.epsilon = epsilon
    }

    /// a, the sum of g² so far (starting at a₀).
    public func makeState(for parameter: Tensor<Scalar>) -> Tensor<Scalar> {
        Tensor(shape: parameter.shape, repeating: Scalar(initialAccumulator))
    }

    public func update(_ w: Tensor<Scalar>, gradient g: Tensor<Scalar>, state a: Tensor<Scalar>, step t: Int)
        -> (parameter: Tensor<Scalar>, state: Tensor<Scalar>) {
        let eta = Scalar(learningRate.at(step: t))
        let accumulated = a + g * g                                               // a ← a + g²
        return (w - eta * g / (sqrt(accumulated) + Scalar(epsilon)), accumulated)  // w ← w − η g / (√a + ε)
    }
}

/// Adam (Kingma & Ba, 2015): momentum on the gradient and RMSProp's scaling, each a running
/// average corrected for starting at zero:
///
///     m ← β₁ m + (1 − β₁) g          v ← β₂ v + (1 − β₂) g²
///     m̂ = m / (1 − β₁^t)             v̂ = v / (1 − β₂^t)
///     w ← w − η m̂ / (√v̂ + ε)
///
/// Defaults: η = 0.001, β₁ = 0.9, β₂ = 0.999, ε = 10⁻⁷ (Keras's ε; the paper's form of the
/// update, where Keras folds the corrections into η).
public struct Adam<Scalar: TensorScalar>: Optimizer {
    public var learningRate: LearningRate
    public var beta1: Double
    public var beta2: Double
    public var epsilon: Double
    public var name: String { "Adam" }

    public init(learningRate: LearningRate = 0.001, beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-7) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
    }

    /// The running averages of g (m, the first moment) and g² (v, the second moment).
    public struct State {
        public var m: Tensor<Scalar>
        public var v: Tensor<Scalar>
    }

    public func makeState(for parameter: Tensor<Scalar>) -> State {
        State(m: .zeros(parameter.shape), v: .zeros(parameter.shape))
    }

    public func update(_ w: Tensor<Scalar>, gradient g: Tensor<Scalar>, state: State, step t: Int)
        -> (parameter: Tensor<Scalar>, state: State) {
        let eta = Scalar(learningRate.at(step: t)), b1 = Scalar(beta1), b2 = Scalar(beta2)
        let m = b1 * state.m + (1 - b1) * g                              // m ← β₁ m + (1 − β₁) g
        let v = b2 * state.v + (1 - b2) * g * g                          // v ← β₂ v + (1 − β₂) g²
        let mHat = m / Scalar(1 - pow(beta1, Double(t)))                 // m̂ = m / (1 − β₁^t)
        let vHat = v / Scalar(1 - pow(beta2, Double(t)))                 // v̂ = v / (1 − β₂^t)
        return (w - eta * mHat / (sqrt(vHat) + Scalar(epsilon)), State(m: m, v: v))   // w ← w − η m̂ / (√v̂ + ε)
    }
}

/// `pow` for Double without Foundation.
@inline(__always)
func pow(_ x: Double, _ y: Double) -> Double { Double.pow(x, y) }

// MARK: - Each optimizer says its settings ("RMSProp (η = 0.001, ρ = 0.9)"), so a lesson states a
// setting once: the value it trains with is the value its settings line prints.

extension SGD: CustomStringConvertible {
    public var description: String {
        "SGD (η = \(learningRate)" + (momentum != 0 ? ", μ = \(momentum)" : "") + (nesterov ? ", Nesterov" : "") + ")"
    }
}

extension RMSProp: CustomStringConvertible {
    public var description: String { "RMSProp (η = \(learningRate), ρ = \(rho))" }
}

extension Adagrad: CustomStringConvertible {
    public var description: String { "Adagrad (η = \(learningRate), a₀ = \(initialAccumulator))" }
}

extension Adam: CustomStringConvertible {
    public var description: String { "Adam (η = \(learningRate), β₁ = \(beta1), β₂ = \(beta2))" }
}
