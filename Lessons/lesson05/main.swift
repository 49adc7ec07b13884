/// Lesson 05 · Batch, mini-batch and stochastic descent
///
/// The one concept: how many examples each weight update averages over. The update rule is
/// the same in all three modes (Sources/Neural/Optimizer.swift, `SGD`); only the batch the
/// gradient comes from changes (`Descent` in Sources/Neural/Training.swift).
import Datasets
import Foundation
import Neural
import Notebook
import Plotting
import Tensors

let notebook = LessonNotebook(
    lesson: 5, title: "Batch, mini-batch and stochastic descent",
    concept: "Every update moves the weights against a gradient, but that gradient can come from all N training "
        + "examples (batch), from one example (stochastic) or from a mini-batch of m. Fewer examples per update "
        + "make each update cheaper and noisier, and give many more updates per pass over the data.",
    formulas: ["batch:       w ← w − η (1/N) Σ_{n=1..N} ∇e_n(w)      1 update per epoch",
               "mini-batch:  w ← w − η (1/m) Σ_{n∈B} ∇e_n(w)         N/m updates per epoch",
               "stochastic:  w ← w − η ∇e_n(w), n drawn in turn     N updates per epoch"])

// MARK: - Data and network
notebook.section("The data and the network")
let digits = notebook.require { try Digits.load() }
var rng = notebook.rng
let split = Split.holdout(count: digits.labels.count, fraction: 0.2, using: &rng)
let images = digits.images / 16   // pixels 0–16 → 0–1
let trainX = images.rows(at: split.train), testX = images.rows(at: split.validation)
let trainY = Tensor<Float>.oneHot(split.train.map { digits.labels[$0] }, classes: 10)
let testY = Tensor<Float>.oneHot(split.validation.map { digits.labels[$0] }, classes: 10)
let n = split.train.count
notebook.say("""
    scikit-learn's 8 × 8 handwritten digits: \(grouped(digits.labels.count)) images of 64 pixels, \
    \(grouped(n)) for training and \(split.validation.count) held out. Each mode trains the same network \
    (64 → 32 ReLU → 10 softmax) from the same initial weights with the same learning rate.
    """)
let epochs = notebook.epochs(30, quick: 4)
let learningRate = 0.05
notebook.settings(["epochs": epochs, "learning rate η": learningRate, "mini-batch m": 32, "seed": notebook.seed])
let initial = Sequential<Float>(inputShape: [64], layers: [
    Dense(inputs: 64, units: 32, activation: .relu, initializer: .heNormal, using: &rng),
    Dense(inputs: 32, units: 10, activation: .softmax, using: &rng),
])
let loss = CategoricalCrossentropy()

// MARK: - The loop by hand
notebook.section("The training loop, written out")
notebook.say("""
    Before the library's fit, the loop it runs, by hand: every epoch shuffles the example indices (a \
    permutation from the seeded generator, so each example is used once per epoch), cuts them into mini-batches of \
    m, and for each batch makes one training step: forward pass, loss, backward pass, update (trainStep in \
    Sources/Neural/Training.swift, the same four lines fit calls for every batch).
    """)
let handEpochs = notebook.size(3, quick: 2), m = 32
var handNetwork = initial
var handRNG = SeededGenerator(seed: notebook.seed &+ 1)
let sgd = SGD<Float>(learningRate: .constant(learningRate))
var optimizerState = OptimizerState(for: handNetwork, optimizer: sgd)
var handRows: [[String]] = []
for epoch in 1...handEpochs {
    let order = handRNG.permutation(n)                                       // shuffle, without replacement
    for start in stride(from: 0, to: n, by: m) {
        let batch = Array(order[start ..< min(n, start + m)])                 // the next m examples (fewer at the end)
        // forward, loss, backward, and w ← w − η ∂E/∂w for every weight
        handNetwork.trainStep(trainX.rows(at: batch), trainY.rows(at: batch), loss: loss, optimizer: sgd,
                              state: &optimizerState, rng: &handRNG)
    }
    handRows.append([String(epoch), grouped(optimizerState.updates),
                     formatNumber("%.4f", handNetwork.evaluate(trainX, trainY, loss: loss)[.loss]!)])
}
notebook.table(["epoch", "updates so far", "training loss"], handRows)
var fitNetwork = initial
var fitRNG = SeededGenerator(seed: notebook.seed &+ 1)
fitNetwork.fit(trainX, trainY, epochs: handEpochs, descent: .miniBatch(m), loss: loss, optimizer: sgd, progress: .quiet, rng: &fitRNG)
let sameWeights = zip(handNetwork.parameters.joined(), fitNetwork.parameters.joined()).allSatisfy { $0.scalars == $1.scalars }
notebook.say("fit(descent: .miniBatch(\(m))) from the same weights and the same seed ends with "
    + (sameWeights ? "exactly the same weights, bit for bit: it is this loop." : "different weights (a bug)."))
