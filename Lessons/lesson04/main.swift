/// Lesson 04 · Backpropagation
///
/// The one concept: the delta recursion. Written first exactly in the lecture's notation, one
/// example at a time with loops over i and j; then vectorized over a mini-batch (which is how
/// the library's `Dense.backward` in Sources/Neural/Dense.swift does it), and checked against
/// both the library and finite differences.
import Foundation
import Neural
import Notebook
import Plotting
import Tensors

let notebook = LessonNotebook(
    lesson: 4, title: "Backpropagation",
    concept: "Backpropagation computes the gradient of the error with respect to every weight in one backward "
        + "sweep. Each layer l has signals s_j^(l) and outputs x_j^(l) = h(s_j^(l)); the deltas δ_j^(l) = ∂e/∂s_j^(l) "
        + "start at the output and flow backwards through the same weights; each weight's gradient is the product "
        + "of what entered it and the delta of where it goes.",
    formulas: ["s_j^(l) = Σ_i w_ij^(l) x_i^(l−1)     x_j^(l) = h(s_j^(l))     (i = 0 is the bias: x_0 = 1)",
               "δ_j^(l) = ∂e/∂s_j^(l);  output layer (logistic + cross-entropy): δ^(L) = x^(L) − y",
               "δ_i^(l−1) = h′(s_i^(l−1)) Σ_j w_ij^(l) δ_j^(l)          (the delta recursion)",
               "∂e/∂w_ij^(l) = x_i^(l−1) δ_j^(l)                      (the gradient)",
               "w_ij^(l) ← w_ij^(l) − η x_i^(l−1) δ_j^(l)             (the weight update rule)",
               "",
               "The algorithm: 1 initialize the weights at random · 2 pick an example (x_n, y_n) ·",
               "3 forward: compute every s_j^(l) and x_j^(l) · 4 compute δ^(L) at the output ·",
               "5 backward: δ^(l−1) from δ^(l) · 6 gradients x_i^(l−1) δ_j^(l) · 7 update every w_ij^(l) ·",
               "8 repeat for every example, epoch after epoch, until the error stops falling"])

// MARK: - Step 1: the network
notebook.section("A small network, in the lecture's notation (algorithm step 1)")
notebook.say("""
    Two inputs, a hidden layer of three tanh units, one logistic output unit: d^(0) = 2, d^(1) = 3, \
    d^(2) = 1. w_ij^(l) goes from unit i of layer l − 1 (i = 0 is the constant x_0 = 1, so w_0j^(l) is unit j's \
    bias) to unit j of layer l. They start at small random values. One place where the code departs from the \
    notation: the lecture numbers the units of a layer j = 1 … d^(l), Swift arrays from 0, so w_ij^(l) is stored in \
    weights[l][i][j − 1].
    """)
var rng = notebook.rng
let dimensions = [2, 3, 1]
let layerCount = dimensions.count - 1     // L
/// weights[l][i][j − 1] = w_ij^(l) for l = 1 … L, i = 0 … d^(l−1), j = 1 … d^(l) (weights[0] is unused, so l
/// matches the lecture; j is shifted by one because the lecture counts units from 1).
var weights: [[[Double]]] = [[]]
for l in 1...layerCount {
    weights.append((0...dimensions[l - 1]).map { _ in (0..<dimensions[l]).map { _ in rng.nextNormal(standardDeviation: 0.5) } })
}
for l in 1...layerCount {
    notebook.show("w_ij^(\(l))  (rows i = 0…\(dimensions[l - 1]), columns j = 1…\(dimensions[l]))",
                  Tensor<Double>(weights[l]))
}

/// h for layer l: tanh for hidden layers, the logistic function for the output.
func h(_ s: Double, layer l: Int) -> Double { l == layerCount ? 1 / (1 + exp(-s)) : tanh(s) }
/// h′ of the hidden layers' tanh, from its output: h′(s) = 1 − h(s)².
func hPrime(output x: Double) -> Double { 1 - x * x }

