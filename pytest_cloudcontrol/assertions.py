"""Assertions over the call log: which calls match, which nearly did, and the log as text.

A call matches when it is of the operation (any, for None), answered as asked (``ok``: succeeded or
not, None: either way), in the Region and account asked (None: any), and has every given parameter
with an equal value. Parameters are the decoded request's members (``RequestToken``, ``TypeName``,
``ResourceRequestStatusFilter``, ...), compared whole: a nested value equals the member's whole
value. A dict or list given for a member sent as a JSON string (``DesiredState``, ``PatchDocument``,
``ResourceModel``) is compared with the string's parsed JSON.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .codec import parse_json
from .errors import CloudControlUsageError
from .inputs import account_id, region
from .models import Call
from .service_model import operation_model, operation_names

_MISSING = object()
_SHOWN_NEAR_MISSES = 5


@dataclass(frozen=True, slots=True)
class Expected:
    """What a test expects of a call: the criteria of ``matches``."""

    operation: str | None
    params: Mapping[str, Any]
    region: str | None = None
    account_id: str | None = None
    ok: bool | None = None

    @classmethod
    def checked(
        cls,
        operation: str | None,
        params: Mapping[str, Any],
        region_name: str | None = None,
        account: str | None = None,
        ok: bool | None = None,
    ) -> Expected:
        """The criteria, or ``CloudControlUsageError`` for an operation or parameter the model lacks."""
        names = operation_names()
        if operation is not None and operation not in names:
            close = difflib.get_close_matches(str(operation), names, n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            raise CloudControlUsageError(
                f"unknown operation {operation!r}; {hint}one of {', '.join(sorted(names))}"
            )
        known = _members(operation) if operation is not None else set().union(*map(_members, names))
        for name in params:
            if name not in known:
                where = operation or "any Cloud Control operation"
                close = difflib.get_close_matches(name, known, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                raise CloudControlUsageError(
                    f"{where} has no parameter {name!r}{hint}; its parameters: {', '.join(sorted(known))}"
                )
        return cls(
            operation,
            dict(params),
            None if region_name is None else region(region_name),
            None if account is None else account_id(account),
            ok,
        )

    def matches(self, call: Call) -> bool:
        """Whether ``call`` is what is expected."""
        return (
            self.operation in (None, call.operation)
            and self._answered(call)
            and self._in_scope(call)
            and all(_equal(call.params.get(name, _MISSING), value) for name, value in self.params.items())
        )

    def _answered(self, call: Call) -> bool:
        return self.ok is None or call.ok == self.ok

    def _in_scope(self, call: Call) -> bool:
        return self.region in (None, call.region) and self.account_id in (None, call.account_id)

    def describe(self) -> str:
        """The expected call as text: ``CancelResourceRequest(RequestToken='...') in eu-west-1``."""
        if self.operation is not None:
            text = f"{self.operation}({_params(self.params)})"
        else:
            text = f"a call with {_params(self.params)}" if self.params else "any call"
        if self.region or self.account_id:
            text += f" in {self._where()}"
        return text

    def _where(self) -> str:
        return f"{self.region or '*'}/{self.account_id or '*'}"

    def near_miss(self, call: Call) -> str | None:
        """Why a call that does not match nearly did, or None if it is not close (``call`` does not match)."""
        params_match = all(
            _equal(call.params.get(name, _MISSING), value) for name, value in self.params.items()
        )
        same_operation = self.operation in (None, call.operation)
        if same_operation and params_match:  # then it is elsewhere, or answered otherwise
            if not self._in_scope(call):
                return f"in {call.region}/{call.account_id}, not {self._where()}"
            return "it succeeded" if call.ok else f"it failed: {call.status_code} {call.error_code}"
        # The operation asked for with other parameters; for any operation, one with a parameter asked for.
        named = self.operation is not None or any(name in call.params for name in self.params)
        if same_operation and self.params and named:
            different = [
                f"{name}={_shown(call.params.get(name, _MISSING))} (expected {_shown(value)})"
                for name, value in self.params.items()
                if not _equal(call.params.get(name, _MISSING), value)
            ]
            return "other parameters: " + ", ".join(different)
        if not same_operation and self.params and params_match:
            return f"the parameters match, on {call.operation}"
        return None


def _members(operation: str) -> set[str]:
    shape = operation_model(operation).input_shape
    assert shape is not None, "every Cloud Control operation takes input"
    return set(shape.members)


def _equal(actual: Any, expected: Any) -> bool:
    if actual is _MISSING:
        return False
    if isinstance(expected, (dict, list)) and isinstance(actual, str):
        try:
            return bool(parse_json(actual) == expected)
        except (ValueError, RecursionError):
            return False
    return bool(actual == expected)


def _shown(value: Any) -> str:
    if value is _MISSING:
        return "(absent)"
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _params(params: Mapping[str, Any]) -> str:
    return ", ".join(f"{name}={_shown(value)}" for name, value in params.items())


def describe_calls(calls: Sequence[Call]) -> str:
    """The call log as text, one call a line, with its Region and account and its answer."""
    if not calls:
        return "No Cloud Control calls were made."
    lines = [f"Cloud Control calls made ({len(calls)}):"]
    for number, call in enumerate(calls, 1):
        answer = "200" if call.ok else f"{call.status_code} {call.error_code}"
        if call.answer_lost:
            answer += " (answer lost: read_timeout)"
        lines.append(
            f"  {number}. {call.operation}({_params(call.params)}) in {call.region}/{call.account_id} "
            f"-> {answer}"
        )
    return "\n".join(lines)


def failure(headline: str, expected: Expected, calls: Sequence[Call], *, near: bool = True) -> AssertionError:
    """The ``AssertionError`` of a failed assertion: the headline, the near misses, the call log."""
    lines = [headline]
    misses = [
        (number, reason)
        for number, call in enumerate(calls, 1)
        if not expected.matches(call) and (reason := expected.near_miss(call)) is not None
    ]
    if near and misses:
        lines.append("Near misses:")
        for number, reason in misses[:_SHOWN_NEAR_MISSES]:
            call = calls[number - 1]
            lines.append(f"  call {number}, {call.operation} in {call.region}/{call.account_id}: {reason}")
        if len(misses) > _SHOWN_NEAR_MISSES:
            lines.append(f"  ... and {len(misses) - _SHOWN_NEAR_MISSES} more")
    lines.append(describe_calls(calls))
    return AssertionError("\n".join(lines))


def numbers(expected: Expected, calls: Sequence[Call]) -> list[int]:
    """The numbers (from 1) of the calls that match."""
    return [number for number, call in enumerate(calls, 1) if expected.matches(call)]


def times(value: Any) -> int | None:
    """``times=``: None (at least once) or how many exactly (0 or more)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise CloudControlUsageError(f"times must be a whole number, 0 or more (or None); got {value!r}")
    return value


def counted(count: int) -> str:
    """``once``, ``2 times``, ``0 times``."""
    return "once" if count == 1 else f"{count} times"
