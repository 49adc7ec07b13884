/// Lesson 11 · Dropout by hand
///
/// The one concept: during training, dropout sets a random half (or any fraction, the rate)
/// of a layer's outputs to 0 at every update, so no unit can rely on any other being there.
/// This lesson writes it from scratch — the mask, the scaling by 1/keep, the backward pass —
/// and only then shows that the library's `Dropout` (Sources/Neural/Dropout.swift) computes
/// exactly the same numbers.
import Datasets
import Foundation
import Neural
import Notebook
import Plotting
import Tensors

let notebook = LessonNotebook(
    lesson: 11, title: "Dropout by hand", usesData: true,
    concept: "Dropout multiplies a layer's outputs by a random mask of 0s and 1s during training: each unit is kept "
        + "with probability keep = 1 − rate. Inverted dropout also divides by keep, so the expected output is "
        + "unchanged and nothing needs to change at test time, when no unit is dropped. The backward pass sends the "
        + "gradient through the same mask: a dropped unit passed nothing forward and gets nothing back.",
    formulas: ["keep = 1 − rate,   m_j ~ Bernoulli(keep)   (m_j = 1 if u_j ≥ rate, u_j ~ U[0, 1))",
               "training:  y = x ⊙ m / keep             inference:  y = x",
               "backward:  ∂E/∂x = ∂E/∂y ⊙ m / keep",
               "E[y_j] = keep · x_j / keep = x_j        (the expected output is the same in both modes)"])

// MARK: - The course's example
notebook.section("The course's 4 × 4 example")
let activations = Tensor<Double>([[0.3, 0.2, 1.5, 0.0],
                                  [0.6, 0.1, 0.0, 0.3],
                                  [0.2, 1.9, 0.3, 1.2],
                                  [0.7, 0.5, 1.0, 0.0]])
notebook.say("A layer's outputs for a batch of four examples (rows) and four units (columns), as on the slide:")
notebook.show("x", activations)
notebook.say("""
    The slide's mask with rate 0.5: it drops 0.3 in row 1; 0.2 and 1.2 in row 3; 0.5 and 1.0 in row 4 \
    (a 0 where a unit is dropped). The zeros of x itself (0.0 in rows 1, 2 and 4) are outputs of 0, not dropped units:
    """)
let slideMask = Tensor<Double>([[0, 1, 1, 1],
                                [1, 1, 1, 1],
                                [0, 1, 1, 0],
                                [1, 0, 0, 1]])
notebook.show("m", slideMask)
let masked = activations * slideMask            // x ⊙ m
notebook.show("x ⊙ m", masked)
let slideRate = 0.5, slideKeep = 1 - slideRate
let scaled = masked / slideKeep                 // x ⊙ m / keep: here × 2
notebook.show("x ⊙ m / keep  (keep = 0.5: × 2)", scaled)
let zerosAfter = masked.scalars.filter { $0 == 0 }.count, zerosBefore = activations.scalars.filter { $0 == 0 }.count
let dropped = slideMask.scalars.filter { $0 == 0 }.count
notebook.say("""
    x ⊙ m has \(zerosAfter) zeros of 16, as the slide's output does, but the mask dropped only \(dropped) units: \
    the other \(zerosAfter - dropped) zeros were zeros of x already (a ReLU output of 0), and a mask cannot drop what is already 0. \
    The slide's rate 0.5 drops 8 of 16 units on average, not in every batch.
    """)
notebook.record("exampleZeros", [Double(zerosBefore), Double(dropped), Double(zerosAfter)])
notebook.record("exampleMasked", masked.scalars)
notebook.record("exampleScaled", scaled.scalars)

// MARK: - Dropout by hand
notebook.section("Dropout written out: the mask, the scaling, the backward pass")
notebook.say("""
    The mask is drawn from the lesson's seeded generator, one uniform number per output: keep the unit where \
    u ≥ rate, which happens with probability 1 − rate = keep. Forward and backward, element by element:
    """)
