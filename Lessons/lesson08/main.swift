/// Lesson 08 · Evaluating models
///
/// The one concept: a model is judged on data it was not trained on, and everything learned
/// from data (even the scaling of the inputs) must come from the training part only. The splits
/// are `Split` (holdout, kFold, iteratedKFold) and the scaling `Standardizer`, both in
/// Sources/Datasets/Preprocessing.swift.
import Datasets
import Foundation
import Neural
import Notebook
import Plotting
import Tensors

let notebook = LessonNotebook(
    lesson: 8, title: "Evaluating models",
    concept: "The training loss says how well a model fits what it has seen; only data it has not seen says how well "
        + "it generalizes. Hold-out validation sets part of the data aside; k-fold validation rotates which part, so "
        + "every example is validated on once, and averages the k scores. Any statistic used to prepare the data "
        + "(means, deviations) is computed on the training part and applied, unchanged, to the rest.",
    formulas: ["hold-out:  train on N − V examples, validate on V",
               "k-fold:    for i = 1…k: validate on fold i, train on the other k − 1;  score = (1/k) Σᵢ scoreᵢ",
               "standardize: z = (x − μ_train) / σ_train, feature by feature",
               "MAE = (1/n) Σ |ŷᵢ − yᵢ|        EMA smoothing: sₜ = 0.9 sₜ₋₁ + 0.1 xₜ"])

// MARK: - Splits
notebook.section("Hold-out, k-fold and iterated k-fold")
var rng = notebook.rng
notebook.say("Twelve examples, numbered 0…11. Hold-out validation with a quarter set aside (shuffled):")
let holdout = Split.holdout(count: 12, fraction: 0.25, using: &rng)
notebook.table(["set", "examples"], [["training", holdout.train.sorted().map(String.init).joined(separator: " ")],
                                     ["validation", holdout.validation.sorted().map(String.init).joined(separator: " ")]])
notebook.say("3-fold validation in order (as Chollet's example does): each example is in exactly one validation fold.")
let folds = Split.kFold(count: 12, folds: 3)
notebook.table(["run", "validation fold", "training folds"], folds.enumerated().map { i, split in
    [String(i + 1), split.validation.map(String.init).joined(separator: " "), split.train.map(String.init).joined(separator: " ")]
})
notebook.say("""
    Iterated k-fold with shuffling repeats k-fold after a new shuffle each time, for a steadier average when \
    data is scarce (here 2 × 3 = 6 runs):
    """)
let iterated = Split.iteratedKFold(count: 12, folds: 3, repeats: 2, using: &rng)
notebook.table(["repeat", "fold 1", "fold 2", "fold 3"], iterated.enumerated().map { r, splits in
    [String(r + 1)] + splits.map { $0.validation.sorted().map(String.init).joined(separator: " ") }
})
notebook.record("foldsCoverEveryExampleOnce", folds.flatMap(\.validation).sorted() == Array(0..<12))

// MARK: - Boston housing
notebook.section("Boston housing, split as Keras splits it")
let boston = notebook.require { try BostonHousing.load() }
notebook.say("""
    The 506 towns of the Boston housing data (\(boston.source)): 13 features each and the median house value \
    MEDV in $1000s. Keras shuffles the rows with numpy's RandomState(113) and keeps the first 404 for training, the \
    other 102 for testing; Backprop ships that permutation, so the split is the same:
    """)
notebook.show("training features", Shape.describe(boston.trainFeatures.shape))
notebook.show("test features", Shape.describe(boston.testFeatures.shape))
let firstTargets = Array(boston.trainTargets.scalars.prefix(10)).map { Double($0.description)! }   // 15.2, not 15.199999809…
notebook.show("first ten training targets", firstTargets.map { formatNumber("%.1f", $0) }.joined(separator: ", "))
notebook.say("A warning about this dataset: " + BostonHousing.whyDropped)
notebook.record("trainShape", boston.trainFeatures.shape.map(Double.init))
notebook.record("testShape", boston.testFeatures.shape.map(Double.init))
notebook.record("firstTrainTargets", firstTargets)

// MARK: - Normalization
notebook.section("Normalization with the training statistics")
notebook.say("""
    The features live on very different scales (a crime rate near 0, a tax rate in the hundreds), which makes \
    learning slow and lopsided. Each feature is standardized with the mean and standard deviation of the TRAINING \
    data, and the test data is transformed with those same numbers:
    """)
