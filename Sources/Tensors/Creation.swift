extension Tensor {
    /// A tensor of zeros: `Tensor<Float>.zeros([3, 2])`.
    public static func zeros(_ shape: [Int]) -> Tensor { Tensor(shape: shape, repeating: 0) }

    /// A tensor of ones.
    public static func ones(_ shape: [Int]) -> Tensor { Tensor(shape: shape, repeating: 1) }

    /// The n × n identity matrix I: ones on the diagonal, zeros elsewhere.
    public static func identity(_ n: Int) -> Tensor {
        var result = zeros([n, n])
        result.withUnsafeMutableBufferPointer { out in
            for i in 0..<n { out[i * n + i] = 1 }
        }
        return result
    }

    /// The numbers start, start + step, … below `end` (numpy's `arange`), as a vector.
    public static func range(from start: Scalar = 0, to end: Scalar, step: Scalar = 1) -> Tensor {
        ensure(step != 0, "Tensor.range: step must not be 0")
        let count = Swift.max(0, Int(((end - start) / step).rounded(.up)))
        return Tensor(shape: [count], element: { start + Scalar($0) * step })
    }

    /// `count` evenly spaced numbers from `start` to `end`, both included (numpy's `linspace`).
    public static func linspace(from start: Scalar, to end: Scalar, count: Int) -> Tensor {
        ensure(count >= 0, "Tensor.linspace: count must not be negative")
        if count == 1 { return Tensor([start]) }
        let step = (end - start) / Scalar(count - 1)
        return Tensor(shape: [count], element: { $0 == count - 1 ? end : start + Scalar($0) * step })
    }
}

extension Tensor {
    /// One-hot rows (Keras's `to_categorical`): row n is all 0 except a 1 in column `labels[n]`.
    /// `labels` are class indices 0 ..< classes.
    public static func oneHot(_ labels: [Int], classes: Int) -> Tensor {
        var result = zeros([labels.count, classes])
        result.withUnsafeMutableBufferPointer { out in
            for (n, label) in labels.enumerated() {
                ensure(label >= 0 && label < classes,
                             "oneHot: label \(label) of example \(n) is not a class in 0..<\(classes)")
                out[n * classes + label] = 1
            }
        }
        return result
    }

    /// The elements as whole numbers (class labels stored in a tensor), rounded to nearest.
    public var integerLabels: [Int] {
        withUnsafeBufferPointer { $0.map { Int($0.rounded()) } }
    }
}
