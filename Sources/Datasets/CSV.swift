import Foundation
import Tensors

/// A table read from a CSV or TSV file: optional column names and the rows' fields, each row
/// with its line number so later errors can point at it.
///
/// The fields are kept as positions in the file's bytes, not as strings: a numeric file of
/// 2 million fields becomes a tensor without 2 million strings (`tensor()` parses each field
/// where it lies), and takes about twice the file's size in memory.
public struct CSVTable: Sendable {
    /// The file the table came from (for messages).
    public var file: String
    /// The header's column names, if the file has a header.
    public var header: [String]?
    /// The line (from 1) each row starts on.
    public var lines: [Int]
    /// The number of columns (every row has the same).
    public let columnCount: Int

    /// The file's bytes, where each row starts in them and where each of its fields ends (a
    /// field starts where the row does, or one byte after the previous field's end), row by row
    /// from `firstField`. A quoted field's text (its "" made ", its line breaks kept) is in
    /// `quoted`, under the field's flat index.
    let bytes: Data
    let rowStarts: [UInt32]
    let fieldEnds: [UInt32]
    let firstRow: Int
    let quoted: [Int: String]

    /// Where field `column` of row `row` lies in `bytes` (nil for a quoted field).
    @inline(__always)
    func range(_ row: Int, _ column: Int) -> (start: Int, end: Int)? {
        let index = (firstRow + row) * columnCount + column
        if !quoted.isEmpty && quoted[index] != nil { return nil }
        let start = column == 0 ? Int(rowStarts[firstRow + row]) : Int(fieldEnds[index - 1]) + 1
        return (start, Int(fieldEnds[index]))
    }

    /// The fields of each data row, as text.
    public var rows: [[String]] { (0..<lines.count).map { r in (0..<columnCount).map { field(r, $0) } } }

    /// The text of field `column` of row `row`.
    public func field(_ row: Int, _ column: Int) -> String {
        guard let (start, end) = range(row, column) else { return quoted[(firstRow + row) * columnCount + column]! }
        return bytes.withUnsafeBytes { all in String(decoding: UnsafeRawBufferPointer(rebasing: all[start ..< end]), as: UTF8.self) }
    }

    /// Texts that mean "no value here": an empty cell, NA, NaN, N/A, null, ?.
    public static let missingMarkers: Set<String> = ["", "na", "nan", "n/a", "null", "?"]

    /// Every field as a number, row by row. A missing value or a field that is not a number
    /// is an error naming its line and column (never a silent zero).
    public func numbers(columns selected: [Int]? = nil) throws(DatasetError) -> [[Double]] {
        var result: [[Double]] = []
        result.reserveCapacity(lines.count)
        var row: [Double] = []
        let width = selected?.count ?? columnCount
        try forEachNumber(columns: selected) { value in
            row.append(value)
            if row.count == width {
                result.append(row)
                row.removeAll(keepingCapacity: true)
            }
        }
        return result
    }

    /// The numbers of `columns` (all by default) as a (rows, columns) tensor, parsed straight
    /// from the file's bytes into the tensor.
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    public func tensor<S: TensorScalar>(columns: [Int]? = nil, as type: S.Type = S.self) throws(DatasetError) -> Tensor<S> {
        let width = columns?.count ?? columnCount
        var scalars: [S] = []
        scalars.reserveCapacity(lines.count * width)
        try forEachNumber(columns: columns) { scalars.append(S($0)) }
        return Tensor(shape: [lines.count, width], scalars: scalars)
    }

