"""One command of the CLI run in this process: arrays in and out through the JVM's memory, lines as they come,
Ctrl-C cancelling the job.

Inputs given as arrays become ``adjoint-mem:`` files whose bytes are the array's own memory (a direct buffer over
it: no copy on this side; the job copies once, into its matrices). Results written to an ``adjoint-mem:`` folder are
direct buffers in the JVM, wrapped here as NumPy arrays (and SciPy CSR arrays) without a copy.
"""

import ast
import io
import itertools
import os
import re
import sys
import time
import warnings

import numpy as np

from . import _jvm
from ._errors import AdjointWarning, InputError, InternalError

MEM = "adjoint-mem:"
_serial = itertools.count(1)
_READABLE = {np.dtype("<f8"), np.dtype(">f8"), np.dtype("<f4"), np.dtype("<i4"), np.dtype("<i8")}
_PROGRESS = re.compile(r"^(?P<label>.*?): (?P<done>\d+)/(?P<total>\d+) blocks \(\d+%\)(?P<rest>.*)$")


def as_array(value, what):
    """A NumPy view of an array-like: PyTorch tensors detached and moved to the CPU, anything with __array__."""
    if hasattr(value, "detach") and callable(value.detach) and hasattr(value, "numpy"):
        value = value.detach()
        if hasattr(value, "cpu"):
            value = value.cpu()
        value = value.numpy()
    a = np.asarray(value)
    if a.dtype.kind not in "biuf":
        raise InputError("%s: an array of %s; give numbers (float64, float32, integers)" % (what, a.dtype))
    return a


def is_path(value):
    return isinstance(value, (str, os.PathLike))


def path_arg(value):
    """A path as the JVM should read it: a URI as given; a local path made absolute (this process may chdir)."""
    p = os.fspath(value)
    if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", p) or p.startswith("file:"):
        return p
    return os.path.abspath(p)


