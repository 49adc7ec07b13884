/// Lesson 16 · Least squares and the neural network
///
/// The one concept: a network with no hidden layer and the identity activation is linear
/// regression, and gradient descent on its squared error finds the least-squares solution
/// β̂ = (XᵀX)⁻¹XᵀY that statistics computes in one step. Hidden layers with identity
/// activations add nothing (the product of their weight matrices is β̂ again, lesson 03's
/// collapse with data). And a fit is judged by its residuals, not only its summary numbers.
import Datasets
import Foundation
import Neural
import Notebook
import Plotting
import Tensors

let notebook = LessonNotebook(
    lesson: 16, title: "Least squares and the neural network",
    concept: "Least squares minimizes the sum of squared errors; its minimum solves the normal equations "
        + "XᵀX β = XᵀY. A linear network trained by gradient descent on the same error converges to the same β. "
        + "Residuals r = y − ŷ plotted against the fitted values ŷ show what a fit missed, which R² and the "
        + "standard errors alone cannot.",
    formulas: ["normal equations:  XᵀX β̂ = XᵀY   (solved with the Cholesky factor XᵀX = L Lᵀ, never an explicit inverse)",
               "error as the neuralnet package reports it:  E = ½ Σᵢ (ŷᵢ − yᵢ)²  = SSE/2",
               "R² = 1 − SSE / Σᵢ (yᵢ − ȳ)²      se(β̂ⱼ) = √(σ̂² [(XᵀX)⁻¹]ⱼⱼ),  σ̂² = SSE / (n − p − 1)"])

// MARK: - Least squares by hand
notebook.section("The least-squares fit, solved stably")
let boston = notebook.require { try BostonHousing.load() }
let standardizer = notebook.require { try Standardizer(fitting: boston.trainFeatures) }
let features = Tensor<Double>(standardizer.transform(boston.trainFeatures))
let targets = Tensor<Double>(boston.trainTargets)
let n = features.shape[0], p = features.shape[1]
notebook.say("""
    The \(n) Boston training towns of lesson 08, their \(p) features standardized, and the median value \
    MEDV. With a column of ones for the intercept, X is \(n) × \(p + 1). The normal equations are solved with the \
    Cholesky factor of XᵀX: it is symmetric and positive definite, so XᵀX = L Lᵀ with L lower triangular, and two \
    triangular solves give β̂ — no inverse is formed.
    """)
let X = Tensor.concatenate([Tensor<Double>.ones([n, 1]), features], axis: 1)
let XtX = matmul(X, X, transposeA: true), XtY = matmul(X, targets, transposeA: true)

/// L with A = L Lᵀ (A symmetric positive definite), column by column.
func cholesky(_ a: Tensor<Double>) -> [[Double]] {
    let m = a.shape[0]
    var l = [[Double]](repeating: [Double](repeating: 0, count: m), count: m)
    for j in 0..<m {
        var diagonal = a[j, j]
        for k in 0..<j { diagonal -= l[j][k] * l[j][k] }
        l[j][j] = diagonal.squareRoot()                        // L_jj = √(A_jj − Σ_k L_jk²)
        for i in (j + 1)..<max(j + 1, m) {
            var sum = a[i, j]
            for k in 0..<j { sum -= l[i][k] * l[j][k] }
            l[i][j] = sum / l[j][j]                            // L_ij = (A_ij − Σ_k L_ik L_jk) / L_jj
        }
    }
    return l
}
/// Solves L Lᵀ β = b: forward substitution L z = b, then back substitution Lᵀ β = z.
func choleskySolve(_ l: [[Double]], _ b: [Double]) -> [Double] {
    let m = b.count
    var z = [Double](repeating: 0, count: m), beta = [Double](repeating: 0, count: m)
    for i in 0..<m {
        var sum = b[i]
        for k in 0..<i { sum -= l[i][k] * z[k] }
        z[i] = sum / l[i][i]
    }
    for i in stride(from: m - 1, through: 0, by: -1) {
        var sum = z[i]
        for k in (i + 1)..<max(i + 1, m) { sum -= l[k][i] * beta[k] }
        beta[i] = sum / l[i][i]
    }
    return beta
}
let factor = cholesky(XtX)
let betaHat = choleskySolve(factor, XtY.scalars)
let fitted = matmul(X, Tensor(shape: [p + 1, 1], scalars: betaHat))
let residuals = targets - fitted
let sse = (residuals * residuals).sum()
notebook.show("SSE/2 of the least-squares fit", formatNumber("%.6f", sse / 2))
let largest = abs(matmul(XtX, Tensor(shape: [p + 1, 1], scalars: betaHat)) - XtY).max()
notebook.show("largest |XᵀX β̂ − XᵀY| (the normal equations hold)", formatNumber("%.1e", largest))
notebook.record("leastSquaresHalfSSE", sse / 2)
notebook.record("normalEquationsResidual", largest)

