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
notebook.say("""
    Data: \(reviews.source). The course's movie-review task: is a review positive (1) or negative (0)? \
    Each review becomes a row of \(grouped(words)) zeros with a 1 in the column of every word it uses, among the \
    \(grouped(words)) most frequent words of the training reviews (Keras' vectorize_sequences). The label is one number.
    """)
notebook.show("training inputs", Shape.describe(reviews.trainInputs.shape))
notebook.show("validation inputs", Shape.describe(reviews.validationInputs.shape))
let wordsPerReview = reviews.trainInputs.sum() / Float(trainCount)
notebook.show("distinct vocabulary words per training review, on average", formatNumber("%.1f", Double(wordsPerReview)))
if !reviews.vocabulary.isEmpty {
    let firstWords = reviews.trainInputs.row(0).scalars.indices.filter { reviews.trainInputs[0, $0] == 1 }.map { reviews.vocabulary[$0] }
    notebook.show("the words of training review 1 (label \(Int(reviews.trainLabels[0, 0])))", firstWords.prefix(12).joined(separator: " "))
}
notebook.say("""
    Almost every entry is 0, so the library's matrix product notices (at most 1 in 20 nonzero) and adds up only \
    the weight rows of the words present: the same sums, skipping the multiplications by zero.
    """)
notebook.record("words", words)

// MARK: - Three capacities
notebook.section("The original, smaller and bigger networks, over several seeds")
let epochs = notebook.epochs(20, quick: 6)
let seeds = notebook.seeds(4, quick: 2)
notebook.say("""
    The course's network: two hidden ReLU layers of 16 units and one sigmoid output, trained with binary cross-entropy \
    and RMSProp. Beside it, the same with 4 units per hidden layer (less capacity), with 96 (DSCI353's "increasing \
    capacity" model) and with 512 (far more). Everything else is equal: the same data, epochs, batches and optimizer.
    """)
notebook.say("""
    One training run is one draw: another seed gives other initial weights and another order of the mini-batches, and \
    so other numbers. Each network is therefore trained from \(seeds.count) seeds (four, not five: the 512-unit runs are \
    the slowest of the course, and two cores run them two at a time); for a given seed all four start from the same \
    random stream and see the batches in the same order. The tables give the mean ± standard deviation over the seeds, \
    and two networks are called different only when their seed-by-seed difference, averaged, is more than twice its \
    standard error (lesson 10 explains the rule). The first seed's 16-16-1 run is the very run of lessons 10 and 11.
    """)
/// The optimizer of every review run, stated once: the settings line prints this value.
let optimizer = RMSProp<Float>()
notebook.settings(["epochs": epochs, "batch": 512, "optimizer": optimizer, "loss": BinaryCrossentropy().name,
                   "seeds": seeds.map(String.init).joined(separator: ", ")])
