import Tensors

/// How many examples each weight update uses: the lecture's three descent modes.
public enum Descent: Sendable, Equatable, CustomStringConvertible {
    /// Batch gradient descent: every update uses all N examples (one update per epoch).
    case batch
    /// Mini-batch gradient descent: m examples per update (Keras's `batch_size`).
    case miniBatch(Int)
    /// Stochastic gradient descent: one example per update (N updates per epoch).
    case stochastic

    /// The number of examples per update when the training set has `examples` of them.
    public func batchSize(examples: Int) -> Int {
        switch self {
        case .batch: max(examples, 1)
        case .miniBatch(let m): max(1, min(m, examples))
        case .stochastic: 1
        }
    }

    public var description: String {
        switch self {
        case .batch: "batch"
        case .miniBatch(let m): "mini-batch of \(m)"
        case .stochastic: "stochastic"
        }
    }
}

/// Data to measure generalization on after each epoch.
public enum Validation<Scalar: TensorScalar> {
    /// These examples and targets.
    case data(Tensor<Scalar>, Tensor<Scalar>)
    /// The last `fraction` of the training examples, set aside before any shuffling
    /// (Keras's `validation_split`: if the data is sorted, so is this split).
    case split(Double)
}

/// Stop training when a monitored quantity has not improved for `patience` epochs
/// (Keras's `EarlyStopping` callback).
public struct EarlyStopping: Sendable {
    public var monitor: HistoryKey
    public var patience: Int
    /// The smallest change that counts as an improvement.
    public var minDelta: Double
    /// Put back the weights of the best epoch when stopping.
    public var restoreBestWeights: Bool

    public init(monitor: HistoryKey = .validationLoss, patience: Int = 0, minDelta: Double = 0,
                restoreBestWeights: Bool = false) {
        self.monitor = monitor
        self.patience = patience
        self.minDelta = minDelta
        self.restoreBestWeights = restoreBestWeights
    }
}

/// One weight update, reported to `Callbacks.onStep`.
public struct StepEvent<Scalar: TensorScalar> {
    /// The epoch (from 1) and the update within it (from 1).
    public var epoch: Int
    public var step: Int
    public var stepsPerEpoch: Int
    /// t, the number of updates so far in this `fit` (from 1).
    public var update: Int
    /// The mini-batch's loss, regularization included, before the update.
    public var loss: Double
    /// The network after the update.
    public var network: Sequential<Scalar>
}

/// One finished epoch, reported to `Callbacks.onEpoch`.
public struct EpochEvent<Scalar: TensorScalar> {
    public var epoch: Int
    /// The number of updates in each epoch.
    public var stepsPerEpoch: Int
    /// What was recorded for this epoch: loss, metrics, validation values.
    public var logs: [(HistoryKey, Double)]
    public var network: Sequential<Scalar>
}

/// Something `fit` runs around its loop, as Keras's callbacks: after each update and after each
/// epoch, where it may stop training by returning the reason. Drawing the progress, early
/// stopping, the stop on an overflowing validation loss and a lesson's own `Callbacks` are all
/// callbacks, so `fit` itself is only the loop.
public protocol TrainingCallback<Scalar> {
    associatedtype Scalar: TensorScalar
    /// Whether it looks at every update (`stepEnded` is only called then: a step event holds a
    /// copy of the network, which would keep the previous weights alive through the next update).
    var watchesSteps: Bool { get }
    /// Before epoch `epoch` of `epochs`.
    mutating func epochStarted(_ epoch: Int, of epochs: Int)
    /// After each update; `running` holds the epoch's loss and metrics so far.
    mutating func stepEnded(_ event: StepEvent<Scalar>, running: [(HistoryKey, Double)])
    /// After each epoch, its logs recorded; returns why training must stop, or nil to go on.
    /// (`network` is the one being trained: early stopping puts its best weights back.)
    mutating func epochEnded(_ event: EpochEvent<Scalar>, network: inout Sequential<Scalar>) -> StopReason?
}

extension TrainingCallback {
    public var watchesSteps: Bool { false }
    public mutating func epochStarted(_ epoch: Int, of epochs: Int) {}
    public mutating func stepEnded(_ event: StepEvent<Scalar>, running: [(HistoryKey, Double)]) {}
    public mutating func epochEnded(_ event: EpochEvent<Scalar>, network: inout Sequential<Scalar>) -> StopReason? { nil }
}

