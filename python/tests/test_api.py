"""The Python API against the CLI (bit for bit), PyTorch (independently, to 1e-12) and its own promises: CSR results,
tensors accepted, errors as Python exceptions with the CLI's one-line messages, nothing left in memory."""

import os
import warnings

import numpy as np
import pytest
import scipy.sparse
import torch

import adjoint
from conftest import cli, held, save

MLP = "tanh(W @ X + b)"


def mlp(rng, n=6, m=5):
    return dict(W=rng.standard_normal((n, n)) / n, X=rng.standard_normal((n, m)), b=rng.standard_normal((n, 1)))


def same_bits(a, b):
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


# ---- results equal the CLI's, bit for bit ----


def test_jacobian_equals_cli_bit_for_bit(tmp_path, rng):
    x = mlp(rng)
    cli("jacobian", "--expr", MLP, *save(tmp_path, **x), "--wrt", "X,W", "--out", str(tmp_path / "jac"))
    got = adjoint.jacobian(MLP, wrt=["X", "W"], **x)
    assert set(got) == {"X", "W"}
    for name in ("X", "W"):
        want = np.load(tmp_path / "jac" / (name + ".npy"))
        assert got[name].shape == (6, 5) + x[name].shape
        assert same_bits(got[name], want), name
    assert held() == 0


def test_jacobian_csr_equals_cli_npz(tmp_path, rng):
    x = mlp(rng, 8, 4)
    cli("jacobian", "--expr", MLP, *save(tmp_path, **x), "--wrt", "X", "--format", "csr", "--out", str(tmp_path / "j"))
    want = scipy.sparse.load_npz(tmp_path / "j" / "X.npz")
    got = adjoint.jacobian(MLP, wrt="X", format="csr", **x)
    assert isinstance(got, scipy.sparse.csr_array)
    assert got.shape == (32, 32) and got.nnz == want.nnz == 8 * 4 * 8  # out[i, j] reads column j of X only
    for part in ("indptr", "indices", "data"):
        assert same_bits(getattr(got, part), getattr(want, part)), part
    dense = adjoint.jacobian(MLP, wrt="X", **x)
    assert np.array_equal(got.toarray().reshape(8, 4, 8, 4), dense)


def test_products_and_second_order_equal_cli(tmp_path, rng):
    x = mlp(rng)
    inputs = save(tmp_path, **x)
    G = rng.standard_normal((3, 6, 5))  # a batch of three cotangents
    V = rng.standard_normal((6, 5))
    np.save(tmp_path / "G.npy", G)
    np.save(tmp_path / "V.npy", V)
    cli("vjp", "--expr", MLP, *inputs, "--wrt", "X,W", "--cotangent", str(tmp_path / "G.npy"), "--out", str(tmp_path / "v"))
    cli("jvp", "--expr", MLP, *inputs, "--tangent", "X=%s" % (tmp_path / "V.npy"), "--out", str(tmp_path / "t"))
    loss = "sum(square(tanh(W @ X + b)))"
    cli("grad", "--expr", loss, *inputs, "--wrt", "X,W", "--out", str(tmp_path / "g"))
    cli("hessian", "--expr", loss, *inputs, "--wrt", "X,W", "--out", str(tmp_path / "h"))
    cli("hvp", "--expr", loss, *inputs, "--wrt", "W", "--tangent", "X=%s" % (tmp_path / "V.npy"), "--out", str(tmp_path / "hv"))

    v = adjoint.vjp(MLP, G, wrt=["X", "W"], **x)
    assert v["X"].shape == (3, 6, 5) and v["W"].shape == (3, 6, 6)
    for n in ("X", "W"):
        assert same_bits(v[n], np.load(tmp_path / "v" / (n + ".npy")))
    assert same_bits(adjoint.jvp(MLP, {"X": V}, **x), np.load(tmp_path / "t" / "out.npy"))
    g = adjoint.grad(loss, wrt=["X", "W"], **x)
    for n in ("X", "W"):
        assert same_bits(g[n], np.load(tmp_path / "g" / (n + ".npy")))
    h = adjoint.hessian(loss, wrt=["X", "W"], **x)
    assert set(h) == {("X", "X"), ("X", "W"), ("W", "X"), ("W", "W")}
    for (a, b), block in h.items():
        assert same_bits(block, np.load(tmp_path / "h" / ("%s.%s.npy" % (a, b))))
    assert same_bits(adjoint.hvp(loss, {"X": V}, wrt="W", **x), np.load(tmp_path / "hv" / "W.npy"))
    assert held() == 0


