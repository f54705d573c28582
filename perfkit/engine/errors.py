"""perfkit's own exceptions. Bad arguments raise TypeError / ValueError instead."""

from __future__ import annotations


class PerfkitError(Exception):
    """Base class of every error perfkit raises about a measurement."""


class KernelError(PerfkitError):
    """A kernel raised while it was checked, calibrated or timed."""

    def __init__(self, kernel: str, exc: BaseException, stage: str = "called") -> None:
        self.kernel = kernel
        super().__init__(f"kernel {kernel!r} raised {type(exc).__name__} when {stage}: {exc}")


class SetupError(PerfkitError):
    """The setup function raised."""


class KernelMismatchError(PerfkitError):
    """Kernels that should compute the same thing returned different results."""


class BudgetExceededError(PerfkitError):
    """A single call of a kernel took longer than its timeout (10 x budget by default)."""
