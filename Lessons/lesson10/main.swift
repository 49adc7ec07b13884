/// Lesson 10 · Weight regularization
///
/// The one concept: adding a penalty on the size of the weights to the error makes a network
/// prefer simple explanations, and so overfit less. L2 (weight decay) shrinks every weight a
/// little at each update; L1 pushes each weight towards 0 by a constant amount and makes many
/// of them 0. The penalties are `Regularizer` in Sources/Neural/Dense.swift (Keras's
/// `kernel_regularizer`), added to the error by the network and to ∂E/∂w by `Dense.backward`.
import Datasets
import Foundation
import Neural
import Notebook
import Plotting
import Tensors

let notebook = LessonNotebook(
    lesson: 10, title: "Weight regularization", usesData: true,
    concept: "A network with many parameters can fit its training data in many ways; the penalty Ω(w) added to the "
        + "error makes it choose one with small weights, which depends less on the particular training examples. "
        + "L2 adds λ Σ w² and turns the update rule into weight decay; L1 adds λ Σ |w| and drives weights to exactly 0.",
    formulas: ["L2:     E_reg(w) = E(w) + λ Σ w²        ∂E_reg/∂w = ∂E/∂w + 2λw",
               "        w ← w − η (∂E/∂w + 2λw) = (1 − 2ηλ) w − η ∂E/∂w           (weight decay)",
               "L1:     E_reg(w) = E(w) + λ Σ |w|       ∂E_reg/∂w = ∂E/∂w + λ sign(w)",
               "L1+L2:  E_reg(w) = E(w) + λ₁ Σ |w| + λ₂ Σ w²"])

// MARK: - L2 and weight decay
notebook.section("L2: what it adds to the error and to the update rule")
notebook.say("""
    The idea behind every penalty here is Occam's razor: of two explanations that fit the data equally well, \
    prefer the simpler one. A network whose weights are small, or mostly zero, computes a simpler function of its \
    inputs than one with large weights: it cannot turn a tiny change in one word into a large change in its output. \
    A penalty on the weights makes the optimizer pay for that complexity, so it buys only the complexity that \
    lowers the error by more than it costs (λ sets the price).
    """)
notebook.say("""
    Keras's regularizer_l2(λ) adds λ times the sum of the squared weights of a layer to the error (not λ times \
    the weights, as a slide of the course puts it: the penalty is the square). The bias is not penalized. Its \
    derivative is 2λw, so the gradient descent step becomes
    """)
notebook.block("""
    w ← w − η ∂E_reg/∂w
      = w − η (∂E/∂w + 2λw)
      = (1 − 2ηλ) w − η ∂E/∂w
    """)
notebook.say("""
    Before the usual step, every weight is multiplied by 1 − 2ηλ, slightly less than 1: the weights decay \
    towards 0 unless the data keeps pushing them up. Checked numerically on a small layer (Double): one SGD step of \
    the library with .l2(λ) on the layer, against the weight-decay formula applied by hand to the gradient of the \
    unpenalized error.
    """)
var rng = notebook.rng
let lambda = 0.01, eta = 0.1
let x = Tensor<Double>.normal([8, 5], using: &rng)
let y = Tensor<Double>(shape: [8, 1], scalars: (0..<8).map { Double($0 % 2) })
let plainLayer = Dense<Double>(inputs: 5, units: 1, activation: .sigmoid, using: &rng)
var penalized = plainLayer
penalized.regularizer = .l2(lambda)
/// ∂E/∂w of a one-layer network (E = binary cross-entropy, plus its layer's penalty).
func weightGradient(_ layer: Dense<Double>) -> Tensor<Double> {
    var network = Sequential<Double>(inputShape: [5], layers: [layer])
    var context = Context(mode: .training, rng: SeededGenerator(seed: 0))
    let (output, caches) = network.forward(x, context: &context)
    return network.backward(output: output, target: y, loss: BinaryCrossentropy(), caches: caches)[0][0]
}
let libraryStep = SGD<Double>(learningRate: .constant(eta)).update(penalized.weights, gradient: weightGradient(penalized), state: nil, step: 1).parameter
// w ← (1 − 2ηλ) w − η ∂E/∂w, by hand
let decayStep = (1 - 2 * eta * lambda) * plainLayer.weights - eta * weightGradient(plainLayer)
let decayDifference = abs(libraryStep - decayStep).max()
notebook.settings(["λ": lambda, "η": eta, "decay factor 1 − 2ηλ": 1 - 2 * eta * lambda])
notebook.table(["weight", "w", "library step with .l2(λ)", "(1 − 2ηλ) w − η ∂E/∂w"], (0..<5).map { i in
    ["w\(i + 1)", formatNumber("%.8f", plainLayer.weights[i, 0]), formatNumber("%.8f", libraryStep[i, 0]), formatNumber("%.8f", decayStep[i, 0])]
})
notebook.show("largest difference", formatNumber("%.1e", decayDifference))
notebook.record("weightDecayMaxDifference", decayDifference)

