// Changing how the same numbers are arranged: reshape, transpose, slicing rows for
// mini-batches, gathering rows for shuffling, concatenation.

extension Tensor {
    /// The same elements with a new shape of the same size; one dimension may be `-1`
    /// (inferred). No copy is made. `x.reshaped([2, 3])`, `images.reshaped([-1, 784])`.
    ///
    /// A different element count stops with a message naming both shapes; use
    /// `Shape.reshape(_:to:)` to check first.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        let resolved = checked("reshaped") { () throws(ShapeError) in try Shape.reshape(shape, to: newShape) }
        var result = self
        result.setShape(resolved)
        return result
    }

    /// The elements as a vector of shape `[count]`.
    public func flattened() -> Tensor { reshaped([count]) }

    /// The transpose of a matrix: rows become columns, (m, n) → (n, m), Aᵀ[j, i] = A[i, j].
    /// For other ranks, reverses the order of all axes (numpy's `.T`).
    public func transposed() -> Tensor {
        rank == 2 ? transpose2D(self) : permuted(Array((0..<rank).reversed()))
    }

    /// The axes reordered: axis `i` of the result is axis `axes[i]` of `self`.
    /// `images.permuted([0, 2, 3, 1])` turns (N, C, H, W) into (N, H, W, C).
    public func permuted(_ axes: [Int]) -> Tensor {
        ensure(axes.sorted() == Array(0..<rank),
                     "permuted(\(axes)): needs each axis of a rank-\(rank) tensor \(Shape.describe(shape)) exactly once")
        return permute(self, axes)
    }

    /// Rows `range` (indices along the first axis) as a tensor, sharing this tensor's storage
    /// (no copy): the mini-batch `x.rows(128 ..< 256)`.
    public func rows(_ range: Range<Int>) -> Tensor {
        ensure(rank >= 1 && range.lowerBound >= 0 && range.upperBound <= shape[0],
                     "rows(\(range.lowerBound)..<\(range.upperBound)) is out of range for shape \(Shape.describe(shape))")
        let rowSize = rank >= 1 ? count / Swift.max(shape[0], 1) : 0
        var newShape = shape
        newShape[0] = range.count
        return Tensor(uncheckedShape: newShape, storage: storage, offset: offset + range.lowerBound * rowSize)
    }

    /// Row `i` (index along the first axis), one rank lower, sharing storage.
    public func row(_ i: Int) -> Tensor {
        ensure(rank >= 1 && i >= 0 && i < shape[0],
                     "row(\(i)) is out of range for shape \(Shape.describe(shape))")
        let slice = rows(i ..< i + 1)
        return Tensor(uncheckedShape: Array(shape.dropFirst()), storage: slice.storage, offset: slice.offset)
    }

    /// The rows at `indices`, in that order, copied into a new tensor: shuffling a dataset
    /// is `x.rows(at: rng.permutation(n))`; a mini-batch of a shuffled epoch is
    /// `x.rows(at: order[start ..< end])`.
    public func rows<Indices: Collection>(at indices: Indices) -> Tensor where Indices.Element == Int {
        gatherRows(self, Array(indices))
    }

    /// Columns `range` of a matrix, copied: `x.columns(0 ..< 784)`.
    public func columns(_ range: Range<Int>) -> Tensor {
        ensure(rank == 2 && range.lowerBound >= 0 && range.upperBound <= shape[1],
                     "columns(\(range.lowerBound)..<\(range.upperBound)) is out of range for shape \(Shape.describe(shape))")
        return Tensor.concatenate([self], axis: 1, columnRange: range)
    }

    /// Tensors joined along an existing axis; all other dimensions must agree. The lecture's
    /// generalization experiment appends 784 noise columns to MNIST:
    /// `Tensor.concatenate([images, noise], axis: 1)` gives (60000, 1568).
    public static func concatenate(_ tensors: [Tensor], axis: Int) -> Tensor {
        checked("concatenate") { () throws(ShapeError) in try concatenateChecked(tensors, axis: axis) }
    }

    /// `concatenate`, throwing instead of stopping when the shapes do not fit.
    public static func concatenateChecked(_ tensors: [Tensor], axis: Int) throws(ShapeError) -> Tensor {
        guard let first = tensors.first else { throw ShapeError("concatenate needs at least one tensor") }
        let axis = try Shape.normalize(axis: axis, rank: first.rank)
        for t in tensors where t.rank != first.rank
            || t.shape.enumerated().contains(where: { $0.offset != axis && $0.element != first.shape[$0.offset] }) {
            throw ShapeError("cannot concatenate \(Shape.describe(first.shape)) and \(Shape.describe(t.shape)) "
                + "along axis \(axis): all other dimensions must be equal")
        }
        return concatenate(tensors, axis: axis, columnRange: nil)
    }

    /// Joins along `axis` (already checked); with `columnRange`, copies only that part of
    /// the axis of the single input (column slicing).
    private static func concatenate(_ tensors: [Tensor], axis: Int, columnRange: Range<Int>?) -> Tensor {
        let outer = tensors[0].shape[..<axis].reduce(1, *)
        let inner = tensors[0].shape[(axis + 1)...].reduce(1, *)
        let total = columnRange?.count ?? tensors.reduce(0) { $0 + $1.shape[axis] }
        var shape = tensors[0].shape
        shape[axis] = total
        return Tensor(shape: shape) { out in
            var column = 0
            for t in tensors {
                let range = columnRange ?? 0 ..< t.shape[axis]
                let runLength = range.count * inner, sourceStride = t.shape[axis] * inner
                t.withUnsafeBufferPointer { source in
                    guard let base = source.baseAddress, let destination = out.baseAddress else { return }
                    for o in 0..<outer {
                        (destination + o * total * inner + column * inner)
                            .update(from: base + o * sourceStride + range.lowerBound * inner, count: runLength)
                    }
                }
                column += range.count
            }
        }
    }
}

