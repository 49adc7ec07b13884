/// Lesson 12 · Batch normalization by hand
///
/// The one concept: batch normalization standardizes each unit's signals over the examples
/// of a mini-batch (mean 0, variance 1), then lets the network scale and shift them back with
/// two learned parameters γ and β. This lesson writes the algorithm of Ioffe & Szegedy (2015)
/// line by line, derives and writes its backward pass, checks both, and only then uses the
/// library's `BatchNorm` (Sources/Neural/BatchNorm.swift) to train a network with it.
import Datasets
import Foundation
import Neural
import Notebook
import Plotting
import Tensors

let notebook = LessonNotebook(
    lesson: 12, title: "Batch normalization by hand", usesData: true,
    concept: "A unit's signals drift in scale and offset as the layers below it learn, and a learning rate that suits "
        + "one scale is too small or too large for another. Batch normalization standardizes each unit's signals over "
        + "the mini-batch, then applies a learned scale γ and shift β. In training it uses the batch's own mean and "
        + "variance; at inference, running averages of them collected during training.",
    formulas: ["μ_B = (1/m) Σ_i x_i                      mini-batch mean (per unit)",
               "σ²_B = (1/m) Σ_i (x_i − μ_B)²            mini-batch variance (biased: 1/m, as the paper and Keras)",
               "x̂_i = (x_i − μ_B) / √(σ²_B + ε)          normalize",
               "y_i = γ x̂_i + β                          scale and shift",
               "inference: μ, σ² ← running averages  μ_run ← 0.99 μ_run + 0.01 μ_B"])

let epsilon = 1e-3   // Keras's default ε (the library's too)

// MARK: - Forward by hand
notebook.section("The forward pass, line by line")
var rng = notebook.rng
let m = 6, units = 3
// A mini-batch of m examples (rows) of 3 units' signals, on deliberately different scales.
let x = Tensor<Double>.normal([m, units], using: &rng) * Tensor<Double>([0.5, 4, 20]) + Tensor<Double>([1, -3, 50])
let gamma = Tensor<Double>([1.5, 0.8, 1.0]), beta = Tensor<Double>([0.1, -0.2, 0.0])
notebook.say("""
    A mini-batch of \(m) examples of three units whose signals live on very different scales (around 1, −3 \
    and 50), with γ = (1.5, 0.8, 1) and β = (0.1, −0.2, 0):
    """)
notebook.show("x", x)

/// What the forward pass keeps for the backward pass.
struct BatchNormCache {
    var x: Tensor<Double>
    var mean: Tensor<Double>
    var variance: Tensor<Double>
    var normalized: Tensor<Double>
}
/// Batch normalization in training mode, unit by unit, as in the paper's Algorithm 1.
func batchNormForward(_ x: Tensor<Double>, gamma: Tensor<Double>, beta: Tensor<Double>) -> (output: Tensor<Double>, cache: BatchNormCache) {
    let m = x.shape[0], units = x.shape[1]
    var mean = Tensor<Double>.zeros([units]), variance = Tensor<Double>.zeros([units])
    var normalized = Tensor<Double>.zeros(x.shape), output = Tensor<Double>.zeros(x.shape)
    for j in 0..<units {
        // μ_B = (1/m) Σ_i x_i
        var sum = 0.0
        for i in 0..<m { sum += x[i, j] }
        mean[j] = sum / Double(m)
        // σ²_B = (1/m) Σ_i (x_i − μ_B)²
        var squares = 0.0
        for i in 0..<m { squares += (x[i, j] - mean[j]) * (x[i, j] - mean[j]) }
        variance[j] = squares / Double(m)
        for i in 0..<m {
            // x̂_i = (x_i − μ_B) / √(σ²_B + ε)
            normalized[i, j] = (x[i, j] - mean[j]) / (variance[j] + epsilon).squareRoot()
            // y_i = γ x̂_i + β
            output[i, j] = gamma[j] * normalized[i, j] + beta[j]
        }
    }
    return (output, BatchNormCache(x: x, mean: mean, variance: variance, normalized: normalized))
}
let (y, cache) = batchNormForward(x, gamma: gamma, beta: beta)
notebook.show("μ_B", cache.mean)
notebook.show("σ²_B", cache.variance)
notebook.show("x̂ = (x − μ_B) / √(σ²_B + ε)", cache.normalized)
notebook.show("mean of x̂ per unit", cache.normalized.mean(axis: 0))
notebook.show("variance of x̂ per unit (σ²/(σ² + ε): just under 1)", cache.normalized.variance(axis: 0))
notebook.show("y = γ x̂ + β", y)
notebook.say("""
    Whatever their scale before, the three units now have mean β and standard deviation about γ. If the \
    network needs the original scale back, it can learn γ = √(σ² + ε) and β = μ: normalization never takes away \
    what the layer could represent.
    """)

