import Tensors

// Decompression for the formats datasets come in: gzip (MNIST's .gz IDX files) and raw
// deflate (members of .npz zip archives), RFC 1951/1952, in plain Swift with no C library.
//
// The decoder reads bits least-significant first from a 64-bit buffer and decodes Huffman
// codes through one lookup table per code, indexed by the next (at most 10) bits (bit-reversed
// canonical codes), so a symbol with a code of up to 10 bits costs one table lookup; the rare
// longer codes are decoded bit by bit from the code's counts.

/// Why compressed data could not be decoded (the caller adds the file name).
struct InflateError: Error {
    var offset: Int
    var reason: String
    /// True when the data simply ends too early.
    var truncated: Bool { reason.contains("truncated") }
}

/// A canonical Huffman code as a lookup table indexed by the next `bits` input bits (at most
/// `rootBits`): entry = symbol << 4 | code length for codes of at most `bits` bits; `longCode`
/// where the bits begin a longer code (decoded by `decodeLong`); 0 where they begin no code.
///
/// A table of 2^15 entries for every 15-bit code was filled for each block, and that was 14 % of
/// reading Fashion-MNIST's training images (perf); with 2^10, codes of 11 to 15 bits (symbols
/// rarer than 1 in 1,024 each) take the slow path.
private final class HuffmanTable {
    static let rootBits = 10
    /// The entry of bits that begin a code longer than `bits`.
    static let longCode: UInt32 = 1 << 4
    let entries: UnsafeMutablePointer<UInt32>
    let bits: Int
    let mask: UInt64
    let maxLength: Int
    /// How many codes have each length 0 … 15, and the symbols in the order of their codes
    /// (by length, then symbol): the canonical code, for `decodeLong`.
    let counts: [Int]
    let symbols: [Int]

    /// Builds the table from the code length of each symbol (0: unused).
    init(lengths: [UInt8], at offset: Int) throws(InflateError) {
        maxLength = Int(lengths.max() ?? 0)
        // A code with no symbols is allowed (distances, when a block has only literals).
        bits = min(max(maxLength, 1), Self.rootBits)
        mask = (1 << UInt64(bits)) - 1
        entries = .allocate(capacity: 1 << bits)
        var counts = [Int](repeating: 0, count: 16)
        for length in lengths where length > 0 { counts[Int(length)] += 1 }
        self.counts = counts
        // Only codes longer than `bits` are decoded from the symbols in code order.
        symbols = maxLength > bits
            ? lengths.indices.filter { lengths[$0] > 0 }.sorted { (lengths[$0], $0) < (lengths[$1], $1) } : []
        guard maxLength > 0 else {
            entries.initialize(repeating: 0, count: 1 << bits)
            return
        }
        // The first canonical code of each length; reject over-subscribed codes.
        var next = [Int](repeating: 0, count: 16)
        var code = 0, available = 1
        for length in 1...15 {
            code = (code + counts[length - 1]) << 1
            next[length] = code
            available = (available << 1) - counts[length]
            guard available >= 0 else { throw InflateError(offset: offset, reason: "invalid Huffman code (over-subscribed)") }
        }
        // A complete code (none available) writes every entry below; an incomplete one leaves
        // some, which must read as "no code".
        if available > 0 { entries.initialize(repeating: 0, count: 1 << bits) }
        let size = 1 << bits
        for (symbol, length) in lengths.enumerated() where length > 0 {
            let length = Int(length)
            var c = next[length]
            next[length] += 1
            // Reverse the code's bits: deflate sends Huffman codes most-significant bit first.
            var reversed = 0
            for _ in 0..<length {
                reversed = (reversed << 1) | (c & 1)
                c >>= 1
            }
            guard length <= bits else {
                entries[reversed & (size - 1)] = Self.longCode   // its first `bits` bits
                continue
            }
            let entry = UInt32(symbol) << 4 | UInt32(length)
            var index = reversed
            while index < size {
                entries[index] = entry
                index += 1 << length
            }
        }
    }

