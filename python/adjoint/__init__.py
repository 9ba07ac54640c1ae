"""Adjoint from Python: exact reverse-mode derivatives of matrix expressions, on NumPy and PyTorch data.

The JVM runs inside this process (JPype) with one Spark session, started on first use; each function runs the
CLI's command of the same name in-process — the same checks, plan and tasks, so the results equal the CLI's bit for
bit — with arrays crossing by direct buffers (no files). ::

    import numpy as np, adjoint
    W, X, b = np.random.randn(3, 4), np.random.randn(4, 5), np.random.randn(3, 1)
    J = adjoint.jacobian("tanh(W @ X + b)", wrt="X", W=W, X=X, b=b)    # (3, 5, 4, 5), torch's layout
    report = adjoint.gradcheck("tanh(W @ X + b)", wrt=["X", "W"], W=W, X=X, b=b)

Inputs: NumPy arrays, anything with ``__array__`` (PyTorch tensors: detached for you), or paths (``file://``,
``hdfs://``, a local path) for data that should not pass through Python; pass them as keywords or as
``inputs={...}`` (for names that clash with a parameter). ``wrt`` as one name returns one result; as a list, a dict.
Results: NumPy arrays, ``scipy.sparse.csr_array`` with ``format="csr"``, or the folder's path with ``out=``.
Errors: ``InputError`` (a ``ValueError``) with the CLI's one-line message for a caller's mistake, ``InternalError``
otherwise. Ctrl-C cancels the running job and leaves nothing behind.
"""

import os

from . import _jvm
from ._calls import Call, fast_products, path_arg
from ._errors import AdjointError, AdjointWarning, InputError, InternalError
from ._report import GradcheckReport

__all__ = [
    "start", "stop", "version", "jacobian", "vjp", "jvp", "gradcheck", "contract", "grad", "hessian", "hvp",
    "GradcheckReport", "AdjointError", "InputError", "InternalError", "AdjointWarning",
]


def start(master=None, conf=None, heap=None):
    """Starts the JVM and the Spark session now (the first call does it otherwise, with the defaults).

    master: Spark master (default ``local[*]``: embedded Spark on loopback); ``spark://host:7077`` runs on a cluster
        in client mode, the driver in this process (then give inputs and ``out=`` as paths the executors reach).
    conf: Spark settings, e.g. ``{"spark.ui.enabled": "true"}``.
    heap: the JVM heap, e.g. ``"8g"`` (default: $ADJOINT_DRIVER_MEMORY, else 4g); fixed for the process's life.
    """
    _jvm.start(master, conf, heap)


def stop():
    """Stops Spark; the next call starts it again (possibly with another master)."""
    _jvm.stop()


def version():
    """The CLI's ``--version``: Adjoint's and Spark's versions, and the BLAS and LU the products run on."""
    with Call("--version") as c:
        return c.run()[1].strip()


# ---- argument helpers ----


def _names(wrt, what="wrt"):
    """(names, single): "X" → (["X"], True); ["X", "W"] or "X,W" → (["X", "W"], False)."""
    if isinstance(wrt, str):
        names = [w.strip() for w in wrt.split(",") if w.strip()]
        return names, len(names) == 1
    names = list(wrt or [])
    if not names or not all(isinstance(n, str) for n in names):
        raise InputError("%s: give an input name or a list of names, e.g. %s=\"X\" or %s=[\"X\", \"W\"]" % (what, what, what))
    return names, False


def _merged(inputs, kw):
    given = dict(inputs or {})
    both = sorted(set(given) & set(kw))
    if both:
        raise InputError("input %s given twice (in inputs= and as a keyword)" % ", ".join(both))
    given.update(kw)
    return given


def _inputs(call, inputs, kw):
    given = _merged(inputs, kw)
    if not given:
        raise InputError("give the expression's inputs, e.g. jacobian(expr, wrt=\"X\", X=x, W=w)")
    for name, value in given.items():
        uri = call.array("in", name, value, "--input %s=" % name, name)
        call.args += ["--input", "%s=%s" % (name, uri)]