/// Inverted dropout's forward pass: returns y = x ⊙ m / keep and the mask m / keep (0 or 1/keep).
func dropoutForward(_ x: Tensor<Double>, rate: Double, rng: inout SeededGenerator) -> (output: Tensor<Double>, scaledMask: Tensor<Double>) {
    let keep = 1 - rate
    var scaledMask = Tensor<Double>.zeros(x.shape)
    var output = Tensor<Double>.zeros(x.shape)
    for i in 0..<x.shape[0] {
        for j in 0..<x.shape[1] {
            let u = rng.nextUniform()                      // u ~ U[0, 1)
            scaledMask[i, j] = u >= rate ? 1 / keep : 0    // m_ij / keep
            output[i, j] = x[i, j] * scaledMask[i, j]      // y_ij = x_ij m_ij / keep
        }
    }
    return (output, scaledMask)
}
/// Its backward pass: ∂E/∂x = ∂E/∂y ⊙ m / keep (nothing flows back through a dropped unit).
func dropoutBackward(_ outputGradient: Tensor<Double>, scaledMask: Tensor<Double>) -> Tensor<Double> {
    var inputGradient = Tensor<Double>.zeros(outputGradient.shape)
    for i in 0..<outputGradient.shape[0] {
        for j in 0..<outputGradient.shape[1] {
            inputGradient[i, j] = outputGradient[i, j] * scaledMask[i, j]
        }
    }
    return inputGradient
}
var rng = notebook.rng
let generatorBefore = rng
let (handOutput, handMask) = dropoutForward(activations, rate: 0.5, rng: &rng)
notebook.show("a mask drawn by hand (m / keep)", handMask)
notebook.show("y = x ⊙ m / keep", handOutput)
let upstream = Tensor<Double>.normal([4, 4], using: &rng)     // a random ∂E/∂y, not all ones
let handGradient = dropoutBackward(upstream, scaledMask: handMask)
notebook.show("∂E/∂y (random)", upstream)
notebook.show("∂E/∂x = ∂E/∂y ⊙ m / keep", handGradient)

// MARK: - The library's layer
notebook.section("The library's Dropout computes the same numbers")
notebook.say("""
    Sources/Neural/Dropout.swift draws the same uniforms from the same generator state, so with the generator \
    as it was before the hand-written mask, Dropout(rate: 0.5) must give the same mask, outputs and gradients, bit for bit:
    """)
var layer = Dropout<Double>(rate: 0.5)
var context = Context(mode: .training, rng: generatorBefore)
let (libraryOutput, libraryCache) = layer.forward(activations, context: &context)
let libraryGradient = layer.backward(upstream, cache: libraryCache).inputGradient
let sameOutput = libraryOutput.scalars == handOutput.scalars, sameGradient = libraryGradient.scalars == handGradient.scalars
notebook.table(["", "by hand = library"], [["outputs y", sameOutput ? "identical" : "DIFFERENT"],
                                          ["gradients ∂E/∂x", sameGradient ? "identical" : "DIFFERENT"]])
notebook.record("libraryOutputsIdentical", sameOutput)
notebook.record("libraryGradientsIdentical", sameGradient)
var inference = Context.inference
notebook.show("Dropout at inference (every unit kept, no scaling) = x", layer.forward(activations, context: &inference).output.scalars == activations.scalars)

notebook.say("""
    Gradient check with the mask held fixed: dropout is linear in x for a given mask, so centred differences \
    of E = Σ ∂E/∂y ⊙ y (with the random ∂E/∂y above as weights) must give the backward pass:
    """)
var worstRelativeError = 0.0
let h = 1e-6
for i in 0..<4 {
    for j in 0..<4 {
        var plus = activations, minus = activations
        plus[i, j] += h
        minus[i, j] -= h
        // E(x) with the same mask: (E(x + h) − E(x − h)) / 2h
        let numeric = ((upstream * plus * handMask).sum() - (upstream * minus * handMask).sum()) / (2 * h)
        let analytic = handGradient[i, j]
        let relative = abs(numeric - analytic) / max(abs(numeric) + abs(analytic), 1e-12)
        worstRelativeError = max(worstRelativeError, numeric == analytic ? 0 : relative)
    }
}
notebook.show("largest relative error over the 16 inputs (expect around 1e-9 or less)", formatNumber("%.1e", worstRelativeError))
notebook.record("gradientCheckMaxRelativeError", worstRelativeError)

