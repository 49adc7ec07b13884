import Foundation
import Plotting
import Tensors

// Experiments repeated over several seeds. A single run of a network is one draw: another seed
// (other initial weights, another order of the mini-batches) gives other numbers, and a
// difference between two settings smaller than that seed-to-seed spread says nothing. A lesson
// that compares settings runs each one with several seeds, reports the spread, and builds its
// sentence from `Comparison`, so the sentence changes when the numbers do.

/// One number measured in several runs (one per seed): mean, standard deviation and range.
public struct Spread: Sendable, CustomStringConvertible {
    /// The number in each run, in the order of the seeds.
    public let values: [Double]

    public init(_ values: [Double]) {
        precondition(!values.isEmpty, "Spread: needs at least one run")
        self.values = values
    }

    public var count: Int { values.count }
    public var mean: Double { values.reduce(0, +) / Double(values.count) }
    /// The sample standard deviation, √(Σ (x − mean)² / (n − 1)); 0 for a single run.
    public var standardDeviation: Double {
        guard values.count > 1 else { return 0 }
        let m = mean
        return (values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(values.count - 1)).squareRoot()
    }
    public var minimum: Double { values.min()! }
    public var maximum: Double { values.max()! }

    /// "0.8712 ± 0.0042" (mean ± standard deviation; a "%+" format signs the mean, not the deviation).
    public func formatted(_ format: String = "%.4f") -> String {
        let unsigned = format.replacingOccurrences(of: "%+", with: "%")
        return count == 1 ? formatNumber(format, mean) : "\(formatNumber(format, mean)) ± \(formatNumber(unsigned, standardDeviation))"
    }

    /// "0.8712 ± 0.0042 (0.8650 to 0.8760)".
    public func formattedWithRange(_ format: String = "%.4f") -> String {
        count == 1 ? formatNumber(format, mean) : "\(formatted(format)) (\(formatNumber(format, minimum)) to \(formatNumber(format, maximum)))"
    }

    public var description: String { formattedWithRange() }
}

/// What an experiment recorded in each of its runs: for each name, a list of numbers (a curve
/// with one value per epoch, or a single number).
public struct RepeatedRuns: Sendable {
    /// The seed of each run.
    public let seeds: [UInt64]
    /// Each run's records, in the order of the seeds.
    public let runs: [[String: [Double]]]

    public init(seeds: [UInt64], runs: [[String: [Double]]]) {
        precondition(seeds.count == runs.count && !runs.isEmpty, "RepeatedRuns: one record per seed")
        (self.seeds, self.runs) = (seeds, runs)
    }

    /// The list `name` of every run.
    public func values(_ name: String) -> [[Double]] {
        runs.map { run in
            guard let values = run[name] else { preconditionFailure("RepeatedRuns: no record named \(name) (have \(run.keys.sorted()))") }
            return values
        }
    }

    /// The spread of `name` at each position (epoch) across the runs.
    public func curve(_ name: String) -> [Spread] {
        let all = values(name)
        let length = all.map(\.count).min() ?? 0
        return (0..<length).map { i in Spread(all.map { $0[i] }) }
    }

    /// The spread of one number per run taken from its list `name`: the last value by default,
    /// or `reduce` of the list (its lowest, the epoch of its lowest, …).
    public func spread(_ name: String, _ reduce: ([Double]) -> Double = { $0.last! }) -> Spread {
        Spread(values(name).map(reduce))
    }
}

/// Whether two settings measured on the same seeds differ by more than their seed-to-seed
/// spread. The runs are paired (run i of both settings starts from the same seed), so the
/// difference is taken run by run: d_i = a_i − b_i, its mean d̄ and its standard error
/// s_d / √n. The rule: the settings differ when |d̄| is more than twice its standard error
/// (about a 95 % confidence interval that excludes 0); with two runs (--quick) the standard
/// error rests on one degree of freedom and the rule only flags large differences.
public struct Comparison: Sendable {
    public let a: Spread, b: Spread
    /// The run-by-run differences a_i − b_i.
    public let differences: Spread
    /// What tells the runs apart: "seed" (the default), or "fold" for the folds of k-fold validation.
    public let run: String

    public init(_ a: Spread, _ b: Spread, run: String = "seed") {
        precondition(a.count == b.count, "Comparison: the two settings need the same seeds (\(a.count) and \(b.count) runs)")
        (self.a, self.b, self.run) = (a, b, run)
        differences = Spread(zip(a.values, b.values).map { $0 - $1 })
    }

    /// The mean of a − b.
    public var difference: Double { differences.mean }
    /// The standard error of that mean, s_d / √n.
    public var standardError: Double { differences.standardDeviation / Double(differences.count).squareRoot() }
    /// How many standard errors the difference is (∞ when every run differs by the same amount).
    public var standardErrors: Double {
        standardError > 0 ? abs(difference) / standardError : (difference == 0 ? 0 : .infinity)
    }
    /// The rule: more than twice the standard error, and more than one run.
    public var isClear: Bool { differences.count > 1 && standardErrors > 2 }

