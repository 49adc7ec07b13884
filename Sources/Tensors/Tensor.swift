/// An n-dimensional array of numbers: the one data type every lesson computes with.
///
/// A tensor is a flat list of `scalars` in row-major (C) order plus a `shape`, the size of
/// each dimension, outermost first. A batch of 128 MNIST images is a tensor of shape
/// `[128, 784]` (samples × features); the weights of a dense layer from 784 inputs to 512
/// units have shape `[784, 512]`. The rank is the number of dimensions: a scalar has rank 0,
/// a vector rank 1, a matrix rank 2.
///
/// `Tensor` is a value type: assigning it copies (lazily, on the first write), so a layer
/// can keep its input for the backward pass without fear that someone changes it.
///
///     let x = Tensor<Float>(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
///     x.shape        // [2, 3]
///     x[1, 2]        // 6.0
///
/// `Scalar` is `Float` (the working precision) or `Double` (for gradient checks).
public struct Tensor<Scalar: TensorScalar>: Sendable {
    /// The size of each dimension, outermost first.
    public private(set) var shape: [Int]
    /// The number of elements: the product of `shape` (1 for a scalar tensor).
    public private(set) var count: Int
    /// Backing elements. This tensor's elements are `storage[offset ..< offset + count]`,
    /// so a block of rows (a mini-batch) can share its parent's storage without a copy.
    @usableFromInline internal var storage: [Scalar]
    @usableFromInline internal var offset: Int

    /// Creates a tensor from its shape and its elements in row-major order.
    ///
    /// - Precondition: `scalars.count` is the product of `shape`; no dimension is negative.
    public init(shape: [Int], scalars: [Scalar]) {
        let count = Shape.elementCount(shape)
        ensure(scalars.count == count,
                     "Tensor(shape: \(Shape.describe(shape)), scalars:) needs \(count) scalars, got \(scalars.count)")
        self.init(uncheckedShape: shape, storage: scalars, offset: 0)
    }

    /// Creates a tensor whose elements are all `value`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public init(shape: [Int], repeating value: Scalar) {
        self.init(shape: shape) { $0.initialize(repeating: value) }
    }

    /// Creates a rank-1 tensor (a vector) from its elements.
    public init(_ scalars: [Scalar]) {
        self.init(uncheckedShape: [scalars.count], storage: scalars, offset: 0)
    }

    /// Creates a rank-2 tensor (a matrix) from its rows.
    ///
    /// - Precondition: all rows have the same length.
    public init(_ rows: [[Scalar]]) {
        let columns = rows.first?.count ?? 0
        for (i, row) in rows.enumerated() {
            ensure(row.count == columns,
                         "Tensor(rows): row \(i) has \(row.count) elements, row 0 has \(columns)")
        }
        self.init(uncheckedShape: [rows.count, columns], storage: rows.flatMap { $0 }, offset: 0)
    }

    /// Creates a rank-0 tensor holding one number.
    public init(_ scalar: Scalar) {
        self.init(uncheckedShape: [], storage: [scalar], offset: 0)
    }

    /// Creates a tensor whose element at flat (row-major) index `i` is `element(i)`.
    public init(shape: [Int], element: (Int) throws -> Scalar) rethrows {
        let count = Shape.elementCount(shape)
        var scalars = [Scalar]()
        scalars.reserveCapacity(count)
        for i in 0..<count { scalars.append(try element(i)) }
        self.init(uncheckedShape: shape, storage: scalars, offset: 0)
    }

    /// Converts a tensor of another precision (`Float` ↔ `Double`), rounding to nearest.
    public init<Other: TensorScalar>(_ other: Tensor<Other>) {
        self = convertPrecision(other)
    }

    /// Creates a tensor of the given shape whose elements `initialize` writes, every one of
    /// them, in row-major order (for readers that fill a large tensor in one pass; the
    /// memory starts uninitialized).
    public init(shape: [Int], unsafeUninitialized initialize: (UnsafeMutableBufferPointer<Scalar>) -> Void) {
        let count = Shape.elementCount(shape)
        tuneAllocator
        let storage = [Scalar](unsafeUninitializedCapacity: count) { buffer, initialized in
            adviseHugePages(UnsafeMutableRawBufferPointer(buffer))
            initialize(buffer)
            initialized = count
        }
        self.init(uncheckedShape: shape, storage: storage, offset: 0)
    }

    @usableFromInline
    internal init(uncheckedShape shape: [Int], storage: [Scalar], offset: Int) {
        self.shape = shape
        self.count = Shape.elementCount(shape)
        self.storage = storage
        self.offset = offset
    }
}

