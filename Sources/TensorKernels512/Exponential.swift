#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `out[i] = e^(x[i])` for `count` floats, 16 lanes at a time (Cephes' `expf`: e^x = 2^n · e^r
/// with n = round(x / ln 2), |r| ≤ ln 2 / 2, and a degree-6 polynomial for e^r; within 2 ulp
/// of the C library). Blocks with a lane outside [−87, 88] or NaN, and the tail, go through
/// `expf`.
///
/// One source, two builds: `@inlinable`, so Tensors compiles it into its own AVX2 code, while
/// `avx512Exponential` below is this module's build for x86-64-v4. Every lane does the same
/// IEEE operations in both, so the bits are the same.
@inlinable
public func exponential(_ x: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, count: Int) {
    typealias V = SIMD16<Float>
    let input = UnsafeRawPointer(x), output = UnsafeMutableRawPointer(out)
    var i = 0
    while i + 16 <= count {
        let v = input.loadUnaligned(fromByteOffset: i * 4, as: V.self)
        // Every lane inside [−87, 88] (a NaN compares false, so it is outside).
        if all((v .>= -87) .& (v .<= 88)) {
            // n = round(x / ln 2): adding 1.5 · 2^23 rounds to an integer held in the low bits.
            let shifted = v * 1.44269504088896341 + 12_582_912
            let n = shifted - 12_582_912
            // r = x − n·ln 2, with ln 2 split in two parts so the product is exact.
            let r = v - n * 0.693359375 + n * 2.12194440e-4
            var p = V(repeating: 1.9875691500e-4)
            p = p * r + 1.3981999507e-3
            p = p * r + 8.3334519073e-3
            p = p * r + 4.1665795894e-2
            p = p * r + 1.6666665459e-1
            p = p * r + 5.0000001201e-1
            let er = p * (r * r) + r + 1
            // 2^n built directly in the exponent bits: (n + 127) << 23.
            let integerN = unsafeBitCast(shifted, to: SIMD16<Int32>.self) &- 0x4B40_0000
            let twoToN = unsafeBitCast((integerN &+ 127) &<< 23, to: V.self)
            output.storeBytes(of: er * twoToN, toByteOffset: i * 4, as: V.self)
        } else {
            for j in i ..< i + 16 { out[j] = expf(x[j]) }
        }
        i += 16
    }
    while i < count {
        out[i] = expf(x[i])
        i += 1
    }
}

/// `exponential` built for x86-64-v4 (512-bit registers); call it only on a CPU with AVX-512.
public func avx512Exponential(_ x: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, count: Int) {
    exponential(x, into: out, count: count)
}
