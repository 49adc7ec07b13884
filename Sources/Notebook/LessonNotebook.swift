import ArgumentParser
import Foundation
import Plotting
import Tensors

/// What makes a lesson read like a notebook: a header, numbered sections (cells) with
/// narration, numbers, tables and figures, printed as it runs and collected into a Markdown
/// transcript (`Plots/lessonNN.md`) an instructor can publish as a page.
///
///     let notebook = LessonNotebook(lesson: 4, title: "Backpropagation", concept: "…", formulas: ["…"])
///     notebook.section("The delta recursion")
///     notebook.say("…")
///     notebook.show("δ^(2)", delta)
///     notebook.figure(figure, caption: "…", main: true)
///     notebook.finish()
///
/// Computing is separate from drawing: every figure is a data file and a gnuplot script
/// written beside its image, so `cd Plots && gnuplot lesson04-loss.gp` redraws it.
public final class LessonNotebook {
    /// The parsed command-line flags.
    public let options: LessonOptions
    /// The lesson's number: 4 for lesson04.
    public let number: Int
    public let title: String
    /// The seed every random draw of the lesson starts from (printed in the header).
    public let seed: UInt64
    /// The lesson's random generator, seeded with `seed`.
    public var rng: SeededGenerator
    /// Where figures, scripts, data and the transcript go.
    public let outputFolder: URL

    private let gnuplot = Gnuplot()
    private let sourceFile: String
    private var markdown: [String] = []
    private var sectionLines: [(title: String, line: Int, markdownIndex: Int)] = []
    private var sectionCount = 0
    private var results: [(String, String)] = []
    private var warnedAboutGnuplot = false
    /// Files that could not be written and figures that could not be drawn (gnuplot missing
    /// is not one: the data and scripts are written, and that is said once).
    private var problems: [String] = []
    private let isTerminal = isatty(STDOUT_FILENO) != 0
    private let width = 80

    /// "lesson04": the prefix of every file the lesson writes.
    public var name: String { String(format: "lesson%02d", number) }

    /// Parses the flags (exiting with a usage message if they are wrong) and prints the header:
    /// the lesson's one concept, its formulas, and the seed.
    /// `usesData`: whether the lesson reads `--data` (the others say it is ignored).
    public init(lesson number: Int, title: String, usesData: Bool = false, concept: String, formulas: [String] = [],
                defaultSeed: UInt64 = 42, options: LessonOptions? = nil, file: String = #filePath) {
        let options = options ?? LessonCommand.parseOrExit().options
        self.options = options
        self.number = number
        self.title = title
        seed = options.seed ?? defaultSeed
        rng = SeededGenerator(seed: seed)
        outputFolder = URL(fileURLWithPath: options.out, isDirectory: true)
        sourceFile = file
        do {
            try FileManager.default.createDirectory(at: outputFolder, withIntermediateDirectories: true)
        } catch {
            print("Cannot create the output folder \(options.out): \(error.localizedDescription)")
            Foundation.exit(1)
        }
        let heading = "Lesson \(String(format: "%02d", number)) · \(title)"
        printLine(String(repeating: "═", count: width))
        printLine(heading)
        printLine(String(repeating: "═", count: width))
        printWrapped(concept)
        markdown.append("# \(heading)\n\n\(concept)")
        if !formulas.isEmpty {
            printLine("")
            for formula in formulas { printLine("    " + formula) }
            markdown.append("```\n" + formulas.joined(separator: "\n") + "\n```")
        }
        let settings = "seed \(seed)" + (options.quick ? " · quick settings (--quick)" : "")
        printLine("")
        printLine(settings)
        markdown.append("*Run with \(settings).*")
        if let data = options.data, !usesData {
            // Said, not silently ignored (and kept out of the transcript, which the seed alone reproduces).
            printWrapped("Note: this lesson uses only data shipped with Backprop, so --data \(data) is ignored.", indent: "  ! ")
        }
    }

    // MARK: Settings

    /// True with `--quick`: lessons use small settings that run in a few seconds.
    public var quick: Bool { options.quick }

    /// The number of epochs: `--epochs` if given, else `full` (or `quick` with `--quick`).
    public func epochs(_ full: Int, quick quickEpochs: Int) -> Int {
        options.epochs ?? (options.quick ? quickEpochs : full)
    }

    /// `full` normally, `small` with `--quick`.
    public func size<T>(_ full: T, quick small: T) -> T { options.quick ? small : full }

    /// How many of the `available` examples to use: all of them, or at most `quick` with
    /// `--quick` (never more than there are: a small --data set must not make a lesson trap).
    public func count(_ available: Int, quick small: Int) -> Int { options.quick ? min(small, available) : available }

    /// Prints the hyperparameters of an experiment (and puts them in the transcript).
    public func settings(_ pairs: KeyValuePairs<String, Any>) {
        let text = pairs.map { "\($0.key) \($0.value)" }.joined(separator: " · ")
        printWrapped(text, indent: "  ")
        markdown.append("*\(text)*")
    }

    // MARK: Cells

