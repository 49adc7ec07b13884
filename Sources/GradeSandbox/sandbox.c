// See include/GradeSandbox.h. Everything the child does between fork() and execve() is a
// plain system call (no malloc, no stdio, no locks): the grader that forks is multithreaded.
#define _GNU_SOURCE
#include "GradeSandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#ifdef __linux__
#include <sched.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#endif

/// What a child that could not start sends back on the error pipe before `_exit(127)`.
typedef struct {
    int error;
    char step[96];
} failure;

static size_t length(const char *s) {
    size_t n = 0;
    while (s[n]) n++;
    return n;
}

/// `buffer = a + b` (truncated to PATH_MAX); async-signal-safe.
static void join(char *buffer, const char *a, const char *b) {
    size_t n = 0;
    for (size_t i = 0; a[i] && n < PATH_MAX - 1; i++) buffer[n++] = a[i];
    for (size_t i = 0; b && b[i] && n < PATH_MAX - 1; i++) buffer[n++] = b[i];
    buffer[n] = 0;
}

static void fail(int pipe_fd, const char *step, const char *detail) {
    failure f;
    f.error = errno;
    memset(f.step, 0, sizeof f.step);
    size_t n = 0;
    for (size_t i = 0; step[i] && n < sizeof f.step - 1; i++) f.step[n++] = step[i];
    if (detail) {
        if (n < sizeof f.step - 1) f.step[n++] = ' ';
        for (size_t i = 0; detail[i] && n < sizeof f.step - 1; i++) f.step[n++] = detail[i];
    }
    ssize_t ignored = write(pipe_fd, &f, sizeof f);
    (void)ignored;
    _exit(127);
}

static void close_from(int lowest) {
#if defined(__linux__) && defined(SYS_close_range)
    if (syscall(SYS_close_range, (unsigned)lowest, ~0U, 0) == 0) return;
#endif
    struct rlimit limit;
    long highest = getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < 65536
        ? (long)limit.rlim_cur : 65536;
    for (long fd = lowest; fd < highest; fd++) close((int)fd);
}

static void set_limit(int pipe_fd, int resource, long long value, const char *name) {
    if (value <= 0) return;
    struct rlimit limit = {(rlim_t)value, (rlim_t)value};
    if (setrlimit(resource, &limit) != 0) fail(pipe_fd, "setrlimit", name);
}

static void apply_limits(int pipe_fd, const backprop_sandbox *s) {
    set_limit(pipe_fd, RLIMIT_CPU, s->cpu_seconds, "RLIMIT_CPU");
    set_limit(pipe_fd, RLIMIT_AS, s->address_space_bytes, "RLIMIT_AS");
    set_limit(pipe_fd, RLIMIT_FSIZE, s->file_size_bytes, "RLIMIT_FSIZE");
    set_limit(pipe_fd, RLIMIT_NOFILE, s->open_files, "RLIMIT_NOFILE");
#ifdef RLIMIT_NPROC
    set_limit(pipe_fd, RLIMIT_NPROC, s->processes, "RLIMIT_NPROC");
#endif
    struct rlimit none = {0, 0};
    setrlimit(RLIMIT_CORE, &none);
}

/// Moves the descriptors given to 0, 1, 2, 3 and the error pipe to 4 (close-on-exec), then
/// closes every other descriptor the grader had open.
static int arrange_descriptors(int pipe_fd, const backprop_sandbox *s) {
    int sources[4] = {s->stdin_fd, s->stdout_fd, s->stderr_fd, s->channel_fd};
    int high[4];
    for (int i = 0; i < 4; i++) {
        high[i] = fcntl(sources[i], F_DUPFD_CLOEXEC, 10);
        if (high[i] < 0) fail(pipe_fd, "dup", "of a standard descriptor");
    }
    int error_fd = fcntl(pipe_fd, F_DUPFD_CLOEXEC, 10);
    if (error_fd < 0) fail(pipe_fd, "dup", "of the error pipe");
    for (int i = 0; i < 4; i++) {
        if (dup2(high[i], i) != i) fail(error_fd, "dup2", NULL);
    }
#ifdef __linux__
    if (dup3(error_fd, 4, O_CLOEXEC) != 4) fail(error_fd, "dup3", NULL);
#else
    if (dup2(error_fd, 4) != 4 || fcntl(4, F_SETFD, FD_CLOEXEC) != 0) fail(error_fd, "dup2", NULL);
#endif
    close_from(5);
    return 4;
}

#ifdef __linux__
static void write_text(int pipe_fd, const char *path, const char *text) {
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) fail(pipe_fd, "open", path);
    if (write(fd, text, length(text)) != (ssize_t)length(text)) fail(pipe_fd, "write", path);
    close(fd);
}

/// `mkdir -p` of `path` (absolute) below `root`.
static void make_directories(int pipe_fd, const char *root, const char *path) {
    char buffer[PATH_MAX];
    join(buffer, root, path);
    size_t start = length(root) + 1;
    for (size_t i = start; buffer[i - 1]; i++) {
        if (buffer[i] == '/' || buffer[i] == 0) {
            char saved = buffer[i];
            buffer[i] = 0;
            if (mkdir(buffer, 0755) != 0 && errno != EEXIST) fail(pipe_fd, "mkdir", buffer);
            buffer[i] = saved;
            if (!saved) break;
        }
    }
}

