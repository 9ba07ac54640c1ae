"""Fixtures for SecondOrderCliTest: Hessians by torch.autograd.functional.hessian (float64), torch 1.13.

Run from this folder with Debian's python3-torch: /usr/bin/python3 make_torch_hessians.py
Each case: inputs <case>.<NAME>.npy, an optional cotangent <case>.G.npy, and every ordered pair of the
requested inputs <case>.H.<A>.<B>.npy of shape shape(A) + shape(B). cases.txt lists case | expression | wrt | specs.
"""
import numpy as np
import torch

torch.set_default_dtype(torch.float64)
rng = np.random.default_rng(20261204)

# name, expression in our language, wrt, input specs, the same function in torch (inputs by name), cotangent shape
CASES = [
    ("mlp", "sum(square(tanh(W2 @ tanh(W1 @ X + b1) + b2) - Y))", "X,W1,b1",
     "W1:4x3 W2:2x4 X:3x5 b1:4x1 b2:2x1 Y:2x5",
     lambda v: ((torch.tanh(v["W2"] @ torch.tanh(v["W1"] @ v["X"] + v["b1"]) + v["b2"]) - v["Y"]) ** 2).sum(), None),
    ("softmax", "sum(softmax(X, 1) * Y) + mean(sigmoid(X) * exp(-square(X)))", "X",
     "X:3x4 Y:3x4",
     lambda v: (torch.softmax(v["X"], 1) * v["Y"]).sum()
     + (torch.sigmoid(v["X"]) * torch.exp(-v["X"] ** 2)).mean(), None),
    ("inverse", "trace(inv(S) @ X) + sum(log(P) * sqrt(P) / (P + 1))", "S,P,X",
     "S:3x3 P:3x3 X:3x3",
     lambda v: torch.trace(torch.inverse(v["S"]) @ v["X"])
     + (torch.log(v["P"]) * torch.sqrt(v["P"]) / (v["P"] + 1)).sum(), None),
    ("elementwise", "sum(pow(P, 2.5) @ relu(N)) + sum(abs(N) * sin(X) * cos(X.T))", "P,N,X",
     "P:3x3 N:3x3 X:3x3",
     lambda v: (v["P"] ** 2.5 @ torch.relu(v["N"])).sum()
     + (torch.abs(v["N"]) * torch.sin(v["X"]) * torch.cos(v["X"].T)).sum(), None),
    ("axes", "sum(mean(square(X), 0) @ c) + sum(sum(X, 1) * d) - mean(X / (2 + X * X), 1).T @ d", "X,c,d",
     "X:3x4 c:4x1 d:3x1",
     lambda v: (v["X"].pow(2).mean(0, keepdim=True) @ v["c"]).sum() + (v["X"].sum(1, keepdim=True) * v["d"]).sum()
     - (v["X"] / (2 + v["X"] * v["X"])).mean(1, keepdim=True).T @ v["d"], None),
    ("cotangent", "tanh(W @ X).T * 3", "W,X",
     "W:3x2 X:2x4",
     lambda v: torch.tanh(v["W"] @ v["X"]).T * 3, (4, 3)),
    ("linalg", "logdet(S) + sum(solve(S, X) * X) + norm(X) + det(S) / 100", "S,X",
     "S:3x3 X:3x2",
     lambda v: torch.linalg.slogdet(v["S"])[1] + (torch.linalg.solve(v["S"], v["X"]) * v["X"]).sum()
     + torch.linalg.norm(v["X"]) + torch.linalg.det(v["S"]) / 100, None),
    ("shapes", "sum(square(concat(X[:, :2], X[1:].T @ X[1:, :1], 1))) + logsumexp(kron(X[:2, :2], X[:1, :2]))"
               " + sum(softplus(X) * erf(X)) + sum(X ** 3 / (1 + P ** X))", "X,P",
     "X:3x3 P:3x3",
     lambda v: (torch.cat([v["X"][:, :2], v["X"][1:].T @ v["X"][1:, :1]], 1) ** 2).sum()
     + torch.logsumexp(torch.kron(v["X"][:2, :2], v["X"][:1, :2]).reshape(-1), 0)
     + (torch.nn.functional.softplus(v["X"]) * torch.erf(v["X"])).sum()
     + (v["X"] ** 3 / (1 + v["P"] ** v["X"])).sum(), None),
]


def value(name, rows, cols):
    if name.startswith("P"):
        return 0.5 + 1.5 * rng.random((rows, cols))
    if name.startswith("N"):
        g = rng.standard_normal((rows, cols))
        return np.copysign(0.2 + np.abs(g), g)
    m = rng.standard_normal((rows, cols))
    if name.startswith("S"):
        m += 4 * np.eye(rows, cols)
    return m


lines = []
for case, expr, wrt, specs, fn, cot in CASES:
    vals = {}
    for spec in specs.split():
        name, shape = spec.split(":")
        r, c = (int(x) for x in shape.split("x"))
        vals[name] = value(name, r, c)
        np.save(f"{case}.{name}.npy", vals[name])
    names = wrt.split(",")
    G = None
    if cot is not None:
        G = rng.standard_normal(cot)
        np.save(f"{case}.G.npy", G)

    def scalar(*args):
        v = {k: torch.tensor(x) for k, x in vals.items()}
        v.update(dict(zip(names, args)))
        out = fn(v)
        return (torch.tensor(G) * out).sum() if G is not None else out.reshape(())

    H = torch.autograd.functional.hessian(scalar, tuple(torch.tensor(vals[n]) for n in names))
    for i, a in enumerate(names):
        for j, b in enumerate(names):
            np.save(f"{case}.H.{a}.{b}.npy", H[i][j].numpy())
    lines.append(f"{case} | {expr} | {wrt} | {specs}" + (" | G" if cot is not None else ""))
with open("cases.txt", "w") as f:
    f.write("\n".join(lines) + "\n")
