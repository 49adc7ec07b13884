import Tensors

/// A layer whose backward pass can start from δ = ∂E/∂s at its signals, for losses that
/// supply δ directly (softmax or sigmoid with cross-entropy).
public protocol OutputLayer<Scalar>: Layer {
    /// The activation h of the layer's output, which the loss pairs with.
    var outputActivation: Activation { get }
    /// The backward pass given δ at the signals instead of ∂E/∂output.
    func backward(delta: Tensor<Scalar>, cache: Cache, needsInputGradient: Bool) -> LayerGradients<Scalar>
}

extension Dense: OutputLayer {
    public var outputActivation: Activation { activation }
}

extension ActivationLayer: OutputLayer {
    public var outputActivation: Activation { activation }
    public func backward(delta: Tensor<Scalar>, cache: Cache, needsInputGradient: Bool) -> LayerGradients<Scalar> {
        LayerGradients(inputGradient: delta)
    }
}

extension OutputLayer {
    func backwardErased(delta: Tensor<Scalar>, cache: Any, needsInputGradient: Bool) -> LayerGradients<Scalar> {
        guard let cache = cache as? Cache else {
            stop("\(typeName).backward(delta:) was given a cache of type \(type(of: cache))")
        }
        return backward(delta: delta, cache: cache, needsInputGradient: needsInputGradient)
    }
}

/// What a network's forward pass keeps for its backward pass: one cache per layer (the
/// layer's input, signals, dropout mask…), each of the type that layer's `backward` expects.
public struct ForwardCaches {
    var perLayer: [Any] = []
    /// How many layers' caches are held.
    public var count: Int { perLayer.count }
    mutating func reserveCapacity(_ n: Int) { perLayer.reserveCapacity(n) }
    mutating func append(_ cache: Any) { perLayer.append(cache) }
    subscript(_ layer: Int) -> Any { perLayer[layer] }
}

/// A network that is a stack of layers, each feeding the next (Keras's `Sequential`).
///
///     var rng = SeededGenerator(seed: 42)
///     var network = Sequential<Float>(inputShape: [784], layers: [
///         Dense(inputs: 784, units: 256, activation: .relu, using: &rng),
///         Dropout(rate: 0.4),
///         Dense(inputs: 256, units: 10, activation: .softmax, using: &rng),
///     ])
///     print(network.summary())
public struct Sequential<Scalar: TensorScalar> {
    /// The shape of one example: `[784]` for flattened MNIST digits.
    public var inputShape: [Int]
    /// The layers, first to last.
    public var layers: [any Layer<Scalar>]
    /// The model's name in `summary()`.
    public var name: String

    public init(inputShape: [Int], layers: [any Layer<Scalar>], name: String = "sequential") {
        self.inputShape = inputShape
        self.layers = layers
        self.name = name
        // The layers must fit together: each takes what the one before it gives.
        var shape = inputShape
        for (i, layer) in layers.enumerated() {
            ensure(!layer.needsBuilding, "\(name): layer \(i + 1) (\(layer.typeName)) was made without its input size; give it "
                   + "(Dense(inputs:units:…using:)) or build the network with Sequential(inputShape:using:) { … }, which infers it")
            if let problem = layer.inputProblem(forInput: shape) {
                let source = i == 0 ? "the network's input" : "layer \(i) (\(layers[i - 1].typeName))"
                stop("\(name): layer \(i + 1) (\(layer.typeName)) \(problem), but \(source) gives \(Shape.describe(shape))")
            }
            shape = layer.outputShape(forInput: shape)
            ensure(!shape.contains(0), "\(name): layer \(i + 1) (\(layer.typeName)) gives examples of shape "
                   + "\(Shape.describe(shape)): a layer needs at least one unit")
        }
    }

    /// A network whose layers' input sizes are inferred from `inputShape`, as Keras's are:
    ///
    ///     var network = Sequential<Float>(inputShape: [28, 28, 1], using: &rng) {
    ///         Conv2D(filters: 32, activation: .relu)        // 3 × 3 × 1 kernels: 1 channel in
    ///         MaxPooling2D(size: 2)
    ///         Flatten()
    ///         Dense(units: 40, activation: .relu)           // 13 · 13 · 32 = 5,408 inputs
    ///         Dense(units: 10, activation: .softmax)
    ///     }
    ///
    /// Each layer that waits for its size draws its weights from `rng` in order, so the network is
    /// the one the explicit form (`Dense(inputs: 5408, units: 40, …, using: &rng)`, …) gives, bit for bit.
    public init(inputShape: [Int], name: String = "sequential", using rng: inout SeededGenerator,
                @LayerBuilder<Scalar> layers: () -> [any Layer<Scalar>]) {
        var built: [any Layer<Scalar>] = []
        var shape = inputShape
        for var layer in layers() {
            if layer.needsBuilding { layer.build(forInput: shape, using: &rng) }
            if layer.inputProblem(forInput: shape) == nil { shape = layer.outputShape(forInput: shape) }   // else the check below names it
            built.append(layer)
        }
        self.init(inputShape: inputShape, layers: built, name: name)
    }

