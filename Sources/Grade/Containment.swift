import ArgumentParser
import Foundation
import GradeSandbox
import HomeworkGrading
import HomeworkWire

// How student code is contained: one homework-runner process per part, started by
// GradeSandbox (C) in its own session, with limits; as root, also as the user
// `backprop-student` in private namespaces with a read-only view of the system, and in a
// cgroup that caps the memory and processes of the whole part when one is writable.

/// The limits of one part's process (and, where a cgroup is available, of all its processes).
struct Limits {
    var seconds: Double
    var memoryMiB: Int
    /// Bytes any file the part writes may reach (its captured stdout and stderr included).
    var fileBytes = 16 << 20
    /// Processes and threads of the student user at once (root only: counted per user).
    var processes = 64
    var openFiles = 256
}

/// What running one part gave: the outcome of its checks (computed here, from the values the
/// runner sent back) and how the process ended.
struct PartRun {
    var outcome: PartOutcome
    /// Parts replaced by the reference while this one was graded ("sigmoid", …).
    var substituted: [String]
}

/// Where and as whom student code runs.
final class Containment {
    let isolate: Bool
    let uid: uid_t, gid: gid_t
    /// Host directories bound read-only into the private root (the Swift toolchain).
    let readOnlyPaths: [String]
    /// Parent cgroup directories this grader may create part cgroups in (v2, or v1 memory and pids).
    let cgroupParents: [(kind: CgroupKind, path: String)]
    let scratch: URL
    /// Whether a cgroup limits the processes of each part (so the per-user limit is not needed).
    var hasPidsCgroup: Bool { cgroupParents.contains { $0.kind != .memory } }

    enum CgroupKind { case unified, memory, pids }

    /// The containment this process can give: isolation when it runs as root on Linux.
    init() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("backprop-grade-\(getpid())-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        _ = backprop_become_subreaper()
        signal(SIGPIPE, SIG_IGN)
        #if os(Linux)
        isolate = geteuid() == 0
        #else
        isolate = false
        #endif
        if isolate {
            (uid, gid) = try Containment.studentUser()
            readOnlyPaths = Containment.toolchainPaths()
            cgroupParents = Containment.writableCgroups()
        } else {
            (uid, gid) = (getuid(), getgid())
            readOnlyPaths = []
            cgroupParents = []
        }
    }

    deinit { try? FileManager.default.removeItem(at: scratch) }

    /// One line for the table's header: how parts run here.
    var summary: String {
        if !isolate { return "as \(NSUserName()), in their own session with CPU, memory and file-size limits (not root: no user switch)" }
        let groups = cgroupParents.isEmpty ? "no writable cgroup: per-process memory and a process limit"
            : "cgroup " + cgroupParents.map { "\($0.kind)" }.joined(separator: "+")
        return "as backprop-student (uid \(uid)) in private namespaces, read-only system, \(groups)"
    }

    /// The unprivileged user student code runs as, created if missing.
    static func studentUser() throws -> (uid_t, gid_t) {
        let name = "backprop-student"
        if let entry = getpwnam(name) { return (entry.pointee.pw_uid, entry.pointee.pw_gid) }
        let run = try runChild("/usr/bin/env", ["useradd", "--system", "--user-group", "--no-create-home", "--home-dir", "/nonexistent",
                                                "--shell", "/usr/sbin/nologin", name], timeout: 60)
        guard run.status == 0, let entry = getpwnam(name) else {
            throw ValidationError("grading as root runs student code as the user \(name), which could not be created "
                                  + "(useradd: \(run.stderr.trimmingCharacters(in: .whitespacesAndNewlines))); create it, or grade as a normal user")
        }
        return (entry.pointee.pw_uid, entry.pointee.pw_gid)
    }

