/// Lesson 01 · Tensors
///
/// The one concept: a tensor is a grid of numbers with a shape, and everything a network
/// computes is an operation on tensors: element by element, with broadcasting, or the dot
/// product. Every operation here is one function of the Tensors module.
import Foundation
import Notebook
import Plotting
import Tensors

let notebook = LessonNotebook(
    lesson: 1, title: "Tensors",
    concept: "A tensor is a container of numbers arranged along axes: its rank is the number of axes, "
        + "its shape the size of each axis, and all its numbers share one element type. Networks read, "
        + "transform and write tensors: element-wise operations, broadcasting, the dot product and reshaping "
        + "are the whole vocabulary.",
    formulas: ["rank = number of axes      shape = (d₁, d₂, …, dₙ)      size = d₁ · d₂ · … · dₙ",
               "relu(x) = max(x, 0), element by element",
               "(a, b) · (b, c) → (a, c):  C[i, j] = Σₖ A[i, k] B[k, j]",
               "rotation by θ: R = [[cos θ, −sin θ], [sin θ, cos θ]]"])

// MARK: - Rank, shape and element type
notebook.section("Rank, shape and element type")
notebook.say("""
    A scalar is a rank-0 tensor (one number), a vector rank 1, a matrix rank 2. Stacking matrices gives \
    rank 3, and so on. The element type here is Float (32-bit), the working precision of every lesson.
    """)
let scalar = Tensor<Float>(3.5)
let vector = Tensor<Float>([12, 3, 6, 14, 7])
let matrix = Tensor<Float>([[5, 78, 2, 34, 0], [6, 79, 3, 35, 1], [7, 80, 4, 36, 2]])
notebook.show("scalar", scalar)
notebook.show("vector", vector)
notebook.show("matrix", matrix)
notebook.say("Real data comes in a few standard shapes (the first axis is always the samples):")
let examples: [(String, [Int])] = [
    ("people × features", [10_000, 3]),
    ("days × minutes × prices", [250, 390, 3]),
    ("images × rows × columns × colours", [128, 256, 256, 3]),
    ("clips × frames × rows × columns × colours", [4, 240, 144, 256, 3]),
]
notebook.say("""
    vector data (age, postcode, income of 10,000 people), a time series (250 days of 390 minutes of 3 \
    prices), 128 colour images of 256 × 256 pixels, and 4 video clips of 240 frames:
    """)
notebook.table(["axes", "rank", "shape", "numbers"], examples.map { name, shape in
    [name, String(shape.count), Shape.describe(shape), grouped(Shape.elementCount(shape))]
})
notebook.say("As Float (4 bytes each) the video batch alone takes \(formatNumber("%.0f", Double(Shape.elementCount([4, 240, 144, 256, 3]) * 4) / 1e6)) MB.")
notebook.record("videoElements", Shape.elementCount([4, 240, 144, 256, 3]))

// MARK: - Element-wise operations
notebook.section("Element-wise operations")
notebook.say("""
    relu, addition and multiplication act on each number independently. Written as a loop in this \
    lesson's own code they are slow: the loop runs one number at a time (and without optimization in a debug \
    build). The tensor operation runs the same formula in the Tensors module, compiled with optimization and \
    vectorized: an AVX2 instruction works on 8 floats at once (the matrix kernel's SIMD16 vectors are two such \
    registers; on CPUs with AVX-512, one register holds 16).
    """)
let small = Tensor<Float>([[-1.5, 2, 0], [3, -0.5, 4]])
notebook.show("x", small)
notebook.show("max(x, 0)  (relu)", max(small, 0))
notebook.show("x + x", small + small)
notebook.show("x * x  (element by element)", small * small)

