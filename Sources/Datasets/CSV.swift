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
        var result: [[Double]] = []
        result.reserveCapacity(rows.count)
        var missing: [(line: Int, column: Int)] = []
        for (r, row) in rows.enumerated() {
            var values: [Double] = []
            values.reserveCapacity(columns.count)
            for c in columns {
                let field = row[c].trimmingCharacters(in: .whitespaces)
                if let value = Double(field) {
                    values.append(value)
                } else if CSVTable.missingMarkers.contains(field.lowercased()) {
                    missing.append((lines[r], c + 1))
                    values.append(.nan)
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
        let text = String(decoding: try contents(of: path), as: UTF8.self)
        return try parse(text, file: path, delimiter: delimiter, header: header, skipLines: skipLines)
    }

    /// Parses CSV text; `file` names it in errors.
    public static func parse(_ text: String, file: String, delimiter: Character = ",", header: Header = .automatic,
                             skipLines: Int = 0) throws(DatasetError) -> CSVTable {
        var records: [(fields: [String], line: Int)] = []
        var fields: [String] = []
        var field = ""
        var line = 1, recordLine = 1
        var inQuotes = false, quotedField = false
        var iterator = text.makeIterator()
        var pending: Character? = nil
        func endRecord() {
            fields.append(field)
            // A line with nothing on it is not a record (blank lines, the final newline).
            if !(fields.count == 1 && fields[0].isEmpty && !quotedField) { records.append((fields, recordLine)) }
            fields = []
            field = ""
            quotedField = false
        }
        while let character = pending ?? iterator.next() {
            pending = nil
            if inQuotes {
                if character == "\"" {
                    if let next = iterator.next() {
                        if next == "\"" { field.append("\"") } else { inQuotes = false; pending = next }
                    } else {
                        inQuotes = false
                    }
                } else {
                    if character == "\n" || character == "\r\n" { line += 1 }
                    field.append(character)
                }
                continue
            }
            switch character {
            case "\"" where field.isEmpty:
                inQuotes = true
                quotedField = true
            case delimiter:
                fields.append(field)
                field = ""
            case "\n", "\r\n", "\r":
                endRecord()
                line += 1
                recordLine = line
            default:
                field.append(character)
            }
        }
        if inQuotes {
            throw DatasetError(.malformed, file: file, at: .line(recordLine, column: fields.count + 1),
                               "a quoted field starts here and is never closed")
        }
        if !field.isEmpty || !fields.isEmpty { endRecord() }
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
                return Double(t) == nil && !CSVTable.missingMarkers.contains(t.lowercased())
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