// MARK: - The linear network
notebook.section("A network with no hidden layer, trained by the update rule")
let epochs = notebook.epochs(3000, quick: 3000)
let eta = 0.1
notebook.say("""
    Dense(13 → 1) with the identity activation: ŷ = X w + b. Full-batch gradient descent on the mean \
    squared error E = (1/n) Σ (ŷ − y)², whose gradient is
    """)
notebook.block("""
    ∂E/∂w = (2/n) Xᵀ (X w + b − y)      ∂E/∂b = (2/n) Σ_i (x_i w + b − y_i)
    w ← w − η ∂E/∂w,   b ← b − η ∂E/∂b
    """)
notebook.say("""
    with η = \(eta), for \(grouped(epochs)) epochs, from zero weights (the library's Dense.backward and SGD compute \
    exactly these two lines):
    """)
var rng = notebook.rng
var linear = Sequential<Double>(inputShape: [p], layers: [Dense(weights: .zeros([p, 1]), bias: .zeros([1]))])
linear.fit(features, targets, epochs: epochs, descent: .batch, loss: MeanSquaredError(),
           optimizer: SGD(learningRate: .constant(eta)), progress: .quiet, rng: &rng)
let layer = linear.layer(0, as: Dense<Double>.self)
let networkBeta = [layer.bias[0]] + layer.weights.scalars
let networkFitted = linear.predict(features)
let networkSSE = ((networkFitted - targets) * (networkFitted - targets)).sum()
let names = ["intercept"] + boston.featureNames
notebook.table(["coefficient", "least squares β̂", "network (b, w)", "difference"], names.indices.map { j in
    [names[j], formatNumber("%+.6f", betaHat[j]), formatNumber("%+.6f", networkBeta[j]), formatNumber("%.1e", abs(betaHat[j] - networkBeta[j]))]
})
let coefficientDifference = zip(betaHat, networkBeta).map { abs($0 - $1) }.max()!
notebook.show("error SSE/2: least squares vs network", formatNumber("%.6f", sse / 2) + " vs " + formatNumber("%.6f", networkSSE / 2))
/// The largest and smallest eigenvalues of XᵀX/n: the error's curvatures along its principal directions are twice these.
/// Power iteration for the largest; inverse power iteration, solving with the Cholesky factor, for the smallest.
func extremeEigenvalues() -> (largest: Double, smallest: Double) {
    let m = p + 1
    func norm(_ v: [Double]) -> Double { v.reduce(0) { $0 + $1 * $1 }.squareRoot() }
    var v = [Double](repeating: 1, count: m), largest = 0.0
    for _ in 0..<1000 {
        let av = matmul(XtX, Tensor(shape: [m, 1], scalars: v)).scalars.map { $0 / Double(n) }   // (XᵀX/n) v
        largest = norm(av)
        v = av.map { $0 / largest }
    }
    var u = [Double](repeating: 1, count: m), inverse = 0.0
    for _ in 0..<1000 {
        let w = choleskySolve(factor, u).map { $0 * Double(n) }                                   // (XᵀX/n)⁻¹ u
        inverse = norm(w)
        u = w.map { $0 / inverse }
    }
    return (largest, 1 / inverse)
}
let (largestCurvature, smallestCurvature) = extremeEigenvalues()
let condition = largestCurvature / smallestCurvature
notebook.say("""
    The same coefficients to \(formatNumber("%.0e", coefficientDifference)) and the same error: gradient descent \
    walked to the minimum that the normal equations name directly. It needs thousands of steps because the bowl is not \
    round even with standardized features: the eigenvalues of XᵀX/n run from \(formatNumber("%.4f", smallestCurvature)) to \
    \(formatNumber("%.3f", largestCurvature)), a condition number of \(formatNumber("%.0f", condition)) (correlated features, \
    such as TAX and RAD, make some directions nearly flat). Along a direction of eigenvalue λ the error shrinks by the \
    factor 1 − 2ηλ per step (lesson 02): \(formatNumber("%.3f", 1 - 2 * eta * largestCurvature)) in the steepest one (the \
    steps overshoot and come back, but shrink), \(formatNumber("%.5f", 1 - 2 * eta * smallestCurvature)) in the flattest, \
    which needs about \(grouped(Int((log(1e12) / -log(1 - 2 * eta * smallestCurvature)).rounded()))) steps to shrink its \
    error by a factor of 10¹².
    """)
