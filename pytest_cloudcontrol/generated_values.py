"""How the fake spells the values a create makes up: the ``formats`` of a resource type.

When a create finishes, the read-only properties and the parts of the primary identifier the caller
left out are filled in. Each has a *format*, data in the type's row of the bundled table (curated for
common types in ``scripts/resource_type_extras.json``, derived from the property's schema for the
others by ``scripts/generate_resource_types.py``). A format is one of:

- a template string, e.g. ``"arn:{partition}:s3:::{BucketName}"``, ``"vpc-{hex:17}"``;
- ``{"value": <JSON>}``: that value, for properties that are not strings (``{"value": 0}``);
- either of those with ``"when": "<Property>"``: made only when that property is set to a value other
  than false, null or empty, e.g. ``{"template": "...", "when": "StreamSpecification"}``;
- a list of those: the first whose ``when`` holds.

Template fields (``string.Formatter`` syntax; braces in the text are doubled, ``{{``):

=============================  ================================================================
``{region}``, ``{account}``    the Region and account the resource is created in
``{partition}``, ``{domain}``  ``aws`` / ``amazonaws.com``, or the China or GovCloud counterparts
``{Name}``, ``{Parent/Name}``  another property's value (made first if it is made too); a property
                               the model lacks reads as 16 random hex digits
``{Name:unrooted}``            the value without a leading ``/`` (SSM parameter names in ARNs)
``{hex:N}``, ``{HEX:N}``       N random characters from ``0-9a-f``, ``0-9A-F``,
``{digits:N}``                 ``0-9``,
``{lower:N}``, ``{upper:N}``   ``a-z0-9``, ``A-Z0-9``,
``{letters:N}``, ``{mixed:N}`` ``a-z``, ``a-zA-Z0-9``
``{uuid}``                     a random UUID4, lower case
``{octet}``                    a random number from 1 to 254 (IPv4 addresses)
``{timestamp}``                the creation time, ``2024-01-01T00:00:00.000`` (UTC)
=============================  ================================================================

Random parts come from :mod:`random`, so a test that seeds it gets the same values every run.
"""

from __future__ import annotations

import copy
import functools
import json
import random
import string
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

__all__ = ["ALPHABETS", "Scope", "ValueFormat", "default_format", "is_arn_name", "scope_of"]

ALPHABETS: Mapping[str, str] = {
    "hex": "0123456789abcdef",
    "HEX": "0123456789ABCDEF",
    "digits": string.digits,
    "lower": string.ascii_lowercase + string.digits,
    "upper": string.ascii_uppercase + string.digits,
    "letters": string.ascii_lowercase,
    "mixed": string.ascii_letters + string.digits,
}
"""The random parts a template can hold (``{hex:17}``), each drawn from these characters."""

_TEXT_FORMS: Mapping[str, Callable[[str], str]] = {"unrooted": lambda text: text.removeprefix("/")}
# (partition, DNS suffix) of the Regions outside the commercial partition, by Region prefix.
_PARTITIONS = (("cn-", "aws-cn", "amazonaws.com.cn"), ("us-gov-", "aws-us-gov", "amazonaws.com"))


@dataclass(frozen=True, slots=True, eq=False)
class Scope:
    """Where a resource is created: what the ``{region}``-like fields of a template read.

    Compared by identity: :func:`scope_of` makes one per Region and account, and templates keep
    their text for each.
    """

    region: str
    account: str
    partition: str
    domain: str


@functools.lru_cache(maxsize=64)
def scope_of(region: str, account_id: str) -> Scope:
    """The :class:`Scope` of ``region`` and ``account_id``, with the partition and DNS suffix."""
    for prefix, partition, domain in _PARTITIONS:
        if region.startswith(prefix):
            return Scope(region, account_id, partition, domain)
    return Scope(region, account_id, "aws", "amazonaws.com")


# A template field, compiled: what it reads from the model made so far, the scope and the time.
_Field = Callable[[Mapping[str, Any], Scope, "float | None"], str]
_Piece = tuple[str, "_Field | None"]  # literal text, then the field that follows it (if any)


