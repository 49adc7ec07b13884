import Foundation
import HomeworkGrading
import HomeworkWire
import Neural
import Tensors
import XCTest

/// The graders must be trusted: the reference scores full marks, every deliberately wrong
/// implementation scores less with a message that says what is wrong, an untouched part is
/// "not attempted", and a part that traps or never returns costs only its own points when
/// graded through the real per-process tool. A grader that gives points to a wrong
/// implementation is a bug.
final class GradersSelfTests: XCTestCase {
    func outcome(_ id: String, _ implementation: Implementations) -> (Part, PartOutcome) {
        let part = Assignments.parts.first { $0.id == id }!
        return (part, part.run(implementation))
    }

    func testTheReferenceScoresFullMarksOnEveryPart() {
        let parts = Assignments.parts
        let visible = parts.filter { !$0.hidden }, hidden = parts.filter(\.hidden)
        // The totals follow from the assignments: one hidden test (1 point) per visible part, or
        // none in the student's copy.
        XCTAssertTrue(hidden.isEmpty || hidden.map(\.id) == visible.map { $0.id + "·hidden" },
                      "a hidden test per visible part, in the same order: \(hidden.map(\.id))")
        XCTAssertEqual(Set(parts.map(\.id)).count, parts.count, "part ids are unique")
        for part in parts {
            let result = part.run(.reference)
            XCTAssertEqual(result.status, .passed, "\(part.id): \(result.message)")
            XCTAssertEqual(result.score, part.points, "\(part.id): full marks")
            // A part may lean only on parts graded before it.
            let earlier = parts.prefix { $0.id != part.id }.flatMap(\.functions)
            XCTAssertTrue(part.uses.allSatisfy { earlier.contains($0) || (part.hidden && Assignments.functions.contains($0)) },
                          "\(part.id) uses \(part.uses), not all of them parts graded before it")
        }
        let points = parts.reduce(0) { $0 + $1.points }
        XCTAssertEqual(points, visible.reduce(0) { $0 + $1.points } + Double(hidden.count), "all points, 1 per hidden test")
    }

    func testTheReferenceAnswersOnlyWellFormedCallsOfUsedParts() throws {
        // Student code chooses these arguments: shapes that do not fit are refused with a message,
        // never passed to the library (whose preconditions would stop the grader).
        let table = Implementations.referenceForUses
        XCTAssertEqual(Set(table.names), Set(Assignments.parts.flatMap(\.uses)), "an answer for every function a part uses, and no other")
        let x = Tensor<Double>.zeros([2, 3]), w = Tensor<Double>.zeros([4, 5])
        XCTAssertThrowsError(try table.call("denseForward", [x.wire, w.wire, Tensor<Double>.zeros([5]).wire])) { error in
            XCTAssertTrue("\(error)".contains("do not fit"), "\(error)")
        }
        XCTAssertThrowsError(try table.call("denseBackward", [x.wire, x.wire, w.wire]))
        XCTAssertThrowsError(try table.call("miniBatches", [Int.max.wire, 1.wire, SeededGenerator(seed: 1).wire]))
        XCTAssertThrowsError(try table.call("twoLayerGradients", [])) { error in
            XCTAssertTrue("\(error)".contains("no homework function named twoLayerGradients"), "\(error)")
        }
        let ok = try table.call("denseForward", [x.wire, Tensor<Double>.ones([3, 5]).wire, Tensor<Double>.ones([5]).wire])
        let output: Tensor<Double> = try ok.decoded()
        XCTAssertEqual(output.scalars, [Double](repeating: 1, count: 10), "x·W + b with x = 0, b = 1")
    }

    func testAnUntouchedPartIsNotAttemptedNotACrash() {
        for part in Assignments.parts {
            let result = part.run(Implementations())
            XCTAssertEqual(result.status, .notAttempted, "\(part.id): \(result.message)")
            XCTAssertEqual(result.score, 0)
            XCTAssertTrue(result.message.hasPrefix("not implemented yet"), result.message)
        }
    }

