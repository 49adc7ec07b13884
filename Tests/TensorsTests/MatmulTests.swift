import Tensors
import TestSupport
import XCTest

final class MatmulTests: XCTestCase {
    /// The textbook triple loop, accumulated in Double: C[i, j] = Σ_k A[i, k] B[k, j].
    func naiveMatmul<S: TensorScalar>(_ a: Tensor<S>, _ b: Tensor<S>) -> Tensor<S> {
        let (m, k, n) = (a.shape[0], a.shape[1], b.shape[1])
        return Tensor(shape: [m, n], element: { flat in
            let (i, j) = (flat / n, flat % n)
            var sum = 0.0
            for p in 0..<k { sum += Double(a[i, p]) * Double(b[p, j]) }
            return S(sum)
        })
    }

    /// Edge sizes around the tile sizes (6 or 12 rows, 16 or 32 columns, 256-deep panels, row
    /// blocks of 72 or 144, 1024-column blocks) plus odd and tiny ones. The AVX-512 kernel
    /// computes a partial last strip of rows as a tile of 4, 8 or 12: its last strip here has
    /// 1, 2, 3, 4 (the 4-row tile), 5, 6, 7, 8 (8) and 9, 10, 11 (12) rows.
    let sizes: [(Int, Int, Int)] = [
        (1, 1, 1), (1, 7, 1), (2, 3, 4), (5, 1, 3), (6, 16, 16), (7, 17, 15), (13, 5, 33),
        (1, 300, 1), (31, 257, 17), (145, 9, 20), (6, 513, 8), (150, 3, 1030), (128, 784, 10),
        (64, 100, 48), (3, 0, 4), (73, 30, 40), (145, 30, 33),
        (14, 40, 33), (15, 40, 33), (17, 20, 64), (18, 40, 35), (20, 33, 40), (21, 33, 40), (22, 33, 40), (23, 40, 33),
    ]

    func testFloatMatchesTheNaiveLoopOnEdgeSizes() {
        var rng = SeededGenerator(seed: 1)
        for (m, k, n) in sizes {
            let a = Tensor<Float>.uniform([m, k], lower: -1, upper: 1, using: &rng)
            let b = Tensor<Float>.uniform([k, n], lower: -1, upper: 1, using: &rng)
            // Float rounding grows like √k · 2^-24 per element; 1e-6 · k bounds it generously.
            assertClose(matmul(a, b), naiveMatmul(a, b), tolerance: 1e-6 * Float(max(k, 1)), "(\(m)×\(k))·(\(k)×\(n))")
        }
    }

    func testDoubleMatchesTheNaiveLoopOnEdgeSizes() {
        var rng = SeededGenerator(seed: 2)
        for (m, k, n) in sizes {
            let a = Tensor<Double>.uniform([m, k], lower: -1, upper: 1, using: &rng)
            let b = Tensor<Double>.uniform([k, n], lower: -1, upper: 1, using: &rng)
            assertClose(matmul(a, b), naiveMatmul(a, b), tolerance: 1e-13 * Double(max(k, 1)), "(\(m)×\(k))·(\(k)×\(n)) in Double")
        }
    }

    /// Multi-hot rows (≤ 5 % nonzero) take the sparse path, which must give the same products,
    /// with A as is (X·W of a dense layer) and transposed (Xᵀ·δ).
    func testMostlyZeroOperandsTakeTheSparsePathWithTheSameResults() {
        var rng = SeededGenerator(seed: 5)
        for (m, k, n) in [(64, 2000, 16), (1, 500, 3), (37, 1000, 33), (200, 40, 1)] {
            var a = Tensor<Double>.zeros([m, k])
            for _ in 0..<(m * k / 50) { a[rng.nextInt(below: m), rng.nextInt(below: k)] = rng.nextNormal() }
            let b = Tensor<Double>.normal([k, n], using: &rng)
            assertClose(matmul(a, b), naiveMatmul(a, b), tolerance: 1e-12, "sparse A, \(m)×\(k)×\(n)")
            let c = Tensor<Double>.normal([m, n], using: &rng)
            assertClose(matmul(a, c, transposeA: true), naiveMatmul(a.transposed(), c), tolerance: 1e-12, "sparse Aᵀ, \(m)×\(k)×\(n)")
            let f = Tensor<Float>(a), g = Tensor<Float>(b)
            assertClose(matmul(f, g), naiveMatmul(f, g), tolerance: 1e-5, "sparse A in Float, \(m)×\(k)×\(n)")
        }
    }

