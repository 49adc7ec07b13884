import Tensors

/// A problem with the numbers themselves, found while preparing them for training.
public struct PreprocessingError: Error, Equatable, CustomStringConvertible, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

// MARK: - Splits

/// The indices of a training set and of the examples held out from it.
public struct Split: Sendable, Equatable {
    public var train: [Int]
    public var validation: [Int]

    /// Hold-out validation: a `fraction` of the `count` examples, chosen at random, is set aside.
    public static func holdout(count: Int, fraction: Double, using rng: inout SeededGenerator) -> Split {
        ensure(fraction >= 0 && fraction <= 1, "holdout: fraction must be in [0, 1], got \(fraction)")
        let order = rng.permutation(count)
        let held = Int((Double(count) * fraction).rounded())
        return Split(train: Array(order[held...]), validation: Array(order[..<held]))
    }

    /// Hold-out in order, for data ordered in time: the last `fraction` is set aside, so the
    /// model is judged on the future it did not see.
    public static func holdoutInOrder(count: Int, fraction: Double) -> Split {
        ensure(fraction >= 0 && fraction <= 1, "holdoutInOrder: fraction must be in [0, 1], got \(fraction)")
        let splitAt = count - Int((Double(count) * fraction).rounded())
        return Split(train: Array(0..<splitAt), validation: Array(splitAt..<count))
    }

    /// K-fold cross-validation: the examples (shuffled first when `rng` is given) are cut into
    /// k folds of equal size (± 1); fold i is the validation set of split i, the other folds its
    /// training set. Every example is validated on exactly once.
    public static func kFold(count: Int, folds k: Int, using rng: inout SeededGenerator?) -> [Split] {
        ensure(k >= 2 && k <= count, "k-fold needs 2 ≤ k ≤ \(count) examples, got k = \(k)")
        let order: [Int]
        if rng != nil { order = rng!.permutation(count) } else { order = Array(0..<count) }
        var bounds = [0]
        for fold in 0..<k { bounds.append(bounds[fold] + count / k + (fold < count % k ? 1 : 0)) }
        return (0..<k).map { fold in
            Split(train: Array(order[..<bounds[fold]] + order[bounds[fold + 1]...]),
                  validation: Array(order[bounds[fold] ..< bounds[fold + 1]]))
        }
    }

    /// K-fold without shuffling (the folds follow the data's order, as in Chollet's example).
    public static func kFold(count: Int, folds k: Int) -> [Split] {
        var none: SeededGenerator? = nil
        return kFold(count: count, folds: k, using: &none)
    }

    /// Iterated k-fold with shuffling: k-fold `repeats` times, each time after a new shuffle;
    /// the score is the average over all repeats × k runs.
    public static func iteratedKFold(count: Int, folds k: Int, repeats: Int, using rng: inout SeededGenerator) -> [[Split]] {
        (0..<repeats).map { _ in
            var generator: SeededGenerator? = rng.split()
            return kFold(count: count, folds: k, using: &generator)
        }
    }
}

// MARK: - Scaling

/// Standardization: each feature (column) minus its mean, divided by its standard deviation,
/// both computed on the TRAINING data only and then applied, unchanged, to the test data —
/// using the test data's own statistics would leak information about it into the model.
public struct Standardizer<Scalar: TensorScalar>: Sendable {
    public var mean: Tensor<Scalar>
    public var standardDeviation: Tensor<Scalar>

    /// Learns the mean and standard deviation of each column of `x` (examples × features).
    /// A column that is constant, or any NaN, is an error: dividing by a zero standard
    /// deviation gives NaN, and a network fed NaN predicts NaN.
    public init(fitting x: Tensor<Scalar>) throws(PreprocessingError) {
        guard x.rank == 2, x.shape[0] > 0 else {
            throw PreprocessingError("standardization needs a (examples, features) matrix with at least one example, got \(Shape.describe(x.shape))")
        }
        let nan = x .!= x
        if nan.sum() > 0 {
            let flat = nan.argmax()
            throw PreprocessingError("the training data holds \(Int(nan.sum())) NaN value(s), the first at row \(flat / x.shape[1]), "
                + "column \(flat % x.shape[1]): a network fed NaN predicts NaN. Fill or drop the missing values first.")
        }
        mean = x.mean(axis: 0)
        standardDeviation = x.standardDeviation(axis: 0)
        for (column, deviation) in standardDeviation.scalars.enumerated() where !(deviation > 0) {
            throw PreprocessingError("feature \(column) (column \(column + 1), counting from 1) has zero variance in the training data (every value is \(x[0, column])): "
                + "dividing by its standard deviation would give NaN. Drop the feature, or leave it unscaled.")
        }
    }