class Call:
    """The arguments of one command, the memory it puts in the JVM, and how to say its messages in Python's terms."""

    def __init__(self, command):
        self.command = command
        self.root = "%s/py%d-%d" % (MEM, os.getpid(), next(_serial))
        self.args = [command]
        self._keep = []  # arrays whose memory the JVM reads until the call ends
        self._names = []  # (the CLI's words, the caller's) for messages
        self._out = None  # the in-memory folder of the results, if they come back in memory
        self.session = _jvm.session()

    def __enter__(self):
        return self

    def __exit__(self, kind, value, tb):
        if kind is not None:  # an argument refused, or the run failed: nothing of the call stays in the JVM
            self.discard()
            self._keep.clear()
        return False

    # ---- arguments ----

    def option(self, name, value=None):
        """--name, or --name value (skipped when value is None)."""
        if value is None:
            return self
        self.args += [name] if value is True else [name, str(value)]
        return self

    def array(self, role, name, value, option, label, tasks_read=False):
        """An array (or a path) given as the CLI's `option`: its in-memory file's URI (or the path). ``tasks_read``:
        the job's tasks read it (cotangents, tangents, contract's operands), not only the driver — on a cluster
        master its executors cannot reach this process's memory, so it must be a path."""
        if is_path(value):
            return path_arg(value)
        if tasks_read and not self.session.isLocal():
            raise InputError("%s: with the cluster master %s the executors read it, and they cannot reach this"
                             " process's memory: give it as a path they can read (hdfs://..., or a shared disk)"
                             % (label, self.session.master()))
        a = as_array(value, label)
        if a.dtype not in _READABLE:
            a = a.astype(np.float64)  # booleans, small integers, float16: exact in float64
        if not a.flags.c_contiguous or not a.flags.writeable:
            a = np.array(a, order="C")  # the one copy on this side: the JVM reads the memory as it is laid out
        uri = "%s/%s/%s.npy" % (self.root, role, name)
        self._put(uri, a)
        self._names.append((option + uri, label))
        self._names.append((uri, label))
        return uri

    def _put(self, uri, a):
        import jpype
        import jpype.nio

        header = io.BytesIO()
        np.lib.format.write_array_header_1_0(header, np.lib.format.header_data_from_array_1_0(a))
        if a.nbytes == 0:
            data = jpype.JClass("java.nio.ByteBuffer").allocate(0)
        else:
            data = jpype.nio.convertToDirectBuffer(a.reshape(-1).view(np.uint8))
        self._keep.append(a)
        jpype.JClass("io.adjoint.jobs.PythonSession").put(uri, header.getvalue(), data)

    def out_folder(self, file=None):
        """Where the results go in memory; refused on a cluster (its executors cannot reach this JVM's memory).
        With ``file`` (a command writing one file, whose folder must exist) the folder is created."""
        if not self.session.isLocal():
            raise InputError("%s: with the cluster master %s, results cannot come back in memory: give out= a folder"
                             " the executors can write (hdfs://..., or a shared disk)" % (self.command,
                                                                                            self.session.master()))
        folder = self._out = self.root + "/out"
        if file is not None:
            import jpype

            jpype.JClass("io.adjoint.jobs.PythonSession").mkdirs(folder)
            self._names.append(("--out %s/%s" % (folder, file), "the result"))
        self._names.append(("--out " + folder, "the result"))
        self._names.append(("--report " + folder, "the report"))
        return folder

    # ---- running ----

    def run(self, verbose=False, ok=(0,)):
        """Runs the command; returns (exit code, stdout). Raises InputError / InternalError as the CLI would exit."""
        import jpype

        args = jpype.JArray(jpype.JString)(self.args)
        shown = _Lines(self, verbose)
        blas = _NO_SWITCH
        try:
            blas = _OneBlasThread()
            call = self.session.run(args)
            if not _wait(call, shown):
                raise KeyboardInterrupt
            shown.take(call.lines())
        except BaseException:
            self.discard()
            raise
        finally:
            blas.restore()
            shown.close()
            self.release_inputs()
        shown.warn()
        code = int(call.exitCode())
        if code in ok:
            return code, str(call.stdout())
        self.discard()
        message = self.said(shown.error or "failed with exit code %d" % code)
        if code == 2:
            raise InputError(message)
        raise InternalError(message)

    def said(self, line):
        """A message of the CLI in the caller's terms: no 'adjoint jacobian:' prefix, arrays by their names."""
        prefix = "adjoint %s: " % self.command
        if line.startswith(prefix):
            line = line[len(prefix):]
        for cli, py in sorted(self._names, key=lambda n: -len(n[0])):
            line = line.replace(cli, py)
        return line

    def release_inputs(self):
        """Frees the inputs (the whole call's memory when no results come back in it)."""
        import jpype

        jpype.JClass("io.adjoint.jobs.PythonSession").delete(self.root + "/in" if self._out else self.root)
        self._keep.clear()

    def discard(self):
        """Frees everything of the call in the JVM's memory."""
        import jpype

        jpype.JClass("io.adjoint.jobs.PythonSession").delete(self.root)

    # ---- results ----

    def results(self, folder):
        """The files a call wrote into its in-memory folder: {file name: array or csr_array}; then freed in the JVM."""
        import jpype

        S = jpype.JClass("io.adjoint.jobs.PythonSession")
        out = {}
        try:
            for name in S.list(folder):
                name = str(name)
                uri = folder + "/" + name
                out[name] = _csr(S, uri) if name.endswith(".npz") else _npy(S, uri)
        finally:
            self.discard()
        return out


def _npy(S, uri):
    """An in-memory .npy as a NumPy array over the JVM's buffer (no copy)."""
    raw = np.asarray(memoryview(S.bytes(uri)))  # int8 view of the whole file
    if raw.size < 10 or raw[:6].tobytes() != b"\x93NUMPY":
        return raw.tobytes()  # not an array (a report's text or picture): its bytes
    major = int(raw[6])
    if major == 1:
        hlen, start = int.from_bytes(raw[8:10].tobytes(), "little"), 10
    else:
        hlen, start = int.from_bytes(raw[8:12].tobytes(), "little"), 12
    header = ast.literal_eval(raw[start:start + hlen].tobytes().decode("latin1"))
    offset = start + hlen
    shape = tuple(header["shape"])
    if np.dtype(header["descr"]) != np.dtype("<f8") or header["fortran_order"]:
        return np.lib.format.read_array(io.BytesIO(raw.tobytes()))
    values = np.asarray(memoryview(S.doubles(uri, offset)))
    return values.reshape(shape)


def _csr(S, uri):
    """An in-memory CSR result as a scipy.sparse.csr_array over the JVM's buffers (no copy)."""
    import scipy.sparse

    a = S.csr(uri)
    indptr = np.asarray(memoryview(S.csrIndex(a, True)))
    indices = np.asarray(memoryview(S.csrIndex(a, False)))
    data = np.asarray(memoryview(S.csrData(a)))
    return scipy.sparse.csr_array((data, indices, indptr), shape=(int(a.rows()), int(a.cols())), copy=False)