// MARK: - Steps 2–3: forward
notebook.section("Forward pass for one example (steps 2–3)")
let example = (x: [0.5, -1.2], y: 1.0)
notebook.say("""
    Take the example x = (\(example.x[0]), \(example.x[1])) with label y = \(example.y). Each signal is a sum \
    over i of w_ij x_i, each output h of its signal:
    """)
/// Runs the forward pass with weights w: s[l][j] and x[l][i] (x[l][0] = 1, the bias input) for every layer.
func forward(_ input: [Double], _ w: [[[Double]]]) -> (s: [[Double]], x: [[Double]]) {
    var s: [[Double]] = [[]]
    var x: [[Double]] = [[1] + input]
    for l in 1...layerCount {
        var signals = [Double](repeating: 0, count: dimensions[l] + 1)    // index 0 unused
        var outputs = [Double](repeating: 1, count: dimensions[l] + 1)    // x_0^(l) = 1
        for j in 1...dimensions[l] {
            for i in 0...dimensions[l - 1] {
                signals[j] += w[l][i][j - 1] * x[l - 1][i]                // s_j^(l) = Σ_i w_ij^(l) x_i^(l−1)
            }
            outputs[j] = h(signals[j], layer: l)                          // x_j^(l) = h(s_j^(l))
        }
        s.append(signals)
        x.append(outputs)
    }
    return (s, x)
}
let (s, x) = forward(example.x, weights)
for l in 1...layerCount {
    notebook.show("s^(\(l))", "(" + s[l].dropFirst().map { formatNumber("%.4f", $0) }.joined(separator: ", ") + ")")
    notebook.show("x^(\(l))", "(" + x[l].dropFirst().map { formatNumber("%.4f", $0) }.joined(separator: ", ") + ")")
}
let output = x[layerCount][1]
let error = -(example.y * log(output) + (1 - example.y) * log(1 - output))
notebook.show("e = −[y ln x^(L) + (1 − y) ln(1 − x^(L))]", formatNumber("%.4f", error))

// MARK: - Steps 4–6: deltas and gradients
notebook.section("Deltas, backwards, and the gradients (steps 4–6)")
notebook.say("""
    At the output, the logistic function and the cross-entropy error cancel neatly: δ^(L) = ∂e/∂s^(L) = \
    x^(L) − y. Then each hidden delta gathers the deltas of the layer above through the same weights, times h′:
    """)
/// The backward pass with weights w: delta[l][j] = δ_j^(l) and gradient[l][i][j − 1] = ∂e/∂w_ij^(l) (j shifted as in weights).
func backward(_ s: [[Double]], _ x: [[Double]], y: Double, _ w: [[[Double]]]) -> (delta: [[Double]], gradient: [[[Double]]]) {
    var delta = (0...layerCount).map { [Double](repeating: 0, count: dimensions[$0] + 1) }
    delta[layerCount][1] = x[layerCount][1] - y                          // δ^(L) = x^(L) − y
    if layerCount > 1 {
        for l in stride(from: layerCount, through: 2, by: -1) {
            for i in 1...dimensions[l - 1] {
                var sum = 0.0
                for j in 1...dimensions[l] { sum += w[l][i][j - 1] * delta[l][j] }         // Σ_j w_ij^(l) δ_j^(l)
                delta[l - 1][i] = hPrime(output: x[l - 1][i]) * sum                         // δ_i^(l−1) = h′(s_i^(l−1)) Σ_j …
            }
        }
    }
    var gradient: [[[Double]]] = [[]]
    for l in 1...layerCount {
        gradient.append((0...dimensions[l - 1]).map { i in
            (1...dimensions[l]).map { j in x[l - 1][i] * delta[l][j] }                      // ∂e/∂w_ij^(l) = x_i^(l−1) δ_j^(l)
        })
    }
    return (delta, gradient)
}
let (delta, gradient) = backward(s, x, y: example.y, weights)
for l in stride(from: layerCount, through: 1, by: -1) {
    notebook.show("δ^(\(l))", "(" + delta[l].dropFirst().map { formatNumber("%.4f", $0) }.joined(separator: ", ") + ")")
}
for l in 1...layerCount { notebook.show("∂e/∂w_ij^(\(l)) = x_i^(\(l - 1)) δ_j^(\(l))", Tensor<Double>(gradient[l])) }

