@testable import Datasets
import Foundation
import Tensors
import TestSupport
import XCTest

/// Readers on real files made by the real tools (gzip, numpy), and every malformed input
/// the issue lists, each with the message it must give.
final class ReaderTests: XCTestCase {
    var directory: URL!
    let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("backprop-datasets-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    func file(_ name: String, _ bytes: [UInt8]) throws -> String {
        let url = directory.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    func file(_ name: String, _ text: String) throws -> String { try file(name, Array(text.utf8)) }

    /// Runs a command-line tool, returning its standard output (nil if it is not installed).
    func run(_ tool: String, _ arguments: [String], input: Data? = nil) throws -> Data? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")   // finds the tool on PATH
        process.arguments = [tool] + arguments
        process.standardError = FileHandle.nullDevice
        let output = Pipe(), inputPipe = Pipe()
        process.standardOutput = output
        if input != nil { process.standardInput = inputPipe }
        try process.run()
        if let input {
            try inputPipe.fileHandleForWriting.write(contentsOf: input)
            try inputPipe.fileHandleForWriting.close()
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return process.terminationStatus == 0 ? data : nil
    }

    /// An IDX header for unsigned bytes of `shape`.
    func idxHeader(_ shape: [Int], type: UInt8 = 0x08) -> [UInt8] {
        [0, 0, type, UInt8(shape.count)] + shape.flatMap { d in [24, 16, 8, 0].map { UInt8((d >> $0) & 0xFF) } }
    }

    func assertError(_ kind: DatasetError.Kind, mentions fragments: [String], file: StaticString = #filePath, line: UInt = #line,
                     _ body: () throws -> Any) {
        do {
            _ = try body()
            XCTFail("expected a \(kind) error", file: file, line: line)
        } catch let error as DatasetError {
            XCTAssertEqual(error.kind, kind, "\(error)", file: file, line: line)
            for fragment in fragments {
                XCTAssertTrue(error.description.contains(fragment), "\"\(error)\" should mention \"\(fragment)\"", file: file, line: line)
            }
        } catch {
            XCTFail("expected a DatasetError, got \(error)", file: file, line: line)
        }
    }

    // MARK: gzip and deflate against the real gzip

    func testInflateMatchesTheRealGzipAtEveryLevel() throws {
        var rng = SeededGenerator(seed: 1)
        // Text-like data (long matches), random bytes (stored blocks), and runs (overlapping copies).
        let words = ["the ", "network ", "learns ", "weights ", "by ", "backprop ", "\n"]
        let text = Array((0..<20_000).map { _ in words[rng.nextInt(below: words.count)] }.joined().utf8)
        let random = (0..<70_000).map { _ in UInt8(rng.nextInt(below: 256)) }
        let runs = [UInt8](repeating: 7, count: 100_000) + [1, 2, 3] + [UInt8](repeating: 0, count: 5_000)
        // Byte k with probability 2^-(k+1) (the trailing zeros of a random word): the rare bytes
        // get codes of 11 to 15 bits, longer than the decoder's lookup table (10 bits).
        let skewed = (0..<200_000).map { _ in UInt8(rng.next().trailingZeroBitCount) }
        for (name, payload) in [("text", text), ("random", random), ("runs", runs), ("skewed", skewed), ("empty", [])] {
            for level in ["-1", "-6", "-9"] {
                guard let compressed = try run("gzip", ["-c", "-n", level], input: Data(payload)) else {
                    throw XCTSkip("gzip is not installed")
                }
                let decoded = try contents(of: try file("\(name)\(level).gz", Array(compressed)))
                XCTAssertEqual(decoded.count, payload.count, "\(name) at gzip \(level): length")
                XCTAssertTrue(decoded == payload, "\(name) at gzip \(level): bytes")
            }
        }
        // Two gzip members one after the other decode to both payloads.
        let first = try run("gzip", ["-c", "-n"], input: Data(text))!, second = try run("gzip", ["-c", "-n"], input: Data(runs))!
        XCTAssertTrue(try contents(of: try file("two.gz", Array(first + second))) == text + runs, "multi-member gzip")
    }

    func testCorruptAndTruncatedGzipAreErrors() throws {
        guard let compressed = try run("gzip", ["-c", "-n"], input: Data(Array(repeating: UInt8(65), count: 1000) + Array(0..<200))) else {
            throw XCTSkip("gzip is not installed")
        }
        var corrupt = Array(compressed)
        corrupt[corrupt.count - 8] ^= 0xFF   // the CRC
        assertError(.malformed, mentions: ["CRC-32"]) { try contents(of: try self.file("corrupt.gz", corrupt)) }
        let truncated = Array(compressed.prefix(compressed.count - 12))
        assertError(.truncated, mentions: ["truncated.gz", "truncated"]) { try contents(of: try self.file("truncated.gz", truncated)) }
    }

    // MARK: IDX

    func testIDXRoundTripsRawAndCompressed() throws {
        let pixels = (0..<(3 * 2 * 2)).map { UInt8($0 * 20) }
        let raw = try file("images-idx3-ubyte", idxHeader([3, 2, 2]) + pixels)
        let images = try IDX.tensor(raw, as: Float.self)
        XCTAssertEqual(images.shape, [3, 4], "each image flattened into a row")
        XCTAssertEqual(images.scalars, pixels.map(Float.init))
        if let gz = try run("gzip", ["-c", "-n"], input: Data(idxHeader([3, 2, 2]) + pixels)) {
            XCTAssertEqual(try IDX.tensor(try file("images.gz", Array(gz)), as: Float.self), images)
        }
        XCTAssertEqual(try IDX.labels(try file("labels-idx1-ubyte", idxHeader([4]) + [3, 1, 4, 1])), [3, 1, 4, 1])
    }

    func testMalformedIDXFilesSayWhatWasExpected() throws {
        assertError(.truncated, mentions: ["byte 16", "expected 784 bytes", "found 100", "truncated"]) {
            try IDX.read(try self.file("short", self.idxHeader([1, 28, 28]) + [UInt8](repeating: 0, count: 100)))
        }
        assertError(.malformed, mentions: ["byte 12", "10 bytes too many"]) {
            try IDX.read(try self.file("long", self.idxHeader([2, 2]) + [UInt8](repeating: 0, count: 14)))
        }
        assertError(.wrongMagic, mentions: ["byte 0", "magic", "50 4b 03 04"]) {
            try IDX.read(try self.file("zip", [0x50, 0x4B, 3, 4, 0, 0, 0, 0]))
        }
        assertError(.unsupported, mentions: ["byte 2", "0x0d", "floats"]) {
            try IDX.read(try self.file("floats", self.idxHeader([1], type: 0x0D) + [0, 0, 0, 0]))
        }
        assertError(.malformed, mentions: ["byte 8", "dimension 2", "4,294,967,295", "overflow"]) {
            try IDX.read(try self.file("huge", self.idxHeader([60000, 0xFFFF_FFFF]) + [1, 2, 3]))
        }
        assertError(.truncated, mentions: ["3 dimensions"]) {
            try IDX.read(try self.file("header", [0, 0, 8, 3, 0, 0]))
        }
        assertError(.malformed, mentions: ["labels", "2 dimensions"]) {
            try IDX.labels(try self.file("notlabels", self.idxHeader([1, 1]) + [7]))
        }
    }

    func testFileSystemMistakes() throws {
        assertError(.notFound, mentions: ["/nonexistent/train-images-idx3-ubyte.gz", "no such file"]) {
            try IDX.read("/nonexistent/train-images-idx3-ubyte.gz")
        }
        assertError(.isDirectory, mentions: ["is a directory"]) { try IDX.read(self.directory.path) }
        assertError(.empty, mentions: ["empty"]) { try IDX.read(try self.file("empty", [UInt8]())) }
        assertError(.empty, mentions: ["empty"]) { try CSV.read(try self.file("empty.csv", "")) }
    }

    // MARK: CSV and TSV

    func testCSVWithHeaderQuotesAndTSV() throws {
        let table = try CSV.read(try file("quoted.csv", "name,value\n\"Smith, J.\",1.5\n\"say \"\"hi\"\"\",2\r\n\"two\nlines\",3\n"))
        XCTAssertEqual(table.header, ["name", "value"])
        XCTAssertEqual(table.rows.map { $0[0] }, ["Smith, J.", "say \"hi\"", "two\nlines"])
        XCTAssertEqual(try table.numbers(columns: [1]), [[1.5], [2], [3]])
        XCTAssertEqual(table.lines, [2, 3, 4], "the line each row starts on")
        let tsv = try CSV.read(try file("data.tsv", "1\t2\n3\t4\n"), delimiter: "\t")
        XCTAssertNil(tsv.header, "all-numeric first row: no header")
        XCTAssertEqual(try tsv.tensor(as: Double.self), Tensor([[1, 2], [3, 4]]))
    }

    func testMalformedCSVNamesLineAndColumn() throws {
        assertError(.malformed, mentions: ["bad.csv", "line 3, column 2", "expected a number", "\"abc\""]) {
            try CSV.read(try self.file("bad.csv", "x,y\n1,2\n3,abc\n")).numbers()
        }
        assertError(.malformed, mentions: ["line 3", "expected 3 fields (like line 1), found 2", "ragged"]) {
            try CSV.read(try self.file("ragged.csv", "1,2,3\n4,5,6\n7,8\n"))
        }
        assertError(.missingValue, mentions: ["line 2, column 2", "2 missing values", "NaN"]) {
            try CSV.read(try self.file("missing.csv", "a,b\n1,\n2,NA\n")).numbers()
        }
        assertError(.malformed, mentions: ["line 2", "never closed"]) {
            try CSV.read(try self.file("quote.csv", "a,b\n\"open,1\n"))
        }
    }

    // MARK: numpy

    func testNPYRoundTripAndNumpyReadsIt() throws {
        let x = Tensor<Float>([[1.5, -2, 3.25], [0, 1e-8, 255]])
        let path = directory.appendingPathComponent("x.npy").path
        try NumPy.write(x, to: path)
        XCTAssertEqual(try NumPy.read(path).tensor(Float.self), x, "write then read gives the same bits")
        let y = Tensor<Double>([0.1, 0.2, 0.3])
        try NumPy.write(y, to: path)
        XCTAssertEqual(try NumPy.read(path).tensor(Double.self), y)
        XCTAssertEqual(NumPy.encode(x).count % 64, (2 * 3 * 4) % 64, "header padded to 64 bytes")
        // The real numpy, when it is installed, reads the file we wrote.
        try NumPy.write(x, to: path)
        let script = "import numpy as np; a = np.load('\(path)'); print(a.dtype, a.shape, repr(float(a.sum())), a[1, 2])"
        guard let output = try run("python3", ["-c", script]) else { throw XCTSkip("python3 with numpy is not available") }
        XCTAssertEqual(String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines),
                       "float32 (2, 3) 257.75 255.0", "numpy.load on our .npy")
    }

