/// A shape mistake: two tensors that cannot be combined, a reshape to a different size, an
/// axis that does not exist. The message names both shapes, numpy-style: `(64, 3, 32, 10)`.
///
/// Tensor operators stop the program with this message (a shape mistake is a bug in the
/// calling code); the `Shape` functions that compute result shapes throw it, so code that
/// checks shapes of data it loads can catch it.
public struct ShapeError: Error, Equatable, CustomStringConvertible, Sendable {
    /// What went wrong, naming every shape involved.
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Shape arithmetic shared by every operation: element counts, strides, broadcasting.
public enum Shape {
    /// The number of elements of a tensor of this shape (1 for the scalar shape `[]`).
    public static func elementCount(_ shape: [Int]) -> Int {
        var count = 1
        for dimension in shape {
            ensure(dimension >= 0, "shape \(describe(shape)) has a negative dimension")
            count *= dimension
        }
        return count
    }

    /// Row-major strides: how many elements to skip to move one step along each axis.
    public static func strides(_ shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var step = 1
        for axis in shape.indices.reversed() {
            strides[axis] = step
            step *= shape[axis]
        }
        return strides
    }

    /// A shape as numpy prints it: `(64, 3, 32, 10)`, `(5,)`, `()`.
    public static func describe(_ shape: [Int]) -> String {
        shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
    }

    /// The shape two tensors broadcast to, by numpy's rules: align the shapes at their last
    /// axis; along each axis the sizes must be equal, or one of them 1 (it is repeated), or
    /// missing (the shorter shape is padded with 1s on the left).
    ///
    ///     try Shape.broadcast([64, 3, 32, 10], [32, 10])   // [64, 3, 32, 10]
    ///     try Shape.broadcast([128, 1], [1, 10])           // [128, 10]
    public static func broadcast(_ a: [Int], _ b: [Int]) throws(ShapeError) -> [Int] {
        let rank = max(a.count, b.count)
        var result = [Int](repeating: 1, count: rank)
        for axis in 0..<rank {
            let i = axis - (rank - a.count), j = axis - (rank - b.count)
            let m = i >= 0 ? a[i] : 1, n = j >= 0 ? b[j] : 1
            if m == n || n == 1 {
                result[axis] = m
            } else if m == 1 {
                result[axis] = n
            } else {
                throw ShapeError("shapes \(describe(a)) and \(describe(b)) cannot be broadcast together: "
                    + "axis \(axis) of the result would need \(m) and \(n) to be equal or one of them 1")
            }
        }
        return result
    }

    /// The shape `shape` becomes when reshaped to `newShape`, where one dimension may be
    /// `-1` (inferred from the element count). Throws when the element counts differ.
    public static func reshape(_ shape: [Int], to newShape: [Int]) throws(ShapeError) -> [Int] {
        let count = elementCount(shape)
        let inferred = newShape.indices.filter { newShape[$0] == -1 }
        guard inferred.count <= 1, newShape.allSatisfy({ $0 >= -1 }) else {
            throw ShapeError("cannot reshape \(describe(shape)) to \(describe(newShape)): "
                + "at most one dimension may be -1 and none may be negative otherwise")
        }
        if let axis = inferred.first {
            let known = newShape.enumerated().reduce(1) { $1.offset == axis ? $0 : $0 * $1.element }
            guard known > 0, count % known == 0 else {
                throw ShapeError("cannot reshape \(describe(shape)) (\(count) elements) to \(describe(newShape)): "
                    + "\(count) is not a multiple of \(known)")
            }
            var resolved = newShape
            resolved[axis] = count / known
            return resolved
        }
        guard elementCount(newShape) == count else {
            throw ShapeError("cannot reshape \(describe(shape)) (\(count) elements) to \(describe(newShape)) "
                + "(\(elementCount(newShape)) elements): the number of elements must stay the same")
        }
        return newShape
    }

    /// An axis counted from the end when negative (`-1` is the last axis), checked.
    public static func normalize(axis: Int, rank: Int) throws(ShapeError) -> Int {
        let resolved = axis < 0 ? axis + rank : axis
        guard resolved >= 0 && resolved < rank else {
            throw ShapeError("axis \(axis) does not exist for a tensor of rank \(rank)")
        }
        return resolved
    }
}

/// Stops with the message of a shape error: used by operators, where a shape mistake is a
/// bug in the calling code (the message names both shapes, so it is quick to find).
@usableFromInline
func checked<T>(_ operation: String, _ compute: () throws(ShapeError) -> T) -> T {
    do {
        return try compute()
    } catch {
        stop("\(operation): \(error.message)")
    }
}
