import Neural
import Tensors
import TestSupport
import XCTest

/// Every layer, loss and a few whole networks against centred finite differences in Double,
/// with random non-uniform upstream gradients. Tolerance: relative error ≤ 1e-6.
final class GradientCheckTests: XCTestCase {
    func assertPasses(_ report: GradientCheckReport, file: StaticString = #filePath, line: UInt = #line) {
        print(report)
        XCTAssertTrue(report.passed, "gradient check failed (tolerance \(GradientCheck.tolerance)):\n\(report)",
                      file: file, line: line)
        XCTAssertGreaterThan(report.rows.map(\.checked).reduce(0, +), 0, "something was checked", file: file, line: line)
    }

    /// Inputs away from 0, where ReLU, binary step and MAE have kinks that finite differences
    /// cannot cross.
    func input(_ shape: [Int], seed: UInt64) -> Tensor<Double> {
        var rng = SeededGenerator(seed: seed)
        let x = Tensor<Double>.normal(shape, using: &rng)
        return x + 0.1 * sign(x)
    }

    func testDenseWithEveryActivation() {
        for (i, activation) in (Activation.lectureTable + [.softmax, .elu(alpha: 0.5)]).enumerated() {
            var rng = SeededGenerator(seed: UInt64(i))
            let layer = Dense<Double>(inputs: 5, units: 4, activation: activation, using: &rng)
            let report = GradientCheck.check(layer, input: input([6, 5], seed: 100 + UInt64(i)))
            print("activation \(activation):")
            assertPasses(report)
        }
    }

    func testEveryActivationAsItsOwnLayer() {
        for (i, activation) in (Activation.lectureTable + [.softmax]).enumerated() {
            assertPasses(GradientCheck.check(ActivationLayer<Double>(activation), input: input([4, 7], seed: UInt64(i))))
        }
    }

    func testPReLULearnsItsSlope() {
        var layer = PReLU<Double>(units: 6, alpha: 0.25)
        layer.alpha = Tensor([0.1, 0.2, 0.3, -0.1, 0.5, 0])
        assertPasses(GradientCheck.check(layer, input: input([5, 6], seed: 3)))
    }

    func testDenseWithEachRegularizer() {
        for (i, regularizer) in [Regularizer.l1(0.01), .l2(0.002), .l1l2(l1: 0.01, l2: 0.02)].enumerated() {
            var rng = SeededGenerator(seed: 40 + UInt64(i))
            let layer = Dense<Double>(inputs: 4, units: 3, activation: .tanh, regularizer: regularizer, using: &rng)
            let report = GradientCheck.check(layer, input: input([5, 4], seed: 7))
            XCTAssertGreaterThan(layer.regularizationLoss, 0, "the penalty is part of the checked function")
            assertPasses(report)
        }
    }

    func testDropoutWithItsMaskFixedAndAtInference() {
        let dropout = Dropout<Double>(rate: 0.4)
        let x = input([8, 10], seed: 9)
        assertPasses(GradientCheck.check(dropout, input: x, mode: .training, seed: 5))
        assertPasses(GradientCheck.check(dropout, input: x, mode: .inference))
    }

    func testBatchNormInTrainingAndInference() {
        var layer = BatchNorm<Double>(features: 5)
        var rng = SeededGenerator(seed: 11)
        layer.gamma = Tensor<Double>.uniform([5], lower: 0.5, upper: 2, using: &rng)
        layer.beta = Tensor<Double>.normal([5], using: &rng)
        layer.runningMean = Tensor<Double>.normal([5], using: &rng)
        layer.runningVariance = Tensor<Double>.uniform([5], lower: 0.5, upper: 2, using: &rng)
        let x = 3 * input([7, 5], seed: 12) + 1
        assertPasses(GradientCheck.check(layer, input: x, mode: .training))
        assertPasses(GradientCheck.check(layer, input: x, mode: .inference))
    }