    /// Calls `body` with every selected field as a number, row by row; a missing value or a
    /// field that is not a number is an error naming its line and column.
    @inline(__always)
    func forEachNumber(columns selected: [Int]?, _ body: (Double) -> Void) throws(DatasetError) {
        let columns = selected ?? Array(0..<columnCount)
        if let bad = columns.first(where: { $0 < 0 || $0 >= columnCount }) {
            throw DatasetError(.malformed, file: file, "column index \(bad) does not exist: the table has \(columnCount) columns (0 to \(columnCount - 1))")
        }
        var missing: [(line: Int, column: Int)] = []
        var failure: DatasetError?
        bytes.withUnsafeBytes { all in
            guard let base = all.bindMemory(to: UInt8.self).baseAddress else { return }
            for r in 0..<lines.count {
                for c in columns {
                    // The common case first: a plain decimal number where it lies in the file.
                    if let (start, end) = range(r, c), let value = CSVTable.plainNumber(base + start, count: end - start) {
                        body(value)
                        continue
                    }
                    let text = field(r, c)
                    if let value = CSVTable.number(text) {
                        body(value)
                        continue
                    }
                    let trimmed = text.trimmingCharacters(in: .whitespaces)
                    if CSVTable.missingMarkers.contains(trimmed.lowercased()) {
                        missing.append((lines[r], c + 1))
                        body(.nan)
                    } else if let value = CSVTable.number(trimmed) {
                        body(value)
                    } else {
                        failure = DatasetError(.malformed, file: file, at: .line(lines[r], column: c + 1),
                                               "expected a number in column \(columnName(c)), found \"\(trimmed)\"")
                        return
                    }
                }
            }
        }
        if let failure { throw failure }
        if let first = missing.first {
            throw DatasetError(.missingValue, file: file, at: .line(first.line, column: first.column),
                               "\(missing.count) missing value\(missing.count == 1 ? "" : "s") (the first in column \(columnName(first.column - 1))); "
                               + "fill or drop them before training: a network given NaN predicts NaN")
        }
    }

    /// The index of the column named `name` in the header.
    public func column(named name: String) throws(DatasetError) -> Int {
        guard let index = header?.firstIndex(of: name) else {
            throw DatasetError(.malformed, file: file, at: .line(1, column: nil),
                               "no column named \"\(name)\" (columns: \(header?.joined(separator: ", ") ?? "no header"))")
        }
        return index
    }

    /// A field as a finite decimal number, or nil: "1.5", "-2e-3" yes; "inf", "1e999" (which
    /// overflows to infinity), "0x10" (a hexadecimal float to Swift), text with a NUL: no.
    static func number(_ field: String) -> Double? {
        guard !field.isEmpty, field.utf8.allSatisfy({ CSVTable.numberBytes.contains($0) }),
              let value = Double(field), value.isFinite else { return nil }
        return value
    }

    /// The bytes a decimal number is written with: digits, sign, point, exponent.
    static let numberBytes = Set("0123456789+-.eE".utf8)

    /// Exact powers of ten: every one up to 10²² is a Double.
    static let powersOfTen: [Double] = (0...22).map { Double("1e\($0)")! }

    /// The `count` bytes at `p` as a number when they are a plain decimal `[+-]digits[.digits][e[+-]digits]`
    /// whose digits fit in 2⁵³ and whose power of ten is at most 22 (every number a program
    /// prints with `%.6f` or `%g`): then m · 10^e (or m / 10^−e) is one correctly rounded
    /// operation on two exact Doubles, the same Double as `Double(String)` gives (Clinger's
    /// fast path). Anything else is nil, and goes the slow way.
    @inline(__always)
    static func plainNumber(_ p: UnsafePointer<UInt8>, count: Int) -> Double? {
        var i = 0
        var negative = false
        if i < count && (p[i] == 0x2D || p[i] == 0x2B) {   // - +
            negative = p[i] == 0x2D
            i += 1
        }
        var mantissa: UInt64 = 0, digits = 0, exponent = 0
        while i < count, case let d = p[i] &- 0x30, d < 10 {
            mantissa = mantissa &* 10 &+ UInt64(d)
            if mantissa != 0 { digits += 1 }
            i += 1
        }
        var sawDigit = i > (negative || (count > 0 && p[0] == 0x2B) ? 1 : 0)
        if i < count && p[i] == 0x2E {   // .
            i += 1
            while i < count, case let d = p[i] &- 0x30, d < 10 {
                mantissa = mantissa &* 10 &+ UInt64(d)
                if mantissa != 0 { digits += 1 }
                exponent -= 1
                sawDigit = true
                i += 1
            }
        }
        guard sawDigit, digits <= 15 else { return nil }
        if i < count && (p[i] | 0x20) == 0x65 {   // e E
            i += 1
            var negativeExponent = false
            if i < count && (p[i] == 0x2D || p[i] == 0x2B) {
                negativeExponent = p[i] == 0x2D
                i += 1
            }
            var written = 0, exponentDigits = 0
            while i < count, case let d = p[i] &- 0x30, d < 10, exponentDigits < 4 {
                written = written * 10 + Int(d)
                exponentDigits += 1
                i += 1
            }
            guard exponentDigits > 0 else { return nil }
            exponent += negativeExponent ? -written : written
        }
        guard i == count, exponent >= -22, exponent <= 22 else { return nil }
        let m = Double(mantissa)
        let value = exponent >= 0 ? m * powersOfTen[exponent] : m / powersOfTen[-exponent]
        return negative ? -value : value
    }

