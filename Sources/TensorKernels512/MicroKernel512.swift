// The AVX-512 half of the matrix product's micro-kernel. This module is compiled for
// x86-64-v4 (Package.swift), so its 64-byte SIMD vectors are single zmm registers; Tensors
// calls it only when the CPU has AVX-512 (`KernelPath.avx512`), and otherwise runs its own
// AVX2 kernel (Sources/Tensors/Matmul.swift), built for x86-64-v3.
//
// The arithmetic per element of C is the AVX2 kernel's, so the bits are the same on both
// paths: within a packed panel, one fused multiply-add chain over k in order, starting from 0,
// then C = chain (first panel) or C = C + chain. Only the tile differs: 12 rows × 2 vectors
// (32 floats or 16 doubles), 24 accumulators in the 32 zmm registers, against 6 × 1 vector
// (two ymm registers each) on AVX2.

import TensorsCPU

/// Rows of C in one AVX-512 tile (the rows of A's packed strips).
public let avx512TileRows = 12
/// Vectors of 64 bytes across one AVX-512 tile (the width of B's packed strips).
public let avx512TileVectors = 2

/// How far ahead (steps of k) the kernel asks for B's strip. The strip streams from L2 while A's
/// strip stays in L1; measured on the AVX-512 Xeon (`backprop-bench --study`, 200 alternated
/// runs): 3–10 % faster than the hardware prefetcher alone, 2 threads most.
let prefetchSteps = 8

/// Where the kernel finds A's twelve values A[r, k] (r = 0 ..< 12) at each step of k.
protocol TileOfA {
    associatedtype Scalar
    /// A[r, k] at the current k (r is a constant once the kernel is inlined).
    func value(_ r: Int) -> Scalar
    /// On to k + 1.
    mutating func advance()
}

/// A packed strip (`packA` in Tensors): the twelve values of each k side by side.
struct PackedStrip<Scalar>: TileOfA {
    var next: UnsafePointer<Scalar>

    @inline(__always) func value(_ r: Int) -> Scalar { next[r] }
    @inline(__always) mutating func advance() { next += avx512TileRows }
}

/// Twelve rows of A where they lie (each row contiguous, `rowStride` elements after the one
/// before): no packing. Read through three pointers at column k of rows 0, 4 and 8, plus 0, 1,
/// 2 or 3 row strides (x86's base + index × scale), so that the loop keeps five registers for
/// A and spills nothing; the pointers advance through `backprop_opaque` (TensorsCPU.h), which
/// keeps the compiler from rewriting them into twelve. A row's cache line serves 16 steps of
/// k (8 in Double), as a packed strip's line serves 1⅓.
struct RowsInPlace<Scalar>: TileOfA {
    var row0: UnsafePointer<Scalar>, row4: UnsafePointer<Scalar>, row8: UnsafePointer<Scalar>
    let rowStride: Int

    @inline(__always) init(_ a: UnsafePointer<Scalar>, rowStride: Int) {
        (row0, row4, row8, self.rowStride) = (a, a + 4 &* rowStride, a + 8 &* rowStride, rowStride)
    }

    @inline(__always) func value(_ r: Int) -> Scalar {
        let group = r < 4 ? row0 : r < 8 ? row4 : row8
        return group[(r % 4) &* rowStride]
    }

    @inline(__always) mutating func advance() {
        @inline(__always) func next(_ p: UnsafePointer<Scalar>) -> UnsafePointer<Scalar> {
            backprop_opaque(p + 1).assumingMemoryBound(to: Scalar.self)
        }
        (row0, row4, row8) = (next(row0), next(row4), next(row8))
    }
}

/// How many of the tile's twelve rows the kernel computes: all of them, or only the first 8 or
/// 4 for a partial last strip of A, whose other rows would not be stored (a mini-batch of 128 is
/// 10 strips of 12 and one of 8). Each element's chain is the same, so are the bits. Both ways
/// alternated product by product in one process (`AB` harness, not kept), 1000 products each:
/// 128x784x512 2.3–3.4 % more GFLOP/s at best and 1.7–3.2 % at the median, 1 and 2 threads,
/// in all 8 runs (the expected gain: a third of one strip in 11); 784x128x512 (a last strip of 4
/// rows) and 512³ (8) under 1 % at best and within ±0.8 % at the median (2 runs each), within
/// the spread. In the MLP epoch, alternated epoch by epoch, X · W₁ took 3–4 % less time per
/// product and Xᵀ · δ₁ 1–1.5 % (2 runs).
protocol TileHeight { static var rows: Int { get } }
enum TwelveRows: TileHeight { static var rows: Int { 12 } }
enum EightRows: TileHeight { static var rows: Int { 8 } }
enum FourRows: TileHeight { static var rows: Int { 4 } }

