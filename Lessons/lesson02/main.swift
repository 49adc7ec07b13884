/// Lesson 02 · Gradient descent
///
/// The one concept: to fit a model, follow the negative gradient of its cost downhill. Here the
/// model is a line ŷ = w x + b through the lecture's 17 points; its cost has a closed-form
/// minimum to compare with.
import Datasets
import Foundation
import Notebook
import Plotting
import Tensors

let notebook = LessonNotebook(
    lesson: 2, title: "Gradient descent",
    concept: "Gradient descent fits a model by repeating one step: compute how the cost changes with each "
        + "parameter (the gradient) and move every parameter a little against it. For a straight line "
        + "through the lecture's 17 points the cost is a bowl, and the bottom of the bowl also has a closed form, "
        + "so we can watch descent find it.",
    formulas: ["model:      ŷᵢ = w xᵢ + b",
               "cost (MSE): J(w, b) = (1/n) Σᵢ (ŷᵢ − yᵢ)²",
               "gradient:   ∂J/∂w = (2/n) Σᵢ (ŷᵢ − yᵢ) xᵢ      ∂J/∂b = (2/n) Σᵢ (ŷᵢ − yᵢ)",
               "update:     w ← w − η ∂J/∂w      b ← b − η ∂J/∂b",
               "closed form: β̂ = (XᵀX)⁻¹ Xᵀ Y,  X = [x 1],  β = (w, b)"])

// MARK: - The data
notebook.section("The data and the cost")
let data = notebook.require { try LinearRegressionToy.load() }
let n = data.x.count
let x = Tensor<Double>(data.x), y = Tensor<Double>(data.y)
notebook.say("The lecture's \(n) points (x, y). We look for the line ŷ = w x + b with the smallest mean squared error.")
notebook.table(["x", "y"], zip(data.x, data.y).map { [formatNumber("%.3f", $0), formatNumber("%.3f", $1)] })

/// J(w, b) = (1/n) Σ (w xᵢ + b − yᵢ)²
func cost(_ w: Double, _ b: Double) -> Double {
    square(w * x + b - y).mean()
}
notebook.show("J(0, 0)", formatNumber("%.4f", cost(0, 0)))

// MARK: - The closed form
notebook.section("The closed form: β̂ = (XᵀX)⁻¹XᵀY")
notebook.say("""
    Setting both partial derivatives to zero gives the normal equations XᵀX β = XᵀY, with one row \
    (xᵢ, 1) of X per point. XᵀX is 2 × 2, so its inverse is written out: [[a, b], [c, d]]⁻¹ = \
    [[d, −b], [−c, a]] / (ad − bc).
    """)
let X = Tensor.concatenate([x.reshaped([n, 1]), Tensor.ones([n, 1])], axis: 1)
let XtX = matmul(X, X, transposeA: true)
let XtY = matmul(X, y.reshaped([n, 1]), transposeA: true)
let determinant = XtX[0, 0] * XtX[1, 1] - XtX[0, 1] * XtX[1, 0]
let inverse = Tensor<Double>([[XtX[1, 1], -XtX[0, 1]], [-XtX[1, 0], XtX[0, 0]]]) / determinant
let beta = matmul(inverse, XtY)
let (wBest, bBest) = (beta[0, 0], beta[1, 0])
notebook.show("XᵀX", XtX)
notebook.show("XᵀY", XtY)
notebook.show("β̂ = (w, b)", "(\(formatNumber("%.4f", wBest)), \(formatNumber("%.4f", bBest)))")
notebook.show("J(β̂)", formatNumber("%.5f", cost(wBest, bBest)))
notebook.record("closedFormW", wBest)
notebook.record("closedFormB", bBest)
notebook.record("closedFormCost", cost(wBest, bBest))

// MARK: - Batch gradient descent
notebook.section("Batch gradient descent: one update per pass over all points")
let batchRate = 0.02
let batchEpochs = notebook.epochs(1000, quick: 1000)
notebook.settings(["learning rate η": batchRate, "epochs": batchEpochs, "start": "(w, b) = (0, 0)"])
notebook.say("""
    Each update uses the gradient over all \(n) points, computed here in tensor form: the residuals \
    r = ŷ − y for every point at once, then ∂J/∂w = 2 mean(r x) and ∂J/∂b = 2 mean(r). The update subtracts the \
    step from the old weight, w ← w − η ∂J/∂w (a slide of the course writes w := step * gradient, which would \
    throw the old weight away).
    """)
