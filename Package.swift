// swift-tools-version:6.0
//
// Backprop: deep learning from scratch in Swift, one lesson at a time.
//
// Layout (see README.md): Sources/ holds the library modules, Lessons/ one executable per
// lesson, Tests/ the test suites, Plots/ the course figures.
import Foundation
import PackageDescription

// The hot modules are compiled with optimization even in a debug build: `swift run lesson04`
// builds debug, where naive numeric Swift is ~700x slower. Students debug their own lesson
// code (still -Onone); the library's inner loops always run at release speed.
//
// On x86-64, `-march=x86-64-v3` (AVX2 + FMA, every x86 CPU since 2013) makes `addProduct`
// compile to `vfmadd` instead of a call to `fmaf` (measured: 0.8 -> ~100 GFLOP/s). The flag is
// chosen by the architecture of the machine building the package, so it also builds on arm64
// (Apple Silicon), where FMA is always there.
#if arch(x86_64)
let targetCPU: [String] = ["-Xcc", "-march=x86-64-v3"]
#else
let targetCPU: [String] = []
#endif
let optimized: [SwiftSetting] = [.unsafeFlags(["-O"] + targetCPU)]
// The AVX-512 kernels (Sources/TensorKernels512) are built for x86-64-v4 and called only on a
// CPU that has AVX-512 (chosen at run time, `KernelPath`), so one build runs on every x86-64 CPU.
#if arch(x86_64)
let avx512: [SwiftSetting] = [.unsafeFlags(["-O", "-Xcc", "-march=x86-64-v4"])]
#else
let avx512: [SwiftSetting] = optimized
#endif

/// The course's lessons, one executable each (`swift run lesson04`), in the folders
/// Lessons/lesson01 … This line is the one definition of the lesson list: the Makefile reads it
/// (`make plots`, `make lesson N=…`). It lives here, not in a file or a folder listing, because
/// SwiftPM re-reads the manifest only when Package.swift itself changes.
let lessonNumbers = Array(1...16)
let lessons = lessonNumbers.map { String(format: "lesson%02d", $0) }