    /// The symbol whose code begins `input` (its first bit the lowest) and that code's length,
    /// read bit by bit: the codes of length n are `first ..< first + counts[n]` (RFC 1951 §3.2.2),
    /// or nil when no code does.
    func decodeLong(_ input: UInt64) -> (symbol: Int, length: Int)? {
        var input = input
        var code = 0, first = 0, index = 0
        for length in 1...maxLength {
            code |= Int(input & 1)
            input >>= 1
            let count = counts[length]
            if code - first < count { return (symbols[index + code - first], length) }
            index += count
            first = (first + count) << 1
            code <<= 1
        }
        return nil
    }

    deinit { entries.deallocate() }
}

/// The decompressed bytes, in one growing buffer (appending to a Swift array while copying
/// from it would copy the whole array on every back-reference). The owner frees it.
struct OutputBuffer {
    var base: UnsafeMutablePointer<UInt8>
    var count = 0
    var capacity: Int
    /// The most bytes the data may inflate to: past it, inflating stops with an error (a
    /// header that lies, or a decompression bomb, cannot fill the memory).
    let limit: Int

    init(capacity: Int, limit: Int = maximumInflatedSize) {
        self.limit = limit
        self.capacity = max(min(capacity, limit), 1024)
        base = .allocate(capacity: self.capacity)
        adviseHugePages(UnsafeMutableRawBufferPointer(start: base, count: self.capacity))
    }

    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

    @inline(__always) mutating func reserve(_ extra: Int) throws(InflateError) {
        guard count + extra > capacity else { return }
        guard count + extra <= limit else {
            throw InflateError(offset: 0, reason: "the data inflates to more than \(grouped(limit)) bytes"
                               + (limit < maximumInflatedSize ? ", the size its header declares" : ", the most Backprop reads (1 GiB)")
                               + ": the file is corrupt, or not what it claims")
        }
        let newCapacity = min(max(capacity * 2, count + extra), limit)
        let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        grown.update(from: base, count: count)
        base.deallocate()
        base = grown
        capacity = newCapacity
    }

    @inline(__always) mutating func append(_ byte: UInt8) throws(InflateError) {
        try reserve(1)
        base[count] = byte
        count += 1
    }

    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) throws(InflateError) {
        try reserve(bytes.count)
        if let source = bytes.baseAddress { (base + count).update(from: source, count: bytes.count) }
        count += bytes.count
    }

    /// Copies `length` bytes starting `distance` back. When they overlap, the copy repeats the
    /// last `distance` bytes: a run of one byte is a fill, longer periods go `distance` at a time.
    @inline(__always) mutating func copy(distance: Int, length: Int) throws(InflateError) {
        try reserve(length)
        let from = base + count - distance, to = base + count
        if distance >= length {
            to.update(from: from, count: length)
        } else if distance == 1 {
            to.update(repeating: from[0], count: length)
        } else {
            var done = 0
            while done < length {
                let n = min(distance, length - done)
                (to + done).update(from: from + done, count: n)
                done += n
            }
        }
        count += length
    }

    func free() { base.deallocate() }
}

/// Inflates raw deflate data from `input[start...]` (a zip member). Returns the output and the
/// offset of the first byte after the compressed stream. `expectedSize` sizes the allocation;
/// the output may not grow past `limit`.
func inflate(_ input: UnsafeRawBufferPointer, from start: Int, expectedSize: Int = 0,
             limit: Int = maximumInflatedSize) throws(InflateError) -> ([UInt8], Int) {
    var output = OutputBuffer(capacity: expectedSize > 0 ? expectedSize : input.count * 4, limit: limit)
    defer { output.free() }
    let end = try inflateStream(input, from: start, into: &output)
    return (Array(output.bytes), end)
}

