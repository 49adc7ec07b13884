// Reductions: sum, mean, max, min, argmax and variance, over all elements or along one axis.
//
// A reduction along `axis` views the tensor as (outer, n, inner), where n is the size of the
// axis, and combines the n slices of size `inner` into one. Along axis 0 of a (batch,
// features) matrix, that is the row-by-row sum of a bias gradient: Σ_n δ_j for every j.

/// What a reduction combines.
enum ReductionOperation: Sendable {
    case sum, maximum, minimum
}

@inline(__always)
func combine<S: TensorScalar>(_ op: ReductionOperation, _ x: S, _ y: S) -> S {
    switch op {
    case .sum: x + y
    case .maximum: x.isNaN || x > y ? x : y
    case .minimum: x.isNaN || x < y ? x : y
    }
}

@inline(__always)
func reduceLoop<S: TensorScalar>(_ x: UnsafeBufferPointer<S>, _ out: UnsafeMutableBufferPointer<S>,
                                 outer: Int, n: Int, inner: Int, _ op: (S, S) -> S) {
    guard let source = x.baseAddress, let destination = out.baseAddress else { return }
    for o in 0..<outer {
        let result = destination + o * inner
        let block = source + o * n * inner
        if inner == 1 {
            result[0] = reduceRun(block, n, op)
        } else {
            result.update(from: block, count: inner)
            for j in 1..<Swift.max(n, 1) {
                let slice = block + j * inner
                for i in 0..<inner { result[i] = op(result[i], slice[i]) }
            }
        }
    }
}

/// Combines a contiguous run of n ≥ 1 elements with eight interleaved partial results
/// (combined at the end in a fixed order, so the result is reproducible).
@inline(__always)
func reduceRun<S: TensorScalar>(_ block: UnsafePointer<S>, _ n: Int, _ op: (S, S) -> S) -> S {
    guard n >= 16 else {
        var total = block[0]
        for i in 1..<Swift.max(n, 1) { total = op(total, block[i]) }
        return total
    }
    var partial = (block[0], block[1], block[2], block[3], block[4], block[5], block[6], block[7])
    var i = 8
    while i + 8 <= n {
        partial.0 = op(partial.0, block[i]); partial.1 = op(partial.1, block[i + 1])
        partial.2 = op(partial.2, block[i + 2]); partial.3 = op(partial.3, block[i + 3])
        partial.4 = op(partial.4, block[i + 4]); partial.5 = op(partial.5, block[i + 5])
        partial.6 = op(partial.6, block[i + 6]); partial.7 = op(partial.7, block[i + 7])
        i += 8
    }
    var total = op(op(op(partial.0, partial.1), op(partial.2, partial.3)),
                   op(op(partial.4, partial.5), op(partial.6, partial.7)))
    while i < n { total = op(total, block[i]); i += 1 }
    return total
}

/// The sum of a contiguous run, in two 64-byte SIMD accumulators (memory-bound speed).
@inline(__always)
func sumRun<S: TensorScalar>(_ block: UnsafePointer<S>, _ n: Int) -> S {
    typealias V = S.KernelVector
    let width = V.scalarCount
    var first = V(), second = V()
    var i = 0
    let raw = UnsafeRawPointer(block)
    while i + 2 * width <= n {
        first += raw.loadUnaligned(fromByteOffset: i * MemoryLayout<S>.stride, as: V.self)
        second += raw.loadUnaligned(fromByteOffset: (i + width) * MemoryLayout<S>.stride, as: V.self)
        i += 2 * width
    }
    var total = (first + second).sum()
    while i < n { total += block[i]; i += 1 }
    return total
}

@_specialize(where S == Float)
@_specialize(where S == Double)
func reduce<S: TensorScalar>(_ op: ReductionOperation, _ x: Tensor<S>, axis: Int?, keepingDimensions: Bool) -> Tensor<S> {
    let (outer, n, inner, shape) = reductionGeometry(x.shape, axis: axis, keepingDimensions: keepingDimensions)
    ensure(n > 0 || op == .sum, "max/min of an empty axis is undefined (shape \(Shape.describe(x.shape)))")
    if n == 0 { return Tensor.zeros(shape) }
    return Tensor(shape: shape) { out in
        x.withUnsafeBufferPointer { source in
            switch op {
            case .sum where inner == 1:
                guard let base = source.baseAddress else { return }
                for o in 0..<outer { out[o] = sumRun(base + o * n, n) }
            case .sum: reduceLoop(source, out, outer: outer, n: n, inner: inner) { $0 + $1 }
            case .maximum: reduceLoop(source, out, outer: outer, n: n, inner: inner) { combine(.maximum, $0, $1) }
            case .minimum: reduceLoop(source, out, outer: outer, n: n, inner: inner) { combine(.minimum, $0, $1) }
            }
        }
    }
}

