"""Shared set-up: the checkout, the CLI beside the API (results must equal it bit for bit), seeded inputs."""

import os
import subprocess
import sys

import numpy as np
import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "python"))  # importable from the checkout, as the README says

import adjoint  # noqa: E402


@pytest.fixture(scope="session", autouse=True)
def session():
    """One JVM and Spark for the test process, as for a user's; local[2] like the CLI runs below."""
    adjoint.start(master="local[2]")
    yield
    adjoint.stop()


@pytest.fixture
def rng():
    return np.random.default_rng(7)


def cli(*args, check=True):
    """bin/adjoint with the same master as the session; returns the completed process."""
    env = dict(os.environ, ADJOINT_QUIET_BLAS="1")
    r = subprocess.run([os.path.join(ROOT, "bin", "adjoint"), *args, "--master", "local[2]", "--quiet"],
                       capture_output=True, text=True, env=env)
    if check and r.returncode != 0:
        raise AssertionError("bin/adjoint %s exited %d: %s" % (" ".join(args), r.returncode, r.stderr))
    return r


def save(folder, **arrays):
    """Writes arrays as NAME.npy in folder; returns the CLI's --input arguments."""
    args = []
    for name, a in arrays.items():
        p = os.path.join(str(folder), name + ".npy")
        np.save(p, a)
        args += ["--input", "%s=%s" % (name, p)]
    return args


def held():
    """Files and folders the session holds in the JVM's memory: 0 between calls, or something leaked."""
    import jpype

    return int(jpype.JClass("io.adjoint.jobs.PythonSession").held())
