@testable import Neural
import Tensors
import TestSupport
import XCTest

/// Conv2D, MaxPooling2D, AveragePooling2D and Flatten: forward passes against the loops of
/// their definitions, backward passes against centred finite differences in Double (random
/// upstream gradients; several strides, paddings and odd sizes), and Keras's summary rows.
final class ConvolutionTests: XCTestCase {
    func assertPasses(_ report: GradientCheckReport, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertTrue(report.passed, "gradient check failed (tolerance \(GradientCheck.tolerance)):\n\(report)", file: file, line: line)
        XCTAssertGreaterThan(report.rows.map(\.checked).reduce(0, +), 0, "something was checked", file: file, line: line)
    }

    /// s[n, i, j, k] = Σ_{a, b, c} x[n, iS + a − P, jS + b − P, c] W[a, b, c, k] + b[k], by loops.
    func naiveConvolution(_ x: Tensor<Double>, _ layer: Conv2D<Double>) -> Tensor<Double> {
        let g = layer.geometry(x.shape)
        var out = Tensor<Double>.zeros([g.batch, g.outputHeight, g.outputWidth, layer.filters])
        for n in 0..<g.batch { for i in 0..<g.outputHeight { for j in 0..<g.outputWidth { for k in 0..<layer.filters {
            var s = layer.bias[k]
            for a in 0..<g.kernelHeight { for b in 0..<g.kernelWidth { for c in 0..<g.channels {
                let y = i * g.stride + a - g.padTop, xx = j * g.stride + b - g.padLeft
                if y >= 0 && y < g.height && xx >= 0 && xx < g.width { s += x[n, y, xx, c] * layer.weights[at: [a, b, c, k]] }
            } } }
            out[at: [n, i, j, k]] = s
        } } } }
        return out
    }

    let configurations: [(image: (Int, Int), kernel: (Int, Int), stride: Int, padding: Padding)] = [
        ((5, 7), (3, 3), 1, .valid), ((5, 7), (3, 2), 2, .valid), ((6, 6), (3, 3), 1, .same), ((7, 5), (2, 3), 2, .same),
        ((4, 4), (1, 1), 1, .valid), ((3, 3), (3, 3), 3, .same),
    ]

    func testConv2DForwardMatchesTheLoopsOfItsDefinition() {
        var rng = SeededGenerator(seed: 1)
        for config in configurations {
            let layer = Conv2D<Double>(channels: 2, filters: 3, kernelSize: config.kernel, stride: config.stride, padding: config.padding, using: &rng)
            var withBias = layer
            withBias.bias = Tensor.normal([3], using: &rng)
            let x = Tensor<Double>.normal([2, config.image.0, config.image.1, 2], using: &rng)
            var copy = withBias
            var context = Context.inference
            assertClose(copy.forward(x, context: &context).output, naiveConvolution(x, withBias), tolerance: 1e-12, "\(config)")
        }
    }

    /// One input channel and 16 or more filters take the shallow product with the bias added in
    /// registers: 35 filters (two 16-wide pieces and 3 single columns in Float; in Double four
    /// 8-wide pieces and 3), 25 (16 + 8 + 1 in Double), an odd number of patch rows.
    func testShallowConvolutionsWithManyFiltersMatchTheLoops() {
        var rng = SeededGenerator(seed: 6)
        for (filters, image, padding) in [(35, (5, 7), Padding.valid), (25, (4, 5), .same), (16, (3, 3), .valid)] {
            var layer = Conv2D<Double>(channels: 1, filters: filters, padding: padding, using: &rng)
            layer.bias = Tensor.normal([filters], using: &rng)
            let x = Tensor<Double>.normal([3, image.0, image.1, 1], using: &rng)
            var context = Context.inference
            let output = layer.forward(x, context: &context).output
            assertClose(output, naiveConvolution(x, layer), tolerance: 1e-12, "\(filters) filters over \(image), \(padding)")
            var single = Conv2D<Float>(channels: 1, filters: filters, padding: padding, using: &rng)
            single.weights = Tensor<Float>(layer.weights)
            single.bias = Tensor<Float>(layer.bias)
            assertClose(Tensor<Double>(single.forward(Tensor<Float>(x), context: &context).output), output, tolerance: 1e-5,
                        "\(filters) filters in Float")
        }
    }