def _tangents(call, tangents):
    """--tangent NAME=… for each of {name: tangent} (read by the job's tasks)."""
    for name, t in tangents.items():
        uri = call.array("in", "tangent-" + name, t, "--tangent %s=" % name, "tangents[%r]" % name, tasks_read=True)
        call.args += ["--tangent", "%s=%s" % (name, uri)]


def _common(call, out, overwrite, rows_per_task, verbose):
    if out is not None:
        call.option("--out", path_arg(out))
        call.option("--overwrite", True if overwrite else None)
        folder = None
    else:
        folder = call.out_folder()
        call.option("--out", folder)
    call.option("--rows-per-task", rows_per_task)
    call.option("-v", True if verbose == "plan" else None)
    return folder


def _expression(call, expr, inputs, kw, names, cotangent=None):
    """--expr, the inputs, --wrt and (read on the driver: grad, hessian, hvp's gradient) --cotangent."""
    call.option("--expr", expr)
    _inputs(call, inputs, kw)
    call.option("--wrt", ",".join(names))
    if cotangent is not None:
        call.option("--cotangent", call.array("in", "cotangent", cotangent, "--cotangent ", "cotangent"))


def _outcome(call, folder, out, names, single):
    """After a run: the path given as out=, or the in-memory results by name (one for a single name)."""
    if folder is None:
        return path_arg(out)
    return _pick(_by_stem(call.results(folder)), names, single)


def _by_stem(files):
    """{"X.npy": a, "W.npz": b} → {"X": a, "W": b}."""
    return {name.rsplit(".", 1)[0]: v for name, v in files.items()}


def _pick(results, names, single):
    missing = [n for n in names if n not in results]
    if missing:
        raise InternalError("the job wrote no result for %s" % ", ".join(missing))
    return results[names[0]] if single else {n: results[n] for n in names}


def _format(format):
    if isinstance(format, dict):
        return ",".join("%s=%s" % (k, v) for k, v in format.items())
    return format


# ---- the commands ----


def jacobian(expr, wrt, *, inputs=None, format="npy", seeding=None, out=None, overwrite=False, rows_per_task=None,
             verbose=False, **kw):
    """The full Jacobian ∂f/∂X of a matrix expression, shape (p, q, k, l): J[i, j, r, s] = ∂f[i, j]/∂X[r, s] (the
    layout of ``torch.autograd.functional.jacobian`` and ``jax.jacrev``).

    wrt: an input name (one array returned) or a list (a dict by name).
    format: "npy" (dense NumPy array), "csr" (``scipy.sparse.csr_array`` of the (p·q) × (k·l) matricization, one
        stored entry per structural non-zero), "auto" (CSR where smaller), or {name: format}.
    seeding: "auto" (default: rows that share no input entry swept together), "dense" or "compressed".
    out: a folder to write NAME.npy / NAME.npz into instead (returned); large results then never enter memory.
    verbose: True shows the job's closing line, "plan" the planner's reasoning too.
    """
    names, single = _names(wrt)
    with Call("jacobian") as c:
        _expression(c, expr, inputs, kw, names)
        c.option("--format", _format(format)).option("--seeding", seeding)
        folder = _common(c, out, overwrite, rows_per_task, verbose)
        c.run(verbose)
        return _outcome(c, folder, out, names, single)


def vjp(expr, cotangent, wrt, *, inputs=None, out=None, overwrite=False, rows_per_task=None, verbose=False, **kw):
    """Vector-Jacobian products ḡ·∂f/∂X without forming the Jacobian: cotangent of f's shape (p, q) gives X's shape;
    a batch (N, p, q) gives (N, k, l) (as ``torch.func.vmap(vjp)``). wrt: a name (one array) or a list (a dict)."""
    names, single = _names(wrt)
    if out is None and rows_per_task is None and not verbose:
        got = fast_products(True, expr, _merged(inputs, kw), names, [cotangent])
        if got is not None:
            return got[0] if single else dict(zip(names, got))
    with Call("vjp") as c:
        _expression(c, expr, inputs, kw, names)
        c.option("--cotangent", c.array("in", "cotangent", cotangent, "--cotangent ", "cotangent", tasks_read=True))
        folder = _common(c, out, overwrite, rows_per_task, verbose)
        c.run(verbose)
        return _outcome(c, folder, out, names, single)


