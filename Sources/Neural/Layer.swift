import Synchronization
import Tensors

// The course's notation, used throughout this module:
//
//   layer l has weights w_ij^(l) (from input i to unit j), signals s_j^(l) = Σ_i w_ij^(l) x_i^(l−1) + b_j^(l)
//   and outputs x_j^(l) = h(s_j^(l)); the error E(w) = Σ_n e(o(x_n), y_n).
//   The deltas δ_j^(l) = ∂E/∂s_j^(l) start at the last layer from the loss and go backwards:
//
//     δ_i^(l−1) = h′(s_i^(l−1)) Σ_j w_ij^(l) δ_j^(l)                       (the delta recursion)
//     ∂E/∂w_ij^(l) = x_i^(l−1) δ_j^(l)                                      (the gradient)
//     w_ij^(l) ← w_ij^(l) − η x_i^(l−1) δ_j^(l)                            (the weight update rule)
//
// In code every quantity is a whole mini-batch at once: x is (batch, inputs), the weights
// (inputs, units), s and δ (batch, units). A layer's `backward` receives ∂E/∂(its output)
// and returns ∂E/∂(its input) and ∂E/∂(each parameter).

/// Whether a layer is being trained or used: dropout drops units and batch normalization uses
/// the batch's statistics only in training; at inference both are deterministic.
public enum Mode: Sendable {
    case training, inference
}

/// What a forward pass needs besides the input: the mode, and the random generator dropout
/// draws its masks from (seeded, so the same seed drops the same units).
public struct Context {
    public var mode: Mode
    public var rng: SeededGenerator

    public init(mode: Mode, rng: SeededGenerator) {
        self.mode = mode
        self.rng = rng
    }

    /// An inference context (no randomness is used at inference).
    public static var inference: Context { Context(mode: .inference, rng: SeededGenerator(seed: 0)) }
}

/// What a backward pass returns: the gradient for the layer's input (handed to the layer
/// below) and one gradient per parameter, in the order of `parameters`, readable by name:
/// `gradients["weights"]`.
public struct LayerGradients<Scalar: TensorScalar> {
    /// ∂E/∂x^(l−1): the upstream gradient of the layer below.
    public var inputGradient: Tensor<Scalar>
    /// ∂E/∂θ for each parameter θ of the layer, same shapes as `parameters` (the order optimizers use).
    public var parameters: [Tensor<Scalar>]
    /// The parameters' names, in the same order (the layer's `parameterNames`).
    public var parameterNames: [String]

    /// Gradients of a layer with no parameters, or listed in `names`' order.
    public init(inputGradient: Tensor<Scalar>, parameters: [Tensor<Scalar>] = [], names: [String] = []) {
        ensure(names.count == parameters.count || names.isEmpty,
               "LayerGradients: \(parameters.count) parameter gradients but \(names.count) names (\(names.joined(separator: ", ")))")
        self.inputGradient = inputGradient
        self.parameters = parameters
        self.parameterNames = names
    }

    /// The gradients of `layer`'s parameters, in the order of its `parameterList`.
    public init<L: Layer>(inputGradient: Tensor<Scalar>, parameters: [Tensor<Scalar>], of layer: L) where L.Scalar == Scalar {
        self.init(inputGradient: inputGradient, parameters: parameters, names: layer.parameterNames)
    }

    /// ∂E/∂θ for the parameter named `name`: `gradients["weights"]`, `gradients["gamma"]`.
    public subscript(name: String) -> Tensor<Scalar> {
        guard let i = parameterNames.firstIndex(of: name) else {
            stop("LayerGradients: no parameter named \"\(name)\" (the layer's are: \(parameterNames.isEmpty ? "none" : parameterNames.joined(separator: ", ")))")
        }
        return parameters[i]
    }
}

/// One trainable parameter of a layer `L`: its name and where it is stored, e.g.
/// `ParameterPath("weights", \.weights)`. A layer lists these once; its `parameters`,
/// `parameterNames` and the names of its gradients all follow from that list.
public struct ParameterPath<L: Layer> {
    public let name: String
    public let path: WritableKeyPath<L, Tensor<L.Scalar>>
    public init(_ name: String, _ path: WritableKeyPath<L, Tensor<L.Scalar>>) {
        self.name = name
        self.path = path
    }
}

