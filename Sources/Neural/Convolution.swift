import Tensors

// Convolution and pooling on images, channels last as Keras stores them: a batch is
// (batch, height, width, channels). Lesson 14 writes each of these with loops first; the fast
// kernels they run on (im2col, col2im, the pooling loops) are in ConvolutionKernels.swift.

/// How a convolution treats the border (Keras's `padding`).
public enum Padding: Sendable, Equatable {
    /// No padding: the filter only visits positions where it fits; the output shrinks by
    /// kernel − 1 (for stride 1).
    case valid
    /// Zero padding so that the output has ⌈input / stride⌉ positions (the input size at stride 1).
    case same

    /// The output size and the zeros added before the first position, for an input of `size`.
    func layout(size: Int, kernel: Int, stride: Int) -> (output: Int, before: Int) {
        switch self {
        case .valid:
            return ((size - kernel) / stride + 1, 0)
        case .same:
            let output = (size + stride - 1) / stride
            let total = max((output - 1) * stride + kernel - size, 0)
            return (output, total / 2)    // Keras puts the odd zero after
        }
    }
}

/// A 2-D convolution layer (Keras's `Conv2D`): `filters` kernels of kh × kw × channels slide
/// over the image; each output is a weighted sum of the patch under the kernel, plus a bias.
/// Like every deep-learning library, it computes the cross-correlation (the kernel is not
/// flipped; lesson 14 shows the difference):
///
///     s[n, i, j, k] = Σ_{a, b, c} x[n, i·S + a − P, j·S + b − P, c] · W[a, b, c, k] + b[k]
///
/// Computed as one matrix product: every patch becomes a row of a matrix ("im2col"), the
/// kernels the columns of W reshaped to (kh·kw·channels, filters), so a convolution runs at the
/// speed of the packed matmul, not of a loop over pixels.
public struct Conv2D<Scalar: TensorScalar>: Layer {
    public var typeName: String { "Conv2D" }

    /// W, shape (kh, kw, channels, filters).
    public var weights: Tensor<Scalar>
    /// b, shape (filters,).
    public var bias: Tensor<Scalar>
    public var stride: Int
    public var padding: Padding
    public var activation: Activation
    public var regularizer: Regularizer?
    /// How to draw the weights once the number of channels is known (a layer made with `Conv2D(filters:)`).
    var pendingInitializer: WeightInitializer?

    /// `filters` kernels whose depth (the input's channels) the network gives, Keras-style: inside
    /// `Sequential(inputShape:using:) { … }`, which draws the weights in order.
    public init(filters: Int, kernelSize: (Int, Int) = (3, 3), stride: Int = 1, padding: Padding = .valid,
                activation: Activation = .identity, initializer: WeightInitializer = .glorotUniform, regularizer: Regularizer? = nil) {
        self.init(weights: .zeros([kernelSize.0, kernelSize.1, 0, filters]), bias: .zeros([filters]), stride: stride, padding: padding,
                  activation: activation, regularizer: regularizer)
        pendingInitializer = initializer
    }

    public var needsBuilding: Bool { pendingInitializer != nil }

    public mutating func build(forInput shape: [Int], using rng: inout SeededGenerator) {
        guard let initializer = pendingInitializer else { return }
        ensure(shape.count == 3, "Conv2D(filters: \(filters)) takes images of shape (height, width, channels), got \(Shape.describe(shape))")
        self = Conv2D(channels: shape[2], filters: filters, kernelSize: (kernelHeight, kernelWidth), stride: stride, padding: padding,
                      activation: activation, initializer: initializer, regularizer: regularizer, using: &rng)
    }

    public init(channels: Int, filters: Int, kernelSize: (Int, Int) = (3, 3), stride: Int = 1, padding: Padding = .valid,
                activation: Activation = .identity, initializer: WeightInitializer = .glorotUniform,
                regularizer: Regularizer? = nil, using rng: inout SeededGenerator) {
        self.init(weights: initializer.weights([kernelSize.0, kernelSize.1, channels, filters], using: &rng), bias: .zeros([filters]),
                  stride: stride, padding: padding, activation: activation, regularizer: regularizer)
    }

