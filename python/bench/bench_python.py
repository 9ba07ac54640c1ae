"""The Python API beside PyTorch, one process per side, in-process medians (after warm-up) — the figures of the
README's "From Python" table.

    python3 python/bench/bench_python.py CASE SIDE [--repeat R]

CASE: call (a 3×5 jacobian and vjp, per call), loop16 (100 VJPs of the n=16 MLP in a loop), jac96 (the n=96 MLP
Jacobian d/dX: NumPy, CSR), prod128 (vjp and jvp of the n=128 MLP, N=64 batch), startup (the first call of a fresh
process, JVM included), startup-spark (the same, its job on Spark tasks: Spark starts in it). SIDE: ours or torch. The MLP is tanh(W @ X + b), W n×n, X n×n, b n×1, float64.
PyTorch runs on 2 threads (the machine's cores), as our local[2]. Prints one line per figure: CASE SIDE what seconds.
"""

import argparse
import statistics
import sys
import time

import numpy as np

t_process = time.perf_counter()


def mlp(n, seed=0):
    rng = np.random.default_rng(seed)
    return dict(W=rng.standard_normal((n, n)) / np.sqrt(n), X=rng.standard_normal((n, n)),
                b=rng.standard_normal((n, 1)))


def median_of(f, repeat, warm=5):
    for _ in range(warm):
        f()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def say(case, side, what, seconds):
    print("%s %s %s %.6f" % (case, side, what, seconds), flush=True)


def ours(case, repeat):
    sys.path.insert(0, __file__.rsplit("/bench/", 1)[0])
    import adjoint

    E = "tanh(W @ X + b)"
    if case.startswith("startup"):
        rng = np.random.default_rng(0)
        x = dict(W=rng.standard_normal((3, 4)), X=rng.standard_normal((4, 5)), b=rng.standard_normal((3, 1)))
        t = time.perf_counter()
        if case == "startup-spark":  # the first call runs Spark tasks: Spark starts in it
            adjoint.start(master="local[2]", conf={"spark.adjoint.driverTasks": "never"})
        adjoint.jacobian(E, wrt="X", **x)
        say(case, "ours", "first-call", time.perf_counter() - t)
        say(case, "ours", "process-to-first-result", time.perf_counter() - t_process)
        return
    adjoint.start(master="local[2]")
    if case == "call":
        rng = np.random.default_rng(0)
        x = dict(W=rng.standard_normal((3, 4)), X=rng.standard_normal((4, 5)), b=rng.standard_normal((3, 1)))
        G = np.ones((3, 5))
        for _ in range(300):  # the JIT compiles the command path
            adjoint.jacobian(E, wrt="X", **x)
            adjoint.vjp(E, G, wrt="X", **x)
        say(case, "ours", "jacobian-3x5", median_of(lambda: adjoint.jacobian(E, wrt="X", **x), repeat * 20))
        say(case, "ours", "vjp-3x5", median_of(lambda: adjoint.vjp(E, G, wrt="X", **x), repeat * 20))
    elif case == "loop16":
        x = mlp(16)
        Gs = np.random.default_rng(1).standard_normal((100, 16, 16))
        loop = lambda: [adjoint.vjp(E, Gs[i], wrt="X", **x) for i in range(100)]  # noqa: E731
        t = time.perf_counter()
        loop()
        say(case, "ours", "100-vjps-first", time.perf_counter() - t)  # the JIT has not compiled the path yet
        say(case, "ours", "100-vjps", median_of(loop, repeat, warm=20))
    elif case == "jac96":
        x = mlp(96)
        say(case, "ours", "jacobian-numpy", median_of(lambda: adjoint.jacobian(E, wrt="X", **x), repeat))
        say(case, "ours", "jacobian-csr", median_of(lambda: adjoint.jacobian(E, wrt="X", format="csr", **x), repeat))
    elif case == "prod128":
        x = mlp(128)
        rng = np.random.default_rng(2)
        G, V = rng.standard_normal((64, 128, 128)), rng.standard_normal((64, 128, 128))
        say(case, "ours", "vjp-N64", median_of(lambda: adjoint.vjp(E, G, wrt="X", **x), repeat, warm=20))
        say(case, "ours", "jvp-N64", median_of(lambda: adjoint.jvp(E, {"X": V}, **x), repeat, warm=20))