def jvp(expr, tangents, *, inputs=None, out=None, overwrite=False, rows_per_task=None, verbose=False, **kw):
    """Jacobian-vector products Σ_X ∂f/∂X·Ẋ: tangents {name: array of X's shape (k, l), or a batch (N, k, l)} give
    f's shape (p, q), or (N, p, q)."""
    if not isinstance(tangents, dict) or not tangents:
        raise InputError("tangents: give a dict {input name: tangent}, e.g. tangents={\"X\": v}")
    if out is None and rows_per_task is None and not verbose:
        got = fast_products(False, expr, _merged(inputs, kw), list(tangents), list(tangents.values()))
        if got is not None:
            return got[0]
    with Call("jvp") as c:
        c.option("--expr", expr)
        _inputs(c, inputs, kw)
        _tangents(c, tangents)
        folder = _common(c, out, overwrite, rows_per_task, verbose)
        c.run(verbose)
        return _outcome(c, folder, out, ["out"], True)


def grad(expr, wrt, *, cotangent=None, symbolic=False, inputs=None, out=None, overwrite=False, verbose=False, **kw):
    """The gradient of a scalar f (or of sum(G * f) with ``cotangent`` G) by the symbolic rules, X's shape per input.

    symbolic=True returns the gradient expressions instead ({name: str}, in the expression language; only the
    inputs' shapes are read)."""
    names, single = _names(wrt)
    with Call("grad") as c:
        _expression(c, expr, inputs, kw, names, cotangent)
        if symbolic:
            c.option("--print", True)
            text = c.run(verbose)[1]
            exprs = {}
            for line in text.splitlines():
                if ": " in line:
                    k, v = line.split(": ", 1)
                    exprs[k.strip()] = v.strip()
            return _pick(exprs, names, single)
        folder = _common(c, out, overwrite, None, verbose)
        c.run(verbose)
        return _outcome(c, folder, out, names, single)


def hessian(expr, wrt, *, cotangent=None, inputs=None, format="npy", seeding=None, colouring=None, out=None,
            overwrite=False, rows_per_task=None, verbose=False, **kw):
    """Second derivatives ∂²f/∂A∂B of a scalar f (or of sum(G * f) with ``cotangent``), shape (k_A, l_A, k_B, l_B),
    as ``torch.autograd.functional.hessian``'s blocks.

    wrt: one name → the block ∂²f/∂A² as one array; a list → {(A, B): block} for every ordered pair.
    format: "npy", "csr" or "auto" as for jacobian; colouring: "auto" or "distance-2" (symmetric blocks)."""
    names, single = _names(wrt)
    with Call("hessian") as c:
        _expression(c, expr, inputs, kw, names, cotangent)
        c.option("--format", _format(format)).option("--seeding", seeding).option("--colouring", colouring)
        folder = _common(c, out, overwrite, rows_per_task, verbose)
        c.run(verbose)
        if folder is None:
            return path_arg(out)
        blocks = {tuple(k.split(".", 1)): v for k, v in _by_stem(c.results(folder)).items()}
        pairs = [(a, b) for a in names for b in names]
        missing = [p for p in pairs if p not in blocks]
        if missing:
            raise InternalError("the job wrote no block for %s" % ", ".join("%s.%s" % p for p in missing))
        return blocks[pairs[0]] if single else {p: blocks[p] for p in pairs}


def hvp(expr, tangents, wrt, *, cotangent=None, inputs=None, out=None, overwrite=False, rows_per_task=None,
        verbose=False, **kw):
    """Hessian-vector products without forming the Hessian: for each B in wrt, Σ_A ∂²f/∂B∂A·V_A with tangents
    {A: V_A} of A's shape (or a batch (N, k, l)); B's shape (or (N, k_B, l_B)). wrt a name → one array, a list → dict."""
    if not isinstance(tangents, dict) or not tangents:
        raise InputError("tangents: give a dict {input name: tangent}, e.g. tangents={\"X\": v}")
    names, single = _names(wrt)
    with Call("hvp") as c:
        _expression(c, expr, inputs, kw, names, cotangent)
        _tangents(c, tangents)
        folder = _common(c, out, overwrite, rows_per_task, verbose)
        c.run(verbose)
        return _outcome(c, folder, out, names, single)


