"""Derive the format of each generated value from its property's schema (see ``generated_values``).

``scripts/generate_resource_types.py`` writes the result into every type's row, so the package reads
formats and never analyses a schema. For each read-only property and primary-identifier part that the
curated table (``scripts/resource_type_extras.json``) leaves out, the first candidate whose samples
all satisfy the property's schema (type, pattern, lengths, enum) wins: the curated table's format
for properties of that name (``property_formats``: ``AccountId`` is ``{account}``), then

- an ``enum`` or ``const``: a settled state if there is one (``ACTIVE``, ``AVAILABLE``, ...), else the
  first value;
- not a string: the smallest value the schema allows (``0``, ``false``, ``[]``, an object holding its
  required properties);
- a string: ``{timestamp}Z`` for a ``date-time``; the package's default by name (the type's ARN for
  ``*Arn``, hex digits for ``*Id``, ``<name>-<hex>``); a UUID; hex digits; 12 digits; the type's
  ARN; ``<name>-<hex>``; then templates built from the pattern itself, character class by character
  class (``^farm-[0-9a-f]{32}$`` gives ``farm-{hex:32}``), an ARN's partition, Region and account
  put in (``{partition}``, ...) and, for the type's own ARN, ending in the resource's id or name.

Values are made in two rounds, as a create makes them: first those that are not ARNs, then the ARNs,
which may read them (``.../farm/{FarmId}``). Samples are made in us-east-1 with :mod:`random`
seeded, so the table is the same on every run.
"""

from __future__ import annotations

import itertools
import random
import re
import string
import sys
from collections.abc import Iterator, Mapping, Sequence
from types import MappingProxyType
from typing import Any

from pytest_cloudcontrol.generated_values import ALPHABETS, ValueFormat, default_format, is_arn_name, scope_of
from pytest_cloudcontrol.resource_types import ResourceType
from pytest_cloudcontrol.schema_validation import compile_validator

if sys.version_info >= (3, 11):
    from re import _constants as sre
    from re import _parser as sre_parse
else:  # pragma: no cover - Python 3.10
    import sre_constants as sre
    import sre_parse

SAMPLE_SCOPE = scope_of("us-east-1", "123456789012")
SAMPLE_TIME = 1704067200.0  # 2024-01-01T00:00:00Z
# Samples a candidate must pass, so that no random part passes by chance (most candidates that do
# not fit fail on the first).
_SAMPLES = 256
# How many characters a class repeated without a limit gets (``[a-z0-9]+``): long enough to be
# unique first, then shorter ones for tight length limits.
_WIDTHS = (12, 4, 1)
# The random parts a character class may become, the most AWS-like first.
_PREFERRED_ALPHABETS = ("hex", "upper", "HEX", "letters", "digits", "lower", "mixed")
_PROBE = [chr(code) for code in range(32, 127)]  # printable ASCII: what a class is judged on
_MAX_DEPTH = 8  # nesting of a minimal value
_MAX_WIDTH = 256  # a length limit longer than this is no length to aim for
# Enum values that say a resource has finished being created, as a create here always has.
_SETTLED = frozenset(
    [
        "ACTIVE",
        "AVAILABLE",
        "READY",
        "ENABLED",
        "CREATED",
        "COMPLETED",
        "COMPLETE",
        "SUCCEEDED",
        "SUCCESS",
        "RUNNING",
        "DEPLOYED",
        "ISSUED",
        "IN_SERVICE",
        "INSERVICE",
        "HEALTHY",
        "ONLINE",
        "OK",
    ]
)


def derive_formats(
    resource_type: ResourceType,
    schema: Mapping[str, Any],
    curated: Mapping[str, Any],
    by_name: Mapping[str, Any] = MappingProxyType({}),
) -> tuple[dict[str, Any], list[str]]:
    """The formats of ``resource_type``'s generated values that ``curated`` does not give.

    ``schema`` is the type's registry schema (read for ``format: date-time``); samples are checked
    against its compact form (:attr:`ResourceType.validation_schema`). ``by_name`` holds the first
    candidate for properties of some names (``AccountId``). Returns the formats, and the properties
    no candidate satisfies (left to the package's default by name).
    """
    state = random.getstate()
    try:
        return _derive(resource_type, schema, curated, by_name)
    finally:
        random.setstate(state)  # the samples seed it; whoever runs this keeps their sequence


