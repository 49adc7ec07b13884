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
notebook.say("Data: \(mnist.source), pixels scaled to [0, 1]. The course's 512-10 network (784 → 512 ReLU → 10 "
    + "softmax, RMSProp, batch 128), trained on the first 80 % of \(grouped(count)) images and validated on the "
    + "last 20 % after every epoch (Keras' validation_split = 0.2).")
notebook.settings(["epochs": epochs, "batch": 128, "optimizer": "RMSProp (η = 0.001)", "seed": notebook.seed])
/// A fresh 512-10 network for inputs of `width` numbers.
func makeNetwork(inputs width: Int, _ rng: inout SeededGenerator) -> Sequential<Float> {
    Sequential<Float>(inputShape: [width], layers: [
        Dense(inputs: width, units: 512, activation: .relu, using: &rng),
        Dense(inputs: 512, units: 10, activation: .softmax, using: &rng),
    ])
}
func train(_ x: Tensor<Float>, _ labels: [Int], epochs: Int, _ rng: inout SeededGenerator) -> History {
    var network = makeNetwork(inputs: x.shape[1], &rng)
    return network.fit(x, Tensor<Float>.oneHot(labels, classes: 10), epochs: epochs, descent: .miniBatch(128),
                       loss: CategoricalCrossentropy(), optimizer: RMSProp(), metrics: [.accuracy], validation: .split(0.2),
                       progress: .quiet, rng: &rng)
}

// MARK: - Noise channels
notebook.section("Noise channels versus zero channels")
notebook.say("Each image gets 784 more inputs: in one copy of the data uniform random noise, in the other zeros. "
    + "The zeros carry nothing, and nothing is learned from them: their weights get no gradient (∂E/∂w_ij = x_i δ_j = 0), "
    + "so they keep their initial values, and a weight times 0 adds nothing to any signal. The noise carries nothing "
    + "either, but it does reach the signals, and the network can, and does, fit it.")
let noisy = Experiments.appendingNoiseColumns(images, count: 784, using: &rng)
let padded = Experiments.appendingZeroColumns(images, count: 784)
let noiseSeed = rng.next()
var noiseRNG = SeededGenerator(seed: noiseSeed), zeroRNG = SeededGenerator(seed: noiseSeed)
let withNoise = train(noisy, labels, epochs: epochs, &noiseRNG)
let withZeros = train(padded, labels, epochs: epochs, &zeroRNG)
notebook.table(["epoch", "val accuracy, noise channels", "val accuracy, zero channels"], (0..<epochs).map { e in
    [String(e + 1), formatNumber("%.4f", withNoise[.validationAccuracy][e]), formatNumber("%.4f", withZeros[.validationAccuracy][e])]
})
let bestNoise = withNoise[.validationAccuracy].max()!, bestZeros = withZeros[.validationAccuracy].max()!
notebook.say("Best validation accuracy: \(formatNumber("%.4f", bestNoise)) with noise channels, "
    + "\(formatNumber("%.4f", bestZeros)) with zero channels"
    + (bestZeros > bestNoise ? ": the same network, the same information, but part of its capacity went into fitting "
        + "noise that does not repeat in the validation images." : "."))
notebook.record("bestValidationAccuracy.noise", bestNoise)
notebook.record("bestValidationAccuracy.zeros", bestZeros)

// MARK: - Shuffled labels
notebook.section("Random labels: memorizing without learning")
let shuffledEpochs = notebook.epochs(60, quick: 12)
notebook.say("Now the labels are shuffled among the images: a 3 may be called a 7, and nothing about an image "
    + "predicts its label. There is nothing to learn, yet a 512-unit network has enough parameters to store the "
    + "training set's answers one by one. Trained for \(shuffledEpochs) epochs:")
let shuffled = Experiments.shuffledLabels(labels, using: &rng)
let memorized = train(images, shuffled, epochs: shuffledEpochs, &rng)
let shownEpochs = Array(stride(from: 0, to: shuffledEpochs, by: max(1, shuffledEpochs / 10))) + [shuffledEpochs - 1]
notebook.table(["epoch", "training accuracy", "validation accuracy"], Array(Set(shownEpochs)).sorted().map { e in
    [String(e + 1), formatNumber("%.4f", memorized[.accuracy][e]), formatNumber("%.4f", memorized[.validationAccuracy][e])]
})
let finalTraining = memorized[.accuracy].last!, finalValidation = memorized[.validationAccuracy].last!
let meanValidation = memorized[.validationAccuracy].reduce(0, +) / Double(shuffledEpochs)
notebook.say("The training accuracy climbs from chance to \(formatNumber("%.3f", finalTraining)): the network memorizes. "
    + "The validation accuracy stays around chance (mean \(formatNumber("%.3f", meanValidation)) over the epochs, "
    + "chance is 0.1), because there is no pattern to carry over. Training accuracy alone cannot tell this network "
    + "from one that learned digits.")
notebook.record("randomLabels.finalTrainingAccuracy", finalTraining)
notebook.record("randomLabels.meanValidationAccuracy", meanValidation)
notebook.say("The third way to fail, a learning rate too high, is in lesson 06 (RMSProp at η = 1), not repeated here.")

// MARK: - Figures
notebook.section("Figures")
let axis = (1...epochs).map(Double.init)
notebook.figure(Figure(name: "lesson13-noise", panel: Panel(
    title: "Effect of noise channels on validation accuracy", xLabel: "epoch", yLabel: "validation accuracy",
    series: [Series("with noise channels", x: axis, y: withNoise[.validationAccuracy], style: .linesPoints, color: seriesColors[3], pointType: 7, pointSize: 0.8),
             Series("with zero channels", x: axis, y: withZeros[.validationAccuracy], style: .linesPoints, color: seriesColors[0], pointType: 7, pointSize: 0.8)],
    legend: .bottomRight)), caption: "validation accuracy of the same network with 784 noise or 784 zero columns appended", main: true)
let shuffledAxis = (1...shuffledEpochs).map(Double.init)
notebook.figure(Figure(name: "lesson13-random-labels", panel: Panel(
    title: "Shuffled labels: memorized, not learned", xLabel: "epoch", yLabel: "accuracy", yRange: 0...1,
    series: [Series("training accuracy", x: shuffledAxis, y: memorized[.accuracy], color: seriesColors[0]),
             Series("validation accuracy", x: shuffledAxis, y: memorized[.validationAccuracy], color: seriesColors[3]),
             Series("chance (0.1)", x: [1, Double(shuffledEpochs)], y: [0.1, 0.1], color: "#888888", dashed: true)],
    legend: .topLeft)), caption: "training and validation accuracy with labels shuffled at random")

notebook.finish()
