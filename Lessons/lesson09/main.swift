/// Lesson 09 · Capacity: underfitting and overfitting
///
/// The one concept: a network's capacity (how many parameters it has to fit with) decides
/// whether it underfits, fits or overfits. Too small, and training and validation loss stay
/// high together; too large, and the training loss keeps falling while the validation loss
/// turns up after a few epochs: the network memorizes its training examples. Capacity is a
/// hyperparameter, chosen by validation (here by hand, then by a grid search with k-fold
/// validation, `Split.kFold` in Sources/Datasets/Preprocessing.swift).
import Datasets
import Foundation
import Neural
import Notebook
import Plotting
import Tensors

let notebook = LessonNotebook(
    lesson: 9, title: "Capacity: underfitting and overfitting", usesData: true,
    concept: "Underfitting: the model is too simple to capture the pattern, and both the training and the validation "
        + "loss stay high. Overfitting: the model has so many parameters that it fits the noise of its training "
        + "examples; the training loss keeps falling while the validation loss reaches a minimum and rises. Between "
        + "the two lies the capacity that generalizes best, and only data the network was not trained on can find it.",
    formulas: ["parameters of a dense layer:  (inputs + 1) · units",
               "overfitting starts at the epoch where the validation loss is lowest:  e* = argmin_e val_loss(e)",
               "k-fold score of a setting:  (1/k) Σᵢ accuracy on fold i of the network trained on the other k − 1"])

/// The epoch (from 1) with the lowest value.
func epochOfMinimum(_ values: [Double]) -> Int {
    (values.indices.min { values[$0] < values[$1] } ?? 0) + 1
}

// MARK: - The data
notebook.section("Movie reviews as multi-hot vectors")
var rng = notebook.rng
if notebook.options.data != nil {
    notebook.say("--data: reading the full aclImdb reviews (train/labeledBow.feat, imdb.vocab) from \(notebook.options.data!).")
}
// The reviews split by a generator of the lesson's seed, as in lessons 10 and 11: the same data there.
var dataRNG = SeededGenerator(seed: notebook.seed)
let reviews = notebook.require {
    try ReviewSet.forLesson(requested: notebook.options.data, quick: notebook.quick, using: &dataRNG) { notebook.say($0) }
}
let words = reviews.trainInputs.shape[1]
let trainCount = reviews.trainInputs.shape[0], validationCount = reviews.validationInputs.shape[0]
notebook.say("Data: \(reviews.source). The course's movie-review task: is a review positive (1) or negative (0)? "
    + "Each review becomes a row of \(grouped(words)) zeros with a 1 in the column of every word it uses, among the "
    + "\(grouped(words)) most frequent words of the training reviews (Keras' vectorize_sequences). The label is one number.")
notebook.show("training inputs", Shape.describe(reviews.trainInputs.shape))
notebook.show("validation inputs", Shape.describe(reviews.validationInputs.shape))
let wordsPerReview = reviews.trainInputs.sum() / Float(trainCount)
notebook.show("distinct vocabulary words per training review, on average", formatNumber("%.1f", Double(wordsPerReview)))
if !reviews.vocabulary.isEmpty {
    let firstWords = reviews.trainInputs.row(0).scalars.indices.filter { reviews.trainInputs[0, $0] == 1 }.map { reviews.vocabulary[$0] }
    notebook.show("the words of training review 1 (label \(Int(reviews.trainLabels[0, 0])))", firstWords.prefix(12).joined(separator: " "))
}
notebook.say("Almost every entry is 0, so the library's matrix product notices (at most 1 in 20 nonzero) and adds up only "
    + "the weight rows of the words present: the same sums, skipping the multiplications by zero.")
notebook.record("words", words)

// MARK: - Three capacities
notebook.section("The original, a smaller and a bigger network")
let epochs = notebook.epochs(20, quick: 6)
notebook.say("The course's network: two hidden ReLU layers of 16 units and one sigmoid output, trained with binary "
    + "cross-entropy and RMSProp. Beside it, the same with 4 units per hidden layer (less capacity) and with 512 (far more). "
    + "Everything else is equal: the same data, epochs, batches and optimizer.")
notebook.settings(["epochs": epochs, "batch": 512, "optimizer": "RMSProp (η = 0.001)", "loss": "binary cross-entropy",
                   "seed": notebook.seed])
