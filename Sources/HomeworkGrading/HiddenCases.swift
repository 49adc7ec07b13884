// HIDDEN TESTS: not part of the student's copy. `make handout` replaces this file with a stub
// whose `hiddenParts` returns no parts.

extension Assignments {
    /// Hidden inputs: a single example with a single unit, odd sizes, and extreme values
    /// (exact zeros, signals of ±1000).
    static let hiddenCases = [Case(seed: 101, batch: 1, inputs: 1, units: 1), Case(seed: 102, batch: 7, inputs: 5, units: 3),
                              Case(seed: 103, batch: 2, inputs: 9, units: 4, extreme: true)]

    /// The same checks as the visible parts, on the hidden inputs, 1 point each.
    static var hiddenParts: [Part] {
        checks(hiddenCases).map { check in
            Part(id: check.id + "·hidden", assignment: check.assignment, title: check.title + " (hidden inputs)", points: 1,
                 hidden: true, functions: check.functions, uses: check.uses) { implementation in
                let outcome = check.run(implementation)
                return outcome.status == .passed ? PartOutcome(status: .passed, score: 1, message: outcome.message) : outcome
            }
        }
    }
}
