// The matrix product, C = A · B, at BLAS speed.
//
// This is the classic Goto/BLIS design, small enough to read in one sitting:
//
//   for each block of NC columns of B           (fits in L3)
//     for each block of KC rows of B            (a KC × NC panel, packed once)
//       for each block of MC rows of A          (an MC × KC block of A, packed once; fits in L2)
//         for each NR-wide strip of the B panel and MR-high strip of the A block:
//           the micro-kernel: an MR × NR tile of C kept in registers,
//           updated with KC rank-1 products (12 FMA instructions per step)
//
// Packing copies each block into the exact order the micro-kernel reads it (contiguous,
// zero-padded to whole tiles), which is also where transposes are handled for free.
// Everything is generic over the scalar: `S.KernelVector` is SIMD16<Float> or SIMD8<Double>
// (64 bytes, two AVX2 registers), so NR is 16 floats or 8 doubles and the micro-kernel
// holds 6 × 2 = 12 vector accumulators. On a CPU with AVX-512 (`KernelPath.avx512`) the tile
// is 12 rows × 2 such vectors instead, each one 512-bit register (Sources/TensorKernels512):
// the same arithmetic for every element of C, so the same bits.
//
// Three shapes of a training step get their own way through, each with the same chains:
//   - few rows of A (a mini-batch of ≤ 256) and B stored by rows: B is read in place, not
//     packed (packing W would copy each weight to use it only m times); on AVX-512, so are
//     A's rows when A is stored by rows (X · W);
//   - a narrow B (≤ 16 columns: a 10-class output layer): one vector per row of C, no tiles;
//   - a shallow product (k ≤ 16: a convolution's 3 × 3 patches): no packing at all.

import TensorKernels512

/// Rows of C in one AVX2 (or NEON) micro-kernel tile.
let microRows = 6
/// Depth of one packed panel (rows of B, columns of A).
let panelDepth = 256
/// Rows of A packed at a time against a packed panel of B: 12 tiles, so 144 rows on AVX-512
/// (12-row tiles) and 72 on AVX2 and NEON (6-row tiles). Against a B read in place, 144 rows on
/// every path: each block reads B again where it lies and copies its strips again. Measured on
/// the AVX-512 Xeon, forced AVX2, alternated in one process: 72 rows gave 1024³ on one thread
/// 3–4 % more GFLOP/s than 144 (best and median, 2 runs), 512³ and 784x128x512 the same; with
/// B in place (128x784x512, 256x512x512, 200x300x400) 144 was 0.1–1.6 % faster and never
/// slower (6 runs). Row blocks only group the work: the bits do not change.
let blockTiles = 12
/// Rows of A packed at a time against a B read in place, on every path (see `blockTiles`).
let inPlaceBlockRows = 144
/// Columns of B packed at a time.
let blockColumns = 1024

/// A read-only matrix operand seen through its strides, so that Aᵀ is the same memory as A
/// with the two strides swapped.
struct MatrixView<S> {
    var base: UnsafePointer<S>
    var rowStride: Int
    var columnStride: Int

    @inline(__always)
    func offset(row: Int, column: Int) -> MatrixView {
        MatrixView(base: base + row * rowStride + column * columnStride,
                   rowStride: rowStride, columnStride: columnStride)
    }
}

/// Packs the `rows × depth` block of A into strips of `stripRows` rows (the tile's): for each
/// strip and each k, the strip's `stripRows` values of column k, contiguous (zero-padded).
@inline(__always)
func packA<S: TensorScalar>(_ a: MatrixView<S>, rows: Int, depth: Int, into packed: UnsafeMutablePointer<S>, stripRows: Int) {
    // The strip height is a constant inside each call below, so its loops are unrolled.
    switch stripRows {
    case 12: packA(a, rows: rows, depth: depth, into: packed, height: 12)
    case 6: packA(a, rows: rows, depth: depth, into: packed, height: 6)
    default: packA(a, rows: rows, depth: depth, into: packed, height: stripRows)
    }
}

@inline(__always)
func packA<S: TensorScalar>(_ a: MatrixView<S>, rows: Int, depth: Int, into packed: UnsafeMutablePointer<S>, height stripRows: Int) {
    var destination = packed
    for strip in stride(from: 0, to: rows, by: stripRows) {
        let height = Swift.min(stripRows, rows - strip)
        let source = a.offset(row: strip, column: 0)
        if height == stripRows && a.rowStride == 1 {
            // A whole strip of a transposed A (Xᵀ · δ): one contiguous run per k, copied as vectors.
            typealias Quad = SIMD4<S>
            let quad = MemoryLayout<Quad>.stride
            for p in 0..<depth {
                let column = UnsafeRawPointer(source.base + p &* a.columnStride), out = UnsafeMutableRawPointer(destination)
                var r = 0
                while r + 4 <= stripRows {
                    out.storeBytes(of: column.loadUnaligned(fromByteOffset: r / 4 * quad, as: Quad.self), toByteOffset: r / 4 * quad, as: Quad.self)
                    r += 4
                }
                while r < stripRows { destination[r] = source.base[p &* a.columnStride + r]; r += 1 }
                destination += stripRows
            }
            continue
        }
        if height == stripRows && a.columnStride == 1 {
            // A whole strip of A stored by rows (the usual X · W): 4 × 4 blocks (4 rows, 4 steps
            // of k) loaded as rows of 4 and stored transposed, as columns of 4; the rows left
            // over below the last block (2 of AVX2's 6), value by value.
            typealias Quad = SIMD4<S>
            let rs = a.rowStride, blockedRows = stripRows / 4 * 4
            var p = 0
            while p + 4 <= depth {
                for r in blockedRows..<stripRows {
                    for k in 0..<4 { destination[k &* stripRows + r] = source.base[r &* rs + p + k] }
                }
                for r in stride(from: 0, to: blockedRows, by: 4) {
                    @inline(__always) func row(_ i: Int) -> Quad {
                        UnsafeRawPointer(source.base + (r + i) &* rs + p).loadUnaligned(as: Quad.self)
                    }
                    let r0 = row(0), r1 = row(1), r2 = row(2), r3 = row(3)
                    @inline(__always) func store(_ column: Quad, _ k: Int) {
                        UnsafeMutableRawPointer(destination + k &* stripRows + r).storeBytes(of: column, as: Quad.self)
                    }
                    store(Quad(r0[0], r1[0], r2[0], r3[0]), 0)
                    store(Quad(r0[1], r1[1], r2[1], r3[1]), 1)
                    store(Quad(r0[2], r1[2], r2[2], r3[2]), 2)
                    store(Quad(r0[3], r1[3], r2[3], r3[3]), 3)
                }
                destination += 4 &* stripRows
                p += 4
            }
            while p < depth {
                for r in 0..<stripRows { destination[r] = source.base[r &* rs + p] }
                destination += stripRows
                p += 1
            }
            continue
        }
        if height == stripRows {
            // A whole strip, any strides: `stripRows` values per k.
            for p in 0..<depth {
                let column = source.base + p &* a.columnStride
                for r in 0..<stripRows { destination[r] = column[r &* a.rowStride] }
                destination += stripRows
            }
            continue
        }
        for p in 0..<depth {
            let column = source.base + p &* a.columnStride
            for r in 0..<height { destination[r] = column[r &* a.rowStride] }
            for r in height..<stripRows { destination[r] = 0 }
            destination += stripRows
        }
    }
}