/// relu written as the textbook loop, one element at a time.
func naiveRelu(_ x: [Float]) -> [Float] {
    var result = x
    for i in 0..<result.count {
        result[i] = max(result[i], 0)
    }
    return result
}
let count = notebook.size(1_000_000, quick: 100_000)
var rng = notebook.rng
let big = Tensor<Float>.normal([count], using: &rng)
let scalars = big.scalars
let clock = ContinuousClock()
let loopTime = clock.measure { _ = naiveRelu(scalars) }
let tensorTime = clock.measure { _ = max(big, 0) }
notebook.say("On \(grouped(count)) numbers, the loop and the tensor operation give the same result:")
notebook.show("largest difference", (Tensor(naiveRelu(scalars)) - max(big, 0)).max())
let loopSeconds = loopTime.seconds, tensorSeconds = tensorTime.seconds
notebook.timing("naive loop \(formatNumber("%.2f", loopSeconds * 1000)) ms, tensor operation \(formatNumber("%.2f", tensorSeconds * 1000)) ms "
    + "(\(formatNumber("%.0f", loopSeconds / max(tensorSeconds, 1e-9)))× faster)")
notebook.writeData("lesson01-relu-timing.csv", "method,elements,seconds\nloop,\(count),\(loopSeconds)\ntensor,\(count),\(tensorSeconds)\n")

// MARK: - Broadcasting
notebook.section("Broadcasting")
notebook.say("""
    When two tensors have different shapes, the smaller one is repeated along the missing axes, numpy's \
    rule: align the shapes at their last axis; along each axis the sizes must be equal or one of them 1. \
    The lecture's example adds a (32, 10) matrix to each of the 64 × 3 slices of a (64, 3, 32, 10) tensor.
    """)
let x4 = Tensor<Float>.normal([64, 3, 32, 10], using: &rng)
let y2 = Tensor<Float>.normal([32, 10], using: &rng)
let sum = x4 + y2
notebook.show("shape of (64, 3, 32, 10) + (32, 10)", Shape.describe(sum.shape))
notebook.show("z[63, 2, 31, 9] − (x[63, 2, 31, 9] + y[31, 9])", formatNumber("%g", Double(sum[63, 2, 31, 9] - (x4[63, 2, 31, 9] + y2[31, 9]))))
notebook.record("broadcastShape", Shape.describe(sum.shape))
let rows = Tensor<Float>([[1, 2, 3], [4, 5, 6]]), row = Tensor<Float>([10, 20, 30])
notebook.show("[[1, 2, 3], [4, 5, 6]] + [10, 20, 30]", rows + row)
notebook.say("Shapes that cannot be aligned give an error naming both shapes:")
do {
    _ = try Shape.broadcast([64, 3, 32, 10], [31, 10])
} catch {
    notebook.block(error.message)
}

// MARK: - Tensor dot
notebook.section("The tensor dot product")
notebook.say("""
    The dot product combines numbers across an axis. Two vectors of the same length give a scalar; a \
    matrix (a, b) and a matrix (b, c) give (a, c): each result is a row of the first times a column of the second. \
    It is the one operation of a dense layer, and where almost all of a network's time goes.
    """)
let u = Tensor<Float>([1, 2, 3]), v = Tensor<Float>([4, 5, 6])
notebook.show("[1, 2, 3] · [4, 5, 6]", dot(u, v))
let a = Tensor<Float>([[1, 2], [3, 4], [5, 6]]), b = Tensor<Float>([[1, 0, 2], [0, 1, 3]])
notebook.show("A (3, 2)", a)
notebook.show("B (2, 3)", b)
let product = matmul(a, b)
notebook.show("A · B (3, 3)", product)
notebook.record("dotProduct", Double(dot(u, v)))

// MARK: - Reshape and transpose
notebook.section("Reshape and transpose")
notebook.say("""
    Reshaping keeps the numbers in their row-major order and changes only the shape; transposing swaps \
    rows and columns. The lecture's example: a 3 × 2 matrix.
    """)