notebook.record("conditionNumber", condition)
notebook.record("networkCoefficientDifference", coefficientDifference)
notebook.record("networkHalfSSE", networkSSE / 2)

// MARK: - Hidden identity layers
notebook.section("Hidden layers with identity activations change nothing")
notebook.say("""
    Now 13 → 10 → 1 and 13 → 10 → 10 → 1, every activation the identity. Whatever the training, the \
    network computes X W¹ W² (W³) + a constant: one linear map, so the best it can do is β̂ again. Trained with Adam \
    (these products make plain gradient descent slow), the error and the product of the weight matrices:
    """)
var deepRows: [[String]] = [], deepResults: [(Double, Double)] = []
for hidden in [[10], [10, 10]] {
    let widths = [p] + hidden + [1]
    var layers: [any Layer<Double>] = []
    for (a, b) in zip(widths, widths.dropFirst()) { layers.append(Dense<Double>(inputs: a, units: b, using: &rng)) }
    var deep = Sequential<Double>(inputShape: [p], layers: layers)
    deep.fit(features, targets, epochs: notebook.size(4000, quick: 1500), descent: .batch, loss: MeanSquaredError(),
             optimizer: Adam(learningRate: 0.01), progress: .quiet, rng: &rng)
    // The collapsed map: W = W¹ W² …, b = ((b¹ W² + b²) W³ + b³) …
    let first = deep.layer(0, as: Dense<Double>.self)
    var w = first.weights, b = first.bias.reshaped([1, -1])
    for index in deep.layers.indices.dropFirst() {
        let dense = deep.layer(index, as: Dense<Double>.self)
        w = matmul(w, dense.weights)
        b = matmul(b, dense.weights) + dense.bias
    }
    let collapsed = [b[0, 0]] + w.scalars
    let predictions = deep.predict(features)
    let deepSSE = ((predictions - targets) * (predictions - targets)).sum()
    let difference = zip(collapsed, betaHat).map { abs($0 - $1) }.max()!
    deepResults.append((deepSSE / 2, difference))
    deepRows.append(["13 → " + hidden.map(String.init).joined(separator: " → ") + " → 1", grouped(deep.parameterCount.total),
                     formatNumber("%.6f", deepSSE / 2), formatNumber("%.1e", difference)])
}
notebook.table(["network", "parameters", "SSE/2", "max |W¹W²… − β̂|"], [["least squares", String(p + 1), formatNumber("%.6f", sse / 2), "0"]] + deepRows)
notebook.say("""
    More parameters, the same function class: the error cannot go below the least-squares error, and the \
    product of the weight matrices is β̂ (to the accuracy the optimization reached). Depth needs a nonlinearity \
    between the layers to add anything.
    """)
notebook.record("deepHalfSSE", deepResults.map(\.0))
notebook.record("deepCollapseDifference", deepResults.map(\.1))

// MARK: - Residuals
notebook.section("Residuals against fitted values")
let rSquared = 1 - sse / ((targets - targets.mean()) * (targets - targets.mean())).sum()
// Mean residual in the lowest, middle and highest tenth of the fitted values: a straight band has all three near 0.
let byFitted = fitted.scalars.indices.sorted { fitted.scalars[$0] < fitted.scalars[$1] }
func meanResidual(_ slice: ArraySlice<Int>) -> Double { slice.map { residuals.scalars[$0] }.reduce(0, +) / Double(slice.count) }
let tenth = n / 10
let (lowEnd, middle, highEnd) = (meanResidual(byFitted.prefix(tenth)), meanResidual(byFitted[(n / 2 - tenth / 2) ..< (n / 2 + tenth / 2)]),
                                 meanResidual(byFitted.suffix(tenth)))