var (w, b) = (0.0, 0.0)
var batchPath = [(w, b)], batchCost = [cost(w, b)]
for _ in 0..<batchEpochs {
    let residual = w * x + b - y                    // rᵢ = ŷᵢ − yᵢ
    let gradientW = 2 * (residual * x).mean()       // ∂J/∂w = (2/n) Σ rᵢ xᵢ
    let gradientB = 2 * residual.mean()             // ∂J/∂b = (2/n) Σ rᵢ
    w -= batchRate * gradientW                      // w ← w − η ∂J/∂w
    b -= batchRate * gradientB                      // b ← b − η ∂J/∂b
    batchPath.append((w, b))
    batchCost.append(cost(w, b))
}
let (wBatch, bBatch) = (w, b)
notebook.show("after \(batchEpochs) updates (w, b)", "(\(formatNumber("%.4f", wBatch)), \(formatNumber("%.4f", bBatch)))")
notebook.record("batchW", wBatch)
notebook.record("batchB", bBatch)

// MARK: - Stochastic gradient descent
notebook.section("Per-example (stochastic) updates: one update per point")
let exampleRate = 0.005
let exampleEpochs = notebook.epochs(200, quick: 200)
notebook.settings(["learning rate η": exampleRate, "epochs": exampleEpochs, "seed": notebook.seed])
notebook.say("""
    Now each update follows the gradient of one point's error eᵢ = (w xᵢ + b − yᵢ)², visiting the \
    points in a new random order every epoch. Each step is \(n) times cheaper but noisy, so the rate must be \
    smaller than batch descent's.
    """)
var rng = notebook.rng
// What a larger rate does: the same per-example updates with η = 0.02, on a copy of the generator.
var tooFastRNG = rng
var (wFast, bFast) = (0.0, 0.0)
var worstFastCost = 0.0
for _ in 0..<20 {
    for i in tooFastRNG.permutation(n) {
        let residual = wFast * data.x[i] + bFast - data.y[i]
        wFast -= 0.02 * 2 * residual * data.x[i]
        bFast -= 0.02 * 2 * residual
        worstFastCost = max(worstFastCost, cost(wFast, bFast))
    }
}
notebook.say("""
    How much smaller: with η = 0.02 the same updates do not settle at all; within 20 epochs the cost J(w, b) \
    swings up to \(formatNumber("%.0f", worstFastCost)) (the closed form's is \(formatNumber("%.3f", cost(wBest, bBest)))). \
    A single point with a large x, such as x = 10.8, multiplies the step: 2η x² = \(formatNumber("%.1f", 2 * 0.02 * 10.791 * 10.791)) \
    > 2 overshoots, and each overshoot grows.
    """)
notebook.record("worstCostAtRate0.02", worstFastCost)
(w, b) = (0.0, 0.0)
var examplePath = [(w, b)], exampleCost = [cost(w, b)]
for _ in 0..<exampleEpochs {
    for i in rng.permutation(n) {
        let residual = w * data.x[i] + b - data.y[i]   // rᵢ = ŷᵢ − yᵢ for one point
        w -= exampleRate * 2 * residual * data.x[i]     // w ← w − η ∂eᵢ/∂w
        b -= exampleRate * 2 * residual                 // b ← b − η ∂eᵢ/∂b
        examplePath.append((w, b))
    }
    exampleCost.append(cost(w, b))
}
let (wExample, bExample) = (w, b)
notebook.show("after \(exampleEpochs * n) updates (w, b)", "(\(formatNumber("%.4f", wExample)), \(formatNumber("%.4f", bExample)))")
notebook.record("stochasticW", wExample)
notebook.record("stochasticB", bExample)

