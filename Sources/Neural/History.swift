import Tensors

/// A named quantity recorded per epoch: `loss`, `val_loss`, `accuracy`, … Typed, so a
/// misspelled key is a compile error, with Keras's names as the text.
public struct HistoryKey: Hashable, Sendable, CustomStringConvertible {
    /// Keras's name, used in progress output and CSV headers.
    public let name: String
    public init(_ name: String) { self.name = name }
    public var description: String { name }

    public static let loss = HistoryKey("loss")
    public static let accuracy = HistoryKey("accuracy")
    public static let binaryAccuracy = HistoryKey("binary_accuracy")
    public static let meanAbsoluteError = HistoryKey("mae")
    public static let validationLoss = HistoryKey.loss.validation
    public static let validationAccuracy = HistoryKey.accuracy.validation
    public static let validationBinaryAccuracy = HistoryKey.binaryAccuracy.validation
    public static let validationMeanAbsoluteError = HistoryKey.meanAbsoluteError.validation

    /// The same quantity measured on the validation data: `loss` → `val_loss`.
    public var validation: HistoryKey { isValidation ? self : HistoryKey("val_" + name) }
    /// True for `val_…` keys.
    public var isValidation: Bool { name.hasPrefix("val_") }
    /// True when larger is better (accuracies), false when smaller is better (losses, errors).
    public var higherIsBetter: Bool { name.hasSuffix("accuracy") }
}

/// Why training ended before its last epoch.
public enum StopReason: Sendable, Equatable, CustomStringConvertible {
    /// The monitored quantity stopped improving (early stopping).
    case earlyStopping(epoch: Int, bestEpoch: Int, monitor: HistoryKey)
    /// The loss became NaN or infinite.
    case diverged(epoch: Int, step: Int, stepsPerEpoch: Int, learningRate: Double, loss: Double)
    /// The validation loss became NaN or infinite while the training loss was finite.
    case validationDiverged(epoch: Int, validationLoss: Double, trainingLoss: Double)

    public var description: String {
        switch self {
        case let .earlyStopping(epoch, bestEpoch, monitor):
            return "Early stopping after epoch \(epoch): \(monitor) has not improved since epoch \(bestEpoch)."
        case let .diverged(epoch, step, stepsPerEpoch, learningRate, loss):
            return "Training diverged at epoch \(epoch), step \(step)/\(stepsPerEpoch): the loss is \(loss) "
                + "with learning rate \(learningRate). The updates overshoot and blow the weights up; "
                + "try a smaller learning rate (for example \(learningRate / 10)). "
                + "The history up to the last finished epoch is kept."
        case let .validationDiverged(epoch, validationLoss, trainingLoss):
            return "Training stopped after epoch \(epoch): the validation loss is \(validationLoss) while the training loss is "
                + "\(trainingLoss). The network's outputs overflow on validation examples unlike the training ones; "
                + "check that both were scaled the same way (lesson 08), or try a smaller learning rate. The history is kept."
        }
    }
}

/// What `fit` recorded: one value per epoch for each key, optionally the loss of every update.
public struct History: Sendable, Equatable {
    /// The keys in the order they were first recorded (loss, metrics, then validation ones).
    public private(set) var keys: [HistoryKey] = []
    private var values: [HistoryKey: [Double]] = [:]
    /// The loss of every weight update (mini-batch), when `fit(recordSteps: true)`.
    public var stepLosses: [Double] = []
    /// Why training stopped early, if it did.
    public var stopReason: StopReason?

    public init() {}

    /// The values of `key`, one per finished epoch (empty if never recorded).
    public subscript(key: HistoryKey) -> [Double] { values[key] ?? [] }

    /// The number of finished epochs.
    public var epochCount: Int { keys.first.map { values[$0]?.count ?? 0 } ?? 0 }

    /// True when training stopped because the loss became NaN or infinite.
    public var diverged: Bool {
        if case .diverged = stopReason { return true }
        return false
    }

    /// Records the values of one finished epoch.
    public mutating func append(_ epoch: [(HistoryKey, Double)]) {
        for (key, value) in epoch {
            if values[key] == nil {
                keys.append(key)
                values[key] = []
            }
            values[key]?.append(value)
        }
    }

    /// The last value of `key`.
    public func last(_ key: HistoryKey) -> Double? { values[key]?.last }

    /// One row per epoch: `epoch,loss,accuracy,val_loss,val_accuracy` (full precision).
    public func csv() -> String {
        var lines = [(["epoch"] + keys.map(\.name)).joined(separator: ",")]
        for epoch in 0..<epochCount {
            lines.append(([String(epoch + 1)] + keys.map { String(values[$0]![epoch]) }).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// One row per weight update: `step,loss`.
    public func stepCSV() -> String {
        (["step,loss"] + stepLosses.enumerated().map { "\($0.offset + 1),\($0.element)" }).joined(separator: "\n") + "\n"
    }
}

/// What is measured besides the loss.
public enum Metric: Sendable, Equatable {
    /// The fraction of examples whose predicted class is right: the largest output against the
    /// one-hot target or integer label; for a single sigmoid output, p > 0.5 against 0/1.
    case accuracy
    /// The fraction of outputs on the right side of 0.5, for 0/1 targets (multi-label too).
    case binaryAccuracy
    /// Mean |o − y|.
    case meanAbsoluteError

    public var key: HistoryKey {
        switch self {
        case .accuracy: .accuracy
        case .binaryAccuracy: .binaryAccuracy
        case .meanAbsoluteError: .meanAbsoluteError
        }
    }

    /// The metric over a batch of outputs and targets.
    public func value<S>(_ output: Tensor<S>, _ target: Tensor<S>) -> Double {
        switch self {
        case .accuracy:
            let n = output.shape[0]
            guard n > 0 else { return 0 }
            if output.rank == 2 && output.shape[1] > 1 {
                let predicted = output.argmax(axis: 1)
                let truth = target.shape == output.shape ? target.argmax(axis: 1) : target.integerLabels
                ensure(truth.count == n, "accuracy: \(n) outputs but \(truth.count) targets")
                return Double(zip(predicted, truth).filter { $0 == $1 }.count) / Double(n)
            }
            return Metric.binaryAccuracy.value(output, target)
        case .binaryAccuracy:
            ensure(output.shape == target.shape,
                         "binary accuracy: outputs \(Shape.describe(output.shape)) and targets \(Shape.describe(target.shape)) differ")
            // Counted, then divided in Double: the fraction is exact, as the categorical one is.
            return Double(((output .> 0.5) .== (target .> 0.5)).sum()) / Double(max(output.count, 1))
        case .meanAbsoluteError:
            ensure(output.shape == target.shape,
                         "mae: outputs \(Shape.describe(output.shape)) and targets \(Shape.describe(target.shape)) differ")
            return Double(abs(output - target).mean())
        }
    }
}