    /// The Swift toolchain's `usr` folder (libswiftCore.so, swift-backtrace), from where this
    /// process loaded its Swift runtime; nothing when it is under /usr already.
    static func toolchainPaths() -> [String] {
        guard let maps = readSystemFile("/proc/self/maps"),
              let line = maps.split(separator: "\n").first(where: { $0.hasSuffix("/libswiftCore.so") }),
              let start = line.firstIndex(of: "/") else { return [] }
        // …/usr/lib/swift/linux/libswiftCore.so → …/usr
        var url = URL(fileURLWithPath: String(line[start...]))
        for _ in 0..<4 { url.deleteLastPathComponent() }
        return url.path.hasPrefix("/usr/") || url.path == "/usr" ? [] : [url.path]
    }

    /// cgroup folders this process can create children in: cgroup v2 with the memory and pids
    /// controllers, else the v1 memory and pids hierarchies.
    static func writableCgroups() -> [(kind: CgroupKind, path: String)] {
        guard let lines = readSystemFile("/proc/self/cgroup")?.split(separator: "\n") else { return [] }
        func own(_ hierarchy: String, _ controller: String?) -> String? {
            for line in lines {
                let fields = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
                guard fields.count == 3 else { continue }
                if controller == nil ? fields[0] == "0" : fields[1].split(separator: ",").contains(Substring(controller!)) {
                    return hierarchy + String(fields[2])
                }
            }
            return nil
        }
        func usable(_ path: String) -> Bool {
            let probe = path + "/backprop-grade-probe-\(getpid())"
            guard mkdir(probe, 0o755) == 0 else { return false }
            rmdir(probe)
            return true
        }
        if let unified = own("/sys/fs/cgroup", nil),
           let controllers = readSystemFile("/sys/fs/cgroup/cgroup.controllers"),
           controllers.contains("memory"), controllers.contains("pids"), usable(unified) {
            return [(.unified, unified)]
        }
        var found: [(kind: CgroupKind, path: String)] = []
        if let memory = own("/sys/fs/cgroup/memory", "memory"), usable(memory) { found.append((.memory, memory)) }
        if let pids = own("/sys/fs/cgroup/pids", "pids"), usable(pids) { found.append((.pids, pids)) }
        return found
    }

    /// Runs `part` against the runner at `runner`: a new contained process, the part's checks in
    /// this process calling the student's functions over the channel, then everything the part
    /// started is killed.
    ///
    /// Throws when the grader cannot start the part (no part is scored for a failure of the
    /// grader's own: grading stops, and results.json says it did not finish).
    func run(_ part: Part, runner: String, arguments: [String] = [], limits: Limits) throws -> PartRun {
        let folder = scratch.appendingPathComponent(UUID().uuidString)
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("root"), withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        let cgroups = makeCgroups(limits)
        defer { removeCgroups(cgroups) }
        let started = Channel.now()
        let process = try spawn(runner, arguments: arguments, folder: folder, cgroups: cgroups.map(\.path), limits: limits)
        let session = RemoteSession(channel: Channel(fd: process.channel), deadline: started + limits.seconds, uses: part.uses)
        var outcome = part.run(.calling(session.call))
        // The part answered (or failed): stop everything it started before looking further. A
        // runner that closed the channel gets a moment to end, so its own exit status is seen.
        if case .closed = session.failure { waitForExit(process.pid, seconds: 2) }
        let status = stop(process, cgroups: cgroups)
        close(process.channel)
        let outOfMemory = cgroups.contains { memoryLimitWasHit($0) }
        if let failure = session.failure {
            let stderr = readPrefix(folder.appendingPathComponent("stderr"))
            switch failure {
            case .timedOut:
                outcome = PartOutcome(status: .timedOut, score: 0, message: "after \(formatSeconds(limits.seconds)) s (an endless loop?)")
            case .malformed(let why):
                outcome = PartOutcome(status: .crashed, score: 0, message: "the homework's process sent something that is not an answer (\(why))")
            case .violation(let why):
                outcome = PartOutcome(status: .crashed, score: 0, message: "the homework's process broke the grading protocol: \(why)")
            case .closed, .system:
                let cpuLimit = status.signal == SIGXCPU || status.signal == SIGKILL && Channel.now() - started >= limits.seconds
                outcome = cpuLimit ? PartOutcome(status: .timedOut, score: 0, message: "after \(formatSeconds(limits.seconds)) s of CPU time (an endless loop?)")
                    : PartOutcome(status: .crashed, score: 0,
                                  message: crashDescription(stderr: stderr, status: status, outOfMemory: outOfMemory, limits: limits))
            }
        }
        return PartRun(outcome: outcome, substituted: session.used)
    }

