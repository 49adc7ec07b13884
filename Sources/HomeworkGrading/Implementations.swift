import HomeworkWire
import Neural
import Tensors

/// The functions of the homework, as values: the grader is given one of these, whoever wrote
/// the functions (the student, the reference below, or a deliberately wrong variant in the
/// grader's self-tests). The shapes and formulas are those of Sources/Homework.
public struct Implementations: Sendable {
    public typealias Unary = @Sendable (Tensor<Double>) throws -> Tensor<Double>
    // Each function starts as "not implemented" (what the student's untouched copy does);
    // `reference` and the student's parts replace them all.
    // 1 · Activation functions
    public var sigmoid: Unary = { _ in throw HomeworkNotImplemented("sigmoid") }
    public var sigmoidDerivative: Unary = { _ in throw HomeworkNotImplemented("sigmoidDerivative") }
    public var tanhDerivative: Unary = { _ in throw HomeworkNotImplemented("tanhDerivative") }
    public var relu: Unary = { _ in throw HomeworkNotImplemented("relu") }
    public var reluDerivative: Unary = { _ in throw HomeworkNotImplemented("reluDerivative") }
    public var softmax: Unary = { _ in throw HomeworkNotImplemented("softmax") }
    // 2 · Backpropagation
    public var denseForward: @Sendable (_ x: Tensor<Double>, _ weights: Tensor<Double>, _ bias: Tensor<Double>) throws -> Tensor<Double>
        = { _, _, _ in throw HomeworkNotImplemented("denseForward") }
    public var denseBackward: @Sendable (_ delta: Tensor<Double>, _ input: Tensor<Double>, _ weights: Tensor<Double>) throws
        -> (inputGradient: Tensor<Double>, weightGradient: Tensor<Double>, biasGradient: Tensor<Double>)
        = { _, _, _ in throw HomeworkNotImplemented("denseBackward") }
    public var twoLayerGradients: @Sendable (_ x: Tensor<Double>, _ y: Tensor<Double>, _ w1: Tensor<Double>, _ b1: Tensor<Double>,
                                             _ w2: Tensor<Double>, _ b2: Tensor<Double>) throws
        -> (w1: Tensor<Double>, b1: Tensor<Double>, w2: Tensor<Double>, b2: Tensor<Double>)
        = { _, _, _, _, _, _ in throw HomeworkNotImplemented("twoLayerGradients") }
    public var gradientDescentStep: @Sendable (_ weights: Tensor<Double>, _ gradient: Tensor<Double>, _ learningRate: Double) throws -> Tensor<Double>
        = { _, _, _ in throw HomeworkNotImplemented("gradientDescentStep") }
    // 3 · Descent modes
    public var miniBatches: @Sendable (_ count: Int, _ batchSize: Int, _ rng: inout SeededGenerator) throws -> [[Int]]
        = { _, _, _ in throw HomeworkNotImplemented("miniBatches") }
    public var trainLinearRegression: @Sendable (_ x: Tensor<Double>, _ y: Tensor<Double>, _ epochs: Int, _ batchSize: Int,
                                                 _ learningRate: Double, _ rng: inout SeededGenerator) throws
        -> (weights: Tensor<Double>, bias: Tensor<Double>, losses: [Double])
        = { _, _, _, _, _, _ in throw HomeworkNotImplemented("trainLinearRegression") }
    // 4 · Dropout and L2
    public var dropoutForward: @Sendable (_ x: Tensor<Double>, _ rate: Double, _ rng: inout SeededGenerator) throws
        -> (output: Tensor<Double>, scaledMask: Tensor<Double>)
        = { _, _, _ in throw HomeworkNotImplemented("dropoutForward") }
    public var dropoutBackward: @Sendable (_ outputGradient: Tensor<Double>, _ scaledMask: Tensor<Double>) throws -> Tensor<Double>
        = { _, _ in throw HomeworkNotImplemented("dropoutBackward") }
    public var l2Penalty: @Sendable (_ weights: Tensor<Double>, _ lambda: Double) throws -> Double
        = { _, _ in throw HomeworkNotImplemented("l2Penalty") }
    public var l2Gradient: @Sendable (_ weights: Tensor<Double>, _ dataGradient: Tensor<Double>, _ lambda: Double) throws -> Tensor<Double>
        = { _, _, _ in throw HomeworkNotImplemented("l2Gradient") }
    // 5 · Batch normalization
    public var batchNormTraining: @Sendable (_ x: Tensor<Double>, _ gamma: Tensor<Double>, _ beta: Tensor<Double>, _ epsilon: Double) throws
        -> (output: Tensor<Double>, mean: Tensor<Double>, variance: Tensor<Double>)
        = { _, _, _, _ in throw HomeworkNotImplemented("batchNormTraining") }
    public var batchNormInference: @Sendable (_ x: Tensor<Double>, _ gamma: Tensor<Double>, _ beta: Tensor<Double>,
                                              _ runningMean: Tensor<Double>, _ runningVariance: Tensor<Double>, _ epsilon: Double) throws -> Tensor<Double>
        = { _, _, _, _, _, _ in throw HomeworkNotImplemented("batchNormInference") }
    public var batchNormBackward: @Sendable (_ outputGradient: Tensor<Double>, _ input: Tensor<Double>, _ gamma: Tensor<Double>, _ epsilon: Double) throws
        -> (inputGradient: Tensor<Double>, gammaGradient: Tensor<Double>, betaGradient: Tensor<Double>)
        = { _, _, _, _ in throw HomeworkNotImplemented("batchNormBackward") }
    public var updateRunningAverage: @Sendable (_ running: Tensor<Double>, _ batch: Tensor<Double>, _ momentum: Double) throws -> Tensor<Double>
        = { _, _, _ in throw HomeworkNotImplemented("updateRunningAverage") }
    // 6 · Convolution
    public var conv2DForward: @Sendable (_ x: Tensor<Double>, _ weights: Tensor<Double>, _ bias: Tensor<Double>, _ stride: Int) throws -> Tensor<Double>
        = { _, _, _, _ in throw HomeworkNotImplemented("conv2DForward") }
    public var conv2DBackward: @Sendable (_ outputGradient: Tensor<Double>, _ x: Tensor<Double>, _ weights: Tensor<Double>, _ stride: Int) throws
        -> (inputGradient: Tensor<Double>, weightGradient: Tensor<Double>, biasGradient: Tensor<Double>)
        = { _, _, _, _ in throw HomeworkNotImplemented("conv2DBackward") }
    public var maxPoolForward: @Sendable (_ x: Tensor<Double>, _ size: Int) throws -> Tensor<Double>
        = { _, _ in throw HomeworkNotImplemented("maxPoolForward") }
    public var maxPoolBackward: @Sendable (_ outputGradient: Tensor<Double>, _ x: Tensor<Double>, _ size: Int) throws -> Tensor<Double>
        = { _, _, _ in throw HomeworkNotImplemented("maxPoolBackward") }