/// The tile of C at `c` becomes (or, when `accumulate`, gains) the product of a strip of A (12
/// values per k: packed, or its rows where they lie) and a strip of B (2 vectors per k, row
/// k + 1 `bStep` elements after row k: packed, or B itself) over `depth` steps; only its first
/// `H.rows` rows are computed (rows ≤ H.rows), and only its top-left `rows × columns` part is
/// written (edge tiles). With `copy`, each row of B's strip is also stored there as it is loaded
/// (2 vectors per k, contiguous), so that the next tiles can read the strip packed.
@inline(__always)
func microKernel<V: SIMD, A: TileOfA, H: TileHeight>(_ vector: V.Type, _ height: H.Type, depth: Int, _ a: A, _ b: UnsafePointer<V.Scalar>,
                                                     bStep: Int, _ c: UnsafeMutablePointer<V.Scalar>, rowStride: Int, rows: Int, columns: Int,
                                                     accumulate: Bool, copy: UnsafeMutablePointer<V.Scalar>?)
    where V.Scalar: BinaryFloatingPoint, A.Scalar == V.Scalar {
    var c0a = V(), c0b = V(), c1a = V(), c1b = V(), c2a = V(), c2b = V(), c3a = V(), c3b = V()
    var c4a = V(), c4b = V(), c5a = V(), c5b = V(), c6a = V(), c6b = V(), c7a = V(), c7b = V()
    var c8a = V(), c8b = V(), c9a = V(), c9b = V(), c10a = V(), c10b = V(), c11a = V(), c11b = V()
    var pa = a
    var pb = UnsafeRawPointer(b)
    let step = bStep &* MemoryLayout<V.Scalar>.stride, ahead = prefetchSteps &* step
    var to = copy.map { UnsafeMutableRawPointer($0) }
    for _ in 0..<depth {
        // One rank-1 update: C[r, :] += A[r, k] * B[k, :] for the twelve rows r.
        backprop_prefetch(pb + ahead)
        backprop_prefetch(pb + ahead + 64)
        let b0 = pb.loadUnaligned(as: V.self), b1 = pb.loadUnaligned(fromByteOffset: MemoryLayout<V>.stride, as: V.self)
        if let row = to {
            // The strip's row k, kept (a branch that goes the same way every step).
            row.storeBytes(of: b0, as: V.self)
            row.storeBytes(of: b1, toByteOffset: MemoryLayout<V>.stride, as: V.self)
            to = row + 2 * MemoryLayout<V>.stride
        }
        var ar = V(repeating: pa.value(0)); c0a.addProduct(ar, b0); c0b.addProduct(ar, b1)
        ar = V(repeating: pa.value(1)); c1a.addProduct(ar, b0); c1b.addProduct(ar, b1)
        ar = V(repeating: pa.value(2)); c2a.addProduct(ar, b0); c2b.addProduct(ar, b1)
        ar = V(repeating: pa.value(3)); c3a.addProduct(ar, b0); c3b.addProduct(ar, b1)
        if H.rows > 4 {
            ar = V(repeating: pa.value(4)); c4a.addProduct(ar, b0); c4b.addProduct(ar, b1)
            ar = V(repeating: pa.value(5)); c5a.addProduct(ar, b0); c5b.addProduct(ar, b1)
            ar = V(repeating: pa.value(6)); c6a.addProduct(ar, b0); c6b.addProduct(ar, b1)
            ar = V(repeating: pa.value(7)); c7a.addProduct(ar, b0); c7b.addProduct(ar, b1)
        }
        if H.rows > 8 {
            ar = V(repeating: pa.value(8)); c8a.addProduct(ar, b0); c8b.addProduct(ar, b1)
            ar = V(repeating: pa.value(9)); c9a.addProduct(ar, b0); c9b.addProduct(ar, b1)
            ar = V(repeating: pa.value(10)); c10a.addProduct(ar, b0); c10b.addProduct(ar, b1)
            ar = V(repeating: pa.value(11)); c11a.addProduct(ar, b0); c11b.addProduct(ar, b1)
        }
        pa.advance()
        pb += step
    }
    let width = V.scalarCount
    if columns == 2 * width {
        // Whole rows of the tile, as vectors (the last strip of A may have fewer than 12).
        @inline(__always) func store(_ r: Int, _ left: V, _ right: V) {
            let row = UnsafeMutableRawPointer(c + r * rowStride)
            if accumulate {
                row.storeBytes(of: row.loadUnaligned(as: V.self) + left, as: V.self)
                row.storeBytes(of: row.loadUnaligned(fromByteOffset: MemoryLayout<V>.stride, as: V.self) + right,
                               toByteOffset: MemoryLayout<V>.stride, as: V.self)
            } else {
                row.storeBytes(of: left, as: V.self)
                row.storeBytes(of: right, toByteOffset: MemoryLayout<V>.stride, as: V.self)
            }
        }
        store(0, c0a, c0b)
        if rows > 1 { store(1, c1a, c1b) }
        if rows > 2 { store(2, c2a, c2b) }
        if rows > 3 { store(3, c3a, c3b) }
        if rows > 4 { store(4, c4a, c4b) }
        if rows > 5 { store(5, c5a, c5b) }
        if rows > 6 { store(6, c6a, c6b) }
        if rows > 7 { store(7, c7a, c7b) }
        if rows > 8 { store(8, c8a, c8b) }
        if rows > 9 { store(9, c9a, c9b) }
        if rows > 10 { store(10, c10a, c10b) }
        if rows > 11 { store(11, c11a, c11b) }
    } else {
        // The right edge of C: element by element.
        withUnsafeTemporaryAllocation(of: V.self, capacity: 2 * avx512TileRows) { tile in
            let values = [c0a, c0b, c1a, c1b, c2a, c2b, c3a, c3b, c4a, c4b, c5a, c5b,
                          c6a, c6b, c7a, c7b, c8a, c8b, c9a, c9b, c10a, c10b, c11a, c11b]
            for (i, v) in values.enumerated() { tile[i] = v }
            for r in 0..<rows {
                let row = c + r * rowStride
                for j in 0..<columns {
                    let value = tile[2 * r + j / width][j % width]
                    row[j] = accumulate ? row[j] + value : value
                }
            }
        }
    }
}

