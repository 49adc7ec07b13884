#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One message between the grader and the process running student code.
///
///     grader → runner   call(f, arguments, substitutes)   run the student's f
///     runner → grader   result(values) | notImplemented(f) | threw(text)
///     runner → grader   callback(g, arguments)            the student's f called g, a part graded
///                                                         before this one: the grader answers with
///                                                         its reference g (result or threw)
public enum Message: Sendable {
    case call(function: String, arguments: [WireValue], substitutes: [String])
    case callback(function: String, arguments: [WireValue])
    case result([WireValue])
    case notImplemented(String)
    case threw(String)

    func encoded() -> [UInt8] {
        var writer = WireWriter()
        switch self {
        case .call(let function, let arguments, let substitutes):
            writer.bytes.append(1)
            writer.string(function)
            writer.values(arguments)
            writer.integer(substitutes.count)
            for name in substitutes { writer.string(name) }
        case .callback(let function, let arguments):
            writer.bytes.append(2)
            writer.string(function)
            writer.values(arguments)
        case .result(let values):
            writer.bytes.append(3)
            writer.values(values)
        case .notImplemented(let function):
            writer.bytes.append(4)
            writer.string(function)
        case .threw(let text):
            writer.bytes.append(5)
            writer.string(text)
        }
        return writer.bytes
    }

    static func decode(_ bytes: [UInt8]) throws -> Message {
        var reader = WireReader(bytes)
        let message: Message
        switch try reader.byte() {
        case 1:
            let function = try reader.string(), arguments = try reader.values()
            let n = try reader.count(limit: 256, itemBytes: 8, "substitute count")
            var substitutes: [String] = []
            for _ in 0..<n { substitutes.append(try reader.string()) }
            message = .call(function: function, arguments: arguments, substitutes: substitutes)
        case 2: message = .callback(function: try reader.string(), arguments: try reader.values())
        case 3: message = .result(try reader.values())
        case 4: message = .notImplemented(try reader.string())
        case 5: message = .threw(try reader.string())
        case let tag: throw WireError("unknown message tag \(tag)")
        }
        guard reader.isAtEnd else { throw WireError("\(bytes.count - reader.position) stray bytes after a message") }
        return message
    }
}

/// Why a message could not be received.
public enum ChannelError: Error, Sendable, CustomStringConvertible {
    /// The other side closed the channel (it exited, or was killed).
    case closed
    /// Nothing arrived before the deadline.
    case timedOut
    /// What arrived is not a message (too large, malformed).
    case malformed(String)
    case system(String)

    public var description: String {
        switch self {
        case .closed: "the channel was closed"
        case .timedOut: "no answer before the deadline"
        case .malformed(let why): "a malformed message: \(why)"
        case .system(let why): why
        }
    }
}

/// Length-prefixed messages over a file descriptor (a socket or pipe the grader opened):
/// 4 bytes of length (little-endian, at most `WireLimits.messageBytes`), then the message.
public struct Channel: Sendable {
    public let fd: Int32

    public init(fd: Int32) { self.fd = fd }

    public func send(_ message: Message) throws {
        let body = message.encoded()
        guard body.count <= WireLimits.messageBytes else {
            throw ChannelError.malformed("a message of \(body.count) bytes (the limit is \(WireLimits.messageBytes))")
        }
        var frame = withUnsafeBytes(of: UInt32(body.count).littleEndian) { Array($0) }
        frame.append(contentsOf: body)
        try frame.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if n < 0 {
                    if errno == EINTR || errno == EAGAIN { continue }
                    if errno == EPIPE || errno == ECONNRESET { throw ChannelError.closed }
                    throw ChannelError.system("write: \(String(cString: strerror(errno)))")
                }
                offset += n
            }
        }
    }

    /// The next message; waits at most until `deadline` (seconds on the monotonic clock, as
    /// `Channel.now()`), or for ever when nil.
    public func receive(deadline: Double? = nil) throws -> Message {
        let header = try readExactly(4, deadline: deadline)
        let length = Int(UInt32(header[0]) | UInt32(header[1]) << 8 | UInt32(header[2]) << 16 | UInt32(header[3]) << 24)
        guard length > 0, length <= WireLimits.messageBytes else {
            throw ChannelError.malformed("a frame of \(length) bytes (the limit is \(WireLimits.messageBytes))")
        }
        let body = try readExactly(length, deadline: deadline)
        do { return try Message.decode(body) } catch { throw ChannelError.malformed("\(error)") }
    }

    private func readExactly(_ count: Int, deadline: Double?) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var offset = 0
        while offset < count {
            if let deadline {
                let left = deadline - Channel.now()
                guard left > 0 else { throw ChannelError.timedOut }
                var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                let ready = poll(&descriptor, 1, Int32(min(left * 1000 + 1, 60_000)))
                if ready < 0 {
                    if errno == EINTR { continue }
                    throw ChannelError.system("poll: \(String(cString: strerror(errno)))")
                }
                if ready == 0 { continue }
            }
            let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + offset, count - offset) }
            if n < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                if errno == ECONNRESET { throw ChannelError.closed }
                throw ChannelError.system("read: \(String(cString: strerror(errno)))")
            }
            if n == 0 { throw ChannelError.closed }
            offset += n
        }
        return bytes
    }

    /// Seconds on the monotonic clock.
    public static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}