// MARK: - Reading and writing elements

extension Tensor {
    /// The number of dimensions: 0 for a scalar, 1 for a vector, 2 for a matrix, …
    public var rank: Int { shape.count }

    /// The elements in row-major order.
    public var scalars: [Scalar] {
        if offset == 0 && storage.count == count { return storage }
        return Array(storage[offset ..< offset + count])
    }

    /// The only element of a tensor with one element (a loss, a sum).
    ///
    /// - Precondition: `count == 1`.
    public var scalar: Scalar {
        ensure(count == 1, "Tensor.scalar needs exactly one element, shape is \(Shape.describe(shape))")
        return storage[offset]
    }

    /// How many elements to skip to move one step along each dimension (row-major).
    public var strides: [Int] { Shape.strides(shape) }

    /// The element at one position in a rank-1 tensor.
    public subscript(_ i: Int) -> Scalar {
        get { storage[offset + flatIndex(i)] }
        set { let index = flatIndex(i); mutateInPlace { $0[index] = newValue } }
    }

    /// The element at row `i`, column `j` of a matrix.
    public subscript(_ i: Int, _ j: Int) -> Scalar {
        get { storage[offset + flatIndex(i, j)] }
        set { let index = flatIndex(i, j); mutateInPlace { $0[index] = newValue } }
    }

    /// The element at position [i, j, k] of a rank-3 tensor.
    public subscript(_ i: Int, _ j: Int, _ k: Int) -> Scalar {
        get { storage[offset + flatIndex([i, j, k])] }
        set { let index = flatIndex([i, j, k]); mutateInPlace { $0[index] = newValue } }
    }

    /// The element at position [i, j, k, l] of a rank-4 tensor.
    public subscript(_ i: Int, _ j: Int, _ k: Int, _ l: Int) -> Scalar {
        get { storage[offset + flatIndex([i, j, k, l])] }
        set { let index = flatIndex([i, j, k, l]); mutateInPlace { $0[index] = newValue } }
    }

    /// The element at a position given by one index per dimension.
    public subscript(at indices: [Int]) -> Scalar {
        get { storage[offset + flatIndex(indices)] }
        set { let index = flatIndex(indices); mutateInPlace { $0[index] = newValue } }
    }

    @inline(__always)
    private func flatIndex(_ i: Int) -> Int {
        ensure(rank == 1, "one index given for a tensor of shape \(Shape.describe(shape))")
        ensure(i >= 0 && i < shape[0], "index \(i) is out of range for shape \(Shape.describe(shape))")
        return i
    }

    @inline(__always)
    private func flatIndex(_ i: Int, _ j: Int) -> Int {
        ensure(rank == 2, "two indices given for a tensor of shape \(Shape.describe(shape))")
        ensure(i >= 0 && i < shape[0] && j >= 0 && j < shape[1],
                     "index [\(i), \(j)] is out of range for shape \(Shape.describe(shape))")
        return i * shape[1] + j
    }

    private func flatIndex(_ indices: [Int]) -> Int {
        ensure(indices.count == rank,
                     "\(indices.count) indices given for a tensor of shape \(Shape.describe(shape))")
        var index = 0
        for (axis, i) in indices.enumerated() {
            ensure(i >= 0 && i < shape[axis],
                         "index \(indices) is out of range for shape \(Shape.describe(shape))")
            index = index * shape[axis] + i
        }
        return index
    }