// MARK: - Step 7: update
notebook.section("The weight update rule (step 7)")
let eta = 0.5
notebook.say("""
    Every weight moves against its gradient: w_ij^(l) ← w_ij^(l) − η x_i^(l−1) δ_j^(l), here with η = \(eta). \
    The error on this example goes down:
    """)
let weightsBefore = weights
for l in 1...layerCount {
    for i in 0...dimensions[l - 1] {
        for j in 0..<dimensions[l] { weights[l][i][j] -= eta * gradient[l][i][j] }   // w_i(j+1)^(l) ← w − η ∂e/∂w (j from 0 here)
    }
}
let after = forward(example.x, weights).x[layerCount][1]
let errorAfter = -(example.y * log(after) + (1 - example.y) * log(1 - after))
notebook.show("e before → after one update", "\(formatNumber("%.4f", error)) → \(formatNumber("%.4f", errorAfter))")
notebook.record("errorBefore", error)
notebook.record("errorAfter", errorAfter)
weights = weightsBefore

// MARK: - Vectorized
notebook.section("The same, vectorized over a mini-batch")
notebook.say("""
    With m examples as the rows of a matrix X, every loop over i and j becomes a matrix product. Written \
    the way the library writes it (Dense.backward(delta:) in Sources/Neural/Dense.swift): the bias b as its own \
    vector instead of row 0 of W, and the error averaged over the batch, E = (1/m) Σₙ eₙ, as Keras does:
    """)