    /// A sentence that says what the runs show: "l2(0.002) ends higher than no penalty (0.8712 ±
    /// 0.0042 against 0.8601 ± 0.0051 over 5 seeds; the difference, 0.0111, is 5.1 standard
    /// errors)" when the rule says they differ, else "l2(0.002) and no penalty do not differ
    /// beyond the seed-to-seed spread (…; the difference, 0.0021, is 0.6 standard errors, under
    /// the 2 the rule asks)". `higher` and `lower` say what a is when a − b is positive or negative.
    public func sentence(_ nameA: String, _ nameB: String, higher: String = "ends higher", lower: String = "ends lower",
                         format: String = "%.4f") -> String {
        isClear ? "\(nameA) \(difference > 0 ? higher : lower) than \(nameB) \(evidence(format))"
            : "\(nameA) and \(nameB) do not differ beyond the \(run)-to-\(run) spread \(evidence(format))"
    }

    /// The same for a quantity of two settings: "With dropout the final validation loss is lower
    /// than without (…)", or "With dropout and without, the final validation loss does not
    /// differ beyond the seed-to-seed spread (…)". The names start with a lowercase word.
    public func statement(_ quantity: String, _ nameA: String, _ nameB: String, higher: String = "higher", lower: String = "lower",
                          format: String = "%.4f") -> String {
        isClear ? "\(capitalized(nameA)) \(quantity) is \(difference > 0 ? higher : lower) than \(nameB) \(evidence(format))"
            : "\(capitalized(nameA)) and \(nameB), \(quantity) does not differ beyond the \(run)-to-\(run) spread \(evidence(format))"
    }

    /// "(0.8712 ± 0.0042 against 0.8601 ± 0.0051 over 5 seeds; the difference, 0.0111, is 5.1
    /// standard errors)", with ", under the 2 the rule asks" when the rule says no difference.
    private func evidence(_ format: String) -> String {
        let size = standardErrors.isFinite ? String(format: "%.1f", standardErrors) : "many"
        return "(\(a.formatted(format)) against \(b.formatted(format)) over \(a.count) \(run)s; the difference, "
            + "\(formatNumber(format, abs(difference))), is \(size) standard error\(size == "1.0" ? "" : "s")"
            + (isClear ? ")" : ", under the 2 the rule asks)")
    }

    private func capitalized(_ text: String) -> String { text.prefix(1).uppercased() + text.dropFirst() }

    /// "−0.0007 (0.9 SE)", or "−0.0307 (7.7 SE) ✓" when the rule says the settings differ: a
    /// table cell.
    public func cell(_ format: String = "%+.4f") -> String {
        let size = standardErrors.isFinite ? String(format: "%.1f", standardErrors) : "∞"
        return "\(formatNumber(format, difference)) (\(size) SE)\(isClear ? " ✓" : "")"
    }
}

extension LessonNotebook {
    /// The seeds of `count` repeated runs (2 with --quick): the lesson's seed first, then seeds
    /// drawn from it, so `--seed` changes them all and the same seed repeats them all.
    public func seeds(_ count: Int = 5, quick: Int = 2) -> [UInt64] {
        var generator = SeededGenerator(seed: seed &+ 0x5EED)
        let n = self.quick ? quick : count
        return [seed] + (1..<max(n, 1)).map { _ in generator.next() }
    }

    /// Runs `experiment` once per seed of `seeds` and collects what each run recorded (its
    /// curves and numbers, by name), in the order of the seeds.
    ///
    /// The runs are independent, so they run side by side, one per CPU, each on one thread
    /// (`Parallelism.threads` is 1 while they run): the small networks of the lessons gain more
    /// from two runs at once than from two threads in one run's matrix products. The numbers do
    /// not change: every run draws only from its own seed, and a product's bits do not depend on
    /// the number of threads. `experiment` is therefore called from several threads at once; it
    /// must not change anything outside itself (build the network, train it, return its numbers).
    public func repeated(_ seeds: [UInt64], _ experiment: (UInt64) -> [String: [Double]]) -> RepeatedRuns {
        RepeatedRuns(seeds: seeds, runs: Parallelism.sideBySide(seeds.count) { experiment(seeds[$0]) })
    }

    /// The same for several settings at once: every setting with every seed, all the runs side by
    /// side (so a long run of one setting overlaps the short runs of another), one `RepeatedRuns`
    /// per setting, in the order of `settings`.
    public func repeated<Setting>(_ seeds: [UInt64], over settings: [Setting],
                                  _ experiment: (Setting, UInt64) -> [String: [Double]]) -> [RepeatedRuns] {
        let runs = Parallelism.sideBySide(settings.count * seeds.count) { job in
            experiment(settings[job / seeds.count], seeds[job % seeds.count])
        }
        return settings.indices.map { s in RepeatedRuns(seeds: seeds, runs: Array(runs[s * seeds.count ..< (s + 1) * seeds.count])) }
    }

    /// Records what a comparison found, for the tests that check its sentence: `key.clear` (the
    /// rule's verdict) and `key.difference` (the mean of a − b).
    public func record(_ key: String, _ comparison: Comparison) {
        record("\(key).clear", comparison.isClear)
        record("\(key).difference", comparison.difference)
    }

    /// "Mean ± standard deviation over 5 seeds (the band: their lowest and highest)", said once
    /// per figure that draws repeated runs.
    public func bandNote(_ runs: RepeatedRuns) -> String {
        "lines: mean over \(runs.seeds.count) seeds; bands: the lowest and highest of the \(runs.seeds.count) runs"
    }
}

extension Series {
    /// The band between the lowest and the highest of several runs at each x: what a figure draws
    /// around the mean line of a setting measured over seeds (untitled: the mean line names it).
    public static func band(x: [Double], spread curve: [Spread], color: String) -> Series {
        .band("", x: x, lower: curve.map(\.minimum), upper: curve.map(\.maximum), color: color)
    }
}
