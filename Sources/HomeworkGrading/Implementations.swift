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
        r.sigmoid = { Activation.sigmoid($0) }
        r.sigmoidDerivative = { Activation.sigmoid.derivative($0, output: Activation.sigmoid($0)) }
        r.tanhDerivative = { Activation.tanh.derivative($0, output: Activation.tanh($0)) }
        r.relu = { Activation.relu($0) }
        r.reluDerivative = { Activation.relu.derivative($0, output: Activation.relu($0)) }
        r.softmax = { Activation.softmax($0) }
        r.denseForward = { x, w, b in
            var layer = Dense(weights: w, bias: b)
            var context = Context.inference
            return layer.forward(x, context: &context).output
        }
        r.denseBackward = { delta, x, w in
            var layer = Dense(weights: w, bias: .zeros([w.shape[1]]))
            var context = Context.inference
            let cache = layer.forward(x, context: &context).cache
            let g = layer.backward(delta: delta, cache: cache)
            return (g.inputGradient, g.parameters[0], g.parameters[1])
        }
        r.twoLayerGradients = { x, y, w1, b1, w2, b2 in
            var network = Sequential<Double>(inputShape: [w1.shape[0]], layers: [
                Dense(weights: w1, bias: b1, activation: .sigmoid), Dense(weights: w2, bias: b2),
            ])
            var context = Context.inference
            let (output, caches) = network.forward(x, context: &context)
            let g = network.backward(output: output, target: y, loss: MeanSquaredError(), caches: caches)
            return (g[0][0], g[0][1], g[1][0], g[1][1])
        }
        r.gradientDescentStep = { w, g, eta in
            SGD<Double>(learningRate: .constant(eta)).update(w, gradient: g, state: nil, step: 1).parameter
        }
        r.miniBatches = { count, batchSize, rng in
            // The library's `fit` cuts its epochs the same way (Sources/Neural/Training.swift).
            let order = rng.permutation(count)
            return stride(from: 0, to: count, by: batchSize).map { Array(order[$0 ..< min(count, $0 + batchSize)]) }
        }
        r.trainLinearRegression = { x, y, epochs, batchSize, eta, rng in
            var network = Sequential<Double>(inputShape: [x.shape[1]], layers: [
                Dense(weights: .zeros([x.shape[1], 1]), bias: .zeros([1])),
            ])
            var losses: [Double] = []
            network.fit(x, y, epochs: epochs, descent: .miniBatch(batchSize), loss: MeanSquaredError(),
                        optimizer: SGD(learningRate: .constant(eta)), progress: .quiet,
                        callbacks: Callbacks(onEpoch: { losses.append($0.network.evaluate(x, y, loss: MeanSquaredError())[.loss]!) }),
                        rng: &rng)
            let layer = network.layers[0] as! Dense<Double>
            return (layer.weights, layer.bias, losses)
        }
        r.dropoutForward = { x, rate, rng in
            var layer = Dropout<Double>(rate: rate)
            var context = Context(mode: .training, rng: rng)
            let (output, mask) = layer.forward(x, context: &context)
            rng = context.rng
            return (output, mask ?? .ones(x.shape))
        }
        r.dropoutBackward = { dy, mask in Dropout<Double>(rate: 0.5).backward(dy, cache: mask).inputGradient }
        r.l2Penalty = { w, lambda in Regularizer.l2(lambda).penalty(w) }
        r.l2Gradient = { w, g, lambda in g + Regularizer.l2(lambda).gradient(w) }
        r.batchNormTraining = { x, gamma, beta, epsilon in
            // momentum 0: the running statistics become the batch's μ and σ².
            var layer = BatchNorm<Double>(features: gamma.count, momentum: 0, epsilon: epsilon)
            layer.gamma = gamma
            layer.beta = beta
            var context = Context(mode: .training, rng: SeededGenerator(seed: 0))
            let output = layer.forward(x, context: &context).output
            return (output, layer.runningMean, layer.runningVariance)
        }
        r.batchNormInference = { x, gamma, beta, mean, variance, epsilon in
            var layer = BatchNorm<Double>(features: gamma.count, epsilon: epsilon)
            layer.gamma = gamma
            layer.beta = beta
            layer.runningMean = mean
            layer.runningVariance = variance
            var context = Context.inference
            return layer.forward(x, context: &context).output
        }
        r.batchNormBackward = { dy, x, gamma, epsilon in
            var layer = BatchNorm<Double>(features: gamma.count, epsilon: epsilon)
            layer.gamma = gamma
            var context = Context(mode: .training, rng: SeededGenerator(seed: 0))
            let cache = layer.forward(x, context: &context).cache
            let g = layer.backward(dy, cache: cache)
            return (g.inputGradient, g.parameters[0], g.parameters[1])
        }
        r.updateRunningAverage = { running, batch, momentum in momentum * running + (1 - momentum) * batch }
        r.conv2DForward = { x, w, b, stride in
            var layer = Conv2D(weights: w, bias: b, stride: stride)
            var context = Context.inference
            return layer.forward(x, context: &context).output
        }
        r.conv2DBackward = { g, x, w, stride in
            var layer = Conv2D(weights: w, bias: .zeros([w.shape[3]]), stride: stride)
            var context = Context.inference
            let cache = layer.forward(x, context: &context).cache
            let gradients = layer.backward(g, cache: cache)
            return (gradients.inputGradient, gradients.parameters[0], gradients.parameters[1])
        }
        r.maxPoolForward = { x, size in
            var layer = MaxPooling2D<Double>(size: size)
            var context = Context.inference
            return layer.forward(x, context: &context).output
        }
        r.maxPoolBackward = { g, x, size in
            var layer = MaxPooling2D<Double>(size: size)
            var context = Context.inference
            return layer.backward(g, cache: layer.forward(x, context: &context).cache).inputGradient
        }
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
        r.sigmoid = { try call("sigmoid", [$0.wire]).decoded() }
        r.sigmoidDerivative = { try call("sigmoidDerivative", [$0.wire]).decoded() }
        r.tanhDerivative = { try call("tanhDerivative", [$0.wire]).decoded() }
        r.relu = { try call("relu", [$0.wire]).decoded() }
        r.reluDerivative = { try call("reluDerivative", [$0.wire]).decoded() }
        r.softmax = { try call("softmax", [$0.wire]).decoded() }
        r.denseForward = { try call("denseForward", [$0.wire, $1.wire, $2.wire]).decoded() }
        r.denseBackward = { delta, x, w in
            let (a, b, c): (Tensor<Double>, Tensor<Double>, Tensor<Double>) = try call("denseBackward", [delta.wire, x.wire, w.wire]).decoded()
            return (a, b, c)
        }
        r.twoLayerGradients = { x, y, w1, b1, w2, b2 in
            let (a, b, c, d): (Tensor<Double>, Tensor<Double>, Tensor<Double>, Tensor<Double>)
                = try call("twoLayerGradients", [x.wire, y.wire, w1.wire, b1.wire, w2.wire, b2.wire]).decoded()
            return (a, b, c, d)
        }
        r.gradientDescentStep = { try call("gradientDescentStep", [$0.wire, $1.wire, $2.wire]).decoded() }
        r.miniBatches = { count, batchSize, rng in
            let (batches, generator): ([[Int]], SeededGenerator) = try call("miniBatches", [count.wire, batchSize.wire, rng.wire]).decoded()
            rng = generator
            return batches
        }
        r.trainLinearRegression = { x, y, epochs, batchSize, eta, rng in
            let (w, b, losses, generator): (Tensor<Double>, Tensor<Double>, [Double], SeededGenerator)
                = try call("trainLinearRegression", [x.wire, y.wire, epochs.wire, batchSize.wire, eta.wire, rng.wire]).decoded()
            rng = generator
            return (w, b, losses)
        }
        r.dropoutForward = { x, rate, rng in
            let (output, mask, generator): (Tensor<Double>, Tensor<Double>, SeededGenerator) = try call("dropoutForward", [x.wire, rate.wire, rng.wire]).decoded()
            rng = generator
            return (output, mask)
        }
        r.dropoutBackward = { try call("dropoutBackward", [$0.wire, $1.wire]).decoded() }
        r.l2Penalty = { try call("l2Penalty", [$0.wire, $1.wire]).decoded() }
        r.l2Gradient = { try call("l2Gradient", [$0.wire, $1.wire, $2.wire]).decoded() }
        r.batchNormTraining = { x, gamma, beta, epsilon in
            let (a, b, c): (Tensor<Double>, Tensor<Double>, Tensor<Double>) = try call("batchNormTraining", [x.wire, gamma.wire, beta.wire, epsilon.wire]).decoded()
            return (a, b, c)
        }
        r.batchNormInference = { try call("batchNormInference", [$0.wire, $1.wire, $2.wire, $3.wire, $4.wire, $5.wire]).decoded() }
        r.batchNormBackward = { g, x, gamma, epsilon in
            let (a, b, c): (Tensor<Double>, Tensor<Double>, Tensor<Double>) = try call("batchNormBackward", [g.wire, x.wire, gamma.wire, epsilon.wire]).decoded()
            return (a, b, c)
        }
        r.updateRunningAverage = { try call("updateRunningAverage", [$0.wire, $1.wire, $2.wire]).decoded() }
        r.conv2DForward = { try call("conv2DForward", [$0.wire, $1.wire, $2.wire, $3.wire]).decoded() }
        r.conv2DBackward = { g, x, w, stride in
            let (a, b, c): (Tensor<Double>, Tensor<Double>, Tensor<Double>) = try call("conv2DBackward", [g.wire, x.wire, w.wire, stride.wire]).decoded()
            return (a, b, c)
        }
        r.maxPoolForward = { try call("maxPoolForward", [$0.wire, $1.wire]).decoded() }
        r.maxPoolBackward = { try call("maxPoolBackward", [$0.wire, $1.wire, $2.wire]).decoded() }
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
