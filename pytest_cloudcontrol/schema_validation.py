"""Optional full validation of a DesiredState against its type's registry schema, in AWS's words.

Cloud Control rejects a CreateResource whose model breaks the type's JSON schema with
``Model validation failed (<items>)``; :func:`validate_properties` returns those items. The
schemas come from :attr:`ResourceType.schema` or from the CloudFormation registry schemas bundled
with cfn-lint (``pip install pytest-cloudcontrol[schemas]``); ``jsonschema`` does the checking.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import json
import re
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from .resource_types import ResourceType

__all__ = [
    "SchemaValidationUnavailable",
    "cfn_lint_schema_files",
    "ensure_available",
    "load_cfn_lint_schema",
    "validate_properties",
]

_INSTALL_HINT = "install pytest-cloudcontrol[schemas] (it brings cfn-lint and jsonschema)"
_PREFERRED_REGION = "us-east-1"
# Provider files are named after regions; cfn-lint also ships non-region ones (sam.json for the SAM
# transform's types), which Cloud Control does not serve.
_REGION_FILE = re.compile(r"[a-z]{2}(-[a-z]+)+-\d+\.json")
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


class SchemaValidationUnavailable(ImportError):
    """Schema validation needs optional packages: ``pip install pytest-cloudcontrol[schemas]``."""


def validate_properties(resource_type: ResourceType, properties: Mapping[str, Any]) -> list[str]:
    """Return the violations of ``properties`` against the type's schema, in AWS's words.

    Items look like ``#/BucketName: expected type: String, found: Boolean``, sorted by path and
    message; the caller answers ``Model validation failed (<items joined by newlines>)``. An empty
    list means valid. Missing read-only properties are not violations. The schema is
    ``resource_type.schema`` if set, else cfn-lint's schema of the type (a type cfn-lint does not
    know has nothing to check against and is valid). Raises :class:`SchemaValidationUnavailable`
    when jsonschema, or cfn-lint when its schema is needed, is not installed.
    """
    validator_class = _validator_class()
    if resource_type.schema is not None:
        validator = validator_class(resource_type.schema)
    else:
        validator = _cfn_lint_validator(resource_type.type_name)
        if validator is None:
            return []
    read_only = set(resource_type.read_only)
    items = {item for error in validator.iter_errors(properties) for item in _aws_items(error, read_only)}
    return [f"{path}: {message}" for path, message in sorted(items)]


def cfn_lint_schema_files() -> dict[str, Path]:
    """Every resource type cfn-lint has a schema for, mapped to the schema file, sorted by name.

    The union over all regions; where regions disagree, us-east-1's schema wins. Raises
    :class:`SchemaValidationUnavailable` when cfn-lint is not installed.
    """
    providers = _cfn_lint_schemas_dir() / "providers"
    regions = [path.name for path in providers.iterdir() if _REGION_FILE.fullmatch(path.name)]
    files: dict[str, Path] = {}
    for region_file in sorted(regions, key=lambda name: (name != f"{_PREFERRED_REGION}.json", name)):
        for type_name, path in _provider_files(region_file).items():
            files.setdefault(type_name, path)
    return dict(sorted(files.items()))


def load_cfn_lint_schema(type_name: str) -> dict[str, Any] | None:
    """Load cfn-lint's schema of ``type_name`` (us-east-1's if it has one), None if unknown.

    Raises :class:`SchemaValidationUnavailable` when cfn-lint is not installed.
    """
    path = _provider_files(f"{_PREFERRED_REGION}.json").get(type_name)
    if path is None:
        # Types only some regions have (about 30) need the union, which reads every provider file.
        path = cfn_lint_schema_files().get(type_name)
    if path is None:
        return None
    schema: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return schema


@functools.cache
def _cfn_lint_validator(type_name: str) -> Any:
    """Build a validator for cfn-lint's schema of ``type_name`` (None if none), once per type."""
    schema = load_cfn_lint_schema(type_name)
    return None if schema is None else _validator_class()(schema)


def _cfn_lint_schemas_dir() -> Path:
    """Locate cfn-lint's bundled schemas without importing cfn-lint (that takes ~0.6 s)."""
    spec = importlib.util.find_spec("cfnlint")
    if spec is None or not spec.submodule_search_locations:
        raise SchemaValidationUnavailable(f"Schema validation needs cfn-lint: {_INSTALL_HINT}")
    return Path(next(iter(spec.submodule_search_locations))) / "data" / "schemas"


@functools.cache
def _provider_files(region_file: str) -> dict[str, Path]:
    """One region's type-name -> schema-file mapping."""
    schemas = _cfn_lint_schemas_dir()
    hashes: dict[str, str] = json.loads((schemas / "providers" / region_file).read_text(encoding="utf-8"))
    return {name: schemas / "resources" / f"{digest}.json" for name, digest in hashes.items()}