def _derive(
    resource_type: ResourceType,
    schema: Mapping[str, Any],
    curated: Mapping[str, Any],
    by_name: Mapping[str, Any],
) -> tuple[dict[str, Any], list[str]]:
    compact = resource_type.validation_schema or {}
    keys = [key for key in _targets(resource_type) if key not in curated]
    derived: dict[str, Any] = {}
    unsatisfied: list[str] = []
    for arns in (False, True):
        sample = _sample_model(resource_type, {**curated, **derived})
        for key in keys:
            segments = tuple(key.split("/"))
            node = _subschema(compact, segments)
            if is_arn_name(segments[-1]) != arns:
                continue
            if node is None:  # not in the schema: any value will do, the package's default too
                continue
            suffixes = _arn_suffixes(resource_type, key) if arns else [[]]
            original = _subschema(schema, segments) or {}
            candidates = _candidates(resource_type, compact, segments, node, original, suffixes)
            if segments[-1] in by_name:
                candidates = itertools.chain([by_name[segments[-1]]], candidates)
            if f"/properties/{key}" in resource_type.primary_identifier:
                # Two creates should not make the same identifier: fixed text (an enum) last.
                candidates = iter(sorted(candidates, key=_is_fixed))
            validator = compile_validator({**node, "definitions": compact.get("definitions", {})})
            chosen = next((c for c in candidates if _always_valid(validator, segments, c, sample)), None)
            if chosen is None:
                unsatisfied.append(key)
            else:
                derived[key] = chosen
    return derived, unsatisfied


def _targets(resource_type: ResourceType) -> list[str]:
    """The keys of the values a create makes up (as ``ResourceType`` compiles them)."""
    keys: dict[str, None] = {}
    for pointer in (*resource_type.primary_identifier, *resource_type.read_only):
        segments = _segments(pointer)
        if len(segments) == 1 or pointer in resource_type.primary_identifier:
            keys["/".join(segments)] = None
    return list(keys)


def _segments(pointer: str) -> list[str]:
    return [s.replace("~1", "/").replace("~0", "~") for s in pointer.removeprefix("/properties/").split("/")]


def _sample_model(resource_type: ResourceType, formats: Mapping[str, Any]) -> dict[str, Any]:
    """What a create of an empty model makes with ``formats`` (the others by default), seeded."""
    row = {**resource_type.to_table_row(), "formats": formats}
    random.seed(0)
    return ResourceType.from_table_row(resource_type.type_name, row).generate_read_only(
        {}, region=SAMPLE_SCOPE.region, account_id=SAMPLE_SCOPE.account, now=SAMPLE_TIME
    )


def _arn_suffixes(resource_type: ResourceType, key: str) -> list[list[Sequence[str]]]:
    """What the type's own ARN may end with: its identifier's other parts, else its id or name.

    Each is a list of property paths (joined by ``/`` in the ARN); an ARN of another resource (a
    ``RoleArn``) ends in none of them.
    """
    resource = resource_type.type_name.split("::")[-1]
    own = key in ("Arn", f"{resource}Arn") or f"/properties/{key}" in resource_type.primary_identifier
    if not own:
        return [[]]
    identifiers = [resource_type.primary_identifier, *resource_type.additional_identifiers]
    suffixes = [[_segments(p) for p in ids if not is_arn_name(_segments(p)[-1])] for ids in identifiers]
    properties = (resource_type.validation_schema or {}).get("properties", {})
    names = [f"{resource}Id", "Id", f"{resource}Name", "Name"]
    suffixes += [[[name]] for name in names if name in properties]
    return [suffix for suffix in suffixes if suffix] or [[]]


def _is_fixed(spec: Any) -> bool:
    """Whether a format makes the same value every time: a fixed value, or a template without fields."""
    return not isinstance(spec, str) or all(name is None for _, name, _, _ in string.Formatter().parse(spec))


def _always_valid(validator: Any, segments: Sequence[str], spec: Any, sample: Mapping[str, Any]) -> bool:
    """Whether all the format's sample values satisfy the schema."""
    compiled = ValueFormat.compile(segments, spec)
    random.seed(0)
    return all(validator.is_valid(compiled.make(sample, SAMPLE_SCOPE, SAMPLE_TIME)) for _ in range(_SAMPLES))


