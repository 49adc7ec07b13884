import HomeworkWire
import Neural
import Tensors

// Assignment 5 · Batch normalization, graded: the reference, how the grader calls the student's functions
// (Sources/Homework/Assignment5BatchNormalization.swift), and the checks with their points. A new part: its function in
// Sources/Homework, its line in Sources/HomeworkFunctions/StudentFunctions.swift, its closure in
// Implementations.swift, and here its reference, its call and its check.

extension Implementations {
    /// The reference for batch normalization: the library's BatchNorm layer.
    static func setBatchNormalizationReference(_ r: inout Implementations) {
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
            return (g.inputGradient, g["gamma"], g["beta"])
        }
        r.updateRunningAverage = { running, batch, momentum in momentum * running + (1 - momentum) * batch }
    }

    /// The student's functions of this assignment, each a call of `call` with wire values.
    static func setBatchNormalizationCalls(_ r: inout Implementations, _ call: @escaping @Sendable (String, [WireValue]) throws -> [WireValue]) {
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
    }
}

extension Assignments {
    static let batchNormalization = "5 · Batch normalization"

    /// The checks of 5 · Batch normalization, run on `cases`.
    static func batchNormalizationChecks(_ cases: [Case]) -> [Check] {
        let reference = Implementations.reference
        let cs = cases
        var checks: [Check] = []
        checks.append(Check("5a", batchNormalization, "batch normalization forward, training mode", 2, functions: ["batchNormTraining"]) { student in
            grade(2, cs) { c in
                let (x, gamma, beta) = batchNormInputs(c)
                let got = try student.batchNormTraining(x, gamma, beta, 1e-3), expected = try reference.batchNormTraining(x, gamma, beta, 1e-3)
                return firstFailure(compare("batch mean μ", got.mean, expected.mean),
                                    compare("batch variance σ² (biased, 1/m)", got.variance, expected.variance),
                                    compare("y = γ x̂ + β", got.output, expected.output))
            }
        })
        checks.append(Check("5b", batchNormalization, "batch normalization forward, inference mode", 1, functions: ["batchNormInference"]) { student in
            grade(1, cs) { c in
                let (x, gamma, beta) = batchNormInputs(c)
                var rng = SeededGenerator(seed: c.seed + 1000)
                let mean = Tensor<Double>.normal(gamma.shape, using: &rng), variance = 0.5 + Tensor<Double>.uniform(gamma.shape, using: &rng)
                return compare("y with the running statistics", try student.batchNormInference(x, gamma, beta, mean, variance, 1e-3),
                               try reference.batchNormInference(x, gamma, beta, mean, variance, 1e-3))
            }
        })
        checks.append(Check("5c", batchNormalization, "batch normalization backward", 3, functions: ["batchNormBackward"]) { student in
            grade(3, cs) { c in
                let (x, gamma, _) = batchNormInputs(c)
                var rng = SeededGenerator(seed: c.seed + 2000)
                let dy = Tensor<Double>.normal(x.shape, using: &rng)   // random upstream gradient
                let got = try student.batchNormBackward(dy, x, gamma, 1e-3), expected = try reference.batchNormBackward(dy, x, gamma, 1e-3)
                return firstFailure(compare("∂E/∂x", got.inputGradient, expected.inputGradient),
                                    compare("∂E/∂γ", got.gammaGradient, expected.gammaGradient),
                                    compare("∂E/∂β", got.betaGradient, expected.betaGradient))
            }
        })
        checks.append(Check("5d", batchNormalization, "the running average for inference", 1, functions: ["updateRunningAverage"]) { student in
            grade(1, cs) { c in
                var rng = c.rng
                let running = Tensor<Double>.normal([c.units + 1], using: &rng), batch = Tensor<Double>.normal([c.units + 1], using: &rng)
                return compare("updateRunningAverage(momentum 0.99)", try student.updateRunningAverage(running, batch, 0.99),
                               try reference.updateRunningAverage(running, batch, 0.99))
            }
        })
        return checks
    }

    /// A batch on a scale far from standard (so forgetting to normalize shows), γ and β.
    @Sendable static func batchNormInputs(_ c: Case) -> (Tensor<Double>, Tensor<Double>, Tensor<Double>) {
        var rng = c.rng
        let units = c.units + 1
        // Batch normalization of a batch of one is degenerate (σ² = 0): use at least two examples.
        let x = 5 + 3 * Tensor<Double>.normal([max(c.batch, 2), units], using: &rng)
        return (x, 1 + Tensor<Double>.uniform([units], using: &rng), Tensor<Double>.normal([units], using: &rng))
    }
}
