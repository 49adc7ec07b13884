import Foundation
import Tensors
import TestSupport
import XCTest

/// Element-wise operations against a naive reference: for every output position, find each
/// operand's element by numpy's broadcasting rule written out directly.
final class ElementwiseTests: XCTestCase {
    /// The element of `x` that broadcasting uses for output index `index` of shape `out`.
    func broadcastElement(_ x: Tensor<Double>, _ index: [Int], _ out: [Int]) -> Double {
        let skip = out.count - x.rank
        let own = (0..<x.rank).map { axis in x.shape[axis] == 1 ? 0 : index[axis + skip] }
        return x[at: own]
    }

    func naiveBinary(_ a: Tensor<Double>, _ b: Tensor<Double>, _ op: (Double, Double) -> Double) -> Tensor<Double> {
        let out = (try? Shape.broadcast(a.shape, b.shape)) ?? []
        let strides = Shape.strides(out)
        return Tensor(shape: out, element: { flat in
            let index = strides.map { stride in flat / stride }.enumerated().map { $0.element % out[$0.offset] }
            return op(broadcastElement(a, index, out), broadcastElement(b, index, out))
        })
    }

    /// Random shapes that broadcast: each axis of the second operand is the same, 1, or missing.
    func randomPair(_ rng: inout SeededGenerator) -> ([Int], [Int]) {
        let rank = 1 + rng.nextInt(below: 4)
        let a = (0..<rank).map { _ in 1 + rng.nextInt(below: 7) }
        var b = a.map { rng.nextInt(below: 3) == 0 ? 1 : $0 }
        b.removeFirst(rng.nextInt(below: rank))
        return rng.nextInt(below: 2) == 0 ? (a, b) : (b, a)
    }

    func testArithmeticMatchesNaiveBroadcastingOnRandomShapes() {
        var rng = SeededGenerator(seed: 11)
        let operations: [(String, (Tensor<Double>, Tensor<Double>) -> Tensor<Double>, (Double, Double) -> Double)] = [
            ("+", { $0 + $1 }, { $0 + $1 }),
            ("-", { $0 - $1 }, { $0 - $1 }),
            ("*", { $0 * $1 }, { $0 * $1 }),
            ("/", { $0 / $1 }, { $0 / $1 }),
            ("max", { max($0, $1) }, { Swift.max($0, $1) }),
            ("min", { min($0, $1) }, { Swift.min($0, $1) }),
            (".>", { $0 .> $1 }, { $0 > $1 ? 1 : 0 }),
            (".<=", { $0 .<= $1 }, { $0 <= $1 ? 1 : 0 }),
        ]
        for trial in 0..<60 {
            let (sa, sb) = randomPair(&rng)
            let a = Tensor<Double>.uniform(sa, lower: -2, upper: 2, using: &rng)
            let b = Tensor<Double>.uniform(sb, lower: 0.5, upper: 2, using: &rng)
            for (name, tensorOp, scalarOp) in operations {
                assertClose(tensorOp(a, b), naiveBinary(a, b, scalarOp), tolerance: 0,
                            "trial \(trial): \(Shape.describe(sa)) \(name) \(Shape.describe(sb))")
            }
        }
    }

    /// A row added to every row (a bias) runs as whole rows, split between the threads when large:
    /// the same numbers as the loops, on 1 and 2 threads, and in place.
    func testARowBroadcastOverManyRowsMatchesTheLoopsOnAnyThreadCount() {
        var rng = SeededGenerator(seed: 12)
        let saved = Parallelism.threads
        defer { Parallelism.threads = saved }
        for (matrix, row) in [([700, 513], [513]), ([64, 3, 32, 10], [32, 10]), ([5, 7], [1, 7])] {
            let a = Tensor<Float>.uniform(matrix, lower: -2, upper: 2, using: &rng)
            let b = Tensor<Float>.uniform(row, lower: -2, upper: 2, using: &rng)
            let expected = naiveBinary(Tensor<Double>(a), Tensor<Double>(b)) { Double(Float($0) + Float($1)) }
            for threads in [1, 2] {
                Parallelism.threads = threads
                assertClose(Tensor<Double>(a + b), expected, tolerance: 0, "\(Shape.describe(matrix)) + \(Shape.describe(row)), \(threads) thread(s)")
                assertClose(Tensor<Double>(a - b), naiveBinary(Tensor<Double>(a), Tensor<Double>(b)) { Double(Float($0) - Float($1)) },
                            tolerance: 0, "\(Shape.describe(matrix)) - \(Shape.describe(row)), \(threads) thread(s)")
                var c = a
                c += b
                XCTAssertEqual(c, a + b, "\(Shape.describe(matrix)) += \(Shape.describe(row)), \(threads) thread(s)")
            }
        }
    }

