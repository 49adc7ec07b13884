/// Lesson 13 · Generalization: what a network learns and what it memorizes
///
/// The one concept: a network fits whatever its training data lets it fit, including noise.
/// Two experiments of the course show it: inputs padded with noise make it generalize worse
/// than inputs padded with zeros, and labels shuffled at random are still learned by heart on
/// the training set while the validation accuracy stays at chance. The data changes are
/// `Experiments` in Sources/Datasets/Preprocessing.swift.
import Datasets
import Foundation
import Neural
import Notebook
import Plotting
import Tensors

let notebook = LessonNotebook(
    lesson: 13, title: "Generalization: what a network learns and what it memorizes", usesData: true,
    concept: "Generalization is accuracy on data the network was not trained on. A network with enough parameters can "
        + "fit anything in its training set, including features that carry no information and labels that carry no "
        + "pattern; only the validation data tells learning from memorizing.",
    formulas: ["generalization gap = training accuracy − validation accuracy",
               "chance accuracy with 10 balanced classes = 1/10"])

// MARK: - The data
notebook.section("The data and the network")
let (mnist, note) = notebook.require { try MNIST.load(requested: notebook.options.data) }
if let note { notebook.say(note) }
var rng = notebook.rng
let count = notebook.count(mnist.trainImages.shape[0], quick: 1200)
let images = mnist.trainImages.rows(0 ..< count) / 255
let labels = Array(mnist.trainLabels.prefix(count))
let epochs = notebook.epochs(20, quick: 4)
notebook.say("""
    Data: \(mnist.source), pixels scaled to [0, 1]. The course's 512-10 network (784 → 512 ReLU → 10 \
    softmax, RMSProp, batch 128), trained on the first 80 % of \(grouped(count)) images and validated on the \
    last 20 % after every epoch (Keras' validation_split = 0.2).
    """)
let seeds = notebook.seeds(4, quick: 2)
/// The optimizer of every run, stated once: the settings line prints this value.
let optimizer = RMSProp<Float>()
notebook.settings(["epochs": epochs, "batch": 128, "optimizer": optimizer, "seeds": seeds.map(String.init).joined(separator: ", ")])
notebook.say("""
    Each experiment trains the network from \(seeds.count) seeds (other initial weights, other batches; the data \
    stay the same) and reports the mean ± standard deviation; two settings are called different only when their \
    seed-by-seed difference is more than twice its standard error (lesson 10 explains the rule).
    """)
/// A fresh 512-10 network for inputs of `width` numbers.
func makeNetwork(inputs width: Int, _ rng: inout SeededGenerator) -> Sequential<Float> {
    Sequential<Float>(inputShape: [width], layers: [
        Dense(inputs: width, units: 512, activation: .relu, using: &rng),
        Dense(inputs: 512, units: 10, activation: .softmax, using: &rng),
    ])
}
/// Trains a fresh 512-10 network from `seed` on `x` and `labels`: its accuracies per epoch.
func train(_ x: Tensor<Float>, _ labels: [Int], epochs: Int, seed: UInt64) -> [String: [Double]] {
    var rng = SeededGenerator(seed: seed)
    var network = makeNetwork(inputs: x.shape[1], &rng)
    let history = network.fit(x, Tensor<Float>.oneHot(labels, classes: 10), epochs: epochs, descent: .miniBatch(128),
                              loss: CategoricalCrossentropy(), optimizer: optimizer, metrics: [.accuracy], validation: .split(0.2),
                              progress: .quiet, rng: &rng)
    return ["accuracy": history[.accuracy], "valAccuracy": history[.validationAccuracy]]
}

// MARK: - Noise channels
notebook.section("Noise channels versus zero channels")
notebook.say("""
    Each image gets 784 more inputs: in one copy of the data uniform random noise, in the other zeros. \
    The zeros carry nothing, and nothing is learned from them: their weights get no gradient (∂E/∂w_ij = x_i δ_j = 0), \
    so they keep their initial values, and a weight times 0 adds nothing to any signal. The noise carries nothing \
    either, but it does reach the signals, and the network can, and does, fit it.
    """)
