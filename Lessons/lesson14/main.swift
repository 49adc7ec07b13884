/// Lesson 14 · Convolution by hand
///
/// The one concept: a convolutional layer slides one small set of weights (a filter) over the
/// whole image, so the same pattern is detected wherever it appears, with few parameters.
/// This lesson writes convolution, stride and padding, pooling and their backward passes with
/// loops, then uses the library's `Conv2D` and `MaxPooling2D` (Sources/Neural/Convolution.swift,
/// which lower the same sums onto the packed matrix product) to train a small CNN.
import Datasets
import Foundation
import Neural
import Notebook
import Plotting
import Tensors

let notebook = LessonNotebook(
    lesson: 14, title: "Convolution by hand", usesData: true,
    concept: "A filter of a few weights is multiplied with every patch of the input in turn; the results form a "
        + "feature map that is large where the patch looks like the filter. Deep-learning libraries call this "
        + "convolution but compute the cross-correlation (the filter is not flipped); stride skips positions, zero "
        + "padding keeps the border, pooling keeps the strongest response of each small window.",
    formulas: ["convolution (1-D):        (x ∗ w)[n] = Σ_k x[k] w[n − k]",
               "cross-correlation (2-D):  s[i, j] = Σ_{a, b} x[i·S + a, j·S + b] w[a, b] + bias",
               "output size:  (N − F + 2P) / S + 1",
               "parameters of a conv layer:  ((m · n · d) + 1) · k   (m × n filters on d channels, k filters)"])

// MARK: - 1-D
notebook.section("Convolution in one dimension, and cross-correlation")
let x1 = [0.0, 1, 2, 3, 3], w1 = [1.0, -1, 2]
// Full convolution: (x ∗ w)[n] = Σ_k x[k] w[n − k], for every n where the two overlap.
var full = [Double](repeating: 0, count: x1.count + w1.count - 1)
for n in full.indices {
    for k in x1.indices where n - k >= 0 && n - k < w1.count { full[n] += x1[k] * w1[n - k] }
}
notebook.say("""
    The course's example, x = 0 1 2 3 3 and w = 1 −1 2. The kernel is flipped and slid along x; every \
    position where they overlap gives one sum:
    """)
notebook.show("x ∗ w (full convolution)", full.map { formatNumber("%g", $0) }.joined(separator: " "))
// Cross-correlation (what Conv2D computes): (x ⋆ w)[n] = Σ_k x[n + k] w[k], where w fits inside x.
let correlation = (0...(x1.count - w1.count)).map { n in w1.indices.reduce(0.0) { $0 + x1[n + $1] * w1[$1] } }
let flippedConvolution = (0...(x1.count - w1.count)).map { n in w1.indices.reduce(0.0) { $0 + x1[n + $1] * w1.reversed()[$1] } }
notebook.show("x ⋆ w (cross-correlation, no flip, 'valid')", correlation.map { formatNumber("%g", $0) }.joined(separator: " "))
notebook.show("x ⋆ flip(w) = the valid part of x ∗ w", flippedConvolution.map { formatNumber("%g", $0) }.joined(separator: " "))
notebook.say("""
    Convolution flips the kernel, cross-correlation does not; for learned filters the difference does not \
    matter (the network learns the flipped filter instead), so libraries compute the cheaper cross-correlation and \
    call it convolution.
    """)
notebook.record("fullConvolution", full)
notebook.record("crossCorrelation", correlation)

