import Foundation
import Tensors

/// One numpy array read from a `.npy` file (or a member of an `.npz`): its shape, its element
/// type and its raw little-endian bytes in row-major order.
public struct NumPyArray: Sendable {
    /// numpy's type string without the byte order: `f4`, `f8`, `u1`, `i8`, …
    public var type: String
    public var shape: [Int]
    /// The elements' bytes, row-major, little-endian (converted on reading if needed).
    public var bytes: [UInt8]
    /// The file (and member) it was read from, for messages.
    public var source: String = ""

    public var count: Int { Shape.elementCount(shape) }

    /// The elements as a tensor of `S`.
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    public func tensor<S: TensorScalar>(_ type: S.Type = S.self) -> Tensor<S> {
        Tensor(shape: shape, scalars: values(S.self))
    }

    /// The elements as integers (class labels), rounding floating-point values. NaN, infinity
    /// or a value too large for an `Int` is an error naming the element.
    public var integers: [Int] {
        get throws(DatasetError) {
            var result: [Int] = []
            result.reserveCapacity(count)
            for (i, value) in values(Double.self).enumerated() {
                guard value.isFinite, abs(value) < 9.0e18 else {
                    throw DatasetError(.malformed, file: source, "element \(i) is \(value), not an integer label")
                }
                result.append(Int(value.rounded()))
            }
            return result
        }
    }

    @_specialize(where S == Float)
    @_specialize(where S == Double)
    private func values<S: TensorScalar>(_: S.Type) -> [S] {
        bytes.withUnsafeBytes { raw in
            switch type {
            case "u1": return raw.bindMemory(to: UInt8.self).map { S($0) }
            case "i1": return raw.bindMemory(to: Int8.self).map { S($0) }
            case "u2": return (0..<count).map { S(raw.loadUnaligned(fromByteOffset: 2 * $0, as: UInt16.self)) }
            case "i2": return (0..<count).map { S(raw.loadUnaligned(fromByteOffset: 2 * $0, as: Int16.self)) }
            case "u4": return (0..<count).map { S(raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self)) }
            case "i4": return (0..<count).map { S(raw.loadUnaligned(fromByteOffset: 4 * $0, as: Int32.self)) }
            case "u8": return (0..<count).map { S(raw.loadUnaligned(fromByteOffset: 8 * $0, as: UInt64.self)) }
            case "i8": return (0..<count).map { S(raw.loadUnaligned(fromByteOffset: 8 * $0, as: Int64.self)) }
            case "f4": return (0..<count).map { S(raw.loadUnaligned(fromByteOffset: 4 * $0, as: Float.self)) }
            default: return (0..<count).map { S(raw.loadUnaligned(fromByteOffset: 8 * $0, as: Double.self)) }   // f8
            }
        }
    }

    /// Bytes per element of each supported type.
    static let itemSizes = ["u1": 1, "i1": 1, "b1": 1, "u2": 2, "i2": 2, "u4": 4, "i4": 4, "u8": 8, "i8": 8, "f4": 4, "f8": 8]
}

/// numpy's `.npy` and `.npz` formats: arrays Keras ships its datasets in (`mnist.npz`,
/// `boston_housing.npz`), and a way to hand tensors to numpy.
public enum NumPy {
    /// Reads one array from a `.npy` file.
    public static func read(_ path: String) throws(DatasetError) -> NumPyArray {
        let data = try readFile(path)
        return try withBytes(of: data) { (raw) throws(DatasetError) -> NumPyArray in try decode(raw, file: path) }
    }

    /// Reads every array of an `.npz` archive (numpy's `savez` or `savez_compressed`), by name
    /// without the `.npy` suffix: `["x_train": …, "y_train": …]`.
    public static func readArchive(_ path: String) throws(DatasetError) -> [String: NumPyArray] {
        let data = try readFile(path)
        var arrays: [String: NumPyArray] = [:]
        for (name, bytes) in try ZipArchive.members(of: data, file: path) {
            let key = name.hasSuffix(".npy") ? String(name.dropLast(4)) : name
            arrays[key] = try withBytes(of: bytes) { (raw) throws(DatasetError) -> NumPyArray in
                try decode(raw, file: "\(path) (\(name))")
            }
        }
        return arrays
    }

