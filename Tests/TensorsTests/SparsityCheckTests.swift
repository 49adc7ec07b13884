@testable import Tensors
import XCTest

/// The count behind the matrix product's choice of the sparse path (`isMostlyZeros`): it works
/// on the bits, 16 floats (8 doubles) at a time, so it is checked against `!= 0` element by
/// element on every kind of value and every length of tail.
final class SparsityCheckTests: XCTestCase {
    func testCountingNonzerosOnTheBitsAgreesWithComparingToZero() {
        func check<S: TensorScalar>(_: S.Type) {
            var rng = SeededGenerator(seed: 11)
            let kinds: [S] = [0, -0.0, 1, -2.5, .nan, .infinity, -.infinity,
                              .leastNonzeroMagnitude, -.leastNonzeroMagnitude, .greatestFiniteMagnitude]
            for count in 0...70 {
                let line = (0..<count).map { _ in kinds[rng.nextInt(below: kinds.count)] }
                let expected = line.filter { $0 != 0 }.count
                let got = line.withUnsafeBufferPointer { values -> Int in
                    guard let base = values.baseAddress else { return 0 }
                    return countNonzeros(base, count: count)
                }
                XCTAssertEqual(got, expected, "\(S.self), \(count) elements \(line): nonzeros expected \(expected), got \(got)")
            }
        }
        check(Float.self)
        check(Double.self)
    }
}
