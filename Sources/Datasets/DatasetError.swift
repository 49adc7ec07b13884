import Foundation

/// Why a data file could not be read: which file, where in it, and what was expected.
///
///     train-images-idx3-ubyte.gz, byte 16: expected 47,040,000 bytes of pixels (60000 × 28 × 28)
///     after the header, found 1,000: the file is truncated
public struct DatasetError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The kind of problem, for code that reacts to it.
    public enum Kind: String, Sendable {
        case notFound, isDirectory, empty, truncated, wrongMagic, malformed, missingValue, unsupported, unreadable
    }

    /// Where in the file.
    public enum Location: Equatable, Sendable, CustomStringConvertible {
        /// A byte offset from the start of the (decompressed) content.
        case byte(Int)
        /// A line (from 1) and optionally a column (from 1).
        case line(Int, column: Int?)
        /// A member of an archive (an array inside an .npz).
        case member(String)

        public var description: String {
            switch self {
            case .byte(let offset): "byte \(offset)"
            case .line(let line, let column?): "line \(line), column \(column)"
            case .line(let line, nil): "line \(line)"
            case .member(let name): "member \(name)"
            }
        }
    }

    public var kind: Kind
    /// The path of the file (or folder) as given.
    public var file: String
    public var location: Location?
    /// What was expected and what was found.
    public var reason: String

    public init(_ kind: Kind, file: String, at location: Location? = nil, _ reason: String) {
        self.kind = kind
        self.file = file
        self.location = location
        self.reason = reason
    }

    public var description: String {
        "\(file)" + (location.map { ", \($0)" } ?? "") + ": " + reason
    }
}

/// Reads a whole file, with errors that say what is wrong with the path.
func readFile(_ path: String) throws(DatasetError) -> Data {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
        throw DatasetError(.notFound, file: path, "no such file")
    }
    if isDirectory.boolValue {
        throw DatasetError(.isDirectory, file: path, "is a directory, expected a file")
    }
    let data: Data
    do {
        data = try Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe)
    } catch {
        throw DatasetError(.unreadable, file: path, "cannot be read: \(error.localizedDescription)")
    }
    guard !data.isEmpty else { throw DatasetError(.empty, file: path, "the file is empty") }
    return data
}

/// Calls `body` with a file's bytes, decompressed first if it is gzip-compressed (MNIST's
/// `.gz` files), without copying them again.
func withContents<T>(of path: String, _ body: (UnsafeRawBufferPointer) throws(DatasetError) -> T) throws(DatasetError) -> T {
    let data = try readFile(path)
    return try withBytes(of: data) { (raw) throws(DatasetError) -> T in
        guard isGzip(raw) else { return try body(raw) }
        // Deflate expands at most ~1032:1, so no real file inflates past that bound; the
        // allocation follows the declared size only up to it (a lying trailer cannot reserve
        // gigabytes), and the output stops at 1 GiB.
        let bound = min(maximumInflatedSize, raw.count.multipliedReportingOverflow(by: 1032).partialValue + 1024)
        var output = OutputBuffer(capacity: min(gzipDeclaredSize(raw), bound), limit: bound)
        defer { output.free() }
        do throws(InflateError) {
            try gunzip(raw, into: &output)
        } catch {
            throw DatasetError(error.truncated ? .truncated : .malformed, file: path, at: .byte(error.offset), "gzip: \(error.reason)")
        }
        return try body(output.bytes)
    }
}

/// A file's bytes, decompressed first if it is gzip-compressed.
func contents(of path: String) throws(DatasetError) -> [UInt8] {
    try withContents(of: path) { (raw) throws(DatasetError) -> [UInt8] in Array(raw) }
}

/// `withUnsafeBytes` keeping the closure's error type (the standard one only rethrows `any Error`).
func withBytes<Bytes: ContiguousBytes, T, E: Error>(of bytes: Bytes, _ body: (UnsafeRawBufferPointer) throws(E) -> T) throws(E) -> T {
    let result: Result<T, E> = bytes.withUnsafeBytes { raw in Result { () throws(E) -> T in try body(raw) } }
    return try result.get()
}

/// Reads little-endian numbers from untrusted bytes: every read is checked against the end of
/// the data and every value that becomes a size or an offset fits an `Int`, so a corrupt or
/// hostile file gives a `DatasetError` naming the byte, never a read past the buffer.
struct ByteReader {
    let raw: UnsafeRawBufferPointer
    let file: String

    var count: Int { raw.count }

    /// The `width`-byte little-endian unsigned number at `offset`.
    func number(at offset: Int, width: Int, _ what: String) throws(DatasetError) -> UInt64 {
        guard offset >= 0, width <= 8, offset <= raw.count - width else {
            throw DatasetError(.truncated, file: file, at: .byte(max(0, min(offset, raw.count))),
                               "\(what): expected \(width) bytes at byte \(offset), the data ends at byte \(raw.count)")
        }
        var value: UInt64 = 0
        for k in 0..<width { value |= UInt64(raw[offset + k]) << (8 * UInt64(k)) }
        return value
    }

    func u16(_ offset: Int, _ what: String) throws(DatasetError) -> Int { Int(try number(at: offset, width: 2, what)) }
    func u32(_ offset: Int, _ what: String) throws(DatasetError) -> Int { Int(try number(at: offset, width: 4, what)) }

    /// A 64-bit size or offset, which must be a position inside a file (at most its length).
    func u64(_ offset: Int, _ what: String) throws(DatasetError) -> Int {
        let value = try number(at: offset, width: 8, what)
        guard value <= UInt64(Int.max) else {
            throw DatasetError(.malformed, file: file, at: .byte(offset), "\(what) is \(value), too large for any file")
        }
        return Int(value)
    }

    /// `a + b`, or an error when it overflows or passes the end of the data.
    func position(_ a: Int, plus b: Int, _ what: String) throws(DatasetError) -> Int {
        let (sum, overflow) = a.addingReportingOverflow(b)
        guard !overflow, a >= 0, b >= 0, sum <= raw.count else {
            throw DatasetError(.truncated, file: file, at: .byte(max(0, min(a, raw.count))),
                               "\(what) runs to byte \(overflow ? "past 2^63" : String(sum)), past the end of the data (\(raw.count) bytes)")
        }
        return sum
    }
}

/// The most bytes a compressed file or archive member may inflate to (1 GiB): the full
/// MNIST and Fashion-MNIST sets are 47 MB; a small file claiming gigabytes is corrupt or a
/// decompression bomb, and is refused with this limit named.
let maximumInflatedSize = 1 << 30