// MARK: - 2-D on a digit
notebook.section("Two dimensions, on a real digit")
let (mnist, note) = notebook.require { try MNIST.load(requested: notebook.options.data) }
if let note { notebook.say(note) }
let digit = mnist.trainImages.row(0).reshaped([28, 28]) / 255
let edgeFilter: [[Double]] = [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]      // Sobel: responds to left-to-right increases
var featureMap = [[Double]](repeating: [Double](repeating: 0, count: 26), count: 26)
for i in 0..<26 {
    for j in 0..<26 {
        var s = 0.0
        for a in 0..<3 { for b in 0..<3 { s += Double(digit[i + a, j + b]) * edgeFilter[a][b] } }   // s[i, j] = Σ x[i+a, j+b] w[a, b]
        featureMap[i][j] = s
    }
}
let sobel = Conv2D<Double>(weights: Tensor(shape: [3, 3, 1, 1], scalars: edgeFilter.flatMap { $0 }), bias: .zeros([1]))
let libraryMap = sobel(Tensor<Double>(digit).reshaped([1, 28, 28, 1])).reshaped([26, 26])   // the layer called for inference
let mapDifference = abs(libraryMap - Tensor(featureMap)).max()
notebook.say("""
    The first training digit (a \(mnist.trainLabels[0])), 28 × 28, and a 3 × 3 Sobel filter that responds \
    where brightness increases from left to right. Four nested loops give the 26 × 26 feature map (valid: the filter \
    stays inside the image); the library's Conv2D with the same filter gives the same map \
    (largest difference \(formatNumber("%.1e", mapDifference))).
    """)
notebook.record("digitMapDifference", mapDifference)

// MARK: - Stride and padding
notebook.section("Stride, padding and the output size")
notebook.say("""
    An N × N input, an F × F filter, zero padding P around the border and a stride S give \
    (N − F + 2P)/S + 1 positions per side. The course's 7 × 7 input and 3 × 3 filter:
    """)
func outputSize(_ n: Int, _ f: Int, padding p: Int, stride s: Int) -> Double { Double(n - f + 2 * p) / Double(s) + 1 }
let sizes = [(1, 0), (2, 0), (3, 0), (1, 1)].map { s, p in (s, p, outputSize(7, 3, padding: p, stride: s)) }
notebook.table(["stride S", "padding P", "(N − F + 2P)/S + 1", "fits?"], sizes.map { s, p, size in
    [String(s), String(p), formatNumber(size == size.rounded() ? "%.0f" : "%.2f", size),
     size == size.rounded() ? "yes" : "no: Keras rounds down to 2 positions and ignores the last column"]
})
notebook.say("""
    Stride 3 gives 2.33: a 3 × 3 filter moved 3 at a time covers columns 1–3 and 4–6 and then runs out of \
    image at 7–9, so the sizes do not fit. Padding P = 1 with stride 1 keeps the output 7 × 7 ('same' padding).
    """)
notebook.record("outputSizes", sizes.map(\.2))

// MARK: - Pooling
notebook.section("Max pooling and average pooling")
let pooled: [[Double]] = [[5, 6, 7, 8], [2, 10, 4, 11], [7, 9, 3, 5], [8, 6, 7, 1]]
var maxPooled = [[Double]](repeating: [0, 0], count: 2), averagePooled = maxPooled
for i in 0..<2 {
    for j in 0..<2 {
        let window = (0..<2).flatMap { a in (0..<2).map { b in pooled[2 * i + a][2 * j + b] } }   // 2 × 2, stride 2
        maxPooled[i][j] = window.max()!
        averagePooled[i][j] = window.reduce(0, +) / 4
    }
}
notebook.show("the course's 4 × 4 input", Tensor(pooled))
notebook.show("max pooling 2 × 2, stride 2", Tensor(maxPooled))
notebook.show("average pooling 2 × 2, stride 2", Tensor(averagePooled))
var libraryPool = MaxPooling2D<Double>(size: 2)
let libraryPooled = libraryPool(Tensor(pooled).reshaped([1, 4, 4, 1])).scalars
notebook.say("""
    Each 2 × 2 window keeps its largest value (or its mean): a quarter of the numbers, the strongest \
    responses kept, and a small shift of the input changes little. The library's MaxPooling2D gives \
    \(libraryPooled.map { formatNumber("%g", $0) }.joined(separator: " ")).
    """)
