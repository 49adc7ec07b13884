/// A homework function as the channel sees it: values in, values out.
public typealias WireFunction = @Sendable ([WireValue]) throws -> [WireValue]

/// The homework's functions by name: in homework-runner, the student's (Sources/Homework);
/// in the grader, the reference, to answer a `callback`.
public struct FunctionTable: Sendable {
    public private(set) var functions: [String: (arity: Int, run: WireFunction)] = [:]
    /// The names in the order they were added.
    public private(set) var names: [String] = []

    public init() {}

    /// Adds `name`, which takes `arity` values (checked before `run` is called).
    public mutating func add(_ name: String, arity: Int, _ run: @escaping WireFunction) {
        precondition(functions[name] == nil, "FunctionTable: \(name) added twice")
        functions[name] = (arity, run)
        names.append(name)
    }

    /// Replaces what `name` runs (the test stand-ins for homework-runner break one part this way).
    public mutating func replace(_ name: String, with run: @escaping WireFunction) {
        precondition(functions[name] != nil, "FunctionTable: no \(name) to replace")
        functions[name]!.run = run
    }

    /// Runs `name` on `arguments`.
    public func call(_ name: String, _ arguments: [WireValue]) throws -> [WireValue] {
        guard let function = functions[name] else { throw WireError("no homework function named \(name)") }
        guard arguments.count == function.arity else {
            throw WireError("\(name) takes \(function.arity) arguments, got \(arguments.count)")
        }
        return try function.run(arguments)
    }
}

extension Array where Element == WireValue {
    /// The `index`th value as a `T` (the type the call site expects).
    public func argument<T: WireConvertible>(_ index: Int) throws -> T {
        guard indices.contains(index) else { throw WireError("expected at least \(index + 1) values, got \(count)") }
        return try T(wire: self[index])
    }

    /// The one value of a result.
    public func decoded<R: WireConvertible>() throws -> R {
        guard count == 1 else { throw WireError("expected 1 result, got \(count)") }
        return try R(wire: self[0])
    }

    /// The values of a result of two.
    public func decoded<R1: WireConvertible, R2: WireConvertible>() throws -> (R1, R2) {
        guard count == 2 else { throw WireError("expected 2 results, got \(count)") }
        return (try R1(wire: self[0]), try R2(wire: self[1]))
    }

    /// The values of a result of three.
    public func decoded<R1: WireConvertible, R2: WireConvertible, R3: WireConvertible>() throws -> (R1, R2, R3) {
        guard count == 3 else { throw WireError("expected 3 results, got \(count)") }
        return (try R1(wire: self[0]), try R2(wire: self[1]), try R3(wire: self[2]))
    }

    /// The values of a result of four.
    public func decoded<R1: WireConvertible, R2: WireConvertible, R3: WireConvertible, R4: WireConvertible>() throws -> (R1, R2, R3, R4) {
        guard count == 4 else { throw WireError("expected 4 results, got \(count)") }
        return (try R1(wire: self[0]), try R2(wire: self[1]), try R3(wire: self[2]), try R4(wire: self[3]))
    }
}

/// Where a homework function called from another one is replaced by the grader's reference
/// (so a bug in part 1a costs 1a's points, not also those of 2c, which calls it).
///
/// homework-runner replaces every homework function by a forwarder (`@_dynamicReplacement`,
/// Sources/HomeworkFunctions); the forwarder asks `value(of:)` first. While the grader's call
/// runs, the names it listed as substitutes (the functions of the parts graded before this
/// one) are answered by the host (the grader, over the channel); every other name runs the
/// student's own code.
public enum Substitution {
    /// Whoever answers a substituted call: the grader's channel in homework-runner, the
    /// reference in the XCTest graders.
    public typealias Host = (_ function: String, _ arguments: [WireValue]) throws -> [WireValue]

    // Student code runs on the thread that called it; the runner calls one function at a time.
    nonisolated(unsafe) private static var substitutes: Set<String> = []
    nonisolated(unsafe) private static var host: Host?
    nonisolated(unsafe) private static var used: [String] = []

    /// Runs `body` (a call of a student's function) with `names` answered by `host`; returns
    /// what `body` returned and which substitutes were used, in the order of first use.
    public static func with<T>(_ names: [String], host: @escaping Host, _ body: () throws -> T) rethrows -> (T, used: [String]) {
        let saved = (substitutes, Self.host, used)
        (substitutes, Self.host, used) = (Set(names), host, [])
        defer { (substitutes, Self.host, used) = saved }
        let value = try body()
        return (value, used)
    }

    /// The host's answer when `function` is substituted in the current call, else nil (the
    /// caller then runs the student's own function).
    public static func value(of function: String, _ arguments: @autoclosure () -> [WireValue]) throws -> [WireValue]? {
        guard substitutes.contains(function), let host else { return nil }
        if !used.contains(function) { used.append(function) }
        return try host(function, arguments())
    }
}
