import Foundation
import Homework
import HomeworkWire
import Tensors

// The student's homework functions (Sources/Homework) as a table the grader calls over its
// channel. Not a file to edit for the homework. The order of each function's values is that
// of its parameters; a function with `inout rng` takes the generator last and gives it back
// after its results.

/// Every homework function of Sources/Homework, by name.
public let studentFunctions: FunctionTable = {
    var table = FunctionTable()
    // 1 · Activation functions
    table.add("sigmoid", arity: 1) { a in [try Homework.sigmoid(a.argument(0)).wire] }
    table.add("sigmoidDerivative", arity: 1) { a in [try Homework.sigmoidDerivative(a.argument(0)).wire] }
    table.add("tanhDerivative", arity: 1) { a in [try Homework.tanhDerivative(a.argument(0)).wire] }
    table.add("relu", arity: 1) { a in [try Homework.relu(a.argument(0)).wire] }
    table.add("reluDerivative", arity: 1) { a in [try Homework.reluDerivative(a.argument(0)).wire] }
    table.add("softmax", arity: 1) { a in [try Homework.softmax(a.argument(0)).wire] }
    // 2 · Backpropagation
    table.add("denseForward", arity: 3) { a in [try Homework.denseForward(a.argument(0), weights: a.argument(1), bias: a.argument(2)).wire] }
    table.add("denseBackward", arity: 3) { a in
        let r = try Homework.denseBackward(delta: a.argument(0), input: a.argument(1), weights: a.argument(2))
        return [r.0.wire, r.1.wire, r.2.wire]
    }
    table.add("twoLayerGradients", arity: 6) { a in
        let r = try Homework.twoLayerGradients(x: a.argument(0), y: a.argument(1), w1: a.argument(2), b1: a.argument(3),
                                               w2: a.argument(4), b2: a.argument(5))
        return [r.0.wire, r.1.wire, r.2.wire, r.3.wire]
    }
    table.add("gradientDescentStep", arity: 3) { a in
        [try Homework.gradientDescentStep(a.argument(0), gradient: a.argument(1), learningRate: a.argument(2)).wire]
    }
    // 3 · Descent modes
    table.add("miniBatches", arity: 3) { a in
        var rng: SeededGenerator = try a.argument(2)
        let batches = try Homework.miniBatches(count: a.argument(0), batchSize: a.argument(1), rng: &rng)
        return [batches.wire, rng.wire]
    }
    table.add("trainLinearRegression", arity: 6) { a in
        var rng: SeededGenerator = try a.argument(5)
        let r = try Homework.trainLinearRegression(x: a.argument(0), y: a.argument(1), epochs: a.argument(2), batchSize: a.argument(3),
                                                   learningRate: a.argument(4), rng: &rng)
        return [r.0.wire, r.1.wire, r.2.wire, rng.wire]
    }
    // 4 · Dropout and L2
    table.add("dropoutForward", arity: 3) { a in
        var rng: SeededGenerator = try a.argument(2)
        let r = try Homework.dropoutForward(a.argument(0), rate: a.argument(1), rng: &rng)
        return [r.0.wire, r.1.wire, rng.wire]
    }
    table.add("dropoutBackward", arity: 2) { a in [try Homework.dropoutBackward(a.argument(0), scaledMask: a.argument(1)).wire] }
    table.add("l2Penalty", arity: 2) { a in [try Homework.l2Penalty(a.argument(0), lambda: a.argument(1)).wire] }
    table.add("l2Gradient", arity: 3) { a in [try Homework.l2Gradient(a.argument(0), dataGradient: a.argument(1), lambda: a.argument(2)).wire] }
    // 5 · Batch normalization
    table.add("batchNormTraining", arity: 4) { a in
        let r = try Homework.batchNormTraining(a.argument(0), gamma: a.argument(1), beta: a.argument(2), epsilon: a.argument(3))
        return [r.0.wire, r.1.wire, r.2.wire]
    }
    table.add("batchNormInference", arity: 6) { a in
        [try Homework.batchNormInference(a.argument(0), gamma: a.argument(1), beta: a.argument(2), runningMean: a.argument(3),
                                         runningVariance: a.argument(4), epsilon: a.argument(5)).wire]
    }
    table.add("batchNormBackward", arity: 4) { a in
        let r = try Homework.batchNormBackward(a.argument(0), input: a.argument(1), gamma: a.argument(2), epsilon: a.argument(3))
        return [r.0.wire, r.1.wire, r.2.wire]
    }
    table.add("updateRunningAverage", arity: 3) { a in
        [try Homework.updateRunningAverage(a.argument(0), batch: a.argument(1), momentum: a.argument(2)).wire]
    }
    // 6 · Convolution
    table.add("conv2DForward", arity: 4) { a in
        [try Homework.conv2DForward(a.argument(0), weights: a.argument(1), bias: a.argument(2), stride: a.argument(3)).wire]
    }
    table.add("conv2DBackward", arity: 4) { a in
        let r = try Homework.conv2DBackward(a.argument(0), input: a.argument(1), weights: a.argument(2), stride: a.argument(3))
        return [r.0.wire, r.1.wire, r.2.wire]
    }
    table.add("maxPoolForward", arity: 2) { a in [try Homework.maxPoolForward(a.argument(0), size: a.argument(1)).wire] }
    table.add("maxPoolBackward", arity: 3) { a in [try Homework.maxPoolBackward(a.argument(0), input: a.argument(1), size: a.argument(2)).wire] }
    return table
}()

/// The answer to the grader's call of `function` in `table`: its results, "not implemented"
/// (the part still throws `HomeworkError.notImplemented`) or the text of the error it threw.
/// Functions of the parts graded before this one (`substitutes`) are answered by `host` when the
/// student's code calls them; the answer says which were.
public func answer(_ table: FunctionTable, _ function: String, _ arguments: [WireValue], substitutes: [String],
                   host: @escaping Substitution.Host) -> (Message, used: [String]) {
    do {
        let (values, used) = try Substitution.with(substitutes, host: host) { try table.call(function, arguments) }
        return (.result(values), used)
    } catch HomeworkError.notImplemented(let name) {
        return (.notImplemented(name), [])
    } catch {
        return (.threw(String(String(describing: error).prefix(1000))), [])
    }
}

/// homework-runner's loop: answers the grader's calls on `channel` from `table` until the
/// grader closes it. A student's call of a substituted function goes back to the grader
/// (`callback`), which answers with its reference.
public func serve(_ table: FunctionTable, on channel: Channel) -> Never {
    while true {
        let message: Message
        do { message = try channel.receive() } catch { exit(0) }   // the grader closed the channel: done
        guard case .call(let function, let arguments, let substitutes) = message else { exit(2) }
        let (reply, _) = answer(table, function, arguments, substitutes: substitutes) { name, values in
            try channel.send(.callback(function: name, arguments: values))
            switch try channel.receive() {
            case .result(let values): return values
            case .threw(let text): throw WireError(text)
            default: throw WireError("the grader answered \(name) with something else than a result")
            }
        }
        do { try channel.send(reply) } catch { exit(0) }
    }
}