def ensure_available() -> None:
    """Raise :class:`SchemaValidationUnavailable` now if jsonschema or cfn-lint is not installed.

    Cheap (nothing is imported): a fake asked to validate checks it when it is made, so a missing
    extra is a clear error in the test's set-up rather than a failure of some later call.
    """
    if importlib.util.find_spec("jsonschema") is None:
        raise SchemaValidationUnavailable(f"Schema validation needs jsonschema: {_INSTALL_HINT}")
    _cfn_lint_schemas_dir()


def _validator_class() -> Any:
    """Return the validator class; raise :class:`SchemaValidationUnavailable` without jsonschema."""
    try:
        jsonschema = importlib.import_module("jsonschema")
    except ImportError as error:
        raise SchemaValidationUnavailable(f"Schema validation needs jsonschema: {_INSTALL_HINT}") from error
    return _extended_validator_class(jsonschema)


@functools.cache
def _extended_validator_class(jsonschema: Any) -> Any:
    """Extend Draft 7 with regex keywords that accept the schemas' Java regexes (``\\p{L}``)."""
    validation_error = jsonschema.ValidationError

    def pattern(validator: Any, regex: str, instance: Any, schema: Any) -> Iterator[Any]:
        if validator.is_type(instance, "string") and not _matches(regex, instance):
            yield validation_error(f"{instance!r} does not match {regex!r}")

    def pattern_properties(
        validator: Any, patterns: Mapping[str, Any], instance: Any, schema: Any
    ) -> Iterator[Any]:
        if validator.is_type(instance, "object"):
            for regex, subschema in patterns.items():
                for key, value in instance.items():
                    if _matches(regex, key):
                        yield from validator.descend(value, subschema, path=key, schema_path=regex)

    def additional_properties(
        validator: Any, allowed: Any, instance: Any, schema: Mapping[str, Any]
    ) -> Iterator[Any]:
        if not validator.is_type(instance, "object"):
            return
        extras = _extra_keys(instance, schema)
        if validator.is_type(allowed, "object"):
            for extra in extras:
                yield from validator.descend(instance[extra], allowed, path=extra)
        elif not allowed and extras:
            yield validation_error(f"Additional properties are not allowed: {extras}")

    return jsonschema.validators.extend(
        jsonschema.Draft7Validator,
        {
            "pattern": pattern,
            "patternProperties": pattern_properties,
            "additionalProperties": additional_properties,
        },
    )


def _aws_items(error: Any, read_only: set[str]) -> Iterator[tuple[str, str]]:
    """Translate one jsonschema error to AWS's (path, message) items, e.g. ("#/A", "...")."""
    path = "".join(f"/{part}" for part in error.absolute_path)
    keyword, expected, instance = error.validator, error.validator_value, error.instance
    where = f"#{path}"
    if keyword == "additionalProperties" and expected is False:
        for key in _extra_keys(instance, error.schema):
            yield where, f"extraneous key [{key}] is not permitted"
    elif keyword == "required":
        # Model validation leaves read-only properties to the handler, which fills them in.
        pointer_base = "/properties" + "".join(
            "/*" if isinstance(part, int) else f"/{part}" for part in error.absolute_path
        )
        for key in expected:
            if key not in instance and f"{pointer_base}/{key}" not in read_only:
                yield where, f"required key [{key}] not found"
    elif keyword == "type" and isinstance(expected, str) and expected in _TYPE_NAMES:
        yield where, f"expected type: {_TYPE_NAMES[expected]}, found: {_type_name(instance)}"
    elif keyword in ("maxLength", "minLength"):
        yield where, f"expected {keyword}: {expected}"
    else:
        # AWS scrubs the other messages so they cannot echo the (possibly secret) value.
        yield where, f"failed validation constraint for keyword [{keyword}]"


def _extra_keys(instance: Mapping[str, Any], schema: Mapping[str, Any]) -> list[str]:
    """Return the keys of ``instance`` that ``properties`` and ``patternProperties`` leave out."""
    properties = schema.get("properties", {})
    patterns = schema.get("patternProperties", {})
    return sorted(
        key
        for key in instance
        if key not in properties and not any(_matches(regex, key) for regex in patterns)
    )


def _matches(regex: str, text: str) -> bool:
    """Tell whether ``regex`` matches somewhere in ``text``; True if it cannot be compiled."""
    search = _compile(regex)
    return search is None or search(text) is not None


@functools.lru_cache(maxsize=4096)
def _compile(regex: str) -> Callable[[str], Any] | None:
    """Compile ``regex`` with the ``regex`` package if present (it knows ``\\p{L}``), else ``re``.

    Returns None when the engine rejects the pattern: a constraint that cannot be checked must not
    fail a valid model.
    """
    try:
        engine: Any = importlib.import_module("regex")
    except ImportError:
        engine = re
    try:
        search: Callable[[str], Any] = engine.compile(regex).search
    except (re.error, engine.error):
        return None
    return search


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
