"""numpy reference for `make bench` (Sources/Benchmarks/main.swift).

The Swift benchmark starts this script as a child process and sends one command per line
on stdin; for each command the script runs the same computation with numpy `reps` times and
answers with the best wall-clock time in seconds. Measurements alternate with the Swift
ones, so both see the same machine load. The number of BLAS threads is fixed by the parent
through OPENBLAS_NUM_THREADS / OMP_NUM_THREADS / MKL_NUM_THREADS before numpy is imported.

Commands:
  matmul M K N REPS            C = A @ B, float32, A (M, K), B (K, N)
  elementwise OP COUNT REPS    OP in add, scale, relu, exp, sum, sumaxis0, bias
  mlp-epoch SAMPLES BATCH HIDDEN REPS
                               one epoch of a 784-HIDDEN-10 ReLU/softmax network with
                               plain SGD, explicit backprop (the same algorithm as Neural)
  load-idx PATH REPS           a gzip IDX file of images into a float32 array
  load-csv PATH REPS           a numeric CSV file into a float32 array (numpy.loadtxt)
  memory                       peak resident memory of this process so far, in MiB
  quit
"""
import resource
import sys
import time

import numpy as np

rng = np.random.default_rng(0)


def best_of(reps, fn):
    fn()  # warm up (first-touch page faults, BLAS buffers)
    best = float("inf")
    for _ in range(reps):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def matmul(m, k, n, reps):
    a = rng.random((m, k), dtype=np.float32)
    b = rng.random((k, n), dtype=np.float32)
    return best_of(reps, lambda: a @ b)


def elementwise(op, count, reps):
    x = rng.random(count, dtype=np.float32) - 0.5
    y = rng.random(count, dtype=np.float32)
    matrix = x.reshape(-1, 512)
    row = y[:512]
    ops = {
        "add": lambda: x + y,
        "scale": lambda: x * np.float32(2),
        "relu": lambda: np.maximum(x, np.float32(0)),
        "exp": lambda: np.exp(x),
        "sum": lambda: x.sum(),
        "sumaxis0": lambda: matrix.sum(axis=0),
        "bias": lambda: matrix + row,
    }
    return best_of(reps, ops[op])


def mlp_epoch(samples, batch, hidden, reps):
    """One epoch of minibatch SGD on a 784-hidden-10 ReLU/softmax network."""
    x = rng.random((samples, 784), dtype=np.float32)
    labels = rng.integers(0, 10, samples)
    y = np.zeros((samples, 10), dtype=np.float32)
    y[np.arange(samples), labels] = 1
    limit1 = np.sqrt(6 / (784 + hidden))
    limit2 = np.sqrt(6 / (hidden + 10))
    w1 = rng.uniform(-limit1, limit1, (784, hidden)).astype(np.float32)
    b1 = np.zeros(hidden, dtype=np.float32)
    w2 = rng.uniform(-limit2, limit2, (hidden, 10)).astype(np.float32)
    b2 = np.zeros(10, dtype=np.float32)
    lr = np.float32(0.01)

    def epoch():
        nonlocal w1, b1, w2, b2
        order = rng.permutation(samples)
        for start in range(0, samples, batch):
            idx = order[start:start + batch]
            xb, yb = x[idx], y[idx]
            s1 = xb @ w1 + b1
            x1 = np.maximum(s1, 0)
            s2 = x1 @ w2 + b2
            s2 = s2 - s2.max(axis=1, keepdims=True)
            e = np.exp(s2)
            p = e / e.sum(axis=1, keepdims=True)
            m = np.float32(len(idx))
            delta2 = (p - yb) / m
            dw2 = x1.T @ delta2
            db2 = delta2.sum(axis=0)
            delta1 = (delta2 @ w2.T) * (s1 > 0)
            dw1 = xb.T @ delta1
            db1 = delta1.sum(axis=0)
            w2 -= lr * dw2
            b2 -= lr * db2
            w1 -= lr * dw1
            b1 -= lr * db1

    return best_of(reps, epoch)


def load_idx(path, reps):
    import gzip

    def load():
        raw = gzip.open(path).read()
        count, rows, columns = (int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(3))
        return np.frombuffer(raw, np.uint8, offset=16).reshape(count, rows * columns).astype(np.float32)

    return best_of(reps, load)


def load_csv(path, reps):
    return best_of(reps, lambda: np.loadtxt(path, delimiter=",", dtype=np.float32))


def main():
    for line in sys.stdin:
        words = line.split()
        if not words:
            continue
        if words[0] == "quit":
            break
        if words[0] == "matmul":
            seconds = matmul(*map(int, words[1:5]))
        elif words[0] == "elementwise":
            seconds = elementwise(words[1], int(words[2]), int(words[3]))
        elif words[0] == "mlp-epoch":
            seconds = mlp_epoch(*map(int, words[1:5]))
        elif words[0] == "load-idx":
            seconds = load_idx(words[1], int(words[2]))
        elif words[0] == "load-csv":
            seconds = load_csv(words[1], int(words[2]))
        elif words[0] == "memory":
            # ru_maxrss is in KiB on Linux, in bytes on macOS.
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            seconds = peak / 1024 if sys.platform != "darwin" else peak / 1024 / 1024
        else:
            print(f"error unknown command {words[0]}", flush=True)
            continue
        print(f"{seconds:.9f}", flush=True)


if __name__ == "__main__":
    main()