private func inflateStream(_ input: UnsafeRawBufferPointer, from start: Int, into output: inout OutputBuffer) throws(InflateError) -> Int {
    var position = start                 // next byte of input to load into the bit buffer
    var bitBuffer: UInt64 = 0
    var bitCount = 0
    let bytes = input.bindMemory(to: UInt8.self)
    let end = bytes.count
    guard let base = input.baseAddress else { throw InflateError(offset: 0, reason: "no compressed data") }

    /// Tops the bit buffer up to at least 56 bits. Eight bytes are loaded at once; those that
    /// do not fit are loaded again next time, at the same bit position, so OR-ing is harmless.
    @inline(__always) func refill() {
        if position + 8 <= end {
            let word = UInt64(littleEndian: (base + position).loadUnaligned(as: UInt64.self))
            bitBuffer |= word << UInt64(bitCount)
            position += (63 - bitCount) >> 3
            bitCount |= 56
        } else {
            while bitCount <= 56 {
                let byte: UInt64 = position < end ? UInt64(bytes[position]) : 0   // zeros past the end
                bitBuffer |= byte << UInt64(bitCount)
                bitCount += 8
                position += 1
            }
        }
    }
    /// The bits consumed so far must come from real input, not the zero padding past the end.
    @inline(__always) func checkNotPastEnd() throws(InflateError) {
        if position - bitCount / 8 > end {
            throw InflateError(offset: end, reason: "the compressed data ends in the middle of a block (truncated)")
        }
    }
    @inline(__always) func take(_ n: Int) -> Int {
        let value = Int(bitBuffer & ((1 << UInt64(n)) - 1))
        bitBuffer >>= UInt64(n)
        bitCount -= n
        return value
    }
    @inline(__always) func decode(_ table: HuffmanTable) throws(InflateError) -> Int {
        let entry = table.entries[Int(bitBuffer & table.mask)]
        var length = Int(entry & 15), symbol = Int(entry >> 4)
        if length == 0 {
            guard entry == HuffmanTable.longCode, let long = table.decodeLong(bitBuffer) else {
                throw InflateError(offset: position, reason: "invalid Huffman code in the data")
            }
            (symbol, length) = long
        }
        bitBuffer >>= UInt64(length)
        bitCount -= length
        return symbol
    }

    let lengthBase = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258]
    let lengthExtra = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
    let distanceBase = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537,
                        2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577]
    let distanceExtra = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]

    var last = false
    while !last {
        refill()
        last = take(1) == 1
        let type = take(2)
        switch type {
        case 0:
            // Stored: skip to a byte boundary, then LEN and NLEN and LEN raw bytes.
            _ = take(bitCount % 8)
            let length = take(16), complement = take(16)
            guard length == (~complement & 0xFFFF) else {
                throw InflateError(offset: position, reason: "stored block length \(length) does not match its complement")
            }
            // Give back the whole bytes still in the bit buffer, then copy directly.
            position -= bitCount / 8
            bitBuffer = 0
            bitCount = 0
            guard position + length <= end else {
                throw InflateError(offset: end, reason: "a stored block of \(length) bytes runs past the end (truncated)")
            }
            try output.append(UnsafeBufferPointer(rebasing: bytes[position ..< position + length]))
            position += length
        case 1, 2:
            let literals: HuffmanTable, distances: HuffmanTable
            if type == 1 {
                literals = try HuffmanTable(lengths: (0..<288).map { $0 < 144 ? 8 : $0 < 256 ? 9 : $0 < 280 ? 7 : 8 }, at: position)
                distances = try HuffmanTable(lengths: [UInt8](repeating: 5, count: 30), at: position)
            } else {
                let literalCount = take(5) + 257, distanceCount = take(5) + 1, codeLengthCount = take(4) + 4
                let order = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]
                var codeLengths = [UInt8](repeating: 0, count: 19)
                for i in 0..<codeLengthCount {
                    refill()
                    codeLengths[order[i]] = UInt8(take(3))
                }
                let codeLengthTable = try HuffmanTable(lengths: codeLengths, at: position)
                var lengths = [UInt8]()
                lengths.reserveCapacity(literalCount + distanceCount)
                while lengths.count < literalCount + distanceCount {
                    refill()
                    let symbol = try decode(codeLengthTable)
                    switch symbol {
                    case 0...15: lengths.append(UInt8(symbol))
                    case 16:
                        guard let previous = lengths.last else {
                            throw InflateError(offset: position, reason: "code length repeat with no previous length")
                        }
                        lengths += [UInt8](repeating: previous, count: 3 + take(2))
                    case 17: lengths += [UInt8](repeating: 0, count: 3 + take(3))
                    default: lengths += [UInt8](repeating: 0, count: 11 + take(7))
                    }
                }
                guard lengths.count == literalCount + distanceCount else {
                    throw InflateError(offset: position, reason: "code lengths overrun the alphabet")
                }
                literals = try HuffmanTable(lengths: Array(lengths[..<literalCount]), at: position)
                distances = try HuffmanTable(lengths: Array(lengths[literalCount...]), at: position)
            }
            // The block's symbols: literal bytes, or (length, distance) copies of earlier output.
            while true {
                refill()
                if position > end { try checkNotPastEnd() }
                let symbol = try decode(literals)
                if symbol < 256 {
                    try output.append(UInt8(symbol))
                    continue
                }
                if symbol == 256 { break }
                guard symbol <= 285 else { throw InflateError(offset: position, reason: "invalid length symbol \(symbol)") }
                let length = lengthBase[symbol - 257] + take(lengthExtra[symbol - 257])
                let distanceSymbol = try decode(distances)
                guard distanceSymbol < 30 else { throw InflateError(offset: position, reason: "invalid distance symbol \(distanceSymbol)") }
                refill()
                let distance = distanceBase[distanceSymbol] + take(distanceExtra[distanceSymbol])
                guard distance <= output.count else {
                    throw InflateError(offset: position, reason: "a copy reaches \(distance) bytes back, before the start of the data")
                }
                try output.copy(distance: distance, length: length)
            }
            try checkNotPastEnd()
        default:
            throw InflateError(offset: position, reason: "invalid block type 3")
        }
    }
    try checkNotPastEnd()
    // Unused whole bytes in the bit buffer belong to whatever follows the stream.
    return position - bitCount / 8
}

