#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Tensors

/// Where and how `fit` reports progress, Keras-style.
///
/// On a terminal, each epoch shows a live bar:
///
///     Epoch 3/10
///     469/469 [==============================] - 1s 2ms/step - loss: 0.4127 - accuracy: 0.8888 - val_loss: 0.2637 - val_accuracy: 0.9265
///
/// When the output is not a terminal (a log file, a pipe, a test), exactly one line per
/// epoch, never one per step:
///
///     Epoch 3/10 - 469/469 - 1s 2ms/step - loss: 0.4127 - accuracy: 0.8888 - val_loss: 0.2637 - val_accuracy: 0.9265
public struct ProgressReporter {
    public enum Style: Sendable {
        /// Nothing at all.
        case quiet
        /// One line per epoch.
        case epochs
        /// A live bar per epoch (needs a terminal).
        case bar
    }

    public var style: Style
    /// Receives the text; it contains its own line ends and, for the bar, carriage returns.
    public var write: (String) -> Void

    public init(style: Style, write: @escaping (String) -> Void) {
        self.style = style
        self.write = write
    }

    /// Standard output: a live bar on a terminal, one line per epoch otherwise.
    public static var automatic: ProgressReporter {
        ProgressReporter(style: isatty(STDOUT_FILENO) != 0 ? .bar : .epochs, write: writeToStandardOutput)
    }

    /// Standard output, one line per epoch.
    public static var epochs: ProgressReporter { ProgressReporter(style: .epochs, write: writeToStandardOutput) }

    /// No output.
    public static var quiet: ProgressReporter { ProgressReporter(style: .quiet, write: { _ in }) }

    // MARK: Formatting

    /// "loss: 0.4127 - accuracy: 0.8888"
    static func logs(_ values: [(HistoryKey, Double)]) -> String {
        values.map { "\($0.0.name): \(formatNumber("%.4f", $0.1))" }.joined(separator: " - ")
    }

    /// "1s 2ms/step", Keras's timing column.
    static func timing(seconds: Double, steps: Int) -> String {
        let perStep = seconds / Double(max(steps, 1))
        let unit = perStep >= 1 ? "\(Int(perStep.rounded()))s/step"
            : perStep >= 1e-3 ? "\(Int((perStep * 1e3).rounded()))ms/step" : "\(Int((perStep * 1e6).rounded()))us/step"
        return "\(Int(seconds.rounded()))s \(unit)"
    }

    /// "[=========>....................]", drawn as Keras draws it.
    static func bar(_ step: Int, of total: Int, width: Int = 30) -> String {
        let done = total == 0 ? width : min(width, width * step / total)
        var bar = ""
        if done > 0 { bar = String(repeating: "=", count: done - 1) + (step < total ? ">" : "=") }
        return "[" + bar + String(repeating: ".", count: width - done) + "]"
    }

    // MARK: Events

    func epochStarted(_ epoch: Int, of epochs: Int) {
        if style == .bar { write("Epoch \(epoch)/\(epochs)\n") }
    }

    func step(_ step: Int, of steps: Int, seconds: Double, logs values: [(HistoryKey, Double)]) {
        guard style == .bar else { return }
        let counter = "\(step)/\(steps)".leftPadded(to: 2 * String(steps).count + 1)
        write("\r\(counter) \(Self.bar(step, of: steps)) - ETA: \(Int((seconds / Double(step) * Double(steps - step)).rounded()))s - \(Self.logs(values))\u{1B}[K")
    }

    func epochEnded(_ epoch: Int, of epochs: Int, steps: Int, seconds: Double, logs values: [(HistoryKey, Double)]) {
        let summary = "\(steps)/\(steps)"
        switch style {
        case .quiet: break
        case .epochs:
            write("Epoch \(epoch)/\(epochs) - \(summary) - \(Self.timing(seconds: seconds, steps: steps)) - \(Self.logs(values))\n")
        case .bar:
            write("\r\(summary) \(Self.bar(steps, of: steps)) - \(Self.timing(seconds: seconds, steps: steps)) - \(Self.logs(values))\u{1B}[K\n")
        }
    }

    func message(_ text: String) {
        if style != .quiet { write(text + "\n") }
    }
}

/// Through `print`, so progress lines stay in order with everything else a lesson prints,
/// then flushed so a live bar shows at once.
private func writeToStandardOutput(_ text: String) {
    print(text, terminator: "")
    fflush(nil)
}

extension String {
    func leftPadded(to length: Int) -> String {
        count >= length ? self : String(repeating: " ", count: length - count) + self
    }
}
