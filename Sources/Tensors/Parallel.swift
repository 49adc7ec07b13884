import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// How many threads the matmul kernel uses.
public enum Parallelism {
    /// The `BACKPROP_THREADS` environment variable if it is set to a positive number, else
    /// the number of CPUs online. Results do not depend on it: every output element is
    /// computed by one thread, always in the same order.
    public static let defaultThreads: Int = {
        if let text = getenv("BACKPROP_THREADS"), let n = Int(String(cString: text)), n > 0 {
            return n
        }
        return Swift.max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }()
}

/// A value handed to worker threads that the caller guarantees is used safely: each thread
/// writes only its own part of an output buffer.
struct UnsafeTransfer<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// Runs `body(0) … body(count - 1)` on up to `count` threads and waits for all of them.
func parallelFor(_ count: Int, _ body: (Int) -> Void) {
    if count == 1 {
        body(0)
        return
    }
    withoutActuallyEscaping(body) { body in
        let work = UnsafeTransfer(body)
        DispatchQueue.concurrentPerform(iterations: count) { work.value($0) }
    }
}

/// Asks Linux to back a large new buffer with 2 MiB pages before it is first written, as
/// numpy does: a 64 MiB result then takes 32 page faults instead of 16,384, which is most of
/// the cost of an element-wise operation on it. Smaller buffers and other systems: nothing.
func adviseHugePages(_ buffer: UnsafeMutableRawBufferPointer) {
    #if os(Linux)
    let hugePage = 1 << 21
    guard buffer.count >= 2 * hugePage, let base = buffer.baseAddress else { return }
    let start = (Int(bitPattern: base) + hugePage - 1) & ~(hugePage - 1)
    let end = (Int(bitPattern: base) + buffer.count) & ~(hugePage - 1)
    if end > start, let aligned = UnsafeMutableRawPointer(bitPattern: start) {
        _ = madvise(aligned, end - start, MADV_HUGEPAGE)
    }
    #endif
}
