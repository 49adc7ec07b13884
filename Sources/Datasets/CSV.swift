import Foundation
import Tensors

/// A table read from a CSV or TSV file: optional column names and the rows' fields as text,
/// each row with its line number so later errors can point at it.
public struct CSVTable: Sendable {
    /// The file the table came from (for messages).
    public var file: String
    /// The header's column names, if the file has a header.
    public var header: [String]?
    /// The fields of each data row.
    public var rows: [[String]]
    /// The line (from 1) each row starts on.
    public var lines: [Int]

    /// The number of columns (every row has the same).
    public var columnCount: Int { header?.count ?? rows.first?.count ?? 0 }

    /// Texts that mean "no value here": an empty cell, NA, NaN, N/A, null, ?.
    public static let missingMarkers: Set<String> = ["", "na", "nan", "n/a", "null", "?"]

    /// Every field as a number, row by row. A missing value or a field that is not a number
    /// is an error naming its line and column (never a silent zero).
    public func numbers(columns selected: [Int]? = nil) throws(DatasetError) -> [[Double]] {
        let columns = selected ?? Array(0..<columnCount)
        if let bad = columns.first(where: { $0 < 0 || $0 >= columnCount }) {
            throw DatasetError(.malformed, file: file, "column index \(bad) does not exist: the table has \(columnCount) columns (0 to \(columnCount - 1))")
        }
        var result: [[Double]] = []
        result.reserveCapacity(rows.count)
        var missing: [(line: Int, column: Int)] = []
        for (r, row) in rows.enumerated() {
            var values: [Double] = []
            values.reserveCapacity(columns.count)
            for c in columns {
                // The common case first, without allocating: a plain decimal number (which "NaN"
                // is not: `number` accepts digits, signs, points and exponents only).
                if let value = CSVTable.number(row[c]) {
                    values.append(value)
                    continue
                }
                let field = row[c].trimmingCharacters(in: .whitespaces)
                if CSVTable.missingMarkers.contains(field.lowercased()) {
                    missing.append((lines[r], c + 1))
                    values.append(.nan)
                } else if let value = CSVTable.number(field) {
                    values.append(value)
                } else {
                    throw DatasetError(.malformed, file: file, at: .line(lines[r], column: c + 1),
                                       "expected a number in column \(columnName(c)), found \"\(field)\"")
                }
            }
            result.append(values)
        }
        if let first = missing.first {
            throw DatasetError(.missingValue, file: file, at: .line(first.line, column: first.column),
                               "\(missing.count) missing value\(missing.count == 1 ? "" : "s") (the first in column \(columnName(first.column - 1))); "
                               + "fill or drop them before training: a network given NaN predicts NaN")
        }
        return result
    }

    /// The numbers of `columns` (all by default) as a (rows, columns) tensor.
    public func tensor<S: TensorScalar>(columns: [Int]? = nil, as type: S.Type = S.self) throws(DatasetError) -> Tensor<S> {
        let values = try numbers(columns: columns)
        let width = columns?.count ?? columnCount
        return Tensor(shape: [values.count, width], scalars: values.flatMap { $0.map { S($0) } })
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
        try withContents(of: path) { (raw) throws(DatasetError) -> CSVTable in
            try parse(raw, file: path, delimiter: delimiter, header: header, skipLines: skipLines)
        }
    }

    /// Parses CSV text; `file` names it in errors.
    public static func parse(_ text: String, file: String, delimiter: Character = ",", header: Header = .automatic,
                             skipLines: Int = 0) throws(DatasetError) -> CSVTable {
        try withBytes(of: Array(text.utf8)) { (raw) throws(DatasetError) -> CSVTable in
            try parse(raw, file: file, delimiter: delimiter, header: header, skipLines: skipLines)
        }
    }

