import Synchronization
import TensorsCPU
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// How many threads the matmul kernel uses. Results never depend on it: every output
/// element is computed by one thread, always in the same order.
public enum Parallelism {
    /// The number of threads `matmul` uses when not told otherwise; starts at `defaultThreads`.
    public static var threads: Int {
        get { current.load(ordering: .relaxed) }
        set { current.store(Swift.max(1, newValue), ordering: .relaxed) }
    }
    private static let current = Atomic<Int>(defaultThreads)

    /// The `BACKPROP_THREADS` environment variable if it is set to a positive number, else
    /// the number of CPUs online.
    public static let defaultThreads: Int = {
        if let text = getenv("BACKPROP_THREADS"), let n = Int(String(cString: text)), n > 0 {
            return n
        }
        return Swift.max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }()
}

extension Parallelism {
    /// `body(0) … body(count − 1)`, side by side on up to `defaultThreads` threads, each thread
    /// taking the next index not yet taken; the results in the order of the indices. Meant for
    /// independent runs (one network per seed): while they run, `threads` is 1, so each run's
    /// products stay on its own thread (their bits do not depend on it). `body` is called from
    /// several threads at once and must not change anything outside itself.
    public static func sideBySide<Result>(_ count: Int, _ body: (Int) -> Result) -> [Result] {
        let workers = Swift.min(count, defaultThreads)
        guard workers > 1 else { return (0..<count).map(body) }
        let saved = threads
        threads = 1
        defer { threads = saved }
        return withoutActuallyEscaping(body) { body in
            let results = UnsafeMutableBufferPointer<Result?>.allocate(capacity: count)
            results.initialize(repeating: nil)
            defer { results.deinitialize(); results.deallocate() }
            let shared = UnsafeTransfer((body: body, results: results, next: Counter()))
            var threadIDs: [pthread_t] = []
            for _ in 1..<workers {
                let context = Unmanaged.passRetained(SideBySideWork {
                    while case let i = shared.value.next.next(), i < count { shared.value.results[i] = shared.value.body(i) }
                }).toOpaque()
                var thread = pthread_t.init(bitPattern: 0)
                pthread_create(&thread, nil, { context in
                    Unmanaged<SideBySideWork>.fromOpaque(context!).takeRetainedValue().run()
                    return nil
                }, context)
                threadIDs.append(thread)
            }
            while case let i = shared.value.next.next(), i < count { shared.value.results[i] = shared.value.body(i) }
            for thread in threadIDs { pthread_join(thread, nil) }
            return results.map { $0! }
        }
    }
}

/// What a side-by-side thread runs.
private final class SideBySideWork {
    let run: () -> Void
    init(_ run: @escaping () -> Void) { self.run = run }
}

/// A value handed to worker threads that the caller guarantees is used safely: each thread
/// writes only its own part of an output buffer.
struct UnsafeTransfer<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// Runs `body(0) … body(count - 1)` on the worker pool and the calling thread, and returns
/// when all are done. Participant p runs iterations p, p + P, p + 2P, … (P = pool size + 1):
/// the same split every time.
func parallelFor(_ count: Int, _ body: (Int) -> Void) {
    if count == 1 {
        body(0)
        return
    }
    WorkerPool.shared.run(count, body)
}

/// Runs `body(worker, item)` for every item in `0 ..< count` on `threads` workers (the pool and
/// the calling thread), each worker taking the next item not yet taken, so that a worker slowed
/// down by a busy host simply takes fewer. Each item runs once, on one worker; each worker
/// first runs `start(worker)` (once, before it takes an item).
func parallelForEachTaken(_ count: Int, threads: Int, start: (_ worker: Int) -> Void = { _ in },
                          _ body: (_ worker: Int, _ item: Int) -> Void) {
    let next = Counter()
    parallelFor(threads) { worker in
        start(worker)
        while case let item = next.next(), item < count { body(worker, item) }
    }
}

/// A few worker threads that stay awake (spinning) for a few milliseconds after each job.
///
/// Measured on a 2-vCPU virtual machine: with `DispatchQueue.concurrentPerform`, the second
/// thread of a parallel matmul started 120–500 µs late, because an idle vCPU takes that long
/// to wake up; a 2 ms matmul then ran barely faster on two threads than on one. OpenBLAS
/// avoids this by letting its threads spin after a job, and so does this pool: a training
/// step's matmuls come a fraction of a millisecond apart, so the workers are still awake.
final class WorkerPool: @unchecked Sendable {
    static let shared = WorkerPool(workers: Parallelism.defaultThreads - 1)

    /// How long an idle worker spins before it blocks.
    static let spinTime = Duration.milliseconds(5)

    let workerCount: Int
    private let generation = Atomic<Int>(0)   // bumped to publish a job
    private let pending = Atomic<Int>(0)      // workers still running the current job
    private let busy = Atomic<Bool>(false)    // a job is being run (nested or concurrent calls run serially)
    private let sleepers = Atomic<Int>(0)     // workers blocked on the condition variable
    private var job: UnsafeTransfer<(Int) -> Void>?
    private var iterations = 0
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

