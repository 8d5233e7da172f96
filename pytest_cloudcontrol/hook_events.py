"""``HookProgressEvent``: one hook's progress, the one pydantic model (tests give hook events as input).

Loaded only when a test gives hooks: pydantic costs more to import than the rest of the fake.
Field aliases are the wire names (PascalCase); ``model_dump(by_alias=True, exclude_none=True)`` is the
wire form.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, PlainSerializer
from pydantic.alias_generators import to_pascal

from .models import HookStatus


def _epoch(value: datetime) -> float:
    # AWS sends epoch seconds with a millisecond fraction, e.g. 1632506656.706.
    return round(value.timestamp(), 3)


WireTime = Annotated[datetime, PlainSerializer(_epoch, return_type=float)]
"""A timestamp: a ``datetime`` in Python, epoch seconds on the wire."""


class HookProgressEvent(BaseModel):
    """One hook's progress, as GetResourceRequestStatus returns it in ``HooksProgressEvent``."""

    model_config = ConfigDict(
        alias_generator=to_pascal, populate_by_name=True, extra="forbid", validate_default=False
    )

    hook_type_name: str
    hook_status: HookStatus | str = HookStatus.HOOK_COMPLETE_SUCCEEDED
    hook_type_version_id: str | None = "00000001"
    hook_type_arn: str | None = None
    invocation_point: str | None = "PRE_PROVISION"
    hook_event_time: WireTime | None = None
    hook_status_message: str | None = None
    failure_mode: str | None = "FAIL"