// MARK: - L1
notebook.section("L1: a constant push towards 0, and exact zeros")
notebook.say("""
    L1 adds λ Σ |w|. Its derivative is λ sign(w): the same push towards 0 for a weight of 0.001 as for a weight \
    of 10, where L2's push 2λw fades as the weight shrinks. The difference shows in the minimum of one weight's \
    error. Take the simplest error, ½(w − a)², whose minimum without a penalty is w = a:
    """)
notebook.block("""
    L2:  minimize ½(w − a)² + λw²     →  w* = a / (1 + 2λ)                 never exactly 0 unless a = 0
    L1:  minimize ½(w − a)² + λ|w|    →  w* = sign(a) · max(|a| − λ, 0)    exactly 0 whenever |a| ≤ λ
    """)
let l1Lambda = 0.5
notebook.table(["a (unpenalized minimum)", "w* with L2 (λ = 0.5)", "w* with L1 (λ = 0.5)"], [2.0, 1.0, 0.6, 0.4, 0.1, -0.3, -1.5].map { a in
    [formatNumber("%.2f", a), formatNumber("%.4f", a / (1 + 2 * l1Lambda)),
     formatNumber("%.4f", (a > 0 ? 1 : -1) * max(abs(a) - l1Lambda, 0))]
})
notebook.say("""
    L2 scales every weight down by the same factor; L1 subtracts a fixed amount and sets to exactly 0 every \
    weight whose data-driven value is smaller than λ: a built-in feature selection. One caution about the code: \
    gradient descent takes steps of λ sign(w) and so steps over 0 and back rather than landing on it, so after \
    training with L1 the weights that 'should' be 0 sit within about a step size of 0 (the figure counts them); \
    solvers that produce exact zeros use the formula above (soft thresholding) as their update.
    """)

// MARK: - L1 + L2
notebook.section("L1 and L2 together")
notebook.say("""
    Keras's regularizer_l1_l2(l1, l2) adds both: λ₁ Σ |w| + λ₂ Σ w², gradient λ₁ sign(w) + 2λ₂ w (the elastic \
    net of statistics). On a small weight matrix:
    """)
let w = Tensor<Double>([[0.5, -0.2], [0.0, 1.5]])
let elastic = Regularizer.l1l2(l1: 0.001, l2: 0.001)
notebook.show("w", w)
notebook.show("Ω(w) = 0.001 · (0.5 + 0.2 + 0 + 1.5) + 0.001 · (0.25 + 0.04 + 0 + 2.25)", formatNumber("%.5f", elastic.penalty(w)))
notebook.show("∂Ω/∂w = 0.001 · sign(w) + 0.002 · w", elastic.gradient(w))
notebook.say("""
    sign(0) is taken as 0: at exactly 0 the L1 penalty has no slope, and a weight that is 0 stays 0 unless \
    the data pushes it.
    """)
notebook.record("elasticPenalty", elastic.penalty(w))

// MARK: - The reviews experiment
notebook.section("The three regularizers on the movie reviews, over several seeds")
// The reviews split by a generator of the lesson's seed, as in lessons 09 and 11: the same data there.
var dataRNG = SeededGenerator(seed: notebook.seed)
let reviews = notebook.require {
    try ReviewSet.forLesson(requested: notebook.options.data, quick: notebook.quick, using: &dataRNG) { notebook.say($0) }
}
let words = reviews.trainInputs.shape[1]
let epochs = notebook.epochs(20, quick: 6)
let seeds = notebook.seeds()
notebook.say("""
    Data: \(reviews.source). The original 16-16-1 network of lesson 09 (with seed \(notebook.seed), the very run of \
    lessons 09 and 11), and the same with a penalty on the \
    weights of each hidden layer: l2(0.002) (the DSCI353 deck; the Module II deck uses 0.001), l1(0.001) and \
    l1_l2(l1 = 0.001, l2 = 0.001), the course's three regularizers.
    """)