/// Packs the `depth × columns` panel of B into strips of `width` columns (NR, a whole number of
/// kernel vectors): for each strip and each k, the strip's NR values of row k, contiguous
/// (zero-padded).
@inline(__always)
func packB<S: TensorScalar>(_ b: MatrixView<S>, depth: Int, columns: Int, into packed: UnsafeMutablePointer<S>, width: Int) {
    typealias V = S.KernelVector
    // Whole strips of a B stored by rows: row by row, each row of the panel read once front to
    // back and stored one vector row into each strip. (Strip by strip, each read began a new
    // row, 4 KB after the last one for 1024 columns; row by row was 0–2 % faster on 512³ and
    // 1024³, both paths, 1 and 2 threads, never slower in 8 alternated runs: a small gain.)
    let whole = b.columnStride == 1 ? columns / width : 0
    let rowBytes = width * MemoryLayout<S>.stride
    for p in 0..<depth {
        let row = UnsafeRawPointer(b.base + p * b.rowStride)
        for strip in 0..<whole {
            let target = UnsafeMutableRawPointer(packed + (strip * depth + p) * width)
            for v in stride(from: 0, to: rowBytes, by: MemoryLayout<V>.stride) {
                target.storeBytes(of: row.loadUnaligned(fromByteOffset: strip * rowBytes + v, as: V.self), toByteOffset: v, as: V.self)
            }
        }
    }
    var destination = packed + whole * depth * width
    for strip in stride(from: whole * width, to: columns, by: width) {
        let stripWidth = Swift.min(width, columns - strip)
        let source = b.offset(row: 0, column: strip)
        if b.columnStride == 1 {
            // A partial strip of rows (a 10-column W): row by row, then zeros to the strip's width.
            // Element by element: with a call to copy and one to zero each row, H · W₂ (128x512x10)
            // took 24.0–24.7 µs, now 21.9–22.1 (best of 20,000, three processes each).
            for p in 0..<depth {
                let row = source.base + p * b.rowStride, target = destination + p * width
                for c in 0..<width { target[c] = c < stripWidth ? row[c] : 0 }
            }
        } else {
            // Read along k (contiguous when B is transposed), write into the strip.
            for c in 0..<width {
                if c < stripWidth {
                    let column = source.base + c * b.columnStride
                    for p in 0..<depth { destination[p * width + c] = column[p * b.rowStride] }
                } else {
                    for p in 0..<depth { destination[p * width + c] = 0 }
                }
            }
        }
        destination += depth * width
    }
}

/// The micro-kernel: the `microRows × NR` tile of C at `c` becomes (or, when `accumulate`,
/// gains) the product of one packed strip of A and one strip of B over `depth` steps (row k + 1
/// of B's strip `bStep` elements after row k: NR when packed, B's row stride when read in place).
/// Only the top-left `rows × columns` part of the tile is written (edge tiles). With `copy`, each
/// row of B's strip is also stored there as it is loaded (one vector per k, contiguous), so that
/// the next tiles can read the strip packed.
@inline(__always)
func microKernel<S: TensorScalar>(depth: Int, _ a: UnsafePointer<S>, _ b: UnsafePointer<S>, bStep: Int,
                                  _ c: UnsafeMutablePointer<S>, rowStride: Int,
                                  rows: Int, columns: Int, accumulate: Bool, copy: UnsafeMutablePointer<S>? = nil) {
    typealias V = S.KernelVector
    var c0 = V(), c1 = V(), c2 = V(), c3 = V(), c4 = V(), c5 = V()
    var pa = a
    var pb = UnsafeRawPointer(b)
    var to = copy.map { UnsafeMutableRawPointer($0) }
    // One rank-1 update: C[r, :] += A[r, k] * B[k, :] for the six rows r.
    @inline(__always) func step(_ pa: UnsafePointer<S>, _ pb: UnsafeRawPointer) {
        let bk = pb.loadUnaligned(as: V.self)
        if let row = to {
            // The strip's row k, kept (a branch that goes the same way every step).
            row.storeBytes(of: bk, as: V.self)
            to = row + MemoryLayout<V>.stride
        }
        c0.addProduct(V(repeating: pa[0]), bk)
        c1.addProduct(V(repeating: pa[1]), bk)
        c2.addProduct(V(repeating: pa[2]), bk)
        c3.addProduct(V(repeating: pa[3]), bk)
        c4.addProduct(V(repeating: pa[4]), bk)
        c5.addProduct(V(repeating: pa[5]), bk)
    }
    let stepBytes = bStep &* MemoryLayout<S>.stride
    #if arch(x86_64)
    // AVX2: two steps of k per turn of the loop, so the loop's own four instructions (two
    // pointer adds, a count and a jump) come once every 40 kernel instructions instead of every
    // 20 (a step is 2 loads, 6 broadcasts and 12 FMAs). The same FMAs in the same order, so the same bits. On
    // the AVX-512 Xeon, forced AVX2, with both loops in one binary alternated product by
    // product (together with the vector packing of A's 6-row strips): best 3–5 % and median
    // 2–10 % more GFLOP/s on every bench shape, on 1 and 2 threads (11 runs).
    for _ in 0..<depth / 2 {
        step(pa, pb)
        step(pa + microRows, pb + stepBytes)
        pa += 2 * microRows
        pb += 2 &* stepBytes
    }
    if depth % 2 == 1 { step(pa, pb) }
    #else
    // NEON: one step per turn. Its 24 accumulators (6 rows of four 128-bit registers) leave no
    // room for a second step: unrolled, the compiler spilled accumulators to the stack inside
    // the loop (aarch64 assembly of the same loop, built with the toolchain's embedded target).
    for _ in 0..<depth {
        step(pa, pb)
        pa += microRows
        pb += stepBytes
    }
    #endif
    if columns == V.scalarCount {
        // Whole rows of the tile, as vectors (the last strip of A may have fewer than 6).
        @inline(__always) func store(_ r: Int, _ value: V) {
            let row = UnsafeMutableRawPointer(c + r * rowStride)
            let old = accumulate ? row.loadUnaligned(as: V.self) : V()
            row.storeBytes(of: old + value, as: V.self)
        }
        store(0, c0)
        if rows > 1 { store(1, c1) }
        if rows > 2 { store(2, c2) }
        if rows > 3 { store(3, c3) }
        if rows > 4 { store(4, c4) }
        if rows > 5 { store(5, c5) }
    } else {
        // The right edge of C: element by element.
        withUnsafeTemporaryAllocation(of: V.self, capacity: microRows) { tile in
            tile[0] = c0; tile[1] = c1; tile[2] = c2; tile[3] = c3; tile[4] = c4; tile[5] = c5
            for r in 0..<rows {
                let row = c + r * rowStride
                for j in 0..<columns {
                    row[j] = accumulate ? row[j] + tile[r][j] : tile[r][j]
                }
            }
        }
    }
}

/// An uninitialized buffer of `count` elements aligned to a cache line (64 bytes), for packing.
@inline(__always)
func packingBuffer<S>(_ count: Int) -> UnsafeMutablePointer<S> {
    UnsafeMutableRawPointer.allocate(byteCount: count * MemoryLayout<S>.stride, alignment: 64).bindMemory(to: S.self, capacity: count)
}

/// Where the micro-kernels read one panel of B (`depth` rows): strip s, the panel's columns
/// s·NR ..< (s + 1)·NR, starts at `base + s · stripStride`, and its row k + 1 is `step` elements
/// after row k. Packed: stripStride = depth · NR, step = NR. Read in place (B's rows are
/// contiguous and A has few rows, so that packing B would cost a large part of the product):
/// stripStride = NR, step = B's row stride, with a packed, zero-padded copy of a partial last
/// strip (`packedEdge`), as the kernel reads whole vectors.
struct PanelB<S>: @unchecked Sendable {
    var base: UnsafePointer<S>
    var stripStride: Int
    var step: Int
    var packedEdge: UnsafePointer<S>? = nil

    static func packed(_ packed: UnsafePointer<S>, depth: Int, width: Int) -> PanelB {
        PanelB(base: packed, stripStride: depth * width, step: width)
    }