let x = Tensor<Float>([[0, 1], [2, 3], [4, 5]])
notebook.show("x (3, 2)", x)
notebook.show("x.reshaped([6, 1])", x.reshaped([6, 1]))
notebook.show("x.reshaped([2, 3])", x.reshaped([2, 3]))
notebook.show("x.transposed() (2, 3)", x.transposed())
notebook.record("reshaped23", x.reshaped([2, 3]).scalars.map(Double.init))
notebook.record("transposed", x.transposed().scalars.map(Double.init))

// MARK: - The geometric view
notebook.section("The geometric view")
notebook.say("""
    A vector of two numbers is a point, or an arrow from the origin. Adding two vectors puts one arrow \
    at the end of the other; multiplying by a matrix transforms the plane. R rotates every arrow by θ.
    """)
let A = Tensor<Double>([0.5, 1]), B = Tensor<Double>([1, 0.25])
let theta = Double.pi / 4
let R = Tensor<Double>([[cos(theta), -sin(theta)], [sin(theta), cos(theta)]])
let AplusB = A + B
let rotatedA = matmul(R, A), rotatedB = matmul(R, B), rotatedSum = matmul(R, AplusB)
notebook.show("A", A)
notebook.show("B", B)
notebook.show("A + B", AplusB)
notebook.show("R (θ = 45°)", R)
notebook.show("R · A", rotatedA)
notebook.show("R · B", rotatedB)
notebook.show("largest |R · (A + B) − (R · A + R · B)|", formatNumber("%.1e", abs(rotatedSum - (rotatedA + rotatedB)).max()))
notebook.say("""
    Rotation is linear: rotating the sum is the sum of the rotations, and lengths do not change \
    (|A| = \(formatNumber("%.4f", sqrt(dot(A, A)))), |R · A| = \(formatNumber("%.4f", sqrt(dot(rotatedA, rotatedA))))).
    """)
notebook.record("AplusB", AplusB.scalars)
notebook.record("rotatedA", rotatedA.scalars)
notebook.record("rotatedB", rotatedB.scalars)

func arrows(_ title: String, _ vectors: [Tensor<Double>], color: String, dashed: Bool = false) -> Series {
    Series(title, x: vectors.map { _ in 0.0 }, y: vectors.map { _ in 0.0 },
           style: .vectors(dx: vectors.map { $0[0] }, dy: vectors.map { $0[1] }), color: color, dashed: dashed)
}
/// "set label" commands naming each arrow at its tip.
func labels(_ named: [(String, Tensor<Double>)]) -> [String] {
    named.map { "set label \"\($0.0)\" at \($0.1[0]),\($0.1[1]) offset 0.6,0.4" }
}
// The parallelogram: B placed at the end of A (and A at the end of B) ends at A + B.
let parallelogram = Series("", x: [A[0], AplusB[0], B[0]], y: [A[1], AplusB[1], B[1]], color: "#aaaaaa", lineWidth: 1, dashed: true)
notebook.figure(Figure(name: "lesson01-vectors", panel: Panel(
    title: "A, B, A + B and the same arrows rotated by 45°", xLabel: "x", yLabel: "y",
    xRange: -1...2, yRange: -0.25...2.25,
    series: [parallelogram,
             arrows("A, B", [A, B], color: seriesColors[0]),
             arrows("A + B", [AplusB], color: seriesColors[1]),
             arrows("R·A, R·B", [rotatedA, rotatedB], color: seriesColors[0], dashed: true),
             arrows("R·(A + B)", [rotatedSum], color: seriesColors[1], dashed: true)],
    legend: .topLeft, equalAspect: true,
    commands: labels([("A", A), ("B", B), ("A + B", AplusB), ("R·A", rotatedA), ("R·B", rotatedB), ("R·(A + B)", rotatedSum)])),
    width: 640, height: 560),
    caption: "vectors as arrows: A + B goes to the end of B placed after A; R turns every arrow by 45°",
    main: true)

notebook.finish()
