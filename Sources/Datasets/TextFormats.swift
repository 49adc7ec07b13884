import Foundation
import Tensors

/// aclImdb's bag-of-words files (`labeledBow.feat`, LIBSVM-like): one review per line,
/// `rating index:count index:count …`, word indices into `imdb.vocab` (0-based, most frequent
/// words first).
public enum BagOfWords {
    /// One review: its rating (1–10) and its words as (index, count).
    public struct Document: Sendable, Equatable {
        public var rating: Int
        public var words: [(index: Int, count: Int)]

        public static func == (a: Document, b: Document) -> Bool {
            a.rating == b.rating && a.words.map(\.index) == b.words.map(\.index) && a.words.map(\.count) == b.words.map(\.count)
        }
    }

    /// Reads a `labeledBow.feat` file.
    public static func read(_ path: String) throws(DatasetError) -> [Document] {
        let text = String(decoding: try readFile(path), as: UTF8.self)
        var documents: [Document] = []
        // "\r\n" is one Character in Swift: split on it as well as on "\n".
        for (n, rawLine) in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).enumerated() {
            // CRLF line ends and blank or whitespace-only lines are allowed.
            let parts = rawLine.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
            guard !parts.isEmpty else { continue }
            guard let rating = Int(parts[0]) else {
                throw DatasetError(.malformed, file: path, at: .line(n + 1, column: 1), "expected a rating (an integer), found \"\(parts[0])\"")
            }
            var words: [(Int, Int)] = []
            words.reserveCapacity(parts.count - 1)
            for (k, part) in parts.dropFirst().enumerated() {
                let pair = part.split(separator: ":")
                guard pair.count == 2, let index = Int(pair[0]), let count = Int(pair[1]), index >= 0, count > 0 else {
                    throw DatasetError(.malformed, file: path, at: .line(n + 1, column: k + 2), "expected index:count, found \"\(part)\"")
                }
                words.append((index, count))
            }
            documents.append(Document(rating: rating, words: words))
        }
        guard !documents.isEmpty else { throw DatasetError(.empty, file: path, "no reviews in the file") }
        return documents
    }
}

/// MovieLens 100k's `u.data`: tab-separated user id, item id, rating (1–5), timestamp.
public enum MovieLens {
    public struct Rating: Sendable, Equatable {
        public var user: Int
        public var item: Int
        public var rating: Int
        public var timestamp: Int
    }

    public static func readRatings(_ path: String) throws(DatasetError) -> [Rating] {
        let table = try CSV.read(path, delimiter: "\t", header: .absent)
        guard table.columnCount == 4 else {
            throw DatasetError(.malformed, file: path, at: .line(1, column: nil),
                               "expected 4 tab-separated fields (user, item, rating, timestamp), found \(table.columnCount)")
        }
        var ratings: [Rating] = []
        ratings.reserveCapacity(table.lines.count)
        for (r, row) in table.rows.enumerated() {
            var values: [Int] = []
            for (c, field) in row.enumerated() {
                guard let value = Int(field) else {
                    throw DatasetError(.malformed, file: path, at: .line(table.lines[r], column: c + 1),
                                       "expected an integer, found \"\(field)\"")
                }
                values.append(value)
            }
            ratings.append(Rating(user: values[0], item: values[1], rating: values[2], timestamp: values[3]))
        }
        return ratings
    }
}

/// Turning text into the inputs of a network, as Keras' text examples do.
public enum Text {
    /// Lowercase words: runs of letters, digits and apostrophes.
    public static func words(_ text: String) -> [String] {
        text.lowercased().split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "'") }).map(String.init)
    }

    /// The `size` most frequent words of `texts`, most frequent first (ties alphabetically):
    /// index 0 is the most frequent word.
    public static func vocabulary(_ texts: [String], size: Int) -> [String] {
        var counts: [String: Int] = [:]
        for text in texts { for word in words(text) { counts[word, default: 0] += 1 } }
        return counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(size).map(\.key)
    }

    /// Each text as the indices of its words in `vocabulary` (words not in it are dropped).
    public static func sequences(_ texts: [String], vocabulary: [String]) -> [[Int]] {
        let index = Dictionary(uniqueKeysWithValues: vocabulary.enumerated().map { ($0.element, $0.offset) })
        return texts.map { words($0).compactMap { index[$0] } }
    }
}