// MARK: - Backward by hand
notebook.section("The backward pass, derived step by step")
notebook.say("""
    Given ∂E/∂y for every example, the chain rule runs through the forward lines in reverse. The subtle part \
    is that μ_B and σ²_B depend on every x_i of the batch, so each x_i gets gradient through three paths: directly \
    through x̂_i, through σ²_B and through μ_B.
    """)
notebook.block("""
    ∂E/∂β      = Σ_i ∂E/∂y_i
    ∂E/∂γ      = Σ_i ∂E/∂y_i · x̂_i
    ∂E/∂x̂_i    = ∂E/∂y_i · γ
    ∂E/∂σ²_B   = Σ_i ∂E/∂x̂_i · (x_i − μ_B) · (−½) (σ²_B + ε)^(−3/2)
    ∂E/∂μ_B    = Σ_i ∂E/∂x̂_i · (−1 / √(σ²_B + ε))  +  ∂E/∂σ²_B · (−2/m) Σ_i (x_i − μ_B)
    ∂E/∂x_i    = ∂E/∂x̂_i / √(σ²_B + ε)  +  ∂E/∂σ²_B · 2 (x_i − μ_B) / m  +  ∂E/∂μ_B / m
    """)
notebook.say("""
    (The second term of ∂E/∂μ_B is 0, since the deviations from the mean sum to 0; it is kept in the code to \
    follow the derivation.)
    """)
/// The gradients of batch normalization in training mode: ∂E/∂x, ∂E/∂γ, ∂E/∂β.
func batchNormBackward(_ dy: Tensor<Double>, gamma: Tensor<Double>, cache: BatchNormCache)
    -> (inputGradient: Tensor<Double>, gamma: Tensor<Double>, beta: Tensor<Double>) {
    let m = dy.shape[0], units = dy.shape[1]
    var dx = Tensor<Double>.zeros(dy.shape), dGamma = Tensor<Double>.zeros([units]), dBeta = Tensor<Double>.zeros([units])
    for j in 0..<units {
        let deviation = (0..<m).map { cache.x[$0, j] - cache.mean[j] }          // x_i − μ_B
        let inverseStd = 1 / (cache.variance[j] + epsilon).squareRoot()         // 1 / √(σ²_B + ε)
        var dNormalized = [Double](repeating: 0, count: m)
        for i in 0..<m {
            dBeta[j] += dy[i, j]                                                // ∂E/∂β = Σ_i ∂E/∂y_i
            dGamma[j] += dy[i, j] * cache.normalized[i, j]                      // ∂E/∂γ = Σ_i ∂E/∂y_i x̂_i
            dNormalized[i] = dy[i, j] * gamma[j]                                // ∂E/∂x̂_i = ∂E/∂y_i γ
        }
        // ∂E/∂σ²_B = Σ_i ∂E/∂x̂_i (x_i − μ_B) (−½)(σ²_B + ε)^(−3/2)
        var dVariance = 0.0
        for i in 0..<m { dVariance += dNormalized[i] * deviation[i] * -0.5 * inverseStd * inverseStd * inverseStd }
        // ∂E/∂μ_B = Σ_i ∂E/∂x̂_i (−1/√(σ²_B + ε)) + ∂E/∂σ²_B (−2/m) Σ_i (x_i − μ_B)
        var dMean = 0.0
        for i in 0..<m { dMean += -dNormalized[i] * inverseStd }
        dMean += dVariance * -2 / Double(m) * deviation.reduce(0, +)
        // ∂E/∂x_i = ∂E/∂x̂_i / √(σ²_B + ε) + ∂E/∂σ²_B · 2(x_i − μ_B)/m + ∂E/∂μ_B / m
        for i in 0..<m {
            dx[i, j] = dNormalized[i] * inverseStd + dVariance * 2 * deviation[i] / Double(m) + dMean / Double(m)
        }
    }
    return (dx, dGamma, dBeta)
}
let upstream = Tensor<Double>.normal([m, units], using: &rng)    // a random ∂E/∂y, not all ones
let gradients = batchNormBackward(upstream, gamma: gamma, cache: cache)
notebook.show("∂E/∂y (random)", upstream)
notebook.show("∂E/∂x", gradients.inputGradient)
notebook.show("∂E/∂γ", gradients.gamma)
notebook.show("∂E/∂β", gradients.beta)
let inputGradientSums = gradients.inputGradient.sum(axis: 0)
notebook.show("Σ_i ∂E/∂x_i per unit", inputGradientSums)
notebook.say("""
    The input gradients of each unit sum to 0 (to rounding): adding a constant to every x_i changes nothing \
    after normalization. So a bias in the layer just before batch normalization gets a zero gradient and never \
    learns; β does its job.
    """)
