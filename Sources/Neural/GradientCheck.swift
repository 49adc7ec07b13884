import Tensors

/// Checks hand-written backward passes against centred finite differences, in Double:
///
///     ∂f/∂θ_k ≈ (f(θ + h e_k) − f(θ − h e_k)) / 2h,     h = 10⁻⁵
///
/// and reports, per parameter, the largest relative error |a − n| / max(|a| + |n|, 10⁻⁸)
/// between the analytic gradient a and the numerical one n. In Double, a correct backward
/// pass gives around 10⁻⁹ or less; above 10⁻⁶ something is wrong.
///
/// For a layer the checked function is f = Σ G ⊙ layer(x) + Ω (its regularization penalty),
/// with G a random, non-uniform upstream gradient: a uniform G could hide a transposed or
/// mixed-up gradient. Dropout draws the same mask in every evaluation (the generator is
/// re-seeded), and batch normalization recomputes its batch statistics each time.
public enum GradientCheck {
    /// The step h of the finite differences.
    public static let step = 1e-5
    /// A backward pass passes when every relative error is at most this.
    public static let tolerance = 1e-6

    /// Checks `layer`'s backward pass at input `x`: ∂f/∂x and ∂f/∂θ for every parameter θ.
    /// At most `maxChecks` entries of each tensor are perturbed (chosen at random).
    public static func check<L: Layer>(_ layer: L, input x: Tensor<Double>, mode: Mode = .training,
                                       seed: UInt64 = 1, maxChecks: Int = 100) -> GradientCheckReport where L.Scalar == Double {
        var rng = SeededGenerator(seed: seed &+ 1)
        func run(_ layer: L, _ x: Tensor<Double>) -> (Tensor<Double>, L.Cache) {
            var copy = layer
            var context = Context(mode: mode, rng: SeededGenerator(seed: seed))
            return copy.forward(x, context: &context)
        }
        let (output, cache) = run(layer, x)
        let upstream = Tensor<Double>.normal(output.shape, using: &rng)
        func f(_ layer: L, _ x: Tensor<Double>) -> Double {
            (run(layer, x).0 * upstream).sum() + layer.regularizationLoss
        }
        let analytic = layer.backward(upstream, cache: cache)
        var rows = [compare(name: "input", analytic: analytic.inputGradient, at: x, maxChecks: maxChecks, rng: &rng) { f(layer, $0) }]
        for (p, name) in layer.parameterNames.enumerated() {
            rows.append(compare(name: name, analytic: analytic.parameters[p], at: layer.parameters[p],
                                maxChecks: maxChecks, rng: &rng) { value in
                var changed = layer
                changed.parameters[p] = value
                return f(changed, x)
            })
        }
        return GradientCheckReport(subject: "\(layer.typeName) (\(mode))", rows: rows)
    }

    /// Checks a loss's gradient ∂E/∂o at `output`; or, given an output activation, its
    /// shortcut δ = ∂E/∂s, taking `output` as the signals s (the outputs are then h(s)).
    public static func check(loss: some Loss, output: Tensor<Double>, target: Tensor<Double>,
                             outputActivation: Activation? = nil, seed: UInt64 = 1, maxChecks: Int = 100) -> GradientCheckReport {
        var rng = SeededGenerator(seed: seed)
        guard let activation = outputActivation else {
            return GradientCheckReport(subject: loss.name, rows: [
                compare(name: "∂E/∂o", analytic: loss.gradient(output, target), at: output,
                        maxChecks: maxChecks, rng: &rng) { loss.value($0, target) }])
        }
        let s = output
        guard let delta = loss.delta(activation(s), target, outputActivation: activation) else {
            stop("\(loss.name) has no shortcut δ for a \(activation) output")
        }
        return GradientCheckReport(subject: "\(loss.name) after \(activation)", rows: [
            compare(name: "δ = ∂E/∂s", analytic: delta, at: s, maxChecks: maxChecks, rng: &rng) { loss.value(activation($0), target) }])
    }

