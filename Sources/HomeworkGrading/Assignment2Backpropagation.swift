import HomeworkWire
import Neural
import Tensors

// Assignment 2 · Backpropagation, graded: the reference, how the grader calls the student's functions
// (Sources/Homework/Assignment2Backpropagation.swift), and the checks with their points. A new part: its function in
// Sources/Homework, its line in Sources/HomeworkFunctions/StudentFunctions.swift, its closure in
// Implementations.swift, and here its reference, its call and its check.

extension Implementations {
    /// The reference for backpropagation: the library's Dense layer, network and SGD.
    static func setBackpropagationReference(_ r: inout Implementations) {
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
            return (g.inputGradient, g["weights"], g["bias"])
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
    }

    /// The student's functions of this assignment, each a call of `call` with wire values.
    static func setBackpropagationCalls(_ r: inout Implementations, _ call: @escaping @Sendable (String, [WireValue]) throws -> [WireValue]) {
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
    }
}

extension Assignments {
    static let backpropagation = "2 · Backpropagation"

    /// The checks of 2 · Backpropagation, run on `cases`.
    static func backpropagationChecks(_ cases: [Case]) -> [Check] {
        let reference = Implementations.reference
        let cs = cases
        var checks: [Check] = []
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
        return checks
    }
}