let sizes: [(name: String, hidden: Int)] = [("smaller", 4), ("original", 16), ("DSCI353's", 96), ("bigger", 512)]
let (smaller, original, bigger) = (0, 1, 3)
let runs = notebook.repeated(seeds, over: sizes) { size, seed in
    // hidden-hidden-1 (Sources/Notebook/ReviewModel.swift) from `seed`.
    var (network, rng) = reviewNetwork(words: words, hidden: size.hidden, seed: seed)
    let clock = ContinuousClock(), start = clock.now
    let history = network.fit(reviews.trainInputs, reviews.trainLabels, epochs: epochs, descent: .miniBatch(512),
                              loss: BinaryCrossentropy(), optimizer: optimizer, metrics: [.binaryAccuracy],
                              validation: .data(reviews.validationInputs, reviews.validationLabels), progress: .quiet, rng: &rng)
    return ["loss": history[.loss], "valLoss": history[.validationLoss], "accuracy": history[.binaryAccuracy],
            "valAccuracy": history[.validationBinaryAccuracy], "seconds": [(clock.now - start).seconds]]
}
for i in sizes.indices {
    notebook.timing("\(sizes[i].name) (\(sizes[i].hidden) units): \(formatNumber("%.2f", runs[i].values("seconds")[0][0])) s for "
        + "\(epochs) epochs (first seed, one thread)")
}
/// Per network, over the seeds: the epoch of the lowest validation loss, that loss, the final losses.
let lowestEpoch = runs.map { $0.spread("valLoss") { Double(epochOfMinimum($0)) } }
let lowestLoss = runs.map { $0.spread("valLoss") { $0.min()! } }
notebook.table(["network", "layers", "parameters", "lowest val_loss at epoch", "lowest val_loss", "final loss", "final val_loss"],
               sizes.indices.map { i in
    let h = sizes[i].hidden
    return [sizes[i].name, "\(words)-\(h)-\(h)-1", grouped((words + 1) * h + (h + 1) * h + (h + 1)), lowestEpoch[i].formatted("%.1f"),
            lowestLoss[i].formatted(), runs[i].spread("loss").formatted(), runs[i].spread("valLoss").formatted()]
})
notebook.say("The validation loss per epoch, mean over the \(seeds.count) seeds:")
let meanValidation = runs.map { $0.curve("valLoss").map(\.mean) }
notebook.table(["epoch"] + sizes.map { "val_loss \($0.hidden)" }, (0..<epochs).map { e in
    [String(e + 1)] + sizes.indices.map { formatNumber("%.4f", meanValidation[$0][e]) }
})
for i in sizes.indices {
    notebook.record("bestEpoch.\(sizes[i].name)", lowestEpoch[i].mean)
    notebook.record("validationLoss.\(sizes[i].name)", meanValidation[i])
}
// The first seed's run of the original network: the same run as lesson 10's without a penalty and lesson 11's without dropout.
notebook.record("firstSeedValidationLoss", runs[original].values("valLoss")[0])
let biggerSooner = Comparison(lowestEpoch[bigger], lowestEpoch[original])
let smallerLater = Comparison(lowestEpoch[smaller], lowestEpoch[original])
let capacitySummary = "Read the tables by the epoch of the lowest validation loss. "
    + biggerSooner.sentence("The bigger network", "the original", higher: "reaches it later", lower: "reaches it sooner", format: "%.1f")
    + "; " + smallerLater.sentence("the smaller network", "the original", higher: "reaches it later", lower: "reaches it sooner",
                                   format: "%.1f") + ". "
    + (biggerSooner.isClear && biggerSooner.difference < 0
        ? "The more capacity, the sooner the network starts to overfit. "
        : "These runs do not show that more capacity overfits sooner. ")
notebook.say(capacitySummary + "After its minimum a network's validation loss rises while its training loss keeps falling: the "
    + "weights are adjusting to the particular training reviews, not to what makes a review positive.")
notebook.record("capacitySummary", capacitySummary)
notebook.record("biggerSooner", biggerSooner)
notebook.record("smallerLater", smallerLater)

// MARK: - The bigger network up close
notebook.section("Training versus validation of the bigger network")
let biggerRun = runs[bigger].runs[0]
notebook.say("The first seed's run, epoch by epoch:")
notebook.table(["epoch", "loss", "val_loss", "binary_accuracy", "val_binary_accuracy"], (0..<epochs).map { e in
    [String(e + 1)] + ["loss", "valLoss", "accuracy", "valAccuracy"].map { formatNumber("%.4f", biggerRun[$0]![e]) }
})
// Over the seeds: the validation accuracy at the epoch of the lowest validation loss, its best, and its last.
let atLowest = Spread(runs[bigger].runs.map { $0["valAccuracy"]![epochOfMinimum($0["valLoss"]!) - 1] })
let finalAccuracy = runs[bigger].spread("valAccuracy"), bestAccuracy = runs[bigger].spread("valAccuracy") { $0.max()! }
let lossRise = Comparison(runs[bigger].spread("valLoss"), lowestLoss[bigger])
let accuracyAfter = Comparison(finalAccuracy, atLowest)
notebook.say("The training loss of the 512-unit network falls to \(runs[bigger].spread("loss").formatted()): it can fit almost "
    + "every training review. Its validation loss is lowest at epoch \(lowestEpoch[bigger].formatted("%.1f")), and "
    + lossRise.sentence("at the last epoch it", "at its lowest", higher: "is higher", lower: "is lower") + ". "
    + "The validation accuracy tells another story: at the epoch of the lowest loss it is \(atLowest.formatted()), at its best "
    + "\(bestAccuracy.formatted()). "
    + accuracyAfter.statement("the validation accuracy", "at the last epoch", "at the epoch of the lowest loss")
    + ". The loss and the accuracy disagree because the cross-entropy punishes confident mistakes: after its minimum the network "
    + "grows more confident on the reviews it gets wrong, while the share it gets right "
    + (accuracyAfter.isClear ? (accuracyAfter.difference > 0 ? "still rises" : "falls too") : "hardly moves")
    + ". By the lesson's definition, the loss says when overfitting starts; what it costs depends on the measure that matters. "
    + "Stopping where the validation loss is lowest is early stopping: Keras's EarlyStopping callback, here `EarlyStopping` "
    + "in Sources/Neural/Training.swift, watches val_loss and stops once it has not improved for `patience` epochs.")
