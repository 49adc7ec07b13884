// homework-runner: the process that hosts the student's code. It links the homework
// (Sources/Homework), Tensors and the wire format only: not the reference, not the hidden
// cases, not the grader (`swift build --explicit-target-dependency-import-check error` keeps
// the homework from importing them).
//
// It reads calls from the grader on descriptor 3 (a socket the grader opened), runs the
// student's function, and sends back its results, "not implemented" or the error it threw.
// Nothing it prints, exits with or writes is read as a grade: the grader compares the values
// with its reference in its own process.
import HomeworkFunctions
import HomeworkWire

import Foundation

guard CommandLine.arguments.count == 1 else {
    FileHandle.standardError.write(Data("homework-runner takes no arguments: backprop-grade starts it (make grade)\n".utf8))
    exit(2)
}
serve(studentFunctions, on: Channel(fd: 3))