    /// Writes `tensor` as a `.npy` file (`<f4` for Float, `<f8` for Double) that
    /// `numpy.load` reads.
    public static func write<S: TensorScalar>(_ tensor: Tensor<S>, to path: String) throws(DatasetError) {
        do {
            try encode(tensor).write(to: URL(fileURLWithPath: path))
        } catch {
            throw DatasetError(.unreadable, file: path, "cannot be written: \(error.localizedDescription)")
        }
    }

    /// The bytes of a version 1.0 `.npy` file holding `tensor`.
    public static func encode<S: TensorScalar>(_ tensor: Tensor<S>) -> Data {
        let shape = tensor.rank == 1 ? "(\(tensor.shape[0]),)" : "(" + tensor.shape.map(String.init).joined(separator: ", ") + ")"
        var header = "{'descr': '<f\(MemoryLayout<S>.size)', 'fortran_order': False, 'shape': \(shape), }"
        // Magic (6) + version (2) + length (2) + header + newline, padded with spaces to 64 bytes.
        let unpadded = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var data = Data([0x93] + Array("NUMPY".utf8) + [1, 0])
        let length = UInt16(header.utf8.count)
        data.append(contentsOf: [UInt8(length & 0xFF), UInt8(length >> 8)])
        data.append(contentsOf: Array(header.utf8))
        tensor.withUnsafeBufferPointer { data.append(UnsafeBufferPointer(start: $0.baseAddress, count: $0.count)) }
        return data
    }

    /// Parses the bytes of a `.npy` file.
    static func decode(_ raw: UnsafeRawBufferPointer, file: String) throws(DatasetError) -> NumPyArray {
        let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)
        guard raw.count >= 10 else {
            throw DatasetError(.truncated, file: file, at: .byte(raw.count), "expected a .npy header of at least 10 bytes, found \(raw.count) bytes")
        }
        guard Array(raw[0..<6]) == magic else {
            throw DatasetError(.wrongMagic, file: file, at: .byte(0), "expected the .npy magic \\x93NUMPY, found \(Array(raw[0..<6]).map { String($0, radix: 16) })")
        }
        let major = raw[6]
        let headerLength: Int, headerStart: Int
        switch major {
        case 1:
            headerLength = Int(raw[8]) | Int(raw[9]) << 8
            headerStart = 10
        case 2, 3:
            guard raw.count >= 12 else { throw DatasetError(.truncated, file: file, at: .byte(raw.count), "truncated .npy header") }
            headerLength = Int(readLittleEndian32(raw, 8))
            headerStart = 12
        default:
            throw DatasetError(.unsupported, file: file, at: .byte(6), ".npy version \(major) is not supported (1, 2 or 3)")
        }
        guard headerStart + headerLength <= raw.count else {
            throw DatasetError(.truncated, file: file, at: .byte(raw.count), "the header says \(headerLength) bytes, the file ends first")
        }
        let header = String(decoding: raw[headerStart ..< headerStart + headerLength], as: UTF8.self)
        func field(_ key: String) -> String? {
            guard let range = header.range(of: "'\(key)':") else { return nil }
            return String(header[range.upperBound...]).trimmingCharacters(in: .whitespaces)
        }
        guard let descrField = field("descr"), descrField.hasPrefix("'"),
              let descr = descrField.dropFirst().split(separator: "'").first.map(String.init),
              let orderField = field("fortran_order"), let shapeField = field("shape"),
              let open = shapeField.firstIndex(of: "("), let close = shapeField.firstIndex(of: ")") else {
            throw DatasetError(.malformed, file: file, at: .byte(headerStart), "expected a header dictionary with 'descr', 'fortran_order' and 'shape', found \(header)")
        }
        guard open < close else {
            throw DatasetError(.malformed, file: file, at: .byte(headerStart), "the shape \(shapeField.prefix(40)) is not a tuple of sizes")
        }
        // "(60000, 28, 28)", "(3,)" or "()": sizes separated by commas, a trailing comma allowed.
        var pieces = shapeField[shapeField.index(after: open) ..< close].split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        if pieces.count > 1 && pieces.last == "" { pieces.removeLast() }
        if pieces == [""] { pieces = [] }
        var shape: [Int] = []
        for piece in pieces {
            guard let size = Int(piece.hasSuffix("L") ? String(piece.dropLast()) : piece), size >= 0 else {
                throw DatasetError(.malformed, file: file, at: .byte(headerStart),
                                   "the shape \(shapeField[open ... close]) holds \"\(piece)\", not a size (a whole number ≥ 0)")
            }
            shape.append(size)
        }
        let order = descr.first ?? "<", type = String(descr.dropFirst())
        guard let itemSize = NumPyArray.itemSizes[type], "<>|=".contains(order) else {
            throw DatasetError(.unsupported, file: file, at: .byte(headerStart), "element type '\(descr)' is not supported (numbers only: f4, f8, u1, i1, …, i8)")
        }
        // The element count and byte count must fit (a hostile header can claim 2^70 elements).
        var count = 1
        for size in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: size)
            guard !overflow else {
                throw DatasetError(.malformed, file: file, at: .byte(headerStart), "the shape \(Shape.describe(shape)) has more elements than can exist")
            }
            count = product
        }
        let (byteCount, overflow) = count.multipliedReportingOverflow(by: itemSize)
        let dataStart = headerStart + headerLength
        guard !overflow, raw.count - dataStart == byteCount else {
            throw DatasetError(.truncated, file: file, at: .byte(dataStart),
                               "expected \(overflow ? "more than 2^63" : grouped(byteCount)) bytes of data for shape \(Shape.describe(shape)) of '\(descr)', found \(grouped(raw.count - dataStart))")
        }
        var bytes = Array(raw[dataStart...])
        if order == ">" && itemSize > 1 {
            for start in stride(from: 0, to: bytes.count, by: itemSize) { bytes[start ..< start + itemSize].reverse() }
        }
        var array = NumPyArray(type: type == "b1" ? "u1" : type, shape: shape, bytes: bytes, source: file)
        if orderField.hasPrefix("True") && shape.count > 1 {
            // Column-major: the bytes are the transpose; reorder them to row-major.
            let transposed = Tensor<Double>(shape: shape.reversed(), scalars: array.tensor(Double.self).scalars)
                .permuted(Array((0..<shape.count).reversed()))
            array = NumPyArray(type: "f8", shape: shape, bytes: transposed.scalars.withUnsafeBytes { Array($0) }, source: file)
        }
        return array
    }
}

