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