/// The parameter lists built so far, one per layer type (`Layer.parameterPaths`).
private let parameterPathCache = Mutex<[ObjectIdentifier: AnyObject]>([:])

/// One layer type's `parameterList`, kept in `parameterPathCache`; never changed once built.
private final class ParameterPathList<L: Layer>: @unchecked Sendable {
    let paths: [ParameterPath<L>]
    init(_ paths: [ParameterPath<L>]) { self.paths = paths }
}

/// A layer with an explicit forward pass and a hand-written backward pass.
///
/// `forward` returns the output and a cache holding what `backward` needs (the input, the
/// signals, a dropout mask…); `backward` takes the gradient of the error with respect to the
/// output and that cache. Nothing `backward` needs is stored in the layer between the two
/// calls, so the same layer can run several forward passes (a gradient check does) without
/// confusion. (`forward` is `mutating` for one reason: BatchNorm's forward pass in training
/// mode updates the running mean and variance it uses at inference.)
public protocol Layer<Scalar> {
    associatedtype Scalar: TensorScalar
    associatedtype Cache

    /// Keras's class name, shown by `Sequential.summary()`: `Dense`, `Dropout`, `MaxPooling2D`, …
    var typeName: String { get }

    /// The shape of one example's output, given the shape of one example's input.
    func outputShape(forInput shape: [Int]) -> [Int]

    /// Why the layer cannot take examples of this shape (nil if it can): what `Sequential`
    /// checks at construction, so layers that do not fit are named before any training.
    func inputProblem(forInput shape: [Int]) -> String?

    /// The trainable parameters by name, listed once, in a fixed order (Dense: weights, then
    /// bias). `parameters` and `parameterNames` come from this list.
    static var parameterList: [ParameterPath<Self>] { get }

    /// The trainable parameters, in the order of `parameterList` (what optimizers update).
    var parameters: [Tensor<Scalar>] { get set }

    /// One name per parameter, for gradient-check tables and `gradients["weights"]`.
    var parameterNames: [String] { get }

    /// Numbers the layer keeps that are not trained by gradients (batch normalization's
    /// running mean and variance), counted as "Non-trainable params" in the summary.
    var nonTrainableParameterCount: Int { get }

    /// The regularization penalty this layer adds to the error (0 for most layers).
    var regularizationLoss: Scalar { get }

    /// Whether the layer still waits for its input size (`Dense(units: 40)`, Keras-style): a
    /// network built with `Sequential(inputShape:using:) { … }` gives it, then calls `build`.
    var needsBuilding: Bool { get }

    /// Draws the weights of a layer that waited for its input size, for examples of `shape`,
    /// exactly as the explicit form (`Dense(inputs:units:…using:)`) would. Others do nothing.
    mutating func build(forInput shape: [Int], using rng: inout SeededGenerator)

    /// Computes the output for a mini-batch (the first axis of `x` is the batch).
    mutating func forward(_ x: Tensor<Scalar>, context: inout Context) -> (output: Tensor<Scalar>, cache: Cache)

    /// Given ∂E/∂output, returns ∂E/∂input and ∂E/∂parameters. `needsInputGradient` says whether
    /// ∂E/∂input is wanted: the network's first layer has nobody to hand it to, and for a dense
    /// layer it costs a whole matrix product; when it is not wanted, `inputGradient` may come
    /// back empty. (Most layers compute it anyway; `backward(_:cache:)` is the short form.)
    func backward(_ outputGradient: Tensor<Scalar>, cache: Cache, needsInputGradient: Bool) -> LayerGradients<Scalar>
}