let noisy = Experiments.appendingNoiseColumns(images, count: 784, using: &rng)
let padded = Experiments.appendingZeroColumns(images, count: 784)
let channelRuns = notebook.repeated(seeds, over: [noisy, padded]) { x, seed in train(x, labels, epochs: epochs, seed: seed) }
let noiseCurve = channelRuns[0].curve("valAccuracy"), zeroCurve = channelRuns[1].curve("valAccuracy")
notebook.table(["epoch", "val accuracy, noise channels", "val accuracy, zero channels"], (0..<epochs).map { e in
    [String(e + 1), noiseCurve[e].formatted(), zeroCurve[e].formatted()]
})
let bestNoise = channelRuns[0].spread("valAccuracy") { $0.max()! }, bestZeros = channelRuns[1].spread("valAccuracy") { $0.max()! }
let channels = Comparison(bestZeros, bestNoise)
let channelSummary = channels.statement("the best validation accuracy", "with zero channels", "with noise channels")
notebook.say(channelSummary
    + (channels.isClear && channels.difference > 0 ? ": the same network, the same information, but part of its capacity went into "
        + "fitting noise that does not repeat in the validation images." : "."))
notebook.record("channelSummary", channelSummary)
notebook.record("channels", channels)
notebook.record("bestValidationAccuracy.noise", bestNoise.mean)
notebook.record("bestValidationAccuracy.zeros", bestZeros.mean)

// MARK: - Shuffled labels
notebook.section("Random labels: memorizing without learning")
let shuffledEpochs = notebook.epochs(60, quick: 12)
notebook.say("""
    Now the labels are shuffled among the images: a 3 may be called a 7, and nothing about an image \
    predicts its label. There is nothing to learn, yet a 512-unit network has enough parameters to store the \
    training set's answers one by one. Trained for \(shuffledEpochs) epochs:
    """)
let shuffled = Experiments.shuffledLabels(labels, using: &rng)
let memorizedRuns = notebook.repeated(seeds) { train(images, shuffled, epochs: shuffledEpochs, seed: $0) }
let trainingCurve = memorizedRuns.curve("accuracy"), validationCurve = memorizedRuns.curve("valAccuracy")
let shownEpochs = Array(stride(from: 0, to: shuffledEpochs, by: max(1, shuffledEpochs / 10))) + [shuffledEpochs - 1]
notebook.table(["epoch", "training accuracy", "validation accuracy"], Array(Set(shownEpochs)).sorted().map { e in
    [String(e + 1), trainingCurve[e].formatted(), validationCurve[e].formatted()]
})
let finalTraining = memorizedRuns.spread("accuracy")
let meanValidation = memorizedRuns.spread("valAccuracy") { $0.reduce(0, +) / Double($0.count) }
notebook.say("""
    The training accuracy climbs from chance to \(finalTraining.formatted("%.3f")): the network memorizes. \
    The validation accuracy stays around chance (mean \(meanValidation.formatted("%.3f")) over the epochs, \
    chance is 0.1), because there is no pattern to carry over. Training accuracy alone cannot tell this network \
    from one that learned digits.
    """)
notebook.record("randomLabels.finalTrainingAccuracy", finalTraining.mean)
notebook.record("randomLabels.meanValidationAccuracy", meanValidation.mean)
notebook.say("The third way to fail, a learning rate too high, is in lesson 06 (RMSProp at η = 1), not repeated here.")