    struct Started { let pid: pid_t; let channel: Int32 }

    private func spawn(_ runner: String, arguments extra: [String], folder: URL, cgroups: [String], limits: Limits) throws -> Started {
        func failure(_ why: String) -> ValidationError {
            ValidationError("the grader could not start a part's process (\(why)); no part was scored for it: grade again")
        }
        var pair: [Int32] = [0, 0]
        #if os(Linux)
        let streamType = Int32(SOCK_STREAM.rawValue)
        #else
        let streamType = SOCK_STREAM
        #endif
        guard socketpair(AF_UNIX, streamType, 0, &pair) == 0 else { throw failure("socketpair: \(String(cString: strerror(errno)))") }
        _ = fcntl(pair[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(pair[1], F_SETFD, FD_CLOEXEC)
        let out = open(folder.appendingPathComponent("stdout").path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        let err = open(folder.appendingPathComponent("stderr").path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        let null = open("/dev/null", O_RDONLY | O_CLOEXEC)
        defer { [out, err, null, pair[1]].forEach { if $0 >= 0 { close($0) } } }
        guard out >= 0, err >= 0, null >= 0 else {
            close(pair[0])
            throw failure("cannot open the part's output files: \(String(cString: strerror(errno)))")
        }
        let executable = isolate ? "/runner" : runner
        let arguments = [executable] + extra
        let environment = ["PATH=/usr/bin:/bin", "HOME=\(isolate ? "/work" : folder.appendingPathComponent("root").path)",
                           "TMPDIR=\(isolate ? "/tmp" : folder.appendingPathComponent("root").path)", "LC_ALL=C",
                           "SWIFT_BACKTRACE=enable=yes,interactive=no,color=no,threads=crashed,registers=none,images=none"]
        let workDirectory = folder.appendingPathComponent("root").path
        var message = [CChar](repeating: 0, count: 512)
        let pid: pid_t = withCStrings(arguments) { argv in
            withCStrings(environment) { envp in
                withCStrings(readOnlyPaths) { paths in
                    withCStrings(cgroups) { groups in
                        runner.withCString { runnerPath in
                            workDirectory.withCString { work in
                                var spec = backprop_sandbox()
                                spec.executable = runnerPath
                                spec.arguments = UnsafePointer(argv)
                                spec.environment = UnsafePointer(envp)
                                spec.stdin_fd = null
                                spec.stdout_fd = out
                                spec.stderr_fd = err
                                spec.channel_fd = pair[1]
                                spec.work_directory = work
                                spec.isolate = isolate ? 1 : 0
                                spec.uid = uid
                                spec.gid = gid
                                spec.read_only_paths = UnsafePointer(paths)
                                spec.cgroups = UnsafePointer(groups)
                                spec.cpu_seconds = Int(limits.seconds.rounded(.up)) + 1
                                spec.address_space_bytes = Int64(limits.memoryMiB) << 20
                                spec.file_size_bytes = Int64(limits.fileBytes)
                                // The student user's process count (RLIMIT_NPROC) is shared by every
                                // part that runs at once; a pids cgroup counts this part's alone.
                                spec.processes = isolate && !hasPidsCgroup ? limits.processes : 0
                                spec.open_files = limits.openFiles
                                spec.scratch_bytes = 64 << 20
                                return backprop_sandbox_spawn(&spec, &message, message.count)
                            }
                        }
                    }
                }
            }
        }
        guard pid > 0 else {
            close(pair[0])
            throw failure(String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return Started(pid: pid, channel: pair[0])
    }

    /// How the part's process ended.
    struct Status { var exitCode: Int32?; var signal: Int32? }

    /// Kills the part's process (isolated: with it, its PID namespace and every process in it),
    /// its session and everything in its cgroups; reaps what became this process's children (a
    /// subreaper's). Returns how the runner ended. Nothing is killed by user, so two graders can
    /// run at once.
    private func stop(_ process: Started, cgroups: [(kind: CgroupKind, path: String)]) -> Status {
        var status = Status()
        var raw: Int32 = 0
        // Already gone? Its status says how it ended (a trap, the CPU limit).
        if let ended = exited.removeValue(forKey: process.pid) {
            status = decode(ended)
        } else if waitpid(process.pid, &raw, WNOHANG) == process.pid {
            status = decode(raw)
        }
        kill(process.pid, SIGKILL)
        kill(-process.pid, SIGKILL)
        for group in cgroups { killCgroup(group) }
        if status.exitCode == nil && status.signal == nil {
            let deadline = Channel.now() + 5
            while Channel.now() < deadline {
                if waitpid(process.pid, &raw, WNOHANG) == process.pid { status = decode(raw); break }
                usleep(1000)
            }
        }
        reapOrphans()
        return status
    }

    private var exited: [pid_t: Int32] = [:]

    /// Waits until `pid` ends by itself (its status kept for `stop`) or `seconds` pass.
    private func waitForExit(_ pid: pid_t, seconds: Double) {
        let deadline = Channel.now() + seconds
        var raw: Int32 = 0
        while Channel.now() < deadline {
            if waitpid(pid, &raw, WNOHANG) == pid { exited[pid] = raw; return }
            usleep(1000)
        }
    }

    private func decode(_ raw: Int32) -> Status {
        let signal = raw & 0x7f
        return signal == 0 ? Status(exitCode: (raw >> 8) & 0xff, signal: nil) : Status(exitCode: nil, signal: signal)
    }

    /// Processes that escaped the session (setsid, double fork) were re-parented to this grader
    /// (a subreaper): kill and reap them.
    private func reapOrphans() {
        for _ in 0..<50 {
            let children = childProcesses()
            for child in children { kill(child, SIGKILL) }
            var raw: Int32 = 0
            while waitpid(-1, &raw, WNOHANG) > 0 {}
            if children.isEmpty { return }
            usleep(2000)
        }
    }

    private func childProcesses() -> [pid_t] {
        let me = getpid()
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        return entries.compactMap { entry -> pid_t? in
            guard let pid = pid_t(entry), let stat = readSystemFile("/proc/\(entry)/stat"),
                  let close = stat.lastIndex(of: ")") else { return nil }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return fields.count > 2 && pid_t(fields[1]) == me ? pid : nil
        }
    }

    // MARK: cgroups

    private func makeCgroups(_ limits: Limits) -> [(kind: CgroupKind, path: String)] {
        var made: [(kind: CgroupKind, path: String)] = []
        for parent in cgroupParents {
            let path = parent.path + "/backprop-part-\(getpid())-\(UUID().uuidString.prefix(8))"
            guard mkdir(path, 0o755) == 0 else { continue }
            let memory = String(Int64(limits.memoryMiB) << 20)
            switch parent.kind {
            case .unified:
                write(memory, to: path + "/memory.max")
                write("0", to: path + "/memory.swap.max")
                write(String(limits.processes), to: path + "/pids.max")
            case .memory:
                write(memory, to: path + "/memory.limit_in_bytes")
                write(memory, to: path + "/memory.memsw.limit_in_bytes")
            case .pids:
                write(String(limits.processes), to: path + "/pids.max")
            }
            made.append((parent.kind, path))
        }
        return made
    }

    private func write(_ text: String, to path: String) {
        let fd = open(path, O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { return }
        _ = text.withCString { Glibc.write(fd, $0, strlen($0)) }
        close(fd)
    }

    private func killCgroup(_ group: (kind: CgroupKind, path: String)) {
        if group.kind == .unified { write("1", to: group.path + "/cgroup.kill") }
        for _ in 0..<3 {
            let pids = readSystemFile(group.path + "/cgroup.procs")?.split(separator: "\n").compactMap { pid_t($0) } ?? []
            if pids.isEmpty { return }
            for pid in pids { kill(pid, SIGKILL) }
            usleep(2000)
        }
    }

    private func memoryLimitWasHit(_ group: (kind: CgroupKind, path: String)) -> Bool {
        switch group.kind {
        case .unified:
            let events = readSystemFile(group.path + "/memory.events") ?? ""
            return events.split(separator: "\n").contains { $0.hasPrefix("oom_kill ") && !$0.hasSuffix(" 0") }
        case .memory:
            let failures = readSystemFile(group.path + "/memory.failcnt") ?? "0"
            return (Int(failures.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0) > 0
        case .pids:
            return false
        }
    }

    private func removeCgroups(_ groups: [(kind: CgroupKind, path: String)]) {
        for group in groups {
            for _ in 0..<100 {
                if rmdir(group.path) == 0 || errno == ENOENT { break }
                killCgroup(group)
                usleep(5000)
            }
        }
    }
}

/// The grader's side of one part: calls the student's functions over the channel until the
/// part's deadline, answers their calls of the functions the part `uses` with the reference,
/// and remembers the first failure of the channel (closed, timed out, malformed).
final class RemoteSession: @unchecked Sendable {
    enum Failure: Error, CustomStringConvertible {
        case closed, timedOut, malformed(String), violation(String), system(String)
        var description: String {
            switch self {
            case .closed: "the homework's process ended without answering"
            case .timedOut: "the time limit passed"
            case .malformed(let why): "malformed answer: \(why)"
            case .violation(let why): why
            case .system(let why): why
            }
        }
    }

    let channel: Channel
    let deadline: Double
    let uses: [String]
    private(set) var failure: Failure?
    private(set) var used: [String] = []

    init(channel: Channel, deadline: Double, uses: [String]) {
        (self.channel, self.deadline, self.uses) = (channel, deadline, uses)
    }

    func call(_ function: String, _ arguments: [WireValue]) throws -> [WireValue] {
        if let failure { throw failure }
        do {
            try channel.send(.call(function: function, arguments: arguments, substitutes: uses))
            while true {
                switch try channel.receive(deadline: deadline) {
                case .result(let values): return values
                case .notImplemented(let name): throw HomeworkNotImplemented(name)
                case .threw(let text): throw StudentError(text)
                case .callback(let name, let values):
                    guard uses.contains(name) else {
                        throw Failure.violation("asked for the reference \(name), which this part does not use")
                    }
                    if !used.contains(name) { used.append(name) }
                    let answer: Message
                    do { answer = .result(try Implementations.referenceForUses.call(name, values)) } catch { answer = .threw("\(error)") }
                    try channel.send(answer)
                case .call:
                    throw Failure.violation("sent a call where an answer was expected")
                }
            }
        } catch let error as ChannelError {
            let failure: Failure = switch error {
            case .closed: .closed
            case .timedOut: .timedOut
            case .malformed(let why): .malformed(why)
            case .system(let why): .system(why)
            }
            self.failure = failure
            throw failure
        } catch let error as Failure {
            failure = error
            throw error
        }
    }
}

/// Runs `body` with `strings` as a NULL-terminated C array of C strings.
func withCStrings<T>(_ strings: [String], _ body: (UnsafeMutablePointer<UnsafePointer<CChar>?>) -> T) -> T {
    let copies = strings.map { strdup($0) }
    defer { copies.forEach { free($0) } }
    var pointers: [UnsafePointer<CChar>?] = copies.map { UnsafePointer($0) } + [nil]
    return pointers.withUnsafeMutableBufferPointer { body($0.baseAddress!) }
}

/// The first 64 KiB of a file the part wrote.
func readPrefix(_ url: URL) -> String {
    guard let handle = try? FileHandle(forReadingFrom: url) else { return "" }
    defer { try? handle.close() }
    return String(decoding: (try? handle.read(upToCount: 65_536)) ?? Data(), as: UTF8.self)
}

/// The whole text of a /proc or /sys file (whose reported size is 0, so it is read to its end).
func readSystemFile(_ path: String) -> String? {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65_536)
    while bytes.count < 16 << 20 {
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
        if n < 0 && errno == EINTR { continue }
        if n <= 0 { break }
        bytes.append(contentsOf: buffer[0..<n])
    }
    return String(decoding: bytes, as: UTF8.self)
}
