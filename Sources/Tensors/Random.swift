#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The one source of randomness in Backprop: a seeded pseudo-random generator that every
/// random draw takes as an explicit `inout` argument. There is no global random state, so
/// the same seed gives the same weights, the same shuffles and the same dropout masks on
/// every run, bit for bit.
///
///     var rng = SeededGenerator(seed: 42)
///     let weights = Tensor<Float>.glorotUniform([784, 512], using: &rng)
///     let order = rng.permutation(60_000)
///
/// The algorithm is xoshiro256** (Blackman & Vigna, 2018), seeded through SplitMix64, as
/// numpy's and Julia's modern generators are. It is small, fast and statistically sound; it
/// is not meant for cryptography.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: (UInt64, UInt64, UInt64, UInt64)

    /// The seed this generator started from (printed by lessons so runs can be repeated).
    public let seed: UInt64

    /// A generator whose whole sequence is determined by `seed`.
    public init(seed: UInt64) {
        self.seed = seed
        var s = seed
        // SplitMix64 spreads the seed's bits over the 256-bit state (never all zero).
        func splitMix() -> UInt64 {
            s &+= 0x9E37_79B9_7F4A_7C15
            var z = s
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        state = (splitMix(), splitMix(), splitMix(), splitMix())
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        let result = rotateLeft(state.1 &* 5, 7) &* 9
        let t = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= t
        state.3 = rotateLeft(state.3, 45)
        return result
    }

    /// The generator's whole state (its seed and its four 64-bit words), to carry it to another
    /// process and back: the homework grader sends a generator to the student's code this way.
    public var stateWords: [UInt64] { [seed, state.0, state.1, state.2, state.3] }

    /// The generator whose `stateWords` are `words`; nil unless there are five words and the
    /// state is not all zero (a state xoshiro256** never reaches).
    public init?(stateWords words: [UInt64]) {
        guard words.count == 5, words[1...].contains(where: { $0 != 0 }) else { return nil }
        seed = words[0]
        state = (words[1], words[2], words[3], words[4])
    }

    @inline(__always)
    private func rotateLeft(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// A new generator for a separate stream of draws (a layer's dropout masks, say), seeded
    /// from this one; drawing from the child does not change what this one draws next.
    public mutating func split() -> SeededGenerator {
        SeededGenerator(seed: next())
    }

    /// A number uniform in [0, 1), with 53 random bits.
    public mutating func nextUnit() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// A number uniform in [lower, upper).
    public mutating func nextUniform(_ lower: Double = 0, _ upper: Double = 1) -> Double {
        lower + (upper - lower) * nextUnit()
    }

    /// A number from the normal distribution N(mean, standardDeviation²), by the
    /// Box–Muller transform (one normal per call, so the sequence never depends on a cache).
    public mutating func nextNormal(mean: Double = 0, standardDeviation: Double = 1) -> Double {
        let u1 = 1 - nextUnit()   // in (0, 1]: log(u1) is finite
        let u2 = nextUnit()
        return mean + standardDeviation * (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }

    /// An integer uniform in `0 ..< upperBound`, without modulo bias.
    public mutating func nextInt(below upperBound: Int) -> Int {
        ensure(upperBound > 0, "nextInt(below:) needs a positive bound, got \(upperBound)")
        let bound = UInt64(upperBound)
        // Lemire's method: multiply and reject the few values that would bias the result.
        var product = next().multipliedFullWidth(by: bound)
        if product.low < bound {
            let threshold = (0 &- bound) % bound
            while product.low < threshold { product = next().multipliedFullWidth(by: bound) }
        }
        return Int(product.high)
    }

    /// The numbers `0 ..< count` in a random order (Fisher–Yates), for shuffling a dataset
    /// without replacement. Written out here so the order never depends on the Swift version.
    public mutating func permutation(_ count: Int) -> [Int] {
        var order = Array(0..<count)
        shuffle(&order)
        return order
    }

    /// Shuffles `elements` in place (Fisher–Yates).
    public mutating func shuffle<T>(_ elements: inout [T]) {
        guard elements.count > 1 else { return }
        for i in stride(from: elements.count - 1, to: 0, by: -1) {
            let j = nextInt(below: i + 1)
            if i != j { elements.swapAt(i, j) }
        }
    }
}

// MARK: - Random tensors and weight initializers

extension Tensor {
    /// Elements drawn uniformly from [lower, upper).
    public static func uniform(_ shape: [Int], lower: Scalar = 0, upper: Scalar = 1,
                               using rng: inout SeededGenerator) -> Tensor {
        randomUniform(shape, Double(lower), Double(upper), &rng)
    }

    /// Elements drawn from the normal distribution N(mean, standardDeviation²).
    public static func normal(_ shape: [Int], mean: Scalar = 0, standardDeviation: Scalar = 1,
                              using rng: inout SeededGenerator) -> Tensor {
        randomNormal(shape, Double(mean), Double(standardDeviation), truncated: false, &rng)
    }

    /// Elements drawn from N(mean, standardDeviation²), redrawn while further than two
    /// standard deviations from the mean (Keras's `truncated_normal`).
    public static func truncatedNormal(_ shape: [Int], mean: Scalar = 0, standardDeviation: Scalar = 1,
                                       using rng: inout SeededGenerator) -> Tensor {
        randomNormal(shape, Double(mean), Double(standardDeviation), truncated: true, &rng)
    }

    /// Glorot/Xavier uniform initialization (Keras's default for `Dense`):
    /// U(−limit, limit) with limit = √(6 / (fan_in + fan_out)).
    /// `shape` is `[fanIn, fanOut]` for a dense layer's weights.
    public static func glorotUniform(_ shape: [Int], using rng: inout SeededGenerator) -> Tensor {
        let (fanIn, fanOut) = fans(shape)
        let limit = (6 / Double(fanIn + fanOut)).squareRoot()
        return randomUniform(shape, -limit, limit, &rng)
    }

    /// Glorot/Xavier normal initialization: truncated N(0, σ²) with σ = √(2 / (fan_in + fan_out)).
    public static func glorotNormal(_ shape: [Int], using rng: inout SeededGenerator) -> Tensor {
        let (fanIn, fanOut) = fans(shape)
        return randomNormal(shape, 0, truncatedScale * (2 / Double(fanIn + fanOut)).squareRoot(), truncated: true, &rng)
    }

    /// He (Kaiming) uniform initialization, for ReLU layers: U(−limit, limit) with limit = √(6 / fan_in).
    public static func heUniform(_ shape: [Int], using rng: inout SeededGenerator) -> Tensor {
        let (fanIn, _) = fans(shape)
        let limit = (6 / Double(fanIn)).squareRoot()
        return randomUniform(shape, -limit, limit, &rng)
    }

    /// He (Kaiming) normal initialization, for ReLU layers: truncated N(0, σ²) with σ = √(2 / fan_in).
    public static func heNormal(_ shape: [Int], using rng: inout SeededGenerator) -> Tensor {
        let (fanIn, _) = fans(shape)
        return randomNormal(shape, 0, truncatedScale * (2 / Double(fanIn)).squareRoot(), truncated: true, &rng)
    }

    /// Keras divides σ by the standard deviation of a unit normal truncated at ±2 (0.8796…)
    /// so the truncated draws end up with the intended variance.
    private static var truncatedScale: Double { 1 / 0.87962566103423978 }

    /// (fan_in, fan_out) of a weight tensor: for `[inputs, units]` the two sizes; for a
    /// convolution kernel `[..., inputs, outputs]` each multiplied by the receptive field.
    private static func fans(_ shape: [Int]) -> (Int, Int) {
        ensure(shape.count >= 2, "weight initializers need a shape [fanIn, fanOut, ...], got \(Shape.describe(shape))")
        let receptiveField = shape.dropLast(2).reduce(1, *)
        return (shape[shape.count - 2] * receptiveField, shape[shape.count - 1] * receptiveField)
    }
}

/// Draws are made in Double and rounded, so a Float and a Double tensor from the same seed
/// hold the same numbers up to rounding (a gradient check can rebuild a Float network in Double).
@_specialize(where S == Float)
@_specialize(where S == Double)
func randomUniform<S: TensorScalar>(_ shape: [Int], _ lower: Double, _ upper: Double,
                                    _ rng: inout SeededGenerator) -> Tensor<S> {
    ensure(lower <= upper, "uniform: lower \(lower) is above upper \(upper)")
    let top = S(upper)
    return Tensor(shape: shape) { out in
        for i in 0..<out.count {
            let value = S(rng.nextUniform(lower, upper))
            // Rounding to Float can land on `upper`; keep the interval half-open.
            out[i] = value < top || lower == upper ? value : top.nextDown
        }
    }
}

@_specialize(where S == Float)
@_specialize(where S == Double)
func randomNormal<S: TensorScalar>(_ shape: [Int], _ mean: Double, _ standardDeviation: Double,
                                   truncated: Bool, _ rng: inout SeededGenerator) -> Tensor<S> {
    Tensor(shape: shape) { out in
        for i in 0..<out.count {
            var z = rng.nextNormal()
            while truncated && z.magnitude > 2 { z = rng.nextNormal() }
            out[i] = S(mean + standardDeviation * z)
        }
    }
}
