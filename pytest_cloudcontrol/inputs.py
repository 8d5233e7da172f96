"""What a test may pass to the fake: every public argument is checked where it is given.

Each check returns the value in the form the fake keeps (an enum member, a plain copy of a JSON
object, ...) or raises ``CloudControlUsageError`` saying what was wrong and what to pass instead, before
the fake changes anything. Constraints on wire values (type names, tokens) come from botocore's model.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from datetime import datetime, timezone
from enum import Enum
from functools import cache
from typing import TYPE_CHECKING, Any, TypeVar

from .errors import CloudControlUsageError
from .lifecycle import Outcome, Progression
from .models import HandlerErrorCode, OperationStatus
from .service import MAX_DOCUMENT_DEPTH
from .service_model import data_loader, raw_model

if TYPE_CHECKING:
    from .hook_events import HookProgressEvent

E = TypeVar("E", bound=Enum)

MAX_TIMES = 1000  # injected errors and scripted requests: more is a mistake (or a loop)
# The clock stays where datetimes and AWS's timestamps can follow it (expiry adds 7 days).
LATEST_TIME = datetime(9999, 1, 1, tzinfo=timezone.utc).timestamp()


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def wrong(what: str, expected: str, got: Any) -> CloudControlUsageError:
    """The error for an argument that is not what it must be."""
    return CloudControlUsageError(f"{what} must be {expected}; got {_shown(got)}")


def choice(kind: type[E], value: Any, what: str) -> E:
    """A member of a wire enum, from itself or its string."""
    try:
        return kind(value)
    except (ValueError, TypeError):
        choices = ", ".join(str(member.value) for member in kind)
        raise wrong(what, f"one of {choices}", value) from None


def number(value: Any, what: str) -> float:
    """A finite number of 0 or more (seconds, a time)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise wrong(what, "a number of seconds (int or float)", value)
    if not math.isfinite(value) or value < 0:
        raise wrong(what, "finite and 0 or more", value)
    return float(value)


def clock_move(now: float, seconds: Any) -> float:
    """Seconds to move a clock that stands at ``now`` (it must stay before the year 9999)."""
    moved = number(seconds, "advance(seconds)")
    if now + moved >= LATEST_TIME:
        raise wrong(
            "advance(seconds)",
            f"small enough to keep the clock before 9999 (at most {LATEST_TIME - now:.0f})",
            moved,
        )
    return moved


def start_time(value: Any) -> float | None:
    """Where a virtual clock starts: a ``datetime``, epoch seconds, or None for now."""
    if value is None:
        return None
    if isinstance(value, datetime):
        value = float(value.timestamp())
    elif isinstance(value, bool) or not isinstance(value, (int, float)):
        raise wrong("start_time", "a datetime, epoch seconds or None", value)
    if not math.isfinite(value) or not 0 <= value < LATEST_TIME:
        raise wrong("start_time", "a time between 1970 and 9999", value)
    return float(value)


def count(value: Any, what: str, least: int = 1) -> int:
    """A whole number of times, ``least`` (1 unless told) to ``MAX_TIMES``."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise wrong(what, "a whole number (int)", value)
    if not least <= value <= MAX_TIMES:
        raise wrong(what, f"between {least} and {MAX_TIMES}", value)
    return value


def flag(value: Any, what: str) -> bool:
    """True or False, nothing that merely looks like one."""
    if not isinstance(value, bool):
        raise wrong(what, "True or False", value)
    return value


def text(value: Any, what: str, *, optional: bool = True) -> str | None:
    """A string (or None)."""
    if value is None and optional:
        return None
    if not isinstance(value, str):
        raise wrong(what, "a string" + (" or None" if optional else ""), value)
    return value


@cache
def _model_constraint(shape: str) -> tuple[int, int, re.Pattern[str]]:
    meta = raw_model()["shapes"][shape]
    return meta.get("min", 0), meta.get("max", 1 << 31), re.compile(meta.get("pattern", ".*"), re.DOTALL)


def model_string(value: Any, shape: str, what: str) -> str:
    """A string that satisfies the constraints of a shape of botocore's model (length, pattern)."""
    low, high, pattern = _model_constraint(shape)
    expected = f"a string of {low} to {high} characters matching {pattern.pattern}"
    if not isinstance(value, str) or not low <= len(value) <= high or pattern.fullmatch(value) is None:
        raise wrong(what, expected, value)
    return value


@cache
def _region_patterns() -> tuple[re.Pattern[str], ...]:
    # partitions.json (7 KB) has the Region patterns of endpoints.json (1.2 MB, 70 ms to load).
    partitions = data_loader().load_data("partitions")
    return tuple(re.compile(partition["regionRegex"]) for partition in partitions["partitions"])


def region(value: Any, what: str = "region") -> str:
    """An AWS Region name (of any partition botocore knows: us-east-1, cn-north-1, us-gov-west-1, ...)."""
    if not isinstance(value, str) or not any(p.match(value) for p in _region_patterns()):
        raise wrong(what, "an AWS Region name such as 'us-east-1' or 'eu-west-1'", value)
    return value


_ACCOUNT = re.compile(r"\d{12}")


def account_id(value: Any, what: str = "account_id") -> str:
    """A 12-digit AWS account id."""
    if not isinstance(value, str) or _ACCOUNT.fullmatch(value) is None:
        raise wrong(what, "a 12-digit account id string such as '123456789012'", value)
    return value