    func testTheLecturesBroadcastingExample() throws {
        // (64, 3, 32, 10) + (32, 10) → (64, 3, 32, 10): the matrix is added to each of the 64 × 3 slices.
        XCTAssertEqual(try Shape.broadcast([64, 3, 32, 10], [32, 10]), [64, 3, 32, 10])
        var rng = SeededGenerator(seed: 3)
        let x = Tensor<Float>.normal([64, 3, 32, 10], using: &rng)
        let y = Tensor<Float>.normal([32, 10], using: &rng)
        let z = x + y
        XCTAssertEqual(z.shape, [64, 3, 32, 10])
        for (i, j, k, l) in [(0, 0, 0, 0), (63, 2, 31, 9), (17, 1, 5, 3), (40, 0, 31, 0)] {
            assertClose(z[i, j, k, l], x[i, j, k, l] + y[k, l], tolerance: 0, "z[\(i), \(j), \(k), \(l)]")
        }
        // The same result as repeating y explicitly (numpy's `np.tile`).
        let tiled = Tensor.concatenate(Array(repeating: y.reshaped([1, 32, 10]), count: 64 * 3), axis: 0)
            .reshaped([64, 3, 32, 10])
        XCTAssertEqual(z, x + tiled)
    }

    func testIncompatibleShapesNameBothShapes() {
        assertShapeError({ () throws(ShapeError) in try Shape.broadcast([64, 3, 32, 10], [31, 10]) },
                         mentions: ["(64, 3, 32, 10)", "(31, 10)", "cannot be broadcast"])
        assertShapeError({ () throws(ShapeError) in try Shape.broadcast([3], [4]) }, mentions: ["(3,)", "(4,)"])
        XCTAssertEqual(try Shape.broadcast([128, 1], [1, 10]), [128, 10])
        XCTAssertEqual(try Shape.broadcast([], [2, 3]), [2, 3])
    }

    func testScalarOperandsAndNegation() {
        let x = Tensor<Float>([[1, -2], [3, 4]])
        XCTAssertEqual((x + 1).scalars, [2, -1, 4, 5])
        XCTAssertEqual((1 - x).scalars, [0, 3, -2, -3])
        XCTAssertEqual((x * 2).scalars, [2, -4, 6, 8])
        XCTAssertEqual((12 / x).scalars, [12, -6, 4, 3])
        XCTAssertEqual((-x).scalars, [-1, 2, -3, -4])
        XCTAssertEqual(max(x, 0).scalars, [1, 0, 3, 4], "relu is max(x, 0)")
        XCTAssertEqual(min(x, 0).scalars, [0, -2, 0, 0])
        XCTAssertEqual((x .> 0).scalars, [1, 0, 1, 1], "masks are 1 and 0")
        XCTAssertEqual((x .== 3).scalars, [0, 0, 1, 0])
        XCTAssertEqual(clip(x, -1, 2).scalars, [1, -1, 2, 2])
    }

    /// The one-pass weight update gives the bits of `w - eta * g` (η·g rounded, then
    /// subtracted; not a fused multiply-add, which rounds once and differs in some elements),
    /// on one thread and split between two.
    func testTheOnePassUpdateIsTheBitsOfWMinusEtaTimesG() {
        func check<S: TensorScalar>(_: S.Type) {
            var rng = SeededGenerator(seed: 5)
            let w = Tensor<S>.normal([700, 512], using: &rng), g = Tensor<S>.normal([700, 512], using: &rng)
            let eta = S(0.0137)
            let expected = (w - eta * g).scalars, original = w.scalars
            let fused = zip(w.scalars, g.scalars).map { $0.addingProduct(-eta, $1) }   // w + (−η)·g, rounded once
            XCTAssertGreaterThan(zip(fused, expected).filter { $0 != $1 }.count, 0,
                                 "\(S.self): a fused multiply-add would differ somewhere, so this test can tell them apart")
            for threads in [1, 2] {
                let saved = Parallelism.threads
                Parallelism.threads = threads
                defer { Parallelism.threads = saved }
                let got = w.subtracting(eta, times: g).scalars
                let differing = zip(got, expected).filter { $0 != $1 || $0.sign != $1.sign }.count
                XCTAssertEqual(differing, 0, "\(S.self), \(threads) thread(s): elements differing from w - eta * g: expected 0, got \(differing)")
                var inPlace = w
                inPlace.subtract(eta, times: g)
                let differingInPlace = zip(inPlace.scalars, expected).filter { $0 != $1 || $0.sign != $1.sign }.count
                XCTAssertEqual(differingInPlace, 0, "\(S.self), \(threads) thread(s), in place: elements differing from w - eta * g: expected 0, got \(differingInPlace)")
            }
            XCTAssertEqual(w.scalars, original, "\(S.self): w itself is unchanged by updating its copies")
        }
        check(Float.self)
        check(Double.self)
    }