/// Code run during training, to record anything per update or per epoch.
public struct Callbacks<Scalar: TensorScalar>: TrainingCallback {
    public var onStep: ((StepEvent<Scalar>) -> Void)?
    public var onEpoch: ((EpochEvent<Scalar>) -> Void)?

    public init(onStep: ((StepEvent<Scalar>) -> Void)? = nil, onEpoch: ((EpochEvent<Scalar>) -> Void)? = nil) {
        self.onStep = onStep
        self.onEpoch = onEpoch
    }

    public var watchesSteps: Bool { onStep != nil }
    public func stepEnded(_ event: StepEvent<Scalar>, running: [(HistoryKey, Double)]) { onStep?(event) }
    public func epochEnded(_ event: EpochEvent<Scalar>, network: inout Sequential<Scalar>) -> StopReason? {
        onEpoch?(event)
        return nil
    }
}

/// Early stopping as a callback: the best value of the monitored quantity so far, and how many
/// epochs have passed without improving on it.
struct EarlyStoppingCallback<Scalar: TensorScalar>: TrainingCallback {
    let rule: EarlyStopping
    var best: (value: Double, epoch: Int, parameters: [[Tensor<Scalar>]])?
    var epochsWithoutImprovement = 0

    mutating func epochEnded(_ event: EpochEvent<Scalar>, network: inout Sequential<Scalar>) -> StopReason? {
        guard let value = event.logs.first(where: { $0.0 == rule.monitor })?.1 else {
            stop("fit: early stopping monitors \(rule.monitor), which is not recorded "
                + "(recorded: \(event.logs.map(\.0.name).joined(separator: ", ")))")
        }
        let sign = rule.monitor.higherIsBetter ? 1.0 : -1.0
        if best == nil || sign * (value - best!.value) > rule.minDelta {
            best = (value, event.epoch, rule.restoreBestWeights ? network.parameters : [])
            epochsWithoutImprovement = 0
            return nil
        }
        epochsWithoutImprovement += 1
        guard epochsWithoutImprovement >= rule.patience, let best else { return nil }
        if rule.restoreBestWeights { network.parameters = best.parameters }
        return .earlyStopping(epoch: event.epoch, bestEpoch: best.epoch, monitor: rule.monitor)
    }
}

/// Stops when the validation loss is not finite. The data is finite (`fit` checks it) and so is
/// the training loss, so the outputs on the validation examples overflowed: said once, and training stops.
struct ValidationOverflowStop<Scalar: TensorScalar>: TrainingCallback {
    func epochEnded(_ event: EpochEvent<Scalar>, network: inout Sequential<Scalar>) -> StopReason? {
        guard let validationLoss = event.logs.first(where: { $0.0 == .validationLoss })?.1, !validationLoss.isFinite else { return nil }
        return .validationDiverged(epoch: event.epoch, validationLoss: validationLoss, trainingLoss: event.logs.first { $0.0 == .loss }!.1)
    }
}

/// The progress bar and the per-epoch lines, drawn as a callback.
struct ProgressCallback<Scalar: TensorScalar>: TrainingCallback {
    let progress: ProgressReporter
    let clock = ContinuousClock()
    var start: ContinuousClock.Instant, lastDrawn: ContinuousClock.Instant, epochs = 0

    init(_ progress: ProgressReporter) {
        self.progress = progress
        (start, lastDrawn) = (clock.now, clock.now)
    }

    mutating func epochStarted(_ epoch: Int, of epochs: Int) {
        progress.epochStarted(epoch, of: epochs)
        (self.epochs, start, lastDrawn) = (epochs, clock.now, clock.now)
    }

    var watchesSteps: Bool { progress.style == .bar }

    mutating func stepEnded(_ event: StepEvent<Scalar>, running: [(HistoryKey, Double)]) {
        let now = clock.now
        guard progress.style == .bar && (now - lastDrawn > .milliseconds(100) || event.step == 1) else { return }
        lastDrawn = now
        progress.step(event.step, of: event.stepsPerEpoch, seconds: (now - start).seconds, logs: running)
    }