notebook.record("maxPooled", maxPooled.flatMap { $0 })
notebook.record("averagePooled", averagePooled.flatMap { $0 })

// MARK: - Parameters
notebook.section("Counting parameters")
notebook.say("""
    A layer of k filters of m × n on d input channels has ((m · n · d) + 1) · k parameters (a bias per \
    filter), whatever the image size. VGG16's first layers (224 × 224 colour images):
    """)
let vgg: [(String, Int, Int, Int)] = [("block1_conv1", 3, 3, 64), ("block1_conv2", 3, 64, 64), ("block2_conv1", 3, 64, 128), ("block2_conv2", 3, 128, 128)]
var rng = notebook.rng
notebook.table(["layer", "filters", "((m · n · d) + 1) · k", "Conv2D's count"], vgg.map { name, size, d, k in
    let byFormula = (size * size * d + 1) * k
    let library = Conv2D<Float>(channels: d, filters: k, kernelSize: (size, size), padding: .same, using: &rng).trainableParameterCount
    return [name, "\(k) of \(size) × \(size) × \(d)", grouped(byFormula), grouped(library)]
})
notebook.say("""
    A dense layer from a 224 × 224 × 3 image to 64 units would need 9,633,856 parameters (224 · 224 · 3 · 64 = \
    9,633,792 weights and 64 biases); the convolution needs 1,792 (1,728 weights and 64 biases), because the same \
    3 × 3 × 3 weights are used at every position.
    """)
notebook.record("vggParameters", vgg.map { name, size, d, k in Double((size * size * d + 1) * k) })
// VGG16 whole: 13 convolutions of 3 × 3 (padding "same", so only the channels change) and three dense layers on
// the 7 × 7 × 512 output of the last pooling: (inputs + 1) · units each.
let vggConvolutions = [(3, 64), (64, 64), (64, 128), (128, 128), (128, 256), (256, 256), (256, 256),
                       (256, 512), (512, 512), (512, 512), (512, 512), (512, 512), (512, 512)]
let vggDense = [(7 * 7 * 512, 4096), (4096, 4096), (4096, 1000)]
let vggConvolutionTotal = vggConvolutions.map { d, k in (3 * 3 * d + 1) * k }.reduce(0, +)
let vggDenseTotal = vggDense.map { inputs, units in (inputs + 1) * units }.reduce(0, +)
notebook.say("""
    The whole VGG16, counted the same way: its 13 convolutions have \(grouped(vggConvolutionTotal)) parameters and \
    its three dense layers \(grouped(vggDenseTotal)), \(grouped(vggConvolutionTotal + vggDenseTotal)) in all (Keras's \
    summary says 138,357,544). \(Int((Double(vggDenseTotal) / Double(vggConvolutionTotal + vggDenseTotal) * 100).rounded())) % of \
    them sit in the dense layers, and the first of those alone, 7 · 7 · 512 inputs to 4,096 units, holds \
    \(grouped((7 * 7 * 512 + 1) * 4096)).
    """)
notebook.say("""
    MATH4750's motivation in the same arithmetic: a 140 × 100 colour image has 140 · 100 · 3 = \(grouped(140 * 100 * 3)) \
    inputs, and a dense layer of just 100 units on it needs \(grouped(140 * 100 * 3 * 100)) weights; every unit looks at every \
    pixel. A convolution looks at a neighbourhood and reuses its weights everywhere.
    """)
notebook.record("vgg16Total", vggConvolutionTotal + vggDenseTotal)
notebook.say("""
    The size of a convolution's output along one axis, for input width W, filter size F, stride S and padding P, \
    is (W − F + 2P)/S + 1. The usual settings (MATH4750), on W = 224:
    """)
let settingsRows: [(String, Int, Int, Int)] = [("3 × 3, keeps the size", 3, 1, 1), ("5 × 5, keeps the size", 5, 1, 2),
                                               ("3 × 3, no padding", 3, 1, 0), ("3 × 3, halves the size", 3, 2, 1),
                                               ("2 × 2 pooling", 2, 2, 0), ("7 × 7 stride 2 (ResNet's first layer)", 7, 2, 3)]
