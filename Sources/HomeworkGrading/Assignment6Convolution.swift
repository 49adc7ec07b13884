import HomeworkWire
import Neural
import Tensors

// Assignment 6 · Convolution, graded: the reference, how the grader calls the student's functions
// (Sources/Homework/Assignment6Convolution.swift), and the checks with their points. A new part: its function in
// Sources/Homework, its line in Sources/HomeworkFunctions/StudentFunctions.swift, its closure in
// Implementations.swift, and here its reference, its call and its check.

extension Implementations {
    /// The reference for convolution: the library's Conv2D and MaxPooling2D layers.
    static func setConvolutionReference(_ r: inout Implementations) {
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
            return (gradients.inputGradient, gradients["weights"], gradients["bias"])
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
    }

    /// The student's functions of this assignment, each a call of `call` with wire values.
    static func setConvolutionCalls(_ r: inout Implementations, _ call: @escaping @Sendable (String, [WireValue]) throws -> [WireValue]) {
        r.conv2DForward = { try call("conv2DForward", [$0.wire, $1.wire, $2.wire, $3.wire]).decoded() }
        r.conv2DBackward = { g, x, w, stride in
            let (a, b, c): (Tensor<Double>, Tensor<Double>, Tensor<Double>) = try call("conv2DBackward", [g.wire, x.wire, w.wire, stride.wire]).decoded()
            return (a, b, c)
        }
        r.maxPoolForward = { try call("maxPoolForward", [$0.wire, $1.wire]).decoded() }
        r.maxPoolBackward = { try call("maxPoolBackward", [$0.wire, $1.wire, $2.wire]).decoded() }
    }
}

extension Assignments {
    static let convolution = "6 · Convolution"

    /// The checks of 6 · Convolution, run on `cases`.
    static func convolutionChecks(_ cases: [Case]) -> [Check] {
        let reference = Implementations.reference
        let cs = cases
        var checks: [Check] = []
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
}
