import Tensors

// What crosses the channel between the grader and the process that runs student code: the
// arguments of a homework function and its results. Only values, never code or verdicts: the
// grader compares the results with its reference in its own process.

/// One argument or result of a homework function.
public enum WireValue: Sendable {
    case tensor(Tensor<Double>)
    case number(Double)
    case integer(Int)
    case batches([[Int]])
    case numbers([Double])
    case generator(SeededGenerator)

    /// What the value is, for messages ("a tensor", "a number", …).
    public var kind: String {
        switch self {
        case .tensor: "a tensor"
        case .number: "a number"
        case .integer: "an integer"
        case .batches: "a list of batches"
        case .numbers: "a list of numbers"
        case .generator: "a random generator"
        }
    }
}

/// A malformed or oversized message, or a value of the wrong kind.
public struct WireError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// A Swift type that can be sent as a `WireValue`.
public protocol WireConvertible: Sendable {
    init(wire: WireValue) throws
    var wire: WireValue { get }
}

extension Tensor: WireConvertible where Scalar == Double {
    public init(wire: WireValue) throws {
        guard case .tensor(let value) = wire else { throw WireError("expected a tensor, got \(wire.kind)") }
        self = value
    }
    public var wire: WireValue { .tensor(self) }
}

extension Double: WireConvertible {
    public init(wire: WireValue) throws {
        guard case .number(let value) = wire else { throw WireError("expected a number, got \(wire.kind)") }
        self = value
    }
    public var wire: WireValue { .number(self) }
}

extension Int: WireConvertible {
    public init(wire: WireValue) throws {
        guard case .integer(let value) = wire else { throw WireError("expected an integer, got \(wire.kind)") }
        self = value
    }
    public var wire: WireValue { .integer(self) }
}

extension Array: WireConvertible where Element: WireListElement {
    public init(wire: WireValue) throws { self = try Element.list(from: wire) }
    public var wire: WireValue { Element.wire(of: self) }
}

/// The element types of the lists that can be sent: `[Double]` and `[[Int]]`.
public protocol WireListElement: Sendable {
    static func list(from wire: WireValue) throws -> [Self]
    static func wire(of list: [Self]) -> WireValue
}

extension Double: WireListElement {
    public static func list(from wire: WireValue) throws -> [Double] {
        guard case .numbers(let value) = wire else { throw WireError("expected a list of numbers, got \(wire.kind)") }
        return value
    }
    public static func wire(of list: [Double]) -> WireValue { .numbers(list) }
}

extension Array: WireListElement where Element == Int {
    public static func list(from wire: WireValue) throws -> [[Int]] {
        guard case .batches(let value) = wire else { throw WireError("expected a list of batches, got \(wire.kind)") }
        return value
    }
    public static func wire(of list: [[Int]]) -> WireValue { .batches(list) }
}

extension SeededGenerator: WireConvertible {
    public init(wire: WireValue) throws {
        guard case .generator(let value) = wire else { throw WireError("expected a random generator, got \(wire.kind)") }
        self = value
    }
    public var wire: WireValue { .generator(self) }
}

// MARK: - Binary form

/// Limits on what one message may hold, so a hostile peer cannot make the other side
/// allocate without bound.
public enum WireLimits {
    /// Bytes in one message (a frame).
    public static let messageBytes = 64 << 20
    /// Elements of one tensor or list.
    public static let elements = 4 << 20
    /// Dimensions of a tensor.
    public static let rank = 8
    /// Bytes of one string (a function name, an error message).
    public static let stringBytes = 4096
    /// Values in one message.
    public static let values = 64
}

/// Appends values in a fixed little-endian binary form.
struct WireWriter {
    var bytes: [UInt8] = []