let standardizer = notebook.require { try Standardizer(fitting: boston.trainFeatures) }
let trainX = standardizer.transform(boston.trainFeatures), testX = standardizer.transform(boston.testFeatures)
let shownFeatures = [0, 4, 9, 12]
notebook.table(["feature", "training mean", "training deviation", "test mean after", "test deviation after"], shownFeatures.map { j in
    [boston.featureNames[j], formatNumber("%.3f", Double(standardizer.mean[j])), formatNumber("%.3f", Double(standardizer.standardDeviation[j])),
     formatNumber("%.3f", Double(testX.mean(axis: 0)[j])), formatNumber("%.3f", Double(testX.standardDeviation(axis: 0)[j]))]
})
notebook.say("""
    The test columns do not come out with mean exactly 0 and deviation 1, and must not: standardizing the test \
    data with its own statistics would use information about the test set, which in real use arrives one example at \
    a time. What goes wrong otherwise, the course's question of why Sam's model predicts NaN: a feature that is \
    constant in the training data has deviation 0, and (x − μ)/0 is 0/0 = NaN for every training example (there \
    x = μ) and ±∞ for any later example with another value; one NaN or infinite input makes the outputs NaN. \
    Backprop refuses instead:
    """)
do {
    _ = try Standardizer(fitting: Tensor.concatenate([boston.trainFeatures, Tensor.ones([404, 1])], axis: 1))
} catch {
    notebook.block(error.description)
}
notebook.show("(x − μ) / σ with σ = 0, in floating point", Float(0) / Float(0))

// MARK: - K-fold validation
notebook.section("4-fold validation of a regression network")
let k = 4
let epochs = notebook.epochs(300, quick: 20)
notebook.say("""
    The network of Chollet's example: 13 → 64 ReLU → 64 ReLU → 1 (no activation: a value), mean squared error \
    as the loss and the mean absolute error (MAE, in $1000s) as the metric. With only 404 training examples a single \
    hold-out split would give a noisy score, so each of \(k) runs validates on one fold of 101 and trains on the rest.
    """)
/// The optimizer of every run, stated once: the settings line prints this value.
let optimizer = RMSProp<Float>()
notebook.settings(["folds": k, "epochs": epochs, "batch": 16, "optimizer": optimizer, "seed": notebook.seed])
/// A freshly initialized network (each run starts from new random weights).
func makeNetwork(_ rng: inout SeededGenerator) -> Sequential<Float> {
    Sequential<Float>(inputShape: [13], layers: [
        Dense(inputs: 13, units: 64, activation: .relu, using: &rng),
        Dense(inputs: 64, units: 64, activation: .relu, using: &rng),
        Dense(inputs: 64, units: 1, using: &rng),
    ])
}
var validationMAE: [[Double]] = []
var foldRows: [[String]] = []
for (i, split) in Split.kFold(count: 404, folds: k).enumerated() {
    var network = makeNetwork(&rng)
    let history = network.fit(trainX.rows(at: split.train), boston.trainTargets.rows(at: split.train), epochs: epochs,
                              descent: .miniBatch(16), loss: MeanSquaredError(), optimizer: optimizer,
                              metrics: [.meanAbsoluteError],
                              validation: .data(trainX.rows(at: split.validation), boston.trainTargets.rows(at: split.validation)),
                              progress: .quiet, rng: &rng)
    validationMAE.append(history[.validationMeanAbsoluteError])
    foldRows.append([String(i + 1), "\(split.validation.first!)…\(split.validation.last!)",
                     formatNumber("%.3f", history[.meanAbsoluteError].last!), formatNumber("%.3f", history[.validationMeanAbsoluteError].last!)])
}
notebook.table(["fold", "validation rows", "final training MAE", "final validation MAE"], foldRows)
// The k folds are k runs: their final validation MAE is summarized as lessons 06 and 10 summarize seeds.
let finalMAE = Spread(validationMAE.map { $0.last! })
notebook.show("final validation MAE over the \(k) folds ($1000s): mean ± standard deviation (lowest to highest)",
              finalMAE.formattedWithRange("%.3f"))
