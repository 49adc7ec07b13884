import Neural
import Tensors

/// The functions of the homework, as values: the grader is given one of these, whoever wrote
/// the functions (the student, the reference below, or a deliberately wrong variant in the
/// grader's self-tests). The shapes and formulas are those of Sources/Homework.
public struct Implementations: Sendable {
    public typealias Unary = @Sendable (Tensor<Double>) throws -> Tensor<Double>
    // 1 · Activation functions
    public var sigmoid: Unary
    public var sigmoidDerivative: Unary
    public var tanhDerivative: Unary
    public var relu: Unary
    public var reluDerivative: Unary
    public var softmax: Unary
    // 2 · Backpropagation
    public var denseForward: @Sendable (_ x: Tensor<Double>, _ weights: Tensor<Double>, _ bias: Tensor<Double>) throws -> Tensor<Double>
    public var denseBackward: @Sendable (_ delta: Tensor<Double>, _ input: Tensor<Double>, _ weights: Tensor<Double>) throws
        -> (inputGradient: Tensor<Double>, weightGradient: Tensor<Double>, biasGradient: Tensor<Double>)
    public var twoLayerGradients: @Sendable (_ x: Tensor<Double>, _ y: Tensor<Double>, _ w1: Tensor<Double>, _ b1: Tensor<Double>,
                                             _ w2: Tensor<Double>, _ b2: Tensor<Double>) throws
        -> (w1: Tensor<Double>, b1: Tensor<Double>, w2: Tensor<Double>, b2: Tensor<Double>)
    public var gradientDescentStep: @Sendable (_ weights: Tensor<Double>, _ gradient: Tensor<Double>, _ learningRate: Double) throws -> Tensor<Double>
    // 3 · Descent modes
    public var miniBatches: @Sendable (_ count: Int, _ batchSize: Int, _ rng: inout SeededGenerator) throws -> [[Int]]
    public var trainLinearRegression: @Sendable (_ x: Tensor<Double>, _ y: Tensor<Double>, _ epochs: Int, _ batchSize: Int,
                                                 _ learningRate: Double, _ rng: inout SeededGenerator) throws
        -> (weights: Tensor<Double>, bias: Tensor<Double>, losses: [Double])
    // 4 · Dropout and L2
    public var dropoutForward: @Sendable (_ x: Tensor<Double>, _ rate: Double, _ rng: inout SeededGenerator) throws
        -> (output: Tensor<Double>, scaledMask: Tensor<Double>)
    public var dropoutBackward: @Sendable (_ outputGradient: Tensor<Double>, _ scaledMask: Tensor<Double>) throws -> Tensor<Double>
    public var l2Penalty: @Sendable (_ weights: Tensor<Double>, _ lambda: Double) throws -> Double
    public var l2Gradient: @Sendable (_ weights: Tensor<Double>, _ dataGradient: Tensor<Double>, _ lambda: Double) throws -> Tensor<Double>
    // 5 · Batch normalization
    public var batchNormTraining: @Sendable (_ x: Tensor<Double>, _ gamma: Tensor<Double>, _ beta: Tensor<Double>, _ epsilon: Double) throws
        -> (output: Tensor<Double>, mean: Tensor<Double>, variance: Tensor<Double>)
    public var batchNormInference: @Sendable (_ x: Tensor<Double>, _ gamma: Tensor<Double>, _ beta: Tensor<Double>,
                                              _ runningMean: Tensor<Double>, _ runningVariance: Tensor<Double>, _ epsilon: Double) throws -> Tensor<Double>
    public var batchNormBackward: @Sendable (_ outputGradient: Tensor<Double>, _ input: Tensor<Double>, _ gamma: Tensor<Double>, _ epsilon: Double) throws
        -> (inputGradient: Tensor<Double>, gammaGradient: Tensor<Double>, betaGradient: Tensor<Double>)
    public var updateRunningAverage: @Sendable (_ running: Tensor<Double>, _ batch: Tensor<Double>, _ momentum: Double) throws -> Tensor<Double>
    // 6 · Convolution
    public var conv2DForward: @Sendable (_ x: Tensor<Double>, _ weights: Tensor<Double>, _ bias: Tensor<Double>, _ stride: Int) throws -> Tensor<Double>
    public var conv2DBackward: @Sendable (_ outputGradient: Tensor<Double>, _ x: Tensor<Double>, _ weights: Tensor<Double>, _ stride: Int) throws
        -> (inputGradient: Tensor<Double>, weightGradient: Tensor<Double>, biasGradient: Tensor<Double>)
    public var maxPoolForward: @Sendable (_ x: Tensor<Double>, _ size: Int) throws -> Tensor<Double>
    public var maxPoolBackward: @Sendable (_ outputGradient: Tensor<Double>, _ x: Tensor<Double>, _ size: Int) throws -> Tensor<Double>

