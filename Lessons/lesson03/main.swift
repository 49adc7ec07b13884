/// Lesson 03 · Activation functions
///
/// The one concept: a unit computes s = Σ wᵢ xᵢ + b and then h(s), a non-linear function.
/// Without h, any stack of layers is one linear map. Every h of the lecture's table, with its
/// derivative h′, lives once in the library: `Activation` in Sources/Neural/Activation.swift.
import Foundation
import Neural
import Notebook
import Plotting
import Tensors

let notebook = LessonNotebook(
    lesson: 3, title: "Activation functions",
    concept: "Each unit computes a signal s = Σᵢ wᵢ xᵢ + b and outputs h(s), where the activation function h is "
        + "non-linear. Backpropagation needs its derivative h′ too. Without a non-linear h, stacking layers gains "
        + "nothing: the stack collapses into a single linear map.",
    formulas: ["identity  h(s) = s                         h′(s) = 1",
               "step      h(s) = 1 if s ≥ 0 else 0         h′(s) = 0",
               "logistic  h(s) = 1 / (1 + e^−s)            h′(s) = h(s)(1 − h(s))",
               "tanh      h(s) = (e^s − e^−s)/(e^s + e^−s)   h′(s) = 1 − h(s)²",
               "arctan    h(s) = arctan s                   h′(s) = 1 / (1 + s²)",
               "ReLU      h(s) = max(s, 0)                  h′(s) = 1 if s > 0 else 0",
               "PReLU     h(s) = s if s > 0 else α s        h′(s) = 1 if s > 0 else α   (α learned)",
               "ELU       h(s) = s if s > 0 else α(e^s − 1)  h′(s) = 1 if s > 0 else h(s) + α",
               "softplus  h(s) = ln(1 + e^s)               h′(s) = 1 / (1 + e^−s)"])

// MARK: - The table
notebook.section("The lecture's table, computed")
notebook.say("""
    Each activation at a few points, from the library's implementation (`Activation`, one formula each). \
    PReLU is a layer of its own because its α is a parameter; here α = 0.25.
    """)
let points = Tensor<Double>([-2, -0.5, 0.5, 2])
var rows: [[String]] = []
for activation in Activation.lectureTable {
    let h = activation(points)
    rows.append([activation.description] + h.scalars.map { formatNumber("%.4f", $0) })
}
let prelu = PReLU<Double>(units: 4, alpha: 0.25)
let preluValues = prelu(points.reshaped([1, 4]))   // the layer called for inference: forward without a cache
rows.append(["prelu (α = 0.25)"] + preluValues.scalars.map { formatNumber("%.4f", $0) })
notebook.table(["h", "h(−2)", "h(−0.5)", "h(0.5)", "h(2)"], rows)

// MARK: - Derivatives, checked numerically
notebook.section("Derivatives, checked numerically")
notebook.say("""
    A derivative formula is easy to get wrong, so each h′ is compared with the centred difference \
    (h(s + ε) − h(s − ε)) / 2ε, ε = 10⁻⁶, on 400 points between −4 and 4 (avoiding the kinks at 0 of the \
    step and ReLU, where h′ does not exist).
    """)
let grid = Tensor<Double>.linspace(from: -4, to: 4, count: 401).map { abs($0) < 0.02 ? $0 + 0.05 : $0 }
let epsilon = 1e-6
var derivativeRows: [[String]] = []
var worst = 0.0
for activation in Activation.lectureTable {
    let h = activation(grid)
    let analytic = activation.derivative(grid, output: h)
    let numeric = (activation(grid + epsilon) - activation(grid - epsilon)) / (2 * epsilon)
    let error = abs(analytic - numeric).max()
    worst = max(worst, error)
    derivativeRows.append([activation.description, formatNumber("%.4f", analytic.min()), formatNumber("%.4f", analytic.max()),
                           formatNumber("%.1e", error)])
}
notebook.table(["h", "min h′", "max h′", "max |h′ − numerical|"], derivativeRows)
notebook.say("""
    Every derivative agrees with the numerical one to about 10⁻¹⁰ (as closely as the difference quotient \
    itself can resolve). The sigmoid's and tanh's derivatives are largest at 0 (1/4 and 1) and vanish for large |s|: \
    a saturated unit passes almost no gradient back.
    """)
