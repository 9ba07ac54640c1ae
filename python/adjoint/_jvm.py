"""The JVM inside this process (JPype) and the one Spark session of the process.

`start()` finds the Adjoint checkout, builds it when its jar is missing or older than its sources (through
`bin/adjoint`, which knows how), and starts the JVM with the options `bin/adjoint` uses: `conf/jvm.options`, the
heap, the log4j configuration, the native BLAS/LAPACK choice and the class-data archive. Then
`io.adjoint.jobs.PythonSession` holds the Spark settings; Spark itself starts with the first job that needs tasks.
"""

import atexit
import glob
import os
import re
import subprocess
import sys

from ._errors import InputError, InternalError

_session = None
_jvm_heap = None  # the heap the JVM started with: fixed for the process's life
_options = None  # what start() was given, for the error when a second start asks for something else


def home():
    """The Adjoint checkout: $ADJOINT_HOME, the checkout this package was installed from, or the one it sits in."""
    candidates = []
    if os.environ.get("ADJOINT_HOME"):
        candidates.append(os.environ["ADJOINT_HOME"])
    try:
        from . import _home  # written by setup.py when the package is installed with pip

        candidates.append(_home.HOME)
    except ImportError:
        pass
    candidates.append(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
    for c in candidates:
        c = os.path.abspath(c)
        if os.path.isfile(os.path.join(c, "bin", "adjoint")) and os.path.isfile(os.path.join(c, "jobs", "pom.xml")):
            return c
    raise InputError(
        "cannot find the Adjoint checkout (looked in: " + ", ".join(os.path.abspath(c) for c in candidates)
        + "); set ADJOINT_HOME to it"
    )


def _needs_build(root, jar, cp_file):
    if not (os.path.isfile(jar) and os.path.isfile(cp_file)):
        return True
    built = os.path.getmtime(jar)
    poms = [os.path.join(root, "pom.xml")] + glob.glob(os.path.join(root, "*", "pom.xml"))
    for p in poms:
        if os.path.getmtime(p) > built:
            return True
    for module in ("executor-core", "driver", "jobs"):
        for dirpath, _, files in os.walk(os.path.join(root, module, "src", "main")):
            for f in files:
                if os.path.getmtime(os.path.join(dirpath, f)) > built:
                    return True
    return False


def _class_path(root):
    jar = os.path.join(root, "jobs", "target", "adjoint-jobs-0.1.0.jar")
    cp_file = os.path.join(root, "jobs", "target", "classpath.txt")
    if _needs_build(root, jar, cp_file):
        # bin/adjoint builds when it must (under a lock, with Maven or the wrapper), then prints its version
        print("adjoint: building the Java side (first use or sources changed; takes a minute or two)…", file=sys.stderr)
        r = subprocess.run([os.path.join(root, "bin", "adjoint"), "--version"], capture_output=True, text=True)
        if r.returncode != 0 or not os.path.isfile(jar):
            raise InternalError("building Adjoint failed: " + (r.stderr.strip().splitlines() or ["?"])[-1])
    with open(cp_file) as f:
        deps = [p for p in f.read().strip().split(os.pathsep) if p]
    return jar, [jar] + deps


def _jpype_support_jar():
    """JPype's own classes (org.jpype.jar): beside the module (pip's wheel) or in /usr/share/java (Debian)."""
    import jpype

    here = os.path.dirname(os.path.dirname(os.path.abspath(jpype.__file__)))
    for c in (os.path.join(here, "org.jpype.jar"), "/usr/share/java/org.jpype.jar"):
        if os.path.isfile(c):
            return c
    return None


def _jvm_options(root):
    opts = []
    with open(os.path.join(root, "conf", "jvm.options")) as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#"):
                opts.append(line)
    return opts


def _ldconfig_has(lib):
    try:
        out = subprocess.run(["/sbin/ldconfig", "-p"], capture_output=True, text=True).stdout
    except OSError:
        return False
    return (lib + " ") in out


def _native_flags(root):
    """The BLAS/LAPACK choice of bin/adjoint: the system's, else the bundled OpenBLAS, else Java (ADJOINT_BLAS)."""
    bundled = os.path.join(root, "jobs", "target", "native", "org", "bytedeco", "openblas", "linux-x86_64",
                           "libopenblas.so.0")
    choice = os.environ.get("ADJOINT_BLAS", "auto")
    if choice == "auto":
        if _ldconfig_has("libblas.so.3"):
            choice = "system"
        elif os.path.isfile(bundled) and os.uname().machine == "x86_64":
            choice = "bundled"
        else:
            choice = "java"
    if choice not in ("system", "bundled", "java"):
        raise InputError("ADJOINT_BLAS=%s: not a choice (auto, system, bundled, java)" % choice)
    if choice == "bundled":
        return ["-Ddev.ludovic.netlib.blas.nativeLibPath=" + bundled,
                "-Ddev.ludovic.netlib.lapack.nativeLibPath=" + bundled]
    if choice == "system":
        if _ldconfig_has("liblapack.so.3"):
            return []
        if os.path.isfile(bundled) and os.uname().machine == "x86_64":
            return ["-Ddev.ludovic.netlib.lapack.nativeLibPath=" + bundled]
        return ["-Ddev.ludovic.netlib.lapack.nativeLib=adjoint-no-native-lapack"]
    return ["-Ddev.ludovic.netlib.blas.nativeLib=adjoint-no-native-blas", "--add-modules=jdk.incubator.vector",
            "-Ddev.ludovic.netlib.lapack.nativeLib=adjoint-no-native-lapack"]


_SIZE = re.compile(r"^([0-9]+)([kKmMgGtT]?)$")


def _heap(heap):
    heap = str(heap or os.environ.get("ADJOINT_DRIVER_MEMORY") or "4g")
    m = _SIZE.match(heap)
    if not m:
        raise InputError("heap=%r: not a heap size (write it as '900m', '4g')" % heap)
    n = int(m.group(1)) * {"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40}[m.group(2).lower()]
    if n < 512 << 20:
        raise InputError("heap=%r: too small; give at least '512m'" % heap)
    return heap


def start(master=None, conf=None, heap=None):
    """Starts the JVM (in this process) and the Spark session; the first call of any function does it with defaults.

    master: Spark master URL (default: ``local[*]``, embedded Spark on loopback, as the CLI); a cluster master
        (``spark://host:7077``) works as in the CLI, the driver being this process — inputs and results then go
        through paths the executors can reach (``out=`` a shared folder, inputs as ``hdfs://`` or shared paths).
    conf: Spark settings, ``{"spark.ui.enabled": "true", ...}``.
    heap: the JVM's heap, as ``"4g"`` (default: $ADJOINT_DRIVER_MEMORY or 4g). A JVM cannot be restarted in a
        process: the heap is fixed by the first start.

    Returns the session. Starting again with the same arguments (or none) returns it; other arguments raise.
    """
    global _session, _options
    asked = (master, tuple(sorted((conf or {}).items())), heap)
    if _session is not None:
        if asked != (None, (), None) and asked != _options:
            raise InputError("Spark already runs in this process with master=%r conf=%r heap=%r; the JVM cannot"
                             " restart: call stop() first to change master or conf (the heap is fixed for good)"
                             % (_options[0], dict(_options[1]), _options[2]))
        return _session
    import jpype

    root = home()
    global _jvm_heap
    if jpype.isJVMStarted() and heap is not None and _jvm_heap is not None and _heap(heap) != _jvm_heap:
        raise InputError("heap=%r: the JVM runs with %s already and cannot restart in this process (start a new"
                         " Python process for another heap)" % (heap, _jvm_heap))
    if not jpype.isJVMStarted():
        jar, cp = _class_path(root)
        support = _jpype_support_jar()
        if support:
            cp.append(support)
        os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # Spark tasks are the parallelism
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        _jvm_heap = _heap(heap)
        flags = _jvm_options(root) + _native_flags(root) + [
            "-Xmx" + _jvm_heap,
            "-Dlog4j2.configurationFile=" + os.path.join(root, "conf", "log4j2.properties"),
        ]
        flags += os.environ.get("ADJOINT_JAVA_OPTS", "").split()  # extra JVM options (a profiler, a GC)
        cds = os.path.join(root, "jobs", "target", "adjoint-cds.jsa")
        if os.environ.get("ADJOINT_CDS", "1") != "0" and os.path.isfile(cds) and os.path.getmtime(cds) >= os.path.getmtime(jar):
            # the archive bin/adjoint made for this build (our class path extends its, so the JVM can use it)
            flags += ["-XX:SharedArchiveFile=" + cds, "-Xlog:cds=off", "-Xlog:cds+dynamic=off"]
        # interrupt=False: Ctrl-C reaches Python as KeyboardInterrupt (the running job is then cancelled)
        jpype.startJVM(*flags, classpath=cp, interrupt=False, convertStrings=False)
    else:
        try:
            jpype.JClass("io.adjoint.jobs.PythonSession")
        except Exception:
            raise InternalError("a JVM already runs in this process without Adjoint's classes (JPype starts one"
                                " JVM per process): import adjoint and call adjoint.start() before other JPype users")
    Session = jpype.JClass("io.adjoint.jobs.PythonSession")
    settings = jpype.JArray(jpype.JString)(["%s=%s" % (k, v) for k, v in (conf or {}).items()])
    try:
        _session = Session.start(master, settings)
    except jpype.JException as e:
        raise _java_error(e) from None
    _options = asked
    atexit.register(stop)  # after JPype's own: runs before the JVM shuts down (atexit runs last-in, first-out)
    return _session


def _java_error(e):
    """A Java exception of ours as the Python one: the CLI's one-line message for a user's mistake."""
    name = e.getClass().getName()
    msg = str(e.getMessage())
    if name == "io.adjoint.core.InvalidInputException":
        return InputError(msg)
    return InternalError("%s: %s" % (name, msg))


def session():
    """The running session, started with defaults when none runs."""
    return _session if _session is not None else start()


def stop():
    """Stops Spark (if it started) and ends the session; the next call starts a new one (the JVM stays)."""
    global _session, _options
    if _session is not None:
        s, _session, _options = _session, None, None
        import jpype

        if jpype.isJVMStarted():
            s.close()
