import Tensors
import XCTest

/// Fails unless |expected − got| ≤ tolerance, printing expected, got, the difference and the tolerance.
public func assertClose<T: BinaryFloatingPoint>(
    _ got: T, _ expected: T, tolerance: T, _ what: @autoclosure () -> String = "",
    file: StaticString = #filePath, line: UInt = #line
) {
    let difference = (got - expected).magnitude
    if !isClose(got, expected, absolute: tolerance, relative: 0) {
        XCTFail("\(what()): expected \(expected), got \(got) (difference \(difference), tolerance \(tolerance))",
                file: file, line: line)
    }
}

/// Fails unless the shapes match and every element is within `tolerance` (absolute, plus
/// `relative` × |expected|), naming the first element that is not and the largest difference.
public func assertClose<S: TensorScalar>(
    _ got: Tensor<S>, _ expected: Tensor<S>, tolerance: S, relative: S = 0,
    _ what: @autoclosure () -> String = "", file: StaticString = #filePath, line: UInt = #line
) {
    guard got.shape == expected.shape else {
        XCTFail("\(what()): expected shape \(Shape.describe(expected.shape)), got \(Shape.describe(got.shape))",
                file: file, line: line)
        return
    }
    let g = got.scalars, e = expected.scalars
    var worst: S = 0
    var firstBad: Int? = nil
    for i in g.indices {
        let difference = (g[i] - e[i]).magnitude
        if !isClose(g[i], e[i], absolute: tolerance, relative: relative) {
            if firstBad == nil { firstBad = i }
        }
        if difference > worst { worst = difference }
    }
    if let i = firstBad {
        XCTFail("\(what()): element \(i) of \(Shape.describe(got.shape)): expected \(e[i]), got \(g[i]) "
                + "(largest difference \(worst), tolerance \(tolerance) + \(relative)·|expected|)",
                file: file, line: line)
    }
}

/// Fails unless `body` throws a `ShapeError` whose message contains every one of `fragments`.
public func assertShapeError<T>(
    _ body: () throws(ShapeError) -> T, mentions fragments: [String],
    file: StaticString = #filePath, line: UInt = #line
) {
    do {
        let value = try body()
        XCTFail("expected a ShapeError mentioning \(fragments), got a result: \(value)", file: file, line: line)
    } catch {
        for fragment in fragments where !error.message.contains(fragment) {
            XCTFail("ShapeError message \"\(error.message)\" does not mention \"\(fragment)\"", file: file, line: line)
        }
    }
}