def _candidates(
    resource_type: ResourceType,
    compact: Mapping[str, Any],
    segments: Sequence[str],
    node: Mapping[str, Any],
    original: Mapping[str, Any],
    suffixes: Sequence[Sequence[Sequence[str]]],
) -> Iterator[Any]:
    """The formats to try for one property, best first."""
    resolved = _resolve(compact, node)
    values = [resolved["const"]] if "const" in resolved else list(resolved.get("enum", ()))
    if values:
        settled = [v for v in values if isinstance(v, str) and re.sub("[- ]", "_", v.upper()) in _SETTLED]
        first = (settled or values)[0]
        yield _escape(first) if isinstance(first, str) else {"value": first}
    if _json_type(_first_branch(compact, resolved)) != "string":
        yield {"value": minimal_value(compact, resolved)}
        return
    type_name, name = resource_type.type_name, segments[-1]
    if _resolve(compact, original).get("format") == "date-time":
        yield "{timestamp}Z"
    length = _clamp(17, resolved.get("minLength", 0), resolved.get("maxLength", 17))
    arns = [default_format(type_name, "Arn", "string", suffix) for suffix in suffixes]
    yield from dict.fromkeys(
        [
            default_format(type_name, name, "string", suffixes[0]),
            "{uuid}",
            f"{{hex:{length}}}",
            "{digits:12}",
            *arns,
            f"{name.lower()}-{{hex:8}}",
        ]
    )
    for template in _templates_of_patterns(compact, resolved):
        yield from dict.fromkeys([*_in_arn_form(template, suffixes), template])


def _templates_of_patterns(compact: Mapping[str, Any], node: Mapping[str, Any]) -> Iterator[str]:
    """Templates made from the schema's patterns: free repeats long or short, alternatives first or second.

    The lengths the schema allows are tried too (``^[A-Z0-9]+$`` with a length of 26).
    """
    limits = [node[key] for key in ("minLength", "maxLength") if 0 < node.get(key, 0) <= _MAX_WIDTH]
    widths = dict.fromkeys((*_WIDTHS, *limits))
    for pattern in _patterns(compact, node):
        for branch in (0, 1):
            for width in widths:
                template = template_of_pattern(pattern, width, branch)
                if template is not None:
                    yield template


def _patterns(compact: Mapping[str, Any], node: Mapping[str, Any]) -> Iterator[str]:
    """The patterns of a string schema: its own, then those of its ``anyOf``/``oneOf`` branches."""
    if isinstance(node.get("pattern"), str):
        yield node["pattern"]
    for keyword in ("anyOf", "oneOf", "allOf"):
        for branch in node.get(keyword, ()):
            if isinstance(branch, Mapping):
                yield from _patterns(compact, _resolve(compact, branch))


def _in_arn_form(template: str, suffixes: Sequence[Sequence[Sequence[str]]]) -> Iterator[str]:
    """For a template that spells an ARN: with the real partition, Region and account put in.

    First ending in each of ``suffixes`` (the resource part after its last ``/`` or ``:`` replaced),
    then with the pattern's own resource part.
    """
    atoms = _atoms(template)
    colons = [i for i, atom in enumerate(atoms) if atom == ":"]
    if "".join(atoms[:4]) != "arn:" or len(colons) < 5:
        return
    resource = atoms[colons[4] + 1 :]
    cut = max((i for i, atom in enumerate(resource) if atom in ("/", ":")), default=-1)
    # The Region and account filled in, else only where the pattern has them (S3's ARNs have
    # neither); the partition always.
    for always in (True, False):
        fields = {1: "{partition}", 3: "{region}", 4: "{account}"}
        prefix = "".join(atoms[: colons[0] + 1])
        for index in range(1, 5):
            between = "".join(atoms[colons[index - 1] + 1 : colons[index]])
            filled = index in fields and (always or index == 1 or between)
            prefix += (fields[index] if filled else between) + ":"
        for suffix in suffixes:
            if suffix and cut >= 0:
                ending = "/".join("{" + "/".join(segments) + "}" for segments in suffix)
                yield prefix + "".join(resource[: cut + 1]) + ending
        yield prefix + "".join(resource)