notebook.record("accuracyAfterLowest", accuracyAfter)
notebook.say("""
    How these accuracies compare with the course's: the course's IMDB reviews reach about 88 % with this network. \
    These are Rotten Tomatoes sentences (see the data note above): a sentence uses about \
    \(formatNumber("%.0f", Double(wordsPerReview))) words of the vocabulary where an IMDB review uses well over a hundred, so each \
    example carries far less evidence for its label, and the best validation accuracy here, \
    \(bestAccuracy.formatted()), is lower for that reason, not because the network is different.
    """)

// MARK: - MNIST
notebook.section("MNIST: logistic regression versus a hidden layer of 512, over several seeds")
let (mnist, note) = notebook.require { try MNIST.load(requested: nil) }   // --data is the reviews here; BACKPROP_MNIST=DIR for full MNIST
if let note { notebook.say(note) }
let mnistCount = notebook.count(mnist.trainImages.shape[0], quick: 1000)
let mnistX = mnist.trainImages.rows(0 ..< mnistCount) / 255
let mnistLabels = Array(mnist.trainLabels.prefix(mnistCount))
let mnistY = Tensor<Float>.oneHot(mnistLabels, classes: 10)
let mnistEpochs = notebook.epochs(20, quick: 4)
let mnistSeeds = notebook.seeds(4, quick: 2)
notebook.say("""
    The same question on digits. Logistic regression is a network with no hidden layer: 10 softmax units on \
    the 784 pixels (7,850 parameters). The course's 784-512-10 network has 407,050. Both train on the first 80 % of \
    \(grouped(mnistCount)) training images and are validated on the last 20 %, from \(mnistSeeds.count) seeds.
    """)
