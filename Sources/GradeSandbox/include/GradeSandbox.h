// The grader's containment of student code: starts one homework-runner process for one
// graded part, in its own session, with resource limits, only the descriptors it is given,
// and, when the grader runs as root, as an unprivileged user inside private mount, PID,
// network, IPC and UTS namespaces (a read-only view of the system's libraries and the Swift
// toolchain, an empty writable /tmp and working directory, nothing of the grader's files).
//
// Written in C because everything between fork() and exec() must be async-signal-safe
// system calls (the grader is multithreaded), and prctl(2) is variadic (not callable from Swift).
#ifndef BACKPROP_GRADE_SANDBOX_H
#define BACKPROP_GRADE_SANDBOX_H

#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/// What to run and how to contain it.
typedef struct backprop_sandbox {
    /// Absolute path of the program (bound read-only at /runner inside the namespaces).
    const char *executable;
    /// NULL-terminated argument and environment vectors.
    const char *const *arguments;
    const char *const *environment;
    /// Descriptors that become the child's 0, 1, 2 and 3 (the grader's channel).
    int stdin_fd, stdout_fd, stderr_fd, channel_fd;
    /// An empty directory, owned by the grader: the working directory (not isolated), or the
    /// mount point of the private root (isolated).
    const char *work_directory;
    /// Non-zero: namespaces + user switch (needs root).
    int isolate;
    uid_t uid;
    gid_t gid;
    /// NULL-terminated list of host directories bound read-only at the same path inside the
    /// private root (the Swift toolchain's usr/, for libswiftCore.so and swift-backtrace).
    const char *const *read_only_paths;
    /// NULL-terminated list of cgroup directories to join before anything else (may be NULL).
    const char *const *cgroups;
    /// Resource limits; 0 leaves a limit as inherited.
    long cpu_seconds;
    long long address_space_bytes;
    long long file_size_bytes;
    long processes;
    long open_files;
    /// Size of the private root's tmpfs (isolated only), in bytes.
    long long scratch_bytes;
} backprop_sandbox;

/// Starts the contained child. Returns its PID (> 0), or -1 with `error` (a buffer of
/// `error_size` bytes) saying which step failed and why, e.g. "unshare: Operation not permitted".
pid_t backprop_sandbox_spawn(const backprop_sandbox *sandbox, char *error, size_t error_size);

/// Makes this process a subreaper: orphaned descendants (a student's setsid daemons) become its
/// children, so the grader can find and kill them. Returns 0, or -1 (not Linux).
int backprop_become_subreaper(void);

#ifdef __cplusplus
}
#endif

#endif
