"""When an in-flight request moves on (``Progression``) and how it ends (``Outcome``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple

from .models import HandlerErrorCode, OperationStatus

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
        if reads < 1:
            raise ValueError(f"after_reads needs at least 1 read, got {reads}")
        return cls("reads", reads=reads)

    @classmethod
    def after(cls, seconds: float) -> Progression:
        """Finish once ``seconds`` of virtual time have passed since the request started."""
        if seconds < 0:
            raise ValueError(f"after needs a duration of 0 seconds or more, got {seconds}")
        return cls("duration", seconds=seconds)

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
        return cls(OperationStatus.FAILED, HandlerErrorCode(error_code), status_message)


SUCCEEDED = Outcome()
"""A plain success, with no identifier or model to record."""


def handler_message(code: HandlerErrorCode, type_name: str, identifier: str | None, action: str) -> str:
    """The text a CloudFormation handler gives a failure of ``code`` when it gives none of its own.

    ``action`` is the handler's: CREATE, READ, UPDATE, DELETE or LIST.
    """
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


Effect = Callable[[], Outcome]
"""What a finishing request does to the resource store: it applies the change and returns the outcome to
show (a create that finds its identifier taken returns a FAILED ``AlreadyExists``). A failure a test
forces skips it, so the store is left as it was."""