notebook.table(["setting", "F", "S", "P", "(224 − F + 2P)/S + 1"], settingsRows.map { name, f, stride, p in
    [name, String(f), String(stride), String(p), String((224 - f + 2 * p) / stride + 1)]
})

// MARK: - Backward passes
notebook.section("The backward passes, by hand")
notebook.say("For s[i, j] = Σ_{a,b} x[i + a, j + b] w[a, b] + bias and an upstream gradient g = ∂E/∂s:")
notebook.block("""
    ∂E/∂w[a, b] = Σ_{i,j} g[i, j] x[i + a, j + b]           the cross-correlation of the input with g
    ∂E/∂bias    = Σ_{i,j} g[i, j]
    ∂E/∂x[p, q] = Σ_{a,b} g[p − a, q − b] w[a, b]           the full convolution of g with the kernel (flipped)
    max pooling: ∂E/∂x = g at the position of each window's maximum, 0 elsewhere
    """)
let small = Tensor<Double>.normal([5, 5], using: &rng), kernel = Tensor<Double>.normal([3, 3], using: &rng)
let upstream = Tensor<Double>.normal([3, 3], using: &rng)      // a random ∂E/∂s, not all ones
var weightGradient = Tensor<Double>.zeros([3, 3]), inputGradient = Tensor<Double>.zeros([5, 5]), biasGradient = 0.0
for i in 0..<3 {
    for j in 0..<3 {
        biasGradient += upstream[i, j]
        for a in 0..<3 {
            for b in 0..<3 {
                weightGradient[a, b] += upstream[i, j] * small[i + a, j + b]    // ∂E/∂w[a, b] += g[i, j] x[i + a, j + b]
                inputGradient[i + a, j + b] += upstream[i, j] * kernel[a, b]     // ∂E/∂x[i + a, j + b] += g[i, j] w[a, b]
            }
        }
    }
}
var conv = Conv2D<Double>(weights: kernel.reshaped([3, 3, 1, 1]), bias: .zeros([1]))
var context = Context.inference   // forward with its cache, for the backward pass below
let (_, convCache) = conv.forward(small.reshaped([1, 5, 5, 1]), context: &context)
let libraryGradients = conv.backward(upstream.reshaped([1, 3, 3, 1]), cache: convCache)
let convDifference = max(abs(libraryGradients["weights"].reshaped([3, 3]) - weightGradient).max(),
                         abs(libraryGradients.inputGradient.reshaped([5, 5]) - inputGradient).max(),
                         abs(libraryGradients["bias"][0] - biasGradient))
/// E = Σ g ⊙ s(x, w): centred differences of it are the gradients above.
func convError(_ x: Tensor<Double>, _ w: Tensor<Double>) -> Double {
    var total = 0.0
    for i in 0..<3 { for j in 0..<3 {
        var s = 0.0
        for a in 0..<3 { for b in 0..<3 { s += x[i + a, j + b] * w[a, b] } }
        total += upstream[i, j] * s
    } }
    return total
}
var worst = 0.0
for (point, analytic, isWeight) in [(kernel, weightGradient, true), (small, inputGradient, false)] {
    for k in 0..<point.count {
        var plus = point, minus = point
        plus.withUnsafeMutableBufferPointer { $0[k] += 1e-6 }
        minus.withUnsafeMutableBufferPointer { $0[k] -= 1e-6 }
        let numeric = isWeight ? (convError(small, plus) - convError(small, minus)) / 2e-6 : (convError(plus, kernel) - convError(minus, kernel)) / 2e-6
        let exact = analytic.scalars[k]
        worst = max(worst, abs(numeric - exact) / max(abs(numeric) + abs(exact), 1e-12))
    }
}
notebook.table(["check", "largest difference"], [["loops vs Conv2D.backward (w, x, bias)", formatNumber("%.1e", convDifference)],
                                                 ["loops vs centred differences (relative)", formatNumber("%.1e", worst)]])