notebook.show("largest disagreement", formatNumber("%.2e", worst))
notebook.record("maxDerivativeError", worst)

// MARK: - Why non-linear
notebook.section("Without a non-linear h, layers collapse into one")
notebook.say("""
    Two layers with the identity activation: Y = W₂(W₁X + b₁) + b₂ = (W₂W₁)X + (W₂b₁ + b₂), one linear map \
    with weights W = W₂W₁ and bias b = W₂b₁ + b₂. (The library stores one example per row, so the same identity reads \
    Y = (X W₁ + b₁) W₂ + b₂ = X (W₁W₂) + (b₁W₂ + b₂).) With random numbers:
    """)
var rng = notebook.rng
let inputs = Tensor<Double>.normal([5, 3], using: &rng)
let w1 = Tensor<Double>.normal([3, 4], using: &rng), b1 = Tensor<Double>.normal([4], using: &rng)
let w2 = Tensor<Double>.normal([4, 2], using: &rng), b2 = Tensor<Double>.normal([2], using: &rng)
let twoLayers = matmul(matmul(inputs, w1) + b1, w2) + b2
let collapsedWeights = matmul(w1, w2)
let collapsedBias = matmul(b1.reshaped([1, 4]), w2).reshaped([2]) + b2
let oneLayer = matmul(inputs, collapsedWeights) + collapsedBias
notebook.show("two linear layers, Y", twoLayers)
notebook.show("one layer with W₁W₂ and b₁W₂ + b₂", oneLayer)
let collapseError = abs(twoLayers - oneLayer).max()
notebook.show("largest difference", formatNumber("%.1e", collapseError))
notebook.record("collapseMaxDifference", collapseError)
let reluLayers = matmul(max(matmul(inputs, w1) + b1, 0), w2) + b2
let reluGap = abs(reluLayers - oneLayer).max()
notebook.say("""
    With ReLU between the layers the same weights give different outputs (largest difference \
    \(formatNumber("%.2f", reluGap))), and no single matrix can reproduce them for every input: the bends of h are what \
    let a network draw curved decision boundaries.
    """)
notebook.record("reluDifference", reluGap)

// MARK: - Figure
notebook.section("Figure")
let s = Tensor<Double>.linspace(from: -4, to: 4, count: 401)
var panels: [Panel] = []
for activation in Activation.lectureTable {
    let h = activation(s)
    let range: ClosedRange<Double> = activation == .identity ? -4...4 : (activation == .softplus || activation == .relu || activation == .elu ? -1.5...4 : -1.6...1.6)
    panels.append(Panel(title: activation.description, yRange: range,
                        series: [Series("h", x: s.scalars, y: h.scalars),
                                 Series("h′", x: s.scalars, y: activation.derivative(s, output: h).scalars, dashed: true)],
                        legend: panels.isEmpty ? .topLeft : .hidden))
}
let preluUnit = PReLU<Double>(units: 1, alpha: 0.25)
let preluCurve = preluUnit(s.reshaped([401, 1]))
panels.append(Panel(title: "prelu (α = 0.25)", yRange: -1.5...4,
                    series: [Series("h", x: s.scalars, y: preluCurve.scalars),
                             Series("h′", x: s.scalars, y: s.scalars.map { $0 > 0 ? 1 : 0.25 }, dashed: true)],
                    legend: .hidden))
notebook.figure(Figure(name: "lesson03-activations", title: "Activation functions h (solid) and their derivatives h′ (dashed)",
                       panels: panels, layout: (3, 3), width: 960, height: 820),
                caption: "the lecture's activation functions and their derivatives", main: true)

notebook.finish()
