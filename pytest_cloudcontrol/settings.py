"""``FakeSettings``: a fake's options, checked once when it is made and frozen after."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

import pydantic
from pydantic import BaseModel, BeforeValidator, ConfigDict, PlainValidator

from . import inputs
from .errors import CloudControlUsageError
from .lifecycle import Progression


def _checked(check: Callable[..., Any], *arguments: Any) -> Any:
    # A one-argument function: pydantic hands a two-argument one its ValidationInfo.
    return BeforeValidator(lambda value: check(value, *arguments))


def _flag(name: str) -> Any:
    return _checked(inputs.flag, name)


DEFAULT_REGION = "us-east-1"
DEFAULT_ACCOUNT_ID = "123456789012"


def _default_progression(value: Any) -> Progression:
    return Progression.immediate() if value is None else inputs.progression(value)


class FakeSettings(BaseModel):
    """The options of ``FakeCloudControl`` (and of the ``cloudcontrol`` marker); see its docstring."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    region: Annotated[str, _checked(inputs.region)] = DEFAULT_REGION
    account_id: Annotated[str, _checked(inputs.account_id)] = DEFAULT_ACCOUNT_ID
    accounts: Annotated[dict[str, str], _checked(inputs.accounts)] = {}
    fast: Annotated[bool, _flag("fast")] = False
    virtual_time: Annotated[bool, _flag("virtual_time")] = True
    progression: Annotated[Progression, PlainValidator(lambda value: _default_progression(value))] = (
        Progression.immediate()
    )
    cancel_applies_change: Annotated[bool, _flag("cancel_applies_change")] = False
    validate_desired_state: Annotated[bool, _flag("validate_desired_state")] = True
    queue_concurrent_writes: Annotated[bool, _flag("queue_concurrent_writes")] = False
    start_time: Annotated[float | None, _checked(inputs.start_time)] = None

    @classmethod
    def of(cls, options: dict[str, Any]) -> FakeSettings:
        """The settings from keyword options, or a ``CloudControlUsageError`` naming every bad one.

        Options left at their defaults (the very objects of the signature) need no check: a fixture
        without a marker makes its fake at no validation cost.
        """
        given = {
            name: value for name, value in options.items() if value is not _DEFAULTS.get(name, _DEFAULTS)
        }
        try:
            return cls(**given)
        except pydantic.ValidationError as error:
            raise CloudControlUsageError(
                "FakeCloudControl got bad options: " + "; ".join(inputs.problems(error))
            ) from None


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
}
