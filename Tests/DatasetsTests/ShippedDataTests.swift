import Datasets
import Foundation
import Tensors
import TestSupport
import XCTest

/// The shipped files and the full-size Fashion-MNIST, read with the real readers: known
/// counts, first labels and pixel sums (computed independently with Python's gzip + numpy).
final class ShippedDataTests: XCTestCase {
    func pixelSum(_ images: Tensor<Float>) -> Int {
        images.scalars.reduce(0) { $0 + Int($1) }
    }

    func testMNISTSubset() throws {
        let mnist = try MNIST.subset()
        XCTAssertEqual(mnist.trainImages.shape, [4000, 784])
        XCTAssertEqual(mnist.testImages.shape, [1000, 784])
        XCTAssertEqual(Array(mnist.trainLabels.prefix(10)), [5, 7, 0, 1, 8, 1, 5, 5, 7, 7])
        XCTAssertEqual(Array(mnist.testLabels.prefix(10)), [8, 3, 4, 7, 6, 9, 3, 7, 0, 9])
        XCTAssertEqual(pixelSum(mnist.trainImages), 105_002_903, "sum of every training pixel")
        XCTAssertEqual(pixelSum(mnist.testImages), 26_264_199, "sum of every test pixel")
        XCTAssertEqual(pixelSum(mnist.trainImages.rows(0 ..< 1)), 24_396, "first image")
        XCTAssertEqual(mnist.trainImages.max(), 255)
        for digit in 0..<10 {
            XCTAssertEqual(mnist.trainLabels.filter { $0 == digit }.count, 400, "stratified: 400 of digit \(digit)")
            XCTAssertEqual(mnist.testLabels.filter { $0 == digit }.count, 100, "stratified: 100 of digit \(digit)")
        }
    }

    func testFullSizeFashionMNISTFromDebiansPackage() throws {
        try XCTSkipUnless(FashionMNIST.isInstalled,
                          "Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist; .ci/run installs it)")
        let start = ContinuousClock.now
        let fashion = try FashionMNIST.load()
        print("Fashion-MNIST (60,000 + 10,000 images, gzip IDX) loaded in \(ContinuousClock.now - start)")
        XCTAssertEqual(fashion.trainImages.shape, [60000, 784])
        XCTAssertEqual(fashion.testImages.shape, [10000, 784])
        XCTAssertEqual(Array(fashion.trainLabels.prefix(10)), [9, 0, 0, 3, 0, 2, 7, 2, 5, 5])
        XCTAssertEqual(Array(fashion.testLabels.prefix(10)), [9, 2, 1, 1, 6, 1, 4, 6, 5, 7])
        XCTAssertEqual(pixelSum(fashion.trainImages.rows(0 ..< 1)), 76_247, "first training image")
        XCTAssertEqual(Set(fashion.trainLabels), Set(0..<10))
        // The same folder through the MNIST loader (a drop-in: same format and sizes).
        let viaMNIST = try MNIST.load(from: FashionMNIST.debianFolder)
        XCTAssertEqual(viaMNIST.testLabels, fashion.testLabels)
    }

    func testDefaultRequestFallsBackToTheSubsetWithANote() throws {
        unsetenv("BACKPROP_MNIST")
        let (set, note) = try MNIST.load(requested: nil)
        XCTAssertEqual(set.trainImages.shape[0], 4000, "the default is the shipped subset")
        XCTAssertTrue(note?.contains("train-images-idx3-ubyte.gz") == true, note ?? "no note")
        XCTAssertTrue(note?.contains("--data") == true, note ?? "no note")
        let (full, fullNote) = try MNIST.load(requested: ShippedData.folder.appendingPathComponent("mnist").path)
        XCTAssertNil(fullNote, "an explicit folder is used as given")
        XCTAssertEqual(full.testLabels, set.testLabels)
        // An explicit request that does not exist is an error, never a silent fallback.
        XCTAssertThrowsError(try MNIST.load(requested: "/nonexistent/mnist")) { error in
            XCTAssertTrue("\(error)".contains("train-images-idx3-ubyte"), "\(error)")
        }
    }