    /// Starts a numbered section (a notebook cell).
    public func section(_ title: String, line: Int = #line) {
        sectionCount += 1
        let heading = "\(sectionCount). \(title)"
        printLine("")
        printLine(String(repeating: "─", count: width))
        printLine(heading)
        printLine(String(repeating: "─", count: width))
        markdown.append("## \(heading)")
        sectionLines.append((heading, line, markdown.count))
    }

    /// Narration: wrapped to the terminal width.
    public func say(_ text: String) {
        printWrapped(text)
        markdown.append(text)
    }

    /// A labelled value: `w = 0.2536` on one line, or a matrix (a tensor printed numpy-style)
    /// under its label.
    public func show(_ label: String, _ value: CustomStringConvertible) {
        let body = value.description
        if body.contains("\n") {
            printLine("  \(label) =")
            for line in body.split(separator: "\n", omittingEmptySubsequences: false) { printLine("    " + line) }
            markdown.append("`\(label)` =\n\n```\n\(body)\n```")
        } else {
            printLine("  \(label) = \(body)")
            markdown.append("    \(label) = \(body)")
        }
    }

    /// Verbatim text (a model summary, an error message), kept as is.
    public func block(_ text: String) {
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            printLine(("  " + line).trimmingTrailingSpaces())
        }
        markdown.append("```\n\(text)\n```")
    }

    /// A measured time or anything else that changes from run to run: printed, but not put
    /// into the transcript (which the same seed must reproduce exactly).
    public func timing(_ text: String) {
        printWrapped(text, indent: "  ⏱ ")
    }

    /// A table with aligned columns (numbers right-aligned). With `printed: false` it goes only
    /// into the transcript (when the same numbers were just printed another way, as `fit` does).
    public func table(_ headers: [String], _ rows: [[String]], printed: Bool = true) {
        let columns = headers.count
        var widths = headers.map(\.count)
        for row in rows {
            ensure(row.count == columns, "table row \(row) has \(row.count) cells for \(columns) columns")
            for (c, cell) in row.enumerated() { widths[c] = max(widths[c], cell.count) }
        }
        func isNumber(_ s: String) -> Bool { Double(s.replacingOccurrences(of: ",", with: "")) != nil || s.hasSuffix("%") && Double(s.dropLast()) != nil }
        // Columns of numbers are right-aligned, their headers too.
        let numeric = (0..<columns).map { c in !rows.isEmpty && rows.allSatisfy { isNumber($0[c]) } }
        func format(_ cells: [String]) -> String {
            cells.enumerated().map { c, cell in
                let pad = String(repeating: " ", count: widths[c] - cell.count)
                return isNumber(cell) || numeric[c] ? pad + cell : cell + pad
            }.joined(separator: "  ").trimmingTrailingSpaces()
        }
        if printed {
            printLine("  " + format(headers))
            printLine("  " + widths.map { String(repeating: "─", count: $0) }.joined(separator: "  "))
            for row in rows { printLine("  " + format(row)) }
        }
        let alignments = numeric.map { $0 ? "--:" : ":--" }
        markdown.append((["| " + headers.joined(separator: " | ") + " |", "| " + alignments.joined(separator: " | ") + " |"]
            + rows.map { "| " + $0.map { $0.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ") + " |" })
            .joined(separator: "\n"))
    }

    /// A figure: its data file and script are always written; its images are drawn unless
    /// `--no-plots` (or gnuplot is missing, which is said once, with how to install it). The
    /// main figure of the lesson is also drawn as text when the output is a terminal.
    public func figure(_ figure: Figure, caption: String, main: Bool = false) {
        let files = figure.name
        var drawn = false
        do {
            if options.noPlots {
                try gnuplot.writeFiles(figure, in: outputFolder)
            } else {
                let rendered = try gnuplot.render(figure, in: outputFolder, formats: options.formats)
                drawn = true
                if main && isTerminal, let text = try? gnuplot.renderText(script: rendered.script, in: outputFolder, width: 79, height: 22) {
                    print(text)
                }
            }
            printWrapped("Figure \(files): \(caption) [\(outputFolder.path)/\(files).\(options.noPlots ? "gp" : options.formats[0].rawValue)]", indent: "  ▸ ")
        } catch let error as PlotError {
            if case .gnuplotNotFound = error {
                if !warnedAboutGnuplot {
                    // The command on a line of its own, unwrapped, to copy and paste.
                    printWrapped("gnuplot is not installed, so figures are not drawn; their data and scripts are written to "
                                 + "\(outputFolder.path). To draw them, install gnuplot and run `make plots`:", indent: "  ! ")
                    printLine("      sudo apt-get install -y --no-install-recommends gnuplot-nox    (Debian/Ubuntu)")
                    printLine("      brew install gnuplot                                          (macOS)")
                    markdown.append("*gnuplot was not installed when this transcript was written: the figures' data and scripts are here, not their images.*")
                    warnedAboutGnuplot = true
                }
            } else {
                printWrapped("Figure \(files) could not be drawn: \(error)", indent: "  ! ")
                problems.append("figure \(files) was not drawn: \(error)")
            }
        } catch {
            printWrapped("Figure \(files) could not be written: \(error)", indent: "  ! ")
            problems.append("figure \(files) was not written: \(error)")
        }
        // The transcript links an image only if this run drew it.
        let image = "\(files).\(options.formats.contains(.svg) ? "svg" : options.formats[0].rawValue)"
        markdown.append(drawn ? "![\(caption)](\(image))\n\n*\(caption)*" : "*Figure: \(caption)* (data `\(files).dat`, script `\(files).gp`)")
    }

    /// Runs `body` (loading data, usually) and, if it throws, prints the error (which names the
    /// file and what is wrong) and stops the lesson with exit status 1, instead of crashing.
    public func require<T>(_ body: () throws -> T) -> T {
        do {
            return try body()
        } catch {
            printLine("")
            printWrapped("Error: \(error)", indent: "  ✗ ")
            Foundation.exit(1)
        }
    }

    // MARK: Results

    /// A number the lesson claims, saved in `lessonNN-results.json` (the tests check them).
    public func record(_ key: String, _ value: Double) { results.append((key, jsonNumber(value))) }
    public func record(_ key: String, _ value: Int) { results.append((key, String(value))) }
    public func record(_ key: String, _ value: Bool) { results.append((key, value ? "true" : "false")) }
    public func record(_ key: String, _ value: String) { results.append((key, jsonString(value))) }
    public func record(_ key: String, _ values: [Double]) {
        results.append((key, "[" + values.map(jsonNumber).joined(separator: ", ") + "]"))
    }

    /// Writes a small data file (CSV) beside the figures; names containing `timing` are the
    /// only ones allowed to differ between runs.
    public func writeData(_ fileName: String, _ text: String) {
        let url = outputFolder.appendingPathComponent(fileName)
        do { try text.write(to: url, atomically: true, encoding: .utf8) } catch {
            printWrapped("Cannot write \(url.path): \(error.localizedDescription)", indent: "  ! ")
            problems.append("\(url.path) was not written: \(error.localizedDescription)")
        }
    }

    /// Writes the transcript (`lessonNN.md`) and the results (`lessonNN-results.json`).
    public func finish(line: Int = #line) {
        insertCode(endLine: line)
        writeData("\(name).md", markdown.joined(separator: "\n\n") + "\n")
        let json = "{\n" + results.sorted { $0.0 < $1.0 }.map { "  \(jsonString($0.0)): \($0.1)" }.joined(separator: ",\n") + "\n}\n"
        writeData("\(name)-results.json", json)
        printLine("")
        printLine(String(repeating: "═", count: width))
        guard problems.isEmpty else {
            // Never "Done" over missing files: say what is missing and fail (make plots stops here).
            printWrapped("The lesson ran, but not everything it should write is there:")
            for problem in problems { printWrapped(problem, indent: "  ✗ ") }
            Foundation.exit(1)
        }
        printWrapped("Done. Transcript: \(outputFolder.path)/\(name).md · figures, scripts and data: \(outputFolder.path)/\(name)-*")
    }

    /// Puts each cell's source code (from the lesson's own file) into the transcript, folded.
    private func insertCode(endLine: Int) {
        guard let source = try? String(contentsOfFile: sourceFile, encoding: .utf8) else { return }
        let lines = source.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for (i, section) in sectionLines.enumerated().reversed() {
            let end = i + 1 < sectionLines.count ? sectionLines[i + 1].line - 1 : endLine - 1
            guard section.line < end, end <= lines.count else { continue }
            var code = Array(lines[section.line ..< end])
            while code.first?.trimmingCharacters(in: .whitespaces).isEmpty == true { code.removeFirst() }
            // Blank lines and the next cell's `// MARK:` comment belong to no cell.
            while let last = code.last?.trimmingCharacters(in: .whitespaces), last.isEmpty || last.hasPrefix("// MARK:") {
                code.removeLast()
            }
            guard !code.isEmpty else { continue }
            markdown.insert("<details><summary>Code of this cell</summary>\n\n```swift\n" + code.joined(separator: "\n") + "\n```\n</details>",
                            at: section.markdownIndex)
        }
    }

    // MARK: Printing

    private func printLine(_ text: String) {
        print(text)
    }

    private func printWrapped(_ text: String, indent: String = "") {
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = indent
            let continuation = String(repeating: " ", count: indent.count)
            for word in paragraph.split(separator: " ") {
                if line.count + word.count + 1 > width && line.count > indent.count {
                    print(line)
                    line = continuation
                }
                line += (line.count > indent.count && !line.hasSuffix(" ") ? " " : "") + word
            }
            print(line)
        }
    }
}

/// A number as JSON text: shortest round-trip form; non-finite values as strings.
func jsonNumber(_ value: Double) -> String {
    guard value.isFinite else { return "\"\(value)\"" }
    if value == value.rounded() && abs(value) < 1e15 { return String(Int64(value)) }
    return "\(value)"
}

func jsonString(_ text: String) -> String {
    "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        .replacingOccurrences(of: "\n", with: "\\n") + "\""
}


