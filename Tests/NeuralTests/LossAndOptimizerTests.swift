import Foundation
import Neural
import Tensors
import TestSupport
import XCTest

final class LossTests: XCTestCase {
    /// An optimizer prints its settings, so a lesson's settings line shows the value it trains with.
    func testOptimizersDescribeTheirSettings() {
        XCTAssertEqual(RMSProp<Float>().description, "RMSProp (η = 0.001, ρ = 0.9)")
        XCTAssertEqual(SGD<Float>(learningRate: 0.01, momentum: 0.9).description, "SGD (η = 0.01, μ = 0.9)")
        XCTAssertEqual([Regularizer.l2(0.002), .l1(0.001), .l1l2(l1: 0.001, l2: 0.001)].map(\.description),
                       ["l2(0.002)", "l1(0.001)", "l1_l2(0.001, 0.001)"], "Keras's spelling")
        XCTAssertEqual(SGD<Float>(learningRate: 0.1).description, "SGD (η = 0.1)")
        XCTAssertEqual(Adagrad<Float>(learningRate: 0.01).description, "Adagrad (η = 0.01, a₀ = 0.1)")
        XCTAssertEqual(Adam<Float>().description, "Adam (η = 0.001, β₁ = 0.9, β₂ = 0.999)")
    }

    func testTheLecturesRabbitExample() {
        // True label rabbit; predictions dog 0.1, cat 0.4, rabbit 0.8, squirrel 0.2.
        let predictions = Tensor<Double>([[0.1, 0.4, 0.8, 0.2]])
        let rabbit = Tensor<Double>([[0, 0, 1, 0]])
        let loss = CategoricalCrossentropy().value(predictions, rabbit)
        assertClose(loss, -log(0.8), tolerance: 1e-12, "−ln p(rabbit)")
        assertClose(loss, 0.2231, tolerance: 5e-5, "the slide's example, to 4 decimals")
        // The slide prints 0.916: that is −ln 0.4, the probability of *cat*, not of the true class.
        assertClose(-log(0.4), 0.916, tolerance: 5e-4, "what the slide computed")
        XCTAssertGreaterThan(abs(loss - 0.916), 0.5, "the correct value is not the slide's")
        // The sparse form (label 2) is the same loss.
        assertClose(SparseCategoricalCrossentropy().value(predictions, Tensor([2])), loss, tolerance: 1e-12, "sparse labels")
    }

    func testHandComputedValues() {
        let o = Tensor<Double>([[1, 2], [3, 5]]), y = Tensor<Double>([[1, 1], [1, 1]])
        assertClose(MeanSquaredError().value(o, y), 21.0 / 4, tolerance: 1e-12, "MSE")
        assertClose(MeanAbsoluteError().value(o, y), 7.0 / 4, tolerance: 1e-12, "MAE")
        assertClose(MeanSquaredError().gradient(o, y), Tensor([[0, 0.5], [1, 2]]), tolerance: 1e-12, "2(o − y)/4")
        let p = Tensor<Double>([[0.9], [0.2]]), t = Tensor<Double>([[1], [0]])
        assertClose(BinaryCrossentropy().value(p, t), -(log(0.9) + log(0.8)) / 2, tolerance: 1e-12, "BCE")
    }

    func testConfidentWrongAnswersCostAFiniteAmount() {
        let wrong = Tensor<Float>([[0, 1]]), truth = Tensor<Float>([[1, 0]])
        let loss = CategoricalCrossentropy().value(wrong, truth)
        XCTAssertTrue(loss.isFinite, "p = 0 is clipped to 1e-7, not log(0) = −inf")
        assertClose(Double(loss), -log(1e-7), tolerance: 1e-3, "−ln ε")
        XCTAssertTrue(BinaryCrossentropy().value(Tensor<Float>([[1]]), Tensor([[0]])).isFinite)
    }

    func testFusedDeltaIsPredictionMinusTarget() {
        let s = Tensor<Double>([[2, 1, 0.1], [0, 0, 5]])
        let p = Activation.softmax(s)
        let y = Tensor<Double>.oneHot([0, 2], classes: 3)
        assertClose(CategoricalCrossentropy().delta(p, y, outputActivation: .softmax)!, (p - y) / 2, tolerance: 1e-15, "δ = (ŷ − y)/m")
        XCTAssertNil(CategoricalCrossentropy().delta(p, y, outputActivation: .relu), "no shortcut for other activations")
        XCTAssertNil(MeanSquaredError().delta(p, y, outputActivation: .identity))
    }
}

