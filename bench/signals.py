"""Ctrl-C and SIGTERM handling: finish the current step, then clean up.

devstack's `Signals` counts stop requests instead of raising them, so no
cleanup is ever cut short; the orchestrator checks `Stop.requested` between
steps and unwinds through its exit stack, which stops every child it started.
"""

from marketplace.devstack import Signals


class Interrupted(Exception):
    """The user asked the benchmark to stop."""


class Stop(Signals):
    """devstack's Signals plus a checkpoint between steps."""

    @property
    def requested(self) -> bool:
        return self.count > 0

    def checkpoint(self) -> None:
        """Raise Interrupted if a stop was requested since the start."""
        if self.requested:
            raise Interrupted()
