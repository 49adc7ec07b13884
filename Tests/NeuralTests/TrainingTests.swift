import Foundation
import Neural
import Tensors
import TestSupport
import XCTest

final class SummaryTests: XCTestCase {
    func mnistModel() -> Sequential<Float> {
        var rng = SeededGenerator(seed: 1)
        return Sequential<Float>(inputShape: [784], layers: [
            Dense(inputs: 784, units: 256, activation: .relu, using: &rng),
            Dropout(rate: 0.4),
            Dense(inputs: 256, units: 128, activation: .relu, using: &rng),
            Dropout(rate: 0.3),
            Dense(inputs: 128, units: 10, activation: .softmax, using: &rng),
        ])
    }

    func testTheLecturesParameterCounts() {
        XCTAssertEqual(mnistModel().parameterCount.total, 235_146, "784 → 256 → dropout → 128 → dropout → 10")
        var rng = SeededGenerator(seed: 2)
        let small = Sequential<Float>(inputShape: [784], layers: [
            Dense(inputs: 784, units: 32, activation: .relu, using: &rng),
            Dense(inputs: 32, units: 10, activation: .softmax, using: &rng)])
        XCTAssertEqual(small.parameterCount.total, 25_450, "784 → 32 → 10")
        let wide = Sequential<Float>(inputShape: [784], layers: [
            Dense(inputs: 784, units: 512, activation: .relu, using: &rng),
            Dense(inputs: 512, units: 10, activation: .softmax, using: &rng)])
        XCTAssertEqual(wide.parameterCount.total, 407_050, "784 → 512 → 10")
        let normalized = Sequential<Float>(inputShape: [10], layers: [BatchNorm(features: 10)])
        XCTAssertEqual(normalized.parameterCount.trainable, 20, "γ and β")
        XCTAssertEqual(normalized.parameterCount.nonTrainable, 20, "running mean and variance")
    }

    /// A layer lists its parameters once; its parameters, their names and its gradients by name follow.
    func testParametersAndGradientsByName() {
        var rng = SeededGenerator(seed: 3)
        var dense = Dense<Double>(inputs: 3, units: 2, using: &rng)
        XCTAssertEqual(dense.parameterNames, ["weights", "bias"])
        XCTAssertEqual(BatchNorm<Double>(features: 2).parameterNames, ["gamma", "beta"])
        XCTAssertEqual(Dropout<Double>(rate: 0.5).parameterNames, [])
        let x = Tensor<Double>.normal([4, 3], using: &rng), upstream = Tensor<Double>.normal([4, 2], using: &rng)
        var context = Context.inference
        let gradients = dense.backward(upstream, cache: dense.forward(x, context: &context).cache)
        XCTAssertEqual(gradients["weights"].scalars, gradients.parameters[0].scalars, "by name = by position (optimizers' order)")
        XCTAssertEqual(gradients["bias"].scalars, gradients.parameters[1].scalars)
        XCTAssertEqual(gradients["weights"].scalars, matmul(x, upstream, transposeA: true).scalars, "∂E/∂W = Xᵀ · ∂E/∂s (identity activation)")
        // Setting `parameters` writes through the same list.
        dense.parameters = [.ones([3, 2]), .zeros([2])]
        XCTAssertEqual(dense.weights.scalars, [1, 1, 1, 1, 1, 1])
        XCTAssertEqual(dense.bias.scalars, [0, 0])
    }

    /// The builder infers each layer's input size and draws the weights in order: the network is the
    /// explicit form's, bit for bit.
    func testInferredInputSizesGiveTheExplicitNetwork() {
        var explicitRNG = SeededGenerator(seed: 7), inferredRNG = SeededGenerator(seed: 7)
        let explicit = Sequential<Float>(inputShape: [8, 8, 1], layers: [
            Conv2D(channels: 1, filters: 4, activation: .relu, using: &explicitRNG), MaxPooling2D(size: 2), Flatten(),
            Dense(inputs: 3 * 3 * 4, units: 5, activation: .relu, using: &explicitRNG), Dropout(rate: 0.5),
            Dense(inputs: 5, units: 2, activation: .softmax, using: &explicitRNG),
        ])
        let inferred = Sequential<Float>(inputShape: [8, 8, 1], using: &inferredRNG) {
            Conv2D(filters: 4, activation: .relu)
            MaxPooling2D(size: 2)
            Flatten()
            Dense(units: 5, activation: .relu)
            Dropout(rate: 0.5)
            Dense(units: 2, activation: .softmax)
        }
        XCTAssertEqual(inferred.layerShapes, explicit.layerShapes)
        XCTAssertEqual(inferred.parameters.count, explicit.parameters.count)
        for (a, b) in zip(inferred.parameters.joined(), explicit.parameters.joined()) {
            XCTAssertTrue(a.shape == b.shape && a.scalars == b.scalars, "inferred \(Shape.describe(a.shape)) vs explicit \(Shape.describe(b.shape))")
        }
        XCTAssertEqual(inferredRNG.next(), explicitRNG.next(), "the same number of draws")
    }