    /// Strip s of a panel `columns` wide, and the step between its rows.
    @inline(__always)
    func strip(_ s: Int, width: Int, columns: Int) -> (UnsafePointer<S>, step: Int) {
        if let packedEdge, (s + 1) * width > columns { return (packedEdge, width) }
        return (base + s * stripStride, step)
    }
}

/// B is read in place, not packed, when its rows are contiguous and A has at most this many
/// rows: packing costs one copy per element of B, which the product then uses only m times
/// (a mini-batch of 128: packing W would be a fifth of X · W). For more rows, packed strips
/// (contiguous, prefetched) are faster and their cost is shared by more rows.
let inPlaceBRows = 256

/// The panel of B (rows pc ..< pc + depth, columns jc ..< jc + columns) read in place, with its
/// partial last strip, if any, packed into `edge` (depth × width elements).
@inline(__always)
func inPlacePanel<S: TensorScalar>(_ b: MatrixView<S>, pc: Int, jc: Int, depth: Int, columns: Int, width: Int,
                                   edge: UnsafeMutablePointer<S>) -> PanelB<S> {
    let full = columns / width * width
    if full < columns {
        packB(b.offset(row: pc, column: jc + full), depth: depth, columns: columns - full, into: edge, width: width)
    }
    return PanelB(base: b.base + pc * b.rowStride + jc, stripStride: width, step: b.rowStride,
                  packedEdge: full < columns ? UnsafePointer(edge) : nil)
}

/// Where the micro-kernels read a block of A against one panel (`depth` of its columns): strip s
/// (rows s·MR ..< (s + 1)·MR) packed at `packed + s · MR · depth`; or, on AVX-512 with A stored
/// by rows, whole strips where they lie (`rows`: A from row 0 of the block and column 0 of the
/// panel) and only a partial last strip packed.
struct BlockOfA<S> {
    var packed: UnsafePointer<S>
    var rows: MatrixView<S>? = nil
}

/// Whether the AVX-512 kernel reads A's whole 12-row strips where they lie (`BlockOfA`) instead
/// of packed: for few rows (B read in place, m ≤ 256) of an A stored by rows (X · W). Against
/// packing A, alternated in one process: 128x784x512 on 2 threads (each packing its own copy)
/// best 3–6 % and median 2–5 % more GFLOP/s, on 1 thread best 1–3 % and median from 3 % less to
/// 2 % more (4 runs of 1500 products each); on 2 threads 100x300x140, 128x784x128, 128x784x64
/// and 47x200x64 8 % faster or more, 64x784x256 and 256x512x512 within 1 %, 128x1024x512 (rows
/// 4 KB apart) best 6 % and median 4 % faster; on 1 thread 200x300x400, 256x512x512 and
/// 256x1024x256 1–4 % faster and 128x1024x512 within 1 % (one run each on a noisy host:
/// differences of a few per cent there are within the spread of single runs). For more rows, B
/// is packed and each packed strip of A serves many strips of B; reading A in place there was
/// not measured.
@inline(__always)
func readsRowsInPlace<S>(_ a: MatrixView<S>, inPlaceB: Bool, path: KernelPath) -> Bool {
    path == .avx512 && inPlaceB && a.columnStride == 1
}

/// The `rows × columns` block of C at `c` (+)= a block of A (packed, or on AVX-512 read where it
/// lies: `BlockOfA`) times a panel of B, with the micro-kernel of `path`:
///
/// - B packed, on AVX-512: for each 12-high strip of A (12 × kc, 12 KB, kept in L1), every strip
///   of B, streaming from L2 (a strip of B, kc × 32, 32 KB, would fill L1 by itself).
/// - B packed, on AVX2 and NEON: for each NR-wide strip of B (kept in L1), every strip of A (L2).
/// - B read in place, with a `stripCopy` buffer (depth × NR elements) and at least 4 tiles of
///   rows: for each strip of B, the first tile reads it where it lies and copies it, row by row,
///   into `stripCopy` as it goes; the other tiles read that copy, contiguous and in L1. (Read in
///   place, a strip's rows are B's row stride apart: 2 KB for a 784 × 512 W, a new 4 KiB page
///   every other k.) Measured on the AVX-512 Xeon with both ways in one binary, alternated step
///   by step in the MLP epoch, the forward product X · W₁ (128x784x512) took 3–12 % less time
///   on 2 threads (10 runs) and from 3 % more to 10 % less on 1 (6 runs); on the AVX2 path,
///   13–14 % and 4–5 % less (2 runs each). With 2 tiles of rows (row blocks of 24 on 2 threads,
///   256x512x512; one run of 1000 alternated products) copying was 6 % slower at the median:
///   each copy then serves one tile.
@inline(__always)
func multiplyPacked<S: TensorScalar>(rows: Int, columns: Int, depth: Int, _ blockA: BlockOfA<S>,
                                     _ panel: PanelB<S>, _ c: UnsafeMutablePointer<S>, ldc: Int, accumulate: Bool,
                                     path: KernelPath, stripCopy: UnsafeMutablePointer<S>? = nil) {
    let mr = path.tileRows, nr = path.tileVectors * S.KernelVector.scalarCount
    /// The tile at row ir, column jr of the block, against B's strip at `b`.
    @inline(__always) func tile(_ ir: Int, _ jr: Int, _ b: UnsafePointer<S>, step: Int, copy: UnsafeMutablePointer<S>? = nil) {
        let (a, c, rows, columns) = (blockA.packed + ir * depth, c + ir * ldc + jr, Swift.min(mr, rows - ir), Swift.min(nr, columns - jr))
        if path == .avx512 {
            if let inPlace = blockA.rows, rows == mr {
                wideKernel(depth: depth, inPlace.offset(row: ir, column: 0).base, aRowStride: inPlace.rowStride, b, bStep: step, c,
                           rowStride: ldc, rows: rows, columns: columns, accumulate: accumulate, copy: copy)
            } else {
                wideKernel(depth: depth, a, b, bStep: step, c, rowStride: ldc, rows: rows, columns: columns, accumulate: accumulate, copy: copy)
            }
        } else {
            microKernel(depth: depth, a, b, bStep: step, c, rowStride: ldc, rows: rows, columns: columns, accumulate: accumulate, copy: copy)
        }
    }
    let copyBuffer = rows >= 4 * mr ? stripCopy : nil
    if path == .avx512 && copyBuffer == nil {
        for ir in stride(from: 0, to: rows, by: mr) {
            for jr in stride(from: 0, to: columns, by: nr) {
                let (b, step) = panel.strip(jr / nr, width: nr, columns: columns)
                tile(ir, jr, b, step: step)
            }
        }
        return
    }
    for jr in stride(from: 0, to: columns, by: nr) {
        let (b, step) = panel.strip(jr / nr, width: nr, columns: columns)
        if let copyBuffer, step != nr {
            // A whole strip read in place (a partial last one is packed already).
            tile(0, jr, b, step: step, copy: copyBuffer)
            for ir in stride(from: mr, to: rows, by: mr) { tile(ir, jr, copyBuffer, step: nr) }
        } else {
            for ir in stride(from: 0, to: rows, by: mr) { tile(ir, jr, b, step: step) }
        }
    }
}