    func testNPZArchivesWrittenByNumpy() throws {
        for name in ["arrays-stored.npz", "arrays-deflated.npz"] {
            let arrays = try NumPy.readArchive(fixtures.appendingPathComponent(name).path)
            XCTAssertEqual(Set(arrays.keys), ["a", "b", "c"], name)
            XCTAssertEqual(arrays["a"]?.shape, [3, 4])
            XCTAssertEqual(arrays["a"]?.tensor(Float.self).sum(), 16.5, "\(name): a = arange(12)/4")
            XCTAssertEqual(try arrays["b"]?.integers, [3, 1, 4, 1, 5, 9, 2, 6], "\(name): uint8")
            XCTAssertEqual(arrays["c"]?.tensor(Double.self).scalars, [1.5, -2.25, 0.001, 7.0], "\(name): float64")
        }
        XCTAssertEqual(try NumPy.read(fixtures.appendingPathComponent("big-endian.npy").path).integers, [1, 2, 3], "big-endian int32")
        let fortran = try NumPy.read(fixtures.appendingPathComponent("fortran.npy").path).tensor(Double.self)
        XCTAssertEqual(fortran, Tensor([[0, 1, 2], [3, 4, 5]]), "Fortran order is returned in row-major order")
    }

    func testMalformedNumpyFiles() throws {
        assertError(.wrongMagic, mentions: ["magic"]) { try NumPy.read(try self.file("bad.npy", Array("not numpy at all".utf8))) }
        var truncated = Array(NumPy.encode(Tensor<Float>([1, 2, 3])))
        truncated.removeLast(5)
        assertError(.truncated, mentions: ["expected 12 bytes", "found 7"]) { try NumPy.read(try self.file("short.npy", truncated)) }
        assertError(.wrongMagic, mentions: ["not a zip archive"]) { try NumPy.readArchive(try self.file("bad.npz", [UInt8](repeating: 1, count: 100))) }
        var archive = Array(try Data(contentsOf: fixtures.appendingPathComponent("arrays-deflated.npz")))
        archive.removeFirst(40)
        assertError(.malformed, mentions: ["bad2.npz"]) { try NumPy.readArchive(try self.file("bad2.npz", archive)) }
    }