notebook.record("inputGradientSumMax", abs(inputGradientSums).max())

// MARK: - Checks
notebook.section("Checked against finite differences and against the library")
/// E = Σ ∂E/∂y ⊙ y(x, γ, β): its derivatives are exactly the gradients above.
func error(_ x: Tensor<Double>, _ gamma: Tensor<Double>, _ beta: Tensor<Double>) -> Double {
    (upstream * batchNormForward(x, gamma: gamma, beta: beta).output).sum()
}
/// The largest relative error between centred differences and `analytic` over every element of `point`.
func worstRelativeError(_ point: Tensor<Double>, _ analytic: Tensor<Double>, _ f: (Tensor<Double>) -> Double) -> Double {
    let h = 1e-5
    var worst = 0.0
    for k in 0..<point.count {
        var plus = point, minus = point
        plus.withUnsafeMutableBufferPointer { $0[k] += h }
        minus.withUnsafeMutableBufferPointer { $0[k] -= h }
        let numeric = (f(plus) - f(minus)) / (2 * h)
        let exact = analytic.scalars[k]
        worst = max(worst, abs(numeric - exact) / max(abs(numeric) + abs(exact), 1e-10))
    }
    return worst
}
let checks = [("∂E/∂x", worstRelativeError(x, gradients.inputGradient) { error($0, gamma, beta) }),
              ("∂E/∂γ", worstRelativeError(gamma, gradients.gamma) { error(x, $0, beta) }),
              ("∂E/∂β", worstRelativeError(beta, gradients.beta) { error(x, gamma, $0) })]
var library = BatchNorm<Double>(features: units, epsilon: epsilon)
library.gamma = gamma
library.beta = beta
var trainingContext = Context(mode: .training, rng: SeededGenerator(seed: 0))
let (libraryOutput, libraryCache) = library.forward(x, context: &trainingContext)
let libraryGradients = library.backward(upstream, cache: libraryCache)
let libraryDifferences = [abs(libraryOutput - y).max(), abs(libraryGradients.inputGradient - gradients.inputGradient).max(),
                          abs(libraryGradients["gamma"] - gradients.gamma).max(), abs(libraryGradients["beta"] - gradients.beta).max()]
notebook.table(["gradient", "largest relative error vs centred differences"], checks.map { [$0.0, formatNumber("%.1e", $0.1)] })
notebook.say("Expect around 1e-9 or less: centred differences are accurate to about h² and to rounding over h.")
notebook.table(["", "largest |by hand − library|"], zip(["y", "∂E/∂x", "∂E/∂γ", "∂E/∂β"], libraryDifferences).map { [$0, formatNumber("%.1e", $1)] })
notebook.say("""
    The library computes ∂E/∂x with the three paths collected into one expression, \
    (1/m)/√(σ² + ε) · (m ∂E/∂x̂_i − Σ_k ∂E/∂x̂_k − x̂_i Σ_k ∂E/∂x̂_k x̂_k), so it agrees to rounding, not bit for bit.
    """)