    /// The shape of one example's output after each layer.
    public var layerShapes: [[Int]] {
        var shape = inputShape
        return layers.map { layer in
            shape = layer.outputShape(forInput: shape)
            return shape
        }
    }

    /// The shape of one example's output.
    public var outputShape: [Int] { layerShapes.last ?? inputShape }

    /// Parameter counts: trainable (weights, biases, γ, β…) and non-trainable (running statistics).
    public var parameterCount: (total: Int, trainable: Int, nonTrainable: Int) {
        let trainable = layers.reduce(0) { $0 + $1.trainableParameterCount }
        let nonTrainable = layers.reduce(0) { $0 + $1.nonTrainableParameterCount }
        return (trainable + nonTrainable, trainable, nonTrainable)
    }

    /// The sum of the layers' regularization penalties, added to the loss.
    public var regularizationLoss: Scalar { layers.reduce(0) { $0 + $1.regularizationLoss } }

    /// All trainable parameters, layer by layer.
    public var parameters: [[Tensor<Scalar>]] {
        get { layers.map { $0.parameters } }
        set {
            for i in layers.indices { layers[i].parameters = newValue[i] }
        }
    }

    // MARK: Forward and backward

    /// The forward pass through every layer; returns the output and each layer's cache.
    public mutating func forward(_ x: Tensor<Scalar>, context: inout Context) -> (output: Tensor<Scalar>, caches: ForwardCaches) {
        ensure(x.rank >= 1 && Array(x.shape.dropFirst()) == inputShape,
                     "\(name) expects examples of shape \(Shape.describe(inputShape)) (a batch of shape (batch, \(inputShape.map(String.init).joined(separator: ", ")))), got \(Shape.describe(x.shape))")
        var activations = x
        var caches = ForwardCaches()
        caches.reserveCapacity(layers.count)
        for i in layers.indices {
            let (output, cache) = layers[i].forwardErased(activations, context: &context)
            activations = output
            caches.append(cache)
        }
        return (activations, caches)
    }

    /// The backward pass: from the loss at the output down to the first layer. Returns
    /// ∂E/∂θ for every parameter of every layer (same layout as `parameters`).
    ///
    /// When the loss supplies δ^(L) for the last layer's activation (softmax or sigmoid with
    /// cross-entropy), backpropagation starts from δ^(L) = (ŷ − y)/m (softmax with categorical
    /// cross-entropy) or (ŷ − y)/(m·K) (sigmoid with binary cross-entropy over K outputs);
    /// otherwise from ∂E/∂o.
    public func backward(output: Tensor<Scalar>, target: Tensor<Scalar>, loss: some Loss, caches: ForwardCaches) -> [[Tensor<Scalar>]] {
        ensure(caches.count == layers.count, "backward needs the caches of the forward pass, one per layer")
        var gradients = [[Tensor<Scalar>]](repeating: [], count: layers.count)
        guard let last = layers.indices.last else { return gradients }
        // The first layer's ∂E/∂input would go nowhere: it is not computed.
        let top: LayerGradients<Scalar>
        if let outputLayer = layers[last] as? any OutputLayer<Scalar>,
           let delta = loss.delta(output, target, outputActivation: outputLayer.outputActivation) {
            top = outputLayer.backwardErased(delta: delta, cache: caches[last], needsInputGradient: last > 0)
        } else {
            top = layers[last].backwardErased(loss.gradient(output, target), cache: caches[last], needsInputGradient: last > 0)
        }
        gradients[last] = top.parameters
        var upstream = top.inputGradient
        // The delta recursion, one layer down at a time.
        for i in layers.indices.dropLast().reversed() {
            let g = layers[i].backwardErased(upstream, cache: caches[i], needsInputGradient: i > 0)
            gradients[i] = g.parameters
            upstream = g.inputGradient
        }
        return gradients
    }

    // MARK: Using a trained network

    /// The outputs for `x` in inference mode (dropout off, batch normalization with running
    /// statistics), computed `batchSize` examples at a time.
    public func predict(_ x: Tensor<Scalar>, batchSize: Int = 1024) -> Tensor<Scalar> {
        ensure(batchSize >= 1, "predict: batchSize must be at least 1, got \(batchSize)")
        var copy = self
        var context = Context.inference
        let n = x.shape.first ?? 0
        guard n > batchSize else { return copy.forward(x, context: &context).output }
        let parts = stride(from: 0, to: n, by: batchSize).map { start in
            copy.forward(x.rows(start ..< Swift.min(n, start + batchSize)), context: &context).output
        }
        return Tensor.concatenate(parts, axis: 0)
    }

    /// The network's output for `x` in inference mode: `model(x)`, the same as `predict(x)`.
    public func callAsFunction(_ x: Tensor<Scalar>) -> Tensor<Scalar> { predict(x) }

    /// Layer `index` as the type the caller expects (`model.layer(0, as: Dense<Float>.self).weights`);
    /// stops with a message naming the layer found when it is of another type.
    public func layer<L: Layer<Scalar>>(_ index: Int, as _: L.Type = L.self) -> L {
        ensure(layers.indices.contains(index), "layer(\(index)): the network has \(layers.count) layers (0 to \(layers.count - 1))")
        guard let layer = layers[index] as? L else {
            stop("layer(\(index), as: \(L.self)): layer \(index) is \(type(of: layers[index])), not \(L.self)")
        }
        return layer
    }