    public init(weights: Tensor<Scalar>, bias: Tensor<Scalar>, stride: Int = 1, padding: Padding = .valid,
                activation: Activation = .identity, regularizer: Regularizer? = nil) {
        ensure(weights.rank == 4 && bias.shape == [weights.shape[3]],
               "Conv2D: weights must be (kh, kw, channels, filters) and bias (filters,), got \(Shape.describe(weights.shape)) and \(Shape.describe(bias.shape))")
        ensure(stride >= 1, "Conv2D: stride must be at least 1, got \(stride)")
        self.weights = weights
        self.bias = bias
        self.stride = stride
        self.padding = padding
        self.activation = activation
        self.regularizer = regularizer
    }

    var kernelHeight: Int { weights.shape[0] }
    var kernelWidth: Int { weights.shape[1] }
    var channels: Int { weights.shape[2] }
    var filters: Int { weights.shape[3] }

    public func outputShape(forInput shape: [Int]) -> [Int] {
        guard shape.count == 3 else { return shape }
        return [padding.layout(size: shape[0], kernel: kernelHeight, stride: stride).output,
                padding.layout(size: shape[1], kernel: kernelWidth, stride: stride).output, filters]
    }

    public func inputProblem(forInput shape: [Int]) -> String? {
        guard shape.count == 3, shape[2] == channels else {
            return "expects images of shape (height, width, \(channels))"
        }
        if outputShape(forInput: shape).prefix(2).contains(where: { $0 < 1 }) {
            return "has a \(kernelHeight) × \(kernelWidth) kernel that does not fit images of \(shape[0]) × \(shape[1]) with \(padding) padding"
        }
        return nil
    }

    public static var parameterList: [ParameterPath<Self>] { [ParameterPath("weights", \.weights), ParameterPath("bias", \.bias)] }
    public var regularizationLoss: Scalar { regularizer?.penalty(weights) ?? 0 }

    /// The patches (batch·oh·ow, kh·kw·channels), the signals and outputs, for the backward pass.
    public struct Cache {
        var patches: Tensor<Scalar>
        var inputShape: [Int]
        var signals: Tensor<Scalar>
        var output: Tensor<Scalar>
    }

    public mutating func forward(_ x: Tensor<Scalar>, context: inout Context) -> (output: Tensor<Scalar>, cache: Cache) {
        ensure(x.rank == 4 && inputProblem(forInput: Array(x.shape.dropFirst())) == nil,
               "Conv2D expects a batch of images (batch, height, width, \(channels)), got \(Shape.describe(x.shape))")
        let geometry = self.geometry(x.shape)
        let patches = im2col(x, geometry)
        // S = patches · W + b: every output position of every image, all filters at once.
        let signals = matmul(patches, weights.reshaped([-1, filters]), plus: bias)
            .reshaped([x.shape[0], geometry.outputHeight, geometry.outputWidth, filters])
        let output = activation(signals)
        return (output, Cache(patches: patches, inputShape: x.shape, signals: signals, output: output))
    }

    /// The first layer of a network has no use for ∂E/∂x: its matrix product and scatter are skipped.
    public func backward(_ outputGradient: Tensor<Scalar>, cache: Cache, needsInputGradient: Bool) -> LayerGradients<Scalar> {
        // δ = h′(s) ⊙ ∂E/∂output, one row per output position.
        let delta = activation.backward(outputGradient, signals: cache.signals, output: cache.output).reshaped([-1, filters])
        // ∂E/∂W = patchesᵀ · δ: the correlation of the input with the upstream gradient.
        var weightGradient = matmul(cache.patches, delta, transposeA: true).reshaped(weights.shape)
        if let regularizer { weightGradient += regularizer.gradient(weights) }
        let biasGradient = delta.sum(axis: 0)
        guard needsInputGradient else { return LayerGradients(inputGradient: .zeros([0]), parameters: [weightGradient, biasGradient], of: self) }
        // ∂E/∂patches = δ · Wᵀ, then every patch's gradient added back where the patch came from:
        // the full convolution of δ with the flipped kernel.
        let patchGradient = matmul(delta, weights.reshaped([-1, filters]), transposeB: true)
        let inputGradient = col2im(patchGradient, geometry(cache.inputShape))
        return LayerGradients(inputGradient: inputGradient, parameters: [weightGradient, biasGradient], of: self)
    }

