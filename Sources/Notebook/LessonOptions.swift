import ArgumentParser
import Foundation
import Plotting

extension OutputFormat: ExpressibleByArgument {}

/// The flags every lesson takes (`swift run lesson04 --help` lists them).
public struct LessonOptions: ParsableArguments {
    // `.unconditional`: `--epochs -3` reads -3 as the value (and says what is wrong with it)
    // instead of taking it for an unknown flag.
    @Option(parsing: .unconditional, help: "Seed of the random generator: the same seed gives the same numbers and data files.",
            transform: LessonOptions.seed(from:))
    public var seed: UInt64?

    @Option(parsing: .unconditional, help: "Training epochs (each lesson has its own default).",
            transform: LessonOptions.epochs(from:))
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

    static func seed(from text: String) throws -> UInt64 {
        guard let seed = UInt64(text) else {
            throw ValidationError("--seed must be a whole number from 0 to \(UInt64.max), got \(text)")
        }
        return seed
    }

    static func epochs(from text: String) throws -> Int {
        guard let epochs = Int(text) else { throw ValidationError("--epochs must be a whole number, got \(text)") }
        return epochs
    }

    public func validate() throws {
        if let epochs, epochs < 1 { throw ValidationError("--epochs must be at least 1, got \(epochs)") }
        if out.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--out needs a folder, got an empty name") }
        if formats.isEmpty { throw ValidationError("--format needs at least one of png, svg, pdf") }
    }
}

/// The lesson's command line: the flags above, with the usage line naming the lesson that runs
/// (`lesson07 [--seed <seed>] …`, from the executable's own name).
struct LessonCommand: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: URL(fileURLWithPath: CommandLine.arguments.first ?? "lesson").lastPathComponent)
    }

    @OptionGroup var options: LessonOptions
}
