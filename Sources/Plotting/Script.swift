// Turning a Figure into two text files: the data (every number, in blocks gnuplot reads with
// `index`) and the .gp script that draws it. The script renders PNG by default; the variable
// `format` picks svg, pdf or dumb (text), so one script serves every output:
//
//     cd Plots && gnuplot lesson04-loss.gp                      # lesson04-loss.png
//     cd Plots && gnuplot -e 'format="svg"' lesson04-loss.gp    # lesson04-loss.svg

/// Formats used for figures written to files.
public enum OutputFormat: String, CaseIterable, Sendable {
    case png, svg, pdf
}

/// Series longer than this are drawn with every k-th point (`every k`); the data file keeps all.
public let maximumDrawnPoints = 2_000

/// The data file and script for one figure.
struct ScriptWriter {
    let figure: Figure
    var dataFile: String { figure.name + ".dat" }

    /// A number as data: the shortest text that reads back to the same value (Float-short when
    /// the value is a Float), `NaN` for anything not finite so gnuplot leaves a gap.
    static func number(_ value: Double) -> String {
        guard value.isFinite else { return "NaN" }
        if value == value.rounded() && value.magnitude < 1e15 { return String(Int64(value)) }
        let asFloat = Float(value)
        return Double(asFloat) == value ? asFloat.description : value.description
    }