    func epochEnded(_ event: EpochEvent<Scalar>, network: inout Sequential<Scalar>) -> StopReason? {
        progress.epochEnded(event.epoch, of: epochs, steps: event.stepsPerEpoch, seconds: (clock.now - start).seconds, logs: event.logs)
        return nil
    }
}

/// What an optimizer keeps between updates, for every parameter of a network (RMSProp's mean
/// squares, Adam's moments, momentum's velocity), and how many updates were made.
public struct OptimizerState<O: Optimizer> {
    var perParameter: [[O.State]]
    /// t, the number of updates made so far.
    public internal(set) var updates = 0

    /// The starting state for every parameter of `network`.
    public init(for network: Sequential<O.Scalar>, optimizer: O) {
        perParameter = network.layers.map { $0.parameters.map { optimizer.makeState(for: $0) } }
    }
}

extension Sequential {
    /// One weight update on one mini-batch — what `fit` does for every batch:
    ///
    ///     forward pass:   o = network(x)                (dropout masks drawn from `rng`)
    ///     loss:           E = loss(o, y) + Σ penalties
    ///     backward pass:  ∂E/∂θ for every parameter θ   (the delta recursion)
    ///     update rule:    θ ← optimizer(θ, ∂E/∂θ)        (for plain SGD: θ ← θ − η ∂E/∂θ)
    ///
    /// Returns the batch's loss (before the update) and the network's output. A NaN or
    /// infinite loss leaves the weights as they were (`fit` then stops with a message).
    @discardableResult
    public mutating func trainStep<O: Optimizer<Scalar>>(_ x: Tensor<Scalar>, _ y: Tensor<Scalar>, loss: some Loss, optimizer: O,
                                                         state: inout OptimizerState<O>, rng: inout SeededGenerator)
        -> (loss: Double, output: Tensor<Scalar>) {
        let learningRate = optimizer.learningRate.at(step: state.updates + 1)
        ensure(learningRate.isFinite && learningRate > 0,
               "trainStep: the learning rate must be a positive number, got \(learningRate) at update \(state.updates + 1)")
        var context = Context(mode: .training, rng: rng)
        let (output, caches) = forward(x, context: &context)
        rng = context.rng
        let batchLoss = Double(loss.value(output, y) + regularizationLoss)
        guard batchLoss.isFinite else { return (batchLoss, output) }
        let gradients = backward(output: output, target: y, loss: loss, caches: caches)
        state.updates += 1
        let step = state.updates
        for l in layers.indices where !gradients[l].isEmpty {
            layers[l].updateParameters { p, parameter in
                optimizer.updateInPlace(&parameter, gradient: gradients[l][p], state: &state.perParameter[l][p], step: step)
            }
        }
        return (batchLoss, output)
    }

