import Datasets
import Tensors
import TestSupport
import XCTest

final class PreprocessingTests: XCTestCase {
    func testKFoldCoversEveryIndexExactlyOnce() {
        for (count, k) in [(404, 4), (10, 3), (7, 7), (100, 5)] {
            var rng: SeededGenerator? = SeededGenerator(seed: 1)
            for splits in [Split.kFold(count: count, folds: k), Split.kFold(count: count, folds: k, using: &rng)] {
                XCTAssertEqual(splits.count, k)
                XCTAssertEqual(splits.flatMap(\.validation).sorted(), Array(0..<count), "\(count) examples, \(k) folds: each validated once")
                for split in splits {
                    XCTAssertEqual((split.train + split.validation).sorted(), Array(0..<count), "train and validation partition the data")
                    XCTAssertLessThanOrEqual(abs(split.validation.count - count / k), 1, "equal folds")
                }
            }
        }
        XCTAssertEqual(Split.kFold(count: 8, folds: 4)[1].validation, [2, 3], "unshuffled folds follow the data's order")
    }

    func testIteratedKFoldShufflesEachTime() {
        var rng = SeededGenerator(seed: 2)
        let repeats = Split.iteratedKFold(count: 20, folds: 4, repeats: 3, using: &rng)
        XCTAssertEqual(repeats.count, 3)
        XCTAssertNotEqual(repeats[0][0].validation, repeats[1][0].validation, "a new shuffle for each repeat")
        for splits in repeats { XCTAssertEqual(splits.flatMap(\.validation).sorted(), Array(0..<20)) }
    }

    func testHoldoutSplits() {
        var rng = SeededGenerator(seed: 3)
        let random = Split.holdout(count: 100, fraction: 0.2, using: &rng)
        XCTAssertEqual(random.validation.count, 20)
        XCTAssertEqual((random.train + random.validation).sorted(), Array(0..<100))
        XCTAssertNotEqual(random.validation, Array(80..<100))
        let timeOrdered = Split.holdoutInOrder(count: 100, fraction: 0.2)
        XCTAssertEqual(timeOrdered.validation, Array(80..<100), "time-ordered data keeps its order: the last 20% is the future")
    }

    func testStandardizationUsesTrainingStatisticsOnly() throws {
        let train = Tensor<Double>([[1, 10], [3, 20], [5, 30]])
        let test = Tensor<Double>([[7, 40]])
        let standardizer = try Standardizer(fitting: train)
        XCTAssertEqual(standardizer.mean.scalars, [3, 20])
        let sd = [(8.0 / 3).squareRoot(), (200.0 / 3).squareRoot()]
        assertClose(standardizer.standardDeviation, Tensor(sd), tolerance: 1e-12, "population standard deviation of the training data")
        assertClose(standardizer.transform(test), Tensor([[(7 - 3) / sd[0], (40 - 20) / sd[1]]]), tolerance: 1e-12,
                    "the test row is scaled with the training mean and deviation, not its own")
        let z = standardizer.transform(train)
        assertClose(z.mean(axis: 0), Tensor([0, 0]), tolerance: 1e-12, "training columns have mean 0")
        assertClose(z.standardDeviation(axis: 0), Tensor([1, 1]), tolerance: 1e-12, "and deviation 1")
        assertClose(standardizer.inverse(z), train, tolerance: 1e-12, "inverse")
    }

    func testZeroVarianceAndNaNAreClearErrors() {
        XCTAssertThrowsError(try Standardizer(fitting: Tensor<Float>([[1, 5], [2, 5], [3, 5]]))) { error in
            let message = "\(error)"
            XCTAssertTrue(message.contains("feature 1 (column 2, counting from 1) has zero variance") && message.contains("NaN"), message)
        }
        XCTAssertThrowsError(try Standardizer(fitting: Tensor<Float>([[1, 2], [.nan, 3]]))) { error in
            let message = "\(error)"
            XCTAssertTrue(message.contains("row 1, column 0") && message.contains("predicts NaN"), message)
        }
        XCTAssertThrowsError(try MinMaxScaler(fitting: Tensor<Float>([[1], [1]]))) { error in
            XCTAssertTrue("\(error)".contains("constant"), "\(error)")
        }
    }

    func testMinMaxOneHotAndTheGeneralizationExperiments() throws {
        let scaler = try MinMaxScaler(fitting: Tensor<Float>([[0, 10], [5, 20]]))
        XCTAssertEqual(scaler.transform(Tensor([[2.5, 15], [10, 30]])).scalars, [0.5, 0.5, 2, 2], "test data may leave [0, 1]")
        XCTAssertEqual(Encoding.oneHot([2, 0], classes: 3, as: Float.self), Tensor([[0, 0, 1], [1, 0, 0]]))
        XCTAssertEqual(Encoding.multiHot([[0, 2, 2], [5]], dimension: 4, as: Float.self), Tensor([[1, 0, 1, 0], [0, 0, 0, 0]]),
                       "multi-hot; index 5 is outside a vocabulary of 4")
        var rng = SeededGenerator(seed: 4)
        let images = Tensor<Float>.ones([10, 784])
        let noisy = Experiments.appendingNoiseColumns(images, count: 784, using: &rng)
        XCTAssertEqual(noisy.shape, [10, 1568])
        XCTAssertEqual(noisy.columns(0 ..< 784), images, "the pixels are unchanged")
        XCTAssertTrue(noisy.columns(784 ..< 1568).min() >= 0 && noisy.columns(784 ..< 1568).max() < 1, "noise in [0, 1)")
        let zeros = Experiments.appendingZeroColumns(images, count: 784)
        XCTAssertEqual(zeros.columns(784 ..< 1568).max(), 0)
        let labels = Array(0..<100).map { $0 % 10 }
        let shuffled = Experiments.shuffledLabels(labels, using: &rng)
        XCTAssertEqual(shuffled.sorted(), labels.sorted(), "the same labels")
        XCTAssertGreaterThan(zip(shuffled, labels).filter { $0 != $1 }.count, 50, "in another order")
    }
}
