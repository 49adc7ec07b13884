/// Lesson 06 · Learning rate and optimizers
///
/// The one concept: the step. How far each update moves (the learning rate η) and how the
/// gradient is turned into a step (the optimizer). The update rules are written once, as pure
/// functions, in Sources/Neural/Optimizer.swift: `SGD` (with momentum), `RMSProp`, `Adagrad`, `Adam`.
import Datasets
import Foundation
import Neural
import Notebook
import Plotting
import Tensors

let notebook = LessonNotebook(
    lesson: 6, title: "Learning rate and optimizers", usesData: true,
    concept: "Gradient descent steps against the gradient, but how far? Too small a learning rate crawls, too "
        + "large overshoots, and on a real network can blow the weights up. Optimizers shape the step: momentum "
        + "remembers the previous steps, RMSProp and Adagrad divide by the size of recent gradients, Adam does both.",
    formulas: ["SGD:       w ← w − η g",
               "momentum:  v ← μ v − η g;  w ← w + v",
               "Adagrad:   a ← a + g² (a starts at a₀ = 0.1);  w ← w − η g / (√a + ε)",
               "RMSProp:   a ← ρ a + (1 − ρ) g²;  w ← w − η g / (√a + ε)",
               "Adam:      m ← β₁ m + (1 − β₁) g;  v ← β₂ v + (1 − β₂) g²;  w ← w − η m̂ / (√v̂ + ε)",
               "           m̂ = m / (1 − β₁ᵗ),  v̂ = v / (1 − β₂ᵗ)"])

// MARK: - A two-dimensional surface
notebook.section("Five optimizers on f(x, y) = x²/20 + y²")
notebook.say("""
    A long, narrow valley: 20 times steeper in y than in x, with its minimum at (0, 0). Each optimizer starts at \
    (−7, 2) and makes 30 updates with the gradient ∇f = (x/10, 2y). The rules are the library's, unchanged: the \
    same functions that train the networks below.
    """)
/// f and its gradient.
func f(_ p: Tensor<Double>) -> Double { p[0] * p[0] / 20 + p[1] * p[1] }
func gradient(_ p: Tensor<Double>) -> Tensor<Double> { Tensor([p[0] / 10, 2 * p[1]]) }
/// Runs `steps` updates of `optimizer` from `start`; returns every point visited.
func path<O: Optimizer<Double>>(_ optimizer: O, from start: Tensor<Double>, steps: Int) -> [Tensor<Double>] {
    var point = start, state = optimizer.makeState(for: start)
    var visited = [point]
    for t in 1...steps {
        (point, state) = optimizer.update(point, gradient: gradient(point), state: state, step: t)
        visited.append(point)
    }
    return visited
}
let start = Tensor<Double>([-7, 2])
let steps = 30
let paths: [(String, [Tensor<Double>])] = [
    ("SGD (η = 0.95)", path(SGD(learningRate: 0.95), from: start, steps: steps)),
    ("momentum (η = 0.1, μ = 0.9)", path(SGD(learningRate: 0.1, momentum: 0.9), from: start, steps: steps)),
    ("Adagrad (η = 1.5)", path(Adagrad(learningRate: 1.5, initialAccumulator: 0), from: start, steps: steps)),
    ("RMSProp (η = 0.25)", path(RMSProp(learningRate: 0.25), from: start, steps: steps)),
    ("Adam (η = 0.3)", path(Adam(learningRate: 0.3), from: start, steps: steps)),
]
notebook.table(["optimizer", "after 30 updates (x, y)", "f(x, y)"], paths.map { name, points in
    let last = points.last!
    return [name, "(\(formatNumber("%.3f", last[0])), \(formatNumber("%.3f", last[1])))", formatNumber("%.2e", f(last))]
})
for (name, points) in paths { notebook.record("surface.\(name.split(separator: " ")[0])", f(points.last!)) }
notebook.say("""
    Plain SGD must keep η small enough for the steep y direction, so it bounces across the valley while it \
    creeps along x. Momentum builds speed along the valley; Adagrad and RMSProp divide each coordinate's step by its \
    own gradient size, so both directions move at similar speed; Adam combines the two ideas.
    """)
