import Tensors

/// The homework's assignments and their parts, with points. Each part runs its checks on the
/// cases given (the visible ones here, the hidden ones in HiddenCases.swift) against the
/// reference, and explains the first difference.
public enum Assignments {
    /// Every part, visible then hidden, in the order they are graded. A part is run on an
    /// implementation (`part.run(implementations)`): the student's (through the grader's
    /// channel), the reference, or a deliberately wrong one in the graders' self-tests.
    public static var parts: [Part] { visibleParts + hiddenParts }

    /// The parts and the cases the student's copy shows.
    static var visibleParts: [Part] {
        checks(visibleCases).map { check in
            Part(id: check.id, assignment: check.assignment, title: check.title, points: check.points,
                 functions: check.functions, uses: check.uses, check: check.run)
        }
    }

    /// The homework functions, in the order of the parts that grade them (each once).
    public static var functions: [String] {
        var seen = Set<String>()
        return checks([]).flatMap(\.functions).filter { seen.insert($0).inserted }
    }

    /// The visible inputs: a small batch, and a batch of one example.
    static let visibleCases = [Case(seed: 1, batch: 4, inputs: 3, units: 2), Case(seed: 2, batch: 1, inputs: 5, units: 1)]

    /// One check per part, run on `cases`, assignment by assignment (one file each, named as
    /// the student's: Assignment1Activations.swift …).
    static func checks(_ cases: [Case]) -> [Check] {
        activationChecks(cases) + backpropagationChecks(cases) + descentChecks(cases) + regularizationChecks(cases)
            + batchNormalizationChecks(cases) + convolutionChecks(cases)
    }

    /// A part's check before it is given its points' place in a `Part`.
    struct Check {
        let id: String, assignment: String, title: String, points: Double
        /// The homework functions the check calls; `uses`: functions of earlier parts that the
        /// part's solution calls (answered by the reference while this part is graded).
        let functions: [String], uses: [String]
        let run: @Sendable (Implementations) -> PartOutcome
        init(_ id: String, _ assignment: String, _ title: String, _ points: Double, functions: [String], uses: [String] = [],
             run: @escaping @Sendable (Implementations) -> PartOutcome) {
            (self.id, self.assignment, self.title, self.points) = (id, assignment, title, points)
            (self.functions, self.uses, self.run) = (functions, uses, run)
        }
    }
}