_ACCESS_KEY = re.compile(r"\w{1,128}")


def accounts(value: Any) -> dict[str, str]:
    """Access key id → account id."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise wrong("accounts", "a mapping of access key ids to 12-digit account ids", value)
    checked = {}
    for key, account in value.items():
        if not isinstance(key, str) or _ACCESS_KEY.fullmatch(key) is None:
            raise wrong("accounts", "keyed by access key ids (letters and digits, e.g. 'AKIAOTHER')", key)
        checked[key] = account_id(account, f"accounts[{key!r}]")
    return checked


def progression(value: Any, what: str = "progression") -> Progression:
    """A ``Progression`` (made by one of its constructors)."""
    if not isinstance(value, Progression):
        raise wrong(what, "a Progression, e.g. Progression.immediate(), Progression.after(60)", value)
    return value


def optional_progression(value: Any, what: str = "progression") -> Progression | None:
    """A ``Progression``, or None."""
    return None if value is None else progression(value, what)


def outcome(value: Any, what: str = "outcome") -> Outcome | None:
    """An ``Outcome`` that a request can end with (SUCCESS, or FAILED with a handler error code)."""
    if value is None:
        return None
    if not isinstance(value, Outcome):
        raise wrong(what, "an Outcome, e.g. Outcome() or Outcome.failed('NotStabilized')", value)
    status = choice(OperationStatus, value.status, f"{what}.status")
    if status not in (OperationStatus.SUCCESS, OperationStatus.FAILED):
        raise wrong(f"{what}.status", "SUCCESS or FAILED", value.status)
    code = (
        None if value.error_code is None else choice(HandlerErrorCode, value.error_code, f"{what}.error_code")
    )
    if (status == OperationStatus.FAILED) != (code is not None):
        raise wrong(what, "FAILED with an error_code, or SUCCESS without one", value)
    model = (
        None if value.resource_model is None else json_object(value.resource_model, f"{what}.resource_model")
    )
    return Outcome(
        status,
        code,
        text(value.status_message, f"{what}.status_message"),
        text(value.identifier, f"{what}.identifier"),
        model,
    )


def hooks(value: Any) -> tuple[HookProgressEvent, ...]:
    """Hook events, from ``HookProgressEvent``s or mappings of their fields."""
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Iterable):
        raise wrong("hooks", "a list of HookProgressEvent or of dicts such as {'hook_type_name': ...}", value)
    given = tuple(value)
    if not given:
        return ()
    import pydantic  # only for tests that give hooks: pydantic costs more to import than the fake

    from .hook_events import HookProgressEvent

    events = []
    for index, hook in enumerate(given):
        if isinstance(hook, HookProgressEvent):
            events.append(hook)
        elif isinstance(hook, Mapping):
            try:
                events.append(HookProgressEvent.model_validate(hook))
            except pydantic.ValidationError as error:
                raise CloudControlUsageError(
                    "; ".join(problems(error, f"hooks[{index}]")) + " (fields of HookProgressEvent)"
                ) from None
        else:
            raise wrong(f"hooks[{index}]", "a HookProgressEvent or a dict of its fields", hook)
    return tuple(events)


def status_code(value: Any) -> int | None:
    """An HTTP status an error can be answered with (400-599), or None for the error's own."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 400 <= value <= 599:
        raise wrong("status_code", "an HTTP error status, an int from 400 to 599 (or None)", value)
    return value


def json_object(value: Any, what: str) -> dict[str, Any]:
    """A plain copy of a JSON object: string keys; strings, finite numbers, booleans, null, lists, objects.

    At most ``MAX_DOCUMENT_DEPTH`` levels deep, as the service accepts properties. The copy keeps later
    changes of the test's own object out of the fake.
    """
    if not isinstance(value, Mapping):
        raise wrong(what, "a dict of property names to JSON values (not a JSON string)", value)
    copied: dict[str, Any] = _json(value, what, 1)
    return copied


def _json(value: Any, where: str, level: int) -> Any:
    # ``level`` counts as the service's json_depth does: the object is 1, each value one more.
    if level > MAX_DOCUMENT_DEPTH:
        raise CloudControlUsageError(
            f"{where} nests deeper than {MAX_DOCUMENT_DEPTH} levels, as AWS accepts none"
        )
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise wrong(where, "a finite number (JSON has no NaN or Infinity)", value)
        return value
    if isinstance(value, Mapping):
        result = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise wrong(f"{where} key", "a string", key)
            result[key] = _json(item, f"{where}[{key!r}]", level + 1)
        return result
    if isinstance(value, (list, tuple)):
        return [_json(item, f"{where}[{index}]", level + 1) for index, item in enumerate(value)]
    raise wrong(where, "a JSON value: str, int, float, bool, None, list or dict", value)


def problems(error: Any, where: str) -> list[str]:
    """A pydantic ``ValidationError`` as one line a problem: ``where.field: what is wrong (got ...)``."""
    lines = []
    for problem in error.errors():
        place = ".".join([where, *map(str, problem["loc"])])
        if problem["type"] == "extra_forbidden":
            lines.append(f"{place}: unknown field")
        else:
            lines.append(f"{place}: {problem['msg']} (got {_shown(problem.get('input'))})")
    return lines