    /// Each wrong variant: the part it breaks, the implementation, and what the message must say.
    func wrong(_ id: String, _ expected: String, _ change: (inout Implementations) -> Void,
               file: StaticString = #filePath, line: UInt = #line) {
        var implementation = Implementations.reference
        change(&implementation)
        let (part, result) = outcome(id, implementation)
        XCTAssertEqual(result.status, .failed, "\(id) must fail: \(result.message)", file: file, line: line)
        XCTAssertLessThan(result.score, part.points, "\(id) gave points to a wrong implementation", file: file, line: line)
        XCTAssertTrue(result.message.contains(expected), "\(id): expected the message to say \"\(expected)\", got: \(result.message)",
                      file: file, line: line)
        XCTAssertTrue(result.message.contains("case seed"), "\(id): the message names the input: \(result.message)", file: file, line: line)
    }

    func testWrongActivationsLoseTheirPoints() {
        // Wrong sign: σ(s)(σ(s) − 1).
        wrong("1a", "sigmoidDerivative(s): element [0, 0] expected") { $0.sigmoidDerivative = { s in let h = Activation.sigmoid(s); return h * (h - 1) } }
        wrong("1b", "tanhDerivative(s)") { $0.tanhDerivative = { s in let h = tanh(s); return 1 + h * h } }
        wrong("1c", "relu(s)") { $0.relu = { s in s } }
        // 1 at s = 0: caught by the hidden inputs, which contain an exact 0.
        wrong("1c·hidden", "reluDerivative(s)") { $0.reluDerivative = { s in s .>= 0 } }
        // Normalized over the batch (axis 0) instead of each row: a missing transpose.
        wrong("1d", "softmax(s)") { $0.softmax = { s in let e = exp(s); return e / e.sum(axis: 0, keepingDimensions: true) } }
        // Without subtracting the row's maximum: e^1000 overflows on the hidden inputs.
        wrong("1d·hidden", "nan") { $0.softmax = { s in let e = exp(s); return e / e.sum(axis: 1, keepingDimensions: true) } }
    }

    func testWrongBackpropagationLosesItsPoints() {
        wrong("2a", "denseForward(x, W, b)") { $0.denseForward = { x, w, _ in matmul(x, w) } }
        // Missing transpose: δᵀ·X instead of Xᵀ·δ.
        wrong("2b", "∂E/∂W: expected shape (3, 2), got (2, 3)") { implementation in
            implementation.denseBackward = { delta, x, w in
                (matmul(delta, w, transposeB: true), matmul(delta, x, transposeA: true), delta.sum(axis: 0))
            }
        }
        // Wrong sign: δ² = 2(y − o)/(m·k).
        wrong("2c", "∂E/∂W¹") { implementation in
            let reference = Implementations.reference
            implementation.twoLayerGradients = { x, y, w1, b1, w2, b2 in
                let g = try reference.twoLayerGradients(x, y, w1, b1, w2, b2)
                return (-1 * g.w1, -1 * g.b1, -1 * g.w2, -1 * g.b2)
            }
        }
        wrong("2d", "gradientDescentStep") { $0.gradientDescentStep = { w, g, eta in w + eta * g } }
    }

    func testWrongTrainingLoopsLoseTheirPoints() {
        // Off by one in the loop: each batch loses its last example.
        wrong("3a", "miniBatches(count:") { implementation in
            implementation.miniBatches = { count, batchSize, rng in
                let order = rng.permutation(count)
                return stride(from: 0, to: count, by: batchSize).map { Array(order[$0 ..< min(count, $0 + batchSize - 1)]) }
            }
        }
        // The weights updated before the gradient of the bias is computed from them.
        let updatedTooEarly: @Sendable (Tensor<Double>, Tensor<Double>, Int, Int, Double, inout SeededGenerator) throws
            -> (weights: Tensor<Double>, bias: Tensor<Double>, losses: [Double]) = { x, y, epochs, batchSize, eta, rng in
            var w = Tensor<Double>.zeros([x.shape[1], 1]), b = Tensor<Double>.zeros([1])
            var losses: [Double] = []
            for _ in 0..<epochs {
                for batch in try Implementations.reference.miniBatches(x.shape[0], batchSize, &rng) {
                    let xB = x.rows(at: batch), yB = y.rows(at: batch), m = Double(batch.count)
                    w = w - eta * (2 / m) * matmul(xB, matmul(xB, w) + b - yB, transposeA: true)
                    b = b - eta * (2 / m) * (matmul(xB, w) + b - yB).sum(axis: 0)   // uses the new w
                }
                let r = matmul(x, w) + b - y
                losses.append((r * r).mean())
            }
            return (w, b, losses)
        }
        for id in ["3b", "3c", "3d"] { wrong(id, "weights after 3 epochs") { $0.trainLinearRegression = updatedTooEarly } }
    }

