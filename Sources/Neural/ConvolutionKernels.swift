import Tensors

// The kernels behind Conv2D and the pooling layers (Convolution.swift holds their maths):
// the strip walk that im2col and col2im share, and the loops of a pooling window. Lesson 14
// writes the same computations as plain loops; these are the fast forms, checked against them.

/// Calls `body(patchOffset, imageOffset, repeats)` for every strip of the patch matrix that
/// comes from the image: for kernel position (a, b) and output row i of an image in `images`,
/// the output columns j whose pixel (i·stride + a, j·stride + b) is inside the image (not in
/// the zero padding). The strip's `repeats` pieces of `channels` numbers start at the offsets
/// given into the patch matrix and the images, and are `g.patchLength` and `g.pixelStep` apart.
/// The one walk that `im2col` (copying) and `col2im` (adding back) share.
@inline(__always)
func forEachPatchStrip<S>(_ g: Conv2D<S>.Geometry, images: Range<Int>,
                          _ body: (_ patchOffset: Int, _ imageOffset: Int, _ repeats: Int) -> Void) {
    // Every offset is below the size of a tensor that exists: wrapping arithmetic (&+, &*)
    // cannot overflow here, and keeps overflow checks out of the loops.
    let rowLength = g.patchLength
    for n in images {
        for i in 0..<g.outputHeight {
            let firstRow = (n &* g.outputHeight &+ i) &* g.outputWidth   // patch row of output (n, i, 0)
            for a in 0..<g.kernelHeight {
                let y = i &* g.stride &+ a &- g.padTop
                guard y >= 0 && y < g.height else { continue }
                for b in 0..<g.kernelWidth {
                    // Output columns j with 0 ≤ j·stride + b − padLeft < width.
                    let shift = b &- g.padLeft
                    let firstJ = shift >= 0 ? 0 : (-shift &+ g.stride &- 1) / g.stride
                    let lastJ = Swift.min(g.outputWidth, g.width &- shift <= 0 ? 0 : (g.width &- shift &- 1) / g.stride &+ 1)
                    guard firstJ < lastJ else { continue }
                    body((firstRow &+ firstJ) &* rowLength &+ (a &* g.kernelWidth &+ b) &* g.channels,
                         ((n &* g.height &+ y) &* g.width &+ firstJ &* g.stride &+ shift) &* g.channels, lastJ &- firstJ)
                }
            }
        }
    }
}

extension Conv2D.Geometry {
    /// The numbers in one patch (a row of the patch matrix): kh · kw · channels.
    var patchLength: Int { kernelHeight * kernelWidth * channels }
    /// How far apart in the images the pixels of neighbouring output columns are: stride · channels.
    var pixelStep: Int { stride * channels }

    /// True when some patch reaches into the zero padding (its patch rows have zeros to keep).
    var hasPadding: Bool {
        padTop > 0 || padLeft > 0
            || (outputHeight - 1) * stride + kernelHeight - padTop > height
            || (outputWidth - 1) * stride + kernelWidth - padLeft > width
    }
}

