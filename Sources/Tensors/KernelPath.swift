import Synchronization
import TensorsCPU
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Which micro-kernel the matrix product runs: chosen once from the CPU, the same bits on
/// every path (each element of C is the same chain of fused multiply-adds; only how many
/// elements are computed at once differs).
///
/// - `avx512`: 12 × 32-float tiles in 512-bit registers (x86-64 CPUs with AVX-512);
/// - `avx2`: 6 × 16-float tiles in 256-bit registers (every x86-64 CPU since 2013);
/// - `neon`: the same 6 × 16 kernel on arm64 (Apple Silicon).
///
/// `BACKPROP_KERNELS=avx2` (or `avx512`) forces a path, so tests and the bench can run each;
/// a path the CPU lacks is refused with a message on standard error.
public enum KernelPath: String, Sendable, CaseIterable, CustomStringConvertible {
    case avx512, avx2, neon

    /// The paths this CPU can run, fastest first.
    public static let supported: [KernelPath] = {
        #if arch(x86_64)
        return backprop_cpu_has_avx512() != 0 ? [.avx512, .avx2] : [.avx2]
        #else
        return [.neon]
        #endif
    }()

    /// The path products use now; starts as `BACKPROP_KERNELS` if the CPU supports it, else
    /// the fastest supported. Set it to compare paths in one process.
    public static var current: KernelPath {
        get { KernelPath.allCases[selected.load(ordering: .relaxed)] }
        set {
            precondition(supported.contains(newValue), "KernelPath: this CPU cannot run \(newValue) (it can run \(supported))")
            selected.store(KernelPath.allCases.firstIndex(of: newValue)!, ordering: .relaxed)
        }
    }
    private static let selected = Atomic<Int>(KernelPath.allCases.firstIndex(of: initial)!)

    private static let initial: KernelPath = {
        guard let text = getenv("BACKPROP_KERNELS") else { return supported[0] }
        let name = String(cString: text)
        if let path = KernelPath(rawValue: name), supported.contains(path) { return path }
        let message = "backprop: BACKPROP_KERNELS=\(name) is not a path this CPU can run (\(supported.map(\.rawValue).joined(separator: ", "))); "
            + "using \(supported[0])\n"
        _ = message.withCString { write(2, $0, strlen($0)) }
        return supported[0]
    }()

    /// The CPU's name as it reports it ("Intel(R) Xeon(R) Processor"), or "unknown CPU".
    public static let cpuModel: String = {
        var buffer = [CChar](repeating: 0, count: 64)
        backprop_cpu_model(&buffer, Int32(buffer.count))
        let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return name.isEmpty ? "unknown CPU" : name
    }()

    public var description: String { rawValue }

    /// Rows of C in one tile (of A in one packed strip).
    var tileRows: Int { self == .avx512 ? 12 : 6 }
    /// Kernel vectors (64 bytes) across one tile (the width of B's packed strips).
    var tileVectors: Int { self == .avx512 ? 2 : 1 }
}
