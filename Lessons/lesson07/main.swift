/// Lesson 07 · Classification
///
/// The one concept: the last layer and the loss of a classifier go together. A softmax output
/// with categorical cross-entropy for one label out of many, sigmoid outputs with binary
/// cross-entropy for yes/no questions. Both pairs give the same simple δ = ŷ − y at the output
/// (`CategoricalCrossentropy` and `BinaryCrossentropy` in Sources/Neural/Loss.swift).
import Datasets
import Foundation
import Neural
import Notebook
import Plotting
import Tensors

let notebook = LessonNotebook(
    lesson: 7, title: "Classification", usesData: true,
    concept: "A classifier outputs probabilities: softmax turns the last layer's signals into one probability per "
        + "class, summing to 1, and categorical cross-entropy charges −ln of the probability given to the true class. "
        + "For yes/no outputs, a sigmoid per output and binary cross-entropy. With these pairs the output delta is "
        + "simply δ = ŷ − y.",
    formulas: ["softmax:   ŷ_j = e^{s_j} / Σ_k e^{s_k}",
               "categorical cross-entropy:  e = −Σ_j y_j ln ŷ_j = −ln ŷ_true          δ = ŷ − y",
               "sigmoid:   ŷ = 1 / (1 + e^−s)",
               "binary cross-entropy:       e = −[y ln ŷ + (1 − y) ln(1 − ŷ)]        δ = ŷ − y"])

// MARK: - Softmax and cross-entropy
notebook.section("Softmax and categorical cross-entropy")
let classes = ["dog", "cat", "rabbit", "squirrel"]
let signals = Tensor<Double>([[1.2, 2.0, 3.1, 0.4]])
let probabilities = Activation.softmax(signals)
notebook.say("Softmax turns any four signals into four probabilities that sum to 1, keeping their order:")
notebook.table(["class", "signal s", "softmax ŷ"], classes.indices.map { j in
    [classes[j], formatNumber("%.2f", signals[0, j]), formatNumber("%.4f", probabilities[0, j])]
})
notebook.say("""
    The lecture's example: the true label is rabbit, the predictions are dog 0.1, cat 0.4, rabbit 0.8, \
    squirrel 0.2. Only the true class's probability counts:
    """)
let predicted = Tensor<Double>([[0.1, 0.4, 0.8, 0.2]]), rabbit = Tensor<Double>([[0, 0, 1, 0]])
let rabbitLoss = CategoricalCrossentropy().value(predicted, rabbit)
notebook.show("−Σ_j y_j ln ŷ_j = −ln 0.8", formatNumber("%.4f", rabbitLoss))
notebook.say("""
    The slide prints 0.916: that is −ln 0.4 = \(formatNumber("%.4f", -log(0.4))), the probability of cat, not \
    of the true class. (The slide's four numbers also sum to 1.5; a softmax output would sum to 1.)
    """)
notebook.record("rabbitLoss", rabbitLoss)
notebook.record("slideValue", -log(0.4))

// MARK: - Sigmoid and binary cross-entropy
notebook.section("Sigmoid and binary cross-entropy")
notebook.say("""
    A yes/no question needs one output: the sigmoid squeezes its signal into (0, 1), read as P(yes). \
    Binary cross-entropy charges −ln ŷ when the answer is yes and −ln(1 − ŷ) when it is no. (The course's code \
    slide writes it with -log(y): the logarithm is of the prediction ŷ, the label y only chooses which term counts.)
    """)
let yesNo: [(Double, Double)] = [(0.9, 1), (0.9, 0), (0.5, 1), (0.01, 1)]
notebook.table(["ŷ", "y", "e"], yesNo.map { p, y in
    [formatNumber("%.2f", p), formatNumber("%.0f", y), formatNumber("%.4f", BinaryCrossentropy().value(Tensor([[p]]), Tensor([[y]])))]
})
notebook.say("""
    Confident and wrong is expensive: ŷ = 0.01 for a true yes costs 4.6, and ŷ = 0 would cost −ln 10⁻⁷ ≈ 16.1, \
    because probabilities are kept in [10⁻⁷, 1 − 10⁻⁷] before the logarithm, as Keras does.
    """)

// MARK: - Multi-class versus multi-label
notebook.section("Multi-class versus multi-label")
notebook.say("""
    One label out of many (a digit is a 3 or a 7, never both): softmax, whose outputs compete. Several labels \
    at once (a photo shows a dog and a cat): one independent sigmoid per label, each a yes/no question.
    """)
let multiLabelSignals = Tensor<Double>([[2.0, -1.0, 1.5, -3.0]])
notebook.show("softmax of (2, −1, 1.5, −3), sums to 1", Activation.softmax(multiLabelSignals))
notebook.show("sigmoids of (2, −1, 1.5, −3), each on its own", Activation.sigmoid(multiLabelSignals))
notebook.say("The course's table of last layers and losses:")
notebook.table(["problem", "last-layer activation", "loss"], [
    ["binary classification", "sigmoid", "binary_crossentropy"],
    ["multi-class, single-label", "softmax", "categorical_crossentropy"],
    ["multi-class, multi-label", "sigmoid", "binary_crossentropy"],
    ["regression to any values", "none (identity)", "mse"],
    ["regression to values in [0, 1]", "sigmoid", "mse or binary_crossentropy"],
])