let sizes = [("smaller", 4), ("original", 16), ("bigger", 512)]
var histories: [String: History] = [:]
var capacityRows: [[String]] = []
let clock = ContinuousClock()
for (name, hidden) in sizes {
    // hidden-hidden-1 (Sources/Notebook/ReviewModel.swift), from the lesson's seed: the original
    // 16-16-1 run here is the very run of lessons 10 and 11 with the same seed.
    var (network, rng) = reviewNetwork(words: words, hidden: hidden, seed: notebook.seed)
    let start = clock.now
    let history = network.fit(reviews.trainInputs, reviews.trainLabels, epochs: epochs, descent: .miniBatch(512),
                              loss: BinaryCrossentropy(), optimizer: RMSProp(), metrics: [.binaryAccuracy],
                              validation: .data(reviews.validationInputs, reviews.validationLabels), progress: .quiet, rng: &rng)
    notebook.timing("\(name) (\(hidden) units): \(formatNumber("%.2f", (clock.now - start).seconds)) s for \(epochs) epochs")
    histories[name] = history
    let best = epochOfMinimum(history[.validationLoss])
    capacityRows.append([name, "\(words)-\(hidden)-\(hidden)-1", grouped(network.parameterCount.total), String(best),
                         formatNumber("%.4f", history[.validationLoss][best - 1]), formatNumber("%.4f", history[.loss].last!),
                         formatNumber("%.4f", history[.validationLoss].last!)])
    notebook.record("bestEpoch.\(name)", best)
    notebook.record("validationLoss.\(name)", history[.validationLoss])
}
notebook.table(["network", "layers", "parameters", "lowest val_loss at epoch", "lowest val_loss", "final loss", "final val_loss"],
               capacityRows)
notebook.table(["epoch"] + sizes.map { "val_loss \($0.0)" }, (0..<epochs).map { e in
    [String(e + 1)] + sizes.map { formatNumber("%.4f", histories[$0.0]![.validationLoss][e]) }
})
let bestSmaller = epochOfMinimum(histories["smaller"]![.validationLoss])
let bestOriginal = epochOfMinimum(histories["original"]![.validationLoss])
let bestBigger = epochOfMinimum(histories["bigger"]![.validationLoss])
notebook.say("Read the table by the epoch of the lowest validation loss: the bigger network reaches it at epoch \(bestBigger), "
    + "the original at epoch \(bestOriginal), the smaller at epoch \(bestSmaller). "
    + (bestBigger < bestOriginal ? "The more capacity, the sooner the network starts to overfit" : "Here the bigger network did not overfit sooner")
    + (bestSmaller >= bestOriginal ? ", and the smaller network, with less to memorize with, keeps improving longer. " : ". ")
    + "After its minimum a network's validation loss rises while its training loss keeps falling: the weights are "
    + "adjusting to the particular training reviews, not to what makes a review positive.")

// MARK: - The bigger network up close
notebook.section("Training versus validation loss of the bigger network")
let bigger = histories["bigger"]!
notebook.table(["epoch", "loss", "val_loss", "binary_accuracy", "val_binary_accuracy"], (0..<epochs).map { e in
    [String(e + 1), formatNumber("%.4f", bigger[.loss][e]), formatNumber("%.4f", bigger[.validationLoss][e]),
     formatNumber("%.4f", bigger[.binaryAccuracy][e]), formatNumber("%.4f", bigger[.validationBinaryAccuracy][e])]
})
notebook.say("The training loss of the 512-unit network falls to \(formatNumber("%.4f", bigger[.loss].last!)): it can fit "
    + "almost every training review. Its validation loss is lowest at epoch \(bestBigger) "
    + "(\(formatNumber("%.4f", bigger[.validationLoss][bestBigger - 1]))) and ends at "
    + "\(formatNumber("%.4f", bigger[.validationLoss].last!)). Training longer than epoch \(bestBigger) only made it worse "
    + "on reviews it has not seen.")

// MARK: - MNIST
notebook.section("MNIST: logistic regression versus a hidden layer of 512")
let (mnist, note) = notebook.require { try MNIST.load(requested: nil) }   // --data is the reviews here; BACKPROP_MNIST=DIR for full MNIST
if let note { notebook.say(note) }
let mnistCount = notebook.count(mnist.trainImages.shape[0], quick: 1000)
let mnistX = mnist.trainImages.rows(0 ..< mnistCount) / 255
let mnistLabels = Array(mnist.trainLabels.prefix(mnistCount))
let mnistY = Tensor<Float>.oneHot(mnistLabels, classes: 10)
let mnistEpochs = notebook.epochs(20, quick: 4)
notebook.say("The same question on digits. Logistic regression is a network with no hidden layer: 10 softmax units on "
    + "the 784 pixels (7,850 parameters). The course's 784-512-10 network has 407,050. Both train on the first 80 % of "
    + "\(grouped(mnistCount)) training images and are validated on the last 20 %.")
