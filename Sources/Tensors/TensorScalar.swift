import TensorKernels512
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The element types a `Tensor` can hold.
///
/// `Float` is the working precision of every lesson. `Double` exists for gradient checks,
/// which compare a hand-written backward pass with centred finite differences and need the
/// extra digits. Both run the same generic code; the library compiles a specialized copy of
/// every inner loop for each of the two types (`@_specialize`), so neither pays for generics.
public protocol TensorScalar: BinaryFloatingPoint, SIMDScalar, Sendable, Codable
where Self.RawSignificand: FixedWidthInteger {
    /// The 64-byte SIMD vector the matmul micro-kernel works on:
    /// `SIMD16<Float>` or `SIMD8<Double>` (two AVX2 registers, four NEON registers).
    associatedtype KernelVector: SIMD where KernelVector.Scalar == Self

    /// Short name used in benchmark lines and printed tensors: `f32` or `f64`.
    static var typeName: String { get }

    /// e^x
    static func exp(_ x: Self) -> Self
    /// ln x (natural logarithm)
    static func log(_ x: Self) -> Self
    /// x^y
    static func pow(_ x: Self, _ y: Self) -> Self
    /// tanh x
    static func tanh(_ x: Self) -> Self
    /// arctan x
    static func atan(_ x: Self) -> Self
    /// sin x
    static func sin(_ x: Self) -> Self
    /// cos x
    static func cos(_ x: Self) -> Self
    /// ln(1 + x), accurate for small x
    static func log1p(_ x: Self) -> Self
    /// e^x − 1, accurate for small x
    static func expm1(_ x: Self) -> Self

    /// e^x for a whole buffer (`out[i] = exp(x[i])`): SIMD for Float, the C library for Double.
    static func exp(_ x: UnsafeBufferPointer<Self>, into out: UnsafeMutableBufferPointer<Self>)
}

extension Float: TensorScalar {
    public typealias KernelVector = SIMD16<Float>
    public static var typeName: String { "f32" }
    @inline(__always) public static func exp(_ x: Float) -> Float { expf(x) }
    @inline(__always) public static func log(_ x: Float) -> Float { logf(x) }
    @inline(__always) public static func pow(_ x: Float, _ y: Float) -> Float { powf(x, y) }
    @inline(__always) public static func tanh(_ x: Float) -> Float { tanhf(x) }
    @inline(__always) public static func atan(_ x: Float) -> Float { atanf(x) }
    @inline(__always) public static func sin(_ x: Float) -> Float { sinf(x) }
    @inline(__always) public static func cos(_ x: Float) -> Float { cosf(x) }
    @inline(__always) public static func log1p(_ x: Float) -> Float { log1pf(x) }
    @inline(__always) public static func expm1(_ x: Float) -> Float { expm1f(x) }

    /// e^x, 16 lanes at a time (`exponential(_:into:count:)` in TensorKernels512: Cephes' `expf`
    /// with a degree-6 polynomial, within 2 ulp of the C library), in 512-bit registers on the
    /// AVX-512 path: the same operations, so the same bits.
    public static func exp(_ x: UnsafeBufferPointer<Float>, into out: UnsafeMutableBufferPointer<Float>) {
        guard let source = x.baseAddress, let destination = out.baseAddress else { return }
        if KernelPath.current == .avx512 {
            avx512Exponential(source, into: destination, count: x.count)
        } else {
            exponential(source, into: destination, count: x.count)
        }
    }
}

extension Double: TensorScalar {
    public typealias KernelVector = SIMD8<Double>
    public static var typeName: String { "f64" }
    // Inside this extension `exp` would name the requirement itself; the file-scope
    // trampolines below reach the C library's double-precision functions.
    @inline(__always) public static func exp(_ x: Double) -> Double { _exp(x) }
    @inline(__always) public static func log(_ x: Double) -> Double { _log(x) }
    @inline(__always) public static func pow(_ x: Double, _ y: Double) -> Double { _pow(x, y) }
    @inline(__always) public static func tanh(_ x: Double) -> Double { _tanh(x) }
    @inline(__always) public static func atan(_ x: Double) -> Double { _atan(x) }
    @inline(__always) public static func sin(_ x: Double) -> Double { _sin(x) }
    @inline(__always) public static func cos(_ x: Double) -> Double { _cos(x) }
    @inline(__always) public static func log1p(_ x: Double) -> Double { _log1p(x) }
    @inline(__always) public static func expm1(_ x: Double) -> Double { _expm1(x) }

    public static func exp(_ x: UnsafeBufferPointer<Double>, into out: UnsafeMutableBufferPointer<Double>) {
        for i in 0..<x.count { out[i] = _exp(x[i]) }
    }
}

// Resolved at file scope, outside the `Double` extension: these call the C functions.
@inline(__always) private func _exp(_ x: Double) -> Double { exp(x) }
@inline(__always) private func _log(_ x: Double) -> Double { log(x) }
@inline(__always) private func _pow(_ x: Double, _ y: Double) -> Double { pow(x, y) }
@inline(__always) private func _tanh(_ x: Double) -> Double { tanh(x) }
@inline(__always) private func _atan(_ x: Double) -> Double { atan(x) }
@inline(__always) private func _sin(_ x: Double) -> Double { sin(x) }
@inline(__always) private func _cos(_ x: Double) -> Double { cos(x) }
@inline(__always) private func _log1p(_ x: Double) -> Double { log1p(x) }
@inline(__always) private func _expm1(_ x: Double) -> Double { expm1(x) }