@dataclass(frozen=True, slots=True)
class _Choice:
    """One alternative of a format: its condition and either template pieces or a fixed value."""

    when: str | None
    pieces: tuple[_Piece, ...] | None
    value: Any
    # The pieces with the scope's fields spelled out, per scope: ``arn:{partition}:logs:{region}:...``
    # is one literal and one field once the Region and account are known.
    bound: dict[Scope, tuple[_Piece, ...]] = field(default_factory=dict, compare=False, repr=False)

    def pieces_in(self, scope: Scope) -> tuple[_Piece, ...]:
        """The template's pieces for ``scope``, its ``{region}``-like fields made literal text."""
        pieces = self.bound.get(scope)
        if pieces is None:
            pieces = self.bound[scope] = _bind(self.pieces or (), scope)
        return pieces


@dataclass(frozen=True, slots=True)
class ValueFormat:
    """The compiled format of one generated property (see the module docstring)."""

    segments: tuple[str, ...]
    """Where the value goes: ``("Arn",)``, or ``("Device", "DeviceName")`` for a nested one."""
    references: frozenset[str]
    """The properties its templates read (``Name``, ``Parent/Name``, and ``Parent``), made first."""
    choices: tuple[_Choice, ...]
    """The alternatives, in order: the first whose ``when`` holds makes the value."""

    @classmethod
    def compile(cls, segments: Sequence[str], spec: Any) -> ValueFormat:
        """Compile a ``formats`` entry; ``ValueError`` names what is wrong with it."""
        where = "/".join(segments)
        references: set[str] = set()
        alternatives = spec if isinstance(spec, list) else [spec]
        choices = [_compile_choice(where, alternative, references) for alternative in alternatives]
        if not choices:
            raise ValueError(f"format of {where}: an empty list makes nothing")
        return cls(tuple(segments), frozenset(references), tuple(choices))

    def make(self, values: Mapping[str, Any], scope: Scope, now: float | None) -> Any:
        """Make the value from the model made so far (``now``: the time, None for the wall time).

        Returns None when no choice applies (each one's ``when`` is unset).
        """
        for choice in self.choices:
            if choice.when is not None and not values.get(choice.when):
                continue
            if choice.pieces is None:
                # A fresh copy each time: the caller may change the list or object it gets.
                return copy.deepcopy(choice.value) if isinstance(choice.value, (dict, list)) else choice.value
            text = []
            for literal, made in choice.pieces_in(scope):
                text.append(literal)
                if made is not None:
                    text.append(made(values, scope, now))
            return "".join(text)
        return None


def default_format(
    type_name: str, name: str, json_type: str, identifier: Sequence[Sequence[str]] = ()
) -> Any:
    """The format of a property nothing else describes, judged by its name and JSON type.

    ``*Arn`` strings get an ARN of the type ending in the ``identifier`` parts that are not ARNs
    (``arn:{partition}:s3:{region}:{account}:bucket/{BucketName}``), ``*Id`` strings 17 hex digits,
    ``*Time``, ``*Date`` and ``*At`` strings the creation time (ISO 8601), other strings ``<name>-``
    and 8 hex digits, other JSON types their empty value.
    """
    if json_type != "string":
        return {"value": _EMPTY_VALUES.get(json_type, "")}
    if is_arn_name(name):
        _, service, resource = [*type_name.split("::"), "", "", ""][:3]
        parts = ["{" + "/".join(segments) + "}" for segments in identifier if not is_arn_name(segments[-1])]
        suffix = "/".join(parts) or "{hex:16}"
        return f"arn:{{partition}}:{service.lower()}:{{region}}:{{account}}:{resource.lower()}/{suffix}"
    if name.endswith(("Id", "ID")):
        return "{hex:17}"
    if name.endswith(_TIME_NAMES):
        return "{timestamp}Z"
    return f"{name.lower()}-{{hex:8}}"


def is_arn_name(name: str) -> bool:
    """Whether a property's name says it holds an ARN, e.g. ``Arn`` or ``StreamArn``."""
    return name.endswith(("Arn", "ARN"))


_TIME_NAMES = ("Time", "Timestamp", "Date", "At")  # CreationTime, LastModifiedDate, CreatedAt
_EMPTY_VALUES: Mapping[str, Any] = {"integer": 0, "number": 0, "boolean": False, "array": [], "object": {}}