def torch_side(case, repeat):
    import torch

    torch.set_num_threads(2)
    if case.startswith("startup"):
        rng = np.random.default_rng(0)
        W, X, b = (torch.tensor(rng.standard_normal(s)) for s in ((3, 4), (4, 5), (3, 1)))
        t = time.perf_counter()
        torch.autograd.functional.jacobian(lambda X: torch.tanh(W @ X + b), X)
        say(case, "torch", "first-call", time.perf_counter() - t)
        say(case, "torch", "process-to-first-result", time.perf_counter() - t_process)
        return

    def tensors(x):
        return {k: torch.tensor(v) for k, v in x.items()}

    if case == "call":
        rng = np.random.default_rng(0)
        t = tensors(dict(W=rng.standard_normal((3, 4)), X=rng.standard_normal((4, 5)), b=rng.standard_normal((3, 1))))
        f = lambda X: torch.tanh(t["W"] @ X + t["b"])  # noqa: E731
        G = torch.ones(3, 5)
        say(case, "torch", "jacobian-3x5",
            median_of(lambda: torch.autograd.functional.jacobian(f, t["X"]).numpy(), repeat * 20, warm=50))
        say(case, "torch", "vjp-3x5", median_of(lambda: torch.autograd.functional.vjp(f, t["X"], G)[1].numpy(),
                                                repeat * 20, warm=50))
    elif case == "loop16":
        t = tensors(mlp(16))
        f = lambda X: torch.tanh(t["W"] @ X + t["b"])  # noqa: E731
        Gs = torch.tensor(np.random.default_rng(1).standard_normal((100, 16, 16)))
        loop = lambda: [torch.autograd.functional.vjp(f, t["X"], Gs[i])[1].numpy() for i in range(100)]  # noqa: E731
        t0 = time.perf_counter()
        loop()
        say(case, "torch", "100-vjps-first", time.perf_counter() - t0)
        say(case, "torch", "100-vjps", median_of(loop, repeat, warm=20))
    elif case == "jac96":
        t = tensors(mlp(96))
        f = lambda X: torch.tanh(t["W"] @ X + t["b"])  # noqa: E731
        say(case, "torch", "jacobian-vectorized",
            median_of(lambda: torch.autograd.functional.jacobian(f, t["X"], vectorize=True).numpy(), repeat, warm=1))
    elif case == "prod128":
        t = tensors(mlp(128))
        f = lambda X: torch.tanh(t["W"] @ X + t["b"])  # noqa: E731
        rng = np.random.default_rng(2)
        G, V = torch.tensor(rng.standard_normal((64, 128, 128))), torch.tensor(rng.standard_normal((64, 128, 128)))
        say(case, "torch", "vjp-N64-looped",
            median_of(lambda: [torch.autograd.functional.vjp(f, t["X"], G[i])[1] for i in range(64)], repeat, warm=20))
        say(case, "torch", "jvp-N64-looped",
            median_of(lambda: [torch.autograd.functional.jvp(f, t["X"], V[i])[1] for i in range(64)], repeat, warm=20))

        def batched_vjp():  # one backward with a batch of cotangents (vmap inside autograd)
            X = t["X"].clone().requires_grad_(True)
            return torch.autograd.grad(f(X), X, G, is_grads_batched=True)[0]

        say(case, "torch", "vjp-N64-batched", median_of(batched_vjp, repeat, warm=20))


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("case", choices=["call", "loop16", "jac96", "prod128", "startup", "startup-spark"])
    p.add_argument("side", choices=["ours", "torch"])
    p.add_argument("--repeat", type=int, default=5)
    a = p.parse_args()
    (ours if a.side == "ours" else torch_side)(a.case, a.repeat)


if __name__ == "__main__":
    main()