// MARK: - Interpolation
notebook.section("Why real labels generalize: neighbours on the manifold")
// Each validation image's nearest training image, by Euclidean distance: ‖a − b‖² = ‖a‖² + ‖b‖² − 2 a·b.
let trainPart = Int(Double(count) * 0.8)
let near = images.rows(0 ..< trainPart), far = images.rows(trainPart ..< count)
let cross = matmul(far, near, transposeB: true).scalars                  // a·b for every pair, row-major
let nearNorms: [Float] = (near * near).sum(axis: 1).scalars, farNorms: [Float] = (far * far).sum(axis: 1).scalars
/// The index of the training image nearest to validation image `i`.
func nearestTrainingImage(_ i: Int) -> Int {
    var best = 0, bestDistance = Float.infinity
    for j in 0 ..< trainPart {
        let distance: Float = farNorms[i] + nearNorms[j] - 2 * cross[i * trainPart + j]
        if distance < bestDistance { (best, bestDistance) = (j, distance) }
    }
    return best
}
let nearest = (0 ..< far.shape[0]).map(nearestTrainingImage)
let agreeReal = Double(nearest.indices.filter { labels[trainPart + $0] == labels[nearest[$0]] }.count) / Double(nearest.count)
let agreeShuffled = Double(nearest.indices.filter { shuffled[trainPart + $0] == shuffled[nearest[$0]] }.count) / Double(nearest.count)
notebook.say("""
    The same 512-unit network can memorize random labels, so why does it generalize on real ones? DSCI353's \
    answer is the manifold hypothesis: natural images fill only a thin, low-dimensional part of the 784-dimensional pixel \
    space, along which a digit changes smoothly into a slightly different version of itself. A network trained on real \
    labels learns a smooth map of that part, and generalizes by interpolating between training examples that lie near a \
    new one. The numbers: for each of the \(grouped(count - trainPart)) validation images, its nearest training image in \
    pixel space has the same real label in \(formatNumber("%.1f", agreeReal * 100)) % of cases, but the same shuffled label \
    in only \(formatNumber("%.1f", agreeShuffled * 100)) % (chance is 10 %). With shuffled labels, neighbours on the manifold \
    disagree: there is nothing smooth to interpolate, and the only way to fit the training labels is one by one.
    """)
notebook.record("nearestNeighbourAgreement.real", agreeReal)
notebook.record("nearestNeighbourAgreement.shuffled", agreeShuffled)

// MARK: - Figures
notebook.section("Figures")
/// The mean curve over the seeds with the band of their lowest and highest.
func banded(_ title: String, _ curve: [Spread], color: String, points: Bool = true) -> [Series] {
    let x = (1...curve.count).map(Double.init)
    return [Series.band(x: x, spread: curve, color: color),
            Series(title, x: x, y: curve.map(\.mean), style: points ? .linesPoints : .lines, color: color, pointType: 7, pointSize: 0.8)]
}
notebook.figure(Figure(name: "lesson13-noise", panel: Panel(
    title: "Effect of noise channels on validation accuracy", xLabel: "epoch", yLabel: "validation accuracy",
    series: banded("with noise channels", noiseCurve, color: seriesColors[3]) + banded("with zero channels", zeroCurve, color: seriesColors[0]),
    legend: .bottomRight)),
    caption: "validation accuracy of the same network with 784 noise or 784 zero columns appended; \(notebook.bandNote(channelRuns[0]))",
    main: true)
notebook.figure(Figure(name: "lesson13-random-labels", panel: Panel(
    title: "Shuffled labels: memorized, not learned", xLabel: "epoch", yLabel: "accuracy", yRange: 0...1,
    series: banded("training accuracy", trainingCurve, color: seriesColors[0], points: false)
        + banded("validation accuracy", validationCurve, color: seriesColors[3], points: false)
        + [Series("chance (0.1)", x: [1, Double(shuffledEpochs)], y: [0.1, 0.1], color: "#888888", dashed: true)],
    legend: .topLeft)), caption: "training and validation accuracy with labels shuffled at random; \(notebook.bandNote(memorizedRuns))")

notebook.finish()