    /// A gnuplot string literal (double quotes, with backslashes and quotes escaped).
    static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n") + "\""
    }

    // MARK: Data

    /// All data blocks, separated by two blank lines; each starts with comment lines naming it.
    func data() -> String {
        var blocks: [String] = []
        for (p, panel) in figure.panels.enumerated() {
            if let heatmap = panel.heatmap {
                blocks.append("# panel \(p + 1) heat map: \(heatmap.values.count) rows × \(heatmap.values.first?.count ?? 0) columns\n"
                    + heatmap.values.map { $0.map(Self.number).joined(separator: " ") }.joined(separator: "\n"))
            }
            if let contour = panel.contour {
                // gnuplot's "nonuniform matrix": first row holds the x values, first column the y values.
                var lines = ["# panel \(p + 1) contour grid: first row x, first column y",
                             ([Double(contour.x.count)] + contour.x).map(Self.number).joined(separator: " ")]
                for (row, y) in contour.y.enumerated() {
                    lines.append(([y] + contour.values[row]).map(Self.number).joined(separator: " "))
                }
                blocks.append(lines.joined(separator: "\n"))
            }
            for series in panel.series {
                var header = "# panel \(p + 1) series \(Self.quoted(series.title)): x y"
                var columns = [series.x, series.y]
                switch series.style {
                case .vectors(let dx, let dy):
                    header += " dx dy"
                    columns += [dx, dy]
                case .band(let upper):
                    header = header.replacingOccurrences(of: ": x y", with: ": x lower upper")
                    columns.append(upper)
                default: break
                }
                let rows = (0..<series.x.count).map { i in columns.map { Self.number($0[i]) }.joined(separator: " ") }
                blocks.append(([header] + rows).joined(separator: "\n"))
            }
        }
        return "# \(figure.name): data for \(figure.name).gp, written by Backprop\n"
            + blocks.joined(separator: "\n\n\n") + "\n"
    }

    // MARK: Script

    func script() -> String {
        let name = figure.name, q = Self.quoted
        var s = """
        # \(name).gp: draws \(dataFile) (both written by Backprop; edit this file to restyle).
        #   cd <this folder> && gnuplot \(name).gp                      writes \(name).png
        #   cd <this folder> && gnuplot -e 'format="svg"' \(name).gp    also "pdf", or "dumb" for text
        if (!exists("format")) format = "png"
        if (!exists("textWidth")) textWidth = 79
        if (!exists("textHeight")) textHeight = 24
        if (!exists("outputFile")) outputFile = \(q(name)).".".format
        if (format eq "png") { set terminal pngcairo size \(figure.width),\(figure.height) font "Sans,10" linewidth 1; set output outputFile }
        if (format eq "svg") { set terminal svg size \(figure.width),\(figure.height) dynamic font "Sans,10" background rgb "white"; set output outputFile }
        if (format eq "pdf") { set terminal pdfcairo size \(Double(figure.width) / 100)in,\(Double(figure.height) / 100)in font "Sans,9"; set output outputFile }
        if (format eq "dumb") { set terminal dumb size textWidth,textHeight; set output }
        set termoption noenhanced
        data = \(q(dataFile))

        """
        let (rows, columns) = figure.grid
        let multiplot = figure.panels.count > 1 || figure.title != nil
        if multiplot {
            s += "set multiplot layout \(rows),\(columns)" + (figure.title.map { " title " + q($0) } ?? "") + "\n"
        }
        var block = 0
        for (p, panel) in figure.panels.enumerated() {
            s += "\n# ---- panel \(p + 1)\(panel.title.map { ": " + $0 } ?? "")\n"
            s += panelScript(panel, number: p, firstBlock: &block)
        }
        if multiplot { s += "unset multiplot\n" }
        return s
    }

    private func panelScript(_ panel: Panel, number p: Int, firstBlock block: inout Int) -> String {
        let q = Self.quoted
        var lines = ["reset"]
        lines.append("set border 3 lc rgb \"#555555\"")
        lines.append("set tics nomirror out")
        if panel.showGrid { lines.append("if (format ne \"dumb\") set grid lc rgb \"#e0e0e0\" lt 1") }
        if let t = panel.title { lines.append("set title " + q(t)) }
        if let l = panel.xLabel { lines.append("set xlabel " + q(l)) }
        if let l = panel.yLabel { lines.append("set ylabel " + q(l)) }
        if let r = panel.xRange { lines.append("set xrange [\(Self.number(r.lowerBound)):\(Self.number(r.upperBound))]") }
        if let r = panel.yRange { lines.append("set yrange [\(Self.number(r.lowerBound)):\(Self.number(r.upperBound))]") }
        if panel.logScaleX { lines += ["set logscale x", "set format x \"%g\""] }
        if panel.logScaleY { lines += ["set logscale y", "set format y \"%g\""] }
        if panel.series.contains(where: { $0.axis == .right }) {
            lines.append("set border 11 lc rgb \"#555555\"")
            lines.append("set y2tics nomirror out")
            if let l = panel.y2Label { lines.append("set y2label " + q(l)) }
            if let r = panel.y2Range { lines.append("set y2range [\(Self.number(r.lowerBound)):\(Self.number(r.upperBound))]") }
        }
        // Equal units on both axes; not in text plots, whose characters are twice as tall as wide.
        if panel.equalAspect { lines.append("if (format ne \"dumb\") set size ratio -1") }
        // Without axes; a heatmap's colour bar, when it asks for one, keeps its scale (cbtics).
        if panel.hideAxes {
            lines += ["unset border", "unset xtics", "unset ytics", "unset grid"]
            if panel.heatmap?.showColorBar != true { lines.append("unset colorbox") }
        }
        if panel.legend == .hidden || panel.series.allSatisfy({ $0.title.isEmpty }) {
            lines.append("unset key")
        } else {
            lines.append("set key \(panel.legend.rawValue) noautotitle opaque box lc rgb \"#cccccc\"")
        }
        if panel.yRange == nil, panel.series.contains(where: { if case .boxes = $0.style { true } else { false } }) {
            lines.append("set yrange [0:*]")   // bars start at zero
        }
        // Text plots: rotated axis labels and legend boxes turn into clutter; the legend names the series.
        lines.append("if (format eq \"dumb\") { unset ylabel; unset y2label; set key nobox noopaque }")
        var plots: [String] = []
        if let heatmap = panel.heatmap {
            lines += heatmapSettings(heatmap)
            let rowsCount = heatmap.values.count, columnsCount = heatmap.values.first?.count ?? 0
            var using = ""
            if let x = heatmap.x, let y = heatmap.y {
                let dx = columnsCount > 1 ? (x.upperBound - x.lowerBound) / Double(columnsCount - 1) : 1
                let dy = rowsCount > 1 ? (y.upperBound - y.lowerBound) / Double(rowsCount - 1) : 1
                using = " using (\(Self.number(x.lowerBound))+$1*\(Self.number(dx))):(\(Self.number(y.lowerBound))+$2*\(Self.number(dy))):3"
            } else {
                lines.append("set yrange [\(Self.number(Double(rowsCount) - 0.5)):-0.5]")   // row 0 at the top
                lines.append("set xrange [-0.5:\(Self.number(Double(columnsCount) - 0.5))]")
            }
            plots.append("data index \(block) matrix\(using) with image notitle")
            block += 1
        }
        if let contour = panel.contour {
            let table = "$contour\(p + 1)"
            lines.append("set contour base")
            if let levels = contour.levels {
                lines.append("set cntrparam levels discrete " + levels.map(Self.number).joined(separator: ","))
            } else {
                lines.append("set cntrparam levels auto \(contour.levelCount)")
            }
            lines += ["unset surface", "set view map", "set table \(table)",
                      "splot data index \(block) nonuniform matrix using 1:2:3 with lines notitle",
                      "unset table", "unset contour", "set surface",
                      "set palette defined (0 \"#c6dbef\", 1 \"#08306b\")", "unset colorbox"]
            plots.append("\(table) using 1:2:3 with lines lw 1 lc palette notitle")
            block += 1
        }
        lines += panel.commands
        var colorIndex = 0
        for series in panel.series {
            let color = series.color ?? seriesColors[colorIndex % seriesColors.count]
            colorIndex += 1
            let every = series.x.count > maximumDrawnPoints
                ? " every \((series.x.count + maximumDrawnPoints - 1) / maximumDrawnPoints)" : ""
            let title = series.title.isEmpty ? "notitle" : "title " + q(series.title)
            let axes = series.axis == .right ? " axes x1y2" : ""
            let lineStyle = "lw \(Self.number(series.lineWidth)) lc rgb \"\(color)\"" + (series.dashed ? " dt 2" : "")
            let points = "pt \(series.pointType) ps \(Self.number(series.pointSize))"
            let how: String
            switch series.style {
            case .lines: how = "using 1:2 with lines \(lineStyle)"
            case .points: how = "using 1:2 with points \(points) lc rgb \"\(color)\""
            case .linesPoints: how = "using 1:2 with linespoints \(lineStyle) \(points)"
            case .steps: how = "using 1:2 with steps \(lineStyle)"
            case .impulses: how = "using 1:2 with impulses \(lineStyle)"
            case .boxes(let width):
                how = "using 1:2:(\(Self.number(width))) with boxes lc rgb \"\(color)\" fill solid 0.7 border lc rgb \"#333333\""
            case .vectors: how = "using 1:2:3:4 with vectors head filled size screen 0.015,20 \(lineStyle)"
            case .band: how = "using 1:2:3 with filledcurves fill transparent solid 0.25 noborder lc rgb \"\(color)\""
            }
            plots.append("data index \(block)\(every) \(how)\(axes) \(title)")
            block += 1
        }
        if plots.isEmpty { plots.append("NaN notitle") }
        lines.append("plot " + plots.joined(separator: ", \\\n     "))
        return lines.joined(separator: "\n") + "\n"
    }

    private func heatmapSettings(_ heatmap: Heatmap) -> [String] {
        var lines: [String] = []
        switch heatmap.palette {
        case .viridis:
            lines.append("set palette defined (0 \"#440154\", 0.25 \"#3b528b\", 0.5 \"#21918c\", 0.75 \"#5ec962\", 1 \"#fde725\")")
        case .gray: lines.append("set palette gray")
        case .grayInverted: lines.append("set palette gray negative")
        case .blueRed: lines.append("set palette defined (0 \"#2166ac\", 0.5 \"#f7f7f7\", 1 \"#b2182b\")")
        }
        if let r = heatmap.colorRange { lines.append("set cbrange [\(Self.number(r.lowerBound)):\(Self.number(r.upperBound))]") }
        if !heatmap.showColorBar { lines.append("unset colorbox") }
        return lines
    }
}
