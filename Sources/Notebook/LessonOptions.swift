import ArgumentParser
import Plotting

extension OutputFormat: ExpressibleByArgument {}

/// The flags every lesson takes (`swift run lesson04 --help` lists them).
public struct LessonOptions: ParsableArguments {
    @Option(help: "Seed of the random generator: the same seed gives the same numbers and data files.")
    public var seed: UInt64?

    @Option(help: "Training epochs (each lesson has its own default).")
    public var epochs: Int?

    @Flag(help: "Small settings that finish in a few seconds (used by the tests).")
    public var quick = false

    @Option(help: "Folder for figures, their scripts and data, and the transcript.")
    public var out = "Plots"

    @Option(name: .customLong("format"), parsing: .upToNextOption,
            help: "Image formats to draw: png, svg, pdf (several allowed: --format png svg).")
    public var formats: [OutputFormat] = [.png]

    @Flag(name: .customLong("no-plots"), help: "Write the data and scripts of the figures but do not draw them.")
    public var noPlots = false

    @Option(help: "Folder (or file) with full-size data, for lessons that use a dataset.")
    public var data: String?

    public init() {}

    public func validate() throws {
        if let epochs, epochs < 1 { throw ValidationError("--epochs must be at least 1, got \(epochs)") }
        if formats.isEmpty { throw ValidationError("--format needs at least one of png, svg, pdf") }
    }
}
