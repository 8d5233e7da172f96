"""Server-side input validation, compiled from botocore's input shapes, worded like AWS's Coral framework.

Two passes, in AWS's order: JSON types first (a wrong type is a ``SerializationException``), then the
model's constraints (``ValidationException``: ``N validation errors detected: ...``). Each operation's
validator is compiled once from the model, so a call costs a few dictionary look-ups.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import Any

from botocore.model import ListShape, Shape, StructureShape

from .errors import AWSError
from .service_model import operation_model

_MAX_LISTED = 10  # Coral lists at most ten violations in one message.
_NOT_NULL = ["Member must not be null"]

# A check appends violation texts for one value found at a dotted, lower-camel path.
Check = Callable[[Any, str, list[str]], None]


def _lower_camel(name: str) -> str:
    return name[:1].lower() + name[1:]


def _java_text(value: Any) -> str:
    # Coral quotes values as Java's toString() renders them.
    if isinstance(value, list):
        return "[" + ", ".join(_java_text(item) for item in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    return str(value)


def _violation(value: Any, path: str, constraint: str, *, sensitive: bool) -> str:
    # Sensitive members (Properties, PatchDocument) are redacted: the value is never echoed.
    shown = "" if sensitive else f" '{_java_text(value)}'"
    return f"Value{shown} at '{path}' failed to satisfy constraint: {constraint}"


def _constraints(shape: Shape) -> Callable[[Any], list[str]] | None:
    """Compile the constraint texts a scalar value breaks, or None when the shape has no constraints."""
    meta = shape.metadata
    low, high = meta.get("min"), meta.get("max")
    pattern = re.compile(meta["pattern"], re.DOTALL) if "pattern" in meta else None
    enum = tuple(getattr(shape, "enum", ()) or ())
    enum_text = "Member must satisfy enum value set: [" + ", ".join(enum) + "]"
    is_string = shape.type_name == "string"
    if low is None and high is None and pattern is None and not enum:
        return None
    noun = "length" if is_string else "value"

    def broken(value: Any) -> list[str]:
        texts = []
        size = len(value) if is_string else value
        if high is not None and size > high:
            texts.append(f"Member must have {noun} less than or equal to {high}")
        if low is not None and size < low:
            texts.append(f"Member must have {noun} greater than or equal to {low}")
        if pattern is not None and pattern.fullmatch(value) is None:
            texts.append(f"Member must satisfy regular expression pattern: {pattern.pattern}")
        if enum and value not in enum:
            texts.append(enum_text)
        return texts

    return broken


def _compile(shape: Shape) -> Check:
    if isinstance(shape, StructureShape):
        return _compile_structure(shape)
    if isinstance(shape, ListShape):
        return _compile_list(shape)
    broken = _constraints(shape)
    sensitive = bool(shape.serialization.get("sensitive") or shape.metadata.get("sensitive"))

    if broken is None:
        return _no_constraints

    def check_scalar(value: Any, path: str, out: list[str]) -> None:
        texts = broken(value)
        if texts:
            out.extend(_violation(value, path, text, sensitive=sensitive) for text in texts)

    return check_scalar


def _no_constraints(value: Any, path: str, out: list[str]) -> None:
    """The check of a value the model does not constrain."""


def _compile_structure(shape: StructureShape) -> Check:
    members = [(name, _lower_camel(name), _compile(member)) for name, member in shape.members.items()]
    required = frozenset(shape.required_members)

    def check_structure(value: Any, path: str, out: list[str]) -> None:
        prefix = f"{path}." if path else ""
        for name, camel, check in members:
            item = value.get(name)
            if item is None:
                if name in required:
                    out.append(
                        f"Value null at '{prefix}{camel}' failed to satisfy constraint: "
                        "Member must not be null"
                    )
                continue
            check(item, prefix + camel, out)

    return check_structure


def _compile_list(shape: ListShape) -> Check:
    broken = _constraints(shape.member)

    def check_list(value: Any, path: str, out: list[str]) -> None:
        if broken is None:
            return
        # Coral reports a list's bad members once, as one nested constraint on the whole list.
        texts = sorted({text for item in value for text in (_NOT_NULL if item is None else broken(item))})
        if texts:
            constraint = "Member must satisfy constraint: [" + ", ".join(texts) + "]"
            out.append(_violation(value, path, constraint, sensitive=False))

    return check_list


_JSON_KIND = {
    str: "STRING_VALUE",
    bool: "BOOLEAN_VALUE",
    int: "NUMBER_VALUE",
    float: "NUMBER_VALUE",
}
_JAVA_TYPE = {"string": "String", "integer": "Integer", "boolean": "Boolean", "timestamp": "Date"}


# A type check returns the SerializationException text for the first value that cannot be read as its
# shape, or None.
TypeCheck = Callable[[Any], "str | None"]


def _compile_types(shape: Shape) -> TypeCheck:
    """Compile the JSON type check of a shape and everything below it."""
    if isinstance(shape, StructureShape):
        expected: type = dict
        members = [(name, _compile_types(member)) for name, member in shape.members.items()]

        def check_members(value: Any) -> str | None:
            for name, check in members:
                item = value.get(name)
                if item is not None and (error := check(item)) is not None:
                    return error
            return None

        inner: TypeCheck | None = check_members
    elif isinstance(shape, ListShape):
        expected = list
        check_item = _compile_types(shape.member)

        def check_items(value: Any) -> str | None:
            for item in value:
                if item is not None and (error := check_item(item)) is not None:
                    return error
            return None

        inner = check_items
    else:
        expected = {"string": str, "integer": int, "boolean": bool}.get(shape.type_name, object)
        inner = None
    target = _JAVA_TYPE.get(shape.type_name, shape.name)

    def check(value: Any) -> str | None:
        if isinstance(value, expected) and not (expected is int and isinstance(value, bool)):
            return None if inner is None else inner(value)
        if isinstance(value, dict):
            return "Start of structure or map found where not expected."
        if isinstance(value, list):
            return "Start of list found where not expected."
        return f"{_JSON_KIND.get(type(value), 'VALUE')} cannot be converted to {target}"

    return check


# A member of a flat input structure as the quick check reads it:
# (name, required, exact JSON type, min, max, compiled pattern, enum values).
_Member = tuple[str, bool, type, Any, Any, "re.Pattern[str] | None", tuple[str, ...]]


def _flat_members(shape: StructureShape) -> list[_Member] | None:
    """The quick check's view of a structure of scalars only (every operation's but one); else None."""
    members = []
    for name, member in shape.members.items():
        expected = {"string": str, "integer": int}.get(member.type_name)
        if expected is None:
            return None
        meta = member.metadata
        pattern = _deciding_pattern(meta)
        enum = tuple(getattr(member, "enum", ()) or ())
        required = name in shape.required_members
        members.append((name, required, expected, meta.get("min"), meta.get("max"), pattern, enum))
    return members


# Patterns that every string matches (compiled with re.DOTALL, ``.`` matches newlines too), such as those of
# Properties and PatchDocument, whose full match would scan every character of the document; and
# patterns that every non-empty string matches, which add nothing to a minimum length of 1.
_ANY_STRING = frozenset({r"[\s\S]*", r".*"})
_ANY_NON_EMPTY = frozenset({r"[\s\S]+", r".+"})


def _deciding_pattern(meta: dict[str, Any]) -> re.Pattern[str] | None:
    """A member's pattern as the quick check needs it: None when the others' rules decide alone.

    Only the quick check leaves such patterns out; the full validator words every rule a value
    breaks, these patterns too, as Coral does.
    """
    pattern = meta.get("pattern")
    if pattern is None or pattern in _ANY_STRING or (pattern in _ANY_NON_EMPTY and meta.get("min", 0) >= 1):
        return None
    return re.compile(pattern, re.DOTALL)


def _quick_check(members: list[_Member]) -> Callable[[dict[str, Any]], bool]:
    """Compile a check that says, in one pass, whether an input breaks no rule at all.

    Most inputs are valid: this answers them at a fraction of the cost of the full validator's calls
    per member. Any doubt (a wrong type, a broken constraint) answers False, and the full validator,
    the only one that words errors, takes over.

    It is compiled to one function of straight-line tests, one line a member, as ``dataclasses``
    compiles ``__init__``: it runs on every call, and a loop over the members' rules costs half as much
    again. The source holds only member names and numbers from botocore's model; patterns and enum
    values are bound as names.
    """
    namespace: dict[str, Any] = {}
    lines = ["def valid(params):"]
    for index, (name, required, expected, low, high, pattern, enum) in enumerate(members):
        # The exact type first: bool is not an integer here, a str subclass takes the long way.
        namespace[f"T{index}"] = expected
        broken = [f"type(v) is not T{index}"]
        size = "len(v)" if expected is str else "v"
        if low is not None:
            broken.append(f"{size} < {int(low)}")
        if high is not None:
            broken.append(f"{size} > {int(high)}")
        if pattern is not None:
            namespace[f"P{index}"] = pattern.fullmatch
            broken.append(f"P{index}(v) is None")
        if enum:
            namespace[f"E{index}"] = frozenset(enum)
            broken.append(f"v not in E{index}")
        lines.append(f"    v = params.get({name!r})")
        if required:
            lines.append(f"    if v is None or {' or '.join(broken)}: return False")
        else:
            lines.append(f"    if v is not None and ({' or '.join(broken)}): return False")
    lines.append("    return True")
    exec("\n".join(lines), namespace)  # the source holds the model's names and numbers only
    valid: Callable[[dict[str, Any]], bool] = namespace["valid"]
    return valid


@cache
def input_validator(operation: str) -> Callable[[dict[str, Any]], None]:
    """Return the validator of one operation's input: it raises the ``AWSError`` AWS would answer."""
    shape = operation_model(operation).input_shape
    assert isinstance(shape, StructureShape)
    check = _compile_structure(shape)
    check_types = _compile_types(shape)
    flat = _flat_members(shape)
    quick = None if flat is None else _quick_check(flat)

    def validate(params: dict[str, Any]) -> None:
        if quick is not None and quick(params):
            return
        if (error := check_types(params)) is not None:
            raise AWSError("SerializationException", error)
        out: list[str] = []
        check(params, "", out)
        if out:
            raise AWSError("ValidationException", validation_message(out))

    return validate


def json_depth(value: Any) -> int:
    """How deeply a parsed JSON value nests (iteratively, so any depth is measured safely)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        if isinstance(node, dict):
            stack.extend((child, depth + 1) for child in node.values())
        elif isinstance(node, list):
            stack.extend((child, depth + 1) for child in node)
    return deepest


def validation_message(violations: list[str]) -> str:
    """Join violation texts the way Coral does: ``N validation error(s) detected: a; b``."""
    count = len(violations)
    noun = "error" if count == 1 else "errors"
    return f"{count} validation {noun} detected: " + "; ".join(violations[:_MAX_LISTED])