class _OneBlasThread:
    """OpenBLAS at one thread while a job runs, as bin/adjoint runs it (OPENBLAS_NUM_THREADS=1: the job's tasks are
    the parallelism). In this process NumPy may have loaded the same OpenBLAS first, with a thread per core; two
    tasks each asking it for all the cores ran the n=128 VJP batch 1.7× slower. The caller's setting is restored
    after the call (its own NumPy products keep their threads)."""

    _libs = None

    def __init__(self):
        if _OneBlasThread._libs is None:
            _OneBlasThread._libs = _loaded_openblas()
        self.saved = []
        for lib in self._libs:
            try:
                n = lib.openblas_get_num_threads()
                if n != 1:
                    lib.openblas_set_num_threads(1)
                    self.saved.append((lib, n))
            except (AttributeError, OSError):
                pass

    def restore(self):
        for lib, n in self.saved:
            lib.openblas_set_num_threads(n)


class _NoSwitch:
    def restore(self):
        pass


_NO_SWITCH = _NoSwitch()


def _loaded_openblas():
    """The OpenBLAS libraries loaded in this process (from /proc/self/maps), as ctypes handles."""
    import ctypes

    libs, seen = [], set()
    try:
        with open("/proc/self/maps") as f:
            paths = [line.split()[-1] for line in f if "blas" in line.lower() and line.strip().endswith(".so") or
                     ".so." in line and "blas" in line.lower()]
    except OSError:
        return []
    for p in paths:
        if p in seen or not p.startswith("/"):
            continue
        seen.add(p)
        try:
            lib = ctypes.CDLL(p)
            lib.openblas_get_num_threads  # noqa: B018  (only OpenBLAS has it)
            libs.append(lib)
        except (OSError, AttributeError):
            pass
    return libs


def _wait(call, shown):
    """Waits for a call, showing its lines; whether it ran to its end. On Ctrl-C (JPype delivers it as a Java
    InterruptedException in the call it interrupts, then as KeyboardInterrupt) the job is cancelled and waited for:
    its clean-up must finish before control returns, so that nothing is left behind. Any other exception while
    waiting (a progress bar's, say) cancels the job the same way, then propagates."""
    import jpype

    interrupts = (KeyboardInterrupt, jpype.JClass("java.lang.InterruptedException"))
    interrupted = False
    failure = None
    while True:
        try:
            if interrupted or failure is not None:
                if not call.cancelled() and failure is None:
                    print("adjoint: interrupted: cancelling the job…", file=sys.stderr)
                call.cancel()  # again each time: a Spark step submitted meanwhile is cancelled too
            if call.waitFor(50 if not (interrupted or failure) else 100):
                break
            if not (interrupted or failure):
                shown.take(call.lines())
        except interrupts:
            interrupted = True  # from here on the job is stopping: its clean-up must finish
        except Exception as e:  # noqa: BLE001  (re-raised once the job has stopped)
            failure = failure or e
    if interrupted:
        try:  # the KeyboardInterrupt JPype may leave pending: taken here, not in the caller's handler
            for _ in range(3):
                time.sleep(0.01)
        except KeyboardInterrupt:
            pass
    if failure is not None:
        raise failure
    shown.take(call.lines())
    return not interrupted


def _caller_stacklevel():
    """The stack level of the first frame outside this package, for warnings.warn: the caller's line."""
    here = os.path.dirname(os.path.abspath(__file__))
    f, level = sys._getframe(1), 1
    while f is not None and os.path.dirname(os.path.abspath(f.f_code.co_filename)) == here:
        f, level = f.f_back, level + 1
    return level