    /// Parses CSV bytes (UTF-8) one byte at a time: fields are cut by byte positions and become
    /// strings only once, so reading takes a few times the file's size in memory. A UTF-8 byte
    /// order mark at the start is skipped.
    static func parse(_ raw: UnsafeRawBufferPointer, file: String, delimiter: Character, header: Header,
                      skipLines: Int) throws(DatasetError) -> CSVTable {
        guard let separator = delimiter.asciiValue else {
            throw DatasetError(.unsupported, file: file, "the delimiter must be an ASCII character, got \"\(delimiter)\"")
        }
        let bytes = raw.bindMemory(to: UInt8.self)
        let quote = UInt8(ascii: "\""), newline = UInt8(ascii: "\n"), carriageReturn = UInt8(ascii: "\r")
        var records: [(fields: [String], line: Int)] = []
        var fields: [String] = []
        var field: [UInt8] = []        // only for quoted fields, which may hold "" and line breaks
        var fieldStart = 0
        var line = 1, recordLine = 1
        var quotedField = false
        var i = bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0
        fieldStart = i
        func text(_ range: Range<Int>) -> String { String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self) }
        func endField(at end: Int) {
            fields.append(quotedField ? String(decoding: field, as: UTF8.self) : text(fieldStart ..< end))
        }
        func endRecord(at end: Int) {
            endField(at: end)
            // A line with nothing on it is not a record (blank lines, the final newline).
            if !(fields.count == 1 && fields[0].isEmpty && !quotedField) { records.append((fields, recordLine)) }
            fields = []
            quotedField = false
        }
        while i < bytes.count {
            let byte = bytes[i]
            if byte == quote && i == fieldStart && !quotedField {
                // A quoted field: up to the closing quote, "" for a quote, line breaks kept.
                quotedField = true
                field.removeAll(keepingCapacity: true)
                let opening = (line, fields.count + 1)
                i += 1
                var closed = false
                while i < bytes.count {
                    if bytes[i] == quote {
                        if i + 1 < bytes.count && bytes[i + 1] == quote {
                            field.append(quote)
                            i += 2
                            continue
                        }
                        closed = true
                        i += 1
                        break
                    }
                    if bytes[i] == newline { line += 1 }
                    field.append(bytes[i])
                    i += 1
                }
                guard closed else {
                    throw DatasetError(.malformed, file: file, at: .line(opening.0, column: opening.1),
                                       "a quoted field starts here and is never closed")
                }
                continue
            }
            if byte == separator {
                endField(at: i)
                quotedField = false
                i += 1
                fieldStart = i
            } else if byte == newline || byte == carriageReturn {
                endRecord(at: i)
                i += byte == carriageReturn && i + 1 < bytes.count && bytes[i + 1] == newline ? 2 : 1
                line += 1
                recordLine = line
                fieldStart = i
            } else {
                if quotedField {
                    throw DatasetError(.malformed, file: file, at: .line(line, column: fields.count + 1),
                                       "text after the closing quote of a quoted field")
                }
                i += 1
            }
        }
        if fieldStart < bytes.count || !fields.isEmpty || quotedField { endRecord(at: bytes.count) }
        records.removeFirst(min(skipLines, records.count))
        guard let first = records.first else {
            throw DatasetError(.empty, file: file, "no rows: the file is empty" + (skipLines > 0 ? " after the first \(skipLines) lines" : ""))
        }
        let hasHeader: Bool
        switch header {
        case .present: hasHeader = true
        case .absent: hasHeader = false
        case .automatic:
            hasHeader = first.fields.contains { f in
                let t = f.trimmingCharacters(in: .whitespaces)
                return CSVTable.number(t) == nil && !CSVTable.missingMarkers.contains(t.lowercased())
            }
        }
        let width = first.fields.count
        for record in records where record.fields.count != width {
            throw DatasetError(.malformed, file: file, at: .line(record.line, column: nil),
                               "expected \(width) fields (like line \(first.line)), found \(record.fields.count): the rows are ragged")
        }
        let body = hasHeader ? Array(records.dropFirst()) : records
        return CSVTable(file: file, header: hasHeader ? first.fields : nil, rows: body.map(\.fields), lines: body.map(\.line))
    }
}