extension Layer {
    public static var parameterList: [ParameterPath<Self>] { [] }
    public var parameters: [Tensor<Scalar>] {
        get { Self.parameterPaths.map { self[keyPath: $0.path] } }
        set {
            let paths = Self.parameterPaths
            ensure(newValue.count == paths.count,
                   "\(typeName) has \(paths.count) parameters (\(parameterNames.joined(separator: ", "))), was given \(newValue.count)")
            for (parameter, value) in zip(paths, newValue) { self[keyPath: parameter.path] = value }
        }
    }
    /// Calls `body(p, &parameter)` for each parameter where it is stored, so that an optimizer
    /// writes into it (`Optimizer.updateInPlace`) and a weight matrix nothing else holds is
    /// updated without a copy. A layer that lists no `parameterList` but has `parameters` of its
    /// own gets them through `parameters` (a copy, then the new values set back).
    public mutating func updateParameters(_ body: (Int, inout Tensor<Scalar>) -> Void) {
        let paths = Self.parameterPaths
        if paths.isEmpty {
            var values = parameters
            if values.isEmpty { return }
            for p in values.indices { body(p, &values[p]) }
            parameters = values
            return
        }
        for (p, parameter) in paths.enumerated() { body(p, &self[keyPath: parameter.path]) }
    }
    public var parameterNames: [String] { Self.parameterPaths.map { $0.name } }   // (a closure: `\.name` would be a key path built at every call)

    /// `parameterList`, built once per layer type. In a generic layer (`Dense<Float>`) each key
    /// path literal is instantiated anew at every use, a few microseconds, and training reads
    /// and writes `parameters` at every step: 2 % of an MNIST epoch.
    static var parameterPaths: [ParameterPath<Self>] {
        let type = ObjectIdentifier(Self.self)
        if let cached = parameterPathCache.withLock({ $0[type] }) {
            return unsafeDowncast(cached, to: ParameterPathList<Self>.self).paths
        }
        let list = ParameterPathList(parameterList)
        parameterPathCache.withLock { $0[type] = list }
        return list.paths
    }
    public var nonTrainableParameterCount: Int { 0 }
    public var regularizationLoss: Scalar { 0 }
    public var needsBuilding: Bool { false }
    public mutating func build(forInput shape: [Int], using rng: inout SeededGenerator) {}
    public func outputShape(forInput shape: [Int]) -> [Int] { shape }
    public func inputProblem(forInput shape: [Int]) -> String? { nil }

    /// Given ∂E/∂output, returns ∂E/∂input and ∂E/∂parameters.
    public func backward(_ outputGradient: Tensor<Scalar>, cache: Cache) -> LayerGradients<Scalar> {
        backward(outputGradient, cache: cache, needsInputGradient: true)
    }

    /// Trainable numbers: the sum of the parameters' element counts.
    public var trainableParameterCount: Int { parameters.reduce(0) { $0 + $1.count } }

    /// The layer's output for `x` in inference mode (dropout off, batch normalization with its
    /// running statistics): `conv(x)`, `Dense(weights: w, bias: b)(x)`. The explicit form
    /// `forward(x, context: &context)` is what a lesson uses when it needs the cache for backward.
    public func callAsFunction(_ x: Tensor<Scalar>) -> Tensor<Scalar> {
        var layer = self
        var context = Context.inference
        return layer.forward(x, context: &context).output
    }

    /// `forward` with the cache type erased, for a network holding different layers.
    mutating func forwardErased(_ x: Tensor<Scalar>, context: inout Context) -> (Tensor<Scalar>, Any) {
        let (output, cache) = forward(x, context: &context)
        return (output, cache)
    }

    /// `backward` with the cache type erased; the cache must come from this layer's forward.
    func backwardErased(_ outputGradient: Tensor<Scalar>, cache: Any, needsInputGradient: Bool = true) -> LayerGradients<Scalar> {
        guard let cache = cache as? Cache else {
            stop("\(typeName).backward was given a cache of type \(type(of: cache)), not \(Cache.self)")
        }
        return backward(outputGradient, cache: cache, needsInputGradient: needsInputGradient)
    }
}

/// Checks that a layer received a mini-batch of examples of the expected width, with a
/// message naming both shapes.
@inline(__always)
func expectFeatures<S>(_ x: Tensor<S>, _ features: Int, _ layer: String) {
    ensure(x.rank == 2 && x.shape[1] == features,
                 "\(layer) expects input of shape (batch, \(features)), got \(Shape.describe(x.shape))")
}

/// The problem message of a layer that needs examples of exactly `expected` shape.
func shapeProblem(_ shape: [Int], expected: [Int]) -> String? {
    shape == expected ? nil : "expects examples of shape \(Shape.describe(expected))"
}