    /// Max and average pooling against the loops of their definitions, with overlapping and
    /// uneven windows.
    func testPoolingForwardMatchesTheLoopsOfItsDefinition() {
        var rng = SeededGenerator(seed: 7)
        for (size, stride, image, channels) in [(2, 2, (6, 6), 3), (3, 1, (5, 6), 17), (2, 3, (7, 8), 1), (3, 2, (7, 7), 33)] {
            let x = Tensor<Double>.normal([2, image.0, image.1, channels], using: &rng)
            let (oh, ow) = ((image.0 - size) / stride + 1, (image.1 - size) / stride + 1)
            var maximum = Tensor<Double>.zeros([2, oh, ow, channels]), mean = maximum
            for n in 0..<2 { for i in 0..<oh { for j in 0..<ow { for c in 0..<channels {
                var window: [Double] = []
                for a in 0..<size { for b in 0..<size { window.append(x[at: [n, i * stride + a, j * stride + b, c]]) } }
                maximum[at: [n, i, j, c]] = window.max()!
                mean[at: [n, i, j, c]] = window.reduce(0, +) / Double(size * size)
            } } } }
            var context = Context.inference
            var maxPool = MaxPooling2D<Double>(size: size, stride: stride)
            var averagePool = AveragePooling2D<Double>(size: size, stride: stride)
            XCTAssertEqual(maxPool.forward(x, context: &context).output, maximum, "max pooling \(size) × \(size), stride \(stride)")
            assertClose(averagePool.forward(x, context: &context).output, mean, tolerance: 1e-14, "average pooling \(size), stride \(stride)")
        }
    }

    /// Large enough batches are split between the threads (im2col, col2im, pooling): the same
    /// bits with 1 and 2 threads.
    /// Calling a layer or a network is its inference-mode forward pass: the same numbers.
    func testCallingALayerIsItsInferenceForwardPass() {
        var rng = SeededGenerator(seed: 12)
        let x = Tensor<Double>.normal([3, 6, 6, 2], using: &rng)
        var conv = Conv2D<Double>(channels: 2, filters: 4, stride: 2, activation: .relu, using: &rng)
        var context = Context.inference
        XCTAssertEqual(conv(x), conv.forward(x, context: &context).output, "conv(x) = forward in inference mode")
        let network = Sequential<Double>(inputShape: [6, 6, 2], layers: [conv, Flatten(), Dropout(rate: 0.5),
                                                                       Dense(inputs: 16, units: 3, using: &rng)])
        XCTAssertEqual(network(x), network.predict(x), "model(x) = predict(x) (dropout off)")
        XCTAssertEqual(network.layer(0, as: Conv2D<Double>.self).weights, conv.weights, "layer(0, as:) gives the layer back")
    }

    func testConvolutionAndPoolingGiveTheSameBitsOnOneAndTwoThreads() {
        var rng = SeededGenerator(seed: 8)
        let x = Tensor<Float>.uniform([48, 28, 28, 1], using: &rng)   // 48 · 676 · 9 patch numbers: more than 256k
        let conv = Conv2D<Float>(channels: 1, filters: 16, activation: .relu, using: &rng)
        let second = Conv2D<Float>(channels: 16, filters: 8, padding: .same, using: &rng)
        let pool = MaxPooling2D<Float>(size: 2), average = AveragePooling2D<Float>(size: 2)
        func run() -> [Tensor<Float>] {
            var context = Context.inference
            var (c1, p1, c2, p2) = (conv, pool, second, average)
            let (h1, cache1) = c1.forward(x, context: &context)
            let (h2, cache2) = p1.forward(h1, context: &context)
            let (h3, cache3) = c2.forward(h2, context: &context)
            let (h4, cache4) = p2.forward(h3, context: &context)
            let upstream = Tensor<Float>.normal(h4.shape, using: &rng)
            let g3 = p2.backward(upstream, cache: cache4).inputGradient
            let g2 = c2.backward(g3, cache: cache3)
            let g1 = p1.backward(g2.inputGradient, cache: cache2).inputGradient
            let g0 = c1.backward(g1, cache: cache1)
            return [h1, h2, h3, h4, g3, g2.inputGradient, g1, g0.inputGradient] + g2.parameters + g0.parameters
        }
        let saved = (Parallelism.threads, KernelPath.current)
        defer { (Parallelism.threads, KernelPath.current) = saved }
        let start = rng
        Parallelism.threads = 1
        let one = run()
        rng = start
        Parallelism.threads = 2
        let two = run()
        for (index, (a, b)) in zip(one, two).enumerated() {
            XCTAssertEqual(a, b, "tensor \(index) of the forward and backward passes: 1 vs 2 threads")
        }
        // A CNN step on every kernel path this CPU supports: the same bits.
        for path in KernelPath.supported where path != saved.1 {
            rng = start
            KernelPath.current = path
            let other = run()
            for (index, (a, b)) in zip(one, other).enumerated() {
                XCTAssertEqual(a, b, "tensor \(index) of the forward and backward passes: \(path) vs \(saved.1)")
            }
        }
    }

    func testConv2DGradientsAgainstFiniteDifferences() {
        var rng = SeededGenerator(seed: 2)
        for (i, config) in configurations.enumerated() {
            for activation in [Activation.identity, .tanh] {
                var layer = Conv2D<Double>(channels: 2, filters: 3, kernelSize: config.kernel, stride: config.stride, padding: config.padding,
                                           activation: activation, regularizer: i == 0 ? .l2(0.01) : nil, using: &rng)
                layer.bias = Tensor.normal([3], using: &rng)
                let x = Tensor<Double>.normal([2, config.image.0, config.image.1, 2], using: &rng)
                assertPasses(GradientCheck.check(layer, input: x, seed: UInt64(i)))
            }
        }
    }