/// The AVX-512 micro-kernel (TensorKernels512, built for x86-64-v4) for this scalar type.
@inline(__always)
func wideKernel<S: TensorScalar>(depth: Int, _ a: UnsafePointer<S>, aRowStride: Int? = nil, _ b: UnsafePointer<S>, bStep: Int,
                                 _ c: UnsafeMutablePointer<S>, rowStride: Int, rows: Int, columns: Int, accumulate: Bool,
                                 copy: UnsafeMutablePointer<S>?) {
    if S.self == Float.self {
        avx512MicroKernel(depth: depth, UnsafeRawPointer(a).assumingMemoryBound(to: Float.self), aRowStride: aRowStride,
                          UnsafeRawPointer(b).assumingMemoryBound(to: Float.self), bStep: bStep, UnsafeMutableRawPointer(c).assumingMemoryBound(to: Float.self),
                          rowStride: rowStride, rows: rows, columns: columns, accumulate: accumulate,
                          copy: copy.map { UnsafeMutableRawPointer($0).assumingMemoryBound(to: Float.self) })
    } else if S.self == Double.self {
        avx512MicroKernel(depth: depth, UnsafeRawPointer(a).assumingMemoryBound(to: Double.self), aRowStride: aRowStride,
                          UnsafeRawPointer(b).assumingMemoryBound(to: Double.self), bStep: bStep, UnsafeMutableRawPointer(c).assumingMemoryBound(to: Double.self),
                          rowStride: rowStride, rows: rows, columns: columns, accumulate: accumulate,
                          copy: copy.map { UnsafeMutableRawPointer($0).assumingMemoryBound(to: Double.self) })
    } else {
        preconditionFailure("matmul: no AVX-512 kernel for \(S.self)")
    }
}

/// C (m × n, row stride ldc) = A (m × k) · B (k × n), the blocks of rows of C shared out
/// between `threads` workers (1: all on the calling thread).
///
/// For each panel of B, each worker packs the panel into its own buffer (or, for few rows, all
/// read B where it lies); then each worker takes the next row block not yet taken, packs that
/// block of A into its own buffer and runs the micro-kernels against the panel. Every element
/// of C is thus computed by one worker, always summing the panels in the same order.
@inline(__always)
func gemmBlocked<S: TensorScalar>(m: Int, n: Int, k: Int, _ a: MatrixView<S>, _ b: MatrixView<S>,
                                  _ c: UnsafeMutablePointer<S>, ldc: Int, threads: Int, path: KernelPath) {
    let mr = path.tileRows, width = path.tileVectors * S.KernelVector.scalarCount
    // Equal blocks: no thin last panel that would pay the full cost of loading and storing C
    // for a few steps (784 = 4 × 196, not 3 × 256 + 16), and as many row blocks per worker.
    let kc = balanced(k, panelDepth, multipleOf: 1)
    // Row blocks are whole strips of the tile; with several threads, at least 8 per thread, so
    // that the last blocks handed out are small and the threads finish together.
    let strips = (m + mr - 1) / mr
    let inPlace = b.columnStride == 1 && m <= inPlaceBRows
    let blockRows = inPlace ? inPlaceBlockRows : blockTiles * mr
    let rowBlockCount = threads == 1 ? (m + blockRows - 1) / blockRows
        : Swift.min(strips, Swift.max((m + blockRows - 1) / blockRows, 8 * threads))
    let mc = (strips + rowBlockCount - 1) / rowBlockCount * mr
    let bCount = inPlace ? kc * width : kc * ((Swift.min(n, blockColumns) + width - 1) / width * width)
    let aCount = kc * mc
    let readsRowsOfA = readsRowsInPlace(a, inPlaceB: inPlace, path: path)
    // A packed B: each worker packs the whole panel into its own buffer, as it starts on the
    // panel, instead of the workers packing one copy together and meeting before the products.
    // Both ways alternated in one process, 2 threads, 300–1000 products each: on AVX-512,
    // 784x128x512 0–1 % faster (4 runs), 512³, 1024³ and 300x200x400 1–2 % (one run each),
    // 256x512x512 equal; on AVX2, 784x128x512, 512³ and 1024³ 0.1–1.2 % (one run each). A small
    // gain, near the run-to-run spread, never more than 0.4 % slower; kept because it also
    // removes a packing pass and a meeting of the workers per panel. A worker computes at least
    // 96 rows against each panel (gemmProduct), so the extra packing is about 1 % of its work.
    let packedB: UnsafeMutablePointer<S> = packingBuffer(inPlace ? bCount : threads * bCount)
    let packedA: UnsafeMutablePointer<S> = packingBuffer(threads * aCount)
    // B read in place, in blocks tall enough to copy its strips (multiplyPacked): each worker
    // copies the strip it is on into its own buffer.
    let stripCopies: UnsafeMutablePointer<S>? = inPlace && mc >= 4 * mr ? packingBuffer(threads * kc * width) : nil
    defer {
        packedB.deallocate()
        packedA.deallocate()
        stripCopies?.deallocate()
    }
    let shared = UnsafeTransfer((a, b, c, packedA, packedB, stripCopies))
    for jc in stride(from: 0, to: n, by: blockColumns) {
        let nc = Swift.min(blockColumns, n - jc)
        for pc in stride(from: 0, to: k, by: kc) {
            let depth = Swift.min(kc, k - pc)
            let inPlacePanelB = inPlace ? inPlacePanel(b, pc: pc, jc: jc, depth: depth, columns: nc, width: width, edge: packedB) : nil
            // Row blocks are handed out in order to whichever worker is free (a busy host can
            // slow one vCPU down); each block is still computed by one worker in one order.
            func packOwnPanel(_ worker: Int) {
                let (_, b, _, _, packedB, _) = shared.value
                if !inPlace { packB(b.offset(row: pc, column: jc), depth: depth, columns: nc, into: packedB + worker * bCount, width: width) }
            }
            parallelForEachTaken((m + mc - 1) / mc, threads: threads, start: packOwnPanel) { worker, block in
                let (a, _, c, packedA, packedB, stripCopies) = shared.value
                let panel = inPlacePanelB ?? .packed(packedB + worker * bCount, depth: depth, width: width)
                let ownA = packedA + worker * aCount
                let ic = block * mc, rows = Swift.min(mc, m - ic)
                let blockA: BlockOfA<S>
                if readsRowsOfA {
                    let full = rows / mr * mr
                    if full < rows { packA(a.offset(row: ic + full, column: pc), rows: rows - full, depth: depth, into: ownA + full * depth, stripRows: mr) }
                    blockA = BlockOfA(packed: ownA, rows: a.offset(row: ic, column: pc))
                } else {
                    packA(a.offset(row: ic, column: pc), rows: rows, depth: depth, into: ownA, stripRows: mr)
                    blockA = BlockOfA(packed: ownA)
                }
                multiplyPacked(rows: rows, columns: nc, depth: depth, blockA, panel, c + ic * ldc + jc, ldc: ldc,
                               accumulate: pc > 0, path: path, stripCopy: stripCopies.map { $0 + worker * kc * width })
            }
        }
    }
}

/// The size of equal blocks, at most `limit` and a multiple of `granule`, that cover `extent`.
@inline(__always)
func balanced(_ extent: Int, _ limit: Int, multipleOf granule: Int) -> Int {
    let blocks = (extent + limit - 1) / limit
    let size = (extent + blocks - 1) / blocks
    return (size + granule - 1) / granule * granule
}

/// C = A · B on up to `threads` threads. The result is the same bits whatever the number of
/// threads: each element of C is computed by one thread, always in the same order.
@_specialize(where S == Float)
@_specialize(where S == Double)
func gemm<S: TensorScalar>(m: Int, n: Int, k: Int, _ a: MatrixView<S>, _ b: MatrixView<S>,
                           _ c: UnsafeMutablePointer<S>, ldc: Int, bias: UnsafePointer<S>? = nil, threads: Int) {
    if m == 0 || n == 0 { return }
    if k <= 16 && n >= 16 && a.columnStride == 1 {
        // Shallow (a convolution's patches): the bias is added while each row is in registers.
        let threads = m * n * k < 1 << 19 ? 1 : threads
        if b.columnStride == 1 {
            gemmSmallDepth(m: m, n: n, k: k, a, b, c, ldc: ldc, bias: bias, threads: threads)
            return
        }
        // B transposed (δ · Wᵀ for a layer of 10 outputs): its k rows copied out first, k × n
        // numbers, far fewer than the product's m × n × k multiply-adds.
        let rowsB: UnsafeMutablePointer<S> = packingBuffer(k * n)
        defer { rowsB.deallocate() }
        for p in 0..<k {
            for j in 0..<n { rowsB[p * n + j] = b.base[p * b.rowStride + j * b.columnStride] }
        }
        gemmSmallDepth(m: m, n: n, k: k, a, MatrixView(base: rowsB, rowStride: n, columnStride: 1), c, ldc: ldc,
                       bias: bias, threads: threads)
        return
    }
    gemmProduct(m: m, n: n, k: k, a, b, c, ldc: ldc, threads: threads)
    if let bias {
        // C + bias, row by row: the same numbers as adding the bias afterwards.
        splitWork(m, elementsPerItem: n) { rows in
            for i in rows {
                let row = c + i * ldc
                for j in 0..<n { row[j] += bias[j] }
            }
        }
    }
}