notebook.settings(["epochs": mnistEpochs, "batch": 128, "optimizer": "RMSProp (η = 0.001)", "validation split": 0.2])
var mnistHistories: [(String, History)] = []
for (name, hidden) in [("logistic regression", 0), ("512-10", 512)] {
    let layers: [any Layer<Float>] = hidden == 0
        ? [Dense(inputs: 784, units: 10, activation: .softmax, using: &rng)]
        : [Dense(inputs: 784, units: hidden, activation: .relu, using: &rng),
           Dense(inputs: hidden, units: 10, activation: .softmax, using: &rng)]
    var network = Sequential<Float>(inputShape: [784], layers: layers)
    let history = network.fit(mnistX, mnistY, epochs: mnistEpochs, descent: .miniBatch(128), loss: CategoricalCrossentropy(),
                              optimizer: RMSProp(), metrics: [.accuracy], validation: .split(0.2), progress: .quiet, rng: &rng)
    mnistHistories.append((name, history))
}
notebook.table(["model", "lowest val_loss at epoch", "lowest val_loss", "final loss", "final val_loss", "final val_accuracy"],
               mnistHistories.map { name, h in
    let best = epochOfMinimum(h[.validationLoss])
    return [name, String(best), formatNumber("%.4f", h[.validationLoss][best - 1]), formatNumber("%.4f", h[.loss].last!),
            formatNumber("%.4f", h[.validationLoss].last!), formatNumber("%.4f", h[.validationAccuracy].last!)]
})
let logisticBest = epochOfMinimum(mnistHistories[0].1[.validationLoss])
let hiddenBest = epochOfMinimum(mnistHistories[1].1[.validationLoss])
notebook.record("mnistBestEpoch.logistic", logisticBest)
notebook.record("mnistBestEpoch.hidden512", hiddenBest)
let logisticAccuracy = mnistHistories[0].1[.validationAccuracy].max()!, hiddenAccuracy = mnistHistories[1].1[.validationAccuracy].max()!
notebook.say("The 512-unit network's validation loss is lowest at epoch \(hiddenBest), logistic regression's at epoch "
    + "\(logisticBest)" + (hiddenBest < logisticBest
        ? ": the network with 50 times more parameters fits faster and starts overfitting sooner"
            + (logisticBest == mnistEpochs ? ", while the linear model is still improving at the last epoch. " : ". ")
        : ". ")
    + "Their best validation accuracies are \(formatNumber("%.4f", hiddenAccuracy)) (512-10) and "
    + "\(formatNumber("%.4f", logisticAccuracy)) (logistic regression)"
    + (hiddenAccuracy > logisticAccuracy
        ? ": more capacity than needed is not harmful by itself, as long as training stops near the validation minimum."
        : "."))

// MARK: - Grid search
notebook.section("Choosing capacity by grid search with 3-fold validation")
let gridCount = notebook.count(mnistCount, quick: 600)
let gridX = mnistX.rows(0 ..< gridCount), gridY = mnistY.rows(0 ..< gridCount)
let epochGrid = [1, 5, 10], hiddenGrid = [32, 64, 256]
notebook.say("The course's grid search (W4995, lecture 8): the 784-h-10 network with ReLU and softmax, trained with Adam, "
    + "for every number of epochs in {1, 5, 10} and every hidden size in {32, 64, 256}. Each setting is scored by 3-fold "
    + "validation on \(grouped(gridCount)) training images: train on two folds, measure accuracy on the third, three times, "
    + "and average. One 10-epoch run per fold and size gives all three epoch settings: the network after epoch 1 of it "
    + "is exactly the network a 1-epoch run would give (same seed, same initial weights, same shuffles).")