    /// Trains the network on examples `x` (one per row) and targets `y`, Keras's `fit`.
    ///
    /// Each epoch shuffles the examples (without replacement, from `rng`), cuts them into
    /// mini-batches as `descent` says, and for each one runs the forward pass, the backward
    /// pass and the optimizer's update of every parameter. After each epoch the loss and
    /// `metrics` (averaged over the epoch's batches, as Keras reports them) and the same on the
    /// validation data go into the returned `History`.
    ///
    /// A NaN or infinite loss stops training at once; the message (printed, and in
    /// `history.stopReason`) names the epoch, the step and the learning rate. The history so
    /// far is kept.
    @discardableResult
    public mutating func fit<O: Optimizer<Scalar>>(
        _ x: Tensor<Scalar>, _ y: Tensor<Scalar>,
        epochs: Int,
        descent: Descent = .miniBatch(32),
        loss: some Loss,
        optimizer: O,
        metrics: [Metric] = [],
        validation: Validation<Scalar>? = nil,
        earlyStopping: EarlyStopping? = nil,
        shuffle: Bool = true,
        recordSteps: Bool = false,
        progress: ProgressReporter = .automatic,
        callbacks: Callbacks<Scalar> = Callbacks(),
        rng: inout SeededGenerator
    ) -> History {
        let (trainX, trainY, validationData) = checkedData(x, y, epochs: epochs, descent: descent, optimizer: optimizer,
                                                           validation: validation, earlyStopping: earlyStopping)
        let n = trainX.shape[0], batchSize = descent.batchSize(examples: n), stepsPerEpoch = (n + batchSize - 1) / batchSize
        // Run after each update and epoch, in this order; any of them may stop training.
        var around: [any TrainingCallback<Scalar>] = [ValidationOverflowStop<Scalar>(), ProgressCallback<Scalar>(progress), callbacks]
        if let earlyStopping { around.append(EarlyStoppingCallback<Scalar>(rule: earlyStopping)) }
        let stepWatchers = around.indices.filter { around[$0].watchesSteps }
        var state = OptimizerState(for: self, optimizer: optimizer)
        var history = History()
        for epoch in 1...epochs {
            for i in around.indices { around[i].epochStarted(epoch, of: epochs) }
            let order = shuffle ? rng.permutation(n) : Array(0 ..< n)          // a new order every epoch
            var totals = EpochTotals(metrics)
            for step in 1...stepsPerEpoch {
                let batch = (step - 1) * batchSize ..< min(n, step * batchSize)  // the next m examples
                let xBatch = shuffle ? trainX.rows(at: order[batch]) : trainX.rows(batch)
                let yBatch = shuffle ? trainY.rows(at: order[batch]) : trainY.rows(batch)
                // Forward, loss, backward and the update rule: one training step.
                let (batchLoss, output) = trainStep(xBatch, yBatch, loss: loss, optimizer: optimizer, state: &state, rng: &rng)
                guard batchLoss.isFinite else {
                    history.stopReason = .diverged(epoch: epoch, step: step, stepsPerEpoch: stepsPerEpoch,
                                                   learningRate: optimizer.learningRate.at(step: state.updates + 1), loss: batchLoss)
                    progress.message("\n" + history.stopReason!.description)
                    return history
                }
                totals.add(loss: batchLoss, output: output, target: yBatch)
                if recordSteps { history.stepLosses.append(batchLoss) }
                if !stepWatchers.isEmpty {
                    let event = StepEvent(epoch: epoch, step: step, stepsPerEpoch: stepsPerEpoch, update: state.updates, loss: batchLoss,
                                          network: self)
                    let running = totals.logs
                    for i in stepWatchers { around[i].stepEnded(event, running: running) }
                }
            }
            var logs = totals.logs                                              // averaged over the epoch's batches
            if let (vx, vy) = validationData {
                let measured = evaluate(vx, vy, loss: loss, metrics: metrics)
                logs.append((.validationLoss, measured[.loss]!))
                for metric in metrics { logs.append((metric.key.validation, measured[metric.key]!)) }
            }
            history.append(logs)
            for i in around.indices {
                if let reason = around[i].epochEnded(EpochEvent(epoch: epoch, stepsPerEpoch: stepsPerEpoch, logs: logs, network: self),
                                                     network: &self) {
                    history.stopReason = reason
                    if case .earlyStopping = reason { progress.message(reason.description) } else { progress.message("\n" + reason.description) }
                    return history
                }
            }
        }
        return history
    }

    /// `fit`'s checks of its arguments, with messages that name the problem (NaN in the data would
    /// otherwise show up as a "diverged" loss and be blamed on the learning rate), and the split
    /// into training and validation data (Keras's validation_split: the last fraction, before shuffling).
    private func checkedData<O: Optimizer<Scalar>>(_ x: Tensor<Scalar>, _ y: Tensor<Scalar>, epochs: Int, descent: Descent, optimizer: O,
                                                   validation: Validation<Scalar>?, earlyStopping: EarlyStopping?)
        -> (x: Tensor<Scalar>, y: Tensor<Scalar>, validation: (Tensor<Scalar>, Tensor<Scalar>)?) {
        ensure(x.rank >= 1 && y.rank >= 1 && x.shape[0] == y.shape[0],
               "fit: \(x.shape.first ?? 0) examples \(Shape.describe(x.shape)) but \(y.shape.first ?? 0) targets \(Shape.describe(y.shape))")
        ensure(epochs >= 1, "fit: epochs must be at least 1, got \(epochs)")
        if case .miniBatch(let m) = descent { ensure(m >= 1, "fit: a mini-batch needs at least 1 example, got \(m)") }
        checkFinite(x, "the training inputs")
        checkFinite(y, "the training targets")
        if case .data(let vx, let vy)? = validation {
            checkFinite(vx, "the validation inputs")
            checkFinite(vy, "the validation targets")
        }
        let learningRate = optimizer.learningRate.at(step: 1)
        ensure(learningRate.isFinite && learningRate > 0, "fit: the learning rate must be a positive number, got \(learningRate)")
        var result: (x: Tensor<Scalar>, y: Tensor<Scalar>, validation: (Tensor<Scalar>, Tensor<Scalar>)?) = (x, y, nil)
        switch validation {
        case .data(let vx, let vy)?:
            result.validation = (vx, vy)
        case .split(let fraction)?:
            ensure(fraction > 0 && fraction < 1, "fit: validation split must be in (0, 1), got \(fraction)")
            let n = x.shape[0], splitAt = Int(Double(n) * (1 - fraction))
            result = (x.rows(0 ..< splitAt), y.rows(0 ..< splitAt), (x.rows(splitAt ..< n), y.rows(splitAt ..< n)))
        case nil:
            break
        }
        ensure(result.x.shape[0] > 0, "fit: no training examples")
        if let monitor = earlyStopping?.monitor {
            ensure(!monitor.isValidation || result.validation != nil, "fit: early stopping monitors \(monitor), which needs validation data")
        }
        return result
    }
}