let grid = (0...80).map { -10 + 20 * Double($0) / 80 }, gridY = (0...60).map { -3 + 6 * Double($0) / 60 }
let contour = Contour(x: grid, y: gridY, values: gridY.map { y in grid.map { x in x * x / 20 + y * y } },
                      levels: [0.1, 0.5, 1, 2, 3, 4, 6, 8])
var panels = paths.map { name, points in
    Panel(title: name, xRange: -8...8, yRange: -3...3,
          series: [Series("", x: points.map { $0[0] }, y: points.map { $0[1] }, style: .linesPoints, color: seriesColors[3], lineWidth: 1),
                   Series("", x: [0], y: [0], style: .points, color: "#000000", pointType: 3, pointSize: 1.5)],
          contour: contour, legend: .hidden)
}
panels.append(Panel(title: "f after each update", xLabel: "update", logScaleY: true,
                    series: paths.enumerated().map { i, entry in
                        Series(String(entry.0.split(separator: " ")[0]), x: (0...steps).map(Double.init),
                               y: entry.1.map { max(f($0), 1e-12) }, color: seriesColors[i]) },
                    legend: .topRight))
notebook.figure(Figure(name: "lesson06-trajectories", title: "30 updates from (−7, 2) on f(x, y) = x²/20 + y²",
                       panels: panels, layout: (2, 3), width: 1050, height: 620),
                caption: "the optimizers' paths on the contours of f, and f after each update", main: true)

// MARK: - The learning rate on MNIST
notebook.section("A learning rate too high: RMSProp at 1.0 on MNIST")
let (mnist, note) = notebook.require { try MNIST.load(requested: notebook.options.data) }
if let note { notebook.say(note) }
let trainCount = notebook.count(mnist.trainImages.shape[0], quick: 1000)
let trainX = mnist.trainImages.rows(0 ..< trainCount) / 255, testX = mnist.testImages / 255
let trainY = Tensor<Float>.oneHot(Array(mnist.trainLabels.prefix(trainCount)), classes: 10)
let testY = Tensor<Float>.oneHot(mnist.testLabels, classes: 10)
let epochs = notebook.epochs(8, quick: 5)
notebook.say("""
    Data: \(mnist.source); \(grouped(trainCount)) training images (pixels scaled to [0, 1]) and \
    \(grouped(testY.shape[0])) test images. The network: 784 → 128 ReLU → 10 softmax, mini-batches of 128.
    """)