notebook.record("gradientCheckMaxRelativeError", checks.map(\.1).max()!)
notebook.record("libraryMaxDifference", libraryDifferences.max()!)

// MARK: - Training and inference
notebook.section("Running averages, and why training and inference outputs differ")
notebook.say("""
    At inference a prediction must not depend on which other examples share its batch (there may be just one), \
    so the batch statistics are replaced by running averages collected during training: after each training batch, \
    μ_run ← 0.99 μ_run + 0.01 μ_B and σ²_run ← 0.99 σ²_run + 0.01 σ²_B, starting from μ_run = 0, σ²_run = 1.
    """)
var runningMean = Tensor<Double>.zeros([units]), runningVariance = Tensor<Double>.ones([units])
var layer = BatchNorm<Double>(features: units, epsilon: epsilon)
layer.gamma = gamma
layer.beta = beta
var rows: [[String]] = []
/// The largest |inference − training| output on x after each row's number of batches.
var gaps: [Double] = []
var batchesSeen = 0
for target in [0, 1, 10, 100, 1000] {
    while batchesSeen < target {
        // A fresh batch of the same kind of data, through the library's layer in training mode.
        let batch = Tensor<Double>.normal([m, units], using: &rng) * Tensor<Double>([0.5, 4, 20]) + Tensor<Double>([1, -3, 50])
        _ = layer.forward(batch, context: &trainingContext)
        let statistics = batchNormForward(batch, gamma: gamma, beta: beta).cache
        runningMean = 0.99 * runningMean + 0.01 * statistics.mean               // μ_run ← 0.99 μ_run + 0.01 μ_B
        runningVariance = 0.99 * runningVariance + 0.01 * statistics.variance   // σ²_run ← 0.99 σ²_run + 0.01 σ²_B
        batchesSeen += 1
    }
    var inferenceContext = Context.inference
    let inferenceOutput = layer.forward(x, context: &inferenceContext).output
    gaps.append(abs(inferenceOutput - y).max())
    rows.append([grouped(batchesSeen), formatNumber("%.3f", runningMean[2]), formatNumber("%.2f", runningVariance[2]),
                 formatNumber("%.3f", layer.runningMean[2]), formatNumber("%.4f", gaps.last!)])
    if target == 1000 {
        notebook.record("runningMeanDifference", abs(layer.runningMean - runningMean).max())
        notebook.record("trainingVersusInferenceAfter1000", gaps.last!)
    }
    if target == 0 { notebook.record("trainingVersusInferenceAtStart", gaps.last!) }
}
notebook.table(["training batches seen", "μ_run of unit 3 (by hand)", "σ²_run of unit 3 (by hand)", "library's μ_run",
                "largest |inference − training| output on x"], rows)