    func testWrongRegularizationLosesItsPoints() {
        // Dropout not rescaled by 1/keep.
        wrong("4a", "scaled mask (rate 0.5)") { implementation in
            implementation.dropoutForward = { x, rate, rng in
                let mask = Tensor<Double>(shape: x.shape) { _ in rng.nextUniform() >= rate ? 1 : 0 }
                return (x * mask, mask)
            }
        }
        wrong("4b", "∂E/∂x") { $0.dropoutBackward = { dy, _ in dy } }
        // The slide's "l2(0.001) adds 0.001 * weight": λ Σ w instead of λ Σ w².
        wrong("4c", "l2Penalty(w, λ = 0.002)") { $0.l2Penalty = { w, lambda in lambda * w.sum() } }
        wrong("4d", "l2Gradient(w, g, λ = 0.01)") { $0.l2Gradient = { w, g, lambda in g + lambda * w } }
    }

    func testWrongBatchNormalizationLosesItsPoints() {
        // The unbiased variance, 1/(m − 1).
        wrong("5a", "batch variance σ² (biased, 1/m)") { implementation in
            implementation.batchNormTraining = { x, gamma, beta, epsilon in
                let m = Double(x.shape[0]), mean = x.mean(axis: 0), deviation = x - mean
                let variance = (deviation * deviation).sum(axis: 0) / (m - 1)
                return (gamma * deviation / sqrt(variance + epsilon) + beta, mean, variance)
            }
        }
        // The batch's statistics at inference instead of the running ones.
        wrong("5b", "y with the running statistics") { implementation in
            implementation.batchNormInference = { x, gamma, beta, _, _, epsilon in
                try Implementations.reference.batchNormTraining(x, gamma, beta, epsilon).output
            }
        }
        // Forgetting that μ and σ² depend on every x_i: ∂E/∂x = γ ∂E/∂y / √(σ² + ε).
        wrong("5c", "∂E/∂x") { implementation in
            implementation.batchNormBackward = { dy, x, gamma, epsilon in
                let reference = try Implementations.reference.batchNormBackward(dy, x, gamma, epsilon)
                let deviation = x - x.mean(axis: 0)
                return (dy * gamma / sqrt((deviation * deviation).mean(axis: 0) + epsilon), reference.gammaGradient, reference.betaGradient)
            }
        }
        wrong("5d", "updateRunningAverage(momentum 0.99)") { $0.updateRunningAverage = { running, batch, momentum in (1 - momentum) * running + momentum * batch } }
    }