// MARK: - Inverted versus original
notebook.section("Inverted dropout and the original scheme")
notebook.say("""
    The original paper (Srivastava et al. 2014) did not scale during training: y = x ⊙ m, and at test time \
    every output was multiplied by keep instead. Both give the same expected output in training as at test time. \
    Averaged over many masks, for the example's first row and rate 0.2 (keep 0.8):
    """)
let row = activations.rows(0 ..< 1)   // [0.3, 0.2, 1.5, 0.0]
let rate = 0.2, keep = 1 - rate, draws = notebook.size(20_000, quick: 2_000)
var sumInverted = Tensor<Double>.zeros([1, 4]), sumOriginal = Tensor<Double>.zeros([1, 4])
for _ in 0..<draws {
    let (y, scaledMask) = dropoutForward(row, rate: rate, rng: &rng)
    sumInverted += y                                   // x ⊙ m / keep
    sumOriginal += row * (scaledMask * keep)           // x ⊙ m
}
func cells(_ t: Tensor<Double>) -> [String] { t.scalars.map { formatNumber("%.4f", $0) } }
notebook.table(["", "unit 1", "unit 2", "unit 3", "unit 4"], [
    ["x", ] + cells(row),
    ["inverted, training: mean of x ⊙ m / keep"] + cells(sumInverted / Double(draws)),
    ["inverted, test: x"] + cells(row),
    ["original, training: mean of x ⊙ m"] + cells(sumOriginal / Double(draws)),
    ["original, test: keep · x"] + cells(keep * row),
    ["scaled by the rate instead: rate · x"] + cells(rate * row),
])
notebook.say("""
    The slide says the test outputs are scaled \"by a factor equal to the dropout rate\". That is right only \
    because its rate is 0.5, where rate = keep. The factor is the keep probability 1 − rate: with rate 0.2 the last \
    row, scaled by the rate, would give test outputs four times too small. Keras and Backprop use inverted dropout, \
    so the trained network is used as it is.
    """)
notebook.record("meanInverted", (sumInverted / Double(draws)).scalars)

// MARK: - Why it works
notebook.section("Why it works")
notebook.say("""
    Hinton's bank: the tellers kept changing, so no group of employees could cooperate to defraud it. A unit \
    that may vanish at any update cannot build on particular partners; each must learn features that help on their \
    own, and the network behaves like an average of the many thinned networks trained together.
    """)

// MARK: - Reviews
notebook.section("Training with dropout: the movie reviews, over several seeds")
// The reviews split by a generator of the lesson's seed, as in lessons 09 and 10: the same data there.
var dataRNG = SeededGenerator(seed: notebook.seed)
let reviews = notebook.require {
    try ReviewSet.forLesson(requested: notebook.options.data, quick: notebook.quick, using: &dataRNG) { notebook.say($0) }
}
let words = reviews.trainInputs.shape[1]
let epochs = notebook.epochs(20, quick: 6)
let seeds = notebook.seeds()
notebook.say("""
    Data: \(reviews.source). The 16-16-1 network of lesson 09, and the same with Dropout(0.5) after each \
    hidden layer, each trained from \(seeds.count) seeds (for a seed both start from the same weights; the first seed's \
    run without dropout is the very run of lessons 09 and 10). As in lesson 10, two settings are called different when \
    their seed-by-seed difference is more than twice its standard error.
    """)
/// The optimizer of every run in this lesson, stated once: the settings lines print this value.
let optimizer = RMSProp<Float>()
notebook.settings(["epochs": epochs, "batch": 512, "optimizer": optimizer, "seeds": seeds.map(String.init).joined(separator: ", ")])
/// What a run records: its losses per epoch and its accuracies.
func record(_ history: History, accuracy: HistoryKey) -> [String: [Double]] {
    ["loss": history[.loss], "valLoss": history[.validationLoss], "accuracy": history[accuracy]]
}
let reviewNames = ["no dropout", "dropout 0.5"]
let reviewRuns: [RepeatedRuns] = notebook.repeated(seeds, over: [nil, 0.5] as [Double?]) { rate, seed in
    var (network, initRNG) = reviewNetwork(words: words, dropout: rate, seed: seed)
    let history = network.fit(reviews.trainInputs, reviews.trainLabels, epochs: epochs, descent: .miniBatch(512),
                              loss: BinaryCrossentropy(), optimizer: optimizer, metrics: [.binaryAccuracy],
                              validation: .data(reviews.validationInputs, reviews.validationLabels), progress: .quiet, rng: &initRNG)
    return record(history, accuracy: .validationBinaryAccuracy)
}