notebook.say("""
    One training run is one draw: another seed gives other initial weights and another order of the mini-batches, \
    and so other numbers. Each of the four networks is therefore trained from \(seeds.count) seeds; for a given seed \
    the four start from the same weights and see the batches in the same order, so within a seed only the penalty \
    differs. The tables give the mean ± standard deviation over the seeds. Two settings are called different only \
    when their seed-by-seed difference, averaged, is more than twice its standard error (s_d / √n, with s_d the \
    standard deviation of the \(seeds.count) differences): otherwise the runs cannot tell them apart. \
    \(notebook.quick ? "With --quick there are only 2 seeds, and the rule flags only large differences." : "")
    """)
/// The optimizer of every run, stated once: the settings line prints this value.
let optimizer = RMSProp<Float>()
notebook.settings(["epochs": epochs, "batch": 512, "optimizer": optimizer, "seeds": seeds.map(String.init).joined(separator: ", ")])
/// The four networks: no penalty, then each regularizer, named by its own description ("l2(0.002)", …).
let variants: [(name: String, regularizer: Regularizer?)] = [nil, .l2(0.002), .l1(0.001), .l1l2(l1: 0.001, l2: 0.001)].map {
    ($0?.description ?? "no penalty", $0)
}
// All 4 × 5 runs go side by side (Sources/Notebook/Repeated.swift).
let runs: [RepeatedRuns] = notebook.repeated(seeds, over: variants) { variant, seed in
    // The 16-16-1 network of lessons 09 and 11 (Sources/Notebook/ReviewModel.swift), with the penalty.
    var (network, initRNG) = reviewNetwork(words: words, regularizer: variant.regularizer, seed: seed)
    // Keras's val_loss includes the penalty; the cross-entropy alone is recorded too, to compare
    // the four networks on what they predict.
    var validationCrossEntropy: [Double] = []
    let history = network.fit(reviews.trainInputs, reviews.trainLabels, epochs: epochs, descent: .miniBatch(512),
                              loss: BinaryCrossentropy(), optimizer: optimizer, metrics: [.binaryAccuracy],
                              validation: .data(reviews.validationInputs, reviews.validationLabels), progress: .quiet,
                              callbacks: Callbacks(onEpoch: { event in
                                  let predicted = event.network.predict(reviews.validationInputs)
                                  validationCrossEntropy.append(Double(BinaryCrossentropy().value(predicted, reviews.validationLabels)))
                              }), rng: &initRNG)
    let first = network.layer(0, as: Dense<Float>.self).weights.scalars
    return ["crossEntropy": validationCrossEntropy, "valLoss": history[.validationLoss],
            "accuracy": history[.validationBinaryAccuracy], "nearZero": [Double(first.filter { abs($0) < 1e-3 }.count)],
            "firstLayerWeights": first.map(Double.init)]
}
/// The first layer's weights after training, for the first seed (the histograms).
let firstLayerWeights = runs.map { $0.values("firstLayerWeights")[0].map(Float.init) }
/// Per network and seed: the lowest validation cross-entropy, its epoch, how far it rises after
/// it by the last epoch, and the final accuracy.
let lowest = runs.map { $0.spread("crossEntropy") { $0.min()! } }
let lowestEpoch = runs.map { $0.spread("crossEntropy") { Double($0.firstIndex(of: $0.min()!)! + 1) } }
let rise = runs.map { $0.spread("crossEntropy") { $0.last! - $0.min()! } }
let finalCrossEntropy = runs.map { $0.spread("crossEntropy") }
let finalAccuracy = runs.map { $0.spread("accuracy") }
notebook.table(["penalty", "lowest val cross-entropy", "at epoch", "rise after it by epoch \(epochs)", "final val cross-entropy",
                "final val_loss (with penalty)", "final val accuracy"], variants.indices.map { v in
    [variants[v].name, lowest[v].formatted(), lowestEpoch[v].formatted("%.1f"), rise[v].formatted(), finalCrossEntropy[v].formatted(),
     runs[v].spread("valLoss").formatted(), finalAccuracy[v].formatted()]
})
// The first seed's run without a penalty: the same run as lesson 09's original network and lesson 11's without dropout.
notebook.record("firstSeedValidationLoss", runs[0].values("valLoss")[0])
for v in variants.indices {
    notebook.record("validationCrossEntropy.\(variants[v].name)", runs[v].curve("crossEntropy").map(\.mean))
    notebook.record("finalAccuracy.\(variants[v].name)", finalAccuracy[v].values)
}
// The sentences below are built from the comparisons, each penalty against no penalty.
let againstNone = variants.indices.dropFirst().map { v in
    (name: variants[v].name, lowest: Comparison(lowest[v], lowest[0]), rise: Comparison(rise[v], rise[0]),
     accuracy: Comparison(finalAccuracy[v], finalAccuracy[0]))
}
notebook.say("""
    Each penalty minus no penalty, seed by seed (mean difference, and how many standard errors it is; ✓ where \
    it is more than 2, the rule):
    """)