// Max pooling's backward: the gradient goes to each window's maximum.
let poolUpstream = Tensor<Double>.normal([2, 2], using: &rng)
var poolGradient = Tensor<Double>.zeros([4, 4])
for i in 0..<2 {
    for j in 0..<2 {
        let positions = (0..<2).flatMap { a in (0..<2).map { b in (2 * i + a, 2 * j + b) } }
        let (p, q) = positions.max { pooled[$0.0][$0.1] < pooled[$1.0][$1.1] }!
        poolGradient[p, q] += poolUpstream[i, j]
    }
}
let (_, poolCache) = libraryPool.forward(Tensor(pooled).reshaped([1, 4, 4, 1]), context: &context)
let libraryPoolGradient = libraryPool.backward(poolUpstream.reshaped([1, 2, 2, 1]), cache: poolCache).inputGradient.reshaped([4, 4])
notebook.show("max pooling's ∂E/∂x for a random g (nonzero only at 10, 11, 9, 7)", poolGradient)
notebook.say("""
    The loops agree with the library's backward passes (pooling: \(libraryPoolGradient.scalars == poolGradient.scalars ? "identical" : "DIFFERENT")), \
    and the convolution gradients with centred differences; every layer of Sources/Neural/Convolution.swift is \
    also gradient-checked in NeuralTests for several strides, paddings and odd sizes.
    """)
notebook.record("convBackwardDifference", convDifference)
notebook.record("convGradientCheck", worst)
notebook.record("poolBackwardIdentical", libraryPoolGradient.scalars == poolGradient.scalars)

// MARK: - CNN versus MLP
notebook.section("A small CNN against the MLP of lesson 07, over several seeds")
let trainCount = notebook.count(mnist.trainImages.shape[0], quick: 800)
let images = mnist.trainImages.rows(0 ..< trainCount) / 255
let labels = Tensor<Float>.oneHot(Array(mnist.trainLabels.prefix(trainCount)), classes: 10)
let testImages = mnist.testImages / 255, testLabels = Tensor<Float>.oneHot(mnist.testLabels, classes: 10)
let epochs = notebook.epochs(10, quick: 2)
let seeds = notebook.seeds(4, quick: 2)
/// The two networks, each from its own generator.
/// (Each layer's input size is inferred, as in Keras: the Dense layer after Flatten gets 13 · 13 · 32 = 5,408.)
func makeCNN(_ rng: inout SeededGenerator) -> Sequential<Float> {
    Sequential<Float>(inputShape: [28, 28, 1], name: "cnn", using: &rng) {
        Conv2D(filters: 32, activation: .relu)
        MaxPooling2D(size: 2)
        Flatten()
        Dense(units: 40, activation: .relu)
        Dense(units: 10, activation: .softmax)
    }
}
func makeMLP(_ rng: inout SeededGenerator) -> Sequential<Float> {
    Sequential<Float>(inputShape: [784], name: "mlp", using: &rng) {
        Dense(units: 256, activation: .relu)
        Dropout(rate: 0.4)
        Dense(units: 128, activation: .relu)
        Dropout(rate: 0.3)
        Dense(units: 10, activation: .softmax)
    }
}
var summaryRNG = SeededGenerator(seed: seeds[0])
notebook.say("""
    Conv 3 × 3 (32 filters, ReLU) → max pooling 2 × 2 → a dense layer of 40 → softmax, against lesson 07's \
    784-256-128-10 network with dropout, with about as many parameters. Both train on the first 80 % of \
    \(grouped(trainCount)) training images and are validated on the last 20 % after every epoch (Adam, batch 64), from \
    \(seeds.count) seeds; as lesson 09 teaches, the \(grouped(testLabels.shape[0])) test images are used once, at the end, \
    never to choose anything.
    """)