notebook.settings(["epochs": mnistEpochs, "batch": 128, "optimizer": optimizer, "validation split": 0.2])
let mnistModels: [(name: String, hidden: Int)] = [("logistic regression", 0), ("512-10", 512)]
let mnistRuns = notebook.repeated(mnistSeeds, over: mnistModels) { model, seed in
    var rng = SeededGenerator(seed: seed)
    let layers: [any Layer<Float>] = model.hidden == 0
        ? [Dense(inputs: 784, units: 10, activation: .softmax, using: &rng)]
        : [Dense(inputs: 784, units: model.hidden, activation: .relu, using: &rng),
           Dense(inputs: model.hidden, units: 10, activation: .softmax, using: &rng)]
    var network = Sequential<Float>(inputShape: [784], layers: layers)
    let history = network.fit(mnistX, mnistY, epochs: mnistEpochs, descent: .miniBatch(128), loss: CategoricalCrossentropy(),
                              optimizer: optimizer, metrics: [.accuracy], validation: .split(0.2), progress: .quiet, rng: &rng)
    return ["loss": history[.loss], "valLoss": history[.validationLoss], "valAccuracy": history[.validationAccuracy]]
}
let mnistLowestEpoch = mnistRuns.map { $0.spread("valLoss") { Double(epochOfMinimum($0)) } }
let mnistBestAccuracy = mnistRuns.map { $0.spread("valAccuracy") { $0.max()! } }
notebook.table(["model", "lowest val_loss at epoch", "lowest val_loss", "final loss", "final val_loss", "best val_accuracy"],
               mnistModels.indices.map { i in
    [mnistModels[i].name, mnistLowestEpoch[i].formatted("%.1f"), mnistRuns[i].spread("valLoss") { $0.min()! }.formatted(),
     mnistRuns[i].spread("loss").formatted(), mnistRuns[i].spread("valLoss").formatted(), mnistBestAccuracy[i].formatted()]
})
notebook.record("mnistBestEpoch.logistic", mnistLowestEpoch[0].mean)
notebook.record("mnistBestEpoch.hidden512", mnistLowestEpoch[1].mean)
let mnistSooner = Comparison(mnistLowestEpoch[1], mnistLowestEpoch[0])
let mnistAccuracy = Comparison(mnistBestAccuracy[1], mnistBestAccuracy[0])
let logisticStillImproving = mnistRuns[0].values("valLoss").allSatisfy { epochOfMinimum($0) == mnistEpochs }
notebook.say(mnistSooner.sentence("The 512-unit network", "logistic regression", higher: "reaches its lowest validation loss later",
                                  lower: "reaches its lowest validation loss sooner", format: "%.1f")
    + (mnistSooner.isClear && mnistSooner.difference < 0 ? ": with 50 times more parameters it fits faster and starts overfitting sooner" : "")
    + (logisticStillImproving ? ", while the linear model is still improving at the last epoch in every run. " : ". ")
    + mnistAccuracy.sentence("Its best validation accuracy", "logistic regression's", higher: "is higher", lower: "is lower")
    + (mnistAccuracy.isClear && mnistAccuracy.difference > 0
        ? ": more capacity than needed is not harmful by itself, as long as training stops near the validation minimum."
        : ".")
    + " On the course's full 60,000 images this 784-512-10 network reaches about 97.8 % test accuracy (Chollet's first example)"
    + (mnistCount < 60_000
        ? "; trained on \(grouped(mnistCount * 4 / 5)) images it sees \(60_000 / (mnistCount * 4 / 5)) times fewer examples of each "
            + "digit's handwriting, so its accuracy here is lower. Set BACKPROP_MNIST to a folder with the standard files to train on all of them."
        : "."))
notebook.record("mnistSooner", mnistSooner)

// MARK: - Grid search
notebook.section("Choosing capacity by grid search with 3-fold validation")
let gridCount = notebook.count(mnistCount, quick: 600)
let gridX = mnistX.rows(0 ..< gridCount), gridY = mnistY.rows(0 ..< gridCount)
let epochGrid = [1, 5, 10], hiddenGrid = [32, 64, 256]
notebook.say("""
    The course's grid search (W4995, lecture 8): the 784-h-10 network with ReLU and softmax, trained with Adam, \
    for every number of epochs in {1, 5, 10} and every hidden size in {32, 64, 256}. Each setting is scored by 3-fold \
    validation on \(grouped(gridCount)) training images: train on two folds, measure accuracy on the third, three times, \
    and average. One 10-epoch run per fold and size gives all three epoch settings: the network after epoch 1 of it \
    is exactly the network a 1-epoch run would give (same seed, same initial weights, same shuffles).
    """)