notebook.block("""
S⁽¹⁾ = X W⁽¹⁾ + b⁽¹⁾      H = tanh(S⁽¹⁾)      S⁽²⁾ = H W⁽²⁾ + b⁽²⁾      O = σ(S⁽²⁾)
δ⁽²⁾ = (O − Y) / m                                  (sigmoid with cross-entropy, mean over the batch)
∂E/∂W⁽²⁾ = Hᵀ δ⁽²⁾      ∂E/∂b⁽²⁾ = Σₙ δₙ⁽²⁾
δ⁽¹⁾ = (1 − H²) ⊙ (δ⁽²⁾ W⁽²⁾ᵀ)                       (the delta recursion)
∂E/∂W⁽¹⁾ = Xᵀ δ⁽¹⁾      ∂E/∂b⁽¹⁾ = Σₙ δₙ⁽¹⁾
""")
let m = 8
let batch = Tensor<Double>.normal([m, 2], using: &rng)
let labels = (0..<m).map { _ in Double(rng.nextInt(below: 2)) }
// Per example, with the loops above, summed; divided by m, it is the gradient of the mean error.
var summed = (1...layerCount).map { l in Tensor<Double>.zeros([dimensions[l - 1] + 1, dimensions[l]]) }
for n in 0..<m {
    let pass = forward([batch[n, 0], batch[n, 1]], weights)
    let g = backward(pass.s, pass.x, y: labels[n], weights).gradient
    for l in 1...layerCount { summed[l - 1] += Tensor(g[l]) }
}
// Vectorized with tensors, in the library's conventions: W without its bias row, b apart.
let W1 = Tensor<Double>(weights[1]).rows(1 ..< 3), b1 = Tensor<Double>(weights[1]).row(0)
let W2 = Tensor<Double>(weights[2]).rows(1 ..< 4), b2 = Tensor<Double>(weights[2]).row(0)
let Y = Tensor(shape: [m, 1], scalars: labels)
let H = tanh(matmul(batch, W1) + b1)                                   // H = tanh(X W⁽¹⁾ + b⁽¹⁾), (m, 3)
let O = Activation.sigmoid(matmul(H, W2) + b2)                         // O = σ(H W⁽²⁾ + b⁽²⁾), (m, 1)
let delta2 = (O - Y) / Double(m)                                       // δ⁽²⁾ = (O − Y) / m
let weightGradient2 = matmul(H, delta2, transposeA: true)              // ∂E/∂W⁽²⁾ = Hᵀ δ⁽²⁾
let biasGradient2 = delta2.sum(axis: 0)                                // ∂E/∂b⁽²⁾ = Σₙ δₙ⁽²⁾
let delta1 = (1 - H * H) * matmul(delta2, W2, transposeB: true)        // δ⁽¹⁾ = (1 − H²) ⊙ (δ⁽²⁾ W⁽²⁾ᵀ)
let weightGradient1 = matmul(batch, delta1, transposeA: true)          // ∂E/∂W⁽¹⁾ = Xᵀ δ⁽¹⁾
let biasGradient1 = delta1.sum(axis: 0)                                // ∂E/∂b⁽¹⁾ = Σₙ δₙ⁽¹⁾
let vectorized = [(weightGradient1, biasGradient1), (weightGradient2, biasGradient2)]
// The library: the same Dense layers and BinaryCrossentropy (a mean over the batch).
let network = Sequential<Double>(inputShape: [2], layers: [
    Dense(weights: W1, bias: b1, activation: .tanh),
    Dense(weights: W2, bias: b2, activation: .sigmoid),
])
var libraryCopy = network
var context = Context(mode: .training, rng: rng)
let (libraryOutput, caches) = libraryCopy.forward(batch, context: &context)
let libraryGradients = libraryCopy.backward(output: libraryOutput, target: Y, loss: BinaryCrossentropy(), caches: caches)
var comparison: [[String]] = []
var worstDifference = 0.0
for l in 0..<layerCount {
    let loops = summed[l] / Double(m)   // row 0: the bias, rows 1…: the weights
    let (weightGradient, biasGradient) = vectorized[l]
    let loopsVsTensors = max(abs(loops.rows(1 ..< loops.shape[0]) - weightGradient).max(), abs(loops.row(0) - biasGradient).max())
    let tensorsVsLibrary = max(abs(weightGradient - libraryGradients[l][0]).max(), abs(biasGradient - libraryGradients[l][1]).max())
    worstDifference = max(worstDifference, loopsVsTensors, tensorsVsLibrary)
    comparison.append(["W^(\(l + 1)), b^(\(l + 1))", Shape.describe(weightGradient.shape) + " + " + Shape.describe(biasGradient.shape),
                       formatNumber("%.1e", loopsVsTensors), formatNumber("%.1e", tensorsVsLibrary)])
}
notebook.table(["gradient", "shape", "loops (sum / m) vs tensors", "tensors vs library"], comparison)
notebook.say("""
    The three agree to rounding: the tensor lines above are, line for line, what Dense.backward(delta:) \
    computes (Xᵀ·δ, Σδ, δ·Wᵀ), and the loops' per-example sums divided by m are the same mean.
    """)
notebook.record("vectorizedMaxDifference", worstDifference)

// MARK: - Gradient check
notebook.section("Gradient check")
let check = GradientCheck.check(network, loss: BinaryCrossentropy(), input: batch, target: Y)
notebook.say("""
    The last line of defence: perturb each weight by ±h and measure the change of the error. The backward \
    pass agrees with these centred differences to a relative error of at most \
    \(formatNumber("%.1e", check.maxRelativeError)) (around 1e-9 or less is what to expect: the differences themselves \
    are only that accurate):
    """)
notebook.block(check.description)
notebook.record("gradientCheckMaxRelativeError", check.maxRelativeError)

// MARK: - Step 8: training on a spiral
notebook.section("Repeat: learning two interleaved spirals (step 8)")
let perClass = notebook.size(100, quick: 60)
let epochs = notebook.epochs(400, quick: 150)
notebook.say("""
    Two spirals of \(perClass) points each, one per class, turning 1.5 times: no straight line separates them. \
    A network with two hidden layers of 32 tanh units learns them with the update rule above, averaged over \
    mini-batches of 16 and helped by momentum (lesson 06), all inside the library's `fit`. Its weights start \
    larger than usual (He initialization), so the tanh units bend from the first epoch instead of acting linear.
    """)