    public init(sigmoid: @escaping Unary, sigmoidDerivative: @escaping Unary, tanhDerivative: @escaping Unary,
                relu: @escaping Unary, reluDerivative: @escaping Unary, softmax: @escaping Unary,
                denseForward: @escaping @Sendable (Tensor<Double>, Tensor<Double>, Tensor<Double>) throws -> Tensor<Double>,
                denseBackward: @escaping @Sendable (Tensor<Double>, Tensor<Double>, Tensor<Double>) throws
                    -> (inputGradient: Tensor<Double>, weightGradient: Tensor<Double>, biasGradient: Tensor<Double>),
                twoLayerGradients: @escaping @Sendable (Tensor<Double>, Tensor<Double>, Tensor<Double>, Tensor<Double>, Tensor<Double>, Tensor<Double>) throws
                    -> (w1: Tensor<Double>, b1: Tensor<Double>, w2: Tensor<Double>, b2: Tensor<Double>),
                gradientDescentStep: @escaping @Sendable (Tensor<Double>, Tensor<Double>, Double) throws -> Tensor<Double>,
                miniBatches: @escaping @Sendable (Int, Int, inout SeededGenerator) throws -> [[Int]],
                trainLinearRegression: @escaping @Sendable (Tensor<Double>, Tensor<Double>, Int, Int, Double, inout SeededGenerator) throws
                    -> (weights: Tensor<Double>, bias: Tensor<Double>, losses: [Double]),
                dropoutForward: @escaping @Sendable (Tensor<Double>, Double, inout SeededGenerator) throws -> (output: Tensor<Double>, scaledMask: Tensor<Double>),
                dropoutBackward: @escaping @Sendable (Tensor<Double>, Tensor<Double>) throws -> Tensor<Double>,
                l2Penalty: @escaping @Sendable (Tensor<Double>, Double) throws -> Double,
                l2Gradient: @escaping @Sendable (Tensor<Double>, Tensor<Double>, Double) throws -> Tensor<Double>,
                batchNormTraining: @escaping @Sendable (Tensor<Double>, Tensor<Double>, Tensor<Double>, Double) throws
                    -> (output: Tensor<Double>, mean: Tensor<Double>, variance: Tensor<Double>),
                batchNormInference: @escaping @Sendable (Tensor<Double>, Tensor<Double>, Tensor<Double>, Tensor<Double>, Tensor<Double>, Double) throws -> Tensor<Double>,
                batchNormBackward: @escaping @Sendable (Tensor<Double>, Tensor<Double>, Tensor<Double>, Double) throws
                    -> (inputGradient: Tensor<Double>, gammaGradient: Tensor<Double>, betaGradient: Tensor<Double>),
                updateRunningAverage: @escaping @Sendable (Tensor<Double>, Tensor<Double>, Double) throws -> Tensor<Double>,
                conv2DForward: @escaping @Sendable (Tensor<Double>, Tensor<Double>, Tensor<Double>, Int) throws -> Tensor<Double>,
                conv2DBackward: @escaping @Sendable (Tensor<Double>, Tensor<Double>, Tensor<Double>, Int) throws
                    -> (inputGradient: Tensor<Double>, weightGradient: Tensor<Double>, biasGradient: Tensor<Double>),
                maxPoolForward: @escaping @Sendable (Tensor<Double>, Int) throws -> Tensor<Double>,
                maxPoolBackward: @escaping @Sendable (Tensor<Double>, Tensor<Double>, Int) throws -> Tensor<Double>) {
        self.sigmoid = sigmoid
        self.sigmoidDerivative = sigmoidDerivative
        self.tanhDerivative = tanhDerivative
        self.relu = relu
        self.reluDerivative = reluDerivative
        self.softmax = softmax
        self.denseForward = denseForward
        self.denseBackward = denseBackward
        self.twoLayerGradients = twoLayerGradients
        self.gradientDescentStep = gradientDescentStep
        self.miniBatches = miniBatches
        self.trainLinearRegression = trainLinearRegression
        self.dropoutForward = dropoutForward
        self.dropoutBackward = dropoutBackward
        self.l2Penalty = l2Penalty
        self.l2Gradient = l2Gradient
        self.batchNormTraining = batchNormTraining
        self.batchNormInference = batchNormInference
        self.batchNormBackward = batchNormBackward
        self.updateRunningAverage = updateRunningAverage
        self.conv2DForward = conv2DForward
        self.conv2DBackward = conv2DBackward
        self.maxPoolForward = maxPoolForward
        self.maxPoolBackward = maxPoolBackward
    }
}