/// The largest |inference − training| output on a fresh batch of `size` examples of the same data, for a layer whose
/// running averages were collected from 1,000 batches of that size.
func settledGap(batchSize size: Int) -> Double {
    var settled = BatchNorm<Double>(features: units, epsilon: epsilon)
    (settled.gamma, settled.beta) = (gamma, beta)
    var context = Context(mode: .training, rng: SeededGenerator(seed: 0))
    var dataRNG = SeededGenerator(seed: notebook.seed &+ UInt64(size))
    let draw = { (rng: inout SeededGenerator) in
        Tensor<Double>.normal([size, units], using: &rng) * Tensor<Double>([0.5, 4, 20]) + Tensor<Double>([1, -3, 50])
    }
    for _ in 0..<1000 { _ = settled.forward(draw(&dataRNG), context: &context) }
    let fresh = draw(&dataRNG)
    var inference = Context.inference
    return abs(settled.forward(fresh, context: &inference).output - batchNormForward(fresh, gamma: gamma, beta: beta).output).max()
}
let gapAtStart = gaps.first!, gapAfter = gaps.last!
let gap128 = settledGap(batchSize: 128)
notebook.say("""
    Unit 3's signals have standard deviation 20, variance 400; its running variance settles near 333 = \
    400 · 5/6, because the biased variance of m = 6 examples is on average (m − 1)/m of the true one. \
    Before any training batch, inference mode normalizes with μ = 0 and σ² = 1, so its outputs on x are far \
    from the training-mode outputs (unit 3's signals are around 50): the largest difference is \(formatNumber("%.1f", gapAtStart)). \
    As the running averages approach the data's mean and variance it falls to \(formatNumber("%.2f", gapAfter)) and levels there, \
    for training-mode outputs between \(formatNumber("%.2f", y.min())) and \(formatNumber("%.2f", y.max())): with m = 6 the two modes \
    do not come close. Both causes are the tiny batch. In training mode x is normalized by its own six examples' mean and \
    variance, and a 6-example mean is typically off by σ/√6, 0.41 σ; and the running variance averages the biased 6-example \
    variances, 5/6 of the true one. With batches of 128, as in the MNIST runs below, the same layer after 1,000 batches \
    differs between the modes by at most \(formatNumber("%.2f", gap128)) on a fresh batch. The batch-to-batch noise of \
    training mode is also a mild regularizer.
    """)
notebook.record("trainingVersusInferenceBatch128", gap128)
let oneExample = x.rows(0 ..< 1)
// The other examples drawn from the same distribution as x (the batch changes, not the data).
let otherBatch = Tensor.concatenate([oneExample,
                                     Tensor<Double>.normal([m - 1, units], using: &rng) * Tensor<Double>([0.5, 4, 20]) + Tensor<Double>([1, -3, 50])],
                                    axis: 0)
let firstInBatch = batchNormForward(x, gamma: gamma, beta: beta).output.rows(0 ..< 1)
let firstInOtherBatch = batchNormForward(otherBatch, gamma: gamma, beta: beta).output.rows(0 ..< 1)
notebook.say("""
    In training mode an example's output depends on the rest of its batch: example 1 of x, normalized in x and \
    in another batch of five other examples drawn from the same distribution:
    """)
notebook.show("training mode, example 1 in its batch", firstInBatch)
notebook.show("training mode, the same example in another batch", firstInOtherBatch)

// MARK: - MNIST with and without batch normalization
notebook.section("Training with batch normalization: MNIST, over several seeds")
let (mnist, note) = notebook.require { try MNIST.load(requested: notebook.options.data) }
if let note { notebook.say(note) }
let trainCount = notebook.count(mnist.trainImages.shape[0], quick: 1000)
let trainX = mnist.trainImages.rows(0 ..< trainCount) / 255
let trainY = Tensor<Float>.oneHot(Array(mnist.trainLabels.prefix(trainCount)), classes: 10)
let testCount = notebook.count(mnist.testImages.shape[0], quick: 500)
let testPixels = mnist.testImages.rows(0 ..< testCount)
let testY = Tensor<Float>.oneHot(Array(mnist.testLabels.prefix(testCount)), classes: 10)
let epochs = notebook.epochs(20, quick: 4)
let seeds = notebook.seeds()
/// The optimizer of both networks, stated once: the settings line prints this value.
let optimizer = SGD<Float>(learningRate: .constant(0.01))
notebook.say("""
    The course's model shape, Dense → BatchNorm → ReLU → Dropout, twice, then the softmax output, against the \
    same network without the two BatchNorm layers (ReLU in the Dense layers instead: dropout alone). Both are trained with \
    \(optimizer), a learning rate at which the plain network learns slowly, on \(grouped(trainCount)) images (the last 20 % \
    for validation), from \(seeds.count) seeds; for a seed both start from the same weights and see the same batches \
    (lesson 10 explains the rule that calls two settings different).
    """)
notebook.settings(["epochs": epochs, "batch": 128, "optimizer": optimizer, "dropout": 0.3,
                   "seeds": seeds.map(String.init).joined(separator: ", ")])
