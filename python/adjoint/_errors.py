"""The exceptions of the Python API: the CLI's exit codes as Python errors."""


class AdjointError(Exception):
    """Base class of Adjoint's errors."""


class InputError(AdjointError, ValueError):
    """A usage or input error (the CLI's exit code 2): the CLI's one-line message, naming what is wrong."""


class InternalError(AdjointError, RuntimeError):
    """A failure that is not the caller's (the CLI's exit code 3): a bug, or Spark or storage failing."""


class AdjointWarning(UserWarning):
    """A warning of a job (an input the expression does not use, a tolerance too tight for the step, ...)."""