    func testTransposedOperandsNeedNoCopy() {
        var rng = SeededGenerator(seed: 3)
        for (m, k, n) in [(7, 17, 15), (31, 257, 17), (128, 50, 24), (1, 1, 1)] {
            let a = Tensor<Double>.normal([m, k], using: &rng), b = Tensor<Double>.normal([k, n], using: &rng)
            let expected = naiveMatmul(a, b)
            let at = a.transposed(), bt = b.transposed()
            assertClose(matmul(at, b, transposeA: true), expected, tolerance: 1e-12, "Aᵀ flag, \(m)×\(k)×\(n)")
            assertClose(matmul(a, bt, transposeB: true), expected, tolerance: 1e-12, "Bᵀ flag, \(m)×\(k)×\(n)")
            assertClose(matmul(at, bt, transposeA: true, transposeB: true), expected, tolerance: 1e-12, "both flags")
        }
    }

    /// Every kernel path this CPU supports (AVX-512's 12 × 32 tiles, AVX2's 6 × 16) gives the same
    /// bits: each element is the same fused multiply-add chain. Edge tiles, several panels
    /// (k > 256), transposes, few rows on two threads, Float and Double.
    /// Independent runs side by side give what they give one after the other, in order, bit for bit,
    /// and leave the thread count as it was.
    func testRunsSideBySideGiveTheSameBitsInOrder() {
        let before = Parallelism.threads
        func run(_ i: Int) -> [Float] {
            var rng = SeededGenerator(seed: UInt64(100 + i))
            let a = Tensor<Float>.normal([96, 300], using: &rng), b = Tensor<Float>.normal([300, 70], using: &rng)
            return a.matmul(b).scalars
        }
        let sequential = (0..<7).map(run)
        let sideBySide = Parallelism.sideBySide(7, run)
        XCTAssertEqual(sideBySide.count, 7)
        for i in 0..<7 { XCTAssertTrue(sideBySide[i] == sequential[i], "run \(i): side by side differs from one after the other") }
        XCTAssertEqual(Parallelism.threads, before, "the thread count is restored")
    }

    func testEveryKernelPathGivesTheSameBits() throws {
        let paths = KernelPath.supported
        print("kernel paths on \(KernelPath.cpuModel): \(paths) (current \(KernelPath.current))")
        guard paths.count > 1 else { throw XCTSkip("this CPU runs one kernel path (\(paths)): nothing to compare") }
        let saved = KernelPath.current
        defer { KernelPath.current = saved }
        var rng = SeededGenerator(seed: 11)
        func check<S: TensorScalar>(_ type: S.Type, m: Int, k: Int, n: Int, transposeA: Bool = false, transposeB: Bool = false, threads: Int) {
            let a = Tensor<S>.normal(transposeA ? [k, m] : [m, k], using: &rng), b = Tensor<S>.normal(transposeB ? [n, k] : [k, n], using: &rng)
            var results: [Tensor<S>] = []
            for path in paths {
                KernelPath.current = path
                results.append(matmul(a, b, transposeA: transposeA, transposeB: transposeB, threads: threads))
            }
            for (path, result) in zip(paths.dropFirst(), results.dropFirst()) {
                XCTAssertEqual(result, results[0], "\(S.self) (\(m)×\(k))·(\(k)×\(n)) Aᵀ \(transposeA) Bᵀ \(transposeB), \(threads)t: \(path) vs \(paths[0])")
            }
        }
        for (m, k, n) in [(128, 784, 512), (784, 128, 512), (13, 257, 33), (25, 600, 47), (300, 200, 37), (1, 40, 100), (12, 17, 32),
                          (100, 600, 70), (48, 300, 40)] {
            for threads in [1, 2] {
                check(Float.self, m: m, k: k, n: n, threads: threads)
                check(Double.self, m: m, k: k, n: n, threads: threads)
            }
            check(Float.self, m: m, k: k, n: n, transposeA: true, threads: 2)
            check(Float.self, m: m, k: k, n: n, transposeB: true, threads: 1)
        }
        // Narrow products (12-row groups on AVX-512, 6 on AVX2; several panels, odd row counts)
        // and a shallow δ · Wᵀ (B transposed, k = 10).
        for (m, k, n) in [(128, 512, 10), (37, 600, 7), (25, 300, 16), (13, 40, 3)] {
            for threads in [1, 2] {
                check(Float.self, m: m, k: k, n: n, threads: threads)
                check(Float.self, m: m, k: k, n: n, transposeA: true, threads: threads)
                check(Double.self, m: m, k: k, n: Swift.min(n, 8), transposeA: true, threads: threads)
            }
        }
        check(Float.self, m: 128, k: 10, n: 512, transposeB: true, threads: 2)
        check(Double.self, m: 33, k: 7, n: 40, transposeB: true, threads: 1)
        // e^x: the same polynomial in 512-bit registers (blocks with a lane past ±88 or NaN, and
        // the tail, go through expf on both).
        var x = Tensor<Float>.uniform([10_007], lower: -100, upper: 100, using: &rng)
        x[5] = .nan
        var exps: [Tensor<Float>] = []
        for path in paths {
            KernelPath.current = path
            exps.append(exp(x))
        }
        for (path, result) in zip(paths.dropFirst(), exps.dropFirst()) {
            XCTAssertEqual(result.scalars.map(\.bitPattern), exps[0].scalars.map(\.bitPattern), "exp: \(path) vs \(paths[0])")
        }
    }