/// The members of a zip archive (as `.npz` files are), stored or deflated, with zip64 sizes.
/// Every field is read through `ByteReader`: checked against its record and the file.
enum ZipArchive {
    static func members(of data: Data, file: String) throws(DatasetError) -> [(String, [UInt8])] {
        try withBytes(of: data) { (raw) throws(DatasetError) -> [(String, [UInt8])] in
            let reader = ByteReader(raw: raw, file: file)
            // The end-of-central-directory record: the last "PK\u{5}\u{6}" in the final 64 KiB.
            var eocd = -1
            var i = raw.count - 22
            while i >= max(0, raw.count - 65_557) {
                if try reader.u32(i, "signature") == 0x0605_4B50 { eocd = i; break }
                i -= 1
            }
            guard eocd >= 0 else {
                throw DatasetError(.wrongMagic, file: file, at: .byte(max(0, raw.count - 22)),
                                   "not a zip archive: no end-of-central-directory record (PK\\5\\6)")
            }
            var entryCount = try reader.u16(eocd + 10, "the number of entries")
            var directory = try reader.u32(eocd + 16, "the central directory's offset")
            // Zip64: the real count and offset are in the zip64 end record.
            let zip64 = (directory == 0xFFFF_FFFF || entryCount == 0xFFFF) && eocd >= 20
            let locator = zip64 ? try reader.u32(eocd - 20, "zip64 locator") : 0
            if locator == 0x0706_4B50 {
                let record = try reader.u64(eocd - 20 + 8, "the zip64 end record's offset")
                guard record <= raw.count - 56, try reader.u32(record, "zip64 end record") == 0x0606_4B50 else {
                    throw DatasetError(.malformed, file: file, at: .byte(eocd - 20), "the zip64 end record is missing")
                }
                entryCount = try reader.u64(record + 32, "the zip64 number of entries")
                directory = try reader.u64(record + 48, "the zip64 central directory's offset")
            }
            // Each entry takes at least 46 bytes: a count that cannot fit is a corrupt header.
            guard entryCount <= raw.count / 46 else {
                throw DatasetError(.malformed, file: file, at: .byte(eocd), "the archive claims \(entryCount) entries; \(raw.count) bytes hold at most \(raw.count / 46)")
            }
            var members: [(String, [UInt8])] = []
            var offset = directory
            for _ in 0..<entryCount {
                guard offset <= raw.count - 46, try reader.u32(offset, "central directory entry") == 0x0201_4B50 else {
                    throw DatasetError(.malformed, file: file, at: .byte(max(0, min(offset, raw.count))), "expected a central directory entry (PK\\1\\2)")
                }
                let method = try reader.u16(offset + 10, "compression method")
                let crc = UInt32(try reader.u32(offset + 16, "CRC-32"))
                var compressedSize = try reader.u32(offset + 20, "compressed size")
                var size = try reader.u32(offset + 24, "size")
                let nameLength = try reader.u16(offset + 28, "name length")
                let extraLength = try reader.u16(offset + 30, "extra field length")
                let commentLength = try reader.u16(offset + 32, "comment length")
                var localHeader = try reader.u32(offset + 42, "local header offset")
                let nameEnd = try reader.position(offset + 46, plus: nameLength, "the entry's name")
                let extraEnd = try reader.position(nameEnd, plus: extraLength, "the entry's extra field")
                let name = String(decoding: raw[offset + 46 ..< nameEnd], as: UTF8.self)
                // The zip64 extra field (id 1) holds the sizes and offset that did not fit in 32 bits.
                var extra = nameEnd
                while extra + 4 <= extraEnd {
                    let id = try reader.u16(extra, "extra field id")
                    let fieldEnd = try reader.position(extra + 4, plus: try reader.u16(extra + 2, "extra field length"), "an extra field of \(name)")
                    guard fieldEnd <= extraEnd else {
                        throw DatasetError(.malformed, file: file, at: .byte(extra), "an extra field of \(name) runs past its entry")
                    }
                    if id == 1 {
                        var field = extra + 4
                        func next(_ what: String) throws(DatasetError) -> Int {
                            guard field + 8 <= fieldEnd else {
                                throw DatasetError(.malformed, file: file, at: .byte(field), "the zip64 field of \(name) has no \(what)")
                            }
                            defer { field += 8 }
                            return try reader.u64(field, "the zip64 \(what) of \(name)")
                        }
                        if size == 0xFFFF_FFFF { size = try next("size") }
                        if compressedSize == 0xFFFF_FFFF { compressedSize = try next("compressed size") }
                        if localHeader == 0xFFFF_FFFF { localHeader = try next("local header offset") }
                    }
                    extra = fieldEnd
                }
                offset = try reader.position(extraEnd, plus: commentLength, "the entry's comment")
                guard localHeader <= raw.count - 30, try reader.u32(localHeader, "local header") == 0x0403_4B50 else {
                    throw DatasetError(.malformed, file: file, at: .byte(max(0, min(localHeader, raw.count))), "expected the local header of \(name) (PK\\3\\4)")
                }
                let start = localHeader + 30 + (try reader.u16(localHeader + 26, "local name length")) + (try reader.u16(localHeader + 28, "local extra length"))
                guard start <= raw.count, compressedSize <= raw.count - start else {
                    throw DatasetError(.truncated, file: file, at: .member(name),
                                       "expected \(grouped(compressedSize)) bytes of data, the archive ends first")
                }
                guard size <= maximumInflatedSize else {
                    throw DatasetError(.unsupported, file: file, at: .member(name),
                                       "declares \(grouped(size)) bytes; Backprop reads members of at most \(grouped(maximumInflatedSize)) bytes")
                }
                let bytes: [UInt8]
                switch method {
                case 0:
                    bytes = Array(raw[start ..< start + compressedSize])
                case 8:
                    do throws(InflateError) {
                        // The member may not inflate past the size its header declares.
                        bytes = try inflate(UnsafeRawBufferPointer(rebasing: raw[start ..< start + compressedSize]), from: 0,
                                            expectedSize: size, limit: size).0
                    } catch {
                        throw DatasetError(.malformed, file: file, at: .member(name), error.reason)
                    }
                default:
                    throw DatasetError(.unsupported, file: file, at: .member(name), "compression method \(method) is not supported (stored or deflate)")
                }
                guard bytes.count == size, crc32(bytes) == crc else {
                    throw DatasetError(.malformed, file: file, at: .member(name),
                                       "expected \(grouped(size)) bytes with CRC-32 \(String(crc, radix: 16)), found \(grouped(bytes.count)) bytes that do not match")
                }
                members.append((name, bytes))
            }
            return members
        }
    }
}