/// An epoch's loss and metrics so far, each averaged over the examples seen (as Keras reports them).
struct EpochTotals {
    let metrics: [Metric]
    var lossSum = 0.0, metricSums: [Double], seen = 0

    init(_ metrics: [Metric]) {
        self.metrics = metrics
        metricSums = [Double](repeating: 0, count: metrics.count)
    }

    mutating func add<S: TensorScalar>(loss: Double, output: Tensor<S>, target: Tensor<S>) {
        let m = output.shape[0]
        seen += m
        lossSum += loss * Double(m)
        for (i, metric) in metrics.enumerated() { metricSums[i] += metric.value(output, target) * Double(m) }
    }

    var logs: [(HistoryKey, Double)] {
        [(.loss, lossSum / Double(seen))] + metrics.indices.map { (metrics[$0].key, metricSums[$0] / Double(seen)) }
    }
}

/// Stops with a message naming the first NaN or infinite element of `t` (example, column).
/// Runs at memory speed (the whole training set is checked at every `fit`): x − x is 0 for every
/// finite x and NaN for ±∞ and NaN, so each block of 4,096 numbers is summed that way in SIMD
/// registers without branches, and only a block whose sum is not 0 is searched.
@_specialize(where S == Float)
@_specialize(where S == Double)
func checkFinite<S: TensorScalar>(_ t: Tensor<S>, _ what: String) {
    typealias V = S.KernelVector
    let block = 4096
    let bad: Int? = t.withUnsafeBufferPointer { values in
        guard let base = values.baseAddress else { return nil }
        let raw = UnsafeRawPointer(base), width = V.scalarCount
        let blocks = (values.count + block - 1) / block
        // The first bad index of each thread's part, stored at the part's first block (the
        // parts do not overlap); the threads share the memory bandwidth of a 188 MB scan.
        var firstBad = [Int](repeating: -1, count: blocks)
        firstBad.withUnsafeMutableBufferPointer { firstBad in
            Parallelism.forEachPart(of: blocks, elementsPerItem: block) { part in
                for b in part {
                    let start = b * block, end = Swift.min(values.count, start + block)
                    var sum = V(), i = start
                    while i + width <= end {
                        let v = raw.loadUnaligned(fromByteOffset: i * MemoryLayout<S>.stride, as: V.self)
                        sum += v - v
                        i += width
                    }
                    var tail = S(0)
                    while i < end { tail += values[i] - values[i]; i += 1 }
                    if sum.sum() + tail != 0 {
                        firstBad[part.lowerBound] = (start ..< end).first { !values[$0].isFinite } ?? -1
                        return
                    }
                }
            }
        }
        return firstBad.first { $0 >= 0 }
    }
    guard let bad else { return }
    let width = t.rank >= 2 ? t.count / max(t.shape[0], 1) : 1
    let value = t.withUnsafeBufferPointer { $0[bad] }
    stop("fit: \(what) contain \(value) (example \(bad / max(width, 1)), column \(bad % max(width, 1))). "
         + "Clean or impute the data first (a NaN input makes every output NaN; lesson 08 shows where NaN comes from).")
}