/// The kernel reading A packed (`aRowStride` nil) or in place (its rows that many elements apart;
/// whole strips only), computing 12, 8 or 4 rows as `rows` needs.
@inline(__always)
func microKernel<V: SIMD>(_ vector: V.Type, depth: Int, _ a: UnsafePointer<V.Scalar>, aRowStride: Int?, _ b: UnsafePointer<V.Scalar>,
                          bStep: Int, _ c: UnsafeMutablePointer<V.Scalar>, rowStride: Int, rows: Int, columns: Int, accumulate: Bool,
                          copy: UnsafeMutablePointer<V.Scalar>?) where V.Scalar: BinaryFloatingPoint {
    @inline(__always) func run<A: TileOfA, H: TileHeight>(_ tile: A, _ height: H.Type) where A.Scalar == V.Scalar {
        microKernel(V.self, H.self, depth: depth, tile, b, bStep: bStep, c, rowStride: rowStride, rows: rows, columns: columns,
                    accumulate: accumulate, copy: copy)
    }
    if let aRowStride {
        run(RowsInPlace(a, rowStride: aRowStride), TwelveRows.self)
    } else if rows > 8 {
        run(PackedStrip(next: a), TwelveRows.self)
    } else if rows > 4 {
        run(PackedStrip(next: a), EightRows.self)
    } else {
        run(PackedStrip(next: a), FourRows.self)
    }
}

/// The AVX-512 tile for `Float` (12 × 32).
public func avx512MicroKernel(depth: Int, _ a: UnsafePointer<Float>, aRowStride: Int? = nil, _ b: UnsafePointer<Float>, bStep: Int,
                              _ c: UnsafeMutablePointer<Float>, rowStride: Int, rows: Int, columns: Int, accumulate: Bool,
                              copy: UnsafeMutablePointer<Float>? = nil) {
    microKernel(SIMD16<Float>.self, depth: depth, a, aRowStride: aRowStride, b, bStep: bStep, c, rowStride: rowStride, rows: rows,
                columns: columns, accumulate: accumulate, copy: copy)
}

/// The AVX-512 tile for `Double` (12 × 16).
public func avx512MicroKernel(depth: Int, _ a: UnsafePointer<Double>, aRowStride: Int? = nil, _ b: UnsafePointer<Double>, bStep: Int,
                              _ c: UnsafeMutablePointer<Double>, rowStride: Int, rows: Int, columns: Int, accumulate: Bool,
                              copy: UnsafeMutablePointer<Double>? = nil) {
    microKernel(SIMD8<Double>.self, depth: depth, a, aRowStride: aRowStride, b, bStep: bStep, c, rowStride: rowStride, rows: rows,
                columns: columns, accumulate: accumulate, copy: copy)
}