let censored = targets.scalars.indices.filter { targets.scalars[$0] == 50 }
notebook.say("R² = \(formatNumber("%.3f", rSquared)). The residual plot (below) shows what the number hides. The mean "
    + "residual is \(formatNumber("%+.2f", lowEnd)) for the lowest tenth of the fitted values, \(formatNumber("%+.2f", middle)) "
    + "in the middle and \(formatNumber("%+.2f", highEnd)) for the highest tenth"
    + (lowEnd > 1 && highEnd > 1 && middle < 0 ? ": the band curves up at both ends, so the relation is not linear. " : ". ")
    + "And \(censored.count) towns have MEDV = 50 exactly, the value the survey was capped at: their residuals are "
    + "50 − ŷ, a straight diagonal of large positive residuals (drawn in red).")
notebook.record("residualMeans", [lowEnd, middle, highEnd])
notebook.record("bostonRSquared", rSquared)

// MARK: - Random predictors
notebook.section("Five predictors of pure noise")
/// Least squares on [1, columns]: the coefficients by Cholesky, as above.
func leastSquares(_ columns: Tensor<Double>, _ y: Tensor<Double>) -> Tensor<Double> {
    let design = Tensor.concatenate([Tensor<Double>.ones([columns.shape[0], 1]), columns], axis: 1)
    let solution = choleskySolve(cholesky(matmul(design, design, transposeA: true)), matmul(design, y, transposeA: true).scalars)
    return Tensor(shape: [solution.count, 1], scalars: solution)
}
func predict(_ beta: Tensor<Double>, _ columns: Tensor<Double>) -> Tensor<Double> {
    matmul(Tensor.concatenate([Tensor<Double>.ones([columns.shape[0], 1]), columns], axis: 1), beta)
}
func squaredError(_ a: Tensor<Double>, _ b: Tensor<Double>) -> Double { ((a - b) * (a - b)).sum() }
let testFeatures = Tensor<Double>(standardizer.transform(boston.testFeatures)), testTargets = Tensor<Double>(boston.testTargets)
let totalSquares = squaredError(targets, Tensor(shape: targets.shape, repeating: targets.mean()))
/// R², adjusted R² = 1 − (1 − R²)(n − 1)/(n − k − 1) for k predictors, and the test MSE.
func scores(_ columns: Tensor<Double>, _ testColumns: Tensor<Double>) -> [Double] {
    let beta = leastSquares(columns, targets), k = Double(columns.shape[1])
    let r2 = 1 - squaredError(predict(beta, columns), targets) / totalSquares
    return [r2, 1 - (1 - r2) * Double(n - 1) / (Double(n) - k - 1),
            squaredError(predict(beta, testColumns), testTargets) / Double(testTargets.count)]
}
let base = scores(features, testFeatures)
let noiseDraws = notebook.count(20, quick: 5)
var noiseRNG = SeededGenerator(seed: notebook.seed &+ 16)
let withNoise = (0..<noiseDraws).map { _ in
    scores(Tensor.concatenate([features, Tensor<Double>.normal([n, 5], using: &noiseRNG)], axis: 1),
           Tensor.concatenate([testFeatures, Tensor<Double>.normal([testFeatures.shape[0], 5], using: &noiseRNG)], axis: 1))
}
let noisyR2 = Spread(withNoise.map { $0[0] }), noisyAdjusted = Spread(withNoise.map { $0[1] }), noisyTest = Spread(withNoise.map { $0[2] })
notebook.say("""
    MATH4750's net4: the same regression with 5 extra predictors of standard normal noise, unrelated to the prices. \
    Least squares cannot do worse on its training data with more columns (it could set their coefficients to 0), so R² \
    rises; adjusted R², 1 − (1 − R²)(n − 1)/(n − k − 1), charges each predictor for the fit it buys by chance. Over \
    \(noiseDraws) draws of the noise:
    """)
