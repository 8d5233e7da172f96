"""Model validation: a DesiredState (or a patched model) against its type's schema, in AWS's words.

Cloud Control rejects a CreateResource or UpdateResource whose model breaks the type's JSON schema with
``Model validation failed (<items>)``, one item per violation, joined by newlines (the
CloudFormation validator's texts: ``#/BucketName: expected type: String, found: Boolean``, ``#:
extraneous key [X] is not permitted``, ``#: required key [Code] not found``, ``#/Data: expected
maxLength: 16000``; every other constraint scrubbed to ``failed validation constraint for keyword
[pattern]``). :func:`violations` returns those items.

The schemas are the validation part of each type's registry schema (:func:`compact_schema`), bundled
with the package for every public type and compiled by jsonschema-rs on a type's first validation.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .resource_types import ResourceType

__all__ = ["compact_schema", "compile_validator", "violations"]

# The JSON Schema (draft 7) keywords that constrain a value; everything else in a registry schema
# (descriptions, ``insertionOrder``, ``relationshipRef``, cfn-lint's own ``format``s and keywords such
# as ``requiredXor``) says nothing Cloud Control checks, so the bundled copy leaves it out.
_CONSTRAINTS = frozenset(
    {
        "$ref",
        "additionalItems",
        "additionalProperties",
        "allOf",
        "anyOf",
        "const",
        "contains",
        "dependencies",
        "else",
        "enum",
        "exclusiveMaximum",
        "exclusiveMinimum",
        "if",
        "items",
        "maxItems",
        "maxLength",
        "maxProperties",
        "maximum",
        "minItems",
        "minLength",
        "minProperties",
        "minimum",
        "multipleOf",
        "not",
        "oneOf",
        "pattern",
        "patternProperties",
        "properties",
        "propertyNames",
        "required",
        "then",
        "type",
        "uniqueItems",
    }
)
_SCHEMA_MAPS = frozenset({"properties", "patternProperties", "definitions"})  # name → subschema
_SCHEMA_LISTS = frozenset({"allOf", "anyOf", "oneOf"})
# AWS's validator names JSON types like this in "expected type: String, found: Boolean".
_TYPE_NAMES = {
    "string": "String",
    "integer": "Integer",
    "number": "Number",
    "boolean": "Boolean",
    "array": "JSONArray",
    "object": "JSONObject",
    "null": "Null",
}


def violations(resource_type: ResourceType, properties: Mapping[str, Any]) -> list[str]:
    """Return the violations of ``properties`` against the type's schema, in AWS's words.

    Items look like ``#/BucketName: expected type: String, found: Boolean``, sorted by path and
    message; an empty list means valid (a type without a schema is always valid). A required property
    that is read-only is not missing: the handler fills it in.
    """
    if resource_type.accepts(properties):
        return []
    validator = resource_type.validator()
    read_only = set(resource_type.read_only)
    items = {item for error in validator.iter_errors(properties) for item in _aws_items(error, read_only)}
    return [f"{path}: {message}" for path, message in sorted(items)]


def compile_validator(schema: Mapping[str, Any], unchecked: Iterable[str] = ()) -> Any:
    """Compile a compact schema (:func:`compact_schema`) into a jsonschema-rs validator.

    The top-level properties named in ``unchecked`` may hold anything and are never required.
    """
    import jsonschema_rs

    compiled = dict(schema)
    unchecked = set(unchecked)
    if unchecked:
        compiled["properties"] = {
            name: {} if name in unchecked else sub for name, sub in schema.get("properties", {}).items()
        }
        if "required" in schema:
            compiled["required"] = [name for name in schema["required"] if name not in unchecked]
    return jsonschema_rs.Draft7Validator(
        compiled, pattern_options=jsonschema_rs.FancyRegexOptions(), validate_formats=False
    )


def compact_schema(schema: Mapping[str, Any]) -> dict[str, Any]:
    """The validation part of a registry schema: constraints only, in a form jsonschema-rs compiles.

    Keeps ``properties``, ``definitions`` and every draft-7 constraint; drops descriptions and the
    other annotations, ``format`` (CloudFormation does not check it; cfn-lint adds its own), and the
    definitions nothing refers to. Regular expressions are Java's: ``\\A`` and ``\\Z`` become ``^``
    and ``$``; the few that jsonschema-rs cannot compile (surrogate ranges, inline flags after the
    start) are left out, so the fake accepts a little more than AWS there, never less.
    """
    compact = _constraints(schema)
    definitions = {
        name: _constraints(subschema)
        for name, subschema in schema.get("definitions", {}).items()
        if isinstance(subschema, Mapping)
    }
    used = _referenced(compact, definitions)
    if used:
        compact["definitions"] = {name: definitions[name] for name in sorted(used)}
    return compact


def _constraints(schema: Mapping[str, Any]) -> dict[str, Any]:
    """One (sub)schema reduced to its constraints, recursively."""
    result: dict[str, Any] = {}
    for keyword, value in schema.items():
        if keyword not in _CONSTRAINTS:
            continue
        if keyword in _SCHEMA_MAPS and isinstance(value, Mapping):
            value = {
                name: _constraints(sub) if isinstance(sub, Mapping) else sub
                for name, sub in value.items()
                if keyword != "patternProperties" or _regex(name) is not None
            }
            if keyword == "patternProperties":
                value = {_regex(name): sub for name, sub in value.items()}
        elif keyword in _SCHEMA_LISTS and isinstance(value, list):
            branches = [_constraints(sub) if isinstance(sub, Mapping) else sub for sub in value]
            # A branch that lost every constraint (cfn-lint's ``anyOf`` of formats) matches anything:
            # ``anyOf`` then always holds, and ``oneOf`` could no longer tell its branches apart.
            if keyword != "allOf" and any(b == {} or branches.count(b) > 1 for b in branches):
                continue
            value = branches
        elif keyword in ("items", "additionalProperties", "additionalItems", "not", "if", "then", "else"):
            if isinstance(value, Mapping):
                value = _constraints(value)
            elif isinstance(value, list):
                value = [_constraints(sub) if isinstance(sub, Mapping) else sub for sub in value]
        elif keyword == "pattern":
            value = _regex(value) if isinstance(value, str) else None
            if value is None:
                continue
        result[keyword] = value
    return result


def _referenced(schema: Any, definitions: Mapping[str, Any]) -> set[str]:
    """The names of the definitions ``schema`` refers to, directly or through other definitions."""
    found: set[str] = set()
    pending = [schema]
    while pending:
        node = pending.pop()
        if isinstance(node, Mapping):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/definitions/"):
                name = ref.removeprefix("#/definitions/")
                if name in definitions and name not in found:
                    found.add(name)
                    pending.append(definitions[name])
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)
    return found


@functools.lru_cache(maxsize=8192)
def _regex(pattern: str) -> str | None:
    """A schema's (Java) regular expression as jsonschema-rs compiles it, or None if it cannot."""
    import jsonschema_rs

    translated = pattern.replace("\\A", "^").replace("\\Z", "$")
    try:
        jsonschema_rs.Draft7Validator(
            {"pattern": translated}, pattern_options=jsonschema_rs.FancyRegexOptions()
        )
    except (jsonschema_rs.ValidationError, ValueError):
        return None
    return translated