notebook.record("handLoopMatchesFit", sameWeights)

// MARK: - Training in the three modes
notebook.section("Training in the three modes, over several seeds")
let seeds = notebook.seeds()
let modes: [(name: String, descent: Descent, updatesPerEpoch: Int)] = [
    ("batch", .batch, 1), ("mini-batch (32)", .miniBatch(32), (n + 31) / 32), ("stochastic", .stochastic, n)]
notebook.say("""
    One run is one draw: another seed gives other initial weights and another order of the examples, and so other \
    numbers. Each mode is therefore trained from \(seeds.count) seeds; for a given seed the three modes start from the \
    same weights and shuffle the examples the same way, so within a seed only the mode differs. The table gives the mean \
    ± standard deviation over the seeds, and two modes are called different only when their seed-by-seed difference, \
    averaged, is more than twice its standard error (lesson 10 explains the rule).
    """)
notebook.settings(["seeds": seeds.map(String.init).joined(separator: ", ")])
/// Trains the 64-32-10 network from `seed` (its initial weights, then its shuffles) in one mode: the full
/// training loss after each epoch (epoch 0: before training), the mini-batch loss of every update, the
/// wall-clock time at the end of each epoch and the final test accuracy.
func train(_ descent: Descent, seed: UInt64) -> [String: [Double]] {
    var seedRNG = SeededGenerator(seed: seed)
    var network = Sequential<Float>(inputShape: [64], layers: [
        Dense(inputs: 64, units: 32, activation: .relu, initializer: .heNormal, using: &seedRNG),
        Dense(inputs: 32, units: 10, activation: .softmax, using: &seedRNG),
    ])
    let fullLoss = { (net: Sequential<Float>) in net.evaluate(trainX, trainY, loss: loss)[.loss]! }
    var epochLosses = [fullLoss(network)], seconds: [Double] = []
    let clock = ContinuousClock(), start = clock.now
    let history = network.fit(
        trainX, trainY, epochs: epochs, descent: descent, loss: loss,
        optimizer: SGD(learningRate: .constant(learningRate)), recordSteps: true, progress: .quiet,
        callbacks: Callbacks(onEpoch: { event in
            seconds.append((clock.now - start).seconds)
            epochLosses.append(fullLoss(event.network))
        }),
        rng: &seedRNG)
    return ["epochLosses": epochLosses, "stepLosses": history.stepLosses, "seconds": seconds,
            "testAccuracy": [network.evaluate(testX, testY, loss: loss, metrics: [.accuracy])[.accuracy]!]]
}
let runs = modes.map { mode in notebook.repeated(seeds) { train(mode.descent, seed: $0) } }
let finalLoss = runs.map { $0.spread("epochLosses") }
let testAccuracy = runs.map { $0.spread("testAccuracy") }
notebook.say("m is the number of examples per update:")
notebook.table(["mode", "m", "updates/epoch", "updates", "training loss", "test accuracy"], modes.indices.map { i in
    [modes[i].name, String(modes[i].descent.batchSize(examples: n)), grouped(modes[i].updatesPerEpoch),
     grouped(modes[i].updatesPerEpoch * epochs), finalLoss[i].formatted(), testAccuracy[i].formatted("%.3f")]
})
for i in modes.indices {
    // Timed in the first seed's run (the runs go two at a time, one thread each).
    let seconds = runs[i].values("seconds")[0].last!
    notebook.timing("\(modes[i].name): \(formatNumber("%.2f", seconds)) s in all, "
        + "\(formatNumber("%.1f", seconds / Double(modes[i].updatesPerEpoch * epochs) * 1e6)) µs per update")
    let key = modes[i].name.split(separator: " ")[0]
    notebook.record("updatesPerEpoch.\(key)", modes[i].updatesPerEpoch)
    notebook.record("finalLoss.\(key)", finalLoss[i].mean)
}
let miniVersusBatch = Comparison(finalLoss[1], finalLoss[0]), stochasticVersusMini = Comparison(finalLoss[2], finalLoss[1])
// Per update: the mini-batch run's full training loss after all its updates, against the stochastic
// run's after its first epoch (the first point where it has made at least as many updates).
let miniUpdates = modes[1].updatesPerEpoch * epochs, stochasticUpdates = modes[2].updatesPerEpoch
let comparable = stochasticUpdates >= miniUpdates && stochasticUpdates <= 2 * miniUpdates
let afterMiniUpdates = runs[1].spread("epochLosses"), afterFirstStochasticEpoch = runs[2].spread("epochLosses") { $0[1] }
let perUpdateComparison = Comparison(afterFirstStochasticEpoch, afterMiniUpdates)
let perUpdate = comparable
    ? "Counted per update, they do not make the same progress: after \(grouped(miniUpdates)) updates the mini-batch run's "
        + "training loss is \(afterMiniUpdates.formatted()), while after \(grouped(stochasticUpdates)) updates (its first "
        + "epoch) the stochastic run's is \(afterFirstStochasticEpoch.formatted()). "
        + perUpdateComparison.sentence("The stochastic run, with slightly more updates,", "the mini-batch run",
                                       higher: "ends higher", lower: "ends lower")
        + (perUpdateComparison.isClear && perUpdateComparison.difference > 0
            ? ": a step along the average gradient of 32 examples is a much better step than one along a single example's. "
                + "What the stochastic run has is many more steps for the same number of examples seen. "
            : ". ")
    : "(Run without --quick to compare the modes per update: with these few epochs the mini-batch run makes fewer updates "
        + "than one stochastic epoch.) "