    func testWrongConvolutionsLoseTheirPoints() {
        // A true convolution (the kernel flipped) where the layer computes the cross-correlation.
        wrong("6a", "conv2DForward") { implementation in
            implementation.conv2DForward = { x, w, b, stride in
                let flipped = Tensor<Double>(shape: w.shape) { flat in
                    let (kh, kw, rest) = (w.shape[0], w.shape[1], w.shape[2] * w.shape[3])
                    let a = flat / (kw * rest), b = flat / rest % kw, inner = flat % rest
                    return w.scalars[((kh - 1 - a) * kw + (kw - 1 - b)) * rest + inner]
                }
                return try Implementations.reference.conv2DForward(x, flipped, b, stride)
            }
        }
        // ∂E/∂x assigned (=) instead of accumulated (+=) where patches overlap.
        wrong("6b", "∂E/∂x") { implementation in
            implementation.conv2DBackward = { g, x, w, stride in
                let reference = try Implementations.reference.conv2DBackward(g, x, w, stride)
                var dx = Tensor<Double>.zeros(x.shape)
                for n in 0..<g.shape[0] { for i in 0..<g.shape[1] { for j in 0..<g.shape[2] { for k in 0..<g.shape[3] {
                    for a in 0..<w.shape[0] { for b in 0..<w.shape[1] { for c in 0..<w.shape[2] {
                        dx[at: [n, i * stride + a, j * stride + b, c]] = g[at: [n, i, j, k]] * w[at: [a, b, c, k]]   // = where += is needed
                    } } }
                } } } }
                return (dx, reference.weightGradient, reference.biasGradient)
            }
        }
        wrong("6c", "maxPoolForward") { implementation in
            implementation.maxPoolForward = { x, size in
                var layer = AveragePooling2D<Double>(size: size)
                var context = Context.inference
                return layer.forward(x, context: &context).output
            }
        }
        // The gradient spread over the whole window instead of sent to its maximum.
        wrong("6d", "maxPoolBackward") { implementation in
            implementation.maxPoolBackward = { g, x, size in
                var layer = AveragePooling2D<Double>(size: size)
                var context = Context.inference
                return layer.backward(g, cache: layer.forward(x, context: &context).cache).inputGradient * Double(size * size)
            }
        }
    }

    func testTheReferenceTrainingLoopIsTheLibrarysFit() throws {
        // 3b–3d grade against `fit`; the loop written out in Sources/Homework must give the same weights.
        var rng = SeededGenerator(seed: 9)
        let x = Tensor<Double>.normal([10, 3], using: &rng), y = Tensor<Double>.normal([10, 1], using: &rng)
        var a = rng, b = rng
        let library = try Implementations.reference.trainLinearRegression(x, y, 4, 3, 0.05, &a)
        // The loop of the homework's comment, by hand.
        var w = Tensor<Double>.zeros([3, 1]), bias = Tensor<Double>.zeros([1])
        for _ in 0..<4 {
            for batch in try Implementations.reference.miniBatches(10, 3, &b) {
                let xB = x.rows(at: batch), r = matmul(xB, w) + bias - y.rows(at: batch), m = Double(batch.count)
                let (gw, gb) = ((2 / m) * matmul(xB, r, transposeA: true), (2 / m) * r.sum(axis: 0))
                w = w - 0.05 * gw
                bias = bias - 0.05 * gb
            }
        }
        XCTAssertLessThan(abs(library.weights - w).max(), 1e-12, "weights: fit \(library.weights.scalars) vs loop \(w.scalars)")
        XCTAssertLessThan(abs(library.bias - bias).max(), 1e-12, "bias: fit \(library.bias.scalars) vs loop \(bias.scalars)")
    }

    // MARK: Through the real per-process grading tool

    static let buildFolder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()