def gradcheck(expr, wrt, *, inputs=None, mode=None, eps=None, rtol=None, atol=None, probes=None, seed=None,
              order=None, cotangent=None, jacobians=None, seeding=None, report=None, overwrite=False, verbose=False,
              **kw):
    """Checks the analytic Jacobian (ours, or ``jacobians={name: stored J}``) against central differences; returns a
    ``GradcheckReport`` (``bool(report)`` is the verdict; shown inline in notebooks with its heatmaps).

    mode: "full" (every entry), "probe" (random projections with a stated detection power) or "auto";
    eps, rtol, atol: the step and the rule |analytic − numeric| ≤ atol + rtol·|numeric| (defaults 1e-6, 1e-5, 1e-6);
    order=2 checks second derivatives; report: a folder to keep the report files in as well."""
    names, _ = _names(wrt)
    with Call("gradcheck") as c:
        _expression(c, expr, inputs, kw, names, cotangent)
        c.option("--mode", mode).option("--eps", eps).option("--rtol", rtol)
        c.option("--atol", atol).option("--probes", probes).option("--seed", seed).option("--order", order)
        c.option("--seeding", seeding)
        for name, j in (jacobians or {}).items():
            uri = c.array("in", "jacobian-" + name, j, "--jacobian %s=" % name, "jacobians[%r]" % name, tasks_read=True)
            c.args += ["--jacobian", "%s=%s" % (name, uri)]
        if report is None:
            folder = c.out_folder()
            c.option("--report", folder)
        else:  # written by the job where asked (also what a cluster master needs), then read back from there
            folder = path_arg(report)
            if "://" in folder and not folder.startswith("file://"):
                raise InputError("report=%s: give a local folder (the report is read back from it)" % report)
            c.option("--report", folder).option("--overwrite", True if overwrite else None)
        c.option("-v", True if verbose == "plan" else None)
        line = c.run(verbose, ok=(0, 1))[1]
        if report is None:
            return GradcheckReport(c.results(folder), line)
        local = folder[len("file://"):] if folder.startswith("file://") else folder
        files = {}
        for name in os.listdir(local):
            with open(os.path.join(local, name), "rb") as f:
                files[name] = f.read()
        return GradcheckReport(files, line)


def contract(adjoints, jacobians, *, out=None, overwrite=False, plan=None, rows_per_task=None, verbose=False):
    """G = Σ_t A_t : J_t, the chain rule's contraction over the shared axes: adjoints A_t (p, q, n_t, m_t) and
    Jacobians J_t (n_t, m_t, k, l), as lists in the same order (or one of each) → G (p, q, k, l).
    out: a .npy file to write G into instead (returned)."""
    if not isinstance(adjoints, (list, tuple)):
        adjoints, jacobians = [adjoints], [jacobians]
    if len(adjoints) != len(jacobians) or not adjoints:
        raise InputError("give as many adjoints as Jacobians (%d and %d)" % (len(adjoints), len(jacobians)))
    with Call("contract") as c:
        for t, (a, j) in enumerate(zip(adjoints, jacobians)):
            c.option("--adjoint", c.array("in", "adjoint-%d" % t, a, "--adjoint ", "adjoints[%d]" % t, tasks_read=True))
            c.option("--jacobian", c.array("in", "jacobian-%d" % t, j, "--jacobian ", "jacobians[%d]" % t, tasks_read=True))
        c.option("--plan", plan).option("--rows-per-task", rows_per_task)
        c.option("-v", True if verbose == "plan" else None)
        if out is not None:
            c.option("--out", path_arg(out)).option("--overwrite", True if overwrite else None)
            c.run(verbose)
            return path_arg(out)
        folder = c.out_folder(file="G.npy")
        c.option("--out", folder + "/G.npy")
        c.run(verbose)
        return c.results(folder)["G.npy"]