notebook.say("After the same number of epochs, the modes that update more often are ahead: batch descent made only "
    + "\(epochs) updates. " + miniVersusBatch.sentence("Mini-batch descent", "batch descent") + ", and "
    + stochasticVersusMini.sentence("stochastic descent", "mini-batch descent") + ". " + perUpdate
    + "The mini-batch sits in between, and its matrix products keep the vectorized kernels busy, so per second of "
    + "computing it is usually the best of the three.")
notebook.record("miniVersusBatch", miniVersusBatch)
notebook.record("stochasticVersusMini", stochasticVersusMini)
notebook.record("summary", miniVersusBatch.sentence("Mini-batch descent", "batch descent") + "; "
    + stochasticVersusMini.sentence("stochastic descent", "mini-batch descent"))
if comparable {
    notebook.record("perUpdate.miniBatchLoss", afterMiniUpdates.mean)
    notebook.record("perUpdate.stochasticLoss", afterFirstStochasticEpoch.mean)
    notebook.record("perUpdate.clear", perUpdateComparison.isClear)
}

// MARK: - Noise
notebook.section("The noise of stochastic descent")
/// How much the loss jumps from one update to the next, relative to its level: the mean of
/// |ℓₜ − ℓₜ₋₁| divided by the mean of ℓₜ, over the updates of the first epoch.
func jumpiness(_ losses: [Double]) -> Double {
    guard losses.count > 1 else { return 0 }
    let jumps = zip(losses.dropFirst(), losses).map { abs($0 - $1) }
    return (jumps.reduce(0, +) / Double(jumps.count)) / (losses.reduce(0, +) / Double(losses.count))
}
/// The mean loss and the jumpiness of each seed's first epoch of updates in mode `i`.
func firstEpoch(_ i: Int) -> (mean: Spread, jumpiness: Spread) {
    let epochs = runs[i].values("stepLosses").map { Array($0.prefix(modes[i].updatesPerEpoch)) }
    return (Spread(epochs.map { $0.reduce(0, +) / Double($0.count) }), Spread(epochs.map(jumpiness)))
}
let stochasticNoise = firstEpoch(2), miniNoise = firstEpoch(1)
notebook.say("""
    Each stochastic update sees one digit, so its loss jumps from update to update; a mini-batch of 32 \
    averages much of that noise away (the spread of an average of m independent losses shrinks like 1/√m). \
    Over the first epoch, the typical jump between consecutive updates, relative to the loss itself:
    """)
notebook.table(["mode", "updates", "mean loss", "mean jump / mean loss"], [
    ["stochastic", grouped(modes[2].updatesPerEpoch), stochasticNoise.mean.formatted(), stochasticNoise.jumpiness.formatted("%.3f")],
    ["mini-batch (32)", grouped(modes[1].updatesPerEpoch), miniNoise.mean.formatted(), miniNoise.jumpiness.formatted("%.3f")],
])
let ends = stochasticVersusMini.isClear
    ? (stochasticVersusMini.difference < 0 ? "ends with the lowest training loss here, but not thanks to its noise"
        : "ends above the mini-batch run here, despite its many more updates")
    : "ends level with the mini-batch run within the seed-to-seed spread"
