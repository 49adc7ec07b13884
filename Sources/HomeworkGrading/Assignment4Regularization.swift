import HomeworkWire
import Neural
import Tensors

// Assignment 4 · Dropout and L2, graded: the reference, how the grader calls the student's functions
// (Sources/Homework/Assignment4Regularization.swift), and the checks with their points. A new part: its function in
// Sources/Homework, its line in Sources/HomeworkFunctions/StudentFunctions.swift, its closure in
// Implementations.swift, and here its reference, its call and its check.

extension Implementations {
    /// The reference for dropout and l2: the library's Dropout layer and L2 regularizer.
    static func setRegularizationReference(_ r: inout Implementations) {
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
    }

    /// The student's functions of this assignment, each a call of `call` with wire values.
    static func setRegularizationCalls(_ r: inout Implementations, _ call: @escaping @Sendable (String, [WireValue]) throws -> [WireValue]) {
        r.dropoutForward = { x, rate, rng in
            let (output, mask, generator): (Tensor<Double>, Tensor<Double>, SeededGenerator) = try call("dropoutForward", [x.wire, rate.wire, rng.wire]).decoded()
            rng = generator
            return (output, mask)
        }
        r.dropoutBackward = { try call("dropoutBackward", [$0.wire, $1.wire]).decoded() }
        r.l2Penalty = { try call("l2Penalty", [$0.wire, $1.wire]).decoded() }
        r.l2Gradient = { try call("l2Gradient", [$0.wire, $1.wire, $2.wire]).decoded() }
    }
}

extension Assignments {
    static let regularization = "4 · Dropout and L2"

    /// The checks of 4 · Dropout and L2, run on `cases`.
    static func regularizationChecks(_ cases: [Case]) -> [Check] {
        let reference = Implementations.reference
        let cs = cases
        var checks: [Check] = []
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
        return checks
    }
}
