// backprop-bench: how fast the tensor module is, against numpy measured in the same run.
//
//     make bench                       # release build of this and a debug build for the debug line
//     .build/release/backprop-bench --quick --only matmul
//
// Every measurement is one line that other tools parse; keep the format stable:
//
//     matmul 128x784x512 f32 1t: backprop=97.5 reference=99.1 ratio=0.98 GFLOP/s
//
// `ratio` is always "how many times better Backprop is": backprop/reference for rates
// (GFLOP/s, GB/s), reference/backprop for times (s). The reference is numpy (run from
// reference.py beside this file, as a child process that answers one command at a time, so
// its measurements alternate with ours under the same machine load); without numpy it is a
// naive triple loop and the line says so. Lines starting with `#` are comments.
import Foundation
import Tensors

/// Writes one line at once, unbuffered, so progress shows also when the output is a pipe.
func emit(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

// MARK: - Options

struct Options {
    var quick = false
    var only: [String] = []
    var useReference = true
    var probe: [String]? = nil
    var study: [Int]? = nil

    init(_ arguments: [String]) {
        var rest = arguments.dropFirst()
        while let argument = rest.popFirst() {
            switch argument {
            case "--quick": quick = true
            case "--no-reference": useReference = false
            case "--only": if let value = rest.popFirst() { only.append(value) }
            case "--probe": probe = Array(rest); rest = []
            case "--study": study = rest.compactMap { Int($0) }; rest = []
            case "--help", "-h":
                print("""
                usage: backprop-bench [--quick] [--only matmul|elementwise|epoch]... [--no-reference]
                  --quick          fewer repetitions and smaller problems (a rough number in seconds)
                  --only NAME      run only the lines whose name starts with NAME (repeatable)
                  --no-reference   do not start numpy; ratios are against the naive loop
                """)
                exit(0)
            default:
                FileHandle.standardError.write(Data("backprop-bench: unknown option \(argument) (try --help)\n".utf8))
                exit(2)
            }
        }
    }

    func wants(_ name: String) -> Bool { only.isEmpty || only.contains { name.hasPrefix($0) } }
}

// MARK: - Timing

/// The best of `repetitions` runs of `body`, in seconds, after one warm-up run.
func bestTime(_ repetitions: Int, _ body: () -> Void) -> Double {
    body()
    var best = Double.infinity
    let clock = ContinuousClock()
    for _ in 0..<repetitions {
        let elapsed = clock.measure(body)
        best = min(best, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
    }
    return best
}

/// Prints one measurement line. `rate` is true for GFLOP/s and GB/s (higher is better).
func report(_ name: String, backprop: Double, reference: Double, unit: String, rate: Bool = true, note: String = "") {
    let ratio = rate ? backprop / reference : reference / backprop
    func show(_ x: Double) -> String { String(format: x >= 100 ? "%.1f" : (x >= 1 ? "%.2f" : "%.4f"), x) }
    emit("\(name): backprop=\(show(backprop)) reference=\(show(reference)) ratio=\(String(format: "%.2f", ratio)) \(unit)\(note)")
}

#if os(Linux)
let RUSAGE_SELF_WHO = RUSAGE_SELF.rawValue
#else
let RUSAGE_SELF_WHO = RUSAGE_SELF
#endif

/// Peak resident memory of this process so far, in MiB.
func peakMemoryMiB() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF_WHO, &usage)
    #if os(Linux)
    return Double(usage.ru_maxrss) / 1024          // kilobytes on Linux
    #else
    return Double(usage.ru_maxrss) / 1024 / 1024   // bytes on macOS
    #endif
}

// MARK: - The numpy reference process

/// numpy in a child process (reference.py), one command per line, answered with seconds.
final class NumpyReference {
    private let process = Process()
    private let input = Pipe()
    private let output = Pipe()
    private var pending = Data()
    let threads: Int

    init?(threads: Int) {
        self.threads = threads
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("reference.py")
        guard FileManager.default.fileExists(atPath: script.path) else { return nil }
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path]
        var environment = ProcessInfo.processInfo.environment
        for name in ["OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"] { environment[name] = String(threads) }
        process.environment = environment
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        // A first command tells whether numpy imported.
        guard seconds("elementwise add 1024 1") != nil else { return nil }
    }

    /// Runs one command in numpy; nil if the child failed.
    func seconds(_ command: String) -> Double? {
        guard process.isRunning else { return nil }
        do { try input.fileHandleForWriting.write(contentsOf: Data((command + "\n").utf8)) } catch { return nil }
        while true {
            if let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: pending[..<newline], as: UTF8.self)
                pending.removeSubrange(...newline)
                return Double(line)
            }
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { return nil }
            pending.append(chunk)
        }
    }

    deinit {
        if process.isRunning {
            try? input.fileHandleForWriting.write(contentsOf: Data("quit\n".utf8))
            process.waitUntilExit()
        }
    }
}