    /// Calls `body` with the elements, contiguous and in row-major order, without copying.
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Scalar>) throws -> R) rethrows -> R {
        try storage.withUnsafeBufferPointer { all in
            try body(UnsafeBufferPointer(rebasing: all[offset ..< offset + count]))
        }
    }

    /// Calls `body` with mutable access to the elements (copying first if the storage is shared).
    public mutating func withUnsafeMutableBufferPointer<R>(
        _ body: (UnsafeMutableBufferPointer<Scalar>) throws -> R
    ) rethrows -> R {
        try mutateInPlace(body)
    }

    @inline(__always)
    private mutating func mutateInPlace<R>(_ body: (UnsafeMutableBufferPointer<Scalar>) throws -> R) rethrows -> R {
        if offset != 0 || storage.count != count {
            // A view into a larger buffer: take our own compact copy before writing.
            storage = Array(storage[offset ..< offset + count])
            offset = 0
        }
        return try storage.withUnsafeMutableBufferPointer { try body($0) }
    }

    /// Changes the shape in place to one with the same number of elements (no copy).
    @usableFromInline
    internal mutating func setShape(_ newShape: [Int]) {
        ensure(Shape.elementCount(newShape) == count, "cannot reshape \(Shape.describe(shape)) (\(count) elements) to \(Shape.describe(newShape))")
        shape = newShape
    }
}

// MARK: - Equality

extension Tensor: Equatable {
    /// Two tensors are equal when they have the same shape and exactly the same elements.
    /// (NaN is not equal to itself, as for numbers.) Use `isClose(to:tolerance:)` for
    /// comparisons after arithmetic.
    public static func == (lhs: Tensor, rhs: Tensor) -> Bool {
        lhs.shape == rhs.shape && lhs.withUnsafeBufferPointer { a in
            rhs.withUnsafeBufferPointer { b in a.elementsEqual(b) }
        }
    }

    /// The largest absolute difference between the elements of two tensors of the same shape.
    public func maxAbsoluteDifference(_ other: Tensor) -> Scalar {
        ensure(shape == other.shape,
                     "maxAbsoluteDifference: shapes \(Shape.describe(shape)) and \(Shape.describe(other.shape)) differ")
        return withUnsafeBufferPointer { a in
            other.withUnsafeBufferPointer { b in
                var worst: Scalar = 0
                for i in 0..<a.count {
                    let d = (a[i] - b[i]).magnitude
                    if d > worst || d.isNaN { worst = d }
                }
                return worst
            }
        }
    }

    /// True when the shapes match and every element differs by at most
    /// `absolute + relative * |other|` (numpy's `allclose`).
    public func isClose(to other: Tensor, absolute: Scalar = 1e-5, relative: Scalar = 1e-5) -> Bool {
        guard shape == other.shape else { return false }
        return withUnsafeBufferPointer { a in
            other.withUnsafeBufferPointer { b in
                for i in 0..<a.count where !Tensors.isClose(a[i], b[i], absolute: absolute, relative: relative) {
                    return false
                }
                return true
            }
        }
    }
}

@_specialize(where From == Float, To == Double)
@_specialize(where From == Double, To == Float)
@_specialize(where From == Float, To == Float)
@_specialize(where From == Double, To == Double)
func convertPrecision<From: TensorScalar, To: TensorScalar>(_ x: Tensor<From>) -> Tensor<To> {
    Tensor<To>(shape: x.shape) { out in
        x.withUnsafeBufferPointer { src in
            for i in 0..<src.count { out[i] = To(src[i]) }
        }
    }
}

/// The one closeness rule of the project (numpy's `isclose`): |got − expected| ≤ absolute +
/// relative · |expected|. False when either is NaN. Tensors, the tests and the graders all use it.
@inlinable
public func isClose<T: FloatingPoint>(_ got: T, _ expected: T, absolute: T, relative: T) -> Bool {
    (got - expected).magnitude <= absolute + relative * expected.magnitude
}