var points: [Float] = [], classes: [Float] = []
for label in 0..<2 {
    for i in 0..<perClass {
        let r = Double(i) / Double(perClass)
        let angle = Double(label) * .pi + 3 * .pi * r + 0.15 * rng.nextNormal()
        points += [Float(r * cos(angle)), Float(r * sin(angle))]
        classes.append(Float(label))
    }
}
let spiralX = Tensor<Float>(shape: [2 * perClass, 2], scalars: points)
let spiralY = Tensor<Float>(shape: [2 * perClass, 1], scalars: classes)
var model = Sequential<Float>(inputShape: [2], layers: [
    Dense(inputs: 2, units: 32, activation: .tanh, initializer: .heNormal, using: &rng),
    Dense(inputs: 32, units: 32, activation: .tanh, initializer: .heNormal, using: &rng),
    Dense(inputs: 32, units: 1, activation: .sigmoid, using: &rng),
])
let optimizer = SGD<Float>(learningRate: 0.05, momentum: 0.9)
notebook.settings(["epochs": epochs, "batch": 16, "optimizer": optimizer, "examples": 2 * perClass])
let history = model.fit(spiralX, spiralY, epochs: epochs, descent: .miniBatch(16), loss: BinaryCrossentropy(),
                        optimizer: optimizer, metrics: [.accuracy], progress: .quiet, rng: &rng)
let accuracy = history.last(.accuracy) ?? 0
let finalAccuracy = model.evaluate(spiralX, spiralY, loss: BinaryCrossentropy(), metrics: [.accuracy])[.accuracy] ?? 0
notebook.table(["epoch", "loss", "accuracy"], stride(from: 0, to: history.epochCount, by: max(1, history.epochCount / 8)).map { e in
    [String(e + 1), formatNumber("%.4f", history[.loss][e]), formatNumber("%.3f", history[.accuracy][e])]
} + [[String(history.epochCount), formatNumber("%.4f", history[.loss].last ?? 0), formatNumber("%.3f", accuracy)]])
notebook.show("training accuracy of the final network", formatNumber("%.3f", finalAccuracy))
notebook.say("""
    The table's accuracy for epoch \(history.epochCount) (\(formatNumber("%.3f", accuracy))) and the final network's \
    (\(formatNumber("%.3f", finalAccuracy))) are measured differently: the table averages each mini-batch's accuracy \
    while the weights were still changing during the epoch (as Keras reports it); the final figure evaluates all \
    \(2 * perClass) points with the weights as they ended.
    """)
notebook.record("spiralAccuracy", finalAccuracy)
notebook.record("spiralFinalLoss", history[.loss].last ?? .nan)

// MARK: - Figures
notebook.section("Figures")
notebook.figure(Charts.history(history, name: "lesson04-loss", title: "Training on the spirals"),
                caption: "loss and accuracy per epoch")
let grid = (0..<101).map { -1.2 + 2.4 * Double($0) / 100 }
let gridPoints = Tensor<Float>(shape: [101 * 101, 2], scalars: grid.flatMap { y in grid.flatMap { x in [Float(x), Float(y)] } })
let probabilities = model.predict(gridPoints).reshaped([101, 101])
let surface = (0..<101).map { r in (0..<101).map { c in Double(probabilities[r, c]) } }
func classPoints(_ label: Float, pointType: Int) -> Series {
    let rows = (0..<spiralY.count).filter { spiralY[$0, 0] == label }
    return Series("class \(Int(label))", x: rows.map { Double(spiralX[$0, 0]) }, y: rows.map { Double(spiralX[$0, 1]) },
                  style: .points, color: "#000000", pointType: pointType, pointSize: 0.8)
}
notebook.figure(Figure(name: "lesson04-boundary", panel: Panel(
    title: "Decision boundary: P(class 1) over the plane", xLabel: "x₁", yLabel: "x₂",
    xRange: -1.2...1.2, yRange: -1.2...1.2,
    series: [classPoints(0, pointType: 7), classPoints(1, pointType: 6)],
    heatmap: Heatmap(surface, x: -1.2...1.2, y: -1.2...1.2, palette: .blueRed, colorRange: 0...1),
    legend: .outside, equalAspect: true), width: 720, height: 600),
    caption: "the network's probability of class 1 across the plane; the boundary winds between the spirals", main: true)

notebook.finish()