    /// (x − mean) / standard deviation, with the training statistics.
    public func transform(_ x: Tensor<Scalar>) -> Tensor<Scalar> {
        (x - mean) / standardDeviation
    }

    /// Undoes `transform`.
    public func inverse(_ z: Tensor<Scalar>) -> Tensor<Scalar> { z * standardDeviation + mean }
}

/// Min–max scaling of each column to [0, 1] with the training data's minimum and maximum.
public struct MinMaxScaler<Scalar: TensorScalar>: Sendable {
    public var minimum: Tensor<Scalar>
    public var maximum: Tensor<Scalar>

    public init(fitting x: Tensor<Scalar>) throws(PreprocessingError) {
        guard x.rank == 2, x.shape[0] > 0 else {
            throw PreprocessingError("MinMaxScaler needs a (examples, features) matrix with at least one example, got \(Shape.describe(x.shape))")
        }
        minimum = x.min(axis: 0)
        maximum = x.max(axis: 0)
        for (column, range) in (maximum - minimum).scalars.enumerated() where !(range > 0) {
            throw PreprocessingError("feature \(column) (column \(column + 1), counting from 1) is constant (or NaN) in the training data: its range is \(range), nothing to scale by")
        }
    }

    /// (x − min) / (max − min)
    public func transform(_ x: Tensor<Scalar>) -> Tensor<Scalar> { (x - minimum) / (maximum - minimum) }
}

// MARK: - Encodings and experiments

public enum Encoding {
    /// One-hot rows for class labels (Keras' `to_categorical`).
    public static func oneHot<S: TensorScalar>(_ labels: [Int], classes: Int, as type: S.Type = S.self) -> Tensor<S> {
        Tensor.oneHot(labels, classes: classes)
    }

    /// Multi-hot rows (Keras' `vectorize_sequences`): row n has a 1 in column w for every word
    /// index w in sequence n (indices ≥ `dimension` are out of the vocabulary and dropped).
    public static func multiHot<S: TensorScalar>(_ sequences: [[Int]], dimension: Int, as type: S.Type = S.self) -> Tensor<S> {
        var result = Tensor<S>.zeros([sequences.count, dimension])
        result.withUnsafeMutableBufferPointer { out in
            for (n, sequence) in sequences.enumerated() {
                for w in sequence where w >= 0 && w < dimension { out[n * dimension + w] = 1 }
            }
        }
        return result
    }
}

public enum Experiments {
    /// The generalization experiment: `count` columns of uniform noise in [0, 1) appended to
    /// every example (Chollet appends 784 to MNIST's 784 pixels).
    public static func appendingNoiseColumns<S: TensorScalar>(_ x: Tensor<S>, count: Int, using rng: inout SeededGenerator) -> Tensor<S> {
        Tensor.concatenate([x, Tensor.uniform([x.shape[0], count], using: &rng)], axis: 1)
    }

    /// The control for that experiment: `count` all-zero columns appended instead.
    public static func appendingZeroColumns<S: TensorScalar>(_ x: Tensor<S>, count: Int) -> Tensor<S> {
        Tensor.concatenate([x, Tensor.zeros([x.shape[0], count])], axis: 1)
    }

    /// The memorization experiment: the labels in a random order, so nothing about an image
    /// predicts its label any more; a large enough network still fits the training set.
    public static func shuffledLabels(_ labels: [Int], using rng: inout SeededGenerator) -> [Int] {
        rng.permutation(labels.count).map { labels[$0] }
    }
}