    /// Checks a whole network: E = loss(network(x), y) + Σ Ω against the gradients of
    /// `Sequential.backward` for every parameter of every layer.
    public static func check(_ network: Sequential<Double>, loss: some Loss, input x: Tensor<Double>,
                             target y: Tensor<Double>, mode: Mode = .training, seed: UInt64 = 1,
                             maxChecks: Int = 60) -> GradientCheckReport {
        var rng = SeededGenerator(seed: seed &+ 1)
        func run(_ network: Sequential<Double>) -> (Tensor<Double>, ForwardCaches) {
            var copy = network
            var context = Context(mode: mode, rng: SeededGenerator(seed: seed))
            return copy.forward(x, context: &context)
        }
        func error(_ network: Sequential<Double>) -> Double {
            loss.value(run(network).0, y) + network.regularizationLoss
        }
        let (output, caches) = run(network)
        let analytic = network.backward(output: output, target: y, loss: loss, caches: caches)
        var rows: [GradientCheckRow] = []
        let shapes = network.layerShapes
        for (l, layer) in network.layers.enumerated() {
            for (p, name) in layer.parameterNames.enumerated() {
                let label = "layer \(l + 1) \(layer.typeName)(\(shapes[l].map(String.init).joined(separator: "×"))) \(name)"
                rows.append(compare(name: label, analytic: analytic[l][p], at: layer.parameters[p],
                                    maxChecks: maxChecks, rng: &rng) { value in
                    var changed = network
                    changed.layers[l].parameters[p] = value
                    return error(changed)
                })
            }
        }
        return GradientCheckReport(subject: "network with \(loss.name)", rows: rows)
    }

    /// Compares `analytic` with centred differences of `f` around `point`.
    static func compare(name: String, analytic: Tensor<Double>, at point: Tensor<Double>, maxChecks: Int,
                        rng: inout SeededGenerator, _ f: (Tensor<Double>) -> Double) -> GradientCheckRow {
        ensure(analytic.shape == point.shape,
                     "gradient check \(name): the gradient has shape \(Shape.describe(analytic.shape)), the value \(Shape.describe(point.shape))")
        var indices = Array(0 ..< point.count)
        if indices.count > maxChecks {
            rng.shuffle(&indices)
            indices = Array(indices.prefix(maxChecks)).sorted()
        }
        let a = analytic.scalars
        var row = GradientCheckRow(name: name, checked: indices.count, maxRelativeError: 0, maxAbsoluteError: 0)
        let shape = point.shape
        for k in indices {
            var plus = point.scalars, minus = plus
            plus[k] += step
            minus[k] -= step
            let numeric = (f(Tensor(shape: shape, scalars: plus)) - f(Tensor(shape: shape, scalars: minus))) / (2 * step)
            let difference = abs(a[k] - numeric)
            let relative = difference / max(abs(a[k]) + abs(numeric), 1e-8)
            if relative > row.maxRelativeError || relative.isNaN {
                row.maxRelativeError = relative
                row.worst = (k, a[k], numeric)
            }
            row.maxAbsoluteError = max(row.maxAbsoluteError, difference)
        }
        return row
    }
}

/// One parameter's result.
public struct GradientCheckRow: Sendable {
    public var name: String
    /// How many entries were compared.
    public var checked: Int
    public var maxRelativeError: Double
    public var maxAbsoluteError: Double
    /// The entry with the largest relative error: flat index, analytic and numerical value.
    public var worst: (index: Int, analytic: Double, numeric: Double)?

    public var passed: Bool { maxRelativeError <= GradientCheck.tolerance }
}

/// The table a gradient check prints.
public struct GradientCheckReport: Sendable, CustomStringConvertible {
    public var subject: String
    public var rows: [GradientCheckRow]

    /// The largest relative error of all rows.
    public var maxRelativeError: Double { rows.map(\.maxRelativeError).max() ?? 0 }
    /// True when every row is within `GradientCheck.tolerance`.
    public var passed: Bool { rows.allSatisfy(\.passed) }

    public var description: String {
        let nameWidth = max(9, rows.map(\.name.count).max() ?? 0)
        var lines = ["Gradient check: \(subject) (centred differences in Double, h = 1e-5)",
                     "parameter".padding(toLength: nameWidth) + "  checked  max relative error  max absolute error"]
        for row in rows {
            var line = row.name.padding(toLength: nameWidth) + "  " + String(row.checked).leftPadded(to: 7)
                + "  " + formatNumber("%.2e", row.maxRelativeError).leftPadded(to: 18)
                + "  " + formatNumber("%.2e", row.maxAbsoluteError).leftPadded(to: 18)
            if !row.passed, let worst = row.worst {
                line += "  ✗ entry \(worst.index): analytic \(worst.analytic), numerical \(worst.numeric)"
            }
            lines.append(line)
        }
        lines.append("Expect around 1e-9 or less; above \(formatNumber("%.0e", GradientCheck.tolerance)) the backward pass is wrong. "
                     + (passed ? "Passed." : "FAILED."))
        return lines.joined(separator: "\n")
    }
}