notebook.settings(["folds": 3, "batch": 32, "optimizer": "Adam (η = 0.001)", "seed": notebook.seed])
let folds = Split.kFold(count: gridCount, folds: 3)
// scores[hidden][epochs] = per-fold (train accuracy, validation accuracy)
var scores: [Int: [Int: [(train: Double, test: Double)]]] = [:]
var oneEpochCheck: (fromLongRun: Double, separate: Double)?
let gridStart = clock.now
for hidden in hiddenGrid {
    for (f, split) in folds.enumerated() {
        let trainX = gridX.rows(at: split.train), trainY = gridY.rows(at: split.train)
        let testX = gridX.rows(at: split.validation), testY = gridY.rows(at: split.validation)
        var cellRNG = SeededGenerator(seed: notebook.seed &+ UInt64(hidden * 10 + f))
        func makeNetwork(_ rng: inout SeededGenerator) -> Sequential<Float> {
            Sequential<Float>(inputShape: [784], layers: [
                Dense(inputs: 784, units: hidden, activation: .relu, using: &rng),
                Dense(inputs: hidden, units: 10, activation: .softmax, using: &rng),
            ])
        }
        var trainingRNG = cellRNG
        var network = makeNetwork(&trainingRNG)
        network.fit(trainX, trainY, epochs: epochGrid.max()!, descent: .miniBatch(32), loss: CategoricalCrossentropy(),
                    optimizer: Adam(), progress: .quiet,
                    callbacks: Callbacks(onEpoch: { event in
                        guard epochGrid.contains(event.epoch) else { return }
                        let train = event.network.evaluate(trainX, trainY, loss: CategoricalCrossentropy(), metrics: [.accuracy])[.accuracy]!
                        let test = event.network.evaluate(testX, testY, loss: CategoricalCrossentropy(), metrics: [.accuracy])[.accuracy]!
                        scores[hidden, default: [:]][event.epoch, default: []].append((train, test))
                    }), rng: &trainingRNG)
        if hidden == hiddenGrid[0] && f == 0 {
            // The claim above, checked once: a separate 1-epoch run from the same seed.
            var separate = makeNetwork(&cellRNG)
            separate.fit(trainX, trainY, epochs: 1, descent: .miniBatch(32), loss: CategoricalCrossentropy(), optimizer: Adam(),
                         progress: .quiet, rng: &cellRNG)
            oneEpochCheck = (scores[hidden]![1]![0].test,
                             separate.evaluate(testX, testY, loss: CategoricalCrossentropy(), metrics: [.accuracy])[.accuracy]!)
        }
    }
}
notebook.timing("grid search: \(formatNumber("%.2f", (clock.now - gridStart).seconds)) s for \(hiddenGrid.count * folds.count) runs")
func mean(_ values: [Double]) -> Double { values.reduce(0, +) / Double(values.count) }
let cells = hiddenGrid.flatMap { h in epochGrid.map { e in (h, e, mean(scores[h]![e]!.map(\.train)), mean(scores[h]![e]!.map(\.test))) } }
let best = cells.max { $0.3 < $1.3 }!
notebook.say("The slide's pivot table: mean training score / mean test (validation-fold) score, accuracy, for each cell. "
    + "★ marks the best mean test score.")
notebook.table(["hidden units"] + epochGrid.map { "epochs = \($0)" }, hiddenGrid.map { h in
    [String(h)] + epochGrid.map { e in
        let cell = cells.first { $0.0 == h && $0.1 == e }!
        return formatNumber("%.3f", cell.2) + " / " + formatNumber("%.3f", cell.3) + (cell.0 == best.0 && cell.1 == best.1 ? " ★" : "")
    }
})
// The train − test gap of each cell, and whether it widens with the epochs in every row.
let gaps = hiddenGrid.map { h in epochGrid.map { e in cells.first { $0.0 == h && $0.1 == e }!.2 - cells.first { $0.0 == h && $0.1 == e }!.3 } }
let gapsWiden = gaps.allSatisfy { row in zip(row, row.dropFirst()).allSatisfy { $0 < $1 } }
let gapWords = (gapsWiden ? "widens with the epochs in every row" : "does not widen steadily in every row here")
    + " (from \(formatNumber("%.3f", gaps.map { $0.first! }.min()!)) to \(formatNumber("%.3f", gaps.flatMap { $0 }.max()!)))"
notebook.say("Best: \(best.0) hidden units for \(best.1) epochs, mean test accuracy \(formatNumber("%.3f", best.3)) "
    + "(training \(formatNumber("%.3f", best.2))). The gap between training and test score \(gapWords): that gap is what "
    + "overfitting looks like in a table. The search only ranks settings; the chosen network is then retrained on all "
    + "the training data and judged once on the test set.")