    /// The predicted class of each example: the largest output, or for a single output p,
    /// 1 if p > 0.5 else 0.
    public func predictClasses(_ x: Tensor<Scalar>, batchSize: Int = 1024) -> [Int] {
        let output = predict(x, batchSize: batchSize)
        if output.rank == 2 && output.shape[1] > 1 { return output.argmax(axis: 1) }
        return output.withUnsafeBufferPointer { $0.map { $0 > 0.5 ? 1 : 0 } }
    }

    /// The loss (plus regularization) and metrics on (x, y) in inference mode, like Keras's
    /// `evaluate`: `[.loss: 0.07, .accuracy: 0.98]`.
    public func evaluate(_ x: Tensor<Scalar>, _ y: Tensor<Scalar>, loss: some Loss, metrics: [Metric] = [],
                         batchSize: Int = 1024) -> [HistoryKey: Double] {
        let output = predict(x, batchSize: batchSize)
        var result: [HistoryKey: Double] = [.loss: Double(loss.value(output, y) + regularizationLoss)]
        for metric in metrics { result[metric.key] = metric.value(output, y) }
        return result
    }

    // MARK: Summary

    /// Keras's model summary: one row per layer with its output shape and parameter count,
    /// then the totals.
    public func summary() -> String {
        // Keras's columns: the type at 1, the output shape at 29, the count at 55 (a longer
        // cell pushes the rest right, keeping one space).
        func row(_ cells: [String]) -> String {
            (" " + cells[0].padding(toLength: max(28, cells[0].count + 1)) + cells[1].padding(toLength: max(26, cells[1].count + 1))
                + cells[2]).trimmingTrailingSpaces()
        }
        let rule = String(repeating: "_", count: 65), doubleRule = String(repeating: "=", count: 65)
        var lines = ["Model: \"\(name)\"", rule, row(["Layer (type)", "Output Shape", "Param #"]), doubleRule]
        var seen: [String: Int] = [:]
        for (layer, shape) in zip(layers, layerShapes) {
            let base = keras(snakeCase: layer.typeName)
            let index = seen[base, default: 0]
            seen[base] = index + 1
            let layerName = index == 0 ? base : "\(base)_\(index)"
            let count = layer.trainableParameterCount + layer.nonTrainableParameterCount
            lines.append(row(["\(layerName) (\(layer.typeName))",
                              "(None, " + shape.map(String.init).joined(separator: ", ") + ")", String(count)]))
            lines.append("")
        }
        if !layers.isEmpty { lines.removeLast() }
        let counts = parameterCount
        lines += [doubleRule,
                  "Total params: \(grouped(counts.total))",
                  "Trainable params: \(grouped(counts.trainable))",
                  "Non-trainable params: \(grouped(counts.nonTrainable))",
                  rule]
        return lines.joined(separator: "\n")
    }
}

/// Keras's layer names in snake case (`to_snake_case`): `BatchNormalization` →
/// `batch_normalization`, `PReLU` → `p_re_lu`, `Conv2D` → `conv2d`, `MaxPooling2D` →
/// `max_pooling2d`. Keras's two rules: an underscore before a capital followed by lowercase
/// letters or digits (not at the start), then between a lowercase letter and a capital.
func keras(snakeCase name: String) -> String {
    var characters = Array(name), result: [Character] = []
    for (i, character) in characters.enumerated() {
        let next = i + 1 < characters.count ? characters[i + 1] : nil
        if i > 0, character.isUppercase, let next, next.isLowercase || next.isNumber, result.last != "_" { result.append("_") }
        result.append(character)
    }
    characters = result
    result = []
    for (i, character) in characters.enumerated() {
        if i > 0, character.isUppercase, characters[i - 1].isLowercase { result.append("_") }
        result.append(character)
    }
    return String(result).lowercased()
}

extension String {
    func padding(toLength length: Int) -> String {
        count >= length ? self : self + String(repeating: " ", count: length - count)
    }
}

/// The layers of `Sequential(inputShape:using:) { … }`, one per line, as a Keras model lists them
/// (`if` and `for` work too).
@resultBuilder
public enum LayerBuilder<Scalar: TensorScalar> {
    public static func buildExpression(_ layer: some Layer<Scalar>) -> [any Layer<Scalar>] { [layer] }
    public static func buildBlock(_ parts: [any Layer<Scalar>]...) -> [any Layer<Scalar>] { parts.flatMap { $0 } }
    public static func buildOptional(_ part: [any Layer<Scalar>]?) -> [any Layer<Scalar>] { part ?? [] }
    public static func buildEither(first part: [any Layer<Scalar>]) -> [any Layer<Scalar>] { part }
    public static func buildEither(second part: [any Layer<Scalar>]) -> [any Layer<Scalar>] { part }
    public static func buildArray(_ parts: [[any Layer<Scalar>]]) -> [any Layer<Scalar>] { parts.flatMap { $0 } }
}