let adam = Adam<Float>()
notebook.settings(["folds": 3, "batch": 32, "optimizer": adam, "seed": notebook.seed])
let folds = Split.kFold(count: gridCount, folds: 3)
/// A fresh 784-h-10 network.
func gridNetwork(hidden: Int, _ rng: inout SeededGenerator) -> Sequential<Float> {
    Sequential<Float>(inputShape: [784], layers: [
        Dense(inputs: 784, units: hidden, activation: .relu, using: &rng),
        Dense(inputs: hidden, units: 10, activation: .softmax, using: &rng),
    ])
}
/// The training and validation-fold accuracy after each epoch of `epochGrid`, for one hidden size and fold.
func gridRun(hidden: Int, fold f: Int) -> (train: [Double], test: [Double]) {
    let split = folds[f]
    let trainX = gridX.rows(at: split.train), trainY = gridY.rows(at: split.train)
    let testX = gridX.rows(at: split.validation), testY = gridY.rows(at: split.validation)
    var rng = SeededGenerator(seed: notebook.seed &+ UInt64(hidden * 10 + f))
    var network = gridNetwork(hidden: hidden, &rng)
    var train: [Double] = [], test: [Double] = []
    network.fit(trainX, trainY, epochs: epochGrid.max()!, descent: .miniBatch(32), loss: CategoricalCrossentropy(),
                optimizer: adam, progress: .quiet,
                callbacks: Callbacks(onEpoch: { event in
                    guard epochGrid.contains(event.epoch) else { return }
                    train.append(event.network.evaluate(trainX, trainY, loss: CategoricalCrossentropy(), metrics: [.accuracy])[.accuracy]!)
                    test.append(event.network.evaluate(testX, testY, loss: CategoricalCrossentropy(), metrics: [.accuracy])[.accuracy]!)
                }), rng: &rng)
    return (train, test)
}
let gridStart = ContinuousClock().now
// The 9 runs (3 sizes × 3 folds) are independent: side by side, one per core.
let gridJobs = hiddenGrid.flatMap { h in folds.indices.map { (hidden: h, fold: $0) } }
let gridResults = Parallelism.sideBySide(gridJobs.count) { gridRun(hidden: gridJobs[$0].hidden, fold: gridJobs[$0].fold) }
notebook.timing("grid search: \(formatNumber("%.2f", (ContinuousClock().now - gridStart).seconds)) s for \(gridJobs.count) runs")
/// A cell of the pivot table: its scores on each fold.
struct Cell { let hidden: Int, epochs: Int, train: Spread, test: Spread }
let cells = hiddenGrid.flatMap { h in epochGrid.indices.map { e in
    let results = gridJobs.indices.filter { gridJobs[$0].hidden == h }.map { gridResults[$0] }
    return Cell(hidden: h, epochs: epochGrid[e], train: Spread(results.map { $0.train[e] }), test: Spread(results.map { $0.test[e] }))
} }
func cell(_ h: Int, _ e: Int) -> Cell { cells.first { $0.hidden == h && $0.epochs == e }! }
// The claim above, checked once: a separate 1-epoch run from the same seed as the (h = 32, fold 1) run.
var checkRNG = SeededGenerator(seed: notebook.seed &+ UInt64(hiddenGrid[0] * 10))
var separate = gridNetwork(hidden: hiddenGrid[0], &checkRNG)
let checkTrain = folds[0].train, checkTest = folds[0].validation
separate.fit(gridX.rows(at: checkTrain), gridY.rows(at: checkTrain), epochs: 1, descent: .miniBatch(32), loss: CategoricalCrossentropy(),
             optimizer: adam, progress: .quiet, rng: &checkRNG)
let oneEpochCheck = (fromLongRun: gridResults[0].test[0],
                     separate: separate.evaluate(gridX.rows(at: checkTest), gridY.rows(at: checkTest), loss: CategoricalCrossentropy(),
                                                 metrics: [.accuracy])[.accuracy]!)
let best = cells.max { $0.test.mean < $1.test.mean }!
notebook.say("""
    The slide's pivot table: mean training score / mean test (validation-fold) score ± its standard deviation over \
    the 3 folds, accuracy, for each cell. ★ marks the best mean test score.
    """)