    /// A narrow product (n ≤ one kernel vector: a 10-class output layer) skips the tiled
    /// kernel; its columns are the bits of the same columns of a wide product, which takes the
    /// tiles (several panels, odd row counts, Aᵀ, 1 and 2 threads, Float and Double).
    func testNarrowProductsGiveTheBitsOfTheTiledKernel() {
        var rng = SeededGenerator(seed: 12)
        func check<S: TensorScalar>(_ type: S.Type, m: Int, k: Int, n: Int, transposeA: Bool, threads: Int) {
            let a = Tensor<S>.normal(transposeA ? [k, m] : [m, k], using: &rng)
            let wideColumns = 48
            let wide = Tensor<S>.normal([k, wideColumns], using: &rng)
            let narrow = Tensor<S>(shape: [k, n], element: { wide[$0 / n, $0 % n] })
            let expected = matmul(a, wide, transposeA: transposeA, threads: threads)
            let got = matmul(a, narrow, transposeA: transposeA, threads: threads)
            var differing = 0
            for i in 0..<m { for j in 0..<n where got[i, j] != expected[i, j] || got[i, j].sign != expected[i, j].sign { differing += 1 } }
            XCTAssertEqual(differing, 0, "\(S.self) (\(m)×\(k))·(\(k)×\(n)) Aᵀ \(transposeA) \(threads)t: elements differing from the tiled product: expected 0, got \(differing)")
        }
        for (m, k, n) in [(128, 512, 10), (512, 128, 10), (37, 600, 16), (5, 300, 1), (200, 784, 7), (13, 257, 8)] {
            for threads in [1, 2] {
                for transposeA in [false, true] {
                    check(Float.self, m: m, k: k, n: n, transposeA: transposeA, threads: threads)
                    check(Double.self, m: m, k: k, n: Swift.min(n, 8), transposeA: transposeA, threads: threads)
                }
            }
        }
    }

    /// With few rows (≤ 256), B is read where it lies; with at least 4 tiles of rows, the first
    /// tile of each strip copies the strip as it reads it and the others read the copy. The
    /// products match the textbook loop, give the same bits on 1, 2 and 3 threads and leave B
    /// as it was (several panels, whole and partial strips, 4 tiles of rows exactly on AVX-512
    /// (48) and AVX2 (24), Float and Double). On AVX-512, A's whole 12-row strips are read where
    /// they lie too, and a partial last strip (100, 47, 256 rows) is packed: by the one thread,
    /// or by each thread for itself. (A transposed, packed once for all threads or by each, is
    /// in testEveryKernelPathGivesTheSameBits.)
    func testReadingBInPlaceWithACopyOfEachStrip() {
        var rng = SeededGenerator(seed: 13)
        func check<S: TensorScalar>(_ type: S.Type, m: Int, k: Int, n: Int, tolerance: S) {
            let a = Tensor<S>.uniform([m, k], lower: -1, upper: 1, using: &rng), b = Tensor<S>.uniform([k, n], lower: -1, upper: 1, using: &rng)
            let before = b.scalars.map { $0 }   // a copy of its own, not B's storage
            let one = matmul(a, b, threads: 1)
            assertClose(one, naiveMatmul(a, b), tolerance: tolerance * S(k), "\(S.self) (\(m)×\(k))·(\(k)×\(n))")
            XCTAssertEqual(one, matmul(a, b, threads: 2), "\(S.self) (\(m)×\(k))·(\(k)×\(n)): 1 vs 2 threads")
            XCTAssertEqual(one, matmul(a, b, threads: 3), "\(S.self) (\(m)×\(k))·(\(k)×\(n)): 1 vs 3 threads")
            XCTAssertEqual(b.scalars, before, "\(S.self) (\(m)×\(k))·(\(k)×\(n)): B changed by the product")
        }
        for (m, k, n) in [(48, 300, 70), (24, 40, 33), (100, 600, 70), (256, 513, 40), (128, 784, 512), (47, 200, 64), (100, 300, 140)] {
            check(Float.self, m: m, k: k, n: n, tolerance: 1e-6)
            check(Double.self, m: m, k: k, n: n, tolerance: 1e-13)
        }
    }

