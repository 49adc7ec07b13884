import Tensors

/// The homework's assignments and their parts, with points. Each part runs its checks on the
/// cases given (the visible ones here, the hidden ones in HiddenCases.swift) against the
/// reference, and explains the first difference.
public enum Assignments {
    /// Every part, visible then hidden, in the order they are graded. A part is run on an
    /// implementation (`part.run(implementations)`): the student's (through the grader's
    /// channel), the reference, or a deliberately wrong one in the graders' self-tests.
    public static var parts: [Part] { visibleParts + hiddenParts }

    /// The parts and the cases the student's copy shows.
    static var visibleParts: [Part] {
        checks(visibleCases).map { check in
            Part(id: check.id, assignment: check.assignment, title: check.title, points: check.points,
                 functions: check.functions, uses: check.uses, check: check.run)
        }
    }

    /// The homework functions, in the order of the parts that grade them (each once).
    public static var functions: [String] {
        var seen = Set<String>()
        return checks([]).flatMap(\.functions).filter { seen.insert($0).inserted }
    }

    /// The visible inputs: a small batch, and a batch of one example.
    static let visibleCases = [Case(seed: 1, batch: 4, inputs: 3, units: 2), Case(seed: 2, batch: 1, inputs: 5, units: 1)]

    static let activations = "1 · Activation functions", backpropagation = "2 · Backpropagation", descent = "3 · Descent modes",
               regularization = "4 · Dropout and L2", batchNormalization = "5 · Batch normalization",
               convolution = "6 · Convolution"