    func columnName(_ index: Int) -> String {
        if let name = header?[index] { return "\(index + 1) (\(name))" }
        return "\(index + 1)"
    }
}

/// Reading comma- or tab-separated files (RFC 4180: fields may be quoted, with "" for a
/// quote and line breaks inside quotes).
public enum CSV {
    /// Whether the first row is a header.
    public enum Header: Sendable {
        case present, absent
        /// A header when some field of the first row is not a number.
        case automatic
    }

    /// Reads a CSV (or, with `delimiter: "\t"`, TSV) file, gzip-compressed or not.
    /// `skipLines` drops lines before the header (sklearn's Boston file starts with counts).
    public static func read(_ path: String, delimiter: Character = ",", header: Header = .automatic,
                            skipLines: Int = 0) throws(DatasetError) -> CSVTable {
        let data = try readFile(path)
        let compressed = data.withUnsafeBytes { isGzip($0) }
        // The table keeps the file's bytes (mapped, not copied) or the inflated ones.
        let bytes = compressed ? Data(try contents(of: path)) : data
        return try parse(bytes, file: path, delimiter: delimiter, header: header, skipLines: skipLines)
    }

    /// Parses CSV text; `file` names it in errors.
    public static func parse(_ text: String, file: String, delimiter: Character = ",", header: Header = .automatic,
                             skipLines: Int = 0) throws(DatasetError) -> CSVTable {
        try parse(Data(text.utf8), file: file, delimiter: delimiter, header: header, skipLines: skipLines)
    }