def _compile_choice(where: str, spec: Any, references: set[str]) -> _Choice:
    """Compile one alternative: a template string, or ``{"template"|"value": ..., "when"?: ...}``."""
    if isinstance(spec, str):
        return _Choice(None, _compile_template(where, spec, references), None)
    if not isinstance(spec, dict) or len({"template", "value"} & spec.keys()) != 1:
        raise ValueError(
            f"format of {where}: expected a template string, {{'template': ...}} or {{'value': ...}}, "
            f"optionally with 'when'; got {spec!r}"
        )
    unknown = set(spec) - {"template", "value", "when"}
    if unknown:
        raise ValueError(f"format of {where}: unknown keys {sorted(unknown)}")
    when = spec.get("when")
    if when is not None:
        references.add(when)
    if "value" in spec:
        return _Choice(when, None, spec["value"])
    return _Choice(when, _compile_template(where, spec["template"], references), None)


def _compile_template(where: str, template: str, references: set[str]) -> tuple[_Piece, ...]:
    """Split a template into literal text and compiled fields, once per type."""
    pieces: list[_Piece] = []
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as error:
        raise ValueError(f"format of {where}: {template!r}: {error}") from None
    for literal, name, spec, conversion in parsed:
        if name is None:
            pieces.append((literal, None))
            continue
        if conversion is not None:
            raise ValueError(f"format of {where}: {template!r}: conversion !{conversion} is not supported")
        pieces.append((literal, _compile_field(where, template, name, spec or "", references)))
    return tuple(pieces)


def _compile_field(where: str, template: str, name: str, spec: str, references: set[str]) -> _Field:
    """One field of a template as a function of the model so far, the scope and the time."""
    problem = f"format of {where}: {template!r}: field {{{name}{':' + spec if spec else ''}}}"
    if name in ALPHABETS:
        if not spec.isdigit():
            raise ValueError(f"{problem} needs a length, e.g. {{{name}:8}}")
        return _random_part(ALPHABETS[name], int(spec))
    fixed = _FIXED_FIELDS.get(name)
    if fixed is not None:
        if spec:
            raise ValueError(f"{problem} takes no ':{spec}'")
        return fixed
    if spec and spec not in _TEXT_FORMS:
        raise ValueError(f"{problem}: unknown form; expected one of {sorted(_TEXT_FORMS)}")
    segments = tuple(name.split("/"))
    references.update((segments[0], name))
    return _reference(segments, _TEXT_FORMS.get(spec))


def _random_part(alphabet: str, length: int) -> _Field:
    if alphabet == ALPHABETS["hex"]:
        return lambda values, scope, now: f"{random.getrandbits(4 * length):0{length}x}"
    return lambda values, scope, now: "".join(random.choices(alphabet, k=length))


def _reference(segments: tuple[str, ...], form: Callable[[str], str] | None) -> _Field:
    head, rest = segments[0], segments[1:]

    def read(values: Mapping[str, Any], scope: Scope, now: float | None) -> str:
        value = values.get(head)
        for segment in rest:
            value = value.get(segment) if isinstance(value, Mapping) else None
        if value is None:
            # Unknown (a property the caller left out): any unique text will do.
            return f"{random.getrandbits(64):016x}"
        text = value if isinstance(value, str) else _json_text(value)
        return text if form is None else form(text)

    return read


def _json_text(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


def _timestamp(values: Mapping[str, Any], scope: Scope, now: float | None) -> str:
    moment = datetime.fromtimestamp(time.time() if now is None else now, timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}"


def _bind(pieces: tuple[_Piece, ...], scope: Scope) -> tuple[_Piece, ...]:
    """``pieces`` with the fields that read only the scope spelled out and merged into the text."""
    bound: list[_Piece] = []
    text = ""
    for literal, made in pieces:
        text += literal
        if made in _SCOPE_FIELDS:
            text += made(_NOTHING, scope, None)
        elif made is not None:
            bound.append((text, made))
            text = ""
    bound.append((text, None))
    return tuple(bound)


def _scope_field(attribute: str) -> _Field:
    return lambda values, scope, now: str(getattr(scope, attribute))


_SCOPE_FIELDS_BY_NAME: Mapping[str, _Field] = {
    name: _scope_field(name) for name in ("region", "account", "partition", "domain")
}
_SCOPE_FIELDS = frozenset(_SCOPE_FIELDS_BY_NAME.values())
_NOTHING: Mapping[str, Any] = {}

_FIXED_FIELDS: Mapping[str, _Field] = {
    **_SCOPE_FIELDS_BY_NAME,
    "uuid": lambda values, scope, now: str(uuid.UUID(int=random.getrandbits(128), version=4)),
    "octet": lambda values, scope, now: str(random.randint(1, 254)),
    "timestamp": _timestamp,
}