/// True when the data starts with the gzip signature 1f 8b.
func isGzip(_ data: UnsafeRawBufferPointer) -> Bool {
    data.count >= 2 && data[0] == 0x1F && data[1] == 0x8B
}

/// Decompresses a gzip file (RFC 1952), all members, into `output`, checking each member's
/// CRC-32 and size against its trailer.
func gunzip(_ data: UnsafeRawBufferPointer, into output: inout OutputBuffer) throws(InflateError) {
    var offset = 0
    while offset < data.count {
        guard data.count - offset >= 18, data[offset] == 0x1F, data[offset + 1] == 0x8B else {
            throw InflateError(offset: offset, reason: offset == 0 ? "not a gzip file (expected bytes 1f 8b)"
                               : "unexpected bytes after the compressed data")
        }
        guard data[offset + 2] == 8 else { throw InflateError(offset: offset + 2, reason: "unknown compression method \(data[offset + 2])") }
        let flags = data[offset + 3]
        var position = offset + 10
        if flags & 4 != 0 {   // FEXTRA
            guard position + 2 <= data.count else { throw InflateError(offset: position, reason: "truncated gzip header") }
            position += 2 + Int(data[position]) + Int(data[position + 1]) << 8
        }
        for flag: UInt8 in [8, 16] where flags & flag != 0 {   // FNAME, FCOMMENT: zero-terminated
            while position < data.count && data[position] != 0 { position += 1 }
            position += 1
        }
        if flags & 2 != 0 { position += 2 }   // FHCRC
        guard position < data.count else { throw InflateError(offset: position, reason: "truncated gzip header") }
        let memberStart = output.count
        let end = try inflateStream(data, from: position, into: &output)
        guard end + 8 <= data.count else {
            throw InflateError(offset: data.count, reason: "the gzip trailer (CRC-32 and size) is missing: the file is truncated")
        }
        let crc = readLittleEndian32(data, end), size = readLittleEndian32(data, end + 4)
        let member = UnsafeRawBufferPointer(rebasing: output.bytes[memberStart...])
        guard UInt32(truncatingIfNeeded: member.count) == size else {
            throw InflateError(offset: end + 4, reason: "decompressed \(member.count) bytes but the trailer says \(size)")
        }
        guard crc32(member) == crc else {
            throw InflateError(offset: end, reason: "CRC-32 mismatch: the file is corrupt")
        }
        offset = end + 8
        // Some tools pad gzip files with zeros after the last member.
        if data[offset...].allSatisfy({ $0 == 0 }) { break }
    }
}