def test_contract_equals_cli(tmp_path, rng):
    A = rng.standard_normal((2, 3, 4, 5))
    J = rng.standard_normal((4, 5, 3, 2))
    np.save(tmp_path / "A.npy", A)
    np.save(tmp_path / "J.npy", J)
    cli("contract", "--adjoint", str(tmp_path / "A.npy"), "--jacobian", str(tmp_path / "J.npy"), "--out", str(tmp_path / "G.npy"))
    got = adjoint.contract(A, J)
    assert same_bits(got, np.load(tmp_path / "G.npy"))
    assert np.allclose(got, np.tensordot(A, J, axes=([2, 3], [0, 1])), rtol=1e-13, atol=1e-13)


# ---- against PyTorch, independently ----


def test_torch_tensors_accepted_and_equal_torch(rng):
    x = mlp(rng, 5, 4)
    t = {k: torch.tensor(v, requires_grad=True) for k, v in x.items()}  # needs .detach(): done for the caller
    got = adjoint.jacobian(MLP, wrt="X", **t)
    assert same_bits(got, adjoint.jacobian(MLP, wrt="X", **x))
    W, b = t["W"].detach(), t["b"].detach()
    want = torch.autograd.functional.jacobian(lambda X: torch.tanh(W @ X + b), t["X"].detach()).numpy()
    assert np.allclose(got, want, rtol=1e-12, atol=1e-13)
    # float32 tensors are read as float32, like a float32 .npy by the CLI
    f32 = adjoint.jacobian(MLP, wrt="X", **{k: v.float() for k, v in t.items()})
    assert np.allclose(f32, want, rtol=1e-5, atol=1e-6)


def test_vjp_equals_torch_batched(rng):
    x = mlp(rng, 7, 3)
    G = rng.standard_normal((4, 7, 3))
    got = adjoint.vjp(MLP, torch.tensor(G), wrt="W", **x)
    W, X, b = (torch.tensor(x[k]) for k in ("W", "X", "b"))
    for i in range(4):
        _, (gW,) = torch.autograd.functional.vjp(lambda W_: torch.tanh(W_ @ X + b), (W,), torch.tensor(G[i]))
        assert np.allclose(got[i], gW.numpy(), rtol=1e-12, atol=1e-13)


# ---- paths, out=, reports ----


def test_paths_as_inputs_and_out_folder(tmp_path, rng):
    x = mlp(rng)
    save(tmp_path, **x)
    out = adjoint.jacobian(MLP, wrt="X", W=str(tmp_path / "W.npy"), X=tmp_path / "X.npy", b=x["b"], out=tmp_path / "res")
    assert out == str(tmp_path / "res")
    assert same_bits(np.load(tmp_path / "res" / "X.npy"), adjoint.jacobian(MLP, wrt="X", **x))
    with pytest.raises(adjoint.InputError, match="--overwrite|overwrite"):
        adjoint.jacobian(MLP, wrt="X", out=tmp_path / "res", **x)
    adjoint.jacobian(MLP, wrt="X", out=tmp_path / "res", overwrite=True, **x)
    assert held() == 0


def test_gradcheck_report(tmp_path, rng):
    x = mlp(rng)
    r = adjoint.gradcheck(MLP, wrt=["X", "W"], **x)
    assert r.passed and bool(r) and r.verdict == "PASS" and r.line.startswith("PASS")
    assert set(r.heatmaps) == {"X", "W"} and all(p.startswith(b"\x89PNG") for p in r.heatmaps.values())
    assert len(r.worst("W")) > 0 and {"i", "j", "r", "s", "analytic", "numeric"} <= set(r.worst("W")[0])
    page = r._repr_html_()
    assert "PASS" in page and page.count("<img") == 2
    # a stored Jacobian with one wrong entry fails, and says which
    J = adjoint.jacobian(MLP, wrt="X", **x)
    J[1, 2, 3, 2] += 0.5
    bad = adjoint.gradcheck(MLP, wrt="X", jacobians={"X": J}, report=tmp_path / "rep", **x)
    assert not bad.passed and bad.verdict == "FAIL"
    assert bad.worst()[0]["i"] == 1 and bad.worst()[0]["r"] == 3
    assert sorted(os.listdir(tmp_path / "rep")) == ["error-heatmap.png", "report.json", "report.md"]
    assert held() == 0


def test_symbolic_gradient(rng):
    x = mlp(rng)
    text = adjoint.grad("sum(tanh(W @ X + b))", wrt="X", symbolic=True, **x)
    assert "W.T" in text and "tanh" in text


# ---- errors as exceptions, one line, the caller's names ----


