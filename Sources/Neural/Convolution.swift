import Tensors

// Convolution and pooling on images, channels last as Keras stores them: a batch is
// (batch, height, width, channels). Lesson 14 writes each of these with loops first.

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
    public static var typeName: String { "Conv2D" }

    /// W, shape (kh, kw, channels, filters).
    public var weights: Tensor<Scalar>
    /// b, shape (filters,).
    public var bias: Tensor<Scalar>
    public var stride: Int
    public var padding: Padding
    public var activation: Activation
    public var regularizer: Regularizer?

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

    public var parameters: [Tensor<Scalar>] {
        get { [weights, bias] }
        set {
            weights = newValue[0]
            bias = newValue[1]
        }
    }
    public var parameterNames: [String] { ["weights", "bias"] }
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
        let signals = (matmul(patches, weights.reshaped([-1, filters])) + bias)
            .reshaped([x.shape[0], geometry.outputHeight, geometry.outputWidth, filters])
        let output = activation(signals)
        return (output, Cache(patches: patches, inputShape: x.shape, signals: signals, output: output))
    }

    public func backward(_ outputGradient: Tensor<Scalar>, cache: Cache) -> LayerGradients<Scalar> {
        backward(outputGradient, cache: cache, needsInputGradient: true)
    }

    /// The first layer of a network has no use for ∂E/∂x: its matrix product and scatter are skipped.
    public func backward(_ outputGradient: Tensor<Scalar>, cache: Cache, needsInputGradient: Bool) -> LayerGradients<Scalar> {
        // δ = h′(s) ⊙ ∂E/∂output, one row per output position.
        let delta = activation.backward(outputGradient, signals: cache.signals, output: cache.output).reshaped([-1, filters])
        // ∂E/∂W = patchesᵀ · δ: the correlation of the input with the upstream gradient.
        var weightGradient = matmul(cache.patches, delta, transposeA: true).reshaped(weights.shape)
        if let regularizer { weightGradient += regularizer.gradient(weights) }
        let biasGradient = delta.sum(axis: 0)
        guard needsInputGradient else { return LayerGradients(inputGradient: .zeros([0]), parameters: [weightGradient, biasGradient]) }
        // ∂E/∂patches = δ · Wᵀ, then every patch's gradient added back where the patch came from:
        // the full convolution of δ with the flipped kernel.
        let patchGradient = matmul(delta, weights.reshaped([-1, filters]), transposeB: true)
        let inputGradient = col2im(patchGradient, geometry(cache.inputShape))
        return LayerGradients(inputGradient: inputGradient, parameters: [weightGradient, biasGradient])
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

/// Calls `body(patchOffset, imageOffset, count)` for every run of a patch that lies inside the
/// image: for output position `row` (in order), patch row a, the columns of the kernel that do not
/// fall into the zero padding, as offsets into the patch matrix and into the images. The one walk
/// that `im2col` (copying) and `col2im` (adding back) share.
@inline(__always)
func forEachPatchRun<S>(_ g: Conv2D<S>.Geometry, _ body: (_ patchOffset: Int, _ imageOffset: Int, _ count: Int) -> Void) {
    let rowLength = g.kernelHeight * g.kernelWidth * g.channels
    var row = 0
    for n in 0..<g.batch {
        for i in 0..<g.outputHeight {
            for j in 0..<g.outputWidth {
                let left = j * g.stride - g.padLeft
                let firstB = Swift.max(0, -left), lastB = Swift.min(g.kernelWidth, g.width - left)
                for a in 0..<g.kernelHeight where firstB < lastB {
                    let y = i * g.stride + a - g.padTop
                    guard y >= 0 && y < g.height else { continue }
                    body(row * rowLength + (a * g.kernelWidth + firstB) * g.channels,
                         ((n * g.height + y) * g.width + left + firstB) * g.channels, (lastB - firstB) * g.channels)
                }
                row += 1
            }
        }
    }
}

/// Every kh × kw × channels patch of the (zero-padded) images as a row, in the order of the
/// output positions: shape (batch·oh·ow, kh·kw·channels).
@_specialize(where S == Float)
@_specialize(where S == Double)
func im2col<S: TensorScalar>(_ x: Tensor<S>, _ g: Conv2D<S>.Geometry) -> Tensor<S> {
    Tensor(shape: [g.batch * g.outputHeight * g.outputWidth, g.kernelHeight * g.kernelWidth * g.channels]) { out in
        out.initialize(repeating: 0)   // the padding stays 0
        x.withUnsafeBufferPointer { input in
            forEachPatchRun(g) { patch, image, count in
                for t in 0..<count { out[patch + t] = input[image + t] }   // a few numbers: no memmove call
            }
        }
    }
}

/// The adjoint of `im2col`: each patch row's values added back to the pixels they came from.
@_specialize(where S == Float)
@_specialize(where S == Double)
func col2im<S: TensorScalar>(_ patches: Tensor<S>, _ g: Conv2D<S>.Geometry) -> Tensor<S> {
    Tensor(shape: [g.batch, g.height, g.width, g.channels]) { out in
        out.initialize(repeating: 0)
        patches.withUnsafeBufferPointer { columns in
            forEachPatchRun(g) { patch, image, count in
                for t in 0..<count { out[image + t] += columns[patch + t] }   // a pixel in several patches: add
            }
        }
    }
}

/// Which statistic a pooling window keeps.
public enum PoolingKind: Sendable {
    /// The largest value of each window; the gradient goes to that one input (the argmax).
    case maximum
    /// The mean of each window; the gradient is shared equally by its inputs.
    case average
}

/// Pooling over windows of `size` × `size` moved by `stride` (padding `valid`): the forward and
/// backward passes shared by `MaxPooling2D` and `AveragePooling2D`.
struct PoolingWindow: Sendable {
    var kind: PoolingKind
    var size: Int
    var stride: Int

    init(_ kind: PoolingKind, size: Int, stride: Int?) {
        ensure(size >= 1, "pooling: the window size must be at least 1, got \(size)")
        ensure((stride ?? size) >= 1, "pooling: stride must be at least 1, got \(stride ?? size)")
        self.kind = kind
        self.size = size
        self.stride = stride ?? size
    }

    func outputShape(forInput shape: [Int]) -> [Int] {
        guard shape.count == 3 else { return shape }
        return [(shape[0] - size) / stride + 1, (shape[1] - size) / stride + 1, shape[2]]
    }

    func inputProblem(forInput shape: [Int]) -> String? {
        guard shape.count == 3 else { return "expects images of shape (height, width, channels)" }
        return shape[0] < size || shape[1] < size ? "has a \(size) × \(size) window larger than images of \(shape[0]) × \(shape[1])" : nil
    }

    /// The pooled images, and for max pooling the flat input index of each output's maximum.
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    func forward<S: TensorScalar>(_ x: Tensor<S>) -> (Tensor<S>, PoolingCache) {
        ensure(x.rank == 4 && inputProblem(forInput: Array(x.shape.dropFirst())) == nil,
               "pooling expects a batch of images (batch, height, width, channels) of at least \(size) × \(size), got \(Shape.describe(x.shape))")
        let (batch, height, width, channels) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let out = outputShape(forInput: Array(x.shape.dropFirst()))
        var argmax = kind == .maximum ? [Int](repeating: 0, count: batch * out[0] * out[1] * channels) : []
        let scale = S(1) / S(size * size)
        let output = Tensor<S>(shape: [batch] + out) { result in
            x.withUnsafeBufferPointer { input in
                argmax.withUnsafeMutableBufferPointer { argmax in
                    for n in 0..<batch {
                        for i in 0..<out[0] {
                            for j in 0..<out[1] {
                                // All channels of one output position at once (channels are contiguous).
                                let outBase = ((n * out[0] + i) * out[1] + j) * channels
                                for a in 0..<size {
                                    for b in 0..<size {
                                        let inBase = ((n * height + i * stride + a) * width + j * stride + b) * channels
                                        if a == 0 && b == 0 {
                                            // The window's first pixel starts the maximum (or the sum).
                                            for c in 0..<channels {
                                                result[outBase + c] = kind == .maximum ? input[inBase + c] : input[inBase + c] * scale
                                                if kind == .maximum { argmax[outBase + c] = inBase + c }
                                            }
                                        } else if kind == .maximum {
                                            for c in 0..<channels {
                                                // max over the window, branch-free so the loop vectorizes
                                                let value = input[inBase + c], current = result[outBase + c]
                                                let better = value > current
                                                result[outBase + c] = better ? value : current
                                                argmax[outBase + c] = better ? inBase + c : argmax[outBase + c]
                                            }
                                        } else {
                                            for c in 0..<channels {
                                                result[outBase + c] += input[inBase + c] * scale   // mean over the window
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return (output, PoolingCache(inputShape: x.shape, argmax: argmax))
    }

    @_specialize(where S == Float)
    @_specialize(where S == Double)
    func backward<S: TensorScalar>(_ outputGradient: Tensor<S>, cache: PoolingCache) -> Tensor<S> {
        let shape = cache.inputShape
        let (height, width, channels) = (shape[1], shape[2], shape[3])
        let out = outputShape(forInput: Array(shape.dropFirst()))
        let scale = S(1) / S(size * size)
        return Tensor<S>(shape: shape) { result in
            result.initialize(repeating: 0)
            outputGradient.withUnsafeBufferPointer { upstream in
                if kind == .maximum {
                    // Only each window's maximum moved the output: its gradient goes there.
                    for o in 0..<upstream.count { result[cache.argmax[o]] += upstream[o] }
                    return
                }
                var o = 0
                for n in 0..<shape[0] {
                    for i in 0..<out[0] {
                        for j in 0..<out[1] {
                            for c in 0..<channels {
                                // Each input of the window made 1/size² of the mean.
                                for a in 0..<size {
                                    for b in 0..<size {
                                        result[((n * height + i * stride + a) * width + j * stride + b) * channels + c] += upstream[o] * scale
                                    }
                                }
                                o += 1
                            }
                        }
                    }
                }
            }
        }
    }
}

/// What a pooling layer's backward pass needs: the input's shape and the positions of the maxima.
public struct PoolingCache {
    var inputShape: [Int]
    var argmax: [Int]
}

/// Which pooling a `Pooling2D` layer does, as a type (so each has its own Keras name).
public protocol PoolingMode: Sendable {
    static var kind: PoolingKind { get }
    static var typeName: String { get }
}
/// The largest value of each window.
public enum MaximumPooling: PoolingMode {
    public static var kind: PoolingKind { .maximum }
    public static var typeName: String { "MaxPooling2D" }
}
/// The mean of each window.
public enum AveragingPooling: PoolingMode {
    public static var kind: PoolingKind { .average }
    public static var typeName: String { "AveragePooling2D" }
}

/// A pooling layer over `size` × `size` windows moved by `stride` (default: `size`).
public struct Pooling2D<Scalar: TensorScalar, Mode: PoolingMode>: Layer {
    public static var typeName: String { Mode.typeName }
    var window: PoolingWindow
    public init(size: Int = 2, stride: Int? = nil) { window = PoolingWindow(Mode.kind, size: size, stride: stride) }
    public func outputShape(forInput shape: [Int]) -> [Int] { window.outputShape(forInput: shape) }
    public func inputProblem(forInput shape: [Int]) -> String? { window.inputProblem(forInput: shape) }
    public mutating func forward(_ x: Tensor<Scalar>, context: inout Context) -> (output: Tensor<Scalar>, cache: PoolingCache) {
        window.forward(x)
    }
    public func backward(_ outputGradient: Tensor<Scalar>, cache: PoolingCache) -> LayerGradients<Scalar> {
        LayerGradients(inputGradient: window.backward(outputGradient, cache: cache))
    }
}

/// Keras's `MaxPooling2D`: the largest value of each `size` × `size` window.
public typealias MaxPooling2D<Scalar: TensorScalar> = Pooling2D<Scalar, MaximumPooling>
/// Keras's `AveragePooling2D`: the mean of each `size` × `size` window.
public typealias AveragePooling2D<Scalar: TensorScalar> = Pooling2D<Scalar, AveragingPooling>

/// Each example's numbers in one row (Keras's `Flatten`): (batch, h, w, c) → (batch, h·w·c),
/// so dense layers can follow convolutions. The backward pass only reshapes back.
public struct Flatten<Scalar: TensorScalar>: Layer {
    public static var typeName: String { "Flatten" }
    public init() {}
    public func outputShape(forInput shape: [Int]) -> [Int] { [shape.reduce(1, *)] }
    public typealias Cache = [Int]
    public mutating func forward(_ x: Tensor<Scalar>, context: inout Context) -> (output: Tensor<Scalar>, cache: Cache) {
        (x.reshaped([x.shape[0], -1]), x.shape)
    }
    public func backward(_ outputGradient: Tensor<Scalar>, cache shape: Cache) -> LayerGradients<Scalar> {
        LayerGradients(inputGradient: outputGradient.reshaped(shape))
    }
}