/// The uncompressed size a gzip file declares in its last four bytes (modulo 2^32).
func gzipDeclaredSize(_ data: UnsafeRawBufferPointer) -> Int {
    data.count >= 4 ? Int(readLittleEndian32(data, data.count - 4)) : 0
}

@inline(__always)
func readLittleEndian32(_ data: UnsafeRawBufferPointer, _ offset: Int) -> UInt32 {
    UInt32(data[offset]) | UInt32(data[offset + 1]) << 8 | UInt32(data[offset + 2]) << 16 | UInt32(data[offset + 3]) << 24
}

/// The CRC-32 (IEEE 802.3, as in gzip and zip) of `bytes`, eight bytes per step.
func crc32(_ bytes: [UInt8]) -> UInt32 {
    bytes.withUnsafeBytes { crc32($0) }
}

func crc32(_ raw: UnsafeRawBufferPointer) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    let buffer = raw.bindMemory(to: UInt8.self)
    crcTables.withUnsafeBufferPointer { table in
        var i = 0
        let n = buffer.count
        while i + 8 <= n {
            let one = crc ^ (UInt32(buffer[i]) | UInt32(buffer[i + 1]) << 8 | UInt32(buffer[i + 2]) << 16 | UInt32(buffer[i + 3]) << 24)
            let two = UInt32(buffer[i + 4]) | UInt32(buffer[i + 5]) << 8 | UInt32(buffer[i + 6]) << 16 | UInt32(buffer[i + 7]) << 24
            crc = table[7 * 256 + Int(one & 0xFF)] ^ table[6 * 256 + Int((one >> 8) & 0xFF)]
                ^ table[5 * 256 + Int((one >> 16) & 0xFF)] ^ table[4 * 256 + Int(one >> 24)]
                ^ table[3 * 256 + Int(two & 0xFF)] ^ table[2 * 256 + Int((two >> 8) & 0xFF)]
                ^ table[1 * 256 + Int((two >> 16) & 0xFF)] ^ table[Int(two >> 24)]
            i += 8
        }
        while i < n {
            crc = table[Int((crc ^ UInt32(buffer[i])) & 0xFF)] ^ (crc >> 8)
            i += 1
        }
    }
    return ~crc
}

/// Slicing-by-8 tables for CRC-32 (polynomial 0xEDB88320).
private let crcTables: [UInt32] = {
    var table = [UInt32](repeating: 0, count: 8 * 256)
    for n in 0..<256 {
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        table[n] = c
    }
    for n in 0..<256 {
        for k in 1..<8 { table[k * 256 + n] = table[(k - 1) * 256 + n] >> 8 ^ table[Int(table[(k - 1) * 256 + n] & 0xFF)] }
    }
    return table
}()