// MARK: - Comparison
notebook.section("Comparison")
notebook.table(["method", "w", "b", "J(w, b)", "updates"], [
    ["closed form", formatNumber("%.4f", wBest), formatNumber("%.4f", bBest), formatNumber("%.5f", cost(wBest, bBest)), "0"],
    ["batch GD", formatNumber("%.4f", wBatch), formatNumber("%.4f", bBatch), formatNumber("%.5f", cost(wBatch, bBatch)), grouped(batchEpochs)],
    ["per-example GD", formatNumber("%.4f", wExample), formatNumber("%.4f", bExample), formatNumber("%.5f", cost(wExample, bExample)),
     grouped(exampleEpochs * n)],
])
// The curvatures of the bowl: the eigenvalues of XᵀX (2 × 2: from its trace and determinant).
/// The ratio of the larger to the smaller eigenvalue of the symmetric 2 × 2 matrix [[a, c], [c, d]].
func curvatureRatio(_ a: Double, _ c: Double, _ d: Double) -> Double {
    let trace = a + d, det = a * d - c * c
    let larger = (trace + (trace * trace - 4 * det).squareRoot()) / 2
    return larger / (det / larger)
}
let rawRatio = curvatureRatio(XtX[0, 0], XtX[0, 1], XtX[1, 1])
// With x centred, XᵀX = [[Σ(x − x̄)², 0], [0, n]].
let meanX = data.x.reduce(0, +) / Double(n)
let centredRatio = curvatureRatio(data.x.reduce(0) { $0 + ($1 - meanX) * ($1 - meanX) }, 0, Double(n))
notebook.say("""
    Both descents end near the closed form. They approach it quickly along one direction and slowly \
    along the other: the bowl is \(formatNumber("%.0f", rawRatio)) times more curved across its valley than along it \
    (the ratio of the eigenvalues of XᵀX; x is far from 0), so a step size safe for the steep direction crawls \
    along the flat one. Centring x (subtracting its mean) removes the coupling between w and b and brings the ratio \
    down to \(formatNumber("%.1f", centredRatio)); it is not round yet, because x's spread still differs from the \
    bias's constant 1: scaling x to unit variance as well (standardizing, lesson 08) makes the ratio 1, a round bowl.
    """)
notebook.record("centredCurvatureRatio", centredRatio)
notebook.record("curvatureRatio", rawRatio)
notebook.record("batchCost", cost(wBatch, bBatch))
notebook.record("stochasticCost", cost(wExample, bExample))

// MARK: - Figures
notebook.section("Figures")
let line = [0.0, 11.5]
notebook.figure(Figure(name: "lesson02-fit", panel: Panel(
    title: "Linear regression on the lecture's 17 points", xLabel: "x", yLabel: "y",
    series: [Series("data", x: data.x, y: data.y, style: .points, color: "#333333", pointSize: 1.2),
             Series("closed form", x: line, y: line.map { wBest * $0 + bBest }, lineWidth: 3),
             Series("batch GD", x: line, y: line.map { wBatch * $0 + bBatch }, dashed: true),
             Series("per-example GD", x: line, y: line.map { wExample * $0 + bExample }, dashed: true)],
    legend: .topLeft)),
    caption: "the data and the fitted lines: descent ends on the closed-form line", main: true)
notebook.figure(Figure(name: "lesson02-cost", panel: Panel(
    title: "Cost after each epoch", xLabel: "epoch", yLabel: "J(w, b)", logScaleY: true,
    series: [Series("batch GD (1 update per epoch)", x: (0...batchEpochs).map(Double.init), y: batchCost),
             Series("per-example GD (17 updates per epoch)", x: (0...exampleEpochs).map(Double.init), y: exampleCost),
             Series("closed form", x: [0, Double(batchEpochs)], y: [cost(wBest, bBest), cost(wBest, bBest)], color: "#333333", dashed: true)])),
    caption: "the cost falls fast, then slowly: the flat direction of the bowl")
let ws = (0...80).map { -0.05 + 0.75 * Double($0) / 80 }, bs = (0...80).map { -0.1 + 1.1 * Double($0) / 80 }
notebook.figure(Figure(name: "lesson02-path", panel: Panel(
    title: "The path of (w, b) on the cost's contours", xLabel: "w", yLabel: "b",
    xRange: -0.05...0.7, yRange: -0.1...1.0,
    series: [Series("per-example GD (every update)", x: examplePath.map(\.0), y: examplePath.map(\.1),
                    color: "#fdae6b", lineWidth: 0.5),
             Series("batch GD", x: batchPath.map(\.0), y: batchPath.map(\.1), color: seriesColors[0], lineWidth: 2),
             Series("closed form", x: [wBest], y: [bBest], style: .points, color: "#d62728", pointType: 7, pointSize: 1.5)],
    contour: Contour(x: ws, y: bs, values: bs.map { b in ws.map { w in cost(w, b) } },
                     levels: [0.155, 0.16, 0.18, 0.22, 0.3, 0.5, 1, 2, 4]))),
    caption: "batch descent zigzags across the narrow valley, then creeps along it; per-example steps scatter around the same path")

notebook.finish()