notebook.say("""
    The stochastic run \(ends): in \(epochs) epochs it made \(grouped(n * epochs)) updates, \
    \(Int((Double(n) / Double(modes[1].updatesPerEpoch)).rounded())) times as many as the mini-batch run. The noise \
    matters in another way: it keeps the weights moving where a full-batch gradient is nearly zero (flat regions, \
    saddle points), at the price of never settling exactly; in practice the learning rate is lowered over time for that.
    """)
notebook.record("stochasticJumpiness", stochasticNoise.jumpiness.mean)
notebook.record("miniBatchJumpiness", miniNoise.jumpiness.mean)
notebook.record("jumpinessSpread", [stochasticNoise.jumpiness.maximum - stochasticNoise.jumpiness.minimum,
                                    miniNoise.jumpiness.maximum - miniNoise.jumpiness.minimum])

// MARK: - Figures
notebook.section("Figures")
let colors = [seriesColors[0], seriesColors[1], seriesColors[2]]
/// The mean curve of mode `i` over the seeds, with the band of their lowest and highest values.
func curve(_ i: Int, x: [Double], style: Series.Style = .lines) -> [Series] {
    let losses = runs[i].curve("epochLosses")
    return [Series.band(x: x, spread: losses, color: colors[i]),
            Series(modes[i].name, x: x, y: losses.map(\.mean), style: style, color: colors[i])]
}
let byEpoch = Panel(title: "Training loss per epoch", xLabel: "epoch", yLabel: "loss", logScaleY: true,
                    series: modes.indices.flatMap { curve($0, x: (0...epochs).map(Double.init)) })
let byUpdate = Panel(title: "Training loss per weight update", xLabel: "updates", yLabel: "loss", logScaleX: true, logScaleY: true,
                     series: modes.indices.flatMap { i in
                         curve(i, x: (0...epochs).map { Double(max($0 * modes[i].updatesPerEpoch, 1)) }, style: .linesPoints) },
                     legend: .bottomLeft)
notebook.figure(Figure(name: "lesson05-descent", panels: [byEpoch, byUpdate], width: 1000, height: 420),
                caption: "the same network trained three ways: per epoch the frequent updaters win; per update the mini-batch "
                    + "steps are the better ones; \(notebook.bandNote(runs[0]))",
                main: true)
// One seed's updates: a band over seeds would hide the jumps this figure is about.
let stochasticSteps = runs[2].values("stepLosses")[0], miniSteps = runs[1].values("stepLosses")[0]
let shown = min(stochasticSteps.count, 3 * n)
notebook.figure(Figure(name: "lesson05-noise", panel: Panel(
    title: "The loss of each update (first \(shown / n) epochs, seed \(seeds[0]))", xLabel: "examples seen",
    yLabel: "loss of the update's examples", logScaleY: true,
    series: [Series("stochastic (1 example)", x: (1...shown).map(Double.init), y: Array(stochasticSteps.prefix(shown)),
                    color: "#fdae6b", lineWidth: 0.5),
             Series("stochastic, smoothed", x: (1...shown).map(Double.init), y: Charts.smoothed(Array(stochasticSteps.prefix(shown)), factor: 0.98),
                    color: colors[2]),
             Series("mini-batch (32 examples)", x: (0..<min(miniSteps.count, shown / 32)).map { Double(($0 + 1) * 32) },
                    y: Array(miniSteps.prefix(shown / 32)), style: .linesPoints, color: colors[1])])),
    caption: "single-example losses jump around; averaging 32 examples per update smooths the path")
notebook.figure(Figure(name: "lesson05-timing", panel: Panel(
    title: "Training loss against wall-clock time (seed \(seeds[0]); measured, differs from run to run)", xLabel: "seconds",
    yLabel: "loss", logScaleY: true,
    series: modes.indices.map { i in
        Series(modes[i].name, x: [0] + runs[i].values("seconds")[0], y: runs[i].values("epochLosses")[0], style: .linesPoints,
               color: colors[i]) })),
    caption: "against time, the mini-batch reaches a low loss first: cheap updates, vectorized")

notebook.finish()