    init(workers: Int) {
        workerCount = Swift.max(0, workers)
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(condition, nil)
        for worker in 0..<workerCount {
            let context = Unmanaged.passRetained(WorkerContext(pool: self, participant: worker + 1)).toOpaque()
            var thread = pthread_t.init(bitPattern: 0)
            _ = pthread_create(&thread, nil, { context in
                let worker = Unmanaged<WorkerContext>.fromOpaque(context!).takeRetainedValue()
                worker.pool.workerLoop(participant: worker.participant)
                return nil
            }, context)
            pthread_detach(thread)
        }
    }

    func run(_ count: Int, _ body: (Int) -> Void) {
        guard workerCount > 0, busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else {
            for i in 0..<count { body(i) }
            return
        }
        withoutActuallyEscaping(body) { body in
            job = UnsafeTransfer(body)
            iterations = count
            pending.store(workerCount, ordering: .sequentiallyConsistent)
            generation.wrappingAdd(1, ordering: .sequentiallyConsistent)
            if sleepers.load(ordering: .sequentiallyConsistent) > 0 {
                pthread_mutex_lock(mutex)
                pthread_cond_broadcast(condition)
                pthread_mutex_unlock(mutex)
            }
            runShare(participant: 0)
            while pending.load(ordering: .acquiring) > 0 { backprop_spin_pause() }
            job = nil
        }
        busy.store(false, ordering: .releasing)
    }

    private func runShare(participant: Int) {
        guard let body = job?.value else { return }
        var i = participant
        while i < iterations {
            body(i)
            i += workerCount + 1
        }
    }

    private func workerLoop(participant: Int) {
        var seen = 0
        let clock = ContinuousClock()
        while true {
            var current = generation.load(ordering: .acquiring)
            if current == seen {
                let deadline = clock.now.advanced(by: Self.spinTime)
                var spins = 0
                while current == seen {
                    backprop_spin_pause()
                    spins &+= 1
                    if spins & 1023 == 0 && clock.now > deadline {
                        pthread_mutex_lock(mutex)
                        sleepers.wrappingAdd(1, ordering: .sequentiallyConsistent)
                        while generation.load(ordering: .sequentiallyConsistent) == seen {
                            pthread_cond_wait(condition, mutex)
                        }
                        sleepers.wrappingSubtract(1, ordering: .sequentiallyConsistent)
                        pthread_mutex_unlock(mutex)
                    }
                    current = generation.load(ordering: .acquiring)
                }
            }
            seen = current
            runShare(participant: participant)
            pending.wrappingSubtract(1, ordering: .releasing)
        }
    }
}

/// A shared counter handing out 0, 1, 2, … to whichever thread asks next.
final class Counter: Sendable {
    private let value = Atomic<Int>(0)
    func next() -> Int { value.wrappingAdd(1, ordering: .relaxed).oldValue }
}

private final class WorkerContext {
    let pool: WorkerPool
    let participant: Int
    init(pool: WorkerPool, participant: Int) {
        self.pool = pool
        self.participant = participant
    }
}

/// Keeps freed tensor memory in the process for the next tensor instead of returning it to
/// the system at once (glibc's default for blocks over 128 KiB). Training allocates and frees
/// the same sizes every step; measured on a 2-vCPU VM, an MNIST epoch took 198,000 page faults
/// (each one a zeroed page from the kernel) and twice as long as with this setting, 16,000.
/// Blocks of 32 MiB and more (glibc will not raise its mmap threshold past that) are kept too,
/// by not using mmap at all: before, each `exp` of a 64 MiB tensor mapped fresh pages that the
/// kernel zeroed, and unmapped them when the result was freed. Bench `elementwise`, 2 runs each
/// way: exp 7.8–8.0 → 12.7–13.0 GB/s, add/scale/relu 11–14 → 20–21 GB/s; the peak memory of the
/// MLP epoch, the CSV and the Fashion-MNIST loads unchanged (208.9 / 58.8 / 269.2 MiB). Freed
/// memory at the top of the heap beyond 256 MiB still goes back to the system. Applied once,
/// at the first tensor allocated; other platforms: nothing.
let tuneAllocator: Void = {
    #if canImport(Glibc)
    // mallopt lives in <malloc.h>, which Swift's Glibc module does not export; look it up.
    typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
    let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
    // M_TRIM_THRESHOLD, M_MMAP_THRESHOLD, M_MMAP_MAX
    let trimThreshold: Int32 = -1, mmapThreshold: Int32 = -3, mmapMax: Int32 = -4
    _ = mallopt(mmapThreshold, 32 << 20)
    _ = mallopt(trimThreshold, 256 << 20)
    _ = mallopt(mmapMax, 0)
    #endif
}()

/// Asks Linux to back a large new buffer with 2 MiB pages before it is first written, as
/// numpy does: a 64 MiB result then takes 32 page faults instead of 16,384, which is most of
/// the cost of an element-wise operation on it. Smaller buffers and other systems: nothing.
/// Every tensor's storage gets this; readers call it for their own large buffers.
public func adviseHugePages(_ buffer: UnsafeMutableRawBufferPointer) {
    #if os(Linux)
    let hugePage = 1 << 21
    guard buffer.count >= 2 * hugePage, let base = buffer.baseAddress else { return }
    let start = (Int(bitPattern: base) + hugePage - 1) & ~(hugePage - 1)
    let end = (Int(bitPattern: base) + buffer.count) & ~(hugePage - 1)
    if end > start, let aligned = UnsafeMutableRawPointer(bitPattern: start) {
        _ = madvise(aligned, end - start, MADV_HUGEPAGE)
    }
    #endif
}