notebook.table(["hidden units"] + epochGrid.map { "epochs = \($0)" }, hiddenGrid.map { h in
    [String(h)] + epochGrid.map { e in
        let c = cell(h, e)
        return formatNumber("%.3f", c.train.mean) + " / " + c.test.formatted("%.3f") + (c.hidden == best.hidden && c.epochs == best.epochs ? " ★" : "")
    }
})
// The best cell against the runner-up, fold by fold (the folds are the same in every cell).
let runnerUp = cells.filter { $0.hidden != best.hidden || $0.epochs != best.epochs }.max { $0.test.mean < $1.test.mean }!
let bestAgainstRunnerUp = Comparison(best.test, runnerUp.test, run: "fold")
// The train − test gap of each cell, and whether each row's test score still rises from 5 to 10 epochs.
let gaps = hiddenGrid.map { h in epochGrid.map { e in cell(h, e).train.mean - cell(h, e).test.mean } }
let gapsWiden = gaps.allSatisfy { row in zip(row, row.dropFirst()).allSatisfy { $0 < $1 } }
let lateGains = hiddenGrid.map { h in Comparison(cell(h, epochGrid[2]).test, cell(h, epochGrid[1]).test, run: "fold") }
let testFalls = lateGains.filter { $0.isClear && $0.difference < 0 }.count
let testRises = lateGains.filter { $0.difference > 0 }.count
let gridSummary = "Best: \(best.hidden) hidden units for \(best.epochs) epochs, mean test accuracy \(best.test.formatted("%.3f")) "
    + "(training \(formatNumber("%.3f", best.train.mean))); against the runner-up (\(runnerUp.hidden) units, \(runnerUp.epochs) epochs), "
    + bestAgainstRunnerUp.sentence("it", "that cell", higher: "scores higher", lower: "scores lower", format: "%.3f") + ". "
    + "The gap between training and test score \(gapsWiden ? "widens with the epochs in every row" : "does not widen steadily in every row") "
    + "(from \(formatNumber("%.3f", gaps.map { $0.first! }.min()!)) to \(formatNumber("%.3f", gaps.flatMap { $0 }.max()!))), "
    + (testFalls == 0
        ? "yet in no row does the test score fall from 5 to 10 epochs beyond the fold-to-fold spread (its mean rises in \(testRises) "
            + "of \(hiddenGrid.count)): by this "
            + "lesson's definition no cell overfits. A widening gap says the network fits its training folds faster than it improves "
            + "on new data, the room in which overfitting will begin; overfitting itself is the test score getting worse."
        : "and the test score falls from 5 to 10 epochs in \(testFalls) of \(hiddenGrid.count) rows beyond the fold-to-fold spread: "
            + "there the network overfits.")
notebook.say(gridSummary + " The search only ranks settings; the chosen network is then retrained on all the training data and "
    + "judged once on the test set.")
notebook.say("""
    The course's table comes from all 60,000 MNIST images, 20 times as many examples per fold as here: its test scores \
    are higher and its gaps smaller, because a network fitted to 40,000 images has far less room to fit noise than one fitted \
    to \(grouped(gridCount * 2 / 3)). With BACKPROP_MNIST set to the standard files, this cell computes that table.
    """)
notebook.show("1-epoch score from the 10-epoch run vs a separate 1-epoch run (h = 32, fold 1)",
              formatNumber("%.6f", oneEpochCheck.fromLongRun) + " vs " + formatNumber("%.6f", oneEpochCheck.separate))
notebook.record("oneEpochRunsAgree", oneEpochCheck.fromLongRun == oneEpochCheck.separate)
notebook.record("gridSummary", gridSummary)
notebook.record("gridTestFalls", testFalls)
notebook.record("gridRows", hiddenGrid.count)
notebook.record("gridColumns", epochGrid.count)
notebook.record("gridBestHidden", best.hidden)
notebook.record("gridBestEpochs", best.epochs)
notebook.record("gridBestTest", best.test.mean)
notebook.record("gridTestScores", cells.map(\.test.mean))