notebook.table(["penalty", "lowest val cross-entropy", "rise after the lowest", "final val accuracy"], againstNone.map { c in
    [c.name, c.lowest.cell(), c.rise.cell(), c.accuracy.cell()]
})
for c in againstNone {
    notebook.record("clearlyLowerMinimum.\(c.name)", c.lowest.isClear && c.lowest.difference < 0)
    notebook.record("clearlyLessRise.\(c.name)", c.rise.isClear && c.rise.difference < 0)
    notebook.record("clearlyLowerAccuracy.\(c.name)", c.accuracy.isClear && c.accuracy.difference < 0)
}
/// A network whose lowest validation loss is at the last epoch in every run never rose.
let neverRises = variants.indices.map { v in runs[v].values("crossEntropy").allSatisfy { $0.last! == $0.min()! } }
var summary: [String] = []
for (index, c) in againstNone.enumerated() {
    let v = index + 1
    var sentence: String
    if neverRises[v] {
        sentence = "\(c.name) never rises: its lowest validation cross-entropy is at the last epoch in every run"
    } else if c.rise.isClear && c.rise.difference < 0 {
        sentence = c.rise.sentence(c.name, "no penalty", higher: "rises more after its lowest epoch", lower: "rises less after its lowest epoch")
            + ": training past the best epoch costs less"
    } else {
        sentence = "\(c.name) rises after its lowest epoch about as much as without a penalty (\(c.rise.cell()))"
    }
    if c.lowest.isClear {
        sentence += "; " + c.lowest.sentence("its lowest", "no penalty's", higher: "is higher", lower: "is lower")
    } else {
        sentence += "; its lowest is not measurably different from no penalty's (\(c.lowest.cell()))"
    }
    if c.accuracy.isClear && c.accuracy.difference < 0 {
        sentence += "; and " + c.accuracy.sentence(c.name, "no penalty") + " in final validation accuracy: at this λ the penalty is "
            + "too strong for the data and the network underfits (its loss does not rise because it never fits the training "
            + "reviews closely)"
    }
    summary.append(sentence + ".")
    notebook.record("neverRises.\(c.name)", neverRises[v])
}
summary.append("Keras's val_loss adds the penalty itself (the sixth column of the first table), which is why the figure "
    + "compares the cross-entropy alone.")
notebook.say(summary.joined(separator: " "))
notebook.record("summary", summary.joined(separator: " "))

// MARK: - RMSProp is not SGD
notebook.section("With RMSProp, L2 is not weight decay and L1's step does not depend on λ")
notebook.say("""
    The weight-decay identity above, w ← (1 − 2ηλ) w − η ∂E/∂w, holds for plain gradient descent. Every network in \
    this experiment trains with RMSProp, which divides each weight's gradient, penalty included, by a running root \
    mean square of that weight's recent gradients: w ← w − η (∂E/∂w + 2λw) / √(r + ε). The penalty's share is \
    rescaled weight by weight, so L2 with RMSProp (or Adam) is not a decay by a fixed factor; AdamW was introduced to \
    put the decay back outside the division. For a weight whose data gradient is small next to the penalty's (a \
    word that rarely occurs), the division cancels the size of the penalty: r settles near the square of the \
    penalty's gradient and the step is about η sign(w), whatever λ is. L1's gradient λ sign(w) keeps its size however \
    small w gets, so it dominates every weight whose data gradient is below λ, and those weights march to 0 at about \
    η = 0.001 per update and then jitter around it within about η; L2's gradient 2λw shrinks with w, so it dominates \
    fewer weights and lets go of them as they approach 0. That is why the next table counts weights with \
    |w| < 0.001: that threshold is η as well as λ here, and the count says where RMSProp's L1 steps leave the \
    weights rather than how large λ is.
    """)