notebook.record("foldFinalMAE", finalMAE.values)
let summary = Charts.foldSummary(validationMAE)
// As Chollet does: drop the first epochs (their large errors dominate the scale), then smooth.
let skip = min(10, max(summary.mean.count - 2, 0))
let kept = Charts.foldSummary(validationMAE, skip: skip)
let smoothedKept = Charts.smoothed(kept.mean)
let bestEpoch = Int(kept.epochs[smoothedKept.indices.min { smoothedKept[$0] < smoothedKept[$1] } ?? 0])
// Is the rise after that epoch more than the folds' spread? Each fold's smoothed curve at the last
// epoch against at the average's lowest epoch: a paired comparison over the folds (lesson 10's rule).
let lowestIndex = bestEpoch - 1 - skip
let smoothedFolds = validationMAE.map { Charts.smoothed(Array($0.dropFirst(skip))) }
let riseAfterLowest = Comparison(Spread(smoothedFolds.map { $0.last! }), Spread(smoothedFolds.map { $0[lowestIndex] }), run: "fold")
notebook.say("The folds disagree: their final validation MAEs run from $\(formatNumber("%.0f", finalMAE.minimum * 1000)) to "
    + "$\(formatNumber("%.0f", finalMAE.maximum * 1000)) (standard deviation $\(formatNumber("%.0f", finalMAE.standardDeviation * 1000))): "
    + "that spread is why one split is not enough, and why the average of the folds is the number to read. Averaged over "
    + "the folds and smoothed, the validation MAE is lowest around epoch \(bestEpoch) (\(formatNumber("%.3f", smoothedKept[lowestIndex]))). "
    + (bestEpoch == epochs ? "It is still falling at the last epoch: more epochs would find where it turns."
    : "Fold by fold, from there to epoch \(epochs): "
    + riseAfterLowest.sentence("the smoothed MAE at epoch \(epochs)", "at epoch \(bestEpoch)", higher: "is higher", lower: "is lower",
                               format: "%.3f")
    + (riseAfterLowest.isClear && riseAfterLowest.difference > 0
        ? ": the network starts fitting the noise of its training folds."
        : ", so the exact epoch is a rough choice: any nearby one validates about as well."))
    + " Where the validation error is lowest is the place to stop training: early stopping (lesson 09) does it automatically.")
notebook.record("riseAfterLowest.clear", riseAfterLowest.isClear)
notebook.record("riseAfterLowest", riseAfterLowest.difference)
notebook.record("foldSpread", finalMAE.standardDeviation)
notebook.record("bestEpoch", bestEpoch)

// MARK: - The final model
notebook.section("The final model, judged once on the test set")
let finalEpochs = notebook.quick ? epochs : min(max(bestEpoch, 20), epochs)
notebook.say("""
    With the number of epochs chosen by validation (\(finalEpochs)), a new network trains on all 404 training \
    examples and is evaluated once on the 102 test towns, never used before:
    """)
var finalNetwork = makeNetwork(&rng)
finalNetwork.fit(trainX, boston.trainTargets, epochs: finalEpochs, descent: .miniBatch(16), loss: MeanSquaredError(),
                 optimizer: optimizer, progress: .quiet, rng: &rng)
let test = finalNetwork.evaluate(testX, boston.testTargets, loss: MeanSquaredError(), metrics: [.meanAbsoluteError])
notebook.show("test MSE", formatNumber("%.3f", test[.loss]!))
notebook.show("test MAE ($1000s)", formatNumber("%.3f", test[.meanAbsoluteError]!))
notebook.say("On average the predicted median price is off by about $\(formatNumber("%.0f", test[.meanAbsoluteError]! * 1000)).")
notebook.record("testMAE", test[.meanAbsoluteError]!)

// MARK: - Figures
notebook.section("Figures")
notebook.figure(Figure(name: "lesson08-kfold", panels: [
    Panel(title: "Validation MAE, average of \(k) folds", xLabel: "epoch", yLabel: "MAE ($1000s)",
          series: [Series.band("spread of the folds", x: summary.epochs, lower: summary.low, upper: summary.high, color: seriesColors[0]),
                   Series("average", x: summary.epochs, y: summary.mean, color: seriesColors[0])]),
    Panel(title: "Smoothed (EMA 0.9), without the first \(skip) epochs", xLabel: "epoch", yLabel: "MAE ($1000s)",
          series: [Series.band("spread of the folds", x: kept.epochs, lower: Charts.smoothed(kept.low), upper: Charts.smoothed(kept.high),
                               color: seriesColors[1]),
                   Series("smoothed average", x: kept.epochs, y: smoothedKept, color: seriesColors[1]),
                   Series("lowest", x: [Double(bestEpoch)], y: [smoothedKept[bestEpoch - 1 - skip]], style: .points, color: "#000000",
                          pointType: 7, pointSize: 1.2)]),
], width: 1000, height: 420), caption: "k-fold validation curves: raw, then smoothed as Chollet plots them", main: true)

notebook.finish()