    /// `w.subtract(eta, times: g)` writes into w's own memory when nothing else holds it, and
    /// copies first (leaving the other holder's values alone) when something does.
    func testTheInPlaceUpdateWritesWhereWLiesUnlessShared() {
        var rng = SeededGenerator(seed: 9)
        var w = Tensor<Float>.normal([300, 200], using: &rng)
        let g = Tensor<Float>.normal([300, 200], using: &rng)
        let address = { (t: Tensor<Float>) in t.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) } }
        let before = address(w)
        w.subtract(0.5, times: g)
        XCTAssertEqual(address(w), before, "a w nothing else holds is updated where it lies: address expected \(before), got \(address(w))")
        let kept = w, keptValues = w.scalars
        w.subtract(0.5, times: g)
        XCTAssertNotEqual(address(w), address(kept), "a shared w is copied before it is written")
        XCTAssertEqual(kept.scalars, keptValues, "the other holder keeps its values")
        XCTAssertEqual(w.scalars, (kept - 0.5 * g).scalars, "and the copy holds w − η g")
    }

    func testInPlaceUpdatesBroadcastAndKeepValueSemantics() {
        var weights = Tensor<Float>([[1, 2, 3], [4, 5, 6]])
        let before = weights
        weights -= Tensor([1, 1, 1]) * 0.5
        XCTAssertEqual(weights.scalars, [0.5, 1.5, 2.5, 3.5, 4.5, 5.5])
        XCTAssertEqual(before.scalars, [1, 2, 3, 4, 5, 6], "the copy taken before the update is unchanged")
        var x = Tensor<Double>([1, 2, 3])
        x += x
        XCTAssertEqual(x.scalars, [2, 4, 6], "x += x reads the old values")
        x *= 3
        XCTAssertEqual(x.scalars, [6, 12, 18])
    }

    func testMathFunctionsMatchTheCLibrary() {
        let values: [Double] = [-3, -0.5, 0, 0.25, 1, 2.5]
        let x = Tensor(values)
        let cases: [(String, Tensor<Double>, (Double) -> Double)] = [
            ("exp", exp(x), Foundation.exp), ("tanh", tanh(x), Foundation.tanh), ("atan", atan(x), Foundation.atan),
            ("sin", sin(x), Foundation.sin), ("cos", cos(x), Foundation.cos), ("abs", abs(x), Swift.abs),
            ("expm1", expm1(x), Foundation.expm1), ("square", square(x), { $0 * $0 }),
            ("sign", sign(x), { $0 > 0 ? 1 : ($0 < 0 ? -1 : 0) }),
        ]
        for (name, got, reference) in cases {
            assertClose(got, Tensor(values.map(reference)), tolerance: 1e-15, relative: 1e-15, name)
        }
        let positive = Tensor<Double>([0.25, 1, 2.5, 9])
        assertClose(log(positive), Tensor(positive.scalars.map(Foundation.log)), tolerance: 1e-15, "log")
        assertClose(sqrt(positive), Tensor([0.5, 1, 2.5.squareRoot(), 3]), tolerance: 1e-15, "sqrt")
        assertClose(log1p(positive), Tensor(positive.scalars.map(Foundation.log1p)), tolerance: 1e-15, "log1p")
        assertClose(pow(positive, 1.5), Tensor(positive.scalars.map { Foundation.pow($0, 1.5) }), tolerance: 1e-14, "pow")
        XCTAssertEqual(positive.map { $0 + 1 }.scalars, [1.25, 2, 3.5, 10])
    }

    func testFloatExpIsWithinTwoUlpOfTheCLibraryEverywhere() {
        // The Float exp runs 16 lanes at a time with its own polynomial; check it densely over
        // its fast range, and that edges (overflow, underflow, NaN, ±inf) follow the C library.
        var values = stride(from: Float(-90), through: 90, by: 0.0137).map { $0 }
        values += [0, -0, 1e-8, -1e-8, 88.5, 88.72, 89, -87.5, -100, -104, .infinity, -.infinity, .nan, 1000, -1000]
        let got = exp(Tensor(values)).scalars
        for (x, y) in zip(values, got) {
            let expected = Foundation.expf(x)
            if expected.isNaN {
                XCTAssertTrue(y.isNaN, "exp(\(x)): expected NaN, got \(y)")
            } else if expected.isInfinite || expected == 0 {
                XCTAssertEqual(y, expected, "exp(\(x))")
            } else {
                let ulps = (y - expected).magnitude / expected.ulp
                XCTAssertLessThanOrEqual(ulps, 2, "exp(\(x)): expected \(expected), got \(y) (\(ulps) ulp apart, tolerance 2 ulp)")
            }
        }
    }

    func testNaNPropagatesThroughMaxAndMin() {
        let x = Tensor<Float>([.nan, 1, -1])
        XCTAssertTrue(max(x, 0)[0].isNaN, "max(NaN, 0) is NaN, so a diverging network shows NaN, not 0")
        XCTAssertTrue(min(x, 0)[0].isNaN)
        XCTAssertEqual(max(x, 0)[1], 1)
    }
}
