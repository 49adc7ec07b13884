@testable import Tensors
import XCTest

/// The order in which the workers of a few-row product take C's strips (`spreadOrder`).
final class StripOrderTests: XCTestCase {
    func testEveryStripIsTakenOnceAndNeighboursAreNotTakenTogether() {
        // 512 columns in strips of 32 on 2 threads: the two halves, interleaved.
        XCTAssertEqual(spreadOrder(16, parts: 2), [0, 8, 1, 9, 2, 10, 3, 11, 4, 12, 5, 13, 6, 14, 7, 15])
        XCTAssertEqual(spreadOrder(7, parts: 3), [0, 3, 6, 1, 4, 2, 5])
        for count in 0...40 {
            for parts in 1...4 {
                let order = spreadOrder(count, parts: parts)
                XCTAssertEqual(order.sorted(), Array(0..<count), "\(count) strips, \(parts) parts: expected each strip once, got \(order)")
                if parts == 1 { XCTAssertEqual(order, Array(0..<count), "one part: expected the strips in order, got \(order)") }
                // Strips taken one after the other (by different workers) are neighbours only
                // where a part runs out.
                if parts == 2 && count >= 4 {
                    let adjacent = zip(order, order.dropFirst()).filter { abs($0 - $1) == 1 }.count
                    XCTAssertLessThanOrEqual(adjacent, 1, "\(count) strips on 2: expected at most 1 neighbouring pair in a row, got \(adjacent) in \(order)")
                }
            }
        }
    }
}