final class ActivationTests: XCTestCase {
    func testFormulasAtKnownPoints() {
        let s = Tensor<Double>([-2, 0, 1.5])
        assertClose(Activation.sigmoid(s), vector([1 / (1 + exp(2)), 0.5, 1 / (1 + exp(-1.5))]), tolerance: 1e-15, "logistic")
        assertClose(Activation.relu(s), Tensor([0, 0, 1.5]), tolerance: 0, "ReLU")
        assertClose(Activation.binaryStep(s), Tensor([0, 1, 1]), tolerance: 0, "binary step (1 at 0)")
        assertClose(Activation.elu(s), vector([exp(-2) - 1, 0, 1.5]), tolerance: 1e-15, "ELU")
        assertClose(Activation.softplus(s), vector([log(1 + exp(-2)), log(2), log(1 + exp(1.5))]), tolerance: 1e-15, "softplus")
        assertClose(Activation.arctan(s), vector([atan(-2), 0, atan(1.5)]), tolerance: 1e-15, "arctan")
        let p = Activation.softmax(Tensor<Double>([[1, 2, 3], [1000, 1000, 1000]]))
        assertClose(p.sum(axis: 1), Tensor([1, 1]), tolerance: 1e-15, "softmax rows sum to 1")
        assertClose(p.row(1), vector([1.0 / 3, 1.0 / 3, 1.0 / 3]), tolerance: 1e-15, "no overflow at e^1000")
        XCTAssertTrue(Activation.softplus(Tensor<Float>([100, -100])).scalars.allSatisfy(\.isFinite), "softplus never overflows")
    }
}

final class OptimizerTests: XCTestCase {
    let w = Tensor<Double>([1, -2]), g = Tensor<Double>([0.5, -1])

    func testPlainSGDIsTheWeightUpdateRule() {
        let (w1, _) = SGD<Double>(learningRate: 0.1).update(w, gradient: g, state: nil, step: 1)
        assertClose(w1, vector([1 - 0.05, -2 + 0.1]), tolerance: 1e-15, "w − η g")
    }

    func testMomentumAndNesterovByHand() {
        let sgd = SGD<Double>(learningRate: 0.1, momentum: 0.9)
        var state = sgd.makeState(for: w)
        var x = w
        (x, state) = sgd.update(x, gradient: g, state: state, step: 1)
        assertClose(state!, Tensor([-0.05, 0.1]), tolerance: 1e-15, "v = −η g")
        (x, state) = sgd.update(x, gradient: g, state: state, step: 2)
        assertClose(state!, vector([0.9 * -0.05 - 0.05, 0.9 * 0.1 + 0.1]), tolerance: 1e-15, "v = μ v − η g")
        assertClose(x, vector([1 - 0.05 - 0.095, -2 + 0.1 + 0.19]), tolerance: 1e-15, "w = w + v, twice")

        let nesterov = SGD<Double>(learningRate: 0.1, momentum: 0.9, nesterov: true)
        let (y, v) = nesterov.update(w, gradient: g, state: nesterov.makeState(for: w), step: 1)
        assertClose(v!, Tensor([-0.05, 0.1]), tolerance: 1e-15, "Nesterov velocity")
        assertClose(y, vector([1 + 0.9 * -0.05 - 0.05, -2 + 0.9 * 0.1 + 0.1]), tolerance: 1e-15, "w + μ v − η g")
    }

    func testRMSPropWithKerasDefaults() {
        let rms = RMSProp<Double>()
        XCTAssertEqual(rms.learningRate, .constant(0.001))
        XCTAssertEqual(rms.rho, 0.9)
        XCTAssertEqual(rms.epsilon, 1e-7)
        let (w1, a) = rms.update(w, gradient: g, state: rms.makeState(for: w), step: 1)
        let expectedA = [0.1 * 0.25, 0.1 * 1.0]
        assertClose(a, Tensor(expectedA), tolerance: 1e-15, "a = (1 − ρ) g²")
        let step0 = 0.001 * 0.5 / (expectedA[0].squareRoot() + 1e-7), step1 = 0.001 * 1 / (expectedA[1].squareRoot() + 1e-7)
        assertClose(w1, vector([1 - step0, -2 + step1]), tolerance: 1e-15, "w − η g/(√a + ε)")
    }

    func testAdagradAccumulates() {
        let adagrad = Adagrad<Double>(learningRate: 0.1)
        var state = adagrad.makeState(for: w)
        var x = w
        for t in 1...2 { (x, state) = adagrad.update(x, gradient: g, state: state, step: t) }
        assertClose(state, vector([0.1 + 2 * 0.25, 0.1 + 2 * 1.0]), tolerance: 1e-15, "a₀ + Σ g²")
        let first = 0.1 * 0.5 / ((0.1 + 0.25).squareRoot() + 1e-7), second = 0.1 * 0.5 / ((0.1 + 0.5).squareRoot() + 1e-7)
        assertClose(x[0], 1 - first - second, tolerance: 1e-15, "two Adagrad steps")
    }

