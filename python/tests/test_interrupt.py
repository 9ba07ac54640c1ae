"""Ctrl-C during a long job: the job is cancelled (on driver threads and as Spark tasks), the Python process gets
KeyboardInterrupt, nothing is left behind — no result folder, no temporaries, nothing in the JVM's memory — and the
next call works. Each case is a Python process of its own that sends itself SIGINT once the job is under way."""

import os
import subprocess
import sys
import textwrap

import pytest

from conftest import ROOT

SCRIPT = textwrap.dedent("""
    import os, signal, sys, threading, time
    sys.path.insert(0, os.path.join(%(root)r, "python"))
    import numpy as np, adjoint, jpype
    # as in a terminal, even when this test runs where SIGINT is ignored (a background job inherits SIG_IGN)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    out, spark = sys.argv[1], sys.argv[2] == "spark"
    adjoint.start(master="local[2]", conf={"spark.adjoint.driverTasks": "never"} if spark else None)
    n = 96
    rng = np.random.default_rng(0)
    W, X, b = rng.standard_normal((n, n)) / n, rng.standard_normal((n, n)), rng.standard_normal((n, 1))
    started = threading.Event()
    def interrupt():
        started.wait()
        time.sleep(1.5)  # well inside the job (7-8 s here uninterrupted, one seed per row)
        os.kill(os.getpid(), signal.SIGINT)
    threading.Thread(target=interrupt, daemon=True).start()
    t = time.time()
    started.set()
    try:
        adjoint.jacobian("tanh(W @ tanh(W @ X + b) + b)", wrt="X", seeding="dense", rows_per_task=64,
                         out=None if out == "-" else out, W=W, X=X, b=b)
        print("finished")
    except KeyboardInterrupt:
        print("interrupted after %%.1f s" %% (time.time() - t))
    print("held", jpype.JClass("io.adjoint.jobs.PythonSession").held())
    print("next", adjoint.jacobian("X * 2", wrt="X", X=np.ones((2, 2))).sum())
""") % {"root": ROOT}


@pytest.mark.parametrize("where", ["driver", "spark"])
@pytest.mark.parametrize("to", ["folder", "memory"])
def test_ctrl_c_cancels_and_leaves_nothing(tmp_path, where, to):
    script = tmp_path / "job.py"
    script.write_text(SCRIPT)
    out = tmp_path / "jac"
    r = subprocess.run([sys.executable, str(script), str(out) if to == "folder" else "-", where],
                       capture_output=True, text=True, timeout=120)
    lines = r.stdout.splitlines()
    assert r.returncode == 0, r.stderr
    assert lines[0].startswith("interrupted after"), r.stdout + r.stderr
    assert float(lines[0].split()[2]) < 5.0  # cancelled, not run to its end (7-8 s)
    assert lines[1] == "held 0"
    assert lines[2] == "next 8.0"
    assert not out.exists(), os.listdir(out)
    assert "cancelling the job" in r.stderr