    func testDigits() throws {
        let digits = try Digits.load()
        XCTAssertEqual(digits.images.shape, [1797, 64])
        XCTAssertEqual(digits.labels.count, 1797)
        XCTAssertEqual(Array(digits.labels.prefix(5)), [0, 1, 2, 3, 4])
        XCTAssertEqual(digits.images.max(), 16)
        XCTAssertEqual(Set(digits.labels), Set(0..<10))
    }

    func testBostonHousingHasKerasSplit() throws {
        let boston = try BostonHousing.load()
        XCTAssertEqual(boston.trainFeatures.shape, [404, 13])
        XCTAssertEqual(boston.testFeatures.shape, [102, 13])
        let expected: [Float] = [15.2, 42.3, 50.0, 21.1, 17.7, 18.5, 11.3, 15.6, 15.6, 14.4]
        XCTAssertEqual(Array(boston.trainTargets.scalars.prefix(10)), expected, "Keras' first ten training targets")
        XCTAssertEqual(boston.featureNames.count, 13)
        XCTAssertTrue(BostonHousing.whyDropped.contains("Black"), BostonHousing.whyDropped)
        // Every row is used exactly once.
        let all = (boston.trainTargets.scalars + boston.testTargets.scalars).reduce(0, +)
        assertClose(Double(all), 11_401.6, tolerance: 0.05, "sum of all 506 MEDV values")
    }

    func testLinearRegressionToySet() throws {
        let toy = try LinearRegressionToy.load()
        XCTAssertEqual(toy.x, [3.3, 4.4, 5.5, 6.71, 6.93, 4.168, 9.779, 6.182, 7.59, 2.167, 7.042, 10.791, 5.313, 7.997, 5.654, 9.27, 3.1])
        XCTAssertEqual(toy.y, [1.7, 2.76, 2.09, 3.19, 1.694, 1.573, 3.366, 2.596, 2.53, 1.221, 2.827, 3.465, 1.65, 2.904, 2.42, 2.94, 1.3])
    }

    func testMovieReviewFixtureAndBagOfWords() throws {
        let reviews = try MovieReviews.fixture()
        XCTAssertEqual(reviews.texts.count, 20)
        XCTAssertEqual(reviews.labels.filter { $0 == 1 }.count, 10)
        XCTAssertEqual(reviews.texts[0], "A warm, funny film that earns every one of its quiet moments.")
        let vocabulary = Text.vocabulary(reviews.texts, size: 50)
        var counts: [String: Int] = [:]
        for text in reviews.texts { for word in Text.words(text) { counts[word, default: 0] += 1 } }
        XCTAssertEqual(vocabulary.count, 50)
        XCTAssertEqual(vocabulary[0], counts.max { $0.value < $1.value }?.key, "the most frequent word first")
        XCTAssertEqual(vocabulary.map { counts[$0]! }, vocabulary.map { counts[$0]! }.sorted(by: >), "most frequent first")
        let sequences = Text.sequences(reviews.texts, vocabulary: vocabulary)
        let multiHot = Encoding.multiHot(sequences, dimension: 50, as: Float.self)
        XCTAssertEqual(multiHot.shape, [20, 50])
        XCTAssertEqual(multiHot.max(), 1, "multi-hot: a word counts once")
        XCTAssertEqual(Int(multiHot.row(0).sum()), Set(sequences[0]).count)
    }

    func testDataDocumentationShipsWithTheData() throws {
        let readme = try String(contentsOf: ShippedData.folder.appendingPathComponent("DATA.md"), encoding: .utf8)
        for phrase in ["CC BY-SA 3.0", "RandomState(113)", "Black residents", "make data", "not committed"] {
            XCTAssertTrue(readme.contains(phrase), "DATA.md mentions \(phrase)")
        }
    }
}
