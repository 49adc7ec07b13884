// Checks on how the library is used, whose messages survive every build.
//
// Swift drops the message of `precondition` and `preconditionFailure` under `-O` (it prints
// only "precondition failure" or nothing at all), and the library's modules are compiled with
// `-O` even in a debug build. A shape mismatch must still say which shapes, so every check a
// user can trigger goes through these two functions, which stop with `fatalError` (its
// message is kept in every build except `-Ounchecked`).

/// Stops the program with `message` (and the caller's file and line) when `condition` is false:
/// `precondition` whose message is kept in optimized builds.
@inlinable
@inline(__always)
public func ensure(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String,
                   file: StaticString = #fileID, line: UInt = #line) {
    if _slowPath(!condition()) { stop(message(), file: file, line: line) }
}

/// Stops the program with `message`: `preconditionFailure` whose message is kept in optimized builds.
@inline(never)
public func stop(_ message: String, file: StaticString = #fileID, line: UInt = #line) -> Never {
    fatalError(message, file: file, line: line)
}