    /// Parses CSV bytes (UTF-8): each row's start and each field's end are recorded as byte
    /// positions (a quoted field, which may hold "" and line breaks, as its text), so the table
    /// takes the file's bytes plus 4 bytes a field. A UTF-8 byte order mark at the start is skipped.
    static func parse(_ data: Data, file: String, delimiter: Character, header: Header,
                      skipLines: Int) throws(DatasetError) -> CSVTable {
        guard let separator = delimiter.asciiValue else {
            throw DatasetError(.unsupported, file: file, "the delimiter must be an ASCII character, got \"\(delimiter)\"")
        }
        guard data.count < Int(UInt32.max) else {
            throw DatasetError(.unsupported, file: file, "CSV files of 4 GiB or more are not supported: split the file")
        }
        let quote = UInt8(ascii: "\""), newline = UInt8(ascii: "\n"), carriageReturn = UInt8(ascii: "\r")
        var rowStarts: [UInt32] = [], ends: [UInt32] = [], recordLines: [Int] = [], recordFields: [Int] = []
        var quoted: [Int: String] = [:]
        var failure: DatasetError?
        data.withUnsafeBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            let n = bytes.count
            // One pass to count the fields, so the arrays are allocated once at their size.
            var delimiters = 0
            for byte in bytes where byte == separator || byte == newline { delimiters += 1 }
            ends.reserveCapacity(delimiters + 1)
            var i = n >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0
            var line = 1
            var field: [UInt8] = []   // a quoted field's text
            while i < n {
                // A record starts at i, on `line`.
                let recordStart = i, recordLine = line, firstField = ends.count
                var fieldsInRecord = 0
                var quotedRecordField = false
                while true {
                    // A field starts at i.
                    var j = i
                    if j < n && bytes[j] == quote {
                        // Quoted: up to the closing quote, "" for a quote, line breaks kept.
                        field.removeAll(keepingCapacity: true)
                        let opening = (line, fieldsInRecord + 1)
                        j += 1
                        var closed = false
                        while j < n {
                            if bytes[j] == quote {
                                if j + 1 < n && bytes[j + 1] == quote {
                                    field.append(quote)
                                    j += 2
                                    continue
                                }
                                closed = true
                                j += 1
                                break
                            }
                            if bytes[j] == newline { line += 1 }
                            field.append(bytes[j])
                            j += 1
                        }
                        guard closed else {
                            failure = DatasetError(.malformed, file: file, at: .line(opening.0, column: opening.1),
                                                   "a quoted field starts here and is never closed")
                            return
                        }
                        if j < n && bytes[j] != separator && bytes[j] != newline && bytes[j] != carriageReturn {
                            failure = DatasetError(.malformed, file: file, at: .line(line, column: fieldsInRecord + 1),
                                                   "text after the closing quote of a quoted field")
                            return
                        }
                        quoted[ends.count] = String(decoding: field, as: UTF8.self)
                        quotedRecordField = true
                    } else {
                        while j < n {
                            let byte = bytes[j]
                            if byte == separator || byte == newline || byte == carriageReturn { break }
                            j += 1
                        }
                    }
                    ends.append(UInt32(truncatingIfNeeded: j))
                    fieldsInRecord += 1
                    if j < n && bytes[j] == separator {
                        i = j + 1
                        continue
                    }
                    // The end of the record: a line break or the end of the file.
                    i = j < n ? (bytes[j] == carriageReturn && j + 1 < n && bytes[j + 1] == newline ? j + 2 : j + 1) : n
                    if j < n { line += 1 }
                    break
                }
                // A line with nothing on it is not a record (blank lines, the final newline).
                if fieldsInRecord == 1 && !quotedRecordField && Int(ends[firstField]) == recordStart {
                    ends.removeLast()
                    continue
                }
                rowStarts.append(UInt32(truncatingIfNeeded: recordStart))
                recordLines.append(recordLine)
                recordFields.append(fieldsInRecord)
            }
        }
        if let failure { throw failure }
        // Lines before the header are dropped.
        let skipped = min(skipLines, recordFields.count)
        guard let width = recordFields.dropFirst(skipped).first else {
            throw DatasetError(.empty, file: file, "no rows: the file is empty" + (skipLines > 0 ? " after the first \(skipLines) lines" : ""))
        }
        if let ragged = recordFields.dropFirst(skipped).firstIndex(where: { $0 != width }) {
            throw DatasetError(.malformed, file: file, at: .line(recordLines[ragged], column: nil),
                               "expected \(width) fields (like line \(recordLines[skipped])), found \(recordFields[ragged]): the rows are ragged")
        }
        // Rows before `skipped` may have other widths: keep only the fields from there on.
        let skippedFields = recordFields.prefix(skipped).reduce(0, +)
        if skipped > 0 {
            ends.removeFirst(skippedFields)
            rowStarts.removeFirst(skipped)
            recordLines.removeFirst(skipped)
            quoted = Dictionary(uniqueKeysWithValues: quoted.compactMap { $0.key >= skippedFields ? ($0.key - skippedFields, $0.value) : nil })
        }
        var table = CSVTable(file: file, header: nil, lines: recordLines, columnCount: width, bytes: data,
                             rowStarts: rowStarts, fieldEnds: ends, firstRow: 0, quoted: quoted)
        let first = (0..<width).map { table.field(0, $0) }
        let hasHeader: Bool
        switch header {
        case .present: hasHeader = true
        case .absent: hasHeader = false
        case .automatic:
            hasHeader = first.contains { f in
                let t = f.trimmingCharacters(in: .whitespaces)
                return CSVTable.number(t) == nil && !CSVTable.missingMarkers.contains(t.lowercased())
            }
        }
        if hasHeader {
            table = CSVTable(file: file, header: first, lines: Array(recordLines.dropFirst()), columnCount: width, bytes: data,
                             rowStarts: rowStarts, fieldEnds: ends, firstRow: 1, quoted: quoted)
        }
        return table
    }
}