// MARK: - The naive reference

/// The textbook triple loop C[i, j] = Σ_k A[i, k] B[k, j], the reference when numpy is absent.
func naiveMatmul(_ a: [Float], _ b: [Float], _ m: Int, _ k: Int, _ n: Int) -> [Float] {
    var c = [Float](repeating: 0, count: m * n)
    for i in 0..<m {
        for j in 0..<n {
            var sum: Float = 0
            for p in 0..<k { sum += a[i * k + p] * b[p * n + j] }
            c[i * n + j] = sum
        }
    }
    return c
}

// MARK: - Benchmarks

let options = Options(CommandLine.arguments)

/// `--probe matmul M K N REPS [THREADS]`: used by the release benchmark to time a debug build.
if let probe = options.probe {
    guard probe.count >= 5, probe[0] == "matmul", let m = Int(probe[1]), let k = Int(probe[2]),
          let n = Int(probe[3]), let repetitions = Int(probe[4]) else {
        FileHandle.standardError.write(Data("backprop-bench: --probe matmul M K N REPS [THREADS]\n".utf8))
        exit(2)
    }
    let threads = probe.count > 5 ? Int(probe[5]) ?? 1 : 1
    var rng = SeededGenerator(seed: 1)
    let a = Tensor<Float>.uniform([m, k], using: &rng), b = Tensor<Float>.uniform([k, n], using: &rng)
    emit(String(format: "%.9f", bestTime(repetitions) { _ = matmul(a, b, threads: threads) }))
    exit(0)
}

/// `--study M K N`: 1 and 2 threads alternated 100 times; best and median GFLOP/s of each.
if let dims = options.study, dims.count == 3 {
    let (m, k, n) = (dims[0], dims[1], dims[2])
    var rng = SeededGenerator(seed: 1)
    let a = Tensor<Float>.uniform([m, k], using: &rng), b = Tensor<Float>.uniform([k, n], using: &rng)
    var times: [[Double]] = [[], []]
    for _ in 0..<100 { for t in 0..<2 { times[t].append(bestTime(1) { _ = matmul(a, b, threads: t + 1) }) } }
    let flop = 2.0 * Double(m * k * n)
    for t in 0..<2 {
        let sorted = times[t].sorted()
        emit("\(t + 1)t best \(String(format: "%.1f", flop / sorted[0] / 1e9)) median \(String(format: "%.1f", flop / sorted[50] / 1e9))")
    }
    exit(0)
}

#if DEBUG
emit("# this is a DEBUG build of backprop-bench: run `make bench` for the release numbers")
#endif
let rounds = options.quick ? 2 : 5
let repetitions = options.quick ? 2 : 5
emit("# backprop-bench: \(ProcessInfo.processInfo.activeProcessorCount) CPUs, "
      + "Parallelism.defaultThreads=\(Parallelism.defaultThreads), rounds=\(rounds) x \(repetitions) repetitions")

let numpy: [Int: NumpyReference] = options.useReference
    ? [1: NumpyReference(threads: 1), 2: NumpyReference(threads: 2)].compactMapValues { $0 } : [:]
if options.useReference && numpy.isEmpty {
    emit("# numpy not available (python3 -c 'import numpy' failed): references are naive loops")
}

/// Runs every measurement once per round, in turn, for `rounds` rounds, and keeps the best
/// (smallest) time of each: all of them see the same machine load, whatever it does meanwhile.
/// A measurement returns nil when it cannot run (numpy missing).
///
/// After a multi-threaded numpy measurement, OpenBLAS's idle worker threads keep spinning on
/// a CPU for a while (its THREAD_TIMEOUT); `settle` waits that out so they do not slow down
/// the next measurement.
func interleaved(_ measurements: [(settle: Bool, run: () -> Double?)]) -> [Double?] {
    var best = [Double?](repeating: nil, count: measurements.count)
    for _ in 0..<rounds {
        for (i, measurement) in measurements.enumerated() {
            guard let seconds = measurement.run() else { continue }
            best[i] = min(best[i] ?? .infinity, seconds)
            if measurement.settle { Thread.sleep(forTimeInterval: 0.3) }
        }
    }
    return best
}

var rng = SeededGenerator(seed: 2024)