notebook.table(["predictors", "R² (training)", "adjusted R²", "test MSE (102 towns)"], [
    ["the 13 features", formatNumber("%.4f", base[0]), formatNumber("%.4f", base[1]), formatNumber("%.2f", base[2])],
    ["13 + 5 of noise", noisyR2.formattedWithRange(), noisyAdjusted.formattedWithRange(), noisyTest.formattedWithRange("%.2f")],
])
let worseOnTest = withNoise.filter { $0[2] > base[2] }.count
// Each draw's test MSE against the 13 features' (the same value in every pair): the rule of lesson 10.
let testChange = Comparison(noisyTest, Spread([Double](repeating: base[2], count: noiseDraws)), run: "draw")
notebook.say("""
    R² rose in all \(withNoise.filter { $0[0] >= base[0] }.count) of \(noiseDraws) draws, by \
    \(formatNumber("%.4f", noisyR2.mean - base[0])) on average: the noise columns fit part of the training targets' own noise. \
    Adjusted R² fell in \(withNoise.filter { $0[1] < base[1] }.count), and the test error rose in \(worseOnTest) of \(noiseDraws) \
    (by \(formatNumber("%+.2f", testChange.difference)) on average, \(formatNumber("%.1f", testChange.standardErrors)) standard \
    errors\(testChange.isClear ? "" : ", under the 2 the rule asks"))\(testChange.isClear && testChange.difference > 0
        ? ": what the extra predictors learned does not carry over" : ": these draws cannot tell whether the extra predictors hurt"). \
    The same happens to a network given inputs that carry nothing (lesson 13's noise channels).
    """)
notebook.record("noisePredictors.r2Rises", withNoise.allSatisfy { $0[0] >= base[0] })
notebook.record("noisePredictors.testWorse", worseOnTest)
notebook.record("noisePredictors.draws", noiseDraws)

// MARK: - Residual (sur)realism
notebook.section("Residual (sur)realism")
notebook.say("""
    Stefanski (2007): the summary of a regression can look perfectly ordinary while its residual plot \
    shows anything at all. Construction: take the picture as points (u, v); let the fitted values be ŷ = u and the \
    residuals r = v, made orthogonal to 1 and to ŷ (as least-squares residuals always are); set Y = ŷ + r; and \
    build predictors X whose columns span ŷ and 1 and are orthogonal to r (random columns from which r is projected \
    out, and one more that completes ŷ). Least squares on (X, Y) must then return exactly ŷ as fitted values and r \
    as residuals. The picture here is a digit of the MNIST subset:
    """)
