// A figure described as plain values: panels of series of numbers. Plotting knows nothing of
// networks or tensors; the Notebook module turns a training History into a Figure.
//
//     let figure = Figure(name: "lesson04-loss", panel: Panel(
//         title: "Training loss", xLabel: "epoch", yLabel: "loss",
//         series: [Series("loss", y: losses), Series("val_loss", y: validationLosses)]))
//     try Gnuplot().render(figure, in: plotsDirectory, formats: [.png])

/// One figure: one panel, or several in a grid (gnuplot's multiplot).
public struct Figure: Sendable {
    /// The file stem shared by the data file, the script and the images: `lesson04-loss`.
    public var name: String
    /// A title above all panels (for a single panel, give the panel a title instead).
    public var title: String?
    /// The panels, drawn left to right, top to bottom.
    public var panels: [Panel]
    /// Rows and columns of the panel grid; by default one row, or a near-square grid.
    public var layout: (rows: Int, columns: Int)?
    /// Size in pixels of the PNG and SVG (the PDF uses the same proportions, 100 pixels per inch).
    public var width: Int
    public var height: Int

    public init(name: String, title: String? = nil, panels: [Panel],
                layout: (rows: Int, columns: Int)? = nil, width: Int = 800, height: Int = 500) {
        self.name = name
        self.title = title
        self.panels = panels
        self.layout = layout
        self.width = width
        self.height = height
    }

    /// A figure with a single panel.
    public init(name: String, panel: Panel, width: Int = 800, height: Int = 500) {
        self.init(name: name, panels: [panel], width: width, height: height)
    }

    /// The grid the panels are laid out in.
    public var grid: (rows: Int, columns: Int) {
        if let layout { return layout }
        let n = max(panels.count, 1)
        if n <= 3 { return (1, n) }
        let columns = Int(Double(n).squareRoot().rounded(.up))
        return ((n + columns - 1) / columns, columns)
    }
}

/// One set of axes with its series, and optionally a heat map or contour lines underneath.
public struct Panel: Sendable {
    public var title: String?
    public var xLabel: String?
    public var yLabel: String?
    /// Label of the right-hand axis, used by series with `axis: .right`.
    public var y2Label: String?
    public var xRange: ClosedRange<Double>?
    public var yRange: ClosedRange<Double>?
    public var y2Range: ClosedRange<Double>?
    public var logScaleX: Bool
    public var logScaleY: Bool
    public var series: [Series]
    /// A matrix drawn as colored cells under the series (a digit, a decision surface).
    public var heatmap: Heatmap?
    /// Contour lines of a function on a grid, under the series (an optimizer's path on its cost).
    public var contour: Contour?
    /// Where the legend goes.
    public var legend: Legend
    /// Draw light grid lines.
    public var showGrid: Bool
    /// One unit on x as long as one unit on y (vectors, rotations, images).
    public var equalAspect: Bool
    /// Hide the axes, tics and border (image grids).
    public var hideAxes: Bool
    /// Extra gnuplot commands for this panel, run after the settings above and before
    /// plotting: labels, arrows, anything this description lacks.
    public var commands: [String]

    public init(title: String? = nil, xLabel: String? = nil, yLabel: String? = nil, y2Label: String? = nil,
                xRange: ClosedRange<Double>? = nil, yRange: ClosedRange<Double>? = nil,
                y2Range: ClosedRange<Double>? = nil, logScaleX: Bool = false, logScaleY: Bool = false,
                series: [Series] = [], heatmap: Heatmap? = nil, contour: Contour? = nil,
                legend: Legend = .topRight, showGrid: Bool = true, equalAspect: Bool = false,
                hideAxes: Bool = false, commands: [String] = []) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.y2Label = y2Label
        self.xRange = xRange
        self.yRange = yRange
        self.y2Range = y2Range
        self.logScaleX = logScaleX
        self.logScaleY = logScaleY
        self.series = series
        self.heatmap = heatmap
        self.contour = contour
        self.legend = legend
        self.showGrid = showGrid
        self.equalAspect = equalAspect
        self.hideAxes = hideAxes
        self.commands = commands
    }
}

/// Where a panel's legend (gnuplot's key) goes.
public enum Legend: String, Sendable {
    case topRight = "top right", topLeft = "top left", bottomRight = "bottom right",
         bottomLeft = "bottom left", outside = "outside right top", below = "below", hidden
}

/// Which y axis a series is measured on.
public enum YAxis: Sendable {
    case left, right
}

/// One line, set of points, bars, arrows or band.
public struct Series: Sendable {
    /// How a series is drawn.
    public enum Style: Sendable, Equatable {
        case lines, points, linesPoints, steps, impulses
        /// Bars centred on x, `width` wide in x units (histograms).
        case boxes(width: Double)
        /// Arrows from (x, y) to (x + dx, y + dy).
        case vectors(dx: [Double], dy: [Double])
        /// The area between y (lower) and `upper`, for a spread around a mean.
        case band(upper: [Double])
    }

    /// The legend entry; empty for none.
    public var title: String
    public var x: [Double]
    public var y: [Double]
    public var style: Style
    public var axis: YAxis
    /// A color as `#rrggbb`; by default the next color of the palette.
    public var color: String?
    public var lineWidth: Double
    public var dashed: Bool
    /// gnuplot point type (7 is a filled circle) and size, for points.
    public var pointType: Int
    public var pointSize: Double

