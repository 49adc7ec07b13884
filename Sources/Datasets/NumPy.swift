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

    public var count: Int { Shape.elementCount(shape) }

    /// The elements as a tensor of `S`.
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    public func tensor<S: TensorScalar>(_ type: S.Type = S.self) -> Tensor<S> {
        Tensor(shape: shape, scalars: values(S.self))
    }

    /// The elements as integers (class labels), rounding floating-point values.
    public var integers: [Int] { values(Double.self).map { Int($0.rounded()) } }

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
        let shape = shapeField[shapeField.index(after: open) ..< close].split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.compactMap { Int($0) }
        let order = descr.first ?? "<", type = String(descr.dropFirst())
        guard let itemSize = NumPyArray.itemSizes[type], "<>|=".contains(order) else {
            throw DatasetError(.unsupported, file: file, at: .byte(headerStart), "element type '\(descr)' is not supported (numbers only: f4, f8, u1, i1, …, i8)")
        }
        let count = shape.reduce(1) { $0.multipliedReportingOverflow(by: $1).partialValue }
        let dataStart = headerStart + headerLength
        guard raw.count - dataStart == count * itemSize else {
            throw DatasetError(.truncated, file: file, at: .byte(dataStart),
                               "expected \(grouped(count * itemSize)) bytes of data for shape \(Shape.describe(shape)) of '\(descr)', found \(grouped(raw.count - dataStart))")
        }
        var bytes = Array(raw[dataStart...])
        if order == ">" && itemSize > 1 {
            for start in stride(from: 0, to: bytes.count, by: itemSize) { bytes[start ..< start + itemSize].reverse() }
        }
        var array = NumPyArray(type: type == "b1" ? "u1" : type, shape: shape, bytes: bytes)
        if orderField.hasPrefix("True") && shape.count > 1 {
            // Column-major: the bytes are the transpose; reorder them to row-major.
            let transposed = Tensor<Double>(shape: shape.reversed(), scalars: array.tensor(Double.self).scalars)
                .permuted(Array((0..<shape.count).reversed()))
            array = NumPyArray(type: "f8", shape: shape, bytes: transposed.scalars.withUnsafeBytes { Array($0) })
        }
        return array
    }
}

/// The members of a zip archive (as `.npz` files are), stored or deflated, with zip64 sizes.
enum ZipArchive {
    static func members(of data: Data, file: String) throws(DatasetError) -> [(String, [UInt8])] {
        try withBytes(of: data) { (raw) throws(DatasetError) -> [(String, [UInt8])] in
            // The end-of-central-directory record: the last "PK\u{5}\u{6}" in the final 64 KiB.
            var eocd = -1
            var i = raw.count - 22
            while i >= max(0, raw.count - 65_557) {
                if readLittleEndian32(raw, i) == 0x0605_4B50 { eocd = i; break }
                i -= 1
            }
            guard eocd >= 0 else {
                throw DatasetError(.wrongMagic, file: file, at: .byte(max(0, raw.count - 22)),
                                   "not a zip archive: no end-of-central-directory record (PK\\5\\6)")
            }
            var entryCount = Int(UInt16(raw[eocd + 10]) | UInt16(raw[eocd + 11]) << 8)
            var directory = Int(readLittleEndian32(raw, eocd + 16))
            // Zip64: the real count and offset are in the zip64 end record.
            if (directory == 0xFFFF_FFFF || entryCount == 0xFFFF) && eocd >= 20 && readLittleEndian32(raw, eocd - 20) == 0x0706_4B50 {
                let record = Int(readLittleEndian64(raw, eocd - 20 + 8))
                guard record + 56 <= raw.count, readLittleEndian32(raw, record) == 0x0606_4B50 else {
                    throw DatasetError(.malformed, file: file, at: .byte(eocd - 20), "the zip64 end record is missing")
                }
                entryCount = Int(readLittleEndian64(raw, record + 32))
                directory = Int(readLittleEndian64(raw, record + 48))
            }
            var members: [(String, [UInt8])] = []
            var offset = directory
            for _ in 0..<entryCount {
                guard offset + 46 <= raw.count, readLittleEndian32(raw, offset) == 0x0201_4B50 else {
                    throw DatasetError(.malformed, file: file, at: .byte(offset), "expected a central directory entry (PK\\1\\2)")
                }
                let method = Int(raw[offset + 10]) | Int(raw[offset + 11]) << 8
                let crc = readLittleEndian32(raw, offset + 16)
                var compressedSize = Int(readLittleEndian32(raw, offset + 20))
                var size = Int(readLittleEndian32(raw, offset + 24))
                let nameLength = Int(raw[offset + 28]) | Int(raw[offset + 29]) << 8
                let extraLength = Int(raw[offset + 30]) | Int(raw[offset + 31]) << 8
                let commentLength = Int(raw[offset + 32]) | Int(raw[offset + 33]) << 8
                var localHeader = Int(readLittleEndian32(raw, offset + 42))
                guard offset + 46 + nameLength + extraLength <= raw.count else {
                    throw DatasetError(.truncated, file: file, at: .byte(offset), "the central directory is truncated")
                }
                let name = String(decoding: raw[offset + 46 ..< offset + 46 + nameLength], as: UTF8.self)
                // The zip64 extra field (id 1) holds the sizes and offset that did not fit in 32 bits.
                var extra = offset + 46 + nameLength
                let extraEnd = extra + extraLength
                while extra + 4 <= extraEnd {
                    let id = Int(raw[extra]) | Int(raw[extra + 1]) << 8
                    let length = Int(raw[extra + 2]) | Int(raw[extra + 3]) << 8
                    if id == 1 {
                        var field = extra + 4
                        if size == 0xFFFF_FFFF { size = Int(readLittleEndian64(raw, field)); field += 8 }
                        if compressedSize == 0xFFFF_FFFF { compressedSize = Int(readLittleEndian64(raw, field)); field += 8 }
                        if localHeader == 0xFFFF_FFFF { localHeader = Int(readLittleEndian64(raw, field)) }
                    }
                    extra += 4 + length
                }
                offset = extraEnd + commentLength
                guard localHeader + 30 <= raw.count, readLittleEndian32(raw, localHeader) == 0x0403_4B50 else {
                    throw DatasetError(.malformed, file: file, at: .byte(localHeader), "expected the local header of \(name) (PK\\3\\4)")
                }
                let start = localHeader + 30 + (Int(raw[localHeader + 26]) | Int(raw[localHeader + 27]) << 8)
                    + (Int(raw[localHeader + 28]) | Int(raw[localHeader + 29]) << 8)
                guard start + compressedSize <= raw.count else {
                    throw DatasetError(.truncated, file: file, at: .member(name),
                                       "expected \(grouped(compressedSize)) bytes of data, the archive ends first")
                }
                let bytes: [UInt8]
                switch method {
                case 0:
                    bytes = Array(raw[start ..< start + compressedSize])
                case 8:
                    do throws(InflateError) {
                        bytes = try inflate(UnsafeRawBufferPointer(rebasing: raw[start ..< start + compressedSize]), from: 0,
                                            expectedSize: size).0
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

@inline(__always)
func readLittleEndian64(_ data: UnsafeRawBufferPointer, _ offset: Int) -> UInt64 {
    UInt64(readLittleEndian32(data, offset)) | UInt64(readLittleEndian32(data, offset + 4)) << 32
}