let (mnist, _) = notebook.require { try MNIST.load(requested: nil) }
let digitIndex = mnist.testLabels.firstIndex(of: 5) ?? 0
var u: [Double] = [], v: [Double] = []
for row in 0..<28 {
    for column in 0..<28 where mnist.testImages[digitIndex, row * 28 + column] > 100 {
        u.append(Double(column))
        v.append(Double(27 - row))     // image rows go down, residuals up
    }
}
let m = u.count, hiddenP = 5
/// Removes from `vector` its projection onto each of `basis` (Gram–Schmidt on the fly).
func orthogonalize(_ vector: [Double], against basis: [[Double]]) -> [Double] {
    var result = vector
    for direction in basis {
        let dot = zip(result, direction).map(*).reduce(0, +), norm = direction.map { $0 * $0 }.reduce(0, +)
        result = zip(result, direction).map { $0 - dot / norm * $1 }
    }
    return result
}
let ones = [Double](repeating: 1, count: m)
let yHat = u.map { 20 + 1.5 * $0 }                                            // fitted values: the picture's x
let yHatCentred = orthogonalize(yHat, against: [ones])
let r = orthogonalize(v.map { 0.8 * $0 }, against: [ones, yHatCentred])       // residuals: the picture's y, ⟂ 1 and ŷ
let Ysur = zip(yHat, r).map(+)
// Predictors: four random columns, each with r projected out, and a fifth chosen so that the
// coefficients (0.9, −0.6, 0.5, 0.4, 1.0) give exactly the centred ŷ; it is ⟂ r too.
let coefficients = [0.9, -0.6, 0.5, 0.4, 1.0]
var predictors = (0..<(hiddenP - 1)).map { _ in orthogonalize((0..<m).map { _ in 9 * rng.nextNormal() }, against: [r]) }
predictors.append((0..<m).map { i in
    (yHatCentred[i] - (0..<(hiddenP - 1)).reduce(0.0) { $0 + coefficients[$1] * predictors[$1][i] }) / coefficients[hiddenP - 1]
})
let Xsur = Tensor<Double>(shape: [m, hiddenP + 1], scalars: (0..<m).flatMap { i in [1.0] + predictors.map { $0[i] } })
let XtXsur = matmul(Xsur, Xsur, transposeA: true)
let factorSur = cholesky(XtXsur)
let betaSur = choleskySolve(factorSur, matmul(Xsur, Tensor(shape: [m, 1], scalars: Ysur), transposeA: true).scalars)
let fittedSur = matmul(Xsur, Tensor(shape: [hiddenP + 1, 1], scalars: betaSur)).scalars
let residualSur = zip(Ysur, fittedSur).map { $0 - $1 }
let sseSur = residualSur.map { $0 * $0 }.reduce(0, +)
let meanY = Ysur.reduce(0, +) / Double(m)
let rSquaredSur = 1 - sseSur / Ysur.map { ($0 - meanY) * ($0 - meanY) }.reduce(0, +)
let sigma2 = sseSur / Double(m - hiddenP - 1)
let standardErrors = (0...hiddenP).map { j -> Double in
    var unit = [Double](repeating: 0, count: hiddenP + 1)
    unit[j] = 1
    return (sigma2 * choleskySolve(factorSur, unit)[j]).squareRoot()      // √(σ̂² [(XᵀX)⁻¹]ⱼⱼ)
}
notebook.table(["term", "estimate", "std. error", "t value"], (0...hiddenP).map { j in
    [j == 0 ? "(intercept)" : "x\(j)", formatNumber("%.4f", betaSur[j]), formatNumber("%.4f", standardErrors[j]),
     formatNumber("%.2f", betaSur[j] / standardErrors[j])]
})
notebook.show("R² (n = \(m), \(hiddenP) predictors)", formatNumber("%.3f", rSquaredSur))
/// The Pearson correlation of two lists.
func correlation(_ a: [Double], _ b: [Double]) -> Double {
    let ma = a.reduce(0, +) / Double(a.count), mb = b.reduce(0, +) / Double(b.count)
    let cov = zip(a, b).map { ($0 - ma) * ($1 - mb) }.reduce(0, +)
    return cov / (a.map { ($0 - ma) * ($0 - ma) }.reduce(0, +) * b.map { ($0 - mb) * ($0 - mb) }.reduce(0, +)).squareRoot()
}
let pictureCorrelation = correlation(residualSur, v), fittedCorrelation = correlation(fittedSur, u)
notebook.say("""
    An ordinary-looking table: a respectable R², every coefficient many standard errors from 0. The residuals \
    correlate \(formatNumber("%.4f", pictureCorrelation)) with the picture's rows and the fitted values \
    \(formatNumber("%.4f", fittedCorrelation)) with its columns: plotted against each other, they draw the digit \
    (figure lesson16-surrealism). Always look at the residuals.
    """)
notebook.record("surrealPictureCorrelation", pictureCorrelation)
notebook.record("surrealFittedCorrelation", fittedCorrelation)
notebook.record("surrealRSquared", rSquaredSur)

// MARK: - Figures
notebook.section("Figures")
notebook.figure(Figure(name: "lesson16-residuals", panel: Panel(
    title: "Boston housing, least squares: residuals against fitted values", xLabel: "fitted MEDV ($1000s)", yLabel: "residual",
    series: [Series("towns", x: fitted.scalars, y: residuals.scalars, style: .points, color: seriesColors[0], pointType: 7, pointSize: 0.6),
             Series("MEDV = 50 (capped)", x: censored.map { fitted.scalars[$0] }, y: censored.map { residuals.scalars[$0] }, style: .points,
                    color: seriesColors[3], pointType: 7, pointSize: 0.8),
             Series("residual 0", x: [fitted.min(), fitted.max()], y: [0.0, 0.0], color: "#888888", dashed: true)],
    legend: .topRight)), caption: "residuals of the least-squares fit against its fitted values", main: true)
notebook.figure(Figure(name: "lesson16-surrealism", panel: Panel(
    title: "Residuals against fitted values of an unremarkable regression (R² = \(formatNumber("%.2f", rSquaredSur)))",
    xLabel: "fitted value", yLabel: "residual",
    series: [Series("", x: fittedSur, y: residualSur, style: .points, color: "#000000", pointType: 7, pointSize: 0.9)],
    legend: .hidden), width: 700, height: 600), caption: "residual (sur)realism: the residual plot of a constructed data set")

notebook.finish()