    public init<X: BinaryFloatingPoint, Y: BinaryFloatingPoint>(
        _ title: String, x: [X], y: [Y], style: Style = .lines, axis: YAxis = .left,
        color: String? = nil, lineWidth: Double = 2, dashed: Bool = false, pointType: Int = 7, pointSize: Double = 0.6
    ) {
        ensure(x.count == y.count, "Series \"\(title)\": \(x.count) x values but \(y.count) y values")
        self.title = title
        self.x = x.map { Double($0) }
        self.y = y.map { Double($0) }
        self.style = style
        self.axis = axis
        self.color = color
        self.lineWidth = lineWidth
        self.dashed = dashed
        self.pointType = pointType
        self.pointSize = pointSize
        if case .vectors(let dx, let dy) = style {
            ensure(dx.count == x.count && dy.count == x.count, "Series \"\(title)\": dx, dy need one value per point")
        }
        if case .band(let upper) = style {
            ensure(upper.count == x.count, "Series \"\(title)\": the band needs one upper value per point")
        }
    }

    /// A series against 1, 2, 3, … (epochs).
    public init<Y: BinaryFloatingPoint>(_ title: String, y: [Y], style: Style = .lines, axis: YAxis = .left,
                                        color: String? = nil, lineWidth: Double = 2, dashed: Bool = false) {
        self.init(title, x: (1...max(y.count, 1)).prefix(y.count).map(Double.init), y: y, style: style, axis: axis,
                  color: color, lineWidth: lineWidth, dashed: dashed)
    }

    /// A histogram of `values` in `bins` equal bins between their minimum and maximum
    /// (or `range`): bars at the bin centres, heights the counts.
    public static func histogram<V: BinaryFloatingPoint>(_ title: String, values: [V], bins: Int,
                                                         range: ClosedRange<Double>? = nil, color: String? = nil) -> Series {
        let data = values.map { Double($0) }.filter { $0.isFinite }
        let low = range?.lowerBound ?? data.min() ?? 0
        let high = range?.upperBound ?? data.max() ?? 1
        let width = high > low ? (high - low) / Double(bins) : 1
        var counts = [Double](repeating: 0, count: bins)
        for v in data where v >= low && v <= high {
            counts[min(bins - 1, Int((v - low) / width))] += 1
        }
        let centres = (0..<bins).map { low + (Double($0) + 0.5) * width }
        return Series(title, x: centres, y: counts, style: .boxes(width: width * 0.9), color: color)
    }

    /// A shaded band between `lower` and `upper` (the spread of k folds around their mean).
    public static func band<V: BinaryFloatingPoint>(_ title: String, x: [V], lower: [V], upper: [V],
                                                    color: String? = nil) -> Series {
        Series(title, x: x, y: lower, style: .band(upper: upper.map { Double($0) }), color: color)
    }
}

/// A matrix drawn as colored cells: `values[row][column]`, row 0 at the top (like an image)
/// unless `x`/`y` extents are given, in which case row 0 is at y.lowerBound.
public struct Heatmap: Sendable {
    public var values: [[Double]]
    /// The x and y coordinates the matrix spans (cell centres at the ends); pixel indices if nil.
    public var x: ClosedRange<Double>?
    public var y: ClosedRange<Double>?
    public var palette: Palette
    /// The values mapped to the two ends of the palette; by default the data's range.
    public var colorRange: ClosedRange<Double>?
    public var showColorBar: Bool

    public init<V: BinaryFloatingPoint>(_ values: [[V]], x: ClosedRange<Double>? = nil, y: ClosedRange<Double>? = nil,
                                        palette: Palette = .viridis, colorRange: ClosedRange<Double>? = nil,
                                        showColorBar: Bool = true) {
        self.values = values.map { $0.map { Double($0) } }
        self.x = x
        self.y = y
        self.palette = palette
        self.colorRange = colorRange
        self.showColorBar = showColorBar
    }
}

/// Contour lines of `values[row][column]` sampled at x[column], y[row].
public struct Contour: Sendable {
    public var x: [Double]
    public var y: [Double]
    public var values: [[Double]]
    /// The heights to draw lines at; by default `levelCount` automatic levels.
    public var levels: [Double]?
    public var levelCount: Int

    public init<V: BinaryFloatingPoint>(x: [Double], y: [Double], values: [[V]], levels: [Double]? = nil, levelCount: Int = 12) {
        ensure(values.count == y.count && values.allSatisfy { $0.count == x.count },
                     "Contour: values must have one row per y (\(y.count)) and one column per x (\(x.count))")
        self.x = x
        self.y = y
        self.values = values.map { $0.map { Double($0) } }
        self.levels = levels
        self.levelCount = levelCount
    }
}

/// Color maps for heat maps.
public enum Palette: Sendable {
    /// Perceptually uniform dark blue → green → yellow (matplotlib's default).
    case viridis
    /// Black → white (digits, feature maps).
    case gray
    /// White → black (digits as printed).
    case grayInverted
    /// Blue → white → red, for signed values and two-class probabilities.
    case blueRed
}

/// The colors given to series in order (matplotlib's "tab10").
public let seriesColors = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                           "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]

/// `precondition` whose message is kept in optimized builds (where Swift drops the message of
/// `precondition`). Plotting imports Foundation only, so it has its own copy of Tensors' `ensure`.
@inline(__always)
func ensure(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String,
            file: StaticString = #fileID, line: UInt = #line) {
    if !condition() { fatalError(message(), file: file, line: line) }
}