/// C = A · B, choosing the path by the operands' shape and contents.
@inline(__always)
func gemmProduct<S: TensorScalar>(m: Int, n: Int, k: Int, _ a: MatrixView<S>, _ b: MatrixView<S>,
                                  _ c: UnsafeMutablePointer<S>, ldc: Int, threads: Int) {
    if k == 0 {
        for i in 0..<m { (c + i * ldc).initialize(repeating: 0, count: n) }
        return
    }
    if b.columnStride == 1 && isMostlyZeros(a, m: m, k: k) {
        gemmSparseA(m: m, n: n, k: k, a, b, c, ldc: ldc)
        return
    }
    // Below ~half a million multiply-adds a thread costs more than it saves.
    let threads = m * n * k < 1 << 19 ? 1 : threads
    if n <= S.KernelVector.scalarCount {
        // A layer of a few outputs (10 classes): no packing of A, one vector per row of C.
        gemmNarrow(m: m, n: n, k: k, a, b, c, ldc: ldc, threads: threads)
        return
    }
    let path = KernelPath.current
    if threads == 1 || m >= 96 * threads {
        // Enough rows for every thread: share each packed panel of B, split the rows.
        gemmBlocked(m: m, n: n, k: k, a, b, c, ldc: ldc, threads: threads, path: path)
        return
    }
    // Few rows (a mini-batch of 128 times a wide matrix): share the packed rows of A and hand
    // out groups of columns instead.
    gemmSharedA(m: m, n: n, k: k, a, b, c, ldc: ldc, threads: threads, path: path)
}

/// Calls `body(i, line[i])` for each nonzero element of `line[0 ..< count]`, in order,
/// testing 64 bytes at a time so that runs of zeros cost one comparison per 16 floats.
@inline(__always)
func forEachNonzero<S: TensorScalar>(_ line: UnsafePointer<S>, count: Int, _ body: (Int, S) -> Void) {
    // 64 bytes = 8 words; OR-ing their bits is zero only if every element is +0. (Swift's
    // generic SIMD comparison `.!=` compiles to one scalar compare per element: 3× slower.)
    let width = 64 / MemoryLayout<S>.stride
    var i = 0
    while i + width <= count {
        let words = UnsafeRawPointer(line + i)
        var bits: UInt64 = 0
        for w in 0..<8 { bits |= words.loadUnaligned(fromByteOffset: 8 * w, as: UInt64.self) }
        if bits != 0 {
            for j in i ..< i + width where line[j] != 0 { body(j, line[j]) }
        }
        i += width
    }
    for j in i ..< count where line[j] != 0 { body(j, line[j]) }
}

/// The number of elements of `line[0 ..< count]` other than ±0, counted on their bits with
/// arithmetic only: a ReLU's output is half zeros in no pattern, and a branch on each element
/// mispredicted often enough to make the sparsity check below 4 % of an MNIST epoch. For the
/// bits u of an element without its sign, u | −u has its top bit set exactly when u ≠ 0.
@inline(__always)
func countNonzeros<S: TensorScalar>(_ line: UnsafePointer<S>, count: Int) -> Int {
    MemoryLayout<S>.size == 4 ? countNonzeroWords(line, count: count, as: SIMD16<UInt32>.self)
        : countNonzeroWords(line, count: count, as: SIMD8<UInt64>.self)
}

@inline(__always)
func countNonzeroWords<S: TensorScalar, Lanes: SIMD>(_ line: UnsafePointer<S>, count: Int, as: Lanes.Type) -> Int
    where Lanes.Scalar: FixedWidthInteger & UnsignedInteger {
    let raw = UnsafeRawPointer(line), top = Lanes(repeating: Lanes.Scalar(Lanes.Scalar.bitWidth - 1))
    var counts = Lanes(), j = 0
    while j + Lanes.scalarCount <= count {
        let u = raw.loadUnaligned(fromByteOffset: j * MemoryLayout<S>.size, as: Lanes.self) &<< 1   // drop the sign
        counts &+= (u | (Lanes() &- u)) &>> top
        j += Lanes.scalarCount
    }
    var total = Int(counts.wrappedSum())
    for j in j..<count where line[j] != 0 { total += 1 }
    return total
}

/// True when at most 1 in 20 elements of A is nonzero (a bag-of-words row over 10,000 words
/// has ~15). Stops counting as soon as there are more, which for a dense A is within its
/// first few rows: the check costs a small fraction of the product it may save.
@inline(__always)
func isMostlyZeros<S: TensorScalar>(_ a: MatrixView<S>, m: Int, k: Int) -> Bool {
    // Walk A in the order it is stored: rows of A, or rows of Aᵀ when A is transposed.
    let (outer, inner, outerStride) = a.columnStride == 1 ? (m, k, a.rowStride)
        : a.rowStride == 1 ? (k, m, a.columnStride) : (0, 0, 0)
    guard outer > 0 else { return false }
    let limit = m * k / 20
    var nonzeros = 0
    for o in 0..<outer {
        nonzeros &+= countNonzeros(a.base + o * outerStride, count: inner)
        if nonzeros > limit { return false }
    }
    return true
}

/// C = A · B for a mostly-zero A (multi-hot inputs): each nonzero A[i, p] adds A[i, p] times
/// row p of B to row i of C, skipping the zeros. One thread, always the same order, so the
/// result does not depend on the thread count either.
@_specialize(where S == Float)
@_specialize(where S == Double)
func gemmSparseA<S: TensorScalar>(m: Int, n: Int, k: Int, _ a: MatrixView<S>, _ b: MatrixView<S>,
                                  _ c: UnsafeMutablePointer<S>, ldc: Int) {
    for i in 0..<m { (c + i * ldc).initialize(repeating: 0, count: n) }
    @inline(__always) func addRow(_ value: S, _ p: Int, to i: Int) {
        let rowB = b.base + p * b.rowStride, rowC = c + i * ldc
        // Fused multiply-add, in order of p, as the packed kernel does: for k ≤ 256 (one panel)
        // the result is the same bits as the dense product (a skipped zero adds exactly 0).
        for j in 0..<n { rowC[j].addProduct(value, rowB[j]) }
    }
    if a.columnStride == 1 {
        for i in 0..<m {
            forEachNonzero(a.base + i * a.rowStride, count: k) { p, value in addRow(value, p, to: i) }
        }
    } else {
        // Aᵀ · B with A stored as (k, m): walk the stored rows, Xᵀ·δ of a dense layer.
        for p in 0..<k {
            forEachNonzero(a.base + p * a.columnStride, count: m) { i, value in addRow(value, p, to: i) }
        }
    }
}

