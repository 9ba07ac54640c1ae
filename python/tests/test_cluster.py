"""A cluster master from Python: Spark's local-cluster (a Worker with executor JVMs of their own, as on a cluster),
the driver in the Python process (client mode). Results go to a folder the executors write, and equal the CLI's on
local[2]; what would need this process's memory on an executor is refused in one line."""

import os
import subprocess
import sys
import textwrap

import numpy as np

from conftest import ROOT, cli, save

SCRIPT = textwrap.dedent("""
    import os, sys
    sys.path.insert(0, os.path.join(%(root)r, "python"))
    import numpy as np, adjoint
    folder = sys.argv[1]
    adjoint.start(master="local-cluster[1,1,1024]")
    x = {k: np.load(os.path.join(folder, k + ".npy")) for k in ("W", "X", "b")}
    # W as a path the executors could read; X and b from this process (read on the driver only)
    adjoint.jacobian("tanh(W @ X + b)", wrt="X", W=os.path.join(folder, "W.npy"), X=x["X"], b=x["b"],
                     out=os.path.join(folder, "cluster"), inputs=None)
    for call in (lambda: adjoint.jacobian("tanh(W @ X + b)", wrt="X", **x),
                 lambda: adjoint.vjp("tanh(W @ X + b)", np.ones((6, 5)), wrt="X", out=os.path.join(folder, "v"), **x)):
        try:
            call()
            print("not refused")
        except adjoint.InputError as e:
            print("refused:", e)
""") % {"root": ROOT}


def spark_home(tmp_path):
    """A SPARK_HOME for local-cluster's executor JVMs: a jars/ folder of the class path (links)."""
    home = tmp_path / "spark-home"
    (home / "jars").mkdir(parents=True)
    (home / "conf").mkdir()
    target = os.path.join(ROOT, "jobs", "target")
    with open(os.path.join(target, "classpath.txt")) as f:
        jars = [p for p in f.read().strip().split(os.pathsep) if p.endswith(".jar")]
    for j in jars:
        link = home / "jars" / os.path.basename(j)
        if not link.exists():
            link.symlink_to(j)
    return home


def test_a_cluster_master_writes_to_a_folder_and_refuses_memory(tmp_path, rng):
    x = dict(W=rng.standard_normal((6, 6)) / 6, X=rng.standard_normal((6, 5)), b=rng.standard_normal((6, 1)))
    inputs = save(tmp_path, **x)
    cli("jacobian", "--expr", "tanh(W @ X + b)", *inputs, "--wrt", "X", "--out", str(tmp_path / "local"))
    script = tmp_path / "cluster.py"
    script.write_text(SCRIPT)
    env = dict(os.environ, SPARK_HOME=str(spark_home(tmp_path)), SPARK_SCALA_VERSION="2.13")
    r = subprocess.run([sys.executable, str(script), str(tmp_path)], capture_output=True, text=True, env=env,
                       timeout=240)
    assert r.returncode == 0, r.stderr[-3000:]
    got = np.load(tmp_path / "cluster" / "X.npy")
    want = np.load(tmp_path / "local" / "X.npy")
    assert got.tobytes() == want.tobytes()
    lines = r.stdout.splitlines()
    assert len(lines) == 2 and all(line.startswith("refused: ") for line in lines), r.stdout
    assert "cannot come back in memory: give out= a folder" in lines[0]
    assert lines[1].startswith("refused: cotangent: with the cluster master local-cluster[1,1,1024] the executors")