// MARK: - Figures
notebook.section("Figures")
let epochAxis = (1...epochs).map(Double.init)
/// Network `i`'s mean validation loss over the seeds, with the band of their lowest and highest.
func validationSeries(_ i: Int, _ color: String, pointType: Int) -> [Series] {
    let curve = runs[i].curve("valLoss")
    return [Series.band(x: epochAxis, spread: curve, color: color),
            Series("\(sizes[i].name) (\(sizes[i].hidden) units)", x: epochAxis, y: curve.map(\.mean), style: .linesPoints, color: color,
                   pointType: pointType, pointSize: 1)]
}
notebook.figure(Figure(name: "lesson09-smaller", panel: Panel(title: "Effect of model capacity on validation loss: a smaller model",
                                                              xLabel: "epoch", yLabel: "validation loss",
                                                              series: validationSeries(original, seriesColors[0], pointType: 1)
                                                                + validationSeries(smaller, seriesColors[1], pointType: 7), legend: .topLeft)),
                caption: "validation loss of the original (16 units) and the smaller network (4 units) per epoch; \(notebook.bandNote(runs[0]))")
notebook.figure(Figure(name: "lesson09-bigger", panel: Panel(title: "Effect of model capacity on validation loss: a bigger model",
                                                             xLabel: "epoch", yLabel: "validation loss",
                                                             series: validationSeries(original, seriesColors[0], pointType: 1)
                                                                + validationSeries(bigger, seriesColors[3], pointType: 7), legend: .topLeft)),
                caption: "validation loss of the original (16 units) and the bigger network (512 units) per epoch; \(notebook.bandNote(runs[0]))",
                main: true)
let firstBest = epochOfMinimum(biggerRun["valLoss"]!)
notebook.figure(Figure(name: "lesson09-bigger-overfits", panel: Panel(
    title: "The bigger network: training and validation loss (seed \(seeds[0]))", xLabel: "epoch", yLabel: "loss",
    series: [Series("training loss", x: epochAxis, y: biggerRun["loss"]!, style: .linesPoints, color: seriesColors[0], pointType: 7, pointSize: 0.8),
             Series("validation loss", x: epochAxis, y: biggerRun["valLoss"]!, style: .linesPoints, color: seriesColors[3], pointType: 7, pointSize: 0.8),
             Series("lowest validation loss (epoch \(firstBest))", x: [Double(firstBest)], y: [biggerRun["valLoss"]![firstBest - 1]],
                    style: .points, color: "#000000", pointType: 6, pointSize: 2.5)], legend: .below)),
                caption: "training versus validation loss of the 512-unit network, its validation minimum circled")
let mnistAxis = (1...mnistEpochs).map(Double.init)
notebook.figure(Figure(name: "lesson09-mnist", panel: Panel(
    title: "MNIST: logistic regression versus 784-512-10", xLabel: "epoch", yLabel: "loss",
    series: mnistModels.indices.flatMap { i -> [Series] in
        let validation = mnistRuns[i].curve("valLoss")
        return [Series.band(x: mnistAxis, spread: validation, color: seriesColors[i]),
                Series("\(mnistModels[i].name) validation", x: mnistAxis, y: validation.map(\.mean), style: .linesPoints,
                       color: seriesColors[i], pointType: 7, pointSize: 0.8),
                Series("\(mnistModels[i].name) training", x: mnistAxis, y: mnistRuns[i].curve("loss").map(\.mean), color: seriesColors[i],
                       dashed: true)]
    })), caption: "training (dashed) and validation loss of a linear model and a 512-unit hidden layer; \(notebook.bandNote(mnistRuns[0]))")
notebook.figure(Figure(name: "lesson09-grid", panel: Panel(
    title: "Grid search: mean 3-fold validation accuracy", xLabel: "epochs", yLabel: "hidden units",
    heatmap: Heatmap(hiddenGrid.reversed().map { h in epochGrid.map { e in cell(h, e).test.mean } }, palette: .viridis),
    showGrid: false,
    commands: ["set xtics (" + epochGrid.enumerated().map { "\"\($1)\" \($0)" }.joined(separator: ", ") + ")",
               "set ytics (" + hiddenGrid.reversed().enumerated().map { "\"\($1)\" \($0)" }.joined(separator: ", ") + ")"])),
                caption: "the grid search's mean test score for each number of epochs and hidden size")

notebook.finish()