    func testLayerNamesAreKerasSnakeCase() {
        var rng = SeededGenerator(seed: 3)
        let network = Sequential<Float>(inputShape: [4], layers: [
            Dense(inputs: 4, units: 4, using: &rng), PReLU(units: 4), BatchNorm(features: 4), ActivationLayer(.relu),
            Dense(inputs: 4, units: 2, using: &rng)])
        let summary = network.summary()
        for name in ["dense (Dense)", "p_re_lu (PReLU)", "batch_normalization (BatchNormalization)", "activation (Activation)",
                     "dense_1 (Dense)"] {
            XCTAssertTrue(summary.contains(" \(name) "), "summary names \(name):\n\(summary)")
        }
        XCTAssertTrue(summary.contains("Non-trainable params: 8"), "BatchNorm's running statistics")
    }

    func testSummaryIsKerasTable() {
        let summary = mnistModel().summary()
        print(summary)
        let lines = summary.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        XCTAssertEqual(lines[0], "Model: \"sequential\"")
        XCTAssertTrue(lines[2].hasPrefix(" Layer (type)                Output Shape              Param #"), lines[2])
        XCTAssertTrue(lines.contains(" dense (Dense)               (None, 256)               200960"), summary)
        XCTAssertTrue(lines.contains(" dropout_1 (Dropout)         (None, 128)               0"), summary)
        XCTAssertTrue(lines.contains(" dense_2 (Dense)             (None, 10)                1290"), summary)
        XCTAssertTrue(lines.contains("Total params: 235,146"))
        XCTAssertTrue(lines.contains("Trainable params: 235,146"))
        XCTAssertTrue(lines.contains("Non-trainable params: 0"))
    }
}

final class TrainingTests: XCTestCase {
    /// Two interleaved spirals (CS231n's toy data): not linearly separable.
    func spiral(pointsPerClass n: Int, rng: inout SeededGenerator) -> (Tensor<Float>, Tensor<Float>) {
        var points: [Float] = [], labels: [Float] = []
        for label in 0..<2 {
            for i in 0..<n {
                let r = Double(i) / Double(n)
                let angle = Double(label) * .pi + 4 * .pi * r + 0.1 * rng.nextNormal()
                points += [Float(r * cos(angle)), Float(r * sin(angle))]
                labels.append(Float(label))
            }
        }
        return (Tensor(shape: [2 * n, 2], scalars: points), Tensor(shape: [2 * n, 1], scalars: labels))
    }

    func testXORIsLearnedPerfectly() {
        var rng = SeededGenerator(seed: 3)
        let x = Tensor<Float>([[0, 0], [0, 1], [1, 0], [1, 1]]), y = Tensor<Float>([[0], [1], [1], [0]])
        var network = Sequential<Float>(inputShape: [2], layers: [
            Dense(inputs: 2, units: 8, activation: .tanh, using: &rng),
            Dense(inputs: 8, units: 1, activation: .sigmoid, using: &rng)])
        let history = network.fit(x, y, epochs: 300, descent: .batch, loss: BinaryCrossentropy(),
                                  optimizer: Adam(learningRate: 0.05), metrics: [.accuracy], progress: .quiet, rng: &rng)
        XCTAssertEqual(history.last(.accuracy), 1, "XOR: final training accuracy (expected 1, history ends \(history[.accuracy].suffix(3)))")
        XCTAssertEqual(network.predictClasses(x), [0, 1, 1, 0])
        XCTAssertLessThan(history.last(.loss)!, 0.1)
    }