extension Implementations {
    /// The reference: the library's own layers (whose backward passes are checked against
    /// finite differences in NeuralTests), used for the expected values.
    public static let reference = Implementations(
        sigmoid: { Activation.sigmoid($0) },
        sigmoidDerivative: { Activation.sigmoid.derivative($0, output: Activation.sigmoid($0)) },
        tanhDerivative: { Activation.tanh.derivative($0, output: Activation.tanh($0)) },
        relu: { Activation.relu($0) },
        reluDerivative: { Activation.relu.derivative($0, output: Activation.relu($0)) },
        softmax: { Activation.softmax($0) },
        denseForward: { x, w, b in
            var layer = Dense(weights: w, bias: b)
            var context = Context.inference
            return layer.forward(x, context: &context).output
        },
        denseBackward: { delta, x, w in
            var layer = Dense(weights: w, bias: .zeros([w.shape[1]]))
            var context = Context.inference
            let cache = layer.forward(x, context: &context).cache
            let g = layer.backward(delta: delta, cache: cache)
            return (g.inputGradient, g.parameters[0], g.parameters[1])
        },
        twoLayerGradients: { x, y, w1, b1, w2, b2 in
            var network = Sequential<Double>(inputShape: [w1.shape[0]], layers: [
                Dense(weights: w1, bias: b1, activation: .sigmoid), Dense(weights: w2, bias: b2),
            ])
            var context = Context.inference
            let (output, caches) = network.forward(x, context: &context)
            let g = network.backward(output: output, target: y, loss: MeanSquaredError(), caches: caches)
            return (g[0][0], g[0][1], g[1][0], g[1][1])
        },
        gradientDescentStep: { w, g, eta in
            SGD<Double>(learningRate: .constant(eta)).update(w, gradient: g, state: nil, step: 1).parameter
        },
        miniBatches: { count, batchSize, rng in
            // The library's `fit` cuts its epochs the same way (Sources/Neural/Training.swift).
            let order = rng.permutation(count)
            return stride(from: 0, to: count, by: batchSize).map { Array(order[$0 ..< min(count, $0 + batchSize)]) }
        },
        trainLinearRegression: { x, y, epochs, batchSize, eta, rng in
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
        },
        dropoutForward: { x, rate, rng in
            var layer = Dropout<Double>(rate: rate)
            var context = Context(mode: .training, rng: rng)
            let (output, mask) = layer.forward(x, context: &context)
            rng = context.rng
            return (output, mask ?? .ones(x.shape))
        },
        dropoutBackward: { dy, mask in Dropout<Double>(rate: 0.5).backward(dy, cache: mask).inputGradient },
        l2Penalty: { w, lambda in Regularizer.l2(lambda).penalty(w) },
        l2Gradient: { w, g, lambda in g + Regularizer.l2(lambda).gradient(w) },
        batchNormTraining: { x, gamma, beta, epsilon in
            // momentum 0: the running statistics become the batch's μ and σ².
            var layer = BatchNorm<Double>(features: gamma.count, momentum: 0, epsilon: epsilon)
            layer.gamma = gamma
            layer.beta = beta
            var context = Context(mode: .training, rng: SeededGenerator(seed: 0))
            let output = layer.forward(x, context: &context).output
            return (output, layer.runningMean, layer.runningVariance)
        },
        batchNormInference: { x, gamma, beta, mean, variance, epsilon in
            var layer = BatchNorm<Double>(features: gamma.count, epsilon: epsilon)
            layer.gamma = gamma
            layer.beta = beta
            layer.runningMean = mean
            layer.runningVariance = variance
            var context = Context.inference
            return layer.forward(x, context: &context).output
        },
        batchNormBackward: { dy, x, gamma, epsilon in
            var layer = BatchNorm<Double>(features: gamma.count, epsilon: epsilon)
            layer.gamma = gamma
            var context = Context(mode: .training, rng: SeededGenerator(seed: 0))
            let cache = layer.forward(x, context: &context).cache
            let g = layer.backward(dy, cache: cache)
            return (g.inputGradient, g.parameters[0], g.parameters[1])
        },
        updateRunningAverage: { running, batch, momentum in momentum * running + (1 - momentum) * batch },
        conv2DForward: { x, w, b, stride in
            var layer = Conv2D(weights: w, bias: b, stride: stride)
            var context = Context.inference
            return layer.forward(x, context: &context).output
        },
        conv2DBackward: { g, x, w, stride in
            var layer = Conv2D(weights: w, bias: .zeros([w.shape[3]]), stride: stride)
            var context = Context.inference
            let cache = layer.forward(x, context: &context).cache
            let gradients = layer.backward(g, cache: cache)
            return (gradients.inputGradient, gradients.parameters[0], gradients.parameters[1])
        },
        maxPoolForward: { x, size in
            var layer = MaxPooling2D<Double>(size: size)
            var context = Context.inference
            return layer.forward(x, context: &context).output
        },
        maxPoolBackward: { g, x, size in
            var layer = MaxPooling2D<Double>(size: size)
            var context = Context.inference
            return layer.backward(g, cache: layer.forward(x, context: &context).cache).inputGradient
        })