// MARK: - Narrow products (a layer of at most 16 outputs)

/// Rows of C in one narrow AVX-512 tile.
public let avx512NarrowRows = 12

/// C[r, 0 ..< columns] (+)= Σ_p A[r, p] · B[p, 0 ..< columns] for `rows` ≤ 12 rows r, where row r
/// of A is at `a + r · aRowStride` (its elements `aColumnStride` apart) and B is packed one vector
/// per p (columns ≤ the vector's width, the rest zeros). One fused multiply-add chain over p in
/// order per element, from 0, then C = chain or C + chain: the arithmetic of the tiled kernel,
/// with twelve chains in flight (the AVX2 path's narrow loop keeps six rows of two ymm halves).
@inline(__always)
func narrowKernel<V: SIMD>(_ vector: V.Type, depth: Int, _ a: UnsafePointer<V.Scalar>, aRowStride: Int, aColumnStride: Int,
                           rows: Int, _ packedB: UnsafePointer<V.Scalar>, _ c: UnsafeMutablePointer<V.Scalar>, ldc: Int,
                           columns: Int, accumulate: Bool) where V.Scalar: BinaryFloatingPoint {
    // Rows past `rows` repeat the last one (computed, not stored).
    @inline(__always) func row(_ r: Int) -> UnsafePointer<V.Scalar> { a + Swift.min(r, rows - 1) &* aRowStride }
    let a0 = row(0), a1 = row(1), a2 = row(2), a3 = row(3), a4 = row(4), a5 = row(5)
    let a6 = row(6), a7 = row(7), a8 = row(8), a9 = row(9), a10 = row(10), a11 = row(11)
    var c0 = V(), c1 = V(), c2 = V(), c3 = V(), c4 = V(), c5 = V()
    var c6 = V(), c7 = V(), c8 = V(), c9 = V(), c10 = V(), c11 = V()
    var pb = UnsafeRawPointer(packedB)
    var at = 0
    for _ in 0..<depth {
        let bk = pb.load(as: V.self)
        c0.addProduct(V(repeating: a0[at]), bk); c1.addProduct(V(repeating: a1[at]), bk)
        c2.addProduct(V(repeating: a2[at]), bk); c3.addProduct(V(repeating: a3[at]), bk)
        c4.addProduct(V(repeating: a4[at]), bk); c5.addProduct(V(repeating: a5[at]), bk)
        c6.addProduct(V(repeating: a6[at]), bk); c7.addProduct(V(repeating: a7[at]), bk)
        c8.addProduct(V(repeating: a8[at]), bk); c9.addProduct(V(repeating: a9[at]), bk)
        c10.addProduct(V(repeating: a10[at]), bk); c11.addProduct(V(repeating: a11[at]), bk)
        pb += MemoryLayout<V>.stride
        at &+= aColumnStride
    }
    @inline(__always) func store(_ r: Int, _ chain: V) {
        guard r < rows else { return }
        let out = c + r &* ldc
        for j in 0..<columns { out[j] = accumulate ? out[j] + chain[j] : chain[j] }
    }
    store(0, c0); store(1, c1); store(2, c2); store(3, c3); store(4, c4); store(5, c5)
    store(6, c6); store(7, c7); store(8, c8); store(9, c9); store(10, c10); store(11, c11)
}

/// The narrow AVX-512 tile for `Float` (12 rows × 16 columns).
public func avx512NarrowKernel(depth: Int, _ a: UnsafePointer<Float>, aRowStride: Int, aColumnStride: Int, rows: Int,
                               _ packedB: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>, ldc: Int, columns: Int, accumulate: Bool) {
    narrowKernel(SIMD16<Float>.self, depth: depth, a, aRowStride: aRowStride, aColumnStride: aColumnStride, rows: rows,
                 packedB, c, ldc: ldc, columns: columns, accumulate: accumulate)
}

/// The narrow AVX-512 tile for `Double` (12 rows × 8 columns).
public func avx512NarrowKernel(depth: Int, _ a: UnsafePointer<Double>, aRowStride: Int, aColumnStride: Int, rows: Int,
                               _ packedB: UnsafePointer<Double>, _ c: UnsafeMutablePointer<Double>, ldc: Int, columns: Int, accumulate: Bool) {
    narrowKernel(SIMD8<Double>.self, depth: depth, a, aRowStride: aRowStride, aColumnStride: aColumnStride, rows: rows,
                 packedB, c, ldc: ldc, columns: columns, accumulate: accumulate)
}
