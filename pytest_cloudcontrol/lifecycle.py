"""When an in-flight request moves on (``Progression``) and how it ends (``Outcome``)."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from .errors import CloudControlUsageError
from .models import HandlerErrorCode, HookStatus, OperationStatus

if TYPE_CHECKING:
    from .hook_events import HookProgressEvent

ProgressionKind = Literal["immediate", "reads", "duration", "manual"]


@dataclass(frozen=True, slots=True)
class Progression:
    """A policy for when an in-flight request (or a cancel) finishes.

    - ``Progression.immediate()``: the answer to the call itself shows it in flight; anything after
      (a status read, a list, a GetResource) sees it finished.
    - ``Progression.after_reads(n)``: the ``n``-th GetResourceRequestStatus of it shows it finished.
    - ``Progression.after(seconds)``: it finishes when the virtual clock has moved ``seconds`` on.
    - ``Progression.manual()``: it stays in flight until the test finishes it (``fake.complete``).
    """

    kind: ProgressionKind
    reads: int = 0
    seconds: float = 0.0

    @classmethod
    def immediate(cls) -> Progression:
        """Finish before the next call sees it."""
        return cls("immediate")

    @classmethod
    def after_reads(cls, reads: int) -> Progression:
        """Finish on the ``reads``-th status read (1 = the first read already shows the outcome)."""
        if isinstance(reads, bool) or not isinstance(reads, int) or reads < 1:
            raise CloudControlUsageError(
                f"after_reads needs a whole number of reads, 1 or more; got {reads!r}"
            )
        return cls("reads", reads=reads)

    @classmethod
    def after(cls, seconds: float) -> Progression:
        """Finish once ``seconds`` of virtual time have passed since the request started."""
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
            raise CloudControlUsageError(f"after needs a number of seconds; got {seconds!r}")
        if not math.isfinite(seconds) or seconds < 0:
            raise CloudControlUsageError(
                f"after needs a finite duration of 0 seconds or more (for never, Progression.manual()); "
                f"got {seconds!r}"
            )
        return cls("duration", seconds=float(seconds))

    @classmethod
    def manual(cls) -> Progression:
        """Never finish on its own; the test calls ``fake.complete(token, ...)``."""
        return cls("manual")

    def due_time(self, started: float) -> float | None:
        """The virtual time it is due at, or None if it is not finished by time."""
        if self.kind == "immediate":
            return started
        if self.kind == "duration":
            return started + self.seconds
        return None


class Outcome(NamedTuple):
    """How a request ends: its final status, and for a failure the handler's error code and message.

    A named tuple: immutable, and quick to make (every finished write makes one).
    """

    status: OperationStatus = OperationStatus.SUCCESS
    error_code: HandlerErrorCode | None = None
    status_message: str | None = None
    identifier: str | None = None
    resource_model: dict[str, Any] | None = None

    @classmethod
    def failed(cls, error_code: HandlerErrorCode | str, status_message: str | None = None) -> Outcome:
        """A FAILED outcome with the handler error code (e.g. ``AlreadyExists``)."""
        try:
            code = HandlerErrorCode(error_code)
        except ValueError:
            choices = ", ".join(member.value for member in HandlerErrorCode)
            raise CloudControlUsageError(
                f"Outcome.failed needs a handler error code, one of {choices}; got {error_code!r}"
            ) from None
        return cls(OperationStatus.FAILED, code, status_message)


SUCCEEDED = Outcome()
"""A plain success, with no identifier or model to record."""


_HOOK_FAILURES = frozenset({HookStatus.HOOK_COMPLETE_FAILED, HookStatus.HOOK_FAILED})


def hook_failure(hooks: tuple[HookProgressEvent, ...]) -> Outcome | None:
    """How a request ends that a hook stopped (one failed in ``FAIL`` mode), or None if none did.

    Hooks run before provisioning, so the request makes no change. The event is not documented; the
    fake answers ``InvalidRequest`` when a hook found the resource non-compliant (HOOK_COMPLETE_FAILED),
    ``GeneralServiceException`` when hooks only failed to complete (HOOK_FAILED), with CloudFormation's
    stack-event text naming them. A ``WARN`` hook's failure lets the request go on.
    """
    failed = [hook for hook in hooks if hook.failure_mode == "FAIL" and hook.hook_status in _HOOK_FAILURES]
    if not failed:
        return None
    non_compliant = any(hook.hook_status == HookStatus.HOOK_COMPLETE_FAILED for hook in failed)
    code = HandlerErrorCode.InvalidRequest if non_compliant else HandlerErrorCode.GeneralServiceException
    names = ", ".join(hook.hook_type_name for hook in failed)
    return Outcome(OperationStatus.FAILED, code, f"The following hook(s) failed: [{names}]")


def handler_message(
    code: HandlerErrorCode,
    type_name: str,
    identifier: str | None,
    action: str,
    texts: Mapping[str, str] = MappingProxyType({}),
) -> str:
    """The text a handler gives a failure of ``code``: the type's own from ``texts``, else CloudFormation's.

    ``action`` is the handler's: CREATE, READ, UPDATE, DELETE or LIST. ``texts`` maps error codes to
    a type's recorded texts (:attr:`ResourceType.handler_messages`), which may name ``{type_name}``,
    ``{identifier}`` and ``{operation}``.
    """
    own = texts.get(code.value)
    if own is not None:
        return own.format(type_name=type_name, identifier=identifier, operation=action)
    subject = f"Resource of type '{type_name}' with identifier '{identifier}'"
    texts = {
        HandlerErrorCode.NotFound: f"{subject} was not found.",
        HandlerErrorCode.AlreadyExists: f"{subject} already exists.",
        HandlerErrorCode.NotStabilized: f"{subject} did not stabilize.",
        HandlerErrorCode.Throttling: f"Rate exceeded for operation '{action}'.",
        HandlerErrorCode.GeneralServiceException: f"Error occurred during operation '{action}'.",
        HandlerErrorCode.InternalFailure: "Internal error occurred.",
    }
    return texts.get(code, f"Handler failed with {code.value} during operation '{action}'.")


Effect = Callable[[Any], Outcome]
"""What a finishing request (the argument) does to the resource store: it applies the change and returns
the outcome to show (a create that finds its identifier taken returns a FAILED ``AlreadyExists``). A
failure a test forces skips it, so the store is left as it was. Taking the request lets one effect serve
many requests (every seeded request shares one)."""