def _aws_items(error: Any, read_only: set[str]) -> Iterator[tuple[str, str]]:
    """Translate one jsonschema-rs error to AWS's (path, message) items, e.g. ("#/A", "...")."""
    path = list(error.instance_path)
    where = "#" + "".join(f"/{part}" for part in path)
    kind = error.kind
    keyword = kind.name
    if keyword == "additionalProperties":
        for key in sorted(kind.unexpected):
            yield where, f"extraneous key [{key}] is not permitted"
    elif keyword == "required":
        # Model validation leaves read-only properties to the handler, which fills them in.
        pointer = "/properties" + "".join("/*" if isinstance(p, int) else f"/{p}" for p in path)
        if f"{pointer}/{kind.property}" not in read_only:
            yield where, f"required key [{kind.property}] not found"
    elif keyword == "type" and len(kind.types) == 1 and kind.types[0] in _TYPE_NAMES:
        yield where, f"expected type: {_TYPE_NAMES[kind.types[0]]}, found: {_type_name(error.instance)}"
    elif keyword in ("maxLength", "minLength"):
        yield where, f"expected {keyword}: {kind.limit}"
    else:
        # AWS scrubs the other messages so they cannot echo the (possibly secret) value.
        yield where, f"failed validation constraint for keyword [{keyword}]"


def _type_name(value: Any) -> str:
    """AWS's name for the JSON type of ``value``."""
    if value is None:
        return "Null"
    if isinstance(value, bool):
        return "Boolean"
    if isinstance(value, int):
        return "Integer"
    if isinstance(value, float):
        return "Number"
    if isinstance(value, str):
        return "String"
    if isinstance(value, list):
        return "JSONArray"
    return "JSONObject"