    func testTwoClassSpiralReaches99PercentTrainingAccuracy() {
        var rng = SeededGenerator(seed: 4)
        let (x, y) = spiral(pointsPerClass: 100, rng: &rng)
        var network = Sequential<Float>(inputShape: [2], layers: [
            Dense(inputs: 2, units: 64, activation: .relu, initializer: .heNormal, using: &rng),
            Dense(inputs: 64, units: 64, activation: .relu, initializer: .heNormal, using: &rng),
            Dense(inputs: 64, units: 1, activation: .sigmoid, using: &rng)])
        let history = network.fit(x, y, epochs: 400, descent: .miniBatch(50), loss: BinaryCrossentropy(),
                                  optimizer: Adam(learningRate: 0.01), metrics: [.accuracy], progress: .quiet, rng: &rng)
        let accuracy = network.evaluate(x, y, loss: BinaryCrossentropy(), metrics: [.accuracy])[.accuracy]!
        XCTAssertGreaterThanOrEqual(accuracy, 0.99, "spiral training accuracy (last epochs: \(history[.accuracy].suffix(3)))")
    }

    func classifier(_ rng: inout SeededGenerator, dropout: Double = 0.2) -> Sequential<Float> {
        Sequential<Float>(inputShape: [2], layers: [
            Dense(inputs: 2, units: 16, activation: .relu, using: &rng),
            Dropout(rate: dropout),
            Dense(inputs: 16, units: 2, activation: .softmax, using: &rng)])
    }

    func testSameSeedGivesTheSameHistoryBitForBit() {
        func run() -> History {
            var rng = SeededGenerator(seed: 5)
            let (x, y) = spiral(pointsPerClass: 50, rng: &rng)
            let oneHot = Tensor<Float>.oneHot(y.integerLabels, classes: 2)
            var network = classifier(&rng)
            return network.fit(x, oneHot, epochs: 5, descent: .miniBatch(16), loss: CategoricalCrossentropy(),
                               optimizer: RMSProp(), metrics: [.accuracy], validation: .split(0.2),
                               recordSteps: true, progress: .quiet, rng: &rng)
        }
        let first = run(), second = run()
        XCTAssertEqual(first, second, "same seed → identical History, every value and every step loss")
        XCTAssertEqual(first.keys, [.loss, .accuracy, .validationLoss, .validationAccuracy])
        XCTAssertEqual(first.stepLosses.count, 5 * 5, "80 training examples in batches of 16: 5 updates per epoch")
    }

    /// An epoch of an MNIST-sized MLP (784-64-10, 512 examples, RMSProp) gives the same weights
    /// and history, bit for bit, on every kernel path this CPU supports.
    func testAnMLPEpochIsTheSameBitsOnEveryKernelPath() throws {
        let paths = KernelPath.supported
        guard paths.count > 1 else { throw XCTSkip("this CPU runs one kernel path (\(paths)): nothing to compare") }
        let saved = KernelPath.current
        defer { KernelPath.current = saved }
        func run(_ path: KernelPath) -> (History, [Tensor<Float>]) {
            KernelPath.current = path
            var rng = SeededGenerator(seed: 21)
            let x = Tensor<Float>.uniform([512, 784], using: &rng)
            let y = Tensor<Float>.oneHot((0..<512).map { $0 % 10 }, classes: 10)
            var network = Sequential<Float>(inputShape: [784], layers: [
                Dense(inputs: 784, units: 64, activation: .relu, using: &rng), Dense(inputs: 64, units: 10, activation: .softmax, using: &rng),
            ])
            let history = network.fit(x, y, epochs: 2, descent: .miniBatch(128), loss: CategoricalCrossentropy(),
                                      optimizer: RMSProp(), metrics: [.accuracy], progress: .quiet, rng: &rng)
            return (history, network.layers.flatMap { $0.parameters })
        }
        let first = run(paths[0])
        for path in paths.dropFirst() {
            let other = run(path)
            XCTAssertEqual(other.0, first.0, "history: \(path) vs \(paths[0])")
            XCTAssertEqual(other.1, first.1, "weights after 2 epochs: \(path) vs \(paths[0])")
        }
    }

    /// A layer whose one parameter (a per-feature scale, y = a ⊙ x) is listed by overriding
    /// `parameters` rather than by a `parameterList`: training must update it all the same.
    struct Scale: Layer {
        var a: Tensor<Float>
        var typeName: String { "Scale" }
        var parameters: [Tensor<Float>] {
            get { [a] }
            set { a = newValue[0] }
        }
        mutating func forward(_ x: Tensor<Float>, context: inout Context) -> (output: Tensor<Float>, cache: Tensor<Float>) {
            (x * a, x)
        }
        func backward(_ outputGradient: Tensor<Float>, cache x: Tensor<Float>, needsInputGradient: Bool) -> LayerGradients<Float> {
            LayerGradients(inputGradient: outputGradient * a, parameters: [(outputGradient * x).sum(axis: 0)])
        }
    }