    func testAdamBiasCorrectionMakesTheFirstStepEta() {
        let adam = Adam<Double>(learningRate: 0.01)
        let (w1, state) = adam.update(w, gradient: g, state: adam.makeState(for: w), step: 1)
        assertClose(state.m, 0.1 * g, tolerance: 1e-15, "m = (1 − β₁) g")
        assertClose(state.v, 0.001 * g * g, tolerance: 1e-15, "v = (1 − β₂) g²")
        // m̂ = g and v̂ = g², so the first step is η · g/|g| = ±η whatever the gradient's size.
        assertClose(w1, vector([1 - 0.01, -2 + 0.01]), tolerance: 1e-8, "first step ±η")
        let (w2, _) = adam.update(w1, gradient: g, state: state, step: 2)
        let m = 0.9 * 0.1 * 0.5 + 0.1 * 0.5, v = 0.999 * 0.001 * 0.25 + 0.001 * 0.25
        let mHat = m / (1 - 0.81), vHat = v / (1 - 0.999 * 0.999)
        assertClose(w2[0], w1[0] - 0.01 * mHat / (vHat.squareRoot() + 1e-7), tolerance: 1e-15, "second step by hand")
    }

    func testLearningRateSchedules() {
        XCTAssertEqual(LearningRate.constant(0.1).at(step: 1000), 0.1)
        let step = LearningRate.stepDecay(initial: 1, factor: 0.5, every: 10)
        XCTAssertEqual([1, 10, 11, 21].map { step.at(step: $0) }, [1, 1, 0.5, 0.25])
        let inverse = LearningRate.inverseTimeDecay(initial: 1, rate: 0.5, steps: 10)
        XCTAssertEqual(inverse.at(step: 1), 1)
        assertClose(inverse.at(step: 21), 1 / (1 + 0.5 * 2), tolerance: 1e-15, "η₀ / (1 + rate · t/steps)")
        let literal: LearningRate = 0.01
        XCTAssertEqual(literal, .constant(0.01))
    }
}

/// A Double vector from an array literal (typed, so the arithmetic inside type-checks quickly).
func vector(_ values: [Double]) -> Tensor<Double> { Tensor(values) }

final class LayerBehaviourTests: XCTestCase {
    func testBatchNormKeepsRunningStatisticsForInference() {
        var layer = BatchNorm<Double>(features: 2, momentum: 0.5)
        let x = Tensor<Double>([[1, 10], [3, 30]])   // batch mean (2, 20), variance (1, 100)
        var training = Context(mode: .training, rng: SeededGenerator(seed: 1))
        let (y, _) = layer.forward(x, context: &training)
        assertClose(y.mean(axis: 0), vector([0, 0]), tolerance: 1e-12, "normalized with the batch's own statistics")
        assertClose(layer.runningMean, vector([1, 10]), tolerance: 1e-12, "μ ← m μ + (1 − m) μ_B = 0.5 · 0 + 0.5 · (2, 20)")
        assertClose(layer.runningVariance, vector([1, 50.5]), tolerance: 1e-12, "σ² ← 0.5 · 1 + 0.5 · (1, 100)")
        var inference = Context.inference
        let single = layer.forward(Tensor([[1, 10]]), context: &inference).output
        let expected: [Double] = [(1 - 1) / (1 + 1e-3).squareRoot(), (10 - 10) / (50.5 + 1e-3).squareRoot()]
        assertClose(single, vector(expected).reshaped([1, 2]), tolerance: 1e-12,
                    "inference uses the running statistics, so one example alone gets a defined output")
    }

    func testDropoutDropsTheRateAndScalesTheRest() {
        var layer = Dropout<Double>(rate: 0.25)
        var context = Context(mode: .training, rng: SeededGenerator(seed: 2))
        let y = layer.forward(Tensor.ones([100, 100]), context: &context).output
        let kept = (y .> 0).mean()
        assertClose(kept, 0.75, tolerance: 0.02, "about 75% of the units kept")
        assertClose(y.max(), 1 / 0.75, tolerance: 1e-12, "kept units scaled by 1/keep (inverted dropout)")
        assertClose(y.mean(), 1, tolerance: 0.03, "the expected value is unchanged")
        var inference = Context.inference
        XCTAssertEqual(layer.forward(Tensor.ones([2, 2]), context: &inference).output, Tensor.ones([2, 2]), "identity at inference")
    }

    func testMetrics() {
        let probabilities = Tensor<Float>([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7]])
        XCTAssertEqual(Metric.accuracy.value(probabilities, Tensor([[0, 1], [0, 1], [0, 1]])), 2.0 / 3, "one-hot targets")
        XCTAssertEqual(Metric.accuracy.value(probabilities, Tensor([1, 0, 0])), 2.0 / 3, "integer labels")
        let single = Tensor<Float>([[0.9], [0.4], [0.6]])
        XCTAssertEqual(Metric.binaryAccuracy.value(single, Tensor([[1], [0], [0]])), 2.0 / 3, "p > 0.5 against 0/1")
        XCTAssertEqual(Metric.accuracy.value(single, Tensor([[1], [0], [0]])), 2.0 / 3, "a single sigmoid output: binary")
        assertClose(Metric.meanAbsoluteError.value(Tensor<Float>([[1], [3]]), Tensor([[2], [1]])), 1.5, tolerance: 1e-7, "MAE")
    }
}