// MARK: - One-hot labels
notebook.section("One-hot labels")
notebook.say("""
    Categorical cross-entropy compares ŷ with a target vector: a class label becomes a row of zeros with a 1 in \
    its column (Keras' to_categorical). Labels 3, 0 and 7 of 10 classes:
    """)
notebook.show("one-hot", Tensor<Float>.oneHot([3, 0, 7], classes: 10))

// MARK: - The MNIST model
notebook.section("The course's MNIST model")
let (mnist, note) = notebook.require { try MNIST.load(requested: notebook.options.data) }
if let note { notebook.say(note) }
let trainCount = notebook.count(mnist.trainImages.shape[0], quick: 1500)
let trainX = mnist.trainImages.rows(0 ..< trainCount) / 255
let trainY = Tensor<Float>.oneHot(Array(mnist.trainLabels.prefix(trainCount)), classes: 10)
let testX = mnist.testImages / 255, testY = Tensor<Float>.oneHot(mnist.testLabels, classes: 10)
var rng = notebook.rng
// As in Keras, each layer's input size comes from the layer before it (784, then 256, then 128);
// the weights are drawn from `rng` in order, as Dense(inputs: 784, units: 256, …, using: &rng) would.
var model = Sequential<Float>(inputShape: [784], using: &rng) {
    Dense(units: 256, activation: .relu)
    Dropout(rate: 0.4)
    Dense(units: 128, activation: .relu)
    Dropout(rate: 0.3)
    Dense(units: 10, activation: .softmax)
}
notebook.block(model.summary())
notebook.record("parameters", model.parameterCount.total)
let epochs = notebook.epochs(20, quick: 3)
notebook.say("""
    Data: \(mnist.source), pixels scaled to [0, 1]. Keras' fit with validation_split = 0.2 trains on the first \
    80% of the \(grouped(trainCount)) training images and reports the loss and accuracy on the last 20% after every epoch:
    """)
let optimizer = RMSProp<Float>()
notebook.settings(["epochs": epochs, "batch": 128, "optimizer": optimizer, "validation split": 0.2, "seed": notebook.seed])
let history = model.fit(trainX, trainY, epochs: epochs, descent: .miniBatch(128), loss: CategoricalCrossentropy(),
                        optimizer: optimizer, metrics: [.accuracy], validation: .split(0.2), rng: &rng)
notebook.table(["epoch", "loss", "accuracy", "val_loss", "val_accuracy"], (0..<history.epochCount).map { e in
    [String(e + 1)] + [HistoryKey.loss, .accuracy, .validationLoss, .validationAccuracy].map { formatNumber("%.4f", history[$0][e]) }
}, printed: false)
let test = model.evaluate(testX, testY, loss: CategoricalCrossentropy(), metrics: [.accuracy])
notebook.say("evaluate on the \(grouped(testY.shape[0])) test images, which the network has never seen"
    + (notebook.options.data == nil ? " (with the shipped subset they are held-out digits of MNIST's training set, "
        + "not MNIST's own test set; --data reads the full set with its real 10,000 test images)" : "") + ":")
notebook.show("test loss", formatNumber("%.4f", test[.loss]!))
notebook.show("test accuracy", formatNumber("%.4f", test[.accuracy]!))
notebook.record("testAccuracy", test[.accuracy]!)
notebook.record("epochs", history.epochCount)
let predictedClasses = model.predictClasses(testX)
let firstProbabilities = model.predict(testX.rows(0 ..< 1))
notebook.say("""
    predict gives the ten probabilities of each image; the predicted class is the largest. For the first test \
    image (a \(mnist.testLabels[0])), predicted \(predictedClasses[0]):
    """)
notebook.table(["class"] + (0..<10).map(String.init), [["P"] + (0..<10).map { formatNumber("%.3f", Double(firstProbabilities[0, $0])) }])

// MARK: - Figures
notebook.section("Figures")
notebook.figure(Charts.history(history, name: "lesson07-history", title: "MNIST: loss and accuracy per epoch"),
                caption: "training and validation loss (left axis) and accuracy (right axis), as Keras plots a History", main: true)
let wrong = predictedClasses.indices.filter { predictedClasses[$0] != mnist.testLabels[$0] }
let firstShown = min(18, testY.shape[0])   // a small --data set may have fewer test images
let shownImages = Array(0..<firstShown) + wrong.filter { $0 >= firstShown }.prefix(6)
let digitPanels = shownImages.map { i -> Panel in
    let image = testX.row(i)
    let pixels = (0..<28).map { r in (0..<28).map { c in Double(image[r * 28 + c]) } }
    let right = predictedClasses[i] == mnist.testLabels[i]
    return Panel(title: right ? "\(predictedClasses[i])" : "✗ \(predictedClasses[i]) (is \(mnist.testLabels[i]))",
                 heatmap: Heatmap(pixels, palette: right ? .grayInverted : .gray, colorRange: 0...1, showColorBar: false),
                 equalAspect: true, hideAxes: true)
}
notebook.figure(Figure(name: "lesson07-predictions", title: "Test digits and their predicted classes (✗: wrong, shown inverted)",
                       panels: digitPanels, layout: (4, 6), width: 900, height: 700),
                caption: "the first \(firstShown) test digits and \(shownImages.count - firstShown) more misclassified ones, with the predicted class")
notebook.record("misclassified", wrong.count)

notebook.finish()