    struct Geometry {
        var batch, height, width, channels, kernelHeight, kernelWidth, stride: Int
        var outputHeight, outputWidth, padTop, padLeft: Int
    }

    func geometry(_ shape: [Int]) -> Geometry {
        let rows = padding.layout(size: shape[1], kernel: kernelHeight, stride: stride)
        let columns = padding.layout(size: shape[2], kernel: kernelWidth, stride: stride)
        return Geometry(batch: shape[0], height: shape[1], width: shape[2], channels: shape[3], kernelHeight: kernelHeight,
                        kernelWidth: kernelWidth, stride: stride, outputHeight: rows.output, outputWidth: columns.output,
                        padTop: rows.before, padLeft: columns.before)
    }
}

/// Which statistic a pooling window keeps.
public enum PoolingKind: Sendable {
    /// The largest value of each window; the gradient goes to that one input (the argmax).
    case maximum
    /// The mean of each window; the gradient is shared equally by its inputs.
    case average
}

/// What a pooling layer's backward pass needs: the input's shape and the positions of the maxima.
public struct PoolingCache {
    var inputShape: [Int]
    /// Max pooling: for each output, the offset of its window's maximum from the window's first input.
    var argmax: [Int32]
}

/// A pooling layer: its window (the kind, size and stride) does the work; the two Keras layers
/// below differ only in their kind and name.
public protocol PoolingLayer<Scalar>: Layer where Cache == PoolingCache {
    var window: PoolingWindow { get }
}

extension PoolingLayer {
    public func outputShape(forInput shape: [Int]) -> [Int] { window.outputShape(forInput: shape) }
    public func inputProblem(forInput shape: [Int]) -> String? { window.inputProblem(forInput: shape) }
    public mutating func forward(_ x: Tensor<Scalar>, context: inout Context) -> (output: Tensor<Scalar>, cache: PoolingCache) {
        window.forward(x)
    }
    public func backward(_ outputGradient: Tensor<Scalar>, cache: PoolingCache, needsInputGradient _: Bool) -> LayerGradients<Scalar> {
        LayerGradients(inputGradient: window.backward(outputGradient, cache: cache))
    }
}

/// Keras's `MaxPooling2D`: the largest value of each `size` × `size` window moved by `stride`
/// (default: `size`).
public struct MaxPooling2D<Scalar: TensorScalar>: PoolingLayer {
    public let window: PoolingWindow
    public var typeName: String { "MaxPooling2D" }
    public init(size: Int = 2, stride: Int? = nil) { window = PoolingWindow(.maximum, size: size, stride: stride) }
}

/// Keras's `AveragePooling2D`: the mean of each `size` × `size` window moved by `stride`
/// (default: `size`).
public struct AveragePooling2D<Scalar: TensorScalar>: PoolingLayer {
    public let window: PoolingWindow
    public var typeName: String { "AveragePooling2D" }
    public init(size: Int = 2, stride: Int? = nil) { window = PoolingWindow(.average, size: size, stride: stride) }
}

/// Each example's numbers in one row (Keras's `Flatten`): (batch, h, w, c) → (batch, h·w·c),
/// so dense layers can follow convolutions. The backward pass only reshapes back.
public struct Flatten<Scalar: TensorScalar>: Layer {
    public var typeName: String { "Flatten" }
    public init() {}
    public func outputShape(forInput shape: [Int]) -> [Int] { [shape.reduce(1, *)] }
    public typealias Cache = [Int]
    public mutating func forward(_ x: Tensor<Scalar>, context: inout Context) -> (output: Tensor<Scalar>, cache: Cache) {
        (x.reshaped([x.shape[0], -1]), x.shape)
    }
    public func backward(_ outputGradient: Tensor<Scalar>, cache shape: Cache, needsInputGradient _: Bool) -> LayerGradients<Scalar> {
        LayerGradients(inputGradient: outputGradient.reshaped(shape))
    }
}