/// C = A · B (+ bias) for a shallow product (k ≤ 16: a convolution's im2col rows of 3 × 3
/// patches, a dense layer on 2 inputs): packing would cost more than the product. Each NR-wide
/// piece of a row of C is one fused multiply-add chain over p in order, kept in registers — the
/// same bits as the packed kernel — then gains the bias (the same bits as adding it afterwards)
/// and is stored once. Two rows and two pieces at a time, so that four chains are in flight
/// (one alone waits on each multiply-add's latency). Rows are split into contiguous blocks
/// between the threads.
@_specialize(where S == Float)
@_specialize(where S == Double)
func gemmSmallDepth<S: TensorScalar>(m: Int, n: Int, k: Int, _ a: MatrixView<S>, _ b: MatrixView<S>,
                                     _ c: UnsafeMutablePointer<S>, ldc: Int, bias: UnsafePointer<S>?, threads: Int) {
    typealias V = S.KernelVector
    let width = V.scalarCount
    @inline(__always) func load(_ p: UnsafePointer<S>) -> V { UnsafeRawPointer(p).loadUnaligned(as: V.self) }
    @inline(__always) func store(_ v: V, _ p: UnsafeMutablePointer<S>) { UnsafeMutableRawPointer(p).storeBytes(of: v, as: V.self) }
    let parts = Swift.max(1, Swift.min(threads, m))
    let chunk = (m + parts - 1) / parts
    parallelFor(parts) { part in
        let last = Swift.min(m, (part + 1) * chunk)
        for i in stride(from: part * chunk, to: last, by: 2) {
            // Rows i and i + 1 (the last row twice when the count is odd: the same numbers, stored twice).
            let next = i + 1 < last ? 1 : 0
            let rowA0 = a.base + i &* a.rowStride, rowA1 = rowA0 + next &* a.rowStride
            let rowC0 = c + i &* ldc, rowC1 = rowC0 + next &* ldc
            var j = 0
            while j + 2 * width <= n {
                var c00 = V(), c01 = V(), c10 = V(), c11 = V()
                for p in 0..<k {
                    let rowB = b.base + (p &* b.rowStride &+ j)
                    let b0 = load(rowB), b1 = load(rowB + width)
                    let a0 = V(repeating: rowA0[p]), a1 = V(repeating: rowA1[p])
                    c00.addProduct(a0, b0); c01.addProduct(a0, b1)
                    c10.addProduct(a1, b0); c11.addProduct(a1, b1)
                }
                if let bias {
                    let b0 = load(bias + j), b1 = load(bias + j + width)
                    c00 += b0; c01 += b1; c10 += b0; c11 += b1
                }
                store(c00, rowC0 + j); store(c01, rowC0 + j + width)
                store(c10, rowC1 + j); store(c11, rowC1 + j + width)
                j += 2 * width
            }
            while j + width <= n {
                var c00 = V(), c10 = V()
                for p in 0..<k {
                    let b0 = load(b.base + (p &* b.rowStride &+ j))
                    c00.addProduct(V(repeating: rowA0[p]), b0); c10.addProduct(V(repeating: rowA1[p]), b0)
                }
                if let bias { c00 += load(bias + j); c10 += load(bias + j) }
                store(c00, rowC0 + j); store(c10, rowC1 + j)
                j += width
            }
            while j < n {
                var c00 = S(0), c10 = S(0)
                for p in 0..<k {
                    let b0 = b.base[p &* b.rowStride &+ j]
                    c00.addProduct(rowA0[p], b0); c10.addProduct(rowA1[p], b0)
                }
                rowC0[j] = bias.map { c00 + $0[j] } ?? c00
                rowC1[j] = bias.map { c10 + $0[j] } ?? c10
                j += 1
            }
        }
    }
}

/// C = A · B for a narrow B, at most one kernel vector wide (n ≤ 16 floats): the output layer
/// of a classifier (H · W with 10 columns) and its weight gradient (Hᵀ · δ).
///
/// Packing A for the tiled kernel would copy every element of A for a handful of
/// multiply-adds each, and the tiles would be mostly padding. Instead B is packed once into one
/// zero-padded strip, and each row of C is one vector, its chain of fused multiply-adds
/// reading A where it lies: a group of rows at a time (12 on the AVX-512 path, 6 otherwise),
/// panel by panel (`kc` deep, summed as the packed kernel sums them), so the bits are the tiled
/// kernel's on every path. The groups are split into contiguous blocks between the threads.
@_specialize(where S == Float)
@_specialize(where S == Double)
func gemmNarrow<S: TensorScalar>(m: Int, n: Int, k: Int, _ a: MatrixView<S>, _ b: MatrixView<S>,
                                 _ c: UnsafeMutablePointer<S>, ldc: Int, threads: Int) {
    let width = S.KernelVector.scalarCount
    let kc = balanced(k, panelDepth, multipleOf: 1)
    let packedB: UnsafeMutablePointer<S> = packingBuffer(k * width)
    defer { packedB.deallocate() }
    packB(b, depth: k, columns: n, into: packedB, width: width)
    let path = KernelPath.current
    let groupRows = path == .avx512 ? avx512NarrowRows : microRows
    let groups = (m + groupRows - 1) / groupRows
    let parts = Swift.max(1, Swift.min(threads, groups))
    let chunk = (groups + parts - 1) / parts
    let shared = UnsafeTransfer((a, c, UnsafePointer(packedB)))
    parallelFor(parts) { part in
        let (a, c, packedB) = shared.value
        for group in part * chunk ..< Swift.min(groups, (part + 1) * chunk) {
            let first = group * groupRows, rows = Swift.min(groupRows, m - first)
            for pc in stride(from: 0, to: k, by: kc) {
                let depth = Swift.min(kc, k - pc)
                let aGroup = a.base + first &* a.rowStride + pc &* a.columnStride
                if path == .avx512 {
                    wideNarrowKernel(depth: depth, aGroup, aRowStride: a.rowStride, aColumnStride: a.columnStride, rows: rows,
                                     packedB + pc &* width, c + first &* ldc, ldc: ldc, columns: n, accumulate: pc > 0)
                } else {
                    narrowKernel(depth: depth, aGroup, aRowStride: a.rowStride, aColumnStride: a.columnStride, rows: rows,
                                 packedB + pc &* width, c + first &* ldc, ldc: ldc, columns: n, accumulate: pc > 0)
                }
            }
        }
    }
}

/// C[r, 0 ..< columns] (+)= Σ_p A[r, p] · B[p, 0 ..< columns] for `rows` ≤ 6 rows r (row r of A
/// at `a + r · aRowStride`, its elements `aColumnStride` apart; B packed one vector per p): one
/// fused multiply-add chain over p in order per element, from 0, then C = chain or C + chain.
/// TensorKernels512's `narrowKernel` is the same with twelve rows of single zmm vectors.
@inline(__always)
func narrowKernel<S: TensorScalar>(depth: Int, _ a: UnsafePointer<S>, aRowStride: Int, aColumnStride: Int, rows: Int,
                                   _ packedB: UnsafePointer<S>, _ c: UnsafeMutablePointer<S>, ldc: Int, columns: Int, accumulate: Bool) {
    typealias V = S.KernelVector
    // Rows past `rows` repeat the last one (computed, not stored).
    @inline(__always) func row(_ r: Int) -> UnsafePointer<S> { a + Swift.min(r, rows - 1) &* aRowStride }
    let a0 = row(0), a1 = row(1), a2 = row(2), a3 = row(3), a4 = row(4), a5 = row(5)
    var c0 = V(), c1 = V(), c2 = V(), c3 = V(), c4 = V(), c5 = V()
    var pb = UnsafeRawPointer(packedB)
    var at = 0
    for _ in 0..<depth {
        let bk = pb.load(as: V.self)
        c0.addProduct(V(repeating: a0[at]), bk)
        c1.addProduct(V(repeating: a1[at]), bk)
        c2.addProduct(V(repeating: a2[at]), bk)
        c3.addProduct(V(repeating: a3[at]), bk)
        c4.addProduct(V(repeating: a4[at]), bk)
        c5.addProduct(V(repeating: a5[at]), bk)
        pb += MemoryLayout<V>.stride
        at &+= aColumnStride
    }
    @inline(__always) func store(_ r: Int, _ chain: V) {
        guard r < rows else { return }
        let out = c + r &* ldc
        for j in 0..<columns { out[j] = accumulate ? out[j] + chain[j] : chain[j] }
    }
    store(0, c0); store(1, c1); store(2, c2); store(3, c3); store(4, c4); store(5, c5)
}