@_specialize(where S == Float)
@_specialize(where S == Double)
func gatherRows<S: TensorScalar>(_ x: Tensor<S>, _ indices: [Int]) -> Tensor<S> {
    ensure(x.rank >= 1, "rows(at:) needs a tensor of rank 1 or more")
    let rowCount = x.shape[0]
    let rowSize = rowCount == 0 ? 0 : x.count / rowCount
    var shape = x.shape
    shape[0] = indices.count
    for index in indices {
        ensure(index >= 0 && index < rowCount,
               "rows(at:): index \(index) is out of range for shape \(Shape.describe(x.shape))")
    }
    return Tensor(shape: shape) { out in
        x.withUnsafeBufferPointer { source in
            guard let base = source.baseAddress, let destination = out.baseAddress else { return }
            // A mini-batch's rows lie anywhere in the data set, so the copy waits on memory; the
            // threads take a share of the rows each (perf, 2-thread MNIST epoch: the copy, most
            // of memmove, was 1.9 % of the samples, all on the main thread; split, 1.0 % on each).
            splitWork(indices.count, elementsPerItem: rowSize) { positions in
                for position in positions {
                    (destination + position * rowSize).update(from: base + indices[position] * rowSize, count: rowSize)
                }
            }
        }
    }
}

@_specialize(where S == Float)
@_specialize(where S == Double)
func transpose2D<S: TensorScalar>(_ x: Tensor<S>) -> Tensor<S> {
    let rows = x.shape[0], columns = x.shape[1]
    let tile = 32
    return Tensor(shape: [columns, rows]) { out in
        x.withUnsafeBufferPointer { source in
            // Tiles of 32 × 32 keep both the reads and the writes in cache.
            for i0 in stride(from: 0, to: rows, by: tile) {
                for j0 in stride(from: 0, to: columns, by: tile) {
                    for i in i0 ..< Swift.min(i0 + tile, rows) {
                        for j in j0 ..< Swift.min(j0 + tile, columns) {
                            out[j * rows + i] = source[i * columns + j]
                        }
                    }
                }
            }
        }
    }
}

@_specialize(where S == Float)
@_specialize(where S == Double)
func permute<S: TensorScalar>(_ x: Tensor<S>, _ axes: [Int]) -> Tensor<S> {
    let shape = axes.map { x.shape[$0] }
    let sourceStrides = Shape.strides(x.shape)
    let strides = axes.map { sourceStrides[$0] }   // step in the source per step along each result axis
    return Tensor(shape: shape) { out in
        x.withUnsafeBufferPointer { source in
            var counter = [Int](repeating: 0, count: shape.count)
            var position = 0
            for i in 0..<out.count {
                out[i] = source[position]
                var axis = shape.count - 1
                while axis >= 0 {
                    counter[axis] += 1
                    position += strides[axis]
                    if counter[axis] < shape[axis] { break }
                    position -= strides[axis] * shape[axis]
                    counter[axis] = 0
                    axis -= 1
                }
            }
        }
    }
}
