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
import Datasets
import Foundation
import Neural
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
    var rounds: Int? = nil

    init(_ arguments: [String]) {
        var rest = arguments.dropFirst()
        while let argument = rest.popFirst() {
            switch argument {
            case "--quick": quick = true
            case "--no-reference": useReference = false
            case "--only": if let value = rest.popFirst() { only.append(value) }
            case "--rounds":
                guard let value = rest.popFirst().flatMap({ Int($0) }), value >= 1 else {
                    FileHandle.standardError.write(Data("backprop-bench: --rounds needs a whole number of at least 1\n".utf8))
                    exit(2)
                }
                rounds = value
            case "--probe": probe = Array(rest); rest = []
            case "--study": study = rest.compactMap { Int($0) }; rest = []
            case "--help", "-h":
                print("""
                usage: backprop-bench [--quick] [--rounds N] [--only matmul|elementwise|conv|epoch|load]... [--no-reference]
                       backprop-bench --study M K N
                  --quick          fewer repetitions and smaller problems (a rough number in seconds)
                  --rounds N       interleaved rounds per line, each side keeping its best (default 5, the
                                   matrix products 3 times as many): more for a steadier ratio on a busy machine
                  --only NAME      run only the lines whose name starts with NAME (repeatable)
                  --no-reference   do not start numpy; ratios are against the naive loop
                  --study M K N    (M×K)·(K×N) on 1 and 2 threads alternated 100 times: best and median
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
        best = min(best, elapsed.seconds)
    }
    return best
}

/// Prints one measurement line. `rate` is true for GFLOP/s and GB/s (higher is better).
/// Without a measurement of Backprop, nothing; without numpy's, the line says so.
func report(_ name: String, backprop: Double?, reference: Double?, unit: String, rate: Bool = true, note: String = "") {
    guard let backprop else { return }
    func show(_ x: Double) -> String { String(format: x >= 100 ? "%.1f" : (x >= 1 ? "%.2f" : "%.4f"), x) }
    guard let reference else {
        emit("\(name): backprop=\(show(backprop)) \(unit) (no numpy reference)")
        return
    }
    let ratio = rate ? backprop / reference : reference / backprop
    emit("\(name): backprop=\(show(backprop)) reference=\(show(reference)) ratio=\(String(format: "%.2f", ratio)) \(unit)\(note)")
}

#if os(Linux)
let RUSAGE_SELF_WHO = RUSAGE_SELF.rawValue
#else
let RUSAGE_SELF_WHO = RUSAGE_SELF
#endif

/// Peak resident memory of this process so far, in MiB.
func peakMemoryMiB() -> Double {
    #if os(Linux)
    // VmHWM, the peak of this program's own memory. (Linux's ru_maxrss also counts what the
    // process had before exec: a probe started from a large bench process reported its parent's
    // size, 86 instead of 58 MiB for the CSV.)
    if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
       let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
       let kib = Double(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") {
        return kib / 1024
    }
    #endif
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
/// The Python that runs the references: `BACKPROP_PYTHON` if set (a virtual environment that
/// has PyTorch, for the optional torch lines), else python3.
let python = ProcessInfo.processInfo.environment["BACKPROP_PYTHON"] ?? "python3"

/// With the AVX2 path forced on a CPU that has AVX-512, numpy's OpenBLAS is held to its AVX2
/// kernels too (`OPENBLAS_CORETYPE=Haswell`), so the ratios compare like with like: an
/// AVX2-only machine, measured on this one.
let openBLASCoreType: String? = KernelPath.current == .avx2 && KernelPath.supported.contains(.avx512) ? "Haswell" : nil

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
        process.arguments = [python, script.path]
        var environment = ProcessInfo.processInfo.environment
        for name in ["OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"] { environment[name] = String(threads) }
        if let coreType = openBLASCoreType { environment["OPENBLAS_CORETYPE"] = coreType }
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

/// The epoch benchmark: one epoch of plain SGD (η = 0.01, batches of 128, shuffled) on a
/// 784-512-10 ReLU/softmax network over 60,000 random examples: the same algorithm as the
/// numpy reference's `mlp_epoch`.
func mlpEpochSeconds(samples: Int, repetitions: Int) -> Double {
    var rng = SeededGenerator(seed: 7)
    let x = Tensor<Float>.uniform([samples, 784], using: &rng)
    let y = Tensor<Float>.oneHot((0..<samples).map { _ in rng.nextInt(below: 10) }, classes: 10)
    var network = Sequential<Float>(inputShape: [784], layers: [
        Dense(inputs: 784, units: 512, activation: .relu, using: &rng),
        Dense(inputs: 512, units: 10, activation: .softmax, using: &rng),
    ])
    return bestTime(repetitions) {
        network.fit(x, y, epochs: 1, descent: .miniBatch(128), loss: CategoricalCrossentropy(),
                    optimizer: SGD(learningRate: 0.01), progress: .quiet, rng: &rng)
    }
}

/// One epoch of mini-batch SGD on lesson 14's CNN shape (conv 3×3×32 ReLU → max pool 2 → 40 ReLU → 10
/// softmax) on `samples` random 28 × 28 images, as `reference.py`'s cnn_epoch.
func cnnEpochSeconds(samples: Int, repetitions: Int) -> Double {
    var rng = SeededGenerator(seed: 7)
    let x = Tensor<Float>.uniform([samples, 28, 28, 1], using: &rng)
    let y = Tensor<Float>.oneHot((0..<samples).map { _ in rng.nextInt(below: 10) }, classes: 10)
    var network = Sequential<Float>(inputShape: [28, 28, 1], layers: [
        Conv2D(channels: 1, filters: 32, activation: .relu, using: &rng),
        MaxPooling2D(size: 2),
        Flatten(),
        Dense(inputs: 5408, units: 40, activation: .relu, using: &rng),
        Dense(inputs: 40, units: 10, activation: .softmax, using: &rng),
    ])
    return bestTime(repetitions) {
        network.fit(x, y, epochs: 1, descent: .miniBatch(64), loss: CategoricalCrossentropy(),
                    optimizer: SGD(learningRate: 0.01), progress: .quiet, rng: &rng)
    }
}

/// `--probe matmul M K N REPS [THREADS]` and `--probe epoch THREADS REPS`: one measurement in
/// a process of its own (a debug build, or to read the epoch's own peak memory).
if let probe = options.probe {
    if probe.count == 3, probe[0] == "cnn-epoch", let threads = Int(probe[1]), let repetitions = Int(probe[2]) {
        Parallelism.threads = threads
        emit(String(format: "%.6f %.1f", cnnEpochSeconds(samples: 60_000, repetitions: repetitions), peakMemoryMiB()))
        exit(0)
    }
    if probe.count == 3, probe[0] == "load-csv", let repetitions = Int(probe[2]) {
        // A numeric CSV into a Float tensor: best time, and peak memory of this process.
        var count = 0
        let seconds = bestTime(repetitions) {
            do { count = try CSV.read(probe[1], header: .absent).tensor(as: Float.self).count } catch {
                FileHandle.standardError.write(Data("\(error)\n".utf8))
                exit(1)
            }
        }
        emit(String(format: "%.6f %.1f %d", seconds, peakMemoryMiB(), count))
        exit(0)
    }
    if probe.count == 3, probe[0] == "load-idx", let repetitions = Int(probe[2]) {
        // Full-size IDX images (gzip) into a Float tensor: best time, and peak memory of this
        // process (one tensor alive at a time).
        var count = 0
        let seconds = bestTime(repetitions) {
            do { count = try IDX.tensor(probe[1], as: Float.self).count } catch {
                FileHandle.standardError.write(Data("\(error)\n".utf8))
                exit(1)
            }
        }
        emit(String(format: "%.6f %.1f %d", seconds, peakMemoryMiB(), count))
        exit(0)
    }
    if probe.count == 3, probe[0] == "epoch", let threads = Int(probe[1]), let repetitions = Int(probe[2]) {
        Parallelism.threads = threads
        let seconds = mlpEpochSeconds(samples: 60_000, repetitions: repetitions)
        emit(String(format: "%.6f %.1f", seconds, peakMemoryMiB()))
        exit(0)
    }
    guard probe.count >= 5, probe[0] == "matmul", let m = Int(probe[1]), let k = Int(probe[2]),
          let n = Int(probe[3]), let repetitions = Int(probe[4]) else {
        FileHandle.standardError.write(Data("backprop-bench: --probe matmul M K N REPS [THREADS] | --probe epoch THREADS REPS\n".utf8))
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

// First line: the kernel path and the CPU (other tools read it).
emit("# kernels: \(KernelPath.current) on \(KernelPath.cpuModel) (this CPU can run: "
     + "\(KernelPath.supported.map(\.rawValue).joined(separator: ", ")); BACKPROP_KERNELS=avx2 forces the AVX2 path)")
#if DEBUG
emit("# this is a DEBUG build of backprop-bench: run `make bench` for the release numbers")
#endif
let rounds = options.rounds ?? (options.quick ? 2 : 5)
let repetitions = options.quick ? 2 : 5
/// The matrix products, under a millisecond to 15 ms each, run 4 times as many repetitions in
/// each of their 3 × `rounds` rounds. A 2-thread product's best needs both vCPUs undisturbed at
/// once: on the shared 2-vCPU Xeon, 15 rounds of 5 gave 128x784x512 on 2 threads a best of
/// 260–268 GFLOP/s in three runs (1 thread 146–154), and its 2t/1t line read 1.70–1.84, while
/// the best of 2000 alternated products was 292 (1 thread 160). At 15 rounds of 20 the line
/// read 1.85–1.89 in three full runs.
let matmulRepetitions = 4 * repetitions
emit("# backprop-bench: \(ProcessInfo.processInfo.activeProcessorCount) CPUs, "
      + "Parallelism.defaultThreads=\(Parallelism.defaultThreads), rounds=\(rounds) x \(repetitions) repetitions (matmul: \(3 * rounds) rounds x \(matmulRepetitions))")

let numpy: [Int: NumpyReference] = options.useReference
    ? [1: NumpyReference(threads: 1), 2: NumpyReference(threads: 2)].compactMapValues { $0 } : [:]
if let coreType = openBLASCoreType, !numpy.isEmpty {
    emit("# the AVX2 path is forced: numpy's OpenBLAS runs its AVX2 kernels too (OPENBLAS_CORETYPE=\(coreType))")
}
if options.useReference && numpy.isEmpty {
    emit("# numpy not available (\(python) -c 'import numpy' failed): references are naive loops")
}
/// PyTorch, optional: the `epoch … torch` lines appear when the reference's Python imports it.
/// Its own processes, so that the numpy processes' peak memory stays numpy's.
let torchReference: [Int: NumpyReference] = {
    guard options.useReference && !numpy.isEmpty && (options.wants("epoch") || options.wants("conv")) else { return [:] }
    guard let one = NumpyReference(threads: 1), one.seconds("torch-mlp-epoch 256 128 16 1 1") != nil else {
        emit("# no torch lines: \(python) cannot import torch (optional; BACKPROP_PYTHON=/path/to/python names one that can)")
        return [:]
    }
    return [1: one, 2: NumpyReference(threads: 2)].compactMapValues { $0 }
}()

/// Runs every measurement once per round, in turn, for `rounds` rounds, and keeps the best
/// (smallest) time of each: all of them see the same machine load, whatever it does meanwhile.
/// A measurement returns nil when it cannot run (numpy missing).
///
/// After a multi-threaded numpy measurement, OpenBLAS's idle worker threads keep spinning on
/// a CPU for a while (its THREAD_TIMEOUT); `settle` waits that out (0.3 s) so they do not slow
/// down the next measurement. (This library's pool spins for 5 ms: the matmul lines wait 10 ms
/// after their own 2-thread measurement.)
///
/// `rounds` defaults to the bench's; the matrix products and the convolution, a few
/// milliseconds each, take three times as many, so that on a machine shared with others each
/// side's best comes from enough windows (the same product measured 95 to 150 GFLOP/s within an
/// hour on the 2-vCPU Xeon; the conv2d line, at 5 rounds, 1.28 in one full run and 1.54 and
/// 1.90 in the next two, at 15 rounds 1.74 and 1.73).
func interleaved(rounds: Int = rounds, _ measurements: [(settle: Bool, run: () -> Double?)]) -> [Double?] {
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

/// This benchmark's own binary (the release build), for measurements in a process of their own.
let releaseBinary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()

/// The debug build of this benchmark, beside the release one (`swift build` puts it there).
let debugBinary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    .deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("debug/backprop-bench")

/// Runs `binary --probe arguments…` and returns the numbers it prints (nil if it failed).
func probe(_ binary: URL, _ arguments: [String]) -> [Double]? {
    let process = Process()
    let output = Pipe()
    process.executableURL = binary
    process.arguments = ["--probe"] + arguments
    process.standardOutput = output
    guard (try? process.run()) != nil else { return nil }
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { return nil }
    let numbers = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isWhitespace).compactMap { Double($0) }
    return numbers.isEmpty ? nil : numbers
}

var rng = SeededGenerator(seed: 2024)

// Matrix products: the shapes of an MNIST MLP (forward, backward) and two squares.
if options.wants("matmul") {
    let shapes = [(128, 784, 512), (784, 128, 512), (512, 512, 512), (1024, 1024, 1024)]
    for (m, k, n) in shapes {
        let a = Tensor<Float>.uniform([m, k], using: &rng), b = Tensor<Float>.uniform([k, n], using: &rng)
        let flop = 2.0 * Double(m * k * n)
        let label = "\(m)x\(k)x\(n) f32"
        let best = interleaved(rounds: 3 * rounds, [
            (false, { bestTime(matmulRepetitions) { _ = matmul(a, b, threads: 1) } }),
            (false, { numpy[1]?.seconds("matmul \(m) \(k) \(n) \(matmulRepetitions)") }),
            // Then 10 ms for this process's pool to stop spinning (5 ms): numpy's two threads come next.
            (false, {
                let seconds = bestTime(matmulRepetitions) { _ = matmul(a, b, threads: 2) }
                Thread.sleep(forTimeInterval: 0.01)
                return seconds
            }),
            (true, { numpy[2]?.seconds("matmul \(m) \(k) \(n) \(matmulRepetitions)") }),
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
    // is compiled with -O even there, so this should be within 1.2x of release. Both builds run
    // in a fresh process each round, as the epoch-debug line does: against the release product
    // measured in this warm process, the line read 0.73–0.75 in two runs, while the same two
    // binaries alternated as fresh processes (`--probe matmul 512 512 512 20`, 8 rounds) gave
    // 148 and 151 GFLOP/s.
    if FileManager.default.isExecutableFile(atPath: debugBinary.path) {
        let (m, k, n) = (512, 512, 512)
        let flop = 2.0 * Double(m * k * n)
        let arguments = ["matmul", "\(m)", "\(k)", "\(n)", "\(repetitions)"]
        let best = interleaved([
            (false, { probe(releaseBinary, arguments)?.first }),
            (false, { probe(debugBinary, arguments)?.first }),
        ])
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
    // The lines say 1t and numpy runs these on one thread: so do we (large element-wise loops
    // are otherwise split between the threads).
    let savedThreads = Parallelism.threads
    Parallelism.threads = 1
    defer { Parallelism.threads = savedThreads }
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
        report(label, backprop: moved / ours / 1e9, reference: theirs.map { moved / $0 / 1e9 }, unit: "GB/s")
    }
}

// One epoch of the MNIST-sized MLP (784-512-10, plain SGD, batches of 128, 60,000 examples),
// each measurement in a fresh process so its peak memory is the epoch's own.
// Convolution: the forward pass of a 3×3 conv layer on a batch of 128 MNIST-sized images
// (2·128·26·26·9·32 FLOP), and one epoch of lesson 14's CNN on 60,000 images.
if options.wants("conv") {
    Parallelism.threads = 1
    var rng = SeededGenerator(seed: 11)
    let images = Tensor<Float>.uniform([128, 28, 28, 1], using: &rng)
    var layer = Conv2D<Float>(channels: 1, filters: 32, using: &rng)
    let flop = 2.0 * 128 * 26 * 26 * 9 * 32
    // A few milliseconds each, like the matrix products: as many rounds as they take.
    let best = interleaved(rounds: 3 * rounds, [
        (false, { bestTime(repetitions) { var context = Context.inference; _ = layer.forward(images, context: &context) } }),
        (false, { numpy[1]?.seconds("conv2d 128 28 32 \(repetitions)") }),
    ])
    Parallelism.threads = Parallelism.defaultThreads
    let label = "conv2d 128x28x28x1-3x3x32 f32 1t"
    report(label, backprop: best[0].map { flop / $0 / 1e9 }, reference: best[1].map { flop / $0 / 1e9 }, unit: "GFLOP/s",
           note: " (reference: numpy im2col + matmul)")
    let epochs = interleaved([
        (false, {
            guard let result = probe(releaseBinary, ["cnn-epoch", "2", "1"]), result.count == 2 else { return nil }
            return result[0]
        }),
        (true, { numpy[2]?.seconds("cnn-epoch 60000 64 1") }),
        (true, { torchReference[2]?.seconds("torch-cnn-epoch 60000 64 2 1") }),
    ])
    let epochLabel = "epoch cnn-conv32-pool-40-10 f32 2t"
    report(epochLabel, backprop: epochs[0], reference: epochs[1], unit: "s", rate: false, note: " (60,000 images, batch 64, SGD)")
    if let torch = epochs[2] {
        report(epochLabel + " torch", backprop: epochs[0], reference: torch, unit: "s", rate: false,
               note: " (reference: PyTorch, nn.Sequential + autograd + optim.SGD)")
    }
}

if options.wants("epoch") {
    let hasDebug = FileManager.default.isExecutableFile(atPath: debugBinary.path)
    var memory: (ours: Double?, numpy: Double?) = (nil, nil)
    // Every side (Backprop, numpy, PyTorch) times 2 epochs after its warm-up epoch, in each of
    // the rounds: 10 epochs per line. With 1 epoch a round (5 in all), the one-thread line
    // against numpy read from 1.03 to 1.16 in six runs of one evening on the 2-vCPU Xeon, and
    // each side's best moved by up to 10 % from run to run; with 2 a round (and the kernel's
    // partial tiles of 8 rows), 1.14 to 1.22 in five runs the next night.
    let epochRepetitions = 2
    func ours(_ binary: URL, threads: Int) -> Double? {
        guard let result = probe(binary, ["epoch", "\(threads)", "\(epochRepetitions)"]), result.count == 2 else { return nil }
        if binary == releaseBinary { memory.ours = max(memory.ours ?? 0, result[1]) }
        return result[0]
    }
    func reference(threads: Int) -> Double? {
        guard let result = numpy[threads]?.seconds("mlp-epoch 60000 128 512 \(epochRepetitions)") else { return nil }
        memory.numpy = numpy[threads]?.seconds("memory")
        return result
    }
    func torch(threads: Int) -> Double? {
        torchReference[threads]?.seconds("torch-mlp-epoch 60000 128 512 \(threads) \(epochRepetitions)")
    }
    let best = interleaved([
        (false, { ours(releaseBinary, threads: 1) }),
        (false, { reference(threads: 1) }),
        (false, { ours(releaseBinary, threads: 2) }),
        (true, { reference(threads: 2) }),
        (false, { hasDebug ? ours(debugBinary, threads: 2) : nil }),
        (false, { torch(threads: 1) }),
        (true, { torch(threads: 2) }),
    ])
    let label = "mlp-784-512-10 f32"
    for (threads, oursIndex, numpyIndex) in [(1, 0, 1), (2, 2, 3)] {
        report("epoch \(label) \(threads)t", backprop: best[oursIndex], reference: best[numpyIndex], unit: "s", rate: false)
    }
    for (threads, oursIndex, torchIndex) in [(1, 0, 5), (2, 2, 6)] where best[torchIndex] != nil {
        report("epoch \(label) \(threads)t torch", backprop: best[oursIndex], reference: best[torchIndex], unit: "s", rate: false,
               note: " (reference: PyTorch, nn.Sequential + autograd + optim.SGD)")
    }
    if let release = best[2], let debug = best[4] {
        report("epoch-debug \(label) 2t", backprop: debug, reference: release, unit: "s", rate: false,
               note: " (backprop: debug build, reference: release build)")
    } else if !hasDebug {
        emit("# epoch-debug skipped: no debug build at \(debugBinary.path)")
    }
    if let mine = memory.ours, let theirs = memory.numpy {
        report("memory \(label)", backprop: mine, reference: theirs, unit: "MiB", rate: false,
               note: " (peak resident memory of the process running the epoch; data alone: 184 MiB)")
    }
}

// Loading the full 60,000-image IDX file (gzip) into a Float tensor, in a fresh process, with
// numpy's gzip + frombuffer + astype as the reference.
if options.wants("load") {
    let path = FashionMNIST.debianFolder + "/train-images-idx3-ubyte.gz"
    if FileManager.default.fileExists(atPath: path) {
        var memory: Double?
        let best = interleaved([
            (false, {
                guard let result = probe(releaseBinary, ["load-idx", path, "\(repetitions)"]), result.count == 3 else { return nil }
                memory = result[1]
                return result[0]
            }),
            (false, { numpy[1]?.seconds("load-idx \(path) \(repetitions)") }),
        ])
        let label = "load fashion-mnist-train-60000 f32"
        report(label, backprop: best[0], reference: best[1], unit: "s", rate: false)
        if let memory {
            let tensor = 47_040_000.0 * 4 / 1_048_576
            report("memory load fashion-mnist-train-60000 f32", backprop: memory, reference: tensor, unit: "MiB", rate: false,
                   note: " (reference: the Float tensor itself; peak is \(String(format: "%.2f", memory / tensor))x it, goal: under 2x)")
        }
    } else {
        emit("# load skipped: \(path) not found (apt-get install dataset-fashion-mnist)")
    }
    // A 20 MB numeric CSV (200,000 rows of 10 numbers), read into a Float tensor, against numpy's
    // loadtxt; peak memory against the file's size (goal: a few times it).
    let csvURL = FileManager.default.temporaryDirectory.appendingPathComponent("backprop-bench-\(getpid()).csv")
    var csvRNG = SeededGenerator(seed: 7)
    let csvText = (0..<200_000).map { _ in (0..<10).map { _ in String(format: "%.6f", csvRNG.nextNormal()) }.joined(separator: ",") }
        .joined(separator: "\n") + "\n"
    try? csvText.write(to: csvURL, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(at: csvURL) }
    let csvMiB = Double(csvText.utf8.count) / 1_048_576
    var csvMemory: Double?
    let csvBest = interleaved([
        (false, {
            guard let result = probe(releaseBinary, ["load-csv", csvURL.path, "\(repetitions)"]), result.count == 3 else { return nil }
            csvMemory = result[1]
            return result[0]
        }),
        (false, { numpy[1]?.seconds("load-csv \(csvURL.path) \(repetitions)") }),
    ])
    let csvLabel = "load csv-200000x10 f32"
    report(csvLabel, backprop: csvBest[0], reference: csvBest[1], unit: "s", rate: false, note: " (reference: numpy.loadtxt)")
    if let csvMemory, let seconds = csvBest[0] {
        emit("memory load csv-200000x10 f32: backprop=\(String(format: "%.1f", csvMemory)) MiB for a \(String(format: "%.1f", csvMiB)) MiB file "
             + "(peak of the whole process; \(String(format: "%.1f", csvMiB / seconds)) MB/s)")
    }

    // The shipped subset, all four files (goal: under 100 ms).
    let folder = ShippedData.folder.appendingPathComponent("mnist").path
    let best = interleaved([
        (false, { bestTime(repetitions) { _ = try? MNIST.subset() } }),
        (false, {
            guard let train = numpy[1]?.seconds("load-idx \(folder)/train-images-idx3-ubyte.gz \(repetitions)"),
                  let test = numpy[1]?.seconds("load-idx \(folder)/t10k-images-idx3-ubyte.gz \(repetitions)") else { return nil }
            return train + test
        }),
    ])
    report("load mnist-subset-5000 f32", backprop: best[0], reference: best[1], unit: "s", rate: false,
           note: " (reference: numpy on the two image files)")
}
