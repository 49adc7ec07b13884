import Foundation
import XCTest

/// Swift drops `precondition` messages under -O, and Tensors, Neural and Datasets are compiled
/// with -O even in a debug build. These tests run `backprop-misuse` (a debug executable
/// making one library mistake per run) and check that the library's own words reach stderr.
final class LibraryMessagesTests: XCTestCase {
    func misuse(_ name: String) throws -> (status: Int32, stderr: String) {
        let executable = LessonsTests.buildFolder.appendingPathComponent("backprop-misuse")
        guard FileManager.default.isExecutableFile(atPath: executable.path) else {
            XCTFail("\(executable.path) is missing: `swift build` builds it (`swift test` does too)")
            throw XCTSkip("no executable")
        }
        let process = Process()
        process.executableURL = executable
        process.arguments = [name]
        var environment = ProcessInfo.processInfo.environment
        environment["SWIFT_BACKTRACE"] = "enable=no"   // the message, not a backtrace
        process.environment = environment
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let data = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    func assertStops(_ name: String, saying expected: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        let result = try misuse(name)
        XCTAssertNotEqual(result.status, 0, "\(name) must stop the program", file: file, line: line)
        XCTAssertNotEqual(result.status, 3, "\(name) ran to the end without stopping", file: file, line: line)
        for text in expected {
            XCTAssertTrue(result.stderr.contains(text), "\(name): expected stderr to contain \"\(text)\", got:\n\(result.stderr)",
                          file: file, line: line)
        }
    }

    func testShapeMistakesKeepTheirMessagesInTheOptimizedModules() throws {
        try assertStops("tensor-scalars", saying: ["Fatal error", "Tensor(shape: (2,), scalars:) needs 2 scalars, got 1"])
        try assertStops("matmul-shapes", saying: ["matmul (2, 3) · (4, 5)", "inner dimensions differ"])
        try assertStops("add-shapes", saying: ["(2, 3)", "(4,)"])
        try assertStops("update-shapes", saying: ["w.subtracting(eta, times: g): g has shape (3, 2), w has shape (2, 3)"])
        try assertStops("loss-shapes", saying: ["categorical_crossentropy", "(4, 10)", "(4, 9)"])
        try assertStops("validation-split", saying: ["validation split must be in (0, 1), got 1.0"])
    }

    func testNetworkMisuseIsNamedNotBlamedOnTheLearningRate() throws {
        try assertStops("layers-do-not-fit", saying: ["layer 2 (Dense) expects examples of shape (100,), but layer 1 (Dense) gives (256,)"])
        try assertStops("layer-of-another-type", saying: ["layer(0, as: Dense<Float>): layer 0 is Dropout<Float>, not Dense<Float>"])
        try assertStops("gradient-of-no-such-parameter", saying: ["no parameter named \"gamma\" (the layer's are: weights, bias)"])
        try assertStops("train-step-zero-learning-rate", saying: ["trainStep: the learning rate must be a positive number, got 0.0 at update 1"])
        try assertStops("unbuilt-layer", saying: ["layer 1 (Dense) was made without its input size", "Sequential(inputShape:using:)"])
        try assertStops("zero-units", saying: ["layer 1 (Dense) gives examples of shape (0,): a layer needs at least one unit"])
        try assertStops("nan-inputs", saying: ["the training inputs contain nan (example 1, column 1)", "Clean or impute"])
        try assertStops("infinite-targets", saying: ["the training targets contain inf (example 1, column 0)"])
        try assertStops("nan-inputs-late", saying: ["the training inputs contain -inf (example 2500, column 1)"])
        try assertStops("nan-inputs-in-both-halves", saying: ["the training inputs contain inf (example 5000, column 1)"])
        try assertStops("zero-batch", saying: ["a mini-batch needs at least 1 example, got 0"])
        try assertStops("zero-epochs", saying: ["epochs must be at least 1, got 0"])
        try assertStops("nan-learning-rate", saying: ["the learning rate must be a positive number, got nan"])
        try assertStops("predict-batch", saying: ["predict: batchSize must be at least 1, got 0"])
        for (name, result) in [("nan-inputs", try misuse("nan-inputs")), ("zero-units", try misuse("zero-units"))] {
            XCTAssertFalse(result.stderr.contains("smaller learning rate"), "\(name) is not blamed on the learning rate:\n\(result.stderr)")
        }
    }
}