    /// `trainStep` hands each parameter to the optimizer where it lies (`updateInPlace`): the
    /// new weights are, bit for bit, what the pure `update` gives on the same gradients, for
    /// plain SGD (written in place), momentum and Adam (the default, through `update`), and a
    /// layer listing its parameters its own way; and plain SGD allocates no new weight matrix.
    func testATrainingStepUpdatesEachParameterWhereItLies() {
        func check<O: Optimizer<Float>>(_ optimizer: O, _ label: String) {
            var rng = SeededGenerator(seed: 17)
            let x = Tensor<Float>.normal([32, 20], using: &rng)
            let y = Tensor<Float>.oneHot((0..<32).map { $0 % 3 }, classes: 3)
            var network = Sequential<Float>(inputShape: [20], layers: [
                Scale(a: .normal([20], using: &rng)),
                Dense(inputs: 20, units: 8, activation: .relu, using: &rng),
                Dense(inputs: 8, units: 3, activation: .softmax, using: &rng),
            ])
            var state = OptimizerState(for: network, optimizer: optimizer)
            // The expected weights: the same forward and backward pass on a copy, then the pure update.
            func expectedWeights(_ copy: Sequential<Float>) -> [[Tensor<Float>]] {
                var copy = copy
                var context = Context(mode: .training, rng: rng)
                let (output, caches) = copy.forward(x, context: &context)
                let gradients = copy.backward(output: output, target: y, loss: CategoricalCrossentropy(), caches: caches)
                return copy.parameters.indices.map { l in
                    copy.parameters[l].indices.map { p in
                        optimizer.update(copy.parameters[l][p], gradient: gradients[l][p], state: optimizer.makeState(for: copy.parameters[l][p]), step: 1).parameter
                    }
                }
            }
            let expected = expectedWeights(network)
            let scaleBefore = network.layers[0].parameters
            let address = network.layer(1, as: Dense<Float>.self).weights.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) }
            network.trainStep(x, y, loss: CategoricalCrossentropy(), optimizer: optimizer, state: &state, rng: &rng)
            XCTAssertEqual(network.parameters, expected, "\(label): weights after one step, in place vs the pure update")
            XCTAssertNotEqual(network.layers[0].parameters, scaleBefore, "\(label): Scale's parameter moved")
            if label == "SGD" {
                let after = network.layer(1, as: Dense<Float>.self).weights.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) }
                XCTAssertEqual(after, address, "plain SGD writes the 20 × 8 weights where they lie: address expected \(address), got \(after)")
            }
        }
        check(SGD<Float>(learningRate: 0.1), "SGD")
        check(SGD<Float>(learningRate: 0.1, momentum: 0.9, nesterov: true), "SGD with Nesterov momentum")
        check(Adam<Float>(), "Adam")
    }

    func testHistoryExportsCSV() {
        var history = History()
        history.append([(.loss, 0.5), (.accuracy, 0.75)])
        history.append([(.loss, 0.25), (.accuracy, 0.875)])
        history.stepLosses = [0.6, 0.4]
        XCTAssertEqual(history.csv(), "epoch,loss,accuracy\n1,0.5,0.75\n2,0.25,0.875\n")
        XCTAssertEqual(history.stepCSV(), "step,loss\n1,0.6\n2,0.4\n")
        XCTAssertEqual(history[.loss], [0.5, 0.25])
        XCTAssertEqual(history[.validationLoss], [], "never recorded")
        XCTAssertEqual(HistoryKey.accuracy.validation.name, "val_accuracy")
    }

    func testDescentModesMakeTheRightNumberOfUpdates() {
        var rng = SeededGenerator(seed: 6)
        let x = Tensor<Float>.normal([40, 2], using: &rng), y = Tensor<Float>.normal([40, 1], using: &rng)
        for (descent, expected) in [(Descent.batch, 1), (.miniBatch(16), 3), (.stochastic, 40)] {
            var network = Sequential<Float>(inputShape: [2], layers: [Dense(inputs: 2, units: 1, using: &rng)])
            var updates = 0
            network.fit(x, y, epochs: 2, descent: descent, loss: MeanSquaredError(), optimizer: SGD(),
                        progress: .quiet, callbacks: Callbacks(onStep: { _ in updates += 1 }), rng: &rng)
            XCTAssertEqual(updates, 2 * expected, "\(descent): updates in 2 epochs of 40 examples")
        }
    }

    func testOutputIsOneLinePerEpochWhenNotATerminal() {
        var rng = SeededGenerator(seed: 7)
        let (x, y) = spiral(pointsPerClass: 100, rng: &rng)
        var network = classifier(&rng)
        var text = ""
        network.fit(x, Tensor.oneHot(y.integerLabels, classes: 2), epochs: 3, descent: .miniBatch(8),
                    loss: CategoricalCrossentropy(), optimizer: RMSProp(), metrics: [.accuracy], validation: .split(0.2),
                    progress: ProgressReporter(style: .epochs, write: { text += $0 }), rng: &rng)
        print(text)
        let lines = text.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 3, "exactly one line per epoch, never one per step (20 steps per epoch):\n\(text)")
        let pattern = #"^Epoch 2/3 - 20/20 - \d+s \d+(ms|us|s)/step - loss: \d\.\d{4} - accuracy: \d\.\d{4} - val_loss: \d\.\d{4} - val_accuracy: \d\.\d{4}$"#
        XCTAssertNotNil(lines[1].range(of: pattern, options: .regularExpression), "Keras-style line: \(lines[1])")
        XCTAssertFalse(text.contains("\r"), "no carriage returns in a log")
    }

    func testTerminalBarLooksLikeKeras() {
        var rng = SeededGenerator(seed: 8)
        let (x, y) = spiral(pointsPerClass: 20, rng: &rng)
        var network = classifier(&rng)
        var text = ""
        network.fit(x, Tensor.oneHot(y.integerLabels, classes: 2), epochs: 2, descent: .miniBatch(8),
                    loss: CategoricalCrossentropy(), optimizer: RMSProp(), metrics: [.accuracy],
                    progress: ProgressReporter(style: .bar, write: { text += $0 }), rng: &rng)
        XCTAssertTrue(text.hasPrefix("Epoch 1/2\n"), text)
        XCTAssertTrue(text.contains("5/5 [==============================] - "), text)
        XCTAssertTrue(text.contains("\r"), "the bar is redrawn in place")
    }

    func testDivergenceStopsAtOnceAndKeepsTheHistory() {
        // Linear regression with a learning rate far too large: every update overshoots more.
        var rng = SeededGenerator(seed: 9)
        let x = Tensor<Float>.normal([64, 3], using: &rng) * 10
        let y = matmul(x, Tensor<Float>([[1], [2], [3]]))
        var network = Sequential<Float>(inputShape: [3], layers: [Dense(inputs: 3, units: 1, using: &rng)])
        var text = ""
        let history = network.fit(x, y, epochs: 50, descent: .miniBatch(16), loss: MeanSquaredError(),
                                  optimizer: SGD(learningRate: 1.0),
                                  progress: ProgressReporter(style: .epochs, write: { text += $0 }), rng: &rng)
        guard case let .diverged(epoch, step, steps, learningRate, loss)? = history.stopReason else {
            return XCTFail("expected divergence, got \(String(describing: history.stopReason))")
        }
        XCTAssertTrue(history.diverged)
        XCTAssertFalse(loss.isFinite)
        XCTAssertEqual(learningRate, 1.0)
        XCTAssertEqual(steps, 4)
        XCTAssertEqual(history.epochCount, epoch - 1, "the finished epochs are kept")
        XCTAssertLessThan(epoch, 50, "stopped at once, not after 50 epochs")
        XCTAssertTrue(text.contains("epoch \(epoch), step \(step)/4"), text)
        XCTAssertTrue(text.contains("try a smaller learning rate"), text)
    }

    /// Finite data whose validation inputs are 10^20 times larger than the training ones: the
    /// training loss stays finite, the validation loss overflows Float. Training stops after the
    /// first epoch, keeps that epoch (with its validation metrics), and says to check the scaling.
    func testAnOverflowingValidationLossStopsWithItsOwnMessage() {
        var rng = SeededGenerator(seed: 12)
        let x = Tensor<Float>.normal([32, 2], using: &rng), y = Tensor<Float>.normal([32, 1], using: &rng)
        let validationX = Tensor<Float>.normal([8, 2], using: &rng) * 1e20
        var network = Sequential<Float>(inputShape: [2], layers: [Dense(inputs: 2, units: 1, using: &rng)])
        var text = ""
        let history = network.fit(x, y, epochs: 5, descent: .miniBatch(8), loss: MeanSquaredError(), optimizer: SGD(learningRate: 0.01),
                                  metrics: [.meanAbsoluteError], validation: .data(validationX, .zeros([8, 1])),
                                  progress: ProgressReporter(style: .epochs, write: { text += $0 }), rng: &rng)
        guard case let .validationDiverged(epoch, validationLoss, trainingLoss)? = history.stopReason else {
            return XCTFail("expected the validation loss to overflow, got \(String(describing: history.stopReason))")
        }
        XCTAssertEqual(epoch, 1, "stopped after the first epoch")
        XCTAssertFalse(validationLoss.isFinite, "validation loss \(validationLoss)")
        XCTAssertTrue(trainingLoss.isFinite, "training loss \(trainingLoss)")
        XCTAssertEqual(history.epochCount, 1, "the epoch is kept")
        XCTAssertEqual(history[.validationMeanAbsoluteError].count, 1, "with its validation metrics, once")
        XCTAssertFalse(history.diverged, "the training itself did not diverge")
        XCTAssertTrue(text.contains("scaled the same way"), text)
    }

    func testEarlyStoppingAndValidationSplitTakesTheLastExamples() {
        var rng = SeededGenerator(seed: 10)
        let x = Tensor<Float>.normal([50, 2], using: &rng), y = Tensor<Float>.normal([50, 1], using: &rng)
        var network = Sequential<Float>(inputShape: [2], layers: [Dense(inputs: 2, units: 1, using: &rng)])
        var firstEpoch: Sequential<Float>?
        let history = network.fit(x, y, epochs: 200, descent: .batch, loss: MeanSquaredError(), optimizer: SGD(learningRate: 0.1),
                                  validation: .split(0.2),
                                  earlyStopping: EarlyStopping(monitor: .validationLoss, patience: 2, restoreBestWeights: true),
                                  progress: .quiet,
                                  callbacks: Callbacks(onEpoch: { if $0.epoch == 1 { firstEpoch = $0.network } }), rng: &rng)
        // val_loss of epoch 1 is the loss of that network on the last 10 examples.
        let expected = firstEpoch!.evaluate(x.rows(40 ..< 50), y.rows(40 ..< 50), loss: MeanSquaredError())[.loss]!
        assertClose(history[.validationLoss][0], expected, tolerance: 1e-6, "validation = the last 20% of the data")
        guard case let .earlyStopping(epoch, bestEpoch, _)? = history.stopReason else {
            return XCTFail("random targets: validation loss stops improving, expected early stopping, got \(String(describing: history.stopReason))")
        }
        XCTAssertEqual(epoch, bestEpoch + 2, "patience 2")
        let restored = network.evaluate(x.rows(40 ..< 50), y.rows(40 ..< 50), loss: MeanSquaredError())[.loss]!
        assertClose(restored, history[.validationLoss].min()!, tolerance: 1e-6, "best weights restored")
    }

    func testRegularizationIsInTheReportedLoss() {
        var rng = SeededGenerator(seed: 12)
        let x = Tensor<Float>.normal([20, 3], using: &rng), y = Tensor<Float>.normal([20, 1], using: &rng)
        let network = Sequential<Float>(inputShape: [3], layers: [
            Dense(inputs: 3, units: 1, regularizer: .l2(0.002), using: &rng)])
        let weights = network.layer(0, as: Dense<Float>.self).weights
        let plain = MeanSquaredError().value(network.predict(x), y)
        let reported = network.evaluate(x, y, loss: MeanSquaredError())[.loss]!
        assertClose(reported, Double(plain + 0.002 * (weights * weights).sum()), tolerance: 1e-6, "loss + 0.002 Σw²")
    }

    func testShapeMistakesNameTheShapes() throws {
        var rng = SeededGenerator(seed: 13)
        let network = Sequential<Float>(inputShape: [4], layers: [Dense(inputs: 4, units: 2, using: &rng)])
        XCTAssertEqual(network.outputShape, [2])
        // Misfits are programmer errors (preconditions); their messages are built from
        // Shape.describe, checked here through the matmul the Dense layer runs.
        XCTAssertThrowsError(try matmulChecked(Tensor<Float>.zeros([8, 3]), Tensor<Float>.zeros([4, 2]))) { error in
            XCTAssertTrue("\(error)".contains("(8, 3)") && "\(error)".contains("(4, 2)"), "\(error)")
        }
    }
}