/// Every kh × kw × channels patch of the (zero-padded) images as a row, in the order of the
/// output positions: shape (batch·oh·ow, kh·kw·channels).
@_specialize(where S == Float)
@_specialize(where S == Double)
func im2col<S: TensorScalar>(_ x: Tensor<S>, _ g: Conv2D<S>.Geometry) -> Tensor<S> {
    Tensor(shape: [g.batch * g.outputHeight * g.outputWidth, g.patchLength]) { out in
        x.withUnsafeBufferPointer { input in
            guard let patches = out.baseAddress, let image = input.baseAddress else { return }   // no images
            // Each image's patches are its own rows: the images are split between the threads.
            Parallelism.forEachPart(of: g.batch, elementsPerItem: out.count / g.batch) { images in
                if g.hasPadding {   // the padding stays 0
                    let perImage = g.outputHeight * g.outputWidth * g.patchLength
                    (patches + images.lowerBound * perImage).initialize(repeating: 0, count: images.count * perImage)
                }
                let (channels, patchStep, imageStep) = (g.channels, g.patchLength, g.pixelStep)
                forEachPatchStrip(g, images: images) { patch, pixel, repeats in
                    let to = patches + patch, from = image + pixel
                    if channels == 1 {
                        // One number per piece.
                        var (piece, source) = (to, from)
                        for _ in 0..<repeats {
                            piece.pointee = source.pointee
                            piece += patchStep
                            source += imageStep
                        }
                    } else {
                        for r in 0..<repeats {
                            let piece = to + r &* patchStep, source = from + r &* imageStep
                            for c in 0..<channels { piece[c] = source[c] }
                        }
                    }
                }
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
            guard let image = out.baseAddress, let patches = columns.baseAddress else { return }   // no images
            // Each image gets back only its own patches: the images are split between the threads.
            Parallelism.forEachPart(of: g.batch, elementsPerItem: columns.count / g.batch) { images in
                let (channels, patchStep, imageStep) = (g.channels, g.patchLength, g.pixelStep)
                forEachPatchStrip(g, images: images) { patch, pixel, repeats in
                    let to = image + pixel, from = patches + patch
                    for r in 0..<repeats {
                        // a pixel in several patches: add
                        let piece = to + r &* imageStep, source = from + r &* patchStep
                        for c in 0..<channels { piece[c] += source[c] }
                    }
                }
            }
        }
    }
}

/// Pooling over windows of `size` × `size` moved by `stride` (padding `valid`): the forward and
/// backward passes shared by `MaxPooling2D` and `AveragePooling2D`.
public struct PoolingWindow: Sendable {
    public let kind: PoolingKind
    public let size: Int
    public let stride: Int

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

    /// Calls `body(output, window)` for every output position of the images in `images` of a
    /// batch of `shape`: the offset of its channels in the output and of its window's first input
    /// in the input. The one walk that the forward and backward passes share.
    @inline(__always)
    func forEachWindow(_ shape: [Int], images: Range<Int>, _ body: (_ output: Int, _ window: Int) -> Void) {
        let (height, width, channels) = (shape[1], shape[2], shape[3])
        let out = outputShape(forInput: Array(shape.dropFirst()))
        let (rows, columns, stride) = (out[0], out[1], self.stride)
        // Offsets inside tensors that exist: wrapping arithmetic cannot overflow here.
        for n in images {
            for i in 0..<rows {
                for j in 0..<columns {
                    // All channels of one output position at once (channels are contiguous).
                    body(((n &* rows &+ i) &* columns &+ j) &* channels, ((n &* height &+ i &* stride) &* width &+ j &* stride) &* channels)
                }
            }
        }
    }

    /// The pooled images, and for max pooling where in its window each output's maximum is.
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    func forward<S: TensorScalar>(_ x: Tensor<S>) -> (Tensor<S>, PoolingCache) {
        ensure(x.rank == 4 && inputProblem(forInput: Array(x.shape.dropFirst())) == nil,
               "pooling expects a batch of images (batch, height, width, channels) of at least \(size) × \(size), got \(Shape.describe(x.shape))")
        let (width, channels) = (x.shape[2], x.shape[3])
        ensure(size * width * channels <= Int(Int32.max),
               "pooling: images \(width) wide with \(channels) channels are too large (a window's offsets must fit in 32 bits)")
        let outputShape = [x.shape[0]] + outputShape(forInput: Array(x.shape.dropFirst()))
        // For max pooling: the offset of each output's maximum from its window's first input.
        var argmax = [Int32](repeating: 0, count: kind == .maximum ? Shape.elementCount(outputShape) : 0)
        let (kind, size) = (self.kind, self.size)
        let scale = S(1) / S(size * size)
        let output = Tensor<S>(shape: outputShape) { result in
            x.withUnsafeBufferPointer { input in
                argmax.withUnsafeMutableBufferPointer { argmax in
                    guard let input = input.baseAddress, let result = result.baseAddress else { return }   // no images
                    let argmax = argmax.baseAddress
                    // The images are independent: split between the threads, same numbers either way.
                    Parallelism.forEachPart(of: x.shape[0], elementsPerItem: x.count / Swift.max(1, x.shape[0])) { images in
                        forEachWindow(x.shape, images: images) { o, window in
                            if kind == .maximum {
                                poolMaximum(input + window, rowLength: width * channels, channels: channels, size: size,
                                            into: result + o, argmax: argmax! + o)
                            } else {
                                poolMean(input + window, rowLength: width * channels, channels: channels, size: size,
                                         scale: scale, into: result + o)
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
        let (width, channels) = (shape[2], shape[3])
        let (kind, size) = (self.kind, self.size)
        let scale = S(1) / S(size * size)
        return Tensor<S>(shape: shape) { result in
            result.initialize(repeating: 0)
            outputGradient.withUnsafeBufferPointer { upstream in
                cache.argmax.withUnsafeBufferPointer { argmax in
                    guard let upstream = upstream.baseAddress, let result = result.baseAddress else { return }   // no images
                    let argmax = argmax.baseAddress
                    // Each image's gradient comes from its own outputs: split between the threads.
                    Parallelism.forEachPart(of: shape[0], elementsPerItem: shape.dropFirst().reduce(1, *)) { images in
                        forEachWindow(shape, images: images) { o, window in
                            let inputs = result + window, gradient = upstream + o
                            if kind == .maximum {
                                // Only each window's maximum moved the output: its gradient goes there.
                                let offsets = argmax! + o
                                for c in 0..<channels { inputs[Int(offsets[c]) + c] += gradient[c] }
                            } else {
                                // Each input of the window made 1/size² of the mean.
                                for a in 0..<size {
                                    for b in 0..<size {
                                        let pixel = inputs + (a * width + b) * channels
                                        for c in 0..<channels { pixel[c] += gradient[c] * scale }
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

/// The maximum of one window for every channel, and where it is (the offset from the window's
/// first input; the first of equal maxima). Branch-free over the channels, so the loop vectorizes.
@inline(__always)
func poolMaximum<S: TensorScalar>(_ window: UnsafePointer<S>, rowLength: Int, channels: Int, size: Int,
                                  into pooled: UnsafeMutablePointer<S>, argmax: UnsafeMutablePointer<Int32>) {
    // The window's first pixel starts the maximum.
    for c in 0..<channels {
        pooled[c] = window[c]
        argmax[c] = 0
    }
    for a in 0..<size {
        for b in 0..<size where a > 0 || b > 0 {
            let offset = a * rowLength + b * channels
            let pixel = window + offset, code = Int32(truncatingIfNeeded: offset)
            for c in 0..<channels {
                let value = pixel[c], current = pooled[c]
                let better = value > current
                pooled[c] = better ? value : current
                argmax[c] = better ? code : argmax[c]
            }
        }
    }
}

/// The mean of one window for every channel.
@inline(__always)
func poolMean<S: TensorScalar>(_ window: UnsafePointer<S>, rowLength: Int, channels: Int, size: Int, scale: S,
                               into pooled: UnsafeMutablePointer<S>) {
    for c in 0..<channels { pooled[c] = window[c] * scale }
    for a in 0..<size {
        for b in 0..<size where a > 0 || b > 0 {
            let pixel = window + a * rowLength + b * channels
            for c in 0..<channels { pooled[c] += pixel[c] * scale }
        }
    }
}