    /// More than 256 rows: B's panels are packed (row by row for a B stored by rows, down its
    /// columns for a transposed one). On every path this CPU runs, the products match the
    /// textbook loop: several panels, two blocks of columns (more than 1024), whole and partial
    /// strips, B as stored and transposed, 1 and 2 threads (each packs its own copy of the panel).
    func testPackedPanelsOfBMatchTheTextbookLoop() {
        let saved = KernelPath.current
        defer { KernelPath.current = saved }
        var rng = SeededGenerator(seed: 17)
        for (m, k, n) in [(260, 300, 70), (257, 20, 1061), (290, 40, 33)] {
            let a = Tensor<Float>.uniform([m, k], lower: -1, upper: 1, using: &rng), b = Tensor<Float>.uniform([k, n], lower: -1, upper: 1, using: &rng)
            let expected = naiveMatmul(a, b), bt = b.transposed()
            for path in KernelPath.supported {
                KernelPath.current = path
                for threads in [1, 2] {
                    let shape = "\(path), \(threads)t, (\(m)×\(k))·(\(k)×\(n))"
                    assertClose(matmul(a, b, threads: threads), expected, tolerance: 1e-6 * Float(k), shape)
                    assertClose(matmul(a, bt, transposeB: true, threads: threads), expected, tolerance: 1e-6 * Float(k), shape + " Bᵀ flag")
                }
            }
        }
    }

    func testTwoThreadsGiveTheSameBitsAsOne() {
        var rng = SeededGenerator(seed: 4)
        for (m, k, n) in [(128, 784, 512), (784, 128, 512), (300, 200, 37), (33, 600, 700)] {
            let a = Tensor<Float>.normal([m, k], using: &rng), b = Tensor<Float>.normal([k, n], using: &rng)
            let one = matmul(a, b, threads: 1)
            XCTAssertEqual(one, matmul(a, b, threads: 2), "(\(m)×\(k))·(\(k)×\(n)): 1 vs 2 threads")
            XCTAssertEqual(one, matmul(a, b, threads: 3), "(\(m)×\(k))·(\(k)×\(n)): 1 vs 3 threads")
        }
    }