    /// Every function throws "not implemented": what the student's untouched copy does, and
    /// how the grading tool lists the parts without running anything.
    public static let untouched: Implementations = {
        @Sendable func no<T>(_ name: String) throws -> T { throw HomeworkNotImplemented(name) }
        return Implementations(
            sigmoid: { _ in try no("sigmoid") }, sigmoidDerivative: { _ in try no("sigmoidDerivative") },
            tanhDerivative: { _ in try no("tanhDerivative") }, relu: { _ in try no("relu") },
            reluDerivative: { _ in try no("reluDerivative") }, softmax: { _ in try no("softmax") },
            denseForward: { _, _, _ in try no("denseForward") }, denseBackward: { _, _, _ in try no("denseBackward") },
            twoLayerGradients: { _, _, _, _, _, _ in try no("twoLayerGradients") },
            gradientDescentStep: { _, _, _ in try no("gradientDescentStep") },
            miniBatches: { _, _, _ in try no("miniBatches") },
            trainLinearRegression: { _, _, _, _, _, _ in try no("trainLinearRegression") },
            dropoutForward: { _, _, _ in try no("dropoutForward") }, dropoutBackward: { _, _ in try no("dropoutBackward") },
            l2Penalty: { _, _ in try no("l2Penalty") }, l2Gradient: { _, _, _ in try no("l2Gradient") },
            batchNormTraining: { _, _, _, _ in try no("batchNormTraining") },
            batchNormInference: { _, _, _, _, _, _ in try no("batchNormInference") },
            batchNormBackward: { _, _, _, _ in try no("batchNormBackward") },
            updateRunningAverage: { _, _, _ in try no("updateRunningAverage") },
            conv2DForward: { _, _, _, _ in try no("conv2DForward") }, conv2DBackward: { _, _, _, _ in try no("conv2DBackward") },
            maxPoolForward: { _, _ in try no("maxPoolForward") }, maxPoolBackward: { _, _, _ in try no("maxPoolBackward") })
    }()
}