    mutating func integer(_ value: Int) { withUnsafeBytes(of: Int64(value).littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func word(_ value: UInt64) { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func number(_ value: Double) { word(value.bitPattern) }
    mutating func string(_ value: String) {
        let utf8 = Array(value.utf8.prefix(WireLimits.stringBytes))
        integer(utf8.count)
        bytes.append(contentsOf: utf8)
    }

    mutating func value(_ value: WireValue) {
        switch value {
        case .tensor(let t):
            bytes.append(1)
            integer(t.shape.count)
            for size in t.shape { integer(size) }
            for x in t.scalars { number(x) }
        case .number(let x):
            bytes.append(2)
            number(x)
        case .integer(let n):
            bytes.append(3)
            integer(n)
        case .batches(let lists):
            bytes.append(4)
            integer(lists.count)
            for list in lists {
                integer(list.count)
                for n in list { integer(n) }
            }
        case .numbers(let xs):
            bytes.append(5)
            integer(xs.count)
            for x in xs { number(x) }
        case .generator(let g):
            bytes.append(6)
            for w in g.stateWords { word(w) }
        }
    }

    mutating func values(_ values: [WireValue]) {
        integer(values.count)
        for v in values { value(v) }
    }
}

/// Reads what `WireWriter` wrote, checking every count against what is left and the limits.
struct WireReader {
    let bytes: [UInt8]
    var position = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var isAtEnd: Bool { position == bytes.count }

    mutating func byte() throws -> UInt8 {
        guard position < bytes.count else { throw WireError("message ends early") }
        defer { position += 1 }
        return bytes[position]
    }

    mutating func word() throws -> UInt64 {
        guard bytes.count - position >= 8 else { throw WireError("message ends early") }
        var value: UInt64 = 0
        for i in 0..<8 { value |= UInt64(bytes[position + i]) << (8 * UInt64(i)) }
        position += 8
        return value
    }

    mutating func integer() throws -> Int { Int(Int64(bitPattern: try word())) }
    mutating func number() throws -> Double { Double(bitPattern: try word()) }

    /// A count of items of at least `itemBytes` bytes each, within `limit`.
    mutating func count(limit: Int, itemBytes: Int, _ what: String) throws -> Int {
        let n = try integer()
        guard n >= 0, n <= limit else { throw WireError("\(what): \(n) is out of range (0…\(limit))") }
        guard n.multipliedReportingOverflow(by: itemBytes).partialValue <= bytes.count - position else {
            throw WireError("\(what): \(n) items do not fit in the message")
        }
        return n
    }

    mutating func string() throws -> String {
        let n = try count(limit: WireLimits.stringBytes, itemBytes: 1, "string length")
        defer { position += n }
        return String(decoding: bytes[position ..< position + n], as: UTF8.self)
    }

    mutating func value() throws -> WireValue {
        switch try byte() {
        case 1:
            let rank = try count(limit: WireLimits.rank, itemBytes: 8, "tensor rank")
            var shape: [Int] = []
            var elements = 1
            for _ in 0..<rank {
                let size = try integer()
                guard size >= 0, size <= WireLimits.elements else { throw WireError("tensor dimension \(size) is out of range") }
                let (product, overflow) = elements.multipliedReportingOverflow(by: size)
                guard !overflow, product <= WireLimits.elements else { throw WireError("tensor of more than \(WireLimits.elements) elements") }
                elements = product
                shape.append(size)
            }
            guard elements * 8 <= bytes.count - position else { throw WireError("tensor of \(elements) elements does not fit in the message") }
            var scalars: [Double] = []
            scalars.reserveCapacity(elements)
            for _ in 0..<elements { scalars.append(try number()) }
            return .tensor(Tensor(shape: shape, scalars: scalars))
        case 2: return .number(try number())
        case 3: return .integer(try integer())
        case 4:
            let n = try count(limit: WireLimits.elements, itemBytes: 8, "batch count")
            var lists: [[Int]] = []
            var total = 0
            for _ in 0..<n {
                let m = try count(limit: WireLimits.elements, itemBytes: 8, "batch size")
                total += m
                guard total <= WireLimits.elements else { throw WireError("batches of more than \(WireLimits.elements) indices") }
                var list: [Int] = []
                list.reserveCapacity(m)
                for _ in 0..<m { list.append(try integer()) }
                lists.append(list)
            }
            return .batches(lists)
        case 5:
            let n = try count(limit: WireLimits.elements, itemBytes: 8, "list length")
            var xs: [Double] = []
            xs.reserveCapacity(n)
            for _ in 0..<n { xs.append(try number()) }
            return .numbers(xs)
        case 6:
            var words: [UInt64] = []
            for _ in 0..<5 { words.append(try word()) }
            guard let generator = SeededGenerator(stateWords: words) else { throw WireError("a random generator with an all-zero state") }
            return .generator(generator)
        case let tag: throw WireError("unknown value tag \(tag)")
        }
    }

    mutating func values() throws -> [WireValue] {
        let n = try count(limit: WireLimits.values, itemBytes: 1, "value count")
        var values: [WireValue] = []
        for _ in 0..<n { values.append(try value()) }
        return values
    }
}