if let check = oneEpochCheck {
    notebook.show("1-epoch score from the 10-epoch run vs a separate 1-epoch run (h = 32, fold 1)",
                  formatNumber("%.6f", check.fromLongRun) + " vs " + formatNumber("%.6f", check.separate))
    notebook.record("oneEpochRunsAgree", check.fromLongRun == check.separate)
}
notebook.record("gridRows", hiddenGrid.count)
notebook.record("gridColumns", epochGrid.count)
notebook.record("gridBestHidden", best.0)
notebook.record("gridBestEpochs", best.1)
notebook.record("gridBestTest", best.3)
notebook.record("gridTestScores", cells.map(\.3))

// MARK: - Figures
notebook.section("Figures")
let epochAxis = (1...epochs).map(Double.init)
func validationSeries(_ name: String, _ color: String, pointType: Int) -> Series {
    Series("\(name) (\(sizes.first { $0.0 == name }!.1) units)", x: epochAxis, y: histories[name]![.validationLoss],
           style: .linesPoints, color: color, pointType: pointType, pointSize: 1)
}
notebook.figure(Figure(name: "lesson09-smaller", panel: Panel(title: "Effect of model capacity on validation loss: a smaller model",
                                                              xLabel: "epoch", yLabel: "validation loss",
                                                              series: [validationSeries("original", seriesColors[0], pointType: 1),
                                                                       validationSeries("smaller", seriesColors[1], pointType: 7)])),
                caption: "validation loss of the original (16 units) and the smaller network (4 units) per epoch")
notebook.figure(Figure(name: "lesson09-bigger", panel: Panel(title: "Effect of model capacity on validation loss: a bigger model",
                                                             xLabel: "epoch", yLabel: "validation loss",
                                                             series: [validationSeries("original", seriesColors[0], pointType: 1),
                                                                      validationSeries("bigger", seriesColors[3], pointType: 7)])),
                caption: "validation loss of the original (16 units) and the bigger network (512 units) per epoch", main: true)
notebook.figure(Figure(name: "lesson09-bigger-overfits", panel: Panel(
    title: "The bigger network: training and validation loss", xLabel: "epoch", yLabel: "loss",
    series: [Series("training loss", x: epochAxis, y: bigger[.loss], style: .linesPoints, color: seriesColors[0], pointType: 7, pointSize: 0.8),
             Series("validation loss", x: epochAxis, y: bigger[.validationLoss], style: .linesPoints, color: seriesColors[3], pointType: 7, pointSize: 0.8),
             Series("lowest validation loss (epoch \(bestBigger))", x: [Double(bestBigger)], y: [bigger[.validationLoss][bestBigger - 1]],
                    style: .points, color: "#000000", pointType: 6, pointSize: 2.5)], legend: .below)),
                caption: "training versus validation loss of the 512-unit network, its validation minimum circled")
let mnistAxis = (1...mnistEpochs).map(Double.init)
notebook.figure(Figure(name: "lesson09-mnist", panel: Panel(
    title: "MNIST: logistic regression versus 784-512-10", xLabel: "epoch", yLabel: "loss",
    series: mnistHistories.enumerated().flatMap { i, pair in
        [Series("\(pair.0) validation", x: mnistAxis, y: pair.1[.validationLoss], style: .linesPoints, color: seriesColors[i], pointType: 7, pointSize: 0.8),
         Series("\(pair.0) training", x: mnistAxis, y: pair.1[.loss], color: seriesColors[i], dashed: true)]
    })), caption: "training (dashed) and validation loss of a linear model and a 512-unit hidden layer")
notebook.figure(Figure(name: "lesson09-grid", panel: Panel(
    title: "Grid search: mean 3-fold validation accuracy", xLabel: "epochs", yLabel: "hidden units",
    heatmap: Heatmap(hiddenGrid.reversed().map { h in epochGrid.map { e in cells.first { $0.0 == h && $0.1 == e }!.3 } }, palette: .viridis),
    showGrid: false,
    commands: ["set xtics (" + epochGrid.enumerated().map { "\"\($1)\" \($0)" }.joined(separator: ", ") + ")",
               "set ytics (" + hiddenGrid.reversed().enumerated().map { "\"\($1)\" \($0)" }.joined(separator: ", ") + ")"])),
                caption: "the grid search's mean test score for each number of epochs and hidden size")

notebook.finish()
