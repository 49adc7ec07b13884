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

/// How far ahead (bytes) the kernel asks for B's strip: 8 steps of k. The strip streams from L2
/// while A's strip stays in L1; measured on the AVX-512 Xeon (`backprop-bench --study`, 200
/// alternated runs): 3–10 % faster than the hardware prefetcher alone, 2 threads most.
let prefetchDistance = 8 * avx512TileVectors * 64

/// The tile of C at `c` becomes (or, when `accumulate`, gains) the product of a packed strip of
/// A (12 values per k) and a packed strip of B (2 vectors per k) over `depth` steps; only its
/// top-left `rows × columns` part is written (edge tiles).
@inline(__always)
func microKernel<V: SIMD>(_ vector: V.Type, depth: Int, _ a: UnsafePointer<V.Scalar>, _ b: UnsafePointer<V.Scalar>, _ c: UnsafeMutablePointer<V.Scalar>,
                          rowStride: Int, rows: Int, columns: Int, accumulate: Bool) where V.Scalar: BinaryFloatingPoint {
    var c0a = V(), c0b = V(), c1a = V(), c1b = V(), c2a = V(), c2b = V(), c3a = V(), c3b = V()
    var c4a = V(), c4b = V(), c5a = V(), c5b = V(), c6a = V(), c6b = V(), c7a = V(), c7b = V()
    var c8a = V(), c8b = V(), c9a = V(), c9b = V(), c10a = V(), c10b = V(), c11a = V(), c11b = V()
    var pa = a
    var pb = UnsafeRawPointer(b)
    for _ in 0..<depth {
        // One rank-1 update: C[r, :] += A[r, k] * B[k, :] for the twelve rows r.
        backprop_prefetch(pb + prefetchDistance)
        backprop_prefetch(pb + prefetchDistance + 64)
        let b0 = pb.load(as: V.self), b1 = pb.load(fromByteOffset: MemoryLayout<V>.stride, as: V.self)
        var ar = V(repeating: pa[0]); c0a.addProduct(ar, b0); c0b.addProduct(ar, b1)
        ar = V(repeating: pa[1]); c1a.addProduct(ar, b0); c1b.addProduct(ar, b1)
        ar = V(repeating: pa[2]); c2a.addProduct(ar, b0); c2b.addProduct(ar, b1)
        ar = V(repeating: pa[3]); c3a.addProduct(ar, b0); c3b.addProduct(ar, b1)
        ar = V(repeating: pa[4]); c4a.addProduct(ar, b0); c4b.addProduct(ar, b1)
        ar = V(repeating: pa[5]); c5a.addProduct(ar, b0); c5b.addProduct(ar, b1)
        ar = V(repeating: pa[6]); c6a.addProduct(ar, b0); c6b.addProduct(ar, b1)
        ar = V(repeating: pa[7]); c7a.addProduct(ar, b0); c7b.addProduct(ar, b1)
        ar = V(repeating: pa[8]); c8a.addProduct(ar, b0); c8b.addProduct(ar, b1)
        ar = V(repeating: pa[9]); c9a.addProduct(ar, b0); c9b.addProduct(ar, b1)
        ar = V(repeating: pa[10]); c10a.addProduct(ar, b0); c10b.addProduct(ar, b1)
        ar = V(repeating: pa[11]); c11a.addProduct(ar, b0); c11b.addProduct(ar, b1)
        pa += avx512TileRows
        pb += 2 * MemoryLayout<V>.stride
    }
    let width = V.scalarCount
    if rows == avx512TileRows && columns == 2 * width {
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
        store(0, c0a, c0b); store(1, c1a, c1b); store(2, c2a, c2b); store(3, c3a, c3b)
        store(4, c4a, c4b); store(5, c5a, c5b); store(6, c6a, c6b); store(7, c7a, c7b)
        store(8, c8a, c8b); store(9, c9a, c9b); store(10, c10a, c10b); store(11, c11a, c11b)
    } else {
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

/// The AVX-512 tile for `Float` (12 × 32).
public func avx512MicroKernel(depth: Int, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
                              rowStride: Int, rows: Int, columns: Int, accumulate: Bool) {
    microKernel(SIMD16<Float>.self, depth: depth, a, b, c, rowStride: rowStride, rows: rows, columns: columns, accumulate: accumulate)
}

/// The AVX-512 tile for `Double` (12 × 16).
public func avx512MicroKernel(depth: Int, _ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ c: UnsafeMutablePointer<Double>,
                              rowStride: Int, rows: Int, columns: Int, accumulate: Bool) {
    microKernel(SIMD8<Double>.self, depth: depth, a, b, c, rowStride: rowStride, rows: rows, columns: columns, accumulate: accumulate)
}