    /// Runs `backprop-grade` on the test stand-in for homework-runner (`homework-runner-fixtures`,
    /// one of its variants) and returns the printed table, the results file and the time it took.
    func grade(_ variant: String, timeout: Double) throws -> (output: String, results: [String: Any], seconds: Double) {
        let tool = Self.buildFolder.appendingPathComponent("backprop-grade")
        let runner = Self.buildFolder.appendingPathComponent("homework-runner-fixtures")
        for executable in [tool, runner] where !FileManager.default.isExecutableFile(atPath: executable.path) {
            XCTFail("\(executable.path) is missing: `swift build` builds it")
            throw XCTSkip("no executable")
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("backprop-grade-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let process = Process()
        process.executableURL = tool
        process.arguments = ["--runner", runner.path, "--runner-argument", variant, "--timeout", String(timeout),
                             "--results", folder.appendingPathComponent("results.json").path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        let start = Date()
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, "grading is not a build failure: exit 0 even when parts fail\n\(text)")
        let data = try Data(contentsOf: folder.appendingPathComponent("results.json"))
        return (text, try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:], Date().timeIntervalSince(start))
    }

    /// Points as the table prints them: 51.5, 54.
    enum Report {
        static func number(_ x: Double) -> String { x == x.rounded() ? String(Int(x)) : String(format: "%.1f", x) }
    }

    func tests(_ results: [String: Any]) -> [String: [String: Any]] {
        Dictionary(uniqueKeysWithValues: (results["tests"] as? [[String: Any]] ?? []).map { ($0["number"] as? String ?? "?", $0) })
    }

    func testTheSolutionsScoreFullMarksThroughTheTool() throws {
        let (output, results, _) = try grade("solutions", timeout: 10)
        let parts = Assignments.parts, total = parts.reduce(0) { $0 + $1.points }
        XCTAssertEqual(results["score"] as? Double, total, output)
        let extra = results["extra_data"] as? [String: Any] ?? [:]
        XCTAssertEqual(extra["parts_expected"] as? Int, parts.count)
        XCTAssertEqual(extra["parts_graded"] as? Int, parts.count)
        XCTAssertEqual(extra["complete"] as? Bool, true)
    }

    func testATrappingPartCostsOnlyItsOwnPoints() throws {
        let (output, results, _) = try grade("trap", timeout: 10)
        let byPart = tests(results)
        let parts = Assignments.parts, total = parts.reduce(0) { $0 + $1.points }
        let hiddenIncluded = parts.contains { $0.hidden }
        XCTAssertEqual(byPart.count, parts.count, "every part graded and reported:\n\(output)")
        for id in hiddenIncluded ? ["1a", "1a·hidden"] : ["1a"] {
            XCTAssertEqual(byPart[id]?["score"] as? Double, 0, "\(id) crashed")
            let message = byPart[id]?["output"] as? String ?? ""
            XCTAssertTrue(message.hasPrefix("crashed: Fatal error: Index out of range"), "\(id): \(message)")
        }
        let others = byPart.filter { !$0.key.hasPrefix("1a") }
        XCTAssertTrue(others.allSatisfy { ($0.value["score"] as? Double) == ($0.value["max_score"] as? Double) },
                      "every other part still gets full marks:\n\(output)")
        // 2c calls sigmoid (part 1a): graded with the reference's in its place, and says so.
        let twoC = byPart["2c"]?["output"] as? String ?? ""
        XCTAssertTrue(twoC.contains("graded with the reference") && twoC.contains("sigmoid"), "2c: \(twoC)")
        let lost = hiddenIncluded ? 3.0 : 2.0   // 1a (2 points) and its hidden test (1)
        XCTAssertEqual(results["score"] as? Double, total - lost, "\(total) points in all, minus the \(lost) of 1a")
        XCTAssertTrue(output.contains("crashed") && output.contains("Total: \(Report.number(total - lost)) / \(Report.number(total))"), output)
    }

    func testAPartThatNeverReturnsTimesOutAndGradingGoesOn() throws {
        let (output, results, seconds) = try grade("hang", timeout: 1.5)
        let byPart = tests(results)
        XCTAssertEqual(byPart["1a"]?["output"] as? String, "timed out after 1.5 s (an endless loop?)")
        XCTAssertEqual(byPart["1a"]?["score"] as? Double, 0)
        XCTAssertEqual(byPart["2b"]?["score"] as? Double, 3, "the next parts are still graded:\n\(output)")
        XCTAssertLessThan(seconds, 30, "two parts time out at 1.5 s each; the rest is quick")
    }

    func testAnUntouchedHomeworkScoresZeroWithEveryPartNotAttempted() throws {
        let (output, results, _) = try grade("untouched", timeout: 10)
        XCTAssertEqual(results["score"] as? Double, 0)
        let all = tests(results).values
        XCTAssertEqual(all.count, Assignments.parts.count)
        XCTAssertTrue(all.allSatisfy { ($0["output"] as? String ?? "").hasPrefix("not attempted: not implemented yet") }, output)
        XCTAssertTrue(all.allSatisfy { ["visible", "hidden"].contains($0["visibility"] as? String ?? "") }, "Gradescope visibility")
    }
}