class _Lines:
    """A command's stderr lines: warnings as Python warnings, progress as a bar (tqdm) or lines, the rest shown with
    verbose; the error line kept for the exception."""

    def __init__(self, call, verbose):
        self.call = call
        self.verbose = verbose
        self.error = None
        self.bar = None
        self.bar_label = None
        self.warnings = []

    def take(self, lines):
        for line in lines:
            line = str(line)
            if ": warning: " in line:
                self.warnings.append(self.call.said(line.split(": warning: ", 1)[1]))  # said once the job ends
                continue
            if line.startswith("adjoint %s: " % self.call.command) or line.startswith("adjoint: "):
                self.error = line if self.error is None else self.error
                continue
            if line.startswith("(set ADJOINT_DEBUG=1"):
                continue
            m = _PROGRESS.match(line)
            if m:
                self._progress(m)
                continue
            if self.verbose:
                print(self.call.said(line), file=sys.stderr)

    def _progress(self, m):
        done, total = int(m.group("done")), int(m.group("total"))
        try:
            from tqdm.auto import tqdm
        except ImportError:
            print(self.call.said(m.group(0)), file=sys.stderr)
            return
        if self.bar is None or self.bar_label != m.group("label"):
            self.close()
            self.bar = tqdm(total=total, desc=m.group("label"), unit="block")
            self.bar_label = m.group("label")
        self.bar.update(done - self.bar.n)

    def warn(self):
        """The job's warnings, as Python warnings at the caller's line (after the job: a warning turned into an
        error by a filter must not interrupt it)."""
        for w in self.warnings:
            warnings.warn(AdjointWarning(w), stacklevel=_caller_stacklevel())
        self.warnings = []

    def close(self):
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def fast_products(vjp, expr, inputs, wrt, seeds):
    """VJPs (``seeds`` = [cotangent]) or JVPs (one tangent per ``wrt`` name) of arrays without the command line
    (``PythonSession.products``): the job's preparation, plan and sweeps — the same bits — without files. Returns the
    results (VJP: one array per wrt name, shaped as that input, with the batch axis when the cotangent has one; JVP:
    one, shaped as the output), or None when the command must run instead (a path among the inputs, a cluster
    master, or anything refused: the command then says it in the CLI's words)."""
    if any(is_path(v) for v in inputs.values()) or any(is_path(v) for v in seeds):
        return None
    session = _jvm.session()
    if not session.isLocal():
        return None
    j = _java()
    keep = []

    def buffer(value, what):
        a = np.ascontiguousarray(as_array(value, what), dtype=np.float64)  # float32, ints: exact, as the CLI reads them
        if not a.flags.writeable:
            a = a.copy()
        keep.append(a)
        if a.size == 0:
            return None, a.shape
        return j.convert(a.reshape(-1).view(np.uint8)).order(j.native).asDoubleBuffer(), a.shape

    names, values, shapes = [], [], []
    for name, v in inputs.items():
        b, shape = buffer(v, name)
        if b is None or len(shape) != 2:
            return None
        names.append(name)
        values.append(b)
        shapes.append(shape)
    seed_buffers, seed_shapes = [], []
    for i, s in enumerate(seeds):
        b, shape = buffer(s, "cotangent" if vjp else "tangents[%r]" % wrt[i])
        if b is None or len(shape) not in (2, 3):
            return None
        seed_buffers.append(b)
        seed_shapes.append(shape)
    seed_names = list(wrt) if not vjp else ["cotangent"]
    call = session.products(vjp, expr, j.arrays(j.strings(names), j.buffers(values), j.ints(shapes)),
                            j.strings(list(wrt)),
                            j.arrays(j.strings(seed_names), j.buffers(seed_buffers), j.ints(seed_shapes)))
    shown = _Lines(_FAST_VJP if vjp else _FAST_JVP, False)
    # OpenBLAS runs small products on one thread anyway: the switch (three ctypes calls) only for large ones
    blas = _NO_SWITCH
    try:
        if max(a.size for a in keep) >= 1 << 16:
            blas = _OneBlasThread()
        if not _wait(call, shown):
            raise KeyboardInterrupt
    finally:
        blas.restore()
        shown.close()
    shown.warn()
    code = int(call.exitCode())
    if code == 2:
        return None
    if code != 0:
        raise InternalError(shown.error or "failed with exit code %d" % code)
    out = []
    for i, shape in enumerate(call.resultShapes()):
        shape = tuple(int(d) for d in shape)
        if int(np.prod(shape)) < 1 << 16:  # small: a buffer the JVM fills, wrapped (one call)
            out.append(np.asarray(memoryview(call.direct(i))).reshape(shape))
            continue
        a = np.empty(shape)  # large: NumPy's memory (reused pages; a new direct buffer's first touch is slow here)
        call.copyInto(i, j.convert(a.reshape(-1).view(np.uint8)).order(j.native).asDoubleBuffer())
        out.append(a)
    return out


class _Said:
    """What _Lines needs of a call, for the in-memory products (their messages name nothing to rewrite)."""

    def __init__(self, command):
        self.command = command

    @staticmethod
    def said(line):
        return line


_FAST_VJP, _FAST_JVP = _Said("vjp"), _Said("jvp")


class _JavaTypes:
    """The Java types a call converts to, looked up once."""

    def __init__(self):
        import jpype
        import jpype.nio

        self.native = jpype.JClass("java.nio.ByteOrder").nativeOrder()
        self.convert = jpype.nio.convertToDirectBuffer
        self.strings = jpype.JArray(jpype.JString)
        self.buffers = jpype.JArray(jpype.JClass("java.nio.DoubleBuffer"))
        self.ints = jpype.JArray(jpype.JInt, 2)
        self.arrays = jpype.JClass("io.adjoint.jobs.PythonSession$Arrays")


_types = None


def _java():
    global _types
    if _types is None:
        _types = _JavaTypes()
    return _types