// Matrix products: the shapes of an MNIST MLP (forward, backward) and two squares.
if options.wants("matmul") {
    let shapes = [(128, 784, 512), (784, 128, 512), (512, 512, 512), (1024, 1024, 1024)]
    for (m, k, n) in shapes {
        let a = Tensor<Float>.uniform([m, k], using: &rng), b = Tensor<Float>.uniform([k, n], using: &rng)
        let flop = 2.0 * Double(m * k * n)
        let label = "\(m)x\(k)x\(n) f32"
        let best = interleaved([
            (false, { bestTime(repetitions) { _ = matmul(a, b, threads: 1) } }),
            (false, { numpy[1]?.seconds("matmul \(m) \(k) \(n) \(repetitions)") }),
            (false, { bestTime(repetitions) { _ = matmul(a, b, threads: 2) } }),
            (true, { numpy[2]?.seconds("matmul \(m) \(k) \(n) \(repetitions)") }),
        ])
        let (one, numpyOne, two, numpyTwo) = (best[0]!, best[1], best[2]!, best[3])
        if let numpyOne {
            report("matmul \(label) 1t", backprop: flop / one / 1e9, reference: flop / numpyOne / 1e9, unit: "GFLOP/s")
        } else {
            let (a0, b0) = (a.scalars, b.scalars)
            let naive = bestTime(1) { _ = naiveMatmul(a0, b0, m, k, n) }
            report("matmul \(label) 1t", backprop: flop / one / 1e9, reference: flop / naive / 1e9,
                   unit: "GFLOP/s", note: " (reference: naive triple loop, numpy not available)")
        }
        if let numpyTwo {
            report("matmul \(label) 2t", backprop: flop / two / 1e9, reference: flop / numpyTwo / 1e9, unit: "GFLOP/s")
        }
        report("matmul-scaling \(label) 2t/1t", backprop: flop / two / 1e9, reference: flop / one / 1e9,
               unit: "GFLOP/s", note: " (reference: backprop on 1 thread)")
    }

    // The same kernel called from a debug build (`swift build`, no -c): the tensor module
    // is compiled with -O even there, so this should be within 1.2x of release.
    let debugBinary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("debug/backprop-bench")
    if FileManager.default.isExecutableFile(atPath: debugBinary.path) {
        let (m, k, n) = (512, 512, 512)
        let a = Tensor<Float>.uniform([m, k], using: &rng), b = Tensor<Float>.uniform([k, n], using: &rng)
        let flop = 2.0 * Double(m * k * n)
        func debugSeconds() -> Double? {
            let process = Process()
            let output = Pipe()
            process.executableURL = debugBinary
            process.arguments = ["--probe", "matmul", "\(m)", "\(k)", "\(n)", "\(repetitions)"]
            process.standardOutput = output
            guard (try? process.run()) != nil else { return nil }
            let data = output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return Double(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
        }
        let best = interleaved([(false, { bestTime(repetitions) { _ = matmul(a, b, threads: 1) } }),
                                (false, debugSeconds)])
        if let release = best[0], let debug = best[1] {
            report("matmul-debug \(m)x\(k)x\(n) f32 1t", backprop: flop / debug / 1e9, reference: flop / release / 1e9,
                   unit: "GFLOP/s", note: " (backprop: debug build, reference: release build)")
        }
    } else {
        emit("# matmul-debug skipped: no debug build at \(debugBinary.path) (run `swift build --product backprop-bench`)")
    }
}

// Element-wise operations and reductions: memory-bound, so measured in GB/s moved.
if options.wants("elementwise") {
    let count = options.quick ? 1 << 22 : 1 << 24
    let x = Tensor<Float>.uniform([count], using: &rng) - 0.5
    let y = Tensor<Float>.uniform([count], using: &rng)
    let matrix = x.reshaped([-1, 512]), row = y.rows(0..<512)
    let bytes = Double(count * MemoryLayout<Float>.stride)
    let cases: [(String, Double, () -> Void)] = [
        ("add", 3 * bytes, { _ = x + y }),
        ("scale", 2 * bytes, { _ = x * 2 }),
        ("relu", 2 * bytes, { _ = max(x, 0) }),
        ("exp", 2 * bytes, { _ = exp(x) }),
        ("sum", bytes, { _ = x.sum() }),
        ("sumaxis0", bytes, { _ = matrix.sum(axis: 0) }),
        ("bias", 2 * bytes, { _ = matrix + row }),
    ]
    for (name, moved, body) in cases {
        let best = interleaved([(false, { bestTime(repetitions, body) }),
                                (false, { numpy[1]?.seconds("elementwise \(name) \(count) \(repetitions)") })])
        let (ours, theirs) = (best[0]!, best[1])
        let label = "\(name) \(count) f32 1t"
        if let theirs {
            report(label, backprop: moved / ours / 1e9, reference: moved / theirs / 1e9, unit: "GB/s")
        } else {
            emit("\(label): backprop=\(String(format: "%.2f", moved / ours / 1e9)) GB/s (no numpy reference)")
        }
    }
}
