"""``FakeSettings``: a fake's options, checked once when it is made and frozen after."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

from . import inputs
from .errors import CloudControlUsageError
from .lifecycle import Progression

Serves = Literal["process", "attached"]
"""Whom a fake serves: every botocore client in the process, or only the clients attached to it."""

DEFAULT_REGION = "us-east-1"
DEFAULT_ACCOUNT_ID = "123456789012"


@dataclass(frozen=True, slots=True, kw_only=True)
class FakeSettings:
    """The options of ``FakeCloudControl`` (and of the ``cloudcontrol`` marker); see its docstring."""

    region: str = DEFAULT_REGION
    account_id: str = DEFAULT_ACCOUNT_ID
    accounts: dict[str, str] = field(default_factory=dict)
    fast: bool = False
    virtual_time: bool = True
    progression: Progression = field(default_factory=Progression.immediate)
    cancel_applies_change: bool = False
    validate_desired_state: bool = True
    queue_concurrent_writes: bool = False
    start_time: float | None = None
    serves: Serves = "process"

    @classmethod
    def of(cls, options: dict[str, Any]) -> FakeSettings:
        """The settings from keyword options, or a ``CloudControlUsageError`` naming every bad one.

        Options left at their defaults (the very objects of the signature) need no check: a fixture
        without a marker makes its fake at no validation cost.
        """
        checked, problems = {}, []
        for name, value in options.items():
            if value is _DEFAULTS.get(name, _DEFAULTS):
                continue
            check = _CHECKS.get(name)
            if check is None:
                problems.append(f"unknown option {name!r}")
                continue
            try:
                checked[name] = check(value)
            except CloudControlUsageError as error:
                problems.append(str(error))
        if problems:
            raise CloudControlUsageError("FakeCloudControl got bad options: " + "; ".join(problems))
        return cls(**checked)


def _serves(value: Any) -> Serves:
    if value not in get_args(Serves):
        raise inputs.wrong(
            "serves", '"process" (every client) or "attached" (fake.attach(client) only)', value
        )
    served: Serves = value
    return served


def _flag(name: str) -> Callable[[Any], bool]:
    return lambda value: inputs.flag(value, name)


# Each option's check: it returns the value the settings keep, or raises CloudControlUsageError.
_CHECKS: dict[str, Callable[[Any], Any]] = {
    "region": inputs.region,
    "account_id": inputs.account_id,
    "accounts": inputs.accounts,
    "fast": _flag("fast"),
    "virtual_time": _flag("virtual_time"),
    "progression": inputs.progression,
    "cancel_applies_change": _flag("cancel_applies_change"),
    "validate_desired_state": _flag("validate_desired_state"),
    "queue_concurrent_writes": _flag("queue_concurrent_writes"),
    "start_time": inputs.start_time,
    "serves": _serves,
}

# The defaults of FakeCloudControl's signature (None stands for the settings' own default).
_DEFAULTS: dict[str, Any] = {
    "region": DEFAULT_REGION,
    "account_id": DEFAULT_ACCOUNT_ID,
    "accounts": None,
    "fast": False,
    "virtual_time": True,
    "progression": None,
    "cancel_applies_change": False,
    "validate_desired_state": True,
    "queue_concurrent_writes": False,
    "start_time": None,
    "serves": "process",
}