/// The table and the comparisons of an experiment run with and without dropout.
func dropoutComparison(_ names: [String], _ runs: [RepeatedRuns], key: String) -> String {
    let lowest = runs.map { $0.spread("valLoss") { $0.min()! } }
    let lowestEpoch = runs.map { $0.spread("valLoss") { Double($0.firstIndex(of: $0.min()!)! + 1) } }
    let final = runs.map { $0.spread("valLoss") }
    let bestAccuracy = runs.map { $0.spread("accuracy") { $0.max()! } }
    let finalAccuracy = runs.map { $0.spread("accuracy") }
    notebook.table(["network", "lowest val_loss", "at epoch", "final val_loss", "best val accuracy", "final val accuracy"],
                   names.indices.map { i in
        [names[i], lowest[i].formatted(), lowestEpoch[i].formatted("%.1f"), final[i].formatted(), bestAccuracy[i].formatted(),
         finalAccuracy[i].formatted()]
    })
    let comparisons = [("lowest val_loss", Comparison(lowest[1], lowest[0])), ("final val_loss", Comparison(final[1], final[0])),
                       ("best val accuracy", Comparison(bestAccuracy[1], bestAccuracy[0])),
                       ("final val accuracy", Comparison(finalAccuracy[1], finalAccuracy[0]))]
    notebook.table(["with dropout minus without"] + comparisons.map(\.0), [[names[1]] + comparisons.map { $0.1.cell() }])
    for (name, c) in comparisons {
        notebook.record("\(key).clear.\(name)", c.isClear)
        notebook.record("\(key).difference.\(name)", c.difference)
    }
    let (lowestC, finalC, bestC, finalAccuracyC) = (comparisons[0].1, comparisons[1].1, comparisons[2].1, comparisons[3].1)
    return [
        finalC.statement("the final validation loss", "with dropout", "without") + ".",
        lowestC.statement("the lowest validation loss", "with dropout", "without") + ".",
        bestC.statement("the best validation accuracy", "with dropout", "without") + ".",
        finalAccuracyC.statement("the final validation accuracy", "with dropout", "without") + ".",
    ].joined(separator: " ")
}
// The first seed's run without dropout: the same run as lesson 09's original network and lesson 10's without a penalty.
notebook.record("firstSeedValidationLoss", reviewRuns[0].values("valLoss")[0])
let reviewSummary = dropoutComparison(reviewNames, reviewRuns, key: "reviews")
notebook.say(reviewSummary)
notebook.record("reviews.summary", reviewSummary)

// MARK: - MNIST
notebook.section("Training with dropout: the course's MNIST model, over several seeds")
let (mnist, note) = notebook.require { try MNIST.load(requested: nil) }   // --data is the reviews here; BACKPROP_MNIST=DIR for full MNIST
if let note { notebook.say(note) }
let mnistCount = notebook.count(mnist.trainImages.shape[0], quick: 1000)
let mnistX = mnist.trainImages.rows(0 ..< mnistCount) / 255
let mnistY = Tensor<Float>.oneHot(Array(mnist.trainLabels.prefix(mnistCount)), classes: 10)
let mnistEpochs = notebook.epochs(20, quick: 4)
let mnistSeeds = notebook.seeds(3, quick: 2)
notebook.say("""
    The model of lesson 07, 784 → 256 → Dropout(0.4) → 128 → Dropout(0.3) → 10, against the same without its \
    two Dropout layers, on \(grouped(mnistCount)) training images (the last 20 % for validation), from \(mnistSeeds.count) seeds:
    """)