/// The narrow AVX-512 kernel (TensorKernels512) for this scalar type.
@inline(__always)
func wideNarrowKernel<S: TensorScalar>(depth: Int, _ a: UnsafePointer<S>, aRowStride: Int, aColumnStride: Int, rows: Int,
                                       _ packedB: UnsafePointer<S>, _ c: UnsafeMutablePointer<S>, ldc: Int, columns: Int, accumulate: Bool) {
    if S.self == Float.self {
        avx512NarrowKernel(depth: depth, UnsafeRawPointer(a).assumingMemoryBound(to: Float.self), aRowStride: aRowStride,
                           aColumnStride: aColumnStride, rows: rows, UnsafeRawPointer(packedB).assumingMemoryBound(to: Float.self),
                           UnsafeMutableRawPointer(c).assumingMemoryBound(to: Float.self), ldc: ldc, columns: columns, accumulate: accumulate)
    } else if S.self == Double.self {
        avx512NarrowKernel(depth: depth, UnsafeRawPointer(a).assumingMemoryBound(to: Double.self), aRowStride: aRowStride,
                           aColumnStride: aColumnStride, rows: rows, UnsafeRawPointer(packedB).assumingMemoryBound(to: Double.self),
                           UnsafeMutableRawPointer(c).assumingMemoryBound(to: Double.self), ldc: ldc, columns: columns, accumulate: accumulate)
    } else {
        preconditionFailure("matmul: no AVX-512 kernel for \(S.self)")
    }
}

/// C = A · B for a matrix A with few rows (at most a few hundred), on `threads` workers.
///
/// The workers first pack all of A, every panel of depth kc: together, each a share of the
/// strips (A is small), or each its own copy (`ownCopies`). Then each takes the next strip of
/// columns of C not yet taken (in `spreadOrder`) and computes it whole: for each panel in
/// order, it packs that part of B into its own buffer (or reads it in place) and runs the
/// micro-kernels for all rows. So the workers meet at most twice per product, not twice per
/// panel, and every element of C is computed by one worker, summing the panels in the same
/// order.
@inline(__always)
func gemmSharedA<S: TensorScalar>(m: Int, n: Int, k: Int, _ a: MatrixView<S>, _ b: MatrixView<S>,
                                  _ c: UnsafeMutablePointer<S>, ldc: Int, threads: Int, path: KernelPath) {
    let mr = path.tileRows, width = path.tileVectors * S.KernelVector.scalarCount
    let kc = balanced(k, panelDepth, multipleOf: 1)
    let panels = (k + kc - 1) / kc
    let strips = (m + mr - 1) / mr
    let inPlace = b.columnStride == 1 && m <= inPlaceBRows
    let order = spreadOrder((n + width - 1) / width, parts: threads)
    // A's rows read where they lie (`readsRowsInPlace`): each worker packs only a partial last
    // strip, for itself, so no worker packs A on the way to C's first strip and none waits.
    //
    // Otherwise on AVX-512 (A transposed: Xᵀ · δ; or B packed), when each worker gets two strips
    // of C or more, each packs all of A into its own buffer before its first strip, instead of the
    // workers packing one copy together: twice the packing, but no meeting between packing and
    // products, and no core reading the rows the other packed (from the other core's cache).
    // Both ways alternated in one process, 2 threads, 1000 products each (A stored by rows, before
    // it was read in place): 128x784x512 best and median 2–5 % more GFLOP/s (6 runs);
    // 128x512x512, 128x784x128, 64x784x256, 100x300x140 and 150x784x512 from 0.5 % slower to
    // 6 % faster (one or two runs each, on a noisy host). With one strip each (128x784x64,
    // 64x5408x40) it was 4–6 % slower, and on the AVX2 path 1–15 % slower on every shape tried
    // (128x784 times 512, 128, 64 and 32 columns): there the workers share one copy.
    let readsRowsOfA = readsRowsInPlace(a, inPlaceB: inPlace, path: path)
    let ownCopies = readsRowsOfA || (path == .avx512 && order.count >= 2 * threads)
    let aCount = strips * mr * k, bCount = kc * width
    let packedA: UnsafeMutablePointer<S> = packingBuffer(ownCopies ? threads * aCount : aCount)
    let packedB: UnsafeMutablePointer<S> = packingBuffer(threads * bCount)
    defer {
        packedA.deallocate()
        packedB.deallocate()
    }
    let shared = UnsafeTransfer((a, b, c, packedA, packedB))
    /// Packs pieces of A (piece = panel · strips + strip of rows) into `packed`: panel p starts
    /// at strips · mr · kc · p (a shorter last panel is packed with its own depth there).
    @inline(__always) func pack<Pieces: Sequence<Int>>(_ pieces: Pieces, into packed: UnsafeMutablePointer<S>) {
        let a = shared.value.0
        for piece in pieces {
            let (panel, strip) = piece.quotientAndRemainder(dividingBy: strips)
            let pc = panel * kc, depth = Swift.min(kc, k - pc)
            packA(a.offset(row: strip * mr, column: pc), rows: Swift.min(mr, m - strip * mr), depth: depth,
                  into: packed + strips * mr * pc + strip * mr * depth, stripRows: mr)
        }
    }
    let pieces = strips * panels
    if !ownCopies {
        let piecesPerWorker = (pieces + threads - 1) / threads
        parallelFor(threads) { worker in
            pack(worker * piecesPerWorker ..< Swift.min(pieces, (worker + 1) * piecesPerWorker), into: shared.value.3)
        }
    }
    func packOwnCopy(_ worker: Int) {
        let own = shared.value.3 + worker * aCount
        if readsRowsOfA {
            // Only a partial last strip, in every panel (piece = panel · strips + strip).
            if m % mr != 0 { pack(stride(from: strips - 1, to: pieces, by: strips), into: own) }
        } else if ownCopies {
            pack(0 ..< pieces, into: own)
        }
    }
    parallelForEachTaken(order.count, threads: threads, start: packOwnCopy) { worker, item in
        let strip = order[item]
        let (_, b, c, packedA, packedB) = shared.value
        let ownA = ownCopies ? packedA + worker * aCount : packedA
        let ownB = packedB + worker * bCount
        let jc = strip * width, columns = Swift.min(width, n - jc)
        for pc in stride(from: 0, to: k, by: kc) {
            let depth = Swift.min(kc, k - pc)
            let panel: PanelB<S>
            if inPlace {
                panel = inPlacePanel(b, pc: pc, jc: jc, depth: depth, columns: columns, width: width, edge: ownB)
            } else {
                packB(b.offset(row: pc, column: jc), depth: depth, columns: columns, into: ownB, width: width)
                panel = .packed(ownB, depth: depth, width: width)
            }
            // Read in place, a whole strip is copied into ownB as the first tile reads it (a
            // partial one was packed there by inPlacePanel).
            let blockA = BlockOfA(packed: ownA + strips * mr * pc, rows: readsRowsOfA ? shared.value.0.offset(row: 0, column: pc) : nil)
            multiplyPacked(rows: m, columns: columns, depth: depth, blockA, panel, c + jc, ldc: ldc,
                           accumulate: pc > 0, path: path, stripCopy: inPlace ? ownB : nil)
        }
    }
}