    /// One check per part, run on `cases`.
    static func checks(_ cases: [Case]) -> [Check] {
        let reference = Implementations.reference
        /// Signals of the case's shape, with exact zeros and ±1000 in the extreme cases.
        @Sendable func signals(_ c: Case) -> Tensor<Double> {
            var rng = c.rng
            var s = 3 * Tensor<Double>.normal([c.batch, c.units + 2], using: &rng)
            if c.extreme {
                s = s + Tensor<Double>(shape: [c.batch, 1], scalars: (0..<c.batch).map { $0 % 2 == 0 ? 1000 : -1000 })
                s[0, 0] = 0
            }
            return s
        }
        @Sendable func unary(_ name: String, _ got: @escaping Implementations.Unary, _ expected: @escaping Implementations.Unary) -> (Case) throws -> String? {
            { c in let s = signals(c); return compare("\(name)(s)", try got(s), try expected(s)) }
        }
        let cs = cases
        var checks: [Check] = []
        checks.append(Check("1a", activations, "sigmoid σ(s) and its derivative σ′(s)", 2, functions: ["sigmoid", "sigmoidDerivative"]) { student in
            grade(2, cs) { c in try firstFailure(unary("sigmoid", student.sigmoid, reference.sigmoid)(c),
                                                 unary("sigmoidDerivative", student.sigmoidDerivative, reference.sigmoidDerivative)(c)) }
        })
        checks.append(Check("1b", activations, "the derivative of tanh", 1, functions: ["tanhDerivative"]) { student in grade(1, cs, unary("tanhDerivative", student.tanhDerivative, reference.tanhDerivative)) })
        checks.append(Check("1c", activations, "ReLU and its derivative", 2, functions: ["relu", "reluDerivative"]) { student in
            grade(2, cs) { c in try firstFailure(unary("relu", student.relu, reference.relu)(c),
                                                 unary("reluDerivative", student.reluDerivative, reference.reluDerivative)(c)) }
        })
        checks.append(Check("1d", activations, "softmax of each row, stable for large signals", 2, functions: ["softmax"]) { student in grade(2, cs, unary("softmax", student.softmax, reference.softmax)) })

        checks.append(Check("2a", backpropagation, "dense layer forward: S = X·W + b", 2, functions: ["denseForward"]) { student in
            grade(2, cs) { c in
                var rng = c.rng
                let x = Tensor<Double>.normal([c.batch, c.inputs], using: &rng), w = Tensor<Double>.normal([c.inputs, c.units], using: &rng)
                let b = Tensor<Double>.normal([c.units], using: &rng)
                return compare("denseForward(x, W, b)", try student.denseForward(x, w, b), try reference.denseForward(x, w, b))
            }
        })
        checks.append(Check("2b", backpropagation, "dense layer backward: δ·Wᵀ, Xᵀ·δ, Σδ", 3, functions: ["denseBackward"]) { student in
            grade(3, cs) { c in
                var rng = c.rng
                let x = Tensor<Double>.normal([c.batch, c.inputs], using: &rng), w = Tensor<Double>.normal([c.inputs, c.units], using: &rng)
                let delta = Tensor<Double>.normal([c.batch, c.units], using: &rng)   // random upstream gradient
                let got = try student.denseBackward(delta, x, w), expected = try reference.denseBackward(delta, x, w)
                return firstFailure(compare("∂E/∂X", got.inputGradient, expected.inputGradient),
                                    compare("∂E/∂W", got.weightGradient, expected.weightGradient),
                                    compare("∂E/∂b", got.biasGradient, expected.biasGradient))
            }
        })
        checks.append(Check("2c", backpropagation, "the delta recursion through a two-layer network", 3, functions: ["twoLayerGradients"], uses: ["sigmoid", "sigmoidDerivative", "denseForward", "denseBackward"]) { student in
            grade(3, cs) { c in
                var rng = c.rng
                let x = Tensor<Double>.normal([c.batch, c.inputs], using: &rng), y = Tensor<Double>.normal([c.batch, c.units], using: &rng)
                let hidden = c.inputs + 1
                let w1 = Tensor<Double>.normal([c.inputs, hidden], using: &rng), b1 = Tensor<Double>.normal([hidden], using: &rng)
                let w2 = Tensor<Double>.normal([hidden, c.units], using: &rng), b2 = Tensor<Double>.normal([c.units], using: &rng)
                let got = try student.twoLayerGradients(x, y, w1, b1, w2, b2), expected = try reference.twoLayerGradients(x, y, w1, b1, w2, b2)
                return firstFailure(compare("∂E/∂W¹", got.w1, expected.w1), compare("∂E/∂b¹", got.b1, expected.b1),
                                    compare("∂E/∂W²", got.w2, expected.w2), compare("∂E/∂b²", got.b2, expected.b2))
            }
        })
        checks.append(Check("2d", backpropagation, "the weight update rule w ← w − η ∂E/∂w", 1, functions: ["gradientDescentStep"]) { student in
            grade(1, cs) { c in
                var rng = c.rng
                let w = Tensor<Double>.normal([c.inputs, c.units], using: &rng), g = Tensor<Double>.normal([c.inputs, c.units], using: &rng)
                return compare("gradientDescentStep(w, g, η = 0.1)", try student.gradientDescentStep(w, g, 0.1), try reference.gradientDescentStep(w, g, 0.1))
            }
        })

        checks.append(Check("3a", descent, "the shuffled mini-batches of an epoch", 2, functions: ["miniBatches"]) { student in
            grade(2, cs) { c in
                let count = c.batch * 3 + c.units, batchSize = c.inputs
                var studentRNG = c.rng, referenceRNG = c.rng
                let got = try student.miniBatches(count, batchSize, &studentRNG), expected = try reference.miniBatches(count, batchSize, &referenceRNG)
                if got != expected { return "miniBatches(count: \(count), batchSize: \(batchSize)): expected \(expected), got \(got)" }
                if studentRNG.next() != referenceRNG.next() { return "the generator was not advanced by exactly one rng.permutation(count)" }
                return nil
            }
        })
        let modes: [(id: String, mode: String, batchSize: @Sendable (Int) -> Int)] = [
            ("3b", "batch", { n in n }), ("3c", "mini-batch", { n in max(2, n / 3) }), ("3d", "stochastic", { _ in 1 })]
        for (id, mode, size) in modes {
            checks.append(Check(id, descent, "training loop, \(mode) descent", 1.5, functions: ["trainLinearRegression"], uses: ["miniBatches"]) { student in
                grade(1.5, cs) { c in
                    var rng = c.rng
                    let n = c.batch * 3 + 2, d = c.inputs
                    let x = Tensor<Double>.normal([n, d], using: &rng)
                    let y = matmul(x, Tensor<Double>.normal([d, 1], using: &rng)) + 0.1 * Tensor<Double>.normal([n, 1], using: &rng)
                    var studentRNG = rng, referenceRNG = rng
                    let got = try student.trainLinearRegression(x, y, 3, size(n), 0.05, &studentRNG)
                    let expected = try reference.trainLinearRegression(x, y, 3, size(n), 0.05, &referenceRNG)
                    let losses = got.losses.count == expected.losses.count
                        ? compare("losses per epoch", Tensor(got.losses), Tensor(expected.losses))
                        : "expected \(expected.losses.count) epoch losses, got \(got.losses.count)"
                    return firstFailure(compare("weights after 3 epochs (batch size \(size(n)) of \(n))", got.weights, expected.weights),
                                        compare("bias after 3 epochs", got.bias, expected.bias), losses)
                }
            })
        }
        checks.append(Check("4a", regularization, "inverted dropout forward: mask, x ⊙ m / keep", 2, functions: ["dropoutForward"]) { student in
            grade(2, cs) { c in
                var rng = c.rng
                let x = Tensor<Double>.normal([c.batch, c.units + 3], using: &rng)
                for rate in [0.5, 0.2] {
                    var studentRNG = rng, referenceRNG = rng
                    let got = try student.dropoutForward(x, rate, &studentRNG), expected = try reference.dropoutForward(x, rate, &referenceRNG)
                    if let failure = firstFailure(compare("scaled mask (rate \(rate))", got.scaledMask, expected.scaledMask),
                                                  compare("output x ⊙ m / keep (rate \(rate))", got.output, expected.output)) {
                        return failure
                    }
                }
                return nil
            }
        })
        checks.append(Check("4b", regularization, "inverted dropout backward", 1, functions: ["dropoutBackward"]) { student in
            grade(1, cs) { c in
                var rng = c.rng
                let x = Tensor<Double>.normal([c.batch, c.units + 3], using: &rng), dy = Tensor<Double>.normal(x.shape, using: &rng)
                let mask = try reference.dropoutForward(x, 0.5, &rng).scaledMask
                return compare("∂E/∂x", try student.dropoutBackward(dy, mask), try reference.dropoutBackward(dy, mask))
            }
        })
        checks.append(Check("4c", regularization, "the L2 penalty λ Σ w²", 1, functions: ["l2Penalty"]) { student in
            grade(1, cs) { c in
                var rng = c.rng
                let w = Tensor<Double>.normal([c.inputs, c.units], using: &rng)
                return compare("l2Penalty(w, λ = 0.002)", try student.l2Penalty(w, 0.002), try reference.l2Penalty(w, 0.002))
            }
        })
        checks.append(Check("4d", regularization, "the gradient with L2: ∂E/∂w + 2λw", 1, functions: ["l2Gradient"]) { student in
            grade(1, cs) { c in
                var rng = c.rng
                let w = Tensor<Double>.normal([c.inputs, c.units], using: &rng), g = Tensor<Double>.normal(w.shape, using: &rng)
                return compare("l2Gradient(w, g, λ = 0.01)", try student.l2Gradient(w, g, 0.01), try reference.l2Gradient(w, g, 0.01))
            }
        })

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
        /// Images of the case (two channels), a filter bank and a stride that fit them.
        @Sendable func convolutionInputs(_ c: Case) -> (x: Tensor<Double>, w: Tensor<Double>, b: Tensor<Double>, stride: Int) {
            var rng = c.rng
            let size = c.inputs + 4, stride = c.units % 2 + 1
            return (Tensor<Double>.normal([c.batch, size, size + 1, 2], using: &rng), Tensor<Double>.normal([3, 2, 2, c.units + 1], using: &rng),
                    Tensor<Double>.normal([c.units + 1], using: &rng), stride)
        }
        checks.append(Check("6a", convolution, "convolution forward (cross-correlation, stride)", 2, functions: ["conv2DForward"]) { student in
            grade(2, cs) { c in
                let (x, w, b, stride) = convolutionInputs(c)
                return compare("conv2DForward(x, W, b, stride \(stride))", try student.conv2DForward(x, w, b, stride),
                               try reference.conv2DForward(x, w, b, stride))
            }
        })
        checks.append(Check("6b", convolution, "convolution backward: ∂E/∂x, ∂E/∂W, ∂E/∂b", 3, functions: ["conv2DBackward"]) { student in
            grade(3, cs) { c in
                let (x, w, _, stride) = convolutionInputs(c)
                let shape = try reference.conv2DForward(x, w, .zeros([w.shape[3]]), stride).shape
                var rng = SeededGenerator(seed: c.seed + 3000)
                let g = Tensor<Double>.normal(shape, using: &rng)   // random upstream gradient
                let got = try student.conv2DBackward(g, x, w, stride), expected = try reference.conv2DBackward(g, x, w, stride)
                return firstFailure(compare("∂E/∂x (stride \(stride))", got.inputGradient, expected.inputGradient),
                                    compare("∂E/∂W", got.weightGradient, expected.weightGradient),
                                    compare("∂E/∂b", got.biasGradient, expected.biasGradient))
            }
        })
        checks.append(Check("6c", convolution, "max pooling forward", 1, functions: ["maxPoolForward"]) { student in
            grade(1, cs) { c in
                var rng = c.rng
                let x = Tensor<Double>.normal([c.batch, 2 * c.inputs + 1, 2 * c.units + 2, 3], using: &rng)
                return compare("maxPoolForward(x, size 2)", try student.maxPoolForward(x, 2), try reference.maxPoolForward(x, 2))
            }
        })
        checks.append(Check("6d", convolution, "max pooling backward: the gradient to the maximum", 1, functions: ["maxPoolBackward"]) { student in
            grade(1, cs) { c in
                var rng = c.rng
                let x = Tensor<Double>.normal([c.batch, 2 * c.inputs + 2, 2 * c.units + 2, 3], using: &rng)
                let g = Tensor<Double>.normal(try reference.maxPoolForward(x, 2).shape, using: &rng)
                return compare("maxPoolBackward(g, x, size 2)", try student.maxPoolBackward(g, x, 2), try reference.maxPoolBackward(g, x, 2))
            }
        })
        return checks
    }

    /// A part's check before it is given its points' place in a `Part`.
    struct Check {
        let id: String, assignment: String, title: String, points: Double
        /// The homework functions the check calls; `uses`: functions of earlier parts that the
        /// part's solution calls (answered by the reference while this part is graded).
        let functions: [String], uses: [String]
        let run: @Sendable (Implementations) -> PartOutcome
        init(_ id: String, _ assignment: String, _ title: String, _ points: Double, functions: [String], uses: [String] = [],
             run: @escaping @Sendable (Implementations) -> PartOutcome) {
            (self.id, self.assignment, self.title, self.points) = (id, assignment, title, points)
            (self.functions, self.uses, self.run) = (functions, uses, run)
        }
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