    func testPoolingForwardAndGradients() {
        var rng = SeededGenerator(seed: 3)
        // The course's 4 × 4 example: max pooling 2 × 2, stride 2 → [[10, 11], [9, 7]].
        let example = Tensor<Double>(shape: [1, 4, 4, 1], scalars: [5, 6, 7, 8, 2, 10, 4, 11, 7, 9, 3, 5, 8, 6, 7, 1])
        var maxPool = MaxPooling2D<Double>(size: 2)
        var context = Context.inference
        XCTAssertEqual(maxPool.forward(example, context: &context).output.scalars, [10, 11, 9, 7])
        var averagePool = AveragePooling2D<Double>(size: 2)
        XCTAssertEqual(averagePool.forward(example, context: &context).output.scalars, [5.75, 7.5, 7.5, 4])
        for (size, stride, image) in [(2, 2, (4, 6)), (2, 1, (5, 5)), (3, 2, (7, 6)), (2, 2, (5, 7))] {
            // Distinct values (no ties), so the maximum of each window is stable under ±h.
            let x = Tensor<Double>.normal([2, image.0, image.1, 3], using: &rng)
            assertPasses(GradientCheck.check(MaxPooling2D<Double>(size: size, stride: stride), input: x))
            assertPasses(GradientCheck.check(AveragePooling2D<Double>(size: size, stride: stride), input: x))
        }
        assertPasses(GradientCheck.check(Flatten<Double>(), input: Tensor<Double>.normal([3, 4, 5, 2], using: &rng)))
    }

    func testASmallCNNAsAWholeNetwork() {
        var rng = SeededGenerator(seed: 4)
        let network = Sequential<Double>(inputShape: [8, 8, 1], layers: [
            Conv2D(channels: 1, filters: 3, activation: .tanh, using: &rng),
            MaxPooling2D(size: 2),
            Flatten(),
            Dense(inputs: 27, units: 4, activation: .softmax, using: &rng),
        ])
        let x = Tensor<Double>.normal([3, 8, 8, 1], using: &rng)
        let y = Tensor<Double>.oneHot([0, 3, 1], classes: 4)
        assertPasses(GradientCheck.check(network, loss: CategoricalCrossentropy(), input: x, target: y))
    }

    func testKerasSummaryRowsAndParameterCounts() {
        var rng = SeededGenerator(seed: 5)
        let network = Sequential<Float>(inputShape: [28, 28, 1], layers: [
            Conv2D(channels: 1, filters: 32, activation: .relu, using: &rng),
            MaxPooling2D(size: 2),
            Flatten(),
            Dense(inputs: 13 * 13 * 32, units: 10, activation: .softmax, using: &rng),
        ])
        let summary = network.summary()
        for row in ["conv2d (Conv2D)             (None, 26, 26, 32)        320", "max_pooling2d (MaxPooling2D) (None, 13, 13, 32)        0",
                    "flatten (Flatten)           (None, 5408)              0", "dense (Dense)               (None, 10)                54090"] {
            XCTAssertTrue(summary.contains(row), "expected the row \"\(row)\" in:\n\(summary)")
        }
        // VGG16's first block ((m·n·d) + 1)·k: 1,792 and 36,928.
        XCTAssertEqual(Conv2D<Float>(channels: 3, filters: 64, padding: .same, using: &rng).trainableParameterCount, 1_792)
        XCTAssertEqual(Conv2D<Float>(channels: 64, filters: 64, padding: .same, using: &rng).trainableParameterCount, 36_928)
        XCTAssertEqual(keras(snakeCase: "AveragePooling2D"), "average_pooling2d")
        XCTAssertEqual(keras(snakeCase: "PReLU"), "p_re_lu")
        XCTAssertEqual(keras(snakeCase: "BatchNormalization"), "batch_normalization")
    }

    func testShapesThatDoNotFitAreNamed() {
        var rng = SeededGenerator(seed: 6)
        let conv = Conv2D<Float>(channels: 3, filters: 8, kernelSize: (5, 5), using: &rng)
        XCTAssertEqual(conv.inputProblem(forInput: [28, 28, 1]), "expects images of shape (height, width, 3)")
        XCTAssertEqual(conv.inputProblem(forInput: [4, 4, 3]), "has a 5 × 5 kernel that does not fit images of 4 × 4 with valid padding")
        XCTAssertNil(conv.inputProblem(forInput: [4, 4, 3].map { $0 }.enumerated().map { $0.offset < 2 ? 5 : $0.element }))
        XCTAssertEqual(MaxPooling2D<Float>(size: 3).inputProblem(forInput: [2, 8, 1]), "has a 3 × 3 window larger than images of 2 × 8")
    }
}