/// Binds `source` read-only at `target` (a directory or a file that exists).
static void bind_read_only(int pipe_fd, const char *source, const char *target) {
    if (mount(source, target, NULL, MS_BIND | MS_REC, NULL) != 0) fail(pipe_fd, "bind", source);
    unsigned long flags = MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID;
    if (mount(NULL, target, NULL, flags, NULL) != 0) {
        // Flags the source mount already has must be kept (else EPERM where they are locked).
        struct statvfs info;
        if (statvfs(source, &info) == 0) {
            if (info.f_flag & ST_NODEV) flags |= MS_NODEV;
            if (info.f_flag & ST_NOEXEC) flags |= MS_NOEXEC;
        }
        if (mount(NULL, target, NULL, flags, NULL) != 0) fail(pipe_fd, "remount read-only", target);
    }
}

/// The private root: a tmpfs with the system's directories bound read-only, /proc of the new
/// PID namespace, a few device files, /tmp, an empty /work owned by the student user, and the
/// program at /runner. Then chroot into it.
static void build_root(int pipe_fd, const backprop_sandbox *s) {
    const char *root = s->work_directory;
    char path[PATH_MAX], options[96];
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0) fail(pipe_fd, "mount", "/ private");
    // "size=<bytes>,mode=0755" without snprintf.
    {
        char digits[24];
        int n = 0;
        unsigned long long value = s->scratch_bytes > 0 ? (unsigned long long)s->scratch_bytes : 64ULL << 20;
        do { digits[n++] = (char)('0' + value % 10); value /= 10; } while (value && n < 23);
        size_t k = 0;
        const char *prefix = "size=";
        for (size_t i = 0; prefix[i]; i++) options[k++] = prefix[i];
        while (n > 0) options[k++] = digits[--n];
        const char *suffix = ",mode=0755";
        for (size_t i = 0; suffix[i]; i++) options[k++] = suffix[i];
        options[k] = 0;
    }
    if (mount("backprop-grade", root, "tmpfs", MS_NOSUID, options) != 0) fail(pipe_fd, "mount tmpfs", root);
    static const char *const system_paths[] = {"/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc", NULL};
    for (int i = 0; system_paths[i]; i++) {
        struct stat info;
        if (lstat(system_paths[i], &info) != 0) continue;
        join(path, root, system_paths[i]);
        if (S_ISLNK(info.st_mode)) {
            char target[PATH_MAX];
            ssize_t n = readlink(system_paths[i], target, sizeof target - 1);
            if (n < 0) fail(pipe_fd, "readlink", system_paths[i]);
            target[n] = 0;
            if (symlink(target, path) != 0) fail(pipe_fd, "symlink", path);
        } else if (S_ISDIR(info.st_mode)) {
            if (mkdir(path, 0755) != 0) fail(pipe_fd, "mkdir", path);
            bind_read_only(pipe_fd, system_paths[i], path);
        }
    }
    for (int i = 0; s->read_only_paths && s->read_only_paths[i]; i++) {
        const char *extra = s->read_only_paths[i];
        struct stat info;
        if (stat(extra, &info) != 0 || !S_ISDIR(info.st_mode)) continue;
        make_directories(pipe_fd, root, extra);
        join(path, root, extra);
        bind_read_only(pipe_fd, extra, path);
    }
    join(path, root, "/proc");
    if (mkdir(path, 0555) != 0) fail(pipe_fd, "mkdir", path);
    if (mount("proc", path, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) != 0) fail(pipe_fd, "mount", "/proc");
    join(path, root, "/dev");
    if (mkdir(path, 0755) != 0) fail(pipe_fd, "mkdir", path);
    static const char *const devices[] = {"/dev/null", "/dev/zero", "/dev/random", "/dev/urandom", NULL};
    for (int i = 0; devices[i]; i++) {
        join(path, root, devices[i]);
        int fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0666);
        if (fd < 0) fail(pipe_fd, "create", path);
        close(fd);
        if (mount(devices[i], path, NULL, MS_BIND, NULL) != 0) fail(pipe_fd, "bind", devices[i]);
    }
    join(path, root, "/tmp");
    if (mkdir(path, 0755) != 0 || chmod(path, 01777) != 0) fail(pipe_fd, "mkdir", path);
    join(path, root, "/work");
    if (mkdir(path, 0700) != 0 || chown(path, s->uid, s->gid) != 0) fail(pipe_fd, "mkdir", path);
    join(path, root, "/runner");
    int fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0755);
    if (fd < 0) fail(pipe_fd, "create", path);
    close(fd);
    bind_read_only(pipe_fd, s->executable, path);
    if (chdir(root) != 0) fail(pipe_fd, "chdir", root);
    if (chroot(".") != 0) fail(pipe_fd, "chroot", root);
    if (chdir("/work") != 0) fail(pipe_fd, "chdir", "/work");
}