    func testEveryLossAndItsShortcut() {
        var rng = SeededGenerator(seed: 20)
        let outputs = input([6, 3], seed: 21)
        let targets = Tensor<Double>.normal([6, 3], using: &rng)
        assertPasses(GradientCheck.check(loss: MeanSquaredError(), output: outputs, target: targets))
        assertPasses(GradientCheck.check(loss: MeanAbsoluteError(), output: outputs, target: targets))

        let probabilities = Tensor<Double>.uniform([6, 3], lower: 0.05, upper: 0.95, using: &rng)
        let bits = Tensor<Double>.uniform([6, 3], using: &rng) .> 0.5
        assertPasses(GradientCheck.check(loss: BinaryCrossentropy(), output: probabilities, target: bits))
        assertPasses(GradientCheck.check(loss: BinaryCrossentropy(), output: outputs, target: bits, outputActivation: .sigmoid))

        let labels = [0, 2, 1, 1, 0, 2]
        let oneHot = Tensor<Double>.oneHot(labels, classes: 3)
        let rows = Activation.softmax(outputs)
        assertPasses(GradientCheck.check(loss: CategoricalCrossentropy(), output: rows, target: oneHot))
        assertPasses(GradientCheck.check(loss: CategoricalCrossentropy(), output: outputs, target: oneHot, outputActivation: .softmax))
        let sparse = Tensor<Double>(labels.map(Double.init))
        assertPasses(GradientCheck.check(loss: SparseCategoricalCrossentropy(), output: rows, target: sparse))
        assertPasses(GradientCheck.check(loss: SparseCategoricalCrossentropy(), output: outputs, target: sparse, outputActivation: .softmax))
    }

    func testClassifierNetworkWithRegularizationDropoutAndBatchNorm() {
        var rng = SeededGenerator(seed: 30)
        let network = Sequential<Double>(inputShape: [4], layers: [
            Dense(inputs: 4, units: 6, activation: .tanh, regularizer: .l2(0.01), using: &rng),
            BatchNorm(features: 6),
            Dropout(rate: 0.3),
            Dense(inputs: 6, units: 5, activation: .elu, regularizer: .l1(0.005), using: &rng),
            PReLU(units: 5, alpha: 0.2),
            Dense(inputs: 5, units: 3, activation: .softmax, using: &rng),
        ])
        let x = input([8, 4], seed: 31)
        let y = Tensor<Double>.oneHot([0, 1, 2, 1, 0, 2, 2, 1], classes: 3)
        assertPasses(GradientCheck.check(network, loss: CategoricalCrossentropy(), input: x, target: y))
    }

    func testRegressionAndBinaryNetworks() {
        var rng = SeededGenerator(seed: 33)
        let regression = Sequential<Double>(inputShape: [3], layers: [
            Dense(inputs: 3, units: 8, activation: .sigmoid, using: &rng),
            Dense(inputs: 8, units: 8, activation: .softplus, using: &rng),
            Dense(inputs: 8, units: 1, using: &rng),
        ])
        let x = input([10, 3], seed: 34)
        assertPasses(GradientCheck.check(regression, loss: MeanSquaredError(), input: x, target: Tensor.normal([10, 1], using: &rng)))
        let binary = Sequential<Double>(inputShape: [3], layers: [
            Dense(inputs: 3, units: 4, activation: .arctan, using: &rng),
            Dense(inputs: 4, units: 1, activation: .sigmoid, using: &rng),
        ])
        let bits = Tensor<Double>.uniform([10, 1], using: &rng) .> 0.5
        assertPasses(GradientCheck.check(binary, loss: BinaryCrossentropy(), input: x, target: bits))
    }

    func testABrokenBackwardPassIsCaught() {
        // A layer whose backward pass forgets a transpose-free but wrong factor of 2.
        struct Broken: Layer {
            var typeName: String { "Broken" }
            mutating func forward(_ x: Tensor<Double>, context: inout Context) -> (output: Tensor<Double>, cache: Tensor<Double>) {
                (x * x, x)
            }
            func backward(_ g: Tensor<Double>, cache x: Tensor<Double>, needsInputGradient _: Bool) -> LayerGradients<Double> {
                LayerGradients(inputGradient: g * x)   // should be 2 x g
            }
        }
        let report = GradientCheck.check(Broken(), input: input([3, 3], seed: 1))
        XCTAssertFalse(report.passed, "a wrong derivative must fail:\n\(report)")
        XCTAssertGreaterThan(report.maxRelativeError, 0.1)
        XCTAssertTrue(report.description.contains("FAILED"))
    }
}