    /// `matmul(a, b, plus: bias)` adds the bias in the product's pass: the same bits as
    /// `matmul(a, b) + bias` on every path (shallow products with their register tiles and odd
    /// row counts, the packed kernel, few rows on two threads, a mostly-zero A, a batch, k = 0).
    func testBiasIsAddedInTheSamePassWithTheSameBits() {
        var rng = SeededGenerator(seed: 6)
        func check<S: TensorScalar>(_ type: S.Type, m: Int, k: Int, n: Int, sparse: Bool = false, threads: Int = 1) {
            var a = Tensor<S>.uniform([m, k], lower: -1, upper: 1, using: &rng)
            if sparse { a = a * Tensor<S>(shape: [m, k], element: { $0 % 41 == 0 ? 1 : 0 }) }
            let b = Tensor<S>.uniform([k, n], lower: -1, upper: 1, using: &rng)
            let bias = Tensor<S>.uniform([n], lower: -1, upper: 1, using: &rng)
            let fused = matmul(a, b, plus: bias, threads: threads)
            XCTAssertEqual(fused, matmul(a, b, threads: threads) + bias, "\(S.self) (\(m)×\(k))·(\(k)×\(n)) + bias, \(threads) thread(s)")
            assertClose(fused, naiveMatmul(a, b) + bias, tolerance: S(1e-5) * S(Swift.max(k, 1)), "\(S.self) (\(m)×\(k))·(\(k)×\(n)) + bias against the loops")
        }
        for (m, k, n) in [(7, 9, 35), (5, 3, 25), (33, 9, 16), (1, 16, 47), (150, 3, 1030), (31, 257, 17), (128, 784, 10), (2, 5, 7)] {
            check(Float.self, m: m, k: k, n: n)
            check(Double.self, m: m, k: k, n: n)
        }
        check(Float.self, m: 3, k: 600, n: 700, threads: 2)     // few rows: columns shared out
        check(Float.self, m: 3001, k: 9, n: 32, threads: 2)     // a convolution's patches on two threads
        for threads in [1, 2] {
            // δ · Wᵀ of a 10-output layer: B transposed and shallow, its rows copied out first.
            let a = Tensor<Float>.uniform([128, 10], lower: -1, upper: 1, using: &rng)
            let w = Tensor<Float>.uniform([512, 10], lower: -1, upper: 1, using: &rng)
            let bias = Tensor<Float>.uniform([512], lower: -1, upper: 1, using: &rng)
            XCTAssertEqual(matmul(a, w, plus: bias, transposeB: true, threads: threads), matmul(a, w.transposed(), plus: bias, threads: threads),
                           "(128×10)·(512×10)ᵀ + bias, \(threads) thread(s): the bits of the product with Wᵀ copied out")
            assertClose(matmul(a, w, transposeB: true, threads: threads), naiveMatmul(a, w.transposed()), tolerance: 1e-5 * 10,
                        "(128×10)·(512×10)ᵀ against the loops, \(threads) thread(s)")
        }
        check(Double.self, m: 64, k: 2000, n: 16, sparse: true)  // multi-hot rows
        let batch = Tensor<Double>.normal([4, 3, 5], using: &rng), b = Tensor<Double>.normal([5, 20], using: &rng)
        let bias = Tensor<Double>.normal([20], using: &rng)
        XCTAssertEqual(matmul(batch, b, plus: bias), matmul(batch, b) + bias, "a batch of matrices + bias")
        XCTAssertEqual(matmul(Tensor<Double>.zeros([3, 0]), Tensor<Double>.zeros([0, 4]), plus: Tensor([1, 2, 3, 4])).scalars,
                       [1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3, 4], "k = 0: empty sums plus the bias")
        assertShapeError({ () throws(ShapeError) in try matmulChecked(Tensor<Float>.zeros([2, 3]), .zeros([3, 4]), plus: .zeros([3])) },
                         mentions: ["(2, 3)", "(3, 4)", "+ (3,)", "4 numbers"])
    }

    func testVectorsAndBatches() {
        let a = Tensor<Double>([[1, 2], [3, 4], [5, 6]])
        XCTAssertEqual(matmul(a, Tensor([1, 1])).shape, [3], "matrix · vector is a vector")
        XCTAssertEqual(matmul(a, Tensor([1, 1])).scalars, [3, 7, 11])
        XCTAssertEqual(matmul(Tensor([1, 0, 1]), a).scalars, [6, 8], "vector · matrix")
        XCTAssertEqual(dot(Tensor<Double>([1, 2, 3]), Tensor([4, 5, 6])), 32)

        var rng = SeededGenerator(seed: 5)
        let batch = Tensor<Double>.normal([4, 3, 5], using: &rng)
        let shared = Tensor<Double>.normal([5, 2], using: &rng)
        let perItem = Tensor<Double>.normal([4, 5, 2], using: &rng)
        let c1 = matmul(batch, shared), c2 = matmul(batch, perItem)
        XCTAssertEqual(c1.shape, [4, 3, 2])
        for item in 0..<4 {
            assertClose(c1.row(item), naiveMatmul(batch.row(item), shared), tolerance: 1e-12, "batch \(item), shared B")
            assertClose(c2.row(item), naiveMatmul(batch.row(item), perItem.row(item)), tolerance: 1e-12, "batch \(item)")
        }
    }

    func testMisalignedShapesNameBothShapes() {
        let a = Tensor<Float>.zeros([128, 784]), b = Tensor<Float>.zeros([512, 10])
        assertShapeError({ () throws(ShapeError) in try matmulChecked(a, b) },
                         mentions: ["(128, 784)", "(512, 10)", "784", "512"])
        assertShapeError({ () throws(ShapeError) in try matmulChecked(a, b, transposeA: true) },
                         mentions: ["(128, 784)ᵀ", "(512, 10)"])
        assertShapeError({ () throws(ShapeError) in try matmulChecked(Tensor<Float>.zeros([2, 2, 2, 2]), a) },
                         mentions: ["rank"])
    }

    func testWorkedExample() {
        // [[1, 2], [3, 4]] · [[5, 6], [7, 8]] = [[19, 22], [43, 50]]
        let a = Tensor<Float>([[1, 2], [3, 4]]), b = Tensor<Float>([[5, 6], [7, 8]])
        XCTAssertEqual(matmul(a, b), Tensor([[19, 22], [43, 50]]))
        XCTAssertEqual(a.matmul(Tensor.identity(2)), a, "A · I = A")
    }
}