notebook.settings(["epochs": mnistEpochs, "batch": 128, "optimizer": optimizer, "validation split": 0.2])
let mnistNames = ["no dropout", "dropout 0.4 / 0.3"]
let mnistRuns: [RepeatedRuns] = notebook.repeated(mnistSeeds, over: [false, true]) { withDropout, seed in
    var initRNG = SeededGenerator(seed: seed)
    let first = Dense<Float>(inputs: 784, units: 256, activation: .relu, using: &initRNG)
    let second = Dense<Float>(inputs: 256, units: 128, activation: .relu, using: &initRNG)
    let output = Dense<Float>(inputs: 128, units: 10, activation: .softmax, using: &initRNG)
    let layers: [any Layer<Float>] = withDropout ? [first, Dropout(rate: 0.4), second, Dropout(rate: 0.3), output] : [first, second, output]
    var network = Sequential<Float>(inputShape: [784], layers: layers)
    let history = network.fit(mnistX, mnistY, epochs: mnistEpochs, descent: .miniBatch(128), loss: CategoricalCrossentropy(),
                              optimizer: optimizer, metrics: [.accuracy], validation: .split(0.2), progress: .quiet, rng: &initRNG)
    return record(history, accuracy: .validationAccuracy)
}
let mnistSummary = dropoutComparison(mnistNames, mnistRuns, key: "mnist")
notebook.say(mnistSummary + " The validation accuracies are counted on "
    + "\(grouped(mnistCount - Int((Double(mnistCount) * 0.8).rounded(.down)))) images, so one image is "
    + "\(formatNumber("%.4f", 1 / Double(mnistCount - Int((Double(mnistCount) * 0.8).rounded(.down))))) of accuracy.")
notebook.record("mnistFinalValidationLoss", mnistRuns.map { $0.spread("valLoss").mean })

// MARK: - Figures
notebook.section("Figures")
/// Mean training (dashed) and validation curves over the seeds, with the validation band.
func curves(_ names: [String], _ runs: [RepeatedRuns]) -> [Series] {
    runs.indices.flatMap { i -> [Series] in
        let validation = runs[i].curve("valLoss"), training = runs[i].curve("loss")
        let axis = (1...validation.count).map(Double.init)
        return [Series.band(x: axis, spread: validation, color: seriesColors[i]),
                Series("\(names[i]): validation", x: axis, y: validation.map(\.mean), style: .linesPoints, color: seriesColors[i],
                       pointType: 7, pointSize: 0.8),
                Series("\(names[i]): training", x: axis, y: training.map(\.mean), color: seriesColors[i], dashed: true)]
    }
}
notebook.figure(Figure(name: "lesson11-dropout", panels: [
    Panel(title: "Movie reviews, 16-16-1 (\(seeds.count) seeds)", xLabel: "epoch", yLabel: "loss", series: curves(reviewNames, reviewRuns),
          legend: .topLeft),
    Panel(title: "MNIST, 784-256-128-10 (\(mnistSeeds.count) seeds)", xLabel: "epoch", yLabel: "loss", series: curves(mnistNames, mnistRuns),
          legend: .topRight),
], width: 1100, height: 450), caption: "training (dashed) and validation loss with and without dropout; lines: means over the "
    + "seeds; bands: the lowest and highest validation loss of the runs", main: true)
var maskRNG = SeededGenerator(seed: notebook.seed)
let (_, bigMask) = dropoutForward(Tensor<Double>.ones([16, 32]), rate: 0.5, rng: &maskRNG)
notebook.figure(Figure(name: "lesson11-mask", panel: Panel(
    title: "A dropout mask, rate 0.5: 16 examples × 32 units (white: kept and scaled by 2, black: dropped)",
    xLabel: "unit", yLabel: "example", heatmap: Heatmap((0..<16).map { i in (0..<32).map { bigMask[i, $0] } }, palette: .gray, colorRange: 0...2,
                                                        showColorBar: false),
    showGrid: false, equalAspect: true,
    // Examples and units counted from 1, as the text counts rows.
    commands: ["set xtics (" + [1, 8, 16, 24, 32].map { "\"\($0)\" \($0 - 1)" }.joined(separator: ", ") + ")",
               "set ytics (" + [1, 4, 8, 12, 16].map { "\"\($0)\" \($0 - 1)" }.joined(separator: ", ") + ")"]), width: 900, height: 520),
                caption: "one mask drawn by hand: each example drops a different random half of the units")

notebook.finish()