/// `0 ..< count` in the order the workers take C's strips: 0, q, 2q, …, 1, q + 1, 2q + 1, …
/// (q = ⌈count / parts⌉), so that the strips computed at the same time lie far apart and each
/// worker mostly takes a run of neighbours. Two neighbouring strips share a cache line in every
/// row of C when C's rows do not start on a 64-byte boundary (a tensor's storage is 16-byte
/// aligned); computed side by side, as in the order 0, 1, 2, …, the two cores write that line in
/// turn and each write waits for the other core's copy. Measured on the AVX-512 Xeon, both
/// orders alternated in one process (128x784x512, 2 threads, 1000 products each, 3 runs): this
/// order 7–9 % faster at the median.
func spreadOrder(_ count: Int, parts: Int) -> [Int] {
    let q = (count + parts - 1) / Swift.max(1, parts)
    var order: [Int] = []
    order.reserveCapacity(count)
    for j in 0..<q {
        for r in 0..<parts where r * q + j < count { order.append(r * q + j) }
    }
    return order
}

// MARK: - Public API

/// The matrix product A · B: C[i, j] = Σ_k A[i, k] · B[k, j].
///
/// - `a` is (m, k) and `b` is (k, n), giving (m, n). With `transposeA`, `a` is stored as
///   (k, m) and Aᵀ is used; with `transposeB`, `b` is stored as (n, k). No transposed copy
///   is made: backprop's Xᵀ·δ and δ·Wᵀ run at full speed.
/// - A vector (rank 1) on the left is a row, on the right a column (numpy's `matmul`).
/// - Rank 3 is a batch of matrices: (batch, m, k) · (batch, k, n) or (batch, m, k) · (k, n).
/// - `threads` defaults to `Parallelism.threads`; the result does not depend on it.
///
/// Shapes that do not line up stop the program with a message naming both shapes.
public func matmul<S>(_ a: Tensor<S>, _ b: Tensor<S>, transposeA: Bool = false, transposeB: Bool = false,
                      threads: Int = Parallelism.threads) -> Tensor<S> {
    checked("matmul") { () throws(ShapeError) in
        try matmulChecked(a, b, transposeA: transposeA, transposeB: transposeB, threads: threads)
    }
}

/// A · B + bias, the bias (a vector of one number per column of the result) added to every
/// row: a layer's S = X·W + b. The same numbers as `matmul(a, b) + bias`, in one pass over the
/// result instead of two (for a convolution's shallow product, while each row is in registers).
public func matmul<S>(_ a: Tensor<S>, _ b: Tensor<S>, plus bias: Tensor<S>, transposeA: Bool = false, transposeB: Bool = false,
                      threads: Int = Parallelism.threads) -> Tensor<S> {
    checked("matmul") { () throws(ShapeError) in
        try matmulChecked(a, b, plus: bias, transposeA: transposeA, transposeB: transposeB, threads: threads)
    }
}

/// The vector dot product Σ_i a_i b_i of two vectors of the same length.
public func dot<S>(_ a: Tensor<S>, _ b: Tensor<S>) -> S {
    ensure(a.rank == 1 && b.rank == 1 && a.count == b.count,
                 "dot: needs two vectors of the same length, got shapes \(Shape.describe(a.shape)) and \(Shape.describe(b.shape))")
    return matmul(a, b).scalar
}

extension Tensor {
    /// The matrix product `self · other`; see `matmul(_:_:transposeA:transposeB:threads:)`.
    public func matmul(_ other: Tensor) -> Tensor { Tensors.matmul(self, other) }
}

/// `matmul`, throwing instead of stopping when the shapes do not line up.
public func matmulChecked<S>(_ a: Tensor<S>, _ b: Tensor<S>, plus bias: Tensor<S>? = nil, transposeA: Bool = false,
                             transposeB: Bool = false, threads: Int = Parallelism.threads) throws(ShapeError) -> Tensor<S> {
    var shapes: String {
        "\(Shape.describe(a.shape))\(transposeA ? "ᵀ" : "") · \(Shape.describe(b.shape))\(transposeB ? "ᵀ" : "")"
            + (bias.map { " + \(Shape.describe($0.shape))" } ?? "")
    }
    guard (1...3).contains(a.rank) && (1...3).contains(b.rank) && !(a.rank == 3 && transposeA) && !(b.rank == 3 && transposeB) else {
        throw ShapeError("matmul \(shapes): needs vectors, matrices or untransposed batches of matrices (rank 1 to 3)")
    }
    // View each operand as a matrix (or a batch of matrices).
    let batch = Swift.max(a.rank == 3 ? a.shape[0] : 1, b.rank == 3 ? b.shape[0] : 1)
    if a.rank == 3 && b.rank == 3 && a.shape[0] != b.shape[0] {
        throw ShapeError("matmul \(shapes): the batch sizes \(a.shape[0]) and \(b.shape[0]) differ")
    }
    let aMatrix: (Int, Int) = a.rank == 1 ? (1, a.shape[0]) : (a.shape[a.rank - 2], a.shape[a.rank - 1])
    let bMatrix: (Int, Int) = b.rank == 1 ? (b.shape[0], 1) : (b.shape[b.rank - 2], b.shape[b.rank - 1])
    let (m, ka) = transposeA && a.rank == 2 ? (aMatrix.1, aMatrix.0) : aMatrix
    let (kb, n) = transposeB && b.rank == 2 ? (bMatrix.1, bMatrix.0) : bMatrix
    guard ka == kb else {
        throw ShapeError("matmul \(shapes): the inner dimensions differ (\(ka) columns on the left, \(kb) rows on the right)")
    }
    var shape: [Int] = a.rank == 3 || b.rank == 3 ? [batch] : []
    if a.rank != 1 { shape.append(m) }
    if b.rank != 1 { shape.append(n) }
    if let bias, bias.shape != [n] {
        throw ShapeError("matmul \(shapes): the bias must be a vector of \(n) numbers, one per column of the product")
    }
    let k = ka
    let threads = Swift.max(1, threads)
    return gemmTensors(a, b, bias: bias, batch: batch, m: m, n: n, k: k,
                       transposeA: transposeA && a.rank == 2, transposeB: transposeB && b.rank == 2,
                       batchedA: a.rank == 3, batchedB: b.rank == 3, shape: shape, threads: threads)
}

@_specialize(where S == Float)
@_specialize(where S == Double)
func gemmTensors<S: TensorScalar>(_ a: Tensor<S>, _ b: Tensor<S>, bias: Tensor<S>?, batch: Int, m: Int, n: Int, k: Int,
                                  transposeA: Bool, transposeB: Bool, batchedA: Bool, batchedB: Bool,
                                  shape: [Int], threads: Int) -> Tensor<S> {
    let bias = bias ?? Tensor<S>.zeros([0])   // empty: no bias
    return Tensor(shape: shape) { out in
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                bias.withUnsafeBufferPointer { pbias in
                    guard let c = out.baseAddress else { return }
                    guard let baseA = pa.baseAddress, let baseB = pb.baseAddress else {
                        // k == 0: empty sums, plus the bias.
                        for i in 0..<out.count { out[i] = pbias.isEmpty ? 0 : pbias[i % n] }
                        return
                    }
                    for item in 0..<batch {
                        let viewA = MatrixView(base: baseA + (batchedA ? item * m * k : 0),
                                               rowStride: transposeA ? 1 : k, columnStride: transposeA ? m : 1)
                        let viewB = MatrixView(base: baseB + (batchedB ? item * k * n : 0),
                                               rowStride: transposeB ? 1 : n, columnStride: transposeB ? k : 1)
                        gemm(m: m, n: n, k: k, viewA, viewB, c + item * m * n, ldc: n,
                             bias: pbias.isEmpty ? nil : UnsafePointer(pbias.baseAddress), threads: threads)
                    }
                }
            }
        }
    }
}