    // MARK: IMDB and MovieLens formats

    func testBagOfWordsAndMovieLens() throws {
        let documents = try BagOfWords.read(try file("labeledBow.feat", "9 0:4 1:2 12:1\n2 3:1\n"))
        XCTAssertEqual(documents.count, 2)
        XCTAssertEqual(documents[0].rating, 9)
        XCTAssertEqual(documents[0].words.map(\.index), [0, 1, 12])
        XCTAssertEqual(documents[0].words.map(\.count), [4, 2, 1])
        assertError(.malformed, mentions: ["line 2, column 2", "index:count", "\"3-1\""]) {
            try BagOfWords.read(try self.file("bad.feat", "9 0:4\n2 3-1\n"))
        }
        let ratings = try MovieLens.readRatings(try file("u.data", "196\t242\t3\t881250949\n186\t302\t3\t891717742\n"))
        XCTAssertEqual(ratings, [MovieLens.Rating(user: 196, item: 242, rating: 3, timestamp: 881_250_949),
                                 MovieLens.Rating(user: 186, item: 302, rating: 3, timestamp: 891_717_742)])
        assertError(.malformed, mentions: ["4 tab-separated fields"]) { try MovieLens.readRatings(try self.file("u2.data", "1\t2\t3\n")) }
    }

    func testIMDBFolderLayout() throws {
        let root = directory.appendingPathComponent("aclImdb")
        for split in ["train", "test"] {
            try FileManager.default.createDirectory(at: root.appendingPathComponent(split), withIntermediateDirectories: true)
        }
        try "the\nand\na\nof\n".write(to: root.appendingPathComponent("imdb.vocab"), atomically: true, encoding: .utf8)
        try "9 0:2 3:1 7:1\n1 1:1\n".write(to: root.appendingPathComponent("train/labeledBow.feat"), atomically: true, encoding: .utf8)
        try "8 2:1\n".write(to: root.appendingPathComponent("test/labeledBow.feat"), atomically: true, encoding: .utf8)
        let imdb = try IMDB.load(from: root.path, words: 4)
        XCTAssertEqual(imdb.train, [[0, 3], [1]], "words beyond the 4 most frequent are dropped")
        XCTAssertEqual(imdb.trainLabels, [1, 0], "rating ≥ 7 is positive")
        XCTAssertEqual(imdb.testLabels, [1])
        assertError(.notFound, mentions: ["imdb.vocab"]) { try IMDB.load(from: self.directory.path) }
    }
}
