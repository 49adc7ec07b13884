import HomeworkWire
import Neural
import Tensors

// Assignment 1 · Activation functions, graded: the reference, how the grader calls the student's functions
// (Sources/Homework/Assignment1Activations.swift), and the checks with their points. A new part: its function in
// Sources/Homework, its line in Sources/HomeworkFunctions/StudentFunctions.swift, its closure in
// Implementations.swift, and here its reference, its call and its check.

extension Implementations {
    /// The reference for activation functions: the library's activations (Sources/Neural/Activation.swift).
    static func setActivationsReference(_ r: inout Implementations) {
        r.sigmoid = { Activation.sigmoid($0) }
        r.sigmoidDerivative = { Activation.sigmoid.derivative($0, output: Activation.sigmoid($0)) }
        r.tanhDerivative = { Activation.tanh.derivative($0, output: Activation.tanh($0)) }
        r.relu = { Activation.relu($0) }
        r.reluDerivative = { Activation.relu.derivative($0, output: Activation.relu($0)) }
        r.softmax = { Activation.softmax($0) }
    }

    /// The student's functions of this assignment, each a call of `call` with wire values.
    static func setActivationsCalls(_ r: inout Implementations, _ call: @escaping @Sendable (String, [WireValue]) throws -> [WireValue]) {
        r.sigmoid = { try call("sigmoid", [$0.wire]).decoded() }
        r.sigmoidDerivative = { try call("sigmoidDerivative", [$0.wire]).decoded() }
        r.tanhDerivative = { try call("tanhDerivative", [$0.wire]).decoded() }
        r.relu = { try call("relu", [$0.wire]).decoded() }
        r.reluDerivative = { try call("reluDerivative", [$0.wire]).decoded() }
        r.softmax = { try call("softmax", [$0.wire]).decoded() }
    }
}

extension Assignments {
    static let activations = "1 · Activation functions"

    /// The checks of 1 · Activation functions, run on `cases`.
    static func activationChecks(_ cases: [Case]) -> [Check] {
        let reference = Implementations.reference
        let cs = cases
        var checks: [Check] = []
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
        return checks
    }
}