notebook.settings(["epochs": epochs, "batch": 128, "seed": notebook.seed])
var rng = notebook.rng
let initial = Sequential<Float>(inputShape: [784], layers: [
    Dense(inputs: 784, units: 128, activation: .relu, using: &rng),
    Dense(inputs: 128, units: 10, activation: .softmax, using: &rng),
])
/// Trains a copy of `initial` with `optimizer`; returns the history and the test accuracy.
func train<O: Optimizer<Float>>(_ optimizer: O) -> (History, Double) {
    var network = initial
    var shuffling = SeededGenerator(seed: notebook.seed &+ 1)
    let history = network.fit(trainX, trainY, epochs: epochs, descent: .miniBatch(128), loss: CategoricalCrossentropy(),
                              optimizer: optimizer, metrics: [.accuracy], validation: .data(testX, testY),
                              progress: .quiet, rng: &shuffling)
    return (history, history.last(.validationAccuracy) ?? .nan)
}
let (tooHigh, tooHighAccuracy) = train(RMSProp(learningRate: 1.0))
let (good, goodAccuracy) = train(RMSProp(learningRate: 0.01))
func summary(_ history: History) -> String {
    history.diverged ? "diverged: \(history.stopReason!)" : "accuracy \(formatNumber("%.3f", history.last(.accuracy) ?? 0)), test \(formatNumber("%.3f", history.last(.validationAccuracy) ?? 0))"
}
notebook.table(["epoch", "loss (η = 1)", "accuracy (η = 1)", "loss (η = 0.01)", "accuracy (η = 0.01)"],
               (0..<max(tooHigh.epochCount, good.epochCount)).map { e in
    func cell(_ h: History, _ key: HistoryKey, _ format: String) -> String { e < h[key].count ? formatNumber(format, h[key][e]) : "—" }
    return [String(e + 1), cell(tooHigh, .loss, "%.4g"), cell(tooHigh, .accuracy, "%.3f"), cell(good, .loss, "%.4f"), cell(good, .accuracy, "%.3f")]
})
if tooHigh.diverged {
    notebook.say("With η = 1 the loss became NaN or infinite and the trainer stopped at once, keeping the history so far:")
    notebook.block(tooHigh.stopReason!.description)
} else {
    notebook.say("""
        With η = 1 each RMSProp step moves every weight by about η = 1 whatever its gradient: far past any \
        minimum. The loss stays high and the accuracy falls back towards chance (10%) instead of rising: test accuracy \
        \(formatNumber("%.3f", tooHighAccuracy)) after \(epochs) epochs, against \(formatNumber("%.3f", goodAccuracy)) for the same \
        network with η = 0.01.
        """)
}
notebook.record("rmsprop1.diverged", tooHigh.diverged)
notebook.record("rmsprop1.testAccuracy", tooHighAccuracy.isNaN ? 0 : tooHighAccuracy)
notebook.record("rmsprop001.testAccuracy", goodAccuracy)
notebook.say("After \(epochs) epochs, η = 1: \(summary(tooHigh)); η = 0.01: \(summary(good)).")

// MARK: - The optimizers on MNIST
notebook.section("The optimizers on MNIST, over several seeds")
let seeds = notebook.seeds()
notebook.say("""
    The same network and data, each optimizer with a usual learning rate, each trained from \(seeds.count) seeds \
    (for a seed, all five start from the same weights and see the batches in the same order). One run is one draw, so \
    the table gives the mean ± standard deviation over the seeds, and two optimizers are called different only when \
    their seed-by-seed difference is more than twice its standard error (lesson 10 explains the rule).
    """)