static void drop_privileges(int pipe_fd, const backprop_sandbox *s) {
    if (setgroups(0, NULL) != 0) fail(pipe_fd, "setgroups", NULL);
    if (setresgid(s->gid, s->gid, s->gid) != 0) fail(pipe_fd, "setresgid", NULL);
    if (setresuid(s->uid, s->uid, s->uid) != 0) fail(pipe_fd, "setresuid", NULL);
    if (setresuid(0, 0, 0) == 0) fail(pipe_fd, "setresuid", "(root could be regained)");
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) fail(pipe_fd, "prctl", "PR_SET_NO_NEW_PRIVS");
}

/// Waits for the namespace's first process and ends the same way (exit status or signal), so
/// the grader, which waits on this process by PID, sees what the runner did.
static void wait_and_mirror(pid_t child) {
    int status = 0;
    while (waitpid(child, &status, 0) < 0) {
        if (errno != EINTR) _exit(127);
    }
    if (WIFEXITED(status)) _exit(WEXITSTATUS(status));
    if (WIFSIGNALED(status)) {
        int signal_number = WTERMSIG(status);
        signal(signal_number, SIG_DFL);
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, signal_number);
        sigprocmask(SIG_UNBLOCK, &set, NULL);
        kill(getpid(), signal_number);
        _exit(128 + signal_number);
    }
    _exit(127);
}
#endif

static void run_child(int pipe_fd, const backprop_sandbox *s) {
    // Signals the grader blocks or ignores must not stay blocked or ignored in student code.
    sigset_t all;
    sigemptyset(&all);
    sigprocmask(SIG_SETMASK, &all, NULL);
    for (int signal_number = 1; signal_number < 32; signal_number++) {
        if (signal_number != SIGKILL && signal_number != SIGSTOP) signal(signal_number, SIG_DFL);
    }
    if (setsid() < 0) fail(pipe_fd, "setsid", NULL);
    pipe_fd = arrange_descriptors(pipe_fd, s);
#ifdef __linux__
    // If the grader dies, so does this process (and with it, below, the whole namespace).
    prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    if (s->isolate) {
        for (int i = 0; s->cgroups && s->cgroups[i]; i++) {
            char path[PATH_MAX];
            join(path, s->cgroups[i], "/cgroup.procs");
            write_text(pipe_fd, path, "0\n");
        }
        if (unshare(CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS) != 0) fail(pipe_fd, "unshare", NULL);
        pid_t first = fork();
        if (first < 0) fail(pipe_fd, "fork", "(PID namespace)");
        if (first > 0) {
            // This process only waits: it holds no descriptor of the child's.
            struct rlimit none = {0, 0};
            setrlimit(RLIMIT_CORE, &none);
            close_from(0);
            wait_and_mirror(first);
        }
        // PID 1 of the new namespace: when it ends, the kernel kills every process left in it.
        build_root(pipe_fd, s);
        apply_limits(pipe_fd, s);
        drop_privileges(pipe_fd, s);
        // Cleared by the change of user: set again, so this dies with the waiting parent.
        prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
        execve("/runner", (char *const *)s->arguments, (char *const *)s->environment);
        fail(pipe_fd, "execve", "/runner");
    }
#endif
    apply_limits(pipe_fd, s);
    if (chdir(s->work_directory) != 0) fail(pipe_fd, "chdir", s->work_directory);
    execve(s->executable, (char *const *)s->arguments, (char *const *)s->environment);
    fail(pipe_fd, "execve", s->executable);
}

pid_t backprop_sandbox_spawn(const backprop_sandbox *sandbox, char *error, size_t error_size) {
    int pipe_fds[2];
#ifdef __linux__
    if (pipe2(pipe_fds, O_CLOEXEC) != 0) {
#else
    if (pipe(pipe_fds) != 0 || fcntl(pipe_fds[0], F_SETFD, FD_CLOEXEC) != 0 || fcntl(pipe_fds[1], F_SETFD, FD_CLOEXEC) != 0) {
#endif
        snprintf(error, error_size, "pipe: %s", strerror(errno));
        return -1;
    }
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(error, error_size, "fork: %s", strerror(errno));
        close(pipe_fds[0]);
        close(pipe_fds[1]);
        return -1;
    }
    if (pid == 0) {
        close(pipe_fds[0]);
        run_child(pipe_fds[1], sandbox);
        _exit(127);
    }
    close(pipe_fds[1]);
    failure f;
    ssize_t n;
    do { n = read(pipe_fds[0], &f, sizeof f); } while (n < 0 && errno == EINTR);
    close(pipe_fds[0]);
    if (n == 0) return pid;   // the pipe closed on execve: the runner is running
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    if (n == (ssize_t)sizeof f) {
        f.step[sizeof f.step - 1] = 0;
        snprintf(error, error_size, "%s: %s", f.step, strerror(f.error));
    } else {
        snprintf(error, error_size, "the contained process could not start");
    }
    return -1;
}

int backprop_become_subreaper(void) {
#if defined(__linux__) && defined(PR_SET_CHILD_SUBREAPER)
    return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
#else
    return -1;
#endif
}