func makeNetwork(batchNormalization: Bool, seed: UInt64) -> Sequential<Float> {
    var initRNG = SeededGenerator(seed: seed)
    let hidden = [256, 128]
    var layers: [any Layer<Float>] = []
    var inputs = 784
    for units in hidden {
        if batchNormalization {
            layers += [Dense<Float>(inputs: inputs, units: units, using: &initRNG), BatchNorm<Float>(features: units),
                       ActivationLayer<Float>(.relu), Dropout<Float>(rate: 0.3)]
        } else {
            layers += [Dense<Float>(inputs: inputs, units: units, activation: .relu, using: &initRNG), Dropout<Float>(rate: 0.3)]
        }
        inputs = units
    }
    layers.append(Dense<Float>(inputs: inputs, units: 10, activation: .softmax, using: &initRNG))
    return Sequential(inputShape: [784], layers: layers, name: batchNormalization ? "with_batchnorm" : "without_batchnorm")
}
notebook.block(makeNetwork(batchNormalization: true, seed: seeds[0]).summary())
/// The inputs of the second hidden layer's ReLU for a fixed set of images, as training computes them: the
/// BatchNorm layers normalize with the 500 images' own statistics (training mode), dropout is left out.
let probe = trainX.rows(0 ..< min(500, trainCount))
func secondPreActivation(_ network: Sequential<Float>) -> [Float] {
    let withBN = network.layers.contains { $0 is BatchNorm<Float> }
    // Up to and including the second BatchNorm (layers 0…5), or the second Dense (layers 0…2, whose ReLU is inside it).
    var upTo = Sequential<Float>(inputShape: [784], layers: Array(network.layers.prefix(withBN ? 6 : 3)).filter { !($0 is Dropout<Float>) })
    if !withBN, var dense = upTo.layers.last as? Dense<Float> {
        dense.activation = .identity
        upTo.layers[upTo.layers.count - 1] = dense
    }
    var context = Context(mode: .training, rng: SeededGenerator(seed: 0))
    return upTo.forward(probe, context: &context).output.scalars
}
let names = ["without", "with BatchNorm"]
let runs = notebook.repeated(seeds, over: [false, true]) { batchNormalization, seed in
    var network = makeNetwork(batchNormalization: batchNormalization, seed: seed)
    var rng = SeededGenerator(seed: seed &+ 1)
    var preMean: [Double] = [], preLow: [Double] = [], preHigh: [Double] = []
    let history = network.fit(trainX, trainY, epochs: epochs, descent: .miniBatch(128), loss: CategoricalCrossentropy(),
                              optimizer: optimizer, metrics: [.accuracy], validation: .split(0.2),
                              progress: .quiet, callbacks: Callbacks(onEpoch: { event in
                                  let values = secondPreActivation(event.network).sorted()
                                  preMean.append(Double(values.reduce(0, +)) / Double(values.count))
                                  preLow.append(Double(values[values.count / 10]))
                                  preHigh.append(Double(values[values.count * 9 / 10]))
                              }), rng: &rng)
    // The test set judged once, with its pixels scaled as in training (÷ 255) and, as a mistake would, left at 0–255.
    let scaled = network.evaluate(testPixels / 255, testY, loss: CategoricalCrossentropy(), metrics: [.accuracy])
    let unscaled = network.evaluate(testPixels, testY, loss: CategoricalCrossentropy(), metrics: [.accuracy])
    return ["loss": history[.loss], "valAccuracy": history[.validationAccuracy], "preMean": preMean, "preLow": preLow, "preHigh": preHigh,
            "testAccuracy": [scaled[.accuracy]!], "testLoss": [scaled[.loss]!],
            "unscaledAccuracy": [unscaled[.accuracy]!], "unscaledLoss": [unscaled[.loss]!]]
}
let meanLoss = runs.map { $0.curve("loss") }, meanAccuracy = runs.map { $0.curve("valAccuracy") }
notebook.table(["epoch", "loss without", "val accuracy without", "loss with BN", "val accuracy with BN"], (0..<epochs).map { e in
    [String(e + 1), meanLoss[0][e].formatted(), meanAccuracy[0][e].formatted(), meanLoss[1][e].formatted(), meanAccuracy[1][e].formatted()]
})
let finalAccuracy = runs.map { $0.spread("valAccuracy") }
let batchNormEffect = Comparison(finalAccuracy[1], finalAccuracy[0])
let finalWithout = finalAccuracy[0].mean
let epochReached = meanAccuracy[1].firstIndex { $0.mean >= finalWithout }.map { $0 + 1 }
let bnSummary = batchNormEffect.statement("the validation accuracy after \(epochs) epochs", "with batch normalization", "without")
notebook.say(bnSummary + (epochReached.map { "; on average the network with it passed the plain network's final accuracy at epoch \($0)." } ?? ".")
    + (batchNormEffect.isClear && batchNormEffect.difference > 0
        ? " At this small learning rate the normalized signals let the same η make larger, better-scaled progress." : ""))