let package = Package(
    name: "Backprop",
    products: [
        .library(name: "Tensors", targets: ["Tensors"]),
        .library(name: "Plotting", targets: ["Plotting"]),
        .library(name: "Neural", targets: ["Neural"]),
        .library(name: "Datasets", targets: ["Datasets"]),
        .library(name: "Notebook", targets: ["Notebook"]),
        .executable(name: "backprop-bench", targets: ["backprop-bench"]),
        .executable(name: "backprop-grade", targets: ["backprop-grade"]),
        .executable(name: "homework-runner", targets: ["homework-runner"]),
    ] + lessons.map { .executable(name: $0, targets: [$0]) },
    dependencies: [
        // Lesson flags with --help and clear usage errors.
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // Ground floor: tensors, SIMD kernels, the seeded generator. Standard library + libm + Dispatch.
        // What the CPU can do (cpuid), for choosing the kernels at run time. C: Swift has no cpuid.
        .target(name: "TensorsCPU", path: "Sources/TensorsCPU"),
        // The matrix product's AVX-512 micro-kernel, compiled for x86-64-v4.
        .target(name: "TensorKernels512", dependencies: ["TensorsCPU"], swiftSettings: avx512),
        .target(name: "Tensors", dependencies: ["TensorsCPU", "TensorKernels512"], swiftSettings: optimized),
        // Layers with explicit backprop, losses, optimizers, the trainer, gradient check.
        .target(name: "Neural", dependencies: ["Tensors"], swiftSettings: optimized),
        // Readers for IDX, CSV/TSV, .npy/.npz, bag-of-words files; the shipped datasets; splits,
        // k-fold and preprocessing. Resources: Data/ (see Data/DATA.md).
        .target(
            name: "Datasets",
            dependencies: ["Tensors"],
            exclude: ["make_data.py"],
            resources: [.copy("Data")],
            swiftSettings: optimized
        ),
        // The gnuplot bridge: series of numbers -> data file + .gp script -> gnuplot. Foundation only.
        .target(name: "Plotting"),

        // What makes a lesson read like a notebook: sections, tables, figures, flags, transcript.
        .target(
            name: "Notebook",
            dependencies: ["Neural", "Plotting", "Tensors", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),

        // The homework: the student edits only Sources/Homework (the instructor's copy holds the
        // solutions between BEGIN/END SOLUTION markers; `make handout` replaces them by stubs).
        // Every function is dynamically replaceable, so that while part 2c is graded its calls of
        // 1a's sigmoid can be answered by the reference (Sources/HomeworkFunctions/Substitutes.swift).
        .target(name: "Homework", dependencies: ["Tensors"],
                swiftSettings: [.unsafeFlags(["-Xfrontend", "-enable-implicit-dynamic"])]),
        // The values and messages between the grader and the process that runs student code.
        .target(name: "HomeworkWire", dependencies: ["Tensors"]),
        // The student's functions as a table of callable names, and their substitutes.
        .target(name: "HomeworkFunctions", dependencies: ["Homework", "HomeworkWire", "Tensors"]),
        // The process that hosts student code: Homework + Tensors (+ the wire), never Neural, the
        // reference or the hidden cases. Built with --explicit-target-dependency-import-check.
        .executableTarget(name: "homework-runner", dependencies: ["HomeworkFunctions", "HomeworkWire"],
                          path: "Sources/HomeworkRunner"),
        // The graders' checks, taking the implementation under test as a value, the reference (the
        // library's layers) and the hidden cases. Never linked with student code.
        .target(name: "HomeworkGrading", dependencies: ["Tensors", "Neural", "HomeworkWire"]),
        // Starts student code contained (session, limits; as root: own user, namespaces, cgroup).
        .target(name: "GradeSandbox", path: "Sources/GradeSandbox"),
        // `make grade`, `make handout`, `make autograder`: builds homework-runner, grades each part in
        // its own contained process, compares its answers with the reference here, writes results.json.
        .executableTarget(name: "backprop-grade",
                          dependencies: ["HomeworkGrading", "HomeworkWire", "GradeSandbox",
                                         .product(name: "ArgumentParser", package: "swift-argument-parser")],
                          path: "Sources/Grade", exclude: ["Autograder", "check-homework.sh"]),

        // `make bench`: GFLOP/s and epoch times against numpy measured in the same run.
        .executableTarget(
            name: "backprop-bench",
            dependencies: ["Tensors", "Neural", "Datasets"],
            path: "Sources/Benchmarks",
            exclude: ["reference.py"]
        ),

        // Assertions that print expected vs got with their tolerance, shared by the test suites.
        .target(name: "TestSupport", dependencies: ["Tensors"], path: "Tests/TestSupport"),
        // Makes one library mistake per run, for the test that the message survives -O.
        .executableTarget(name: "backprop-misuse", dependencies: ["Tensors", "Neural"], path: "Tests/MisuseProbe"),
        .testTarget(name: "TensorsTests", dependencies: ["Tensors", "TestSupport"]),
        .testTarget(name: "PlottingTests", dependencies: ["Plotting"]),
        .testTarget(name: "NeuralTests", dependencies: ["Neural", "Tensors", "TestSupport"]),
        .testTarget(name: "NotebookTests", dependencies: ["Notebook", "Neural", "Plotting"]),
        // Runs every lesson as a user would (--quick) and checks what it wrote and claims.
        // (`swift test` builds every executable first; the tests run them from the build folder.)
        .testTarget(name: "LessonsTests"),
        // The XCTest graders: one test per part, grading Sources/Homework in the test's process
        // (points in the messages; for debugging a part; `make grade` is the trusted grade).
        .testTarget(name: "HomeworkGraders", dependencies: ["HomeworkFunctions", "HomeworkGrading", "HomeworkWire"]),
        // Test-only stand-ins for homework-runner: the solutions, an untouched homework, a part that
        // traps, one that hangs. They speak the runner's protocol; the shipped tools have no such modes.
        .executableTarget(name: "homework-runner-fixtures", dependencies: ["Homework", "HomeworkFunctions", "HomeworkWire", "Tensors"],
                          path: "Tests/RunnerFixtures"),
        // The graders grade honestly: full marks for the reference, less for each wrong variant,
        // crashes and hangs cost one part (through the real per-process tool).
        .testTarget(name: "GradersSelfTests", dependencies: ["HomeworkGrading", "HomeworkWire", "Tensors", "Neural"]),
        .testTarget(name: "DatasetsTests", dependencies: ["Datasets", "Tensors", "TestSupport"], exclude: ["Fixtures"]),
    ] + lessons.map { lesson in
        // Lessons are top-level scripts read by students: Swift 5 language mode spares them the
        // actor-isolation rules of Swift 6 for top-level variables (the library is Swift 6).
        .executableTarget(
            name: lesson,
            dependencies: ["Notebook", "Neural", "Tensors", "Datasets", "Plotting"],
            path: "Lessons/\(lesson)",
            swiftSettings: [.swiftLanguageMode(.v5)]
        )
    }
)
