import Foundation
import Tensors

/// The IDX format MNIST is distributed in (LeCun): a 4-byte magic number (0, 0, element type,
/// number of dimensions), each dimension as a big-endian 32-bit integer, then the elements.
/// MNIST's images are `0x00000803` (unsigned bytes, 3 dimensions: count × 28 × 28), its labels
/// `0x00000801`. Files may be gzip-compressed (`.gz`), as they are usually downloaded.
public enum IDX {
    /// An IDX file's content: its dimensions and its unsigned-byte elements.
    public struct Content: Sendable {
        public var shape: [Int]
        public var bytes: [UInt8]
    }

    /// Reads an IDX file of unsigned bytes, gzip-compressed or not, checking that its length
    /// is exactly what the header says.
    public static func read(_ path: String) throws(DatasetError) -> Content {
        try withContents(of: path) { (raw) throws(DatasetError) -> Content in
            let (shape, start) = try parse(raw, file: path)
            return Content(shape: shape, bytes: Array(raw[start...]))
        }
    }

    /// Reads an IDX file as a tensor of its values (0–255 for MNIST pixels), each example
    /// flattened into a row when `flatten` is true: (60000, 28, 28) → (60000, 784).
    public static func tensor<S: TensorScalar>(_ path: String, flatten: Bool = true, as type: S.Type = S.self) throws(DatasetError) -> Tensor<S> {
        try withContents(of: path) { (raw) throws(DatasetError) -> Tensor<S> in
            let (shape, start) = try parse(raw, file: path)
            let rows = flatten && shape.count > 1 ? [shape[0], shape.dropFirst().reduce(1, *)] : shape
            return bytesToTensor(UnsafeRawBufferPointer(rebasing: raw[start...]), shape: rows)
        }
    }

    /// Reads an IDX file of labels as integers.
    public static func labels(_ path: String) throws(DatasetError) -> [Int] {
        let content = try read(path)
        guard content.shape.count == 1 else {
            throw DatasetError(.malformed, file: path, at: .byte(3), "expected labels (1 dimension), found \(content.shape.count) dimensions \(Shape.describe(content.shape))")
        }
        return content.bytes.map { Int($0) }
    }

    /// Checks the header and the length; returns the dimensions and where the data starts.
    static func parse(_ raw: UnsafeRawBufferPointer, file: String) throws(DatasetError) -> (shape: [Int], dataStart: Int) {
        guard raw.count >= 4 else {
            throw DatasetError(.truncated, file: file, at: .byte(raw.count), "expected a 4-byte magic number, found \(raw.count) bytes")
        }
        guard raw[0] == 0 && raw[1] == 0 else {
            throw DatasetError(.wrongMagic, file: file, at: .byte(0),
                               "expected an IDX magic number 00 00 <type> <dimensions>, found \(raw[0..<4].map { String(format: "%02x", $0) }.joined(separator: " "))")
        }
        guard raw[2] == 0x08 else {
            let names: [UInt8: String] = [0x09: "signed bytes", 0x0B: "shorts", 0x0C: "ints", 0x0D: "floats", 0x0E: "doubles"]
            throw DatasetError(.unsupported, file: file, at: .byte(2),
                               "expected element type 0x08 (unsigned bytes), found 0x\(String(format: "%02x", raw[2]))" + (names[raw[2]].map { " (\($0))" } ?? ""))
        }
        let rank = Int(raw[3])
        guard rank >= 1 else { throw DatasetError(.malformed, file: file, at: .byte(3), "expected at least 1 dimension, found 0") }
        let headerSize = 4 + 4 * rank
        guard raw.count >= headerSize else {
            throw DatasetError(.truncated, file: file, at: .byte(raw.count), "expected \(rank) dimensions (\(headerSize) header bytes), the file ends after \(raw.count)")
        }
        var shape: [Int] = []
        var count = 1
        // The guard runs on the product of the dimensions that are not 0: a 0 first dimension
        // must not hide 2^32 × 2^32 behind it (flattening would multiply them later).
        var nonZero = 1
        for axis in 0..<rank {
            let offset = 4 + 4 * axis
            let dimension = Int(UInt32(raw[offset]) << 24 | UInt32(raw[offset + 1]) << 16 | UInt32(raw[offset + 2]) << 8 | UInt32(raw[offset + 3]))
            let (product, overflow) = nonZero.multipliedReportingOverflow(by: max(dimension, 1))
            // 2^36 bytes (64 GiB) is far beyond any IDX file: such dimensions mean a corrupt header.
            guard !overflow, product <= 1 << 36 else {
                throw DatasetError(.malformed, file: file, at: .byte(offset),
                                   "dimension \(axis + 1) is \(grouped(dimension)): \((shape + [dimension]).map { grouped($0) }.joined(separator: " × ")) "
                                   + "elements is more than any IDX file holds (dimension overflow: the header is corrupt)")
            }
            shape.append(dimension)
            nonZero = product
            count *= dimension
        }
        let found = raw.count - headerSize
        guard found == count else {
            throw DatasetError(found < count ? .truncated : .malformed, file: file, at: .byte(headerSize),
                               "expected \(grouped(count)) bytes of data (\(shape.map(String.init).joined(separator: " × "))) after the header, found \(grouped(found))"
                               + (found < count ? ": the file is truncated" : ": \(grouped(found - count)) bytes too many"))
        }
        return (shape, headerSize)
    }
}

/// Unsigned bytes as a tensor, at memory speed (the full MNIST set is 47 million of them).
@_specialize(where S == Float)
@_specialize(where S == Double)
func bytesToTensor<S: TensorScalar>(_ bytes: UnsafeRawBufferPointer, shape: [Int]) -> Tensor<S> {
    Tensor<S>(shape: shape, unsafeUninitialized: { out in
        let source = bytes.bindMemory(to: UInt8.self)
        for i in 0..<source.count { out[i] = S(source[i]) }
    })
}