notebook.record("bnSummary", bnSummary)
notebook.record("bnEffect", batchNormEffect)
notebook.record("finalValidationAccuracy.without", finalAccuracy[0].mean)
notebook.record("finalValidationAccuracy.with", finalAccuracy[1].mean)
let firstRun = runs.map { $0.runs[0] }
notebook.say("""
    The second hidden layer's pre-activations (the inputs of its ReLU) on 500 fixed images after each epoch, as \
    training computes them (training mode: batch normalization uses these 500 images' statistics; dropout left out), \
    for the first seed: their mean and the range of the middle 80 %.
    """)
notebook.table(["epoch", "without: mean", "without: 10 %–90 %", "with BN: mean", "with BN: 10 %–90 %"], (0..<epochs).map { e in
    [String(e + 1)] + firstRun.flatMap { run in
        [formatNumber("%.3f", run["preMean"]![e]), formatNumber("%.2f", run["preLow"]![e]) + " … " + formatNumber("%.2f", run["preHigh"]![e])]
    }
})
let drift = runs.map { $0.spread("preMean") { $0.last! - $0.first! } }
notebook.say("""
    Over the seeds, the mean of these pre-activations moves by \(drift[0].formatted("%+.3f")) over the \(epochs) epochs \
    without batch normalization, and the distribution grows lopsided as the first layer learns; with it the mean moves by \
    \(drift[1].formatted("%+.3f")): in training mode it is exactly the mean of β over the units, which starts at 0 and moves \
    only as far as the network learns to move it. The spread with batch normalization follows γ, which the network learns. \
    This drift of a layer's inputs while the layers before it learn is what Ioffe and Szegedy (2015) called internal \
    covariate shift, and batch normalization was proposed to remove it. Later work (Santurkar et al., 2018) found that \
    removing the shift is not what makes it work: networks with noise injected after their BatchNorm layers train as well, \
    and the gain comes from a smoother loss surface, on which larger steps are safe, as here with a small η.
    """)
notebook.record("preActivationMeanDrift", drift.map(\.mean))

// MARK: - A test loss of 232
notebook.section("The course's puzzle: a test loss of 232.5")
let lossCeiling = -log(1e-7)   // the largest cross-entropy of one example: probabilities are clipped to [1e−7, 1 − 1e−7]
notebook.say("""
    In the course's run (W4995, lecture 8) the network with batch normalization scored 0.872 test accuracy with a \
    test loss of 232.5, while dropout alone scored 0.953 with 24.0. Those losses cannot be the mean categorical \
    cross-entropy of softmax outputs: Keras, like this library (Sources/Neural/Loss.swift), clips each probability to \
    [1e−7, 1 − 1e−7], so one example costs at most −ln 1e−7 = \(formatNumber("%.2f", lossCeiling)), and so does the mean. \
    Something else must be in those numbers (a weight penalty added to the loss, or outputs that were not probabilities). \
    What a lower accuracy with batch normalization and a much larger test loss for both usually means is test inputs \
    scaled unlike the training inputs, for example test pixels left at 0–255 while training pixels were divided by 255. \
    That mistake, reproduced: both networks of each seed judged once on \(grouped(testCount)) test images, scaled and unscaled:
    """)