    /// Every function throws "not implemented": what the student's untouched copy does, and
    /// how the grading tool lists the parts without running anything.
    public init() {}
}

extension Implementations {
    /// The reference: the library's own layers (whose backward passes are checked against
    /// finite differences in NeuralTests), used for the expected values.
    public static let reference: Implementations = {
        var r = Implementations()
        setActivationsReference(&r)
        setBackpropagationReference(&r)
        setDescentReference(&r)
        setRegularizationReference(&r)
        setBatchNormalizationReference(&r)
        setConvolutionReference(&r)
        return r
    }()

    /// Every function throws "not implemented": what the student's untouched copy does, and
    /// how the grading tool lists the parts without running anything.
    public static let untouched = Implementations()
}

extension Implementations {
    /// The implementation whose every function is `call(name, arguments)`: how the grader
    /// calls the student's functions in their own process (`call` sends them over the
    /// channel), and the XCTest graders call them in theirs. `call` throws
    /// `HomeworkNotImplemented` for an untouched part and `StudentError` for what the student's
    /// code threw.
    public static func calling(_ call: @escaping @Sendable (String, [WireValue]) throws -> [WireValue]) -> Implementations {
        var r = Implementations()
        setActivationsCalls(&r, call)
        setBackpropagationCalls(&r, call)
        setDescentCalls(&r, call)
        setRegularizationCalls(&r, call)
        setBatchNormalizationCalls(&r, call)
        setConvolutionCalls(&r, call)
        return r
    }

    /// The reference's answers to the student's calls of functions a part `uses` (2c's calls of
    /// sigmoid, σ′, denseForward and denseBackward; 3b–3d's of miniBatches). The arguments come
    /// from student code: each is checked (shapes that fit, sizes within limits) before the
    /// library sees it, since a library precondition would stop the grader itself.
    public static let referenceForUses: FunctionTable = {
        let reference = Implementations.reference
        /// At most this many multiply-adds per call, so a hostile call cannot hold up the grader.
        let work = 50_000_000
        @Sendable func matrix(_ t: Tensor<Double>, _ name: String) throws {
            guard t.rank == 2, t.shape.allSatisfy({ $0 >= 1 }) else { throw WireError("\(name) must be a non-empty matrix, got shape \(Shape.describe(t.shape))") }
        }
        var table = FunctionTable()
        table.add("sigmoid", arity: 1) { a in [try reference.sigmoid(a.argument(0)).wire] }
        table.add("sigmoidDerivative", arity: 1) { a in [try reference.sigmoidDerivative(a.argument(0)).wire] }
        table.add("denseForward", arity: 3) { a in
            let x: Tensor<Double> = try a.argument(0), w: Tensor<Double> = try a.argument(1), b: Tensor<Double> = try a.argument(2)
            try matrix(x, "x")
            try matrix(w, "W")
            guard x.shape[1] == w.shape[0], b.shape == [w.shape[1]], x.shape[0] * x.shape[1] * w.shape[1] <= work else {
                throw WireError("denseForward: shapes x \(Shape.describe(x.shape)), W \(Shape.describe(w.shape)), b \(Shape.describe(b.shape)) do not fit")
            }
            return [try reference.denseForward(x, w, b).wire]
        }
        table.add("denseBackward", arity: 3) { a in
            let delta: Tensor<Double> = try a.argument(0), x: Tensor<Double> = try a.argument(1), w: Tensor<Double> = try a.argument(2)
            try matrix(delta, "δ")
            try matrix(x, "x")
            try matrix(w, "W")
            guard x.shape[0] == delta.shape[0], x.shape[1] == w.shape[0], w.shape[1] == delta.shape[1],
                  x.shape[0] * x.shape[1] * w.shape[1] <= work else {
                throw WireError("denseBackward: shapes δ \(Shape.describe(delta.shape)), x \(Shape.describe(x.shape)), W \(Shape.describe(w.shape)) do not fit")
            }
            let r = try reference.denseBackward(delta, x, w)
            return [r.0.wire, r.1.wire, r.2.wire]
        }
        table.add("miniBatches", arity: 3) { a in
            let count: Int = try a.argument(0), batchSize: Int = try a.argument(1)
            var rng: SeededGenerator = try a.argument(2)
            guard (0...1_000_000).contains(count), batchSize >= 1 else {
                throw WireError("miniBatches: count \(count) must be in 0…1,000,000 and batchSize \(batchSize) at least 1")
            }
            let batches = try reference.miniBatches(count, batchSize, &rng)
            return [batches.wire, rng.wire]
        }
        return table
    }()
}