def _atoms(template: str) -> list[str]:
    """A template as single literal characters (braces escaped) and whole fields."""
    atoms: list[str] = []
    for literal, name, spec, _ in string.Formatter().parse(template):
        atoms.extend(_escape(char) for char in literal)
        if name is not None:
            atoms.append("{" + name + (":" + spec if spec else "") + "}")
    return atoms


def minimal_value(compact: Mapping[str, Any], node: Mapping[str, Any], depth: int = 0) -> Any:
    """The smallest value a compact schema accepts, as far as a simple walk can tell."""
    node = _first_branch(compact, _resolve(compact, node))
    if "const" in node:
        return node["const"]
    if "enum" in node:
        return node["enum"][0]
    json_type = _json_type(node)
    if json_type in ("integer", "number"):
        low = node.get("minimum", node["exclusiveMinimum"] + 1 if "exclusiveMinimum" in node else 0)
        low = min(low, node.get("maximum", low))
        step = node.get("multipleOf")
        if step:
            low = -(-low // step) * step
        return int(low) if json_type == "integer" else low
    if json_type in ("boolean", "null"):
        return False if json_type == "boolean" else None
    if json_type == "array":
        items = node.get("items", {})
        count = node.get("minItems", 0) if depth < _MAX_DEPTH and isinstance(items, Mapping) else 0
        return [minimal_value(compact, items, depth + 1) for _ in range(count)]
    if json_type == "object":
        properties = node.get("properties", {})
        required = node.get("required", []) if depth < _MAX_DEPTH else []
        return {name: minimal_value(compact, properties.get(name, {}), depth + 1) for name in required}
    return _minimal_string(compact, node)


def _minimal_string(compact: Mapping[str, Any], node: Mapping[str, Any]) -> str:
    """A fixed string the schema accepts: ``a`` to the minimum length, or one made from the pattern."""
    validator = compile_validator({**node, "definitions": compact.get("definitions", {})})
    plain = "a" * max(1, node.get("minLength", 1))
    if validator.is_valid(plain):
        return plain
    for template in _templates_of_patterns(compact, node):
        random.seed(0)
        text = ValueFormat.compile(("sample",), template).make({}, SAMPLE_SCOPE, SAMPLE_TIME)
        if validator.is_valid(text):
            return str(text)
    return plain


def template_of_pattern(pattern: str, width: int = 12, branch: int = 0) -> str | None:
    """A template whose values match ``pattern``: its literals kept, its character classes random.

    ``width`` is how long a class repeated without a limit gets (``[a-z0-9]+``); groups repeat as
    often as they must; alternatives take the ``branch``-th (or the last) that is not empty; anchors
    and look-arounds are skipped (the samples are checked against the real pattern afterwards).
    None when the pattern holds what this walk cannot follow (back-references) or Python's parser
    rejects.
    """
    try:
        return "".join(_walk(sre_parse.parse(_for_python(pattern)), width, branch))
    except (re.error, OverflowError, RecursionError, _Unsupported):
        return None


class _Unsupported(Exception):
    """A part of a pattern :func:`template_of_pattern` does not follow."""


_CHARACTER = frozenset({sre.IN, sre.ANY, sre.NOT_LITERAL, sre.CATEGORY})
_REPEATS = frozenset({sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", sre.MAX_REPEAT)})


def _walk(items: Any, width: int, branch: int) -> Iterator[str]:
    for op, argument in items:
        if op is sre.LITERAL:
            yield _escape(chr(argument))
        elif op in _CHARACTER:
            yield _random_or_fixed([(op, argument)], 1)
        elif op in _REPEATS:
            low, high, item = argument
            high = low + width if high is sre.MAXREPEAT else high
            if len(item) == 1 and item[0][0] in _CHARACTER:
                yield _random_or_fixed(list(item), _clamp(width, low, high))
            else:
                yield "".join(_walk(item, width, branch)) * low
        elif op is sre.SUBPATTERN:
            yield from _walk(argument[-1], width, branch)
        elif op is sre.BRANCH:
            alternatives = [text for text in ("".join(_walk(a, width, branch)) for a in argument[1]) if text]
            yield alternatives[min(branch, len(alternatives) - 1)] if alternatives else ""
        elif op not in (sre.AT, sre.ASSERT, sre.ASSERT_NOT):
            raise _Unsupported(op)


def _random_or_fixed(item: list[tuple[Any, Any]], count: int) -> str:
    """``count`` characters of one class: a random part when an alphabet fits in it, else fixed."""
    if count <= 0:
        return ""
    members = {char for char in _PROBE if all(_matches(op, argument, char) for op, argument in item)}
    for name in _PREFERRED_ALPHABETS:
        if set(ALPHABETS[name]) <= members:
            return f"{{{name}:{count}}}"
    if not members:
        raise _Unsupported(item)
    fixed = min(members, key=lambda char: (not char.isalnum(), char))
    return _escape(fixed * count)


_CATEGORIES = {
    sre.CATEGORY_DIGIT: lambda char: char in string.digits,
    sre.CATEGORY_NOT_DIGIT: lambda char: char not in string.digits,
    sre.CATEGORY_WORD: lambda char: char.isalnum() or char == "_",
    sre.CATEGORY_NOT_WORD: lambda char: not (char.isalnum() or char == "_"),
    sre.CATEGORY_SPACE: lambda char: char in string.whitespace,
    sre.CATEGORY_NOT_SPACE: lambda char: char not in string.whitespace,
}


def _matches(op: Any, argument: Any, char: str) -> bool:
    """Whether one parsed single-character pattern matches ``char``."""
    if op is sre.LITERAL:
        return ord(char) == argument
    if op is sre.NOT_LITERAL:
        return ord(char) != argument
    if op is sre.ANY:
        return char != "\n"
    if op is sre.RANGE:
        return bool(argument[0] <= ord(char) <= argument[1])
    if op is sre.CATEGORY and argument in _CATEGORIES:
        return bool(_CATEGORIES[argument](char))
    if op is sre.IN:
        negated = bool(argument) and argument[0][0] is sre.NEGATE
        members = argument[1:] if negated else argument
        return any(_matches(o, a, char) for o, a in members) != negated
    raise _Unsupported(op)


def _for_python(pattern: str) -> str:
    r"""Stand ``\w`` in for the Java-only classes (``\p{L}``, ``\P{C}``), so that Python parses it."""
    return re.sub(r"\\[pP]\{\w+\}", r"\\w", pattern)


def _escape(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")


def _clamp(value: int, low: int, high: int) -> int:
    return max(low, min(value, high))


def _resolve(schema: Mapping[str, Any], node: Mapping[str, Any]) -> Mapping[str, Any]:
    """``node`` with its ``$ref`` (``#/definitions/...``) followed, its own keywords winning."""
    seen: set[str] = set()
    while isinstance(ref := node.get("$ref"), str) and ref.startswith("#/") and ref not in seen:
        seen.add(ref)
        target: Any = schema
        for part in ref[2:].split("/"):
            target = target.get(part, {}) if isinstance(target, Mapping) else {}
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
    return node


def _subschema(schema: Mapping[str, Any], segments: Sequence[str]) -> Mapping[str, Any] | None:
    """The schema of the property at ``segments`` (``$ref``s followed on the way), None if unknown."""
    node: Mapping[str, Any] = schema
    for segment in segments:
        child = _resolve(schema, node).get("properties", {}).get(segment)
        if not isinstance(child, Mapping):
            return None
        node = child
    return node


def _first_branch(compact: Mapping[str, Any], node: Mapping[str, Any]) -> Mapping[str, Any]:
    """``node`` merged with its first ``anyOf``/``oneOf`` branch (where the type may be declared)."""
    for keyword in ("anyOf", "oneOf"):
        branches = node.get(keyword)
        if isinstance(branches, list) and branches and isinstance(branches[0], Mapping):
            node = {**{k: v for k, v in node.items() if k != keyword}, **_resolve(compact, branches[0])}
    return node


def _json_type(node: Mapping[str, Any]) -> str:
    declared = node.get("type")
    for candidate in declared if isinstance(declared, list) else [declared]:
        if isinstance(candidate, str):
            return candidate
    if "properties" in node:
        return "object"
    return "array" if "items" in node else "string"