/// (outer, n, inner) and the result shape of a reduction over `axis` (nil: all elements).
func reductionGeometry(_ shape: [Int], axis: Int?, keepingDimensions: Bool) -> (Int, Int, Int, [Int]) {
    guard let axis else {
        return (1, Shape.elementCount(shape), 1, keepingDimensions ? shape.map { _ in 1 } : [])
    }
    let a = checked("reduction") { () throws(ShapeError) in try Shape.normalize(axis: axis, rank: shape.count) }
    var result = shape
    if keepingDimensions { result[a] = 1 } else { result.remove(at: a) }
    return (shape[..<a].reduce(1, *), shape[a], shape[(a + 1)...].reduce(1, *), result)
}

@_specialize(where S == Float)
@_specialize(where S == Double)
func argmaxAlong<S: TensorScalar>(_ x: Tensor<S>, axis: Int?) -> [Int] {
    let (outer, n, inner, _) = reductionGeometry(x.shape, axis: axis, keepingDimensions: false)
    ensure(n > 0, "argmax of an empty axis is undefined (shape \(Shape.describe(x.shape)))")
    return x.withUnsafeBufferPointer { source in
        var result = [Int](repeating: 0, count: outer * inner)
        for o in 0..<outer {
            for i in 0..<inner {
                var best = source[o * n * inner + i], bestIndex = 0
                for j in 1..<Swift.max(n, 1) {
                    let value = source[(o * n + j) * inner + i]
                    if value > best || (value.isNaN && !best.isNaN) { best = value; bestIndex = j }
                }
                result[o * inner + i] = bestIndex
            }
        }
        return result
    }
}

extension Tensor {
    /// The sum of all elements.
    public func sum() -> Scalar { reduce(.sum, self, axis: nil, keepingDimensions: false).scalar }

    /// Sums along `axis` (negative counts from the end), removing it or keeping it as size 1:
    /// for a (batch, units) matrix, `delta.sum(axis: 0)` is Σ_n δ_j, shape (units,).
    public func sum(axis: Int, keepingDimensions: Bool = false) -> Tensor {
        reduce(.sum, self, axis: axis, keepingDimensions: keepingDimensions)
    }

    /// The mean of all elements.
    public func mean() -> Scalar { sum() / Scalar(count) }

    /// Means along `axis`.
    public func mean(axis: Int, keepingDimensions: Bool = false) -> Tensor {
        let n = shape[checked("mean") { () throws(ShapeError) in try Shape.normalize(axis: axis, rank: rank) }]
        return sum(axis: axis, keepingDimensions: keepingDimensions) / Scalar(n)
    }

    /// The largest element (NaN if any element is NaN).
    public func max() -> Scalar { reduce(.maximum, self, axis: nil, keepingDimensions: false).scalar }

    /// The largest elements along `axis`.
    public func max(axis: Int, keepingDimensions: Bool = false) -> Tensor {
        reduce(.maximum, self, axis: axis, keepingDimensions: keepingDimensions)
    }

    /// The smallest element (NaN if any element is NaN).
    public func min() -> Scalar { reduce(.minimum, self, axis: nil, keepingDimensions: false).scalar }

    /// The smallest elements along `axis`.
    public func min(axis: Int, keepingDimensions: Bool = false) -> Tensor {
        reduce(.minimum, self, axis: axis, keepingDimensions: keepingDimensions)
    }

    /// The flat (row-major) index of the largest element; the first one on ties.
    public func argmax() -> Int { argmaxAlong(self, axis: nil)[0] }

    /// The index of the largest element along `axis` for every position of the other axes,
    /// in row-major order: for (samples, classes) probabilities, `argmax(axis: 1)` is the
    /// predicted class of each sample.
    public func argmax(axis: Int) -> [Int] { argmaxAlong(self, axis: axis) }

    /// The population variance of all elements: mean of (x − mean)².
    public func variance() -> Scalar {
        let centered = self - Tensor(mean())
        return (centered * centered).mean()
    }

    /// The population variance along `axis`: mean over that axis of (x − mean)²
    /// (divides by n, as batch normalization does).
    public func variance(axis: Int, keepingDimensions: Bool = false) -> Tensor {
        let centered = self - mean(axis: axis, keepingDimensions: true)
        return (centered * centered).mean(axis: axis, keepingDimensions: keepingDimensions)
    }

    /// The population standard deviation along `axis`: √variance.
    public func standardDeviation(axis: Int, keepingDimensions: Bool = false) -> Tensor {
        sqrt(variance(axis: axis, keepingDimensions: keepingDimensions))
    }
}