/// Trains the 784-128-10 network from `seed` with `optimizer`: its loss and test accuracy per epoch.
func run<O: Optimizer<Float>>(_ optimizer: O, seed: UInt64) -> [String: [Double]] {
    var seedRNG = SeededGenerator(seed: seed)
    var network = Sequential<Float>(inputShape: [784], layers: [
        Dense(inputs: 784, units: 128, activation: .relu, using: &seedRNG),
        Dense(inputs: 128, units: 10, activation: .softmax, using: &seedRNG),
    ])
    let history = network.fit(trainX, trainY, epochs: epochs, descent: .miniBatch(128), loss: CategoricalCrossentropy(),
                              optimizer: optimizer, metrics: [.accuracy], validation: .data(testX, testY), progress: .quiet,
                              rng: &seedRNG)
    return ["loss": history[.loss], "testLoss": history[.validationLoss], "accuracy": history[.validationAccuracy]]
}
let optimizers: [(name: String, run: (UInt64) -> [String: [Double]])] = [
    ("SGD (η = 0.1)", { run(SGD(learningRate: 0.1), seed: $0) }),
    ("momentum (η = 0.01, μ = 0.9)", { run(SGD(learningRate: 0.01, momentum: 0.9), seed: $0) }),
    ("Adagrad (η = 0.01)", { run(Adagrad(learningRate: 0.01), seed: $0) }),
    ("RMSProp (η = 0.001)", { run(RMSProp(learningRate: 0.001), seed: $0) }),
    ("Adam (η = 0.001)", { run(Adam(learningRate: 0.001), seed: $0) }),
]
let runs = notebook.repeated(seeds, over: optimizers) { optimizer, seed in optimizer.run(seed) }
let accuracy = runs.map { $0.spread("accuracy") }
notebook.table(["optimizer", "training loss", "test loss", "test accuracy"], optimizers.indices.map { i in
    [optimizers[i].name, runs[i].spread("loss").formatted(), runs[i].spread("testLoss").formatted(), accuracy[i].formatted()]
})
for i in optimizers.indices {
    notebook.record("mnist.\(optimizers[i].name.split(separator: " ")[0]).testAccuracy", accuracy[i].mean)
}
// Ranked by mean test accuracy; each compared with the next one down.
let order = optimizers.indices.sorted { accuracy[$0].mean > accuracy[$1].mean }
notebook.table(["rank", "optimizer", "test accuracy minus the next one down"], order.indices.map { r in
    [String(r + 1), optimizers[order[r]].name, r + 1 < order.count ? Comparison(accuracy[order[r]], accuracy[order[r + 1]]).cell() : ""]
})
let (best, second, worst, nextToWorst) = (order[0], order[1], order[order.count - 1], order[order.count - 2])
let top = Comparison(accuracy[best], accuracy[second]), bottom = Comparison(accuracy[nextToWorst], accuracy[worst])
notebook.record("topIsClear", top.isClear)
notebook.record("bottomIsClear", bottom.isClear)
let optimizerSummary = "Every rate here was chosen by hand (each optimizer's usual default), so the tables compare these five "
    + "settings, not the methods in general. All five learn. "
    + top.statement("the test accuracy", "with \(optimizers[best].name)", "with \(optimizers[second].name), the next best",
                    format: "%.3f") + ". "
    + bottom.statement("the test accuracy", "with \(optimizers[nextToWorst].name)", "with \(optimizers[worst].name), the last",
                       format: "%.3f") + "."
    + (optimizers[worst].name.hasPrefix("Adagrad") && bottom.isClear
        ? " Adagrad's accumulated squares only grow (from a₀ = 0.1, Keras's start, here on MNIST), so its steps keep "
            + "shrinking and it falls behind."
        : "")
    + " RMSProp and Adam, which forget old gradients, are the usual first choice because their defaults work on many "
    + "problems, not because they need no tuning: the section on the learning rate above shows RMSProp failing at η = 1."
notebook.say(optimizerSummary)
notebook.record("optimizerSummary", optimizerSummary)
notebook.figure(Figure(name: "lesson06-optimizers", panels: [
    Panel(title: "Training loss (\(seeds.count) seeds)", xLabel: "epoch", yLabel: "loss", logScaleY: true,
          series: runs.indices.map { i -> Series in
              let curve = runs[i].curve("loss")
              return Series(optimizers[i].name, x: (1...curve.count).map(Double.init), y: curve.map(\.mean), style: .linesPoints,
                            color: seriesColors[i])
          }, legend: .topRight),
    Panel(title: "Test accuracy (\(seeds.count) seeds)", xLabel: "epoch", yLabel: "accuracy",
          series: runs.indices.map { i -> Series in
              let curve = runs[i].curve("accuracy")
              return Series.band(x: (1...curve.count).map(Double.init), spread: curve, color: seriesColors[i])
          } + runs.indices.map { i -> Series in
              let curve = runs[i].curve("accuracy")
              return Series(optimizers[i].name, x: (1...curve.count).map(Double.init), y: curve.map(\.mean), style: .linesPoints,
                            color: seriesColors[i])
          }, legend: .bottomRight),
], width: 1000, height: 420), caption: "five optimizers training the same network on MNIST; lines: means over \(seeds.count) seeds; "
    + "bands: the lowest and highest test accuracy of the runs")
notebook.figure(Figure(name: "lesson06-learning-rate", panel: Panel(
    title: "RMSProp on MNIST: learning rate 1.0 against 0.01", xLabel: "epoch", yLabel: "training accuracy", yRange: 0...1,
    series: [Series("η = 1.0", x: (0..<tooHigh.epochCount).map { Double($0 + 1) }, y: tooHigh[.accuracy], style: .linesPoints),
             Series("η = 0.01", x: (0..<good.epochCount).map { Double($0 + 1) }, y: good[.accuracy], style: .linesPoints)],
    legend: .bottomRight)), caption: "too high a learning rate: accuracy stays far below the good run")

notebook.finish()