def test_errors_are_python_exceptions(rng):
    x = mlp(rng)
    with pytest.raises(adjoint.InputError) as e:
        adjoint.jacobian(MLP, wrt="Z", **x)
    assert isinstance(e.value, ValueError)
    assert str(e.value) == "--wrt Z: not an input (inputs: W, X, b)"
    with pytest.raises(adjoint.InputError) as e:
        adjoint.vjp(MLP, np.ones((2, 5)), wrt="X", **x)
    assert str(e.value) == "cotangent: shape (2, 5) is neither the output's (6, 5) nor (N, 6, 5)"
    with pytest.raises(adjoint.InputError) as e:
        adjoint.jacobian("tanhh(W @ X)", wrt="X", **x)
    assert "tanhh" in str(e.value) and "\n" not in str(e.value)
    with pytest.raises(adjoint.InputError) as e:
        adjoint.jacobian(MLP, wrt="X", W=x["W"], X=np.ones((3, 5)), b=x["b"])
    message = str(e.value)
    assert "\n" not in message and "adjoint-mem" not in message and "at io.adjoint" not in message
    with pytest.raises(adjoint.InputError, match="numbers"):
        adjoint.jacobian(MLP, wrt="X", W=x["W"], X=np.array([["a"]]), b=x["b"])
    with pytest.raises(adjoint.InputError, match="given twice"):
        adjoint.jacobian(MLP, wrt="X", inputs={"X": x["X"]}, **x)
    assert held() == 0


def test_unused_input_is_a_python_warning(rng):
    x = mlp(rng)
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        adjoint.jacobian(MLP, wrt="X", unused=np.ones((2, 2)), **x)
    assert any(issubclass(i.category, adjoint.AdjointWarning) and "unused" in str(i.message) for i in w)


def test_session_settings_are_fixed_per_process():
    with pytest.raises(adjoint.InputError, match="already runs"):
        adjoint.start(master="local[1]")
    running = adjoint._jvm.session()
    adjoint.start(master="local[2]")  # the same settings again: nothing to do
    assert adjoint._jvm.session() is running
    assert "BLAS" in adjoint.version()


def test_progress_lines_without_tqdm(capsys):
    from adjoint._calls import Call, _Lines

    lines = _Lines(Call("jacobian"), verbose=False)
    lines.take(["jacobian: 3/10 blocks (30%), 30/100 rows, 10 rows/s, ETA 7 s", "jacobian: wrote x in 1 s"])
    err = capsys.readouterr().err
    try:
        import tqdm  # noqa: F401
    except ImportError:
        assert err.strip() == "jacobian: 3/10 blocks (30%), 30/100 rows, 10 rows/s, ETA 7 s"
    else:
        assert "3/10" in err
    lines.close()


def test_in_memory_products_equal_the_command(tmp_path, rng):
    """vjp/jvp on arrays skip the command line (PythonSession.products) but keep the job's plan: the CLI's bits, for
    a single product and for a batch the planner splits across both driver threads."""
    x = mlp(rng, 16, 16)
    inputs = save(tmp_path, **x)
    G1, GN, VN = rng.standard_normal((16, 16)), rng.standard_normal((64, 16, 16)), rng.standard_normal((64, 16, 16))
    for name, a in (("G1", G1), ("GN", GN), ("VN", VN)):
        np.save(tmp_path / (name + ".npy"), a)
    cli("vjp", "--expr", MLP, *inputs, "--wrt", "X,b", "--cotangent", str(tmp_path / "G1.npy"), "--out", str(tmp_path / "v1"))
    cli("vjp", "--expr", MLP, *inputs, "--wrt", "W", "--cotangent", str(tmp_path / "GN.npy"), "--out", str(tmp_path / "vn"))
    cli("jvp", "--expr", MLP, *inputs, "--tangent", "W=%s" % (tmp_path / "VN.npy"), "--out", str(tmp_path / "jn"))
    one = adjoint.vjp(MLP, G1, wrt=["X", "b"], **x)
    assert same_bits(one["X"], np.load(tmp_path / "v1" / "X.npy"))
    assert same_bits(one["b"], np.load(tmp_path / "v1" / "b.npy")) and one["b"].shape == (16, 1)
    assert same_bits(adjoint.vjp(MLP, GN, wrt="W", **x), np.load(tmp_path / "vn" / "W.npy"))
    assert same_bits(adjoint.jvp(MLP, {"W": VN}, **x), np.load(tmp_path / "jn" / "out.npy"))
    # the command itself (out=) writes the same bytes
    adjoint.vjp(MLP, GN, wrt="W", out=tmp_path / "cmd", **x)
    assert same_bits(np.load(tmp_path / "cmd" / "W.npy"), np.load(tmp_path / "vn" / "W.npy"))
    assert held() == 0


def test_a_warning_made_an_error_comes_after_the_job_and_leaves_nothing(rng):
    x = mlp(rng)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(adjoint.AdjointWarning, match="unused"):
            adjoint.jacobian(MLP, wrt="X", unused=np.ones((2, 2)), **x)
    assert held() == 0
    assert adjoint.jacobian(MLP, wrt="X", **x).shape == (6, 5, 6, 5)  # the session goes on


def test_tangents_batched_and_not_are_refused_in_the_clis_words(rng):
    x = mlp(rng)
    with pytest.raises(adjoint.InputError, match="give every tangent the same N"):
        adjoint.jvp(MLP, {"W": np.ones((6, 6)), "X": np.ones((2, 6, 5))}, **x)
    assert held() == 0
