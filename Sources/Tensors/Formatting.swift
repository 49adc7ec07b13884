#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// Printing tensors the way numpy does, so lesson output reads like a notebook:
//
//     [[ 1.5 , -2.  ],
//      [ 0.25,  4.  ]]
//
// One number format for the whole tensor (at most 4 decimals, trailing zeros trimmed, or
// scientific notation for very large or small values), columns aligned, and large tensors
// summarized with "..." (the first and last 3 entries along each axis).

extension Tensor: CustomStringConvertible, CustomDebugStringConvertible {
    /// The elements, nested by axis and aligned.
    public var description: String { TensorFormatter(self).render() }

    /// The elements plus the shape and element type: `Tensor<f32> (2, 2) [[1., 2.], [3., 4.]]`.
    public var debugDescription: String { "Tensor<\(Scalar.typeName)> \(Shape.describe(shape)) \(description)" }
}

/// Formats one number like C's printf (`"%.4f"`), without Foundation. Zero prints as 0 whatever its
/// sign: −0 (a negative number times 0, such as the gradient through a dropped unit) is no
/// different from 0, and "-0.0000" would read as a tiny negative number.
public func formatNumber(_ format: String, _ value: Double) -> String {
    let value = value == 0 ? 0 : value
    var buffer = [CChar](repeating: 0, count: 64)
    _ = withVaList([value]) { arguments in
        buffer.withUnsafeMutableBufferPointer { vsnprintf($0.baseAddress, $0.count, format, arguments) }
    }
    return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

extension Duration {
    /// The duration in seconds, as a Double (for measured times: `clock.measure { … }.seconds`).
    public var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}

/// An integer with thousands separators, for counts in messages and tables: 235146 → "235,146".
public func grouped(_ n: Int) -> String {
    let digits = String(n.magnitude)
    var result = ""
    for (i, digit) in digits.enumerated() {
        if i > 0 && (digits.count - i) % 3 == 0 { result += "," }
        result.append(digit)
    }
    return (n < 0 ? "-" : "") + result
}

struct TensorFormatter<S: TensorScalar> {
    let shape: [Int]
    let scalars: [S]
    let summarize: Bool
    static var edgeItems: Int { 3 }

    init(_ tensor: Tensor<S>) {
        shape = tensor.shape
        scalars = tensor.scalars
        summarize = tensor.count > 1000
    }

    /// The indices shown along an axis of length n (nil marks the "..." gap).
    func shownIndices(_ n: Int) -> [Int?] {
        let edge = Self.edgeItems
        guard summarize && n > 2 * edge else { return (0..<n).map { $0 } }
        return (0..<edge).map { $0 } + [nil] + ((n - edge)..<n).map { $0 }
    }

    /// The numbers that will be shown, for choosing one common format.
    func shownValues() -> [Double] {
        var values: [Double] = []
        let strides = Shape.strides(shape)
        func visit(_ axis: Int, _ base: Int) {
            if axis == shape.count {
                values.append(Double(scalars[base]))
                return
            }
            for case let i? in shownIndices(shape[axis]) { visit(axis + 1, base + i * strides[axis]) }
        }
        if !scalars.isEmpty { visit(0, 0) }
        return values
    }

    func render() -> String {
        let values = shownValues()
        let format = NumberFormat(values)
        var width = 0
        for v in values { width = Swift.max(width, format.string(v).count) }
        let strides = Shape.strides(shape)
        func pad(_ s: String) -> String { String(repeating: " ", count: Swift.max(0, width - s.count)) + s }
        func block(_ axis: Int, _ base: Int) -> String {
            if axis == shape.count { return pad(format.string(Double(scalars[base]))) }
            let indent = String(repeating: " ", count: axis + 1)
            let separator = axis == shape.count - 1 ? ", "
                : "," + String(repeating: "\n", count: shape.count - axis - 1) + indent
            let parts = shownIndices(shape[axis]).map { i in
                i.map { block(axis + 1, base + $0 * strides[axis]) } ?? "..."
            }
            return "[" + parts.joined(separator: separator) + "]"
        }
        if shape.isEmpty { return format.string(Double(scalars[0])) }
        return block(0, 0)
    }
}

/// One printf format for all numbers of a tensor.
struct NumberFormat {
    var scientific = false
    var decimals = 0

    init(_ values: [Double]) {
        let finite = values.filter { $0.isFinite }
        let largest = finite.map(\.magnitude).max() ?? 0
        let smallest = finite.map(\.magnitude).filter { $0 > 0 }.min() ?? 0
        if largest >= 1e8 || (smallest > 0 && smallest < 1e-4) {
            scientific = true
            decimals = 4
            return
        }
        // As few decimals as show every number to 4 decimal places.
        for d in 0...4 {
            if finite.allSatisfy({ formatNumber("%.\(d)f", $0) == formatNumber("%.4f", $0).trimmingTrailingZeros(keep: d) }) {
                decimals = d
                return
            }
        }
        decimals = 4
    }

    func string(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        if scientific { return formatNumber("%.\(decimals)e", value) }
        let text = formatNumber("%.\(decimals)f", value)
        return decimals == 0 ? text + "." : text
    }
}

extension String {
    /// "1.2500" with keep 2 → "1.25": drops decimals beyond `keep` when they are zeros.
    fileprivate func trimmingTrailingZeros(keep: Int) -> String {
        guard let dot = firstIndex(of: ".") else { return self }
        var end = endIndex
        while distance(from: dot, to: end) - 1 > keep, self[index(before: end)] == "0" {
            end = index(before: end)
        }
        let trimmed = String(self[..<end])
        return trimmed.hasSuffix(".") ? String(trimmed.dropLast()) : trimmed
    }
}

extension String {
    /// The string without the spaces at its end (table cells padded to a column's width).
    public func trimmingTrailingSpaces() -> String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}
