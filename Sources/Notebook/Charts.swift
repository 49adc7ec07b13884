import Neural
import Plotting

/// Figures the course draws again and again, from a training `History` (the glue between
/// Neural and Plotting lives here).
public enum Charts {
    /// Keras's history plot: loss and val_loss on the left axis and, if recorded, a metric and
    /// its validation value (accuracy by default) on the right, against the epoch.
    public static func history(_ history: History, name: String, title: String,
                               metric: HistoryKey? = .accuracy) -> Figure {
        let epochs = (1...max(history.epochCount, 1)).prefix(history.epochCount).map(Double.init)
        var series: [Series] = [Series("loss", x: epochs, y: history[.loss], color: seriesColors[0])]
        if !history[.validationLoss].isEmpty {
            series.append(Series("val_loss", x: epochs, y: history[.validationLoss], color: seriesColors[0], dashed: true))
        }
        var metricLabel: String?
        if let metric, !history[metric].isEmpty {
            metricLabel = metric.name
            series.append(Series(metric.name, x: epochs, y: history[metric], axis: .right, color: seriesColors[1]))
            if !history[metric.validation].isEmpty {
                series.append(Series(metric.validation.name, x: epochs, y: history[metric.validation], axis: .right,
                                     color: seriesColors[1], dashed: true))
            }
        }
        return Figure(name: name, panel: Panel(title: title, xLabel: "epoch", yLabel: "loss", y2Label: metricLabel,
                                               series: series, legend: .outside))
    }

    /// Exponential moving average (Chollet's `smooth_curve`): each point becomes
    /// factor · previous smoothed point + (1 − factor) · point, hiding epoch-to-epoch noise.
    public static func smoothed(_ values: [Double], factor: Double = 0.9) -> [Double] {
        var result: [Double] = []
        result.reserveCapacity(values.count)
        for value in values {
            result.append(result.last.map { factor * $0 + (1 - factor) * value } ?? value)
        }
        return result
    }

    /// The per-epoch mean of several runs (k folds), and its minimum and maximum, skipping the
    /// first `skip` epochs (whose large values would flatten the rest of the curve).
    public static func foldSummary(_ runs: [[Double]], skip: Int = 0) -> (epochs: [Double], mean: [Double], low: [Double], high: [Double]) {
        let length = runs.map(\.count).min() ?? 0
        let kept = skip < length ? Array(skip..<length) : []
        let mean = kept.map { e in runs.reduce(0) { $0 + $1[e] } / Double(runs.count) }
        let low = kept.map { e in runs.map { $0[e] }.min() ?? 0 }
        let high = kept.map { e in runs.map { $0[e] }.max() ?? 0 }
        return (kept.map { Double($0 + 1) }, mean, low, high)
    }
}