notebook.block(makeCNN(&summaryRNG).summary())
let adam = Adam<Float>()
notebook.settings(["epochs": epochs, "batch": 64, "optimizer": adam, "validation split": 0.2,
                   "seeds": seeds.map(String.init).joined(separator: ", ")])
let names = ["CNN", "MLP"]
let runs = notebook.repeated(seeds, over: [true, false]) { isCNN, seed in
    var rng = SeededGenerator(seed: seed)
    var model = isCNN ? makeCNN(&rng) : makeMLP(&rng)
    let x = isCNN ? images.reshaped([-1, 28, 28, 1]) : images, testX = isCNN ? testImages.reshaped([-1, 28, 28, 1]) : testImages
    let history = model.fit(x, labels, epochs: epochs, descent: .miniBatch(64), loss: CategoricalCrossentropy(), optimizer: adam,
                            metrics: [.accuracy], validation: .split(0.2), progress: .quiet, rng: &rng)
    let test = model.evaluate(testX, testLabels, loss: CategoricalCrossentropy(), metrics: [.accuracy])[.accuracy]!
    var record = ["valAccuracy": history[.validationAccuracy], "testAccuracy": [test], "parameters": [Double(model.parameterCount.total)]]
    if isCNN {
        let first = model.layer(0, as: Conv2D<Float>.self)
        (record["filterWeights"], record["filterBias"]) = (first.weights.scalars.map(Double.init), first.bias.scalars.map(Double.init))
    }
    return record
}
let parameters = runs.map { Int($0.values("parameters")[0][0]) }
let testAccuracy = runs.map { $0.spread("testAccuracy") }
notebook.table(["network", "parameters", "final val accuracy", "best val accuracy", "test accuracy (once, at the end)"], names.indices.map { i in
    [names[i], grouped(parameters[i]), runs[i].spread("valAccuracy").formatted(), runs[i].spread("valAccuracy") { $0.max()! }.formatted(),
     testAccuracy[i].formatted()]
})
// Multiply-adds per example: each filter at 26 · 26 positions, then the dense layers.
let cnnMultiplyAdds = 26 * 26 * 32 * 9 + 13 * 13 * 32 * 40 + 40 * 10, mlpMultiplyAdds = 784 * 256 + 256 * 128 + 128 * 10
let cnnVersusMLP = Comparison(testAccuracy[0], testAccuracy[1])
let cnnSummary = "With a similar number of parameters, " + cnnVersusMLP.sentence("the CNN", "the MLP", higher: "scores higher on the test set",
                                                                                  lower: "scores lower on the test set")
notebook.say(cnnSummary + " (one test image is \(formatNumber("%.4f", 1 / Double(testLabels.shape[0]))) of accuracy)"
    + (cnnVersusMLP.isClear && cnnVersusMLP.difference > 0
        ? ": its filters look at small neighbourhoods and are reused at every position, a prior that fits images. "
        : ". The CNN's filters look at small neighbourhoods and are reused at every position, a prior that fits images; on this small "
            + "subset and these few epochs that prior does not show beyond the seed-to-seed spread. ")
    + "It costs more computation per example: \(grouped(cnnMultiplyAdds)) multiply-adds in its forward pass against the MLP's "
    + "\(grouped(mlpMultiplyAdds)), \(formatNumber("%.1f", Double(cnnMultiplyAdds) / Double(mlpMultiplyAdds))) times as many, "
    + "\(Int((Double(26 * 26 * 32 * 9) / Double(cnnMultiplyAdds) * 100).rounded())) % of them in the 32 filters applied at "
    + "each of 676 positions.")
notebook.record("cnnSummary", cnnSummary)
notebook.record("cnnVersusMLP", cnnVersusMLP)
notebook.record("cnnTestAccuracy", testAccuracy[0].mean)
notebook.record("mlpTestAccuracy", testAccuracy[1].mean)
notebook.record("cnnParameters", parameters[0])

