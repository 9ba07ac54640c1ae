"""Fixtures for OpsTorchTest: Jacobians by torch.autograd.functional.jacobian (float64), torch 1.13.

Run from this folder with Debian's python3-torch: /usr/bin/python3 make_torch_ops.py
Each case: inputs <case>.<NAME>.npy and, per requested input X, <case>.J.<X>.npy of shape shape(out) + shape(X) —
the layout of `adjoint jacobian`'s DIR/X.npy. cases.txt lists case | expression | wrt | specs.
"""
import numpy as np
import torch

torch.set_default_dtype(torch.float64)
rng = np.random.default_rng(20261205)
T = torch


def rbf_nll(v):
    X, y = v["X"], v["y"]
    sq = (X ** 2).sum(1, keepdim=True)
    K = torch.exp(-0.5 * (sq + sq.T - 2 * X @ X.T)) + 0.1 * torch.eye(X.shape[0])
    return 0.5 * y.T @ torch.linalg.solve(K, y) + 0.5 * torch.linalg.slogdet(K)[1]


def heads(v):
    X, Wq, Wk, Wv = v["X"], v["Wq"], v["Wk"], v["Wv"]
    out = []
    for h in (slice(0, 4), slice(4, 8)):
        q, k, val = X @ Wq[:, h], X @ Wk[:, h], X @ Wv[:, h]
        out.append(torch.softmax(q @ k.T / 2, 1) @ val)
    return torch.cat(out, 1)


GP = ("0.5 * y.T @ solve(exp(-0.5 * (sum(square(X), 1) + sum(square(X), 1).T - 2 * X @ X.T)) + 0.1 * eye(12), y)"
      " + 0.5 * logdet(exp(-0.5 * (sum(square(X), 1) + sum(square(X), 1).T - 2 * X @ X.T)) + 0.1 * eye(12))")
ATTENTION = ("concat(softmax((X @ Wq[:, :4]) @ (X @ Wk[:, :4]).T / 2, 1) @ (X @ Wv[:, :4]),"
             " softmax((X @ Wq[:, 4:]) @ (X @ Wk[:, 4:]).T / 2, 1) @ (X @ Wv[:, 4:]), 1)")

# name, expression in our language, wrt, input specs, the same function in torch (inputs by name)
CASES = [
    ("gp", GP, "X,y", "X:12x3 y:12x1", rbf_nll),
    ("attention", ATTENTION, "X,Wq,Wk,Wv", "X:5x8 Wq:8x8 Wk:8x8 Wv:8x8", heads),
    ("solve", "solve(S, B)", "S,B", "S:4x4 B:4x3", lambda v: T.linalg.solve(v["S"], v["B"])),
    ("det", "det(A) + logdet(S)", "A,S", "A:4x4 S:4x4",
     lambda v: (T.linalg.det(v["A"]) + T.linalg.slogdet(v["S"])[1]).reshape(1, 1)),
    ("inv", "inv(S) @ B", "S,B", "S:3x3 B:3x2", lambda v: T.inverse(v["S"]) @ v["B"]),
    ("reductions", "concat(max(X, 0), min(X, 0), logsumexp(X, 0), norm(X, 0), 0)", "X", "X:3x4",
     lambda v: T.cat([v["X"].amax(0, keepdim=True), v["X"].amin(0, keepdim=True),
                      T.logsumexp(v["X"], 0, keepdim=True), T.linalg.norm(v["X"], dim=0, keepdim=True)], 0)),
    ("whole", "concat(max(X), min(X), logsumexp(X), norm(X), 1)", "X", "X:3x4",
     lambda v: T.stack([v["X"].amax(), v["X"].amin(), T.logsumexp(v["X"].reshape(-1), 0),
                        T.linalg.norm(v["X"])]).reshape(1, 4)),
    ("rows", "concat(max(X, 1), logsumexp(X, 1), norm(X, 1), 1)", "X", "X:3x4",
     lambda v: T.cat([v["X"].amax(1, keepdim=True), T.logsumexp(v["X"], 1, keepdim=True),
                      T.linalg.norm(v["X"], dim=1, keepdim=True)], 1)),
    ("unary", "log1p(P) + expm1(X) + softplus(X) + log_sigmoid(X) + tan(0.3 * X) + atan(X) + sinh(X) + cosh(X)"
              " + erf(X)", "P,X", "P:3x4 X:3x4",
     lambda v: T.log1p(v["P"]) + T.expm1(v["X"]) + T.nn.functional.softplus(v["X"])
     + T.nn.functional.logsigmoid(v["X"]) + T.tan(0.3 * v["X"]) + T.atan(v["X"]) + T.sinh(v["X"])
     + T.cosh(v["X"]) + T.erf(v["X"])),
    ("binary", "P ** X + maximum(X, Y) - minimum(X, r) + P ** 2", "P,X,Y,r", "P:3x4 X:3x4 Y:3x4 r:1x4",
     lambda v: v["P"] ** v["X"] + T.maximum(v["X"], v["Y"]) - T.minimum(v["X"], v["r"]) + v["P"] ** 2),
    ("shapes", "kron(X[1:, ::2], B) + reshape(concat(X, X[-1], 0), 4, 4)[:, :2] @ ones(2, 4)", "X,B",
     "X:3x4 B:2x2",
     lambda v: T.kron(v["X"][1:, ::2], v["B"])
     + T.cat([v["X"], v["X"][-1:]], 0).reshape(4, 4)[:, :2] @ T.ones(2, 4)),
    ("diag", "diag(diag(S)) @ S + diag(c.T) * 2 + eye(3)", "S,c", "S:3x3 c:3x1",
     lambda v: T.diag(T.diag(v["S"])) @ v["S"] + T.diag(v["c"].reshape(-1)) * 2 + T.eye(3)),
    ("triangular", "cholesky(S @ S.T) + tri_solve(S, B) @ ones(2, 3) + tril(S)", "S,B", "S:3x3 B:3x2",
     lambda v: T.linalg.cholesky(v["S"] @ v["S"].T)
     + T.linalg.solve_triangular(T.tril(v["S"]), v["B"], upper=False) @ T.ones(2, 3) + T.tril(v["S"])),
]


def value(name, rows, cols):
    if name.startswith("P"):
        return 0.5 + 1.5 * rng.random((rows, cols))
    m = rng.standard_normal((rows, cols))
    if name.startswith("S"):
        m += 4 * np.eye(rows, cols)
    return m


lines = []
for case, expr, wrt, specs, fn in CASES:
    vals = {}
    for spec in specs.split():
        name, shape = spec.split(":")
        r, c = (int(x) for x in shape.split("x"))
        vals[name] = value(name, r, c)
        np.save(f"{case}.{name}.npy", vals[name])
    names = wrt.split(",")
    tensors = {k: torch.tensor(v) for k, v in vals.items()}

    def f(*xs):
        v = dict(tensors)
        v.update(dict(zip(names, xs)))
        return fn(v)

    jac = torch.autograd.functional.jacobian(f, tuple(tensors[n] for n in names))
    for n, j in zip(names, jac):
        np.save(f"{case}.J.{n}.npy", j.numpy())
    lines.append(f"{case} | {expr} | {wrt} | {specs}")

with open("cases.txt", "w") as out:
    out.write("\n".join(lines) + "\n")
print(f"{len(lines)} cases")