let testRows: [[String]] = names.indices.map { i in
    [names[i], runs[i].spread("testAccuracy").formatted(), runs[i].spread("testLoss").formatted(),
     runs[i].spread("unscaledAccuracy").formatted(), runs[i].spread("unscaledLoss").formatted()]
}
notebook.table(["network", "test accuracy", "test loss", "accuracy, pixels 0–255", "loss, pixels 0–255"], testRows)
let unscaledLoss = runs.map { $0.spread("unscaledLoss") }, unscaledAccuracy = runs.map { $0.spread("unscaledAccuracy") }
let scaledLoss = runs.map { $0.spread("testLoss") }
let accuracyDrop = names.indices.map { Comparison(unscaledAccuracy[$0], runs[$0].spread("testAccuracy")) }
notebook.say("Unscaled, the test loss grows \(formatNumber("%.1f", unscaledLoss[0].mean / scaledLoss[0].mean)) times without batch "
    + "normalization and \(formatNumber("%.1f", unscaledLoss[1].mean / scaledLoss[1].mean)) times with it. Without it, the network is "
    + "ReLU layers with small biases, nearly positively homogeneous: inputs 255 times larger give logits about 255 times "
    + "larger, the same largest logit; measured, "
    + accuracyDrop[0].sentence("the accuracy on unscaled pixels", "on scaled ones", higher: "is higher", lower: "is lower")
    + ", while every mistake becomes extremely confident. With it, inference normalizes with the running mean and variance "
    + "of the training pixels, (x − μ_run)/σ_run, which is no longer a mere scaling, and "
    + accuracyDrop[1].sentence("the accuracy on unscaled pixels", "on scaled ones", higher: "is higher", lower: "is lower")
    + ". The pattern of the course's numbers, reproduced; the size of its losses, not. The remedy is the lesson-08 rule: "
    + "transform the test data with the training data's preprocessing.")
notebook.record("unscaledTestLoss", unscaledLoss.map(\.mean))
notebook.record("unscaledTestAccuracy", unscaledAccuracy.map(\.mean))
notebook.record("testAccuracy", runs.map { $0.spread("testAccuracy").mean })
notebook.record("lossCeiling", lossCeiling)

// MARK: - Figures
notebook.section("Figures")
let epochAxis = (1...epochs).map(Double.init)
/// The mean curve of `name` over the seeds, with the band of their lowest and highest.
func banded(_ name: String, _ i: Int) -> [Series] {
    let curve = runs[i].curve(name)
    return [Series.band(x: epochAxis, spread: curve, color: seriesColors[i]),
            Series(names[i], x: epochAxis, y: curve.map(\.mean), style: .linesPoints, color: seriesColors[i], pointType: 7, pointSize: 0.8)]
}
notebook.figure(Figure(name: "lesson12-training", panels: [
    Panel(title: "Training loss", xLabel: "epoch", yLabel: "loss", series: names.indices.flatMap { banded("loss", $0) }),
    Panel(title: "Validation accuracy", xLabel: "epoch", yLabel: "accuracy", series: names.indices.flatMap { banded("valAccuracy", $0) },
          legend: .bottomRight),
], width: 1100, height: 450), caption: "MNIST with plain SGD (η = 0.01), with and without batch normalization; \(notebook.bandNote(runs[0]))",
                main: true)
let spreadLimit = firstRun.flatMap { ($0["preLow"]! + $0["preHigh"]!).map(abs) }.max()! * 1.1
notebook.figure(Figure(name: "lesson12-preactivations", title: "Second hidden layer's pre-activations per epoch (training mode, seed \(seeds[0])): mean and middle 80 %",
                       panels: names.indices.map { i in
    Panel(title: names[i], xLabel: "epoch", yLabel: "pre-activation", yRange: -spreadLimit...spreadLimit,
          series: [Series.band("10 %–90 %", x: epochAxis, lower: firstRun[i]["preLow"]!, upper: firstRun[i]["preHigh"]!, color: seriesColors[i]),
                   Series("mean", x: epochAxis, y: firstRun[i]["preMean"]!, style: .linesPoints, color: seriesColors[i], pointType: 7, pointSize: 0.8)],
          legend: .topLeft)
}, width: 1100, height: 450), caption: "the distribution of a hidden layer's pre-activations per epoch, without and with batch normalization")

notebook.finish()