// MARK: - Figures
notebook.section("Figures")
func grid(_ t: Tensor<Double>) -> [[Double]] { (0..<t.shape[0]).map { i in (0..<t.shape[1]).map { t[i, $0] } } }
notebook.figure(Figure(name: "lesson14-digit", panels: [
    Panel(title: "the digit", heatmap: Heatmap(grid(Tensor<Double>(digit)), palette: .grayInverted, colorRange: 0...1, showColorBar: false),
          showGrid: false, equalAspect: true, hideAxes: true),
    Panel(title: "Sobel filter's feature map", heatmap: Heatmap(featureMap, palette: .blueRed, showColorBar: true),
          showGrid: false, equalAspect: true, hideAxes: true),
], width: 900, height: 420), caption: "a digit and its feature map under a left-to-right edge filter, computed with loops")
// The first seed's trained CNN's first layer, rebuilt from its recorded weights, without its ReLU: the maps keep their sign.
let firstLayer = Conv2D<Float>(weights: Tensor(shape: [3, 3, 1, 32], scalars: runs[0].values("filterWeights")[0].map(Float.init)),
                               bias: Tensor(shape: [32], scalars: runs[0].values("filterBias")[0].map(Float.init)))
let filters = firstLayer.weights
let shownFilters = 8
let maps = firstLayer(Tensor<Float>(digit).reshaped([1, 28, 28, 1]))
/// One symmetric scale per row (white is 0, red positive, blue negative) and its colour bar's three tics.
func symmetricScale(_ limit: Double) -> (range: ClosedRange<Double>, tics: [String]) {
    (-limit...limit, ["set cbtics (\"\(formatNumber("%.2f", -limit))\" \(-limit), \"0\" 0, \"\(formatNumber("%.2f", limit))\" \(limit))"])
}
let filterScale = symmetricScale(Double(abs(filters).max())), mapScale = symmetricScale(Double(abs(maps).max()))
let filterPanels = (0..<shownFilters).map { k in
    Panel(title: "filter \(k + 1)", heatmap: Heatmap((0..<3).map { a in (0..<3).map { b in Double(filters[at: [a, b, 0, k]]) } },
                                                     palette: .blueRed, colorRange: filterScale.range),
          showGrid: false, equalAspect: true, hideAxes: true, commands: filterScale.tics)
}
let mapPanels = (0..<shownFilters).map { k in
    Panel(title: "map \(k + 1)", heatmap: Heatmap((0..<26).map { i in (0..<26).map { j in Double(maps[at: [0, i, j, k]]) } },
                                                  palette: .blueRed, colorRange: mapScale.range),
          showGrid: false, equalAspect: true, hideAxes: true, commands: mapScale.tics)
}
notebook.figure(Figure(name: "lesson14-filters", title: "Learned 3 × 3 filters (top) and their feature maps of the digit (bottom, before the ReLU keeps the positive part)",
                       panels: filterPanels + mapPanels, layout: (2, shownFilters), width: 1600, height: 420),
                caption: "eight of the 32 learned filters and the feature maps they produce from the digit")
let axis = (1...epochs).map(Double.init)
notebook.figure(Figure(name: "lesson14-cnn-vs-mlp", panel: Panel(
    title: "MNIST subset: CNN versus MLP", xLabel: "epoch", yLabel: "validation accuracy",
    series: names.indices.flatMap { i -> [Series] in
        let curve = runs[i].curve("valAccuracy")
        return [Series.band(x: axis, spread: curve, color: seriesColors[i]),
                Series("\(names[i]) (\(grouped(parameters[i])) parameters)", x: axis, y: curve.map(\.mean), style: .linesPoints,
                       color: seriesColors[i], pointType: 7, pointSize: 0.8)]
    }, legend: .bottomRight)),
    caption: "validation accuracy per epoch of the small CNN and lesson 07's MLP; \(notebook.bandNote(runs[0]))", main: true)

notebook.finish()
