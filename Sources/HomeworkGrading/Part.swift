import Foundation
import Tensors

// What a graded part is and what grading it gives. The checks take the implementation under
// test as a value (`Implementations`, a struct of closures), so the same checks grade the
// student's code, the reference and deliberately wrong implementations, without rebuilding.

/// How a part ended.
public enum PartStatus: String, Codable, Sendable {
    case passed
    case failed
    /// The part still throws `HomeworkError.notImplemented`.
    case notAttempted = "not attempted"
    /// The part's process stopped on a trap (index out of range, failed precondition, …).
    case crashed
    /// The part's process ran past the time limit and was stopped.
    case timedOut = "timed out"
    /// The homework did not compile: no part could run.
    case buildFailed = "build failed"
}

/// The grade of one part: its points and why.
public struct PartOutcome: Codable, Sendable, Equatable {
    public var status: PartStatus
    public var score: Double
    public var message: String

    public init(status: PartStatus, score: Double, message: String) {
        self.status = status
        self.score = score
        self.message = message
    }
}

/// What the student's function threw: its text as the student's process sent it, made
/// printable (at most 1,000 characters, control characters shown as �).
public struct StudentError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = printable(description, limit: 1000) }
}

/// `text` cut to `limit` characters, every control character but newline and tab replaced by
/// U+FFFD: text from student code goes into the table and results.json.
public func printable(_ text: String, limit: Int) -> String {
    String(String.UnicodeScalarView(text.unicodeScalars.prefix(limit).map { scalar in
        scalar.properties.generalCategory == .control && scalar != "\n" && scalar != "\t" ? "\u{FFFD}" : scalar
    }))
}

/// One graded part of an assignment.
public struct Part: Sendable {
    /// "1a", or "1a·hidden" for a hidden test of part 1a.
    public let id: String
    /// "1 · Activation functions"
    public let assignment: String
    /// What the part asks, in a few words.
    public let title: String
    public let points: Double
    /// Hidden tests: graded, but their inputs are not in the student's copy.
    public let hidden: Bool
    /// The homework functions this part grades ("sigmoid", "sigmoidDerivative").
    public let functions: [String]
    /// Functions of parts graded before this one that this part's solution calls (2c calls
    /// sigmoid, denseForward, …): while this part is graded, the student's calls of them are
    /// answered by the reference, so a bug there costs only that earlier part.
    public let uses: [String]
    let check: @Sendable (Implementations) -> PartOutcome

    public init(id: String, assignment: String, title: String, points: Double, hidden: Bool = false,
                functions: [String], uses: [String] = [], check: @escaping @Sendable (Implementations) -> PartOutcome) {
        self.id = id
        self.assignment = assignment
        self.title = title
        self.points = points
        self.hidden = hidden
        self.functions = functions
        self.uses = uses
        self.check = check
    }

    /// Runs the part's checks on `implementation` (in this process; the student's functions
    /// run in their own process behind `Implementations.calling`).
    public func run(_ implementation: Implementations) -> PartOutcome { check(implementation) }
}

/// One input of a check: sizes and a seed for its random tensors, and whether to use extreme
/// values (signals of ±1000, exact zeros) that catch numerically careless code.
public struct Case: Sendable, CustomStringConvertible {
    public var seed: UInt64
    public var batch: Int
    public var inputs: Int
    public var units: Int
    public var extreme: Bool

    public init(seed: UInt64, batch: Int, inputs: Int, units: Int, extreme: Bool = false) {
        self.seed = seed
        self.batch = batch
        self.inputs = inputs
        self.units = units
        self.extreme = extreme
    }

    public var description: String {
        "case seed \(seed), batch \(batch), inputs \(inputs), units \(units)\(extreme ? ", extreme values" : "")"
    }

    /// A generator for this case's tensors.
    var rng: SeededGenerator { SeededGenerator(seed: seed) }
}

/// Runs a part's cases in order: full points if all pass, else 0 with the first failure
/// explained (which case, expected, got, tolerance). An untouched part is "not attempted".
func grade(_ points: Double, _ cases: [Case], _ check: (Case) throws -> String?) -> PartOutcome {
    for testCase in cases {
        do {
            if let failure = try check(testCase) {
                return PartOutcome(status: .failed, score: 0, message: "\(testCase): \(failure)")
            }
        } catch let error as HomeworkNotImplemented {
            return PartOutcome(status: .notAttempted, score: 0, message: error.description)
        } catch {
            if "\(error)".hasPrefix("not implemented yet") {
                return PartOutcome(status: .notAttempted, score: 0, message: "\(error)")
            }
            return PartOutcome(status: .failed, score: 0, message: "\(testCase): threw \(error)")
        }
    }
    return PartOutcome(status: .passed, score: points, message: "all \(cases.count) cases within tolerance")
}

/// What the grading library's own stand-in for an unimplemented part throws (the Homework
/// module has its own `HomeworkError.notImplemented`, recognised by its description, so this
/// library does not depend on the student's module).
public struct HomeworkNotImplemented: Error, CustomStringConvertible {
    public let part: String
    public init(_ part: String) { self.part = part }
    public var description: String { "not implemented yet: \(part)" }
}

/// Tolerance of every floating-point comparison: |got − expected| ≤ 1e-9 + 1e-9 · |expected|.
let absoluteTolerance = 1e-9, relativeTolerance = 1e-9

/// nil when `got` has the expected shape and every element is within tolerance; else what
/// differs, with the first element out of tolerance and the largest difference.
func compare(_ what: String, _ got: Tensor<Double>, _ expected: Tensor<Double>) -> String? {
    guard got.shape == expected.shape else {
        return "\(what): expected shape \(Shape.describe(expected.shape)), got \(Shape.describe(got.shape))"
    }
    let g = got.scalars, e = expected.scalars
    var worst = 0.0
    var first: Int?
    for i in g.indices {
        let difference = abs(g[i] - e[i])
        if !isClose(g[i], e[i], absolute: absoluteTolerance, relative: relativeTolerance) && first == nil { first = i }
        if difference > worst || difference.isNaN { worst = difference }
    }
    guard let i = first else { return nil }
    var rest = i, position: [Int] = []
    for size in got.shape.reversed() {
        position.insert(rest % size, at: 0)
        rest /= size
    }
    return "\(what): element [\(position.map(String.init).joined(separator: ", "))] expected \(e[i]), got \(g[i]) "
        + "(largest difference \(worst), tolerance \(absoluteTolerance) + \(relativeTolerance)·|expected|)"
}

/// `compare` for a single number.
func compare(_ what: String, _ got: Double, _ expected: Double) -> String? {
    compare(what, Tensor([got]), Tensor([expected])).map { $0.replacingOccurrences(of: " element [0]", with: "") }
}

/// The first failure among several comparisons.
func firstFailure(_ failures: String?...) -> String? { failures.lazy.compactMap { $0 }.first }
