"""``FakeSettings``: a fake's options, checked once when it is made and frozen after."""

from __future__ import annotations

from typing import Annotated, Any

import pydantic
from pydantic import BaseModel, BeforeValidator, ConfigDict

from . import inputs
from .errors import CloudControlUsageError
from .lifecycle import Progression


def _flag(name: str) -> Any:
    return BeforeValidator(lambda value: inputs.flag(value, name))


def _default_progression(value: Any) -> Progression:
    return Progression.immediate() if value is None else inputs.progression(value)


class FakeSettings(BaseModel):
    """The options of ``FakeCloudControl`` (and of the ``cloudcontrol`` marker); see its docstring."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    region: Annotated[str, BeforeValidator(inputs.region)] = "us-east-1"
    account_id: Annotated[str, BeforeValidator(inputs.account_id)] = "123456789012"
    accounts: Annotated[dict[str, str], BeforeValidator(inputs.accounts)] = {}
    fast: Annotated[bool, _flag("fast")] = False
    virtual_time: Annotated[bool, _flag("virtual_time")] = True
    progression: Annotated[Progression, BeforeValidator(_default_progression)] = Progression.immediate()
    cancel_applies_change: Annotated[bool, _flag("cancel_applies_change")] = False
    validate_desired_state: Annotated[bool, _flag("validate_desired_state")] = False
    queue_concurrent_writes: Annotated[bool, _flag("queue_concurrent_writes")] = False
    start_time: Annotated[float | None, BeforeValidator(inputs.start_time)] = None

    @classmethod
    def of(cls, options: dict[str, Any]) -> FakeSettings:
        """The settings from keyword options, or a ``CloudControlUsageError`` naming every bad one."""
        try:
            return cls(**options)
        except pydantic.ValidationError as error:
            raise CloudControlUsageError(
                "FakeCloudControl got bad options: " + "; ".join(inputs.problems(error))
            ) from None