// MARK: - What the penalties do to the weights
notebook.section("What the penalties do to the weights")
let nearZero: Float = 1e-3
notebook.table(["penalty", "weights", "exactly 0", "|w| < 0.001", "mean |w|", "largest |w|"], variants.indices.map { v in
    let weights = firstLayerWeights[v]
    return [variants[v].name, grouped(weights.count), grouped(weights.filter { $0 == 0 }.count),
            grouped(weights.filter { abs($0) < nearZero }.count),
            formatNumber("%.4f", Double(weights.reduce(0) { $0 + abs($1) } / Float(weights.count))),
            formatNumber("%.4f", Double(weights.map(abs).max()!))]
})
let nearZeroCounts = firstLayerWeights.map { weights in weights.filter { abs($0) < nearZero }.count }
let nearZeroSpread = runs.map { $0.spread("nearZero") }
let l1Zeros = Comparison(nearZeroSpread[2], nearZeroSpread[0]), l2Zeros = Comparison(nearZeroSpread[1], nearZeroSpread[0])
notebook.say("The first layer's \(grouped(firstLayerWeights[0].count)) weights after the first seed's run: with L1, "
    + "\(grouped(nearZeroCounts[2])) of them end within 0.001 of 0 (without a penalty: \(grouped(nearZeroCounts[0])); with L2: "
    + "\(grouped(nearZeroCounts[1]))). Over the \(seeds.count) seeds, "
    + l1Zeros.sentence("L1", "no penalty", higher: "leaves more weights within 0.001 of 0", lower: "leaves fewer weights within 0.001 of 0",
                       format: "%.0f") + "; "
    + l2Zeros.sentence("L2", "no penalty", higher: "leaves more", lower: "leaves fewer", format: "%.0f") + ". "
    + "Most of the 10,000 words say nothing about whether a review is positive; a penalty that dominates their small data "
    + "gradients walks their weights to 0, and with RMSProp at about the same rate η for L1 and L2 (the section above).")
notebook.record("nearZero.none", nearZeroCounts[0])
notebook.record("nearZero.l2", nearZeroCounts[1])
notebook.record("nearZero.l1", nearZeroCounts[2])

// MARK: - Figures
notebook.section("Figures")
let epochAxis = (1...epochs).map(Double.init)
let curves = runs.map { $0.curve("crossEntropy") }
notebook.figure(Figure(name: "lesson10-validation", panel: Panel(
    title: "Effect of weight regularization on validation loss (\(seeds.count) seeds)", xLabel: "epoch", yLabel: "validation cross-entropy",
    series: variants.indices.map { v in
        Series.band(x: epochAxis, spread: curves[v], color: seriesColors[v])
    } + variants.indices.map { v in
        Series(variants[v].name, x: epochAxis, y: curves[v].map(\.mean), style: .linesPoints, color: seriesColors[v], pointType: 7, pointSize: 0.8)
    }, legend: .topLeft)),
    caption: "validation cross-entropy per epoch without a penalty and with L2, L1 and L1+L2; \(notebook.bandNote(runs[0]))", main: true)
let limit = Double(firstLayerWeights[0].map(abs).max()!)
notebook.figure(Figure(name: "lesson10-weights", title: "First-layer weights after training", panels: [0, 1, 2].map { v in
    Panel(title: "\(variants[v].name): \(grouped(nearZeroCounts[v])) of \(grouped(firstLayerWeights[v].count)) within 0.001 of 0",
          xLabel: "weight", yLabel: "count", logScaleY: true,
          series: [Series.histogram(variants[v].name, values: firstLayerWeights[v], bins: 81, range: -limit...limit, color: seriesColors[v])],
          legend: .hidden, commands: ["set xtics 0.1"])
}, layout: (1, 3), width: 1200, height: 420), caption: "histograms of the first layer's weights (log scale): no penalty, L2 and L1")

notebook.finish()
