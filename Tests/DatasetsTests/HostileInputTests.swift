@testable import Datasets
import Foundation
import Tensors
import XCTest

/// Hostile and unexpected files: every class of bad input found by trying the readers as a
/// hostile file would, each with the error it must give (never a trap, a read past a buffer,
/// or gigabytes of memory), and a mutation loop over real files of every format.
extension ReaderTests {
    // MARK: A small zip writer, to craft archives field by field

    /// One stored member of a zip archive; `extra` is the central entry's extra field and the
    /// sizes can be overridden to lie.
    struct ZipMember {
        var name: String
        var data: [UInt8]
        var method: UInt16 = 0
        var size: UInt32?
        var compressedSize: UInt32?
        var localOffset: UInt32?
        var extra: [UInt8] = []
    }

    func le16(_ v: UInt16) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8)] }
    func le32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8((v >> (8 * $0)) & 0xFF) } }
    func le64(_ v: UInt64) -> [UInt8] { (0..<8).map { UInt8((v >> (8 * UInt64($0))) & 0xFF) } }

    func zip(_ members: [ZipMember], entryCount: UInt16? = nil) -> [UInt8] {
        var bytes: [UInt8] = [], central: [UInt8] = []
        for member in members {
            let offset = UInt32(bytes.count)
            let crc = crc32(member.data)
            let name = Array(member.name.utf8)
            bytes += le32(0x0403_4B50) + le16(20) + le16(0) + le16(member.method) + le32(0) + le32(crc)
                + le32(UInt32(member.data.count)) + le32(UInt32(member.data.count)) + le16(UInt16(name.count)) + le16(0) + name + member.data
            central += le32(0x0201_4B50) + le16(20) + le16(20) + le16(0) + le16(member.method) + le32(0) + le32(crc)
                + le32(member.compressedSize ?? UInt32(member.data.count)) + le32(member.size ?? UInt32(member.data.count))
                + le16(UInt16(name.count)) + le16(UInt16(member.extra.count)) + le16(0) + le16(0) + le16(0) + le32(0)
                + le32(member.localOffset ?? offset) + name + member.extra
        }
        let count = entryCount ?? UInt16(members.count)
        return bytes + central + le32(0x0605_4B50) + le16(0) + le16(0) + le16(count) + le16(count)
            + le32(UInt32(central.count)) + le32(UInt32(bytes.count)) + le16(0)
    }

    func npy(header: String, data: [UInt8]) -> [UInt8] {
        var text = header
        text += String(repeating: " ", count: (64 - (10 + text.utf8.count + 1) % 64) % 64) + "\n"
        return [0x93] + Array("NUMPY".utf8) + [1, 0] + le16(UInt16(text.utf8.count)) + Array(text.utf8) + data
    }

    // MARK: Zip archives (.npz)

    func testZipFieldsAreCheckedAgainstTheirRecordAndTheFile() throws {
        let member = Array(NumPy.encode(Tensor<Float>([1, 2, 3])))
        // A zip64 extra field at the very end of the file whose declared length runs past it
        // (read past the buffer before).
        var archive = zip([ZipMember(name: "a.npy", data: member, size: 0xFFFF_FFFF, extra: le16(1) + le16(16) + le64(UInt64(member.count)))])
        archive.removeLast(22 + 4)   // cut inside the extra field: the end record is gone too
        assertError(.wrongMagic, mentions: ["not a zip archive"]) { try NumPy.readArchive(try self.file("cut.npz", archive)) }
        let overlong = zip([ZipMember(name: "a.npy", data: member, size: 0xFFFF_FFFF, extra: le16(1) + le16(200) + le64(12))])
        assertError(.truncated, mentions: ["an extra field of a.npy runs to byte 430, past the end of the data (260 bytes)"]) {
            try NumPy.readArchive(try self.file("overlong.npz", overlong))
        }
        // A zip64 field too short for the value it must hold.
        let short = zip([ZipMember(name: "a.npy", data: member, size: 0xFFFF_FFFF, extra: le16(1) + le16(4) + le32(7))])
        assertError(.malformed, mentions: ["the zip64 field of a.npy has no size"]) { try NumPy.readArchive(try self.file("short.npz", short)) }
        // Sizes and offsets of 2^63 and 2^64 − 1: no arithmetic overflow, a clear error.
        for huge: UInt64 in [1 << 63, .max, 1 << 40] {
            let lying = zip([ZipMember(name: "a.npy", data: member, size: 0xFFFF_FFFF, compressedSize: 0xFFFF_FFFF,
                                       extra: le16(1) + le16(16) + le64(huge) + le64(huge))])
            assertError(huge == 1 << 40 ? .truncated : .malformed,
                        mentions: huge == 1 << 40 ? ["member a.npy: expected 1,099,511,627,776 bytes of data, the archive ends first"]
                                                  : ["the zip64 size of a.npy is \(huge), too large for any file"]) {
                try NumPy.readArchive(try self.file("huge.npz", lying))
            }
        }
        let farOffset = zip([ZipMember(name: "a.npy", data: member, localOffset: 0xFFFF_FFF0)])
        assertError(.malformed, mentions: ["expected the local header of a.npy"]) { try NumPy.readArchive(try self.file("far.npz", farOffset)) }
        let manyEntries = zip([ZipMember(name: "a.npy", data: member)], entryCount: 0xFFFE)
        assertError(.malformed, mentions: ["claims 65534 entries"]) { try NumPy.readArchive(try self.file("many.npz", manyEntries)) }
    }

    func testACompressedMemberCannotInflatePastItsDeclaredSize() throws {
        // 10 MB of zeros deflate to ~10 KB; the member says it holds 1,000 bytes.
        guard let deflated = try run("python3", ["-c", "import sys, zlib; c = zlib.compressobj(9, zlib.DEFLATED, -15); "
                                                 + "sys.stdout.buffer.write(c.compress(bytes(10_000_000)) + c.flush())"]) else {
            throw XCTSkip("python3 is not available")
        }
        let bomb = zip([ZipMember(name: "zeros.npy", data: Array(deflated), method: 8, size: 1_000)])
        assertError(.malformed, mentions: ["zeros.npy", "inflates to more than 1,000 bytes, the size its header declares"]) {
            try NumPy.readArchive(try self.file("bomb.npz", bomb))
        }
        // The same stream under a limit: inflating stops there, whatever the data says.
        try Array(deflated).withUnsafeBytes { raw in
            XCTAssertThrowsError(try inflate(raw, from: 0, limit: 4_096)) { error in
                XCTAssertTrue("\((error as? InflateError)?.reason ?? "")".contains("more than 4,096 bytes"), "\(error)")
            }
        }
        // A gzip file whose trailer declares 4 GiB does not make the reader reserve it.
        guard let gz = try run("python3", ["-c", "import sys, gzip; d = bytearray(gzip.compress(b'0,1\\n' * 10)); "
                                           + "d[-4:] = (2**32 - 1).to_bytes(4, 'little'); sys.stdout.buffer.write(bytes(d))"]) else { return }
        assertError(.malformed, mentions: ["decompressed 40 bytes but the trailer says 4294967295"]) {
            try CSV.read(try self.file("lying.csv.gz", Array(gz)))
        }
    }

    // MARK: .npy headers

    func testNPYShapesAreParsedStrictly() throws {
        let f4 = [UInt8](repeating: 0, count: 12)
        for (shape, message) in [("(3, abc)", "holds \"abc\", not a size"), (")(", "is not a tuple of sizes"),
                                 ("(-1,)", "holds \"-1\", not a size"), ("(1, , 2)", "holds \"\", not a size")] {
            assertError(.malformed, mentions: [message]) {
                try NumPy.read(try self.file("shape.npy", self.npy(header: "{'descr': '<f4', 'fortran_order': False, 'shape': \(shape), }", data: f4)))
            }
        }
        // Huge and wrapping shapes: the element count overflows, or the bytes do not match.
        assertError(.malformed, mentions: ["more elements than can exist"]) {
            try NumPy.read(try self.file("huge.npy", self.npy(header: "{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296, 4), }", data: f4)))
        }
        assertError(.truncated, mentions: ["for shape (4611686018427387904,)"]) {
            try NumPy.read(try self.file("wrap.npy", self.npy(header: "{'descr': '<f4', 'fortran_order': False, 'shape': (4611686018427387904,), }", data: f4)))
        }
        // A 0-d array is one element; "(3,)" a vector.
        let scalar = try NumPy.read(try file("scalar.npy", npy(header: "{'descr': '<f4', 'fortran_order': False, 'shape': (), }", data: [0, 0, 128, 63])))
        XCTAssertEqual(scalar.shape, [])
        XCTAssertEqual(scalar.tensor(Float.self).scalars, [1])
    }

    func testIntegerLabelsRejectNaNAndInfinity() throws {
        for value in [Double.nan, .infinity, 1e300] {
            let data = Array(NumPy.encode(Tensor<Double>([1, value])))
            let array = try NumPy.read(try file("labels.npy", data))
            XCTAssertThrowsError(try array.integers) { error in
                XCTAssertTrue("\(error)".contains("element 1 is \(value), not an integer label") && "\(error)".contains("labels.npy"), "\(error)")
            }
        }
    }

    // MARK: IDX

    func testIDXWithAZeroDimensionCannotHideAHugeOne() throws {
        // 0 × 2^31 × 2^31: zero elements, but flattening would multiply 2^31 × 2^31 (a trap before).
        assertError(.malformed, mentions: ["dimension overflow"]) {
            try IDX.tensor(try self.file("zero.idx", self.idxHeader([0, 1 << 31, 1 << 31])), as: Float.self)
        }
        let empty = try IDX.tensor(try file("empty.idx", idxHeader([0, 28, 28])), as: Float.self)
        XCTAssertEqual(empty.shape, [0, 784])
    }

    // MARK: Loaders on well-formed but unexpected data

    func testMNISTAndBostonArchivesOfTheWrongShape() throws {
        func archive(_ arrays: [(String, [UInt8])]) -> [UInt8] { zip(arrays.map { ZipMember(name: $0.0 + ".npy", data: $0.1) }) }
        let images = Array(NumPy.encode(Tensor<Float>.zeros([20, 28, 28]))), labels = Array(NumPy.encode(Tensor<Float>.zeros([20])))
        let scalar = npy(header: "{'descr': '<f4', 'fortran_order': False, 'shape': (), }", data: [0, 0, 0, 0])
        assertError(.malformed, mentions: ["x_train.npy", "expected images of shape (count, 28, 28), found ()"]) {
            try MNIST.load(from: try self.file("scalar-mnist.npz", archive([("x_train", scalar), ("y_train", labels), ("x_test", images), ("y_test", labels)])))
        }
        let emptyImages = Array(NumPy.encode(Tensor<Float>.zeros([0, 28, 28])))
        assertError(.malformed, mentions: ["x_test.npy", "found (0, 28, 28)"]) {
            try MNIST.load(from: try self.file("empty-mnist.npz", archive([("x_train", images), ("y_train", labels), ("x_test", emptyImages), ("y_test", labels)])))
        }
        let fewLabels = Array(NumPy.encode(Tensor<Float>.zeros([7])))
        assertError(.malformed, mentions: ["20 training images but 7 labels"]) {
            try MNIST.load(from: try self.file("short-mnist.npz", archive([("x_train", images), ("y_train", fewLabels), ("x_test", images), ("y_test", labels)])))
        }
        assertError(.malformed, mentions: ["expected x of shape (506, 13) and y of shape (506,), found (20, 784) and (7,)"]) {
            try BostonHousing.load(from: try self.file("boston.npz", archive([("x", Array(NumPy.encode(Tensor<Float>.zeros([20, 784])))), ("y", fewLabels)])))
        }
    }

    func testBagOfWordsWithBlankLinesAndCRLF() throws {
        let documents = try BagOfWords.read(try file("crlf.feat", "9 0:4 1:2\r\n   \r\n\t\r\n2 3:1\r\n"))
        XCTAssertEqual(documents.map(\.rating), [9, 2])
        XCTAssertEqual(documents[1].words.map(\.index), [3])
        assertError(.malformed, mentions: ["line 2, column 2", "\"3-1\""]) { try BagOfWords.read(try self.file("bad.feat", "9 0:4\r\n2 3-1\r\n")) }
    }

    // MARK: CSV

    func testCSVNumbersMissingValuesAndTheByteOrderMark() throws {
        for cell in ["NaN", "nan", "NA", ""] {
            assertError(.missingValue, mentions: ["line 3, column 2", "1 missing value"]) {
                try CSV.parse("a,b\n1,2\n3,\(cell)\n", file: "m.csv").numbers()
            }
        }
        for cell in ["inf", "-Infinity", "1e999", "0x10", "1\u{0}2", "1,5"] {
            assertError(.malformed, mentions: ["expected a number in column 2 (b)"]) {
                try CSV.parse("a;b\n1;\(cell)\n", file: "n.csv", delimiter: ";").numbers()
            }
        }
        // A UTF-8 byte order mark: the header stays the header, its first name stays "a".
        let table = try CSV.parse("\u{FEFF}a,b\n1,2\n", file: "bom.csv")
        XCTAssertEqual(table.header, ["a", "b"])
        XCTAssertEqual(try table.column(named: "a"), 0)
        let noHeader = try CSV.read(try file("bom-numbers.csv", [0xEF, 0xBB, 0xBF] + Array("1,2\n3,4\n".utf8)))
        XCTAssertNil(noHeader.header, "a BOM does not turn the first data row into a header")
        XCTAssertEqual(try noHeader.numbers(), [[1, 2], [3, 4]])
        assertError(.malformed, mentions: ["column index 5 does not exist: the table has 2 columns"]) { try noHeader.numbers(columns: [0, 5]) }
        assertError(.malformed, mentions: ["column index -1 does not exist"]) { try noHeader.numbers(columns: [-1]) }
    }

    // MARK: Mutations of real files

    /// Valid files of every format the readers take, and the reader for each.
    func seedFiles() throws -> [(name: String, bytes: [UInt8], read: (String) throws -> Void)] {
        var rng = SeededGenerator(seed: 5)
        let mnist = ShippedData.folder.appendingPathComponent("mnist")
        let smallImages = Array(try Data(contentsOf: mnist.appendingPathComponent("t10k-labels-idx1-ubyte.gz")))
        return [
            ("labels.idx.gz", smallImages, { _ = try IDX.labels($0) }),
            ("images.idx", idxHeader([3, 4, 5]) + (0..<60).map { UInt8($0) }, { _ = try IDX.tensor($0, as: Float.self) }),
            ("a.npy", Array(NumPy.encode(Tensor<Float>.normal([3, 4], using: &rng))), { _ = try NumPy.read($0).tensor(Float.self) }),
            ("stored.npz", Array(try Data(contentsOf: fixtures.appendingPathComponent("arrays-stored.npz"))), {
                for array in try NumPy.readArchive($0).values { _ = array.tensor(Double.self); _ = try? array.integers }
            }),
            ("deflated.npz", Array(try Data(contentsOf: fixtures.appendingPathComponent("arrays-deflated.npz"))), { _ = try NumPy.readArchive($0) }),
            ("table.csv", Array("x,y,\"label, quoted\"\n1,2.5,\"a\"\"b\"\n3,-4e2,c\n".utf8), { _ = try? CSV.read($0).numbers() }),
            ("digits.csv.gz", Array(try Data(contentsOf: ShippedData.folder.appendingPathComponent("digits.csv.gz")).prefix(4_000)), {
                _ = try? CSV.read($0, header: .absent).numbers()
            }),
            ("labeledBow.feat", Array("9 0:4 1:2 12:1\n2 3:1\n10 5:1 6:2\n".utf8), { _ = try BagOfWords.read($0) }),
        ]
    }

    /// Reads `iterations` mutants of each seed file (bytes flipped, set to 0x00/0xFF, cut,
    /// repeated, inserted): any trap stops the test process, so the suite failing here means a
    /// reader crashed. `BACKPROP_FUZZ_ITERATIONS` sets the count (`make fuzz` runs many more).
    func testMutatedFilesNeverCrashTheReaders() throws {
        let iterations = ProcessInfo.processInfo.environment["BACKPROP_FUZZ_ITERATIONS"].flatMap(Int.init) ?? 300
        var rng = SeededGenerator(seed: 2026)
        var errors = 0, accepted = 0
        let start = Date()
        for seed in try seedFiles() {
            for _ in 0..<iterations {
                var bytes = seed.bytes
                for _ in 0...rng.nextInt(below: 4) {
                    guard !bytes.isEmpty else { break }
                    let at = rng.nextInt(below: bytes.count)
                    switch rng.nextInt(below: 6) {
                    case 0: bytes[at] ^= UInt8(1 << rng.nextInt(below: 8))
                    case 1: bytes[at] = rng.nextInt(below: 2) == 0 ? 0 : 0xFF
                    case 2: bytes.removeLast(rng.nextInt(below: min(bytes.count, 64)) + 1)
                    case 3: bytes.insert(contentsOf: [UInt8](repeating: UInt8(rng.nextInt(below: 256)), count: rng.nextInt(below: 16) + 1), at: at)
                    case 4: for k in at ..< min(bytes.count, at + 8) { bytes[k] = 0xFF }   // a field set to its maximum
                    default: bytes.removeSubrange(at ..< min(bytes.count, at + rng.nextInt(below: 32) + 1))
                    }
                }
                let path = try file("fuzz-" + seed.name, bytes)
                do { try seed.read(path); accepted += 1 } catch let error as DatasetError {
                    errors += 1
                    XCTAssertTrue(error.description.contains("fuzz-" + seed.name), "the error names the file: \(error)")
                } catch {
                    XCTFail("\(seed.name): a reader threw something other than a DatasetError: \(error)")
                }
            }
        }
        print("fuzz: \(iterations) mutants of each of 8 formats in \(String(format: "%.1f", Date().timeIntervalSince(start))) s: "
              + "\(errors) clear errors, \(accepted) read (mutations that left the file valid), no crash")
    }
}
