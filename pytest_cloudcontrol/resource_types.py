"""Resource-type metadata: identifiers, create-only/read-only/write-only properties and handlers.

The public AWS types come from ``data/resource_types.json``, a table generated from the
CloudFormation registry schemas that cfn-lint bundles (``scripts/generate_resource_types.py``).
A test can add its own types to a :class:`ResourceTypeCatalog`, by hand or from a registry schema
with :meth:`ResourceType.from_schema`.
"""

from __future__ import annotations

import copy
import functools
import json
import mmap
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .errors import CloudControlUsageError
from .generated_values import ValueFormat, default_format, scope_of
from .models import HandlerErrorCode

HANDLERS: frozenset[str] = frozenset({"create", "read", "update", "delete", "list"})
"""Every handler a resource type can have; the default for a hand-written :class:`ResourceType`."""

DEFAULT_LIST_PAGE_SIZE = 100
"""How many resources a list handler returns per page unless the type's row says otherwise."""

_JSON_TYPES = frozenset({"string", "integer", "number", "boolean", "array", "object"})
_PROPERTIES_PREFIX = "/properties/"


@dataclass(frozen=True, slots=True, kw_only=True)
class ResourceType:
    """What the fake needs to know about one resource type, e.g. ``AWS::S3::Bucket``.

    Pointers (``primary_identifier``, ``create_only``, ...) are CloudFormation property pointers
    such as ``/properties/BucketName`` or ``/properties/Rules/*/Prefix`` (``*``: any array item).
    ``formats`` maps a property (``Arn``, ``Parent/Name``) to how a create spells the value it makes
    up when the caller leaves it out, e.g. ``"arn:{partition}:s3:::{BucketName}"``
    (:mod:`pytest_cloudcontrol.generated_values`). Derived on creation: ``listed_names``, the
    top-level properties ListResources shows, and ``accepts(properties)``, whether a model passes the
    type's ``validation_schema`` (compiled on the first check).
    """

    type_name: str
    primary_identifier: tuple[str, ...]
    additional_identifiers: tuple[tuple[str, ...], ...] = ()
    create_only: tuple[str, ...] = ()
    read_only: tuple[str, ...] = ()
    write_only: tuple[str, ...] = ()
    required: tuple[str, ...] = ()
    handlers: frozenset[str] = HANDLERS
    list_required: tuple[str, ...] = ()
    property_types: Mapping[str, str] = field(default_factory=dict, hash=False)
    list_properties: tuple[str, ...] = ()
    list_page_size: int = DEFAULT_LIST_PAGE_SIZE
    handler_messages: Mapping[str, str] = field(default_factory=dict, hash=False)
    formats: Mapping[str, Any] = field(default_factory=dict, hash=False)
    schema: Mapping[str, Any] | None = field(default=None, hash=False, repr=False)
    validation_schema: Mapping[str, Any] | None = field(default=None, hash=False, repr=False, compare=False)
    # Derived once here: reads and creates use them on every call.
    _validator: list[Any] = field(init=False, repr=False, compare=False, hash=False)  # [] until compiled
    accepts: Callable[[Any], bool] = field(init=False, repr=False, compare=False, hash=False)
    _write_only_heads: frozenset[str] = field(init=False, repr=False, compare=False, hash=False)
    listed_names: tuple[str, ...] = field(init=False, repr=False, compare=False, hash=False)
    _read_only_names: frozenset[str] = field(init=False, repr=False, compare=False, hash=False)
    _identifier_segments: tuple[tuple[str, ...], ...] = field(
        init=False, repr=False, compare=False, hash=False
    )
    _value_formats: tuple[ValueFormat, ...] = field(init=False, repr=False, compare=False, hash=False)
    _patch_checks: dict[tuple[str, ...], tuple[tuple[str, ...], tuple[str, ...]]] = field(
        init=False, repr=False, compare=False, hash=False
    )

    def __deepcopy__(self, memo: dict[int, Any]) -> ResourceType:
        return self  # immutable (its caches only fill): snapshots share it, compiled validator and all

    def __post_init__(self) -> None:
        """Normalise sequences to tuples and freeze the mappings, so the value never changes."""
        # Table rows (JSON) and untyped callers pass lists and sets; converting keeps the value
        # hashable and immutable.
        for name in ("primary_identifier", "create_only", "read_only", "write_only", "required"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        object.__setattr__(self, "list_required", tuple(self.list_required))
        object.__setattr__(self, "list_properties", tuple(self.list_properties))
        object.__setattr__(self, "handler_messages", MappingProxyType(dict(self.handler_messages)))
        object.__setattr__(self, "formats", MappingProxyType(dict(self.formats)))
        if self.validation_schema is None and self.schema is not None:
            from .schema_validation import compact_schema

            object.__setattr__(self, "validation_schema", compact_schema(self.schema))
        object.__setattr__(self, "_validator", [])
        object.__setattr__(self, "accepts", self._first_accepts)
        object.__setattr__(
            self, "additional_identifiers", tuple(tuple(ids) for ids in self.additional_identifiers)
        )
        object.__setattr__(self, "handlers", frozenset(self.handlers))
        object.__setattr__(self, "property_types", MappingProxyType(dict(self.property_types)))
        unknown = self.handlers - HANDLERS
        if unknown:
            raise ValueError(
                f"{self.type_name}: unknown handlers {sorted(unknown)}; expected a subset of "
                f"{sorted(HANDLERS)}"
            )
        if type(self.list_page_size) is not int or self.list_page_size < 1:
            raise CloudControlUsageError(
                f"{self.type_name}: list_page_size must be a positive int, got {self.list_page_size!r}"
            )
        wrong_types = {
            name: kind
            for name, kind in self.property_types.items()
            if not (isinstance(kind, str) and kind in _JSON_TYPES)
        }
        if wrong_types:
            raise CloudControlUsageError(
                f"{self.type_name}: property_types maps property names to JSON types "
                f"({', '.join(sorted(_JSON_TYPES))}); got {wrong_types!r}"
            )
        codes = {code.value for code in HandlerErrorCode}
        wrong = sorted(set(self.handler_messages) - codes)
        if wrong or not all(isinstance(text, str) for text in self.handler_messages.values()):
            raise CloudControlUsageError(
                f"{self.type_name}: handler_messages maps HandlerErrorCode names "
                f"({', '.join(sorted(codes))}) to texts; got {dict(self.handler_messages)!r}"
            )
        for pointer in (
            *self.primary_identifier,
            *self.create_only,
            *self.read_only,
            *self.write_only,
        ):
            if not pointer.startswith(_PROPERTIES_PREFIX):
                raise ValueError(
                    f"{self.type_name}: property pointer {pointer!r} must start with "
                    f"{_PROPERTIES_PREFIX!r}, e.g. '/properties/Name'"
                )
        object.__setattr__(
            self, "_write_only_heads", frozenset(_segments(pointer)[0] for pointer in self.write_only)
        )
        read_only = [_segments(pointer) for pointer in self.read_only]
        object.__setattr__(self, "_read_only_names", frozenset(s[0] for s in read_only if len(s) == 1))
        object.__setattr__(
            self,
            "listed_names",
            self.list_properties or tuple(dict.fromkeys(_segments(p)[0] for p in self.primary_identifier)),
        )
        object.__setattr__(self, "_identifier_segments", tuple(map(_segments, self.primary_identifier)))
        object.__setattr__(self, "_value_formats", self._compile_formats())
        object.__setattr__(self, "_patch_checks", {})

    @classmethod
    def from_schema(cls, schema: Mapping[str, Any]) -> ResourceType:
        """Build the metadata of a CloudFormation registry schema (``typeName``, ``handlers``, ...).

        The schema itself is kept in :attr:`schema`, and its validation part checks every model
        created or updated (:meth:`validator`).
        """
        handlers: Mapping[str, Any] = schema.get("handlers", {})
        list_schema: Mapping[str, Any] = handlers.get("list", {}).get("handlerSchema", {})
        top_level = _top_level_names(
            (*schema.get("primaryIdentifier", ()), *schema.get("readOnlyProperties", ()))
        )
        properties: Mapping[str, Any] = schema.get("properties", {})
        return cls(
            type_name=schema["typeName"],
            primary_identifier=tuple(schema.get("primaryIdentifier", ())),
            additional_identifiers=tuple(tuple(ids) for ids in schema.get("additionalIdentifiers", ())),
            create_only=tuple(schema.get("createOnlyProperties", ())),
            read_only=tuple(schema.get("readOnlyProperties", ())),
            write_only=tuple(schema.get("writeOnlyProperties", ())),
            required=tuple(schema.get("required", ())),
            handlers=frozenset(handlers) & HANDLERS,
            list_required=tuple(list_schema.get("required", ())),
            property_types={
                name: _json_type(schema, properties[name]) for name in sorted(top_level) if name in properties
            },
            schema=schema,
        )

    @classmethod
    def from_table_row(cls, type_name: str, row: Mapping[str, Any]) -> ResourceType:
        """Build one from a row of the bundled table (the inverse of :meth:`to_table_row`)."""
        return cls(
            type_name=type_name,
            primary_identifier=row.get("primary_identifier", ()),
            additional_identifiers=row.get("additional_identifiers", ()),
            create_only=row.get("create_only", ()),
            read_only=row.get("read_only", ()),
            write_only=row.get("write_only", ()),
            required=row.get("required", ()),
            handlers=row.get("handlers", ()),
            list_required=row.get("list_required", ()),
            property_types=row.get("property_types", {}),
            list_properties=row.get("list_properties", ()),
            list_page_size=row.get("list_page_size", DEFAULT_LIST_PAGE_SIZE),
            handler_messages=row.get("handler_messages", {}),
            formats=row.get("formats", {}),
            validation_schema=row.get("schema"),
        )

    def to_table_row(self) -> dict[str, Any]:
        """Return the bundled table's row: the fields and the validation ``schema``, empty ones left out."""
        row: dict[str, Any] = {
            "primary_identifier": list(self.primary_identifier),
            "additional_identifiers": [list(ids) for ids in self.additional_identifiers],
            "create_only": list(self.create_only),
            "read_only": list(self.read_only),
            "write_only": list(self.write_only),
            "required": list(self.required),
            "handlers": sorted(self.handlers),
            "list_required": list(self.list_required),
            "property_types": dict(self.property_types),
            "list_properties": list(self.list_properties),
            "handler_messages": dict(self.handler_messages),
            "formats": dict(self.formats),
            "schema": None if self.validation_schema is None else dict(self.validation_schema),
        }
        if self.list_page_size != DEFAULT_LIST_PAGE_SIZE:
            row["list_page_size"] = self.list_page_size
        return {key: value for key, value in row.items() if value}

    def validator(self) -> Any:
        """The compiled validator of :attr:`validation_schema` (made on first use), None without one.

        Top-level read-only properties are neither required nor checked: their values are the
        handler's (an update's patched model holds them), not the caller's.
        """
        compiled = self._validator
        if not compiled:
            from .schema_validation import compile_validator

            schema = self.validation_schema
            compiled.append(None if schema is None else compile_validator(schema, self._read_only_names))
        return compiled[0]

    def _first_accepts(self, properties: Any) -> bool:
        # ``accepts`` until the first check: it compiles the validator and puts its ``is_valid`` (or,
        # without a schema, a check that accepts anything) in its place, so later checks are one call.
        validator = self.validator()
        check = _accept_anything if validator is None else validator.is_valid
        object.__setattr__(self, "accepts", check)
        return bool(check(properties))

    def identifier_of(self, properties: Mapping[str, Any]) -> str | None:
        """Return the primary identifier's values joined with ``|``, or None if one is missing."""
        # Here and in ``_arn`` the common case (a top-level string) is inlined: both run on every create.
        parts = []
        for segments in self._identifier_segments:
            value = properties.get(segments[0]) if len(segments) == 1 else _lookup(properties, segments)
            if value is None:
                return None
            parts.append(value if isinstance(value, str) else _identifier_text(value))
        return "|".join(parts)

    def named_identifier(self, names: Mapping[str, Any]) -> tuple[int, str] | None:
        """Return which identifier a JSON identifier names, and its values joined with ``|``.

        ``names`` (the JSON object) must have exactly the properties of the primary identifier (0) or of
        one additional identifier (1, 2, ...), in any order; a nested one is named by its path below
        ``/properties`` (``Device/DeviceName``). The values are joined in the identifier's own order.
        None when ``names`` is no identifier's.
        """
        for which, segment_lists in enumerate(self._identifiers()):
            keys = ["/".join(segments) for segments in segment_lists]
            if len(keys) == len(names) and all(key in names for key in keys):
                return which, "|".join(_identifier_text(names[key]) for key in keys)
        return None

    def identifier_value(self, properties: Mapping[str, Any], which: int) -> str | None:
        """Return the values of identifier ``which`` (as numbered above) joined with ``|``, or None."""
        parts = []
        for segments in self._identifiers()[which]:
            value = _lookup(properties, segments)
            if value is None:
                return None
            parts.append(_identifier_text(value))
        return "|".join(parts)

    def _identifiers(self) -> tuple[tuple[tuple[str, ...], ...], ...]:
        """The primary identifier's segments, then each additional identifier's."""
        additional = (tuple(map(_segments, pointers)) for pointers in self.additional_identifiers)
        return (self._identifier_segments, *additional)

    def with_identifier(self, properties: Mapping[str, Any], identifier: str) -> dict[str, Any]:
        """Return a copy of ``properties`` holding the primary identifier's values that ``identifier`` names.

        A compound identifier names its parts joined by ``|``, in the order of the primary identifier.
        Raises ``ValueError`` when it has another number of parts, or ``properties`` already hold
        other values for them.
        """
        segments = self._identifier_segments
        parts = identifier.split("|") if len(segments) > 1 else [identifier]
        names = ", ".join("/".join(s) for s in segments)
        if len(parts) != len(segments):
            raise ValueError(
                f"{identifier!r} is not an identifier of {self.type_name}: it has {len(segments)} part(s), "
                f"{names}, joined by '|'"
            )
        result = dict(properties)
        for part_segments, part in zip(segments, parts, strict=True):
            value = _lookup(result, part_segments)
            if value is None:
                _put(result, part_segments, part)
            elif _identifier_text(value) != part:
                raise ValueError(
                    f"identifier {identifier!r} contradicts the properties: "
                    f"{'/'.join(part_segments)} is {value!r}"
                )
        return result

    def generate_read_only(
        self, properties: Mapping[str, Any], *, region: str, account_id: str, now: float | None = None
    ) -> dict[str, Any]:
        """Return a copy of ``properties`` with missing read-only and identifier values made up.

        Fills top-level read-only properties, the primary identifier (also nested parts, such as
        ``/properties/Device/DeviceName``) and the other properties :attr:`formats` names, each as
        its format says (:mod:`pytest_cloudcontrol.generated_values`); without one, ``*Arn``
        properties get an ARN of this type ending in the identifier, ``*Id`` ones hex digits, others
        a value of their JSON type. ``now`` (epoch seconds; default: the wall time) is the
        creation time that timestamps show.
        """
        result = dict(properties)
        scope = None
        for value_format in self._value_formats:
            segments = value_format.segments
            if segments[0] in result if len(segments) == 1 else _lookup(result, segments) is not None:
                continue
            if scope is None:
                scope = scope_of(region, account_id)
            value = value_format.make(result, scope, now)
            if value is not None:
                _put(result, segments, value)
        return result

    def read_only_values(self, properties: Mapping[str, Any]) -> dict[str, Any]:
        """Return the top-level read-only properties ``properties`` hold (an update keeps them)."""
        return {name: properties[name] for name in _top_level_names(self.read_only) if name in properties}

    def patch_violations(self, paths: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """Return the create-only and the read-only pointers that JSON Patch ``paths`` touch, in schema order.

        A patch touches a pointer when its path equals it, contains it or lies inside it. Kept per
        type (shared): tests send the same few patches to the same few types again and again.
        """
        checked = self._patch_checks.get(paths)
        if checked is None:
            if len(self._patch_checks) >= _PATCH_CHECKS_KEPT:
                self._patch_checks.clear()
            checked = (_touched(self.create_only, paths), _touched(self.read_only, paths))
            self._patch_checks[paths] = checked
        return checked

    def without_write_only(self, properties: Mapping[str, Any]) -> dict[str, Any]:
        """Return ``properties`` without write-only properties, as reads show it.

        The input is never changed. When it holds no write-only property the result is the input
        itself (the fake treats stored properties as immutable); otherwise a deep copy without them.
        """
        if self._write_only_heads.isdisjoint(properties):
            return properties if type(properties) is dict else dict(properties)
        result = copy.deepcopy(dict(properties))
        for pointer in self.write_only:
            _remove(result, _segments(pointer))
        return result

    def _compile_formats(self) -> tuple[ValueFormat, ...]:
        """Compile the format of every value a create may make up, in the order they are made."""
        identifier = set(self.primary_identifier)
        targets: dict[str, tuple[str, ...]] = {}
        for pointer in (*self.primary_identifier, *self.read_only):
            segments = _segments(pointer)
            if len(segments) == 1 or pointer in identifier:
                targets.setdefault("/".join(segments), segments)
        for key in self.formats:
            targets.setdefault(key, tuple(key.split("/")))
        compiled = {}
        for key, segments in targets.items():
            spec = self.formats.get(key)
            if spec is None:
                json_type = self.property_types.get(key, "string")
                spec = default_format(self.type_name, segments[-1], json_type, self._identifier_segments)
            try:
                compiled[key] = ValueFormat.compile(segments, spec)
            except ValueError as error:
                raise ValueError(f"{self.type_name}: {error}") from None
        return _in_dependency_order(self.type_name, compiled)


class ResourceTypeCatalog:
    """The resource types a fake knows: types registered on it first, then the bundled AWS table.

    Creating a catalog is cheap; the bundled table is parsed once per process, on first use.
    """

    __slots__ = ("_known",)

    def __init__(self, resource_types: Iterable[ResourceType] = ()) -> None:
        """Start with the bundled table plus ``resource_types`` (which take precedence)."""
        # The registered types, and the bundled ones looked up so far (one lookup on every call).
        self._known: dict[str, ResourceType] = {rt.type_name: rt for rt in resource_types}

    def get(self, type_name: str) -> ResourceType | None:
        """Return the metadata of ``type_name``, or None if neither registered nor bundled."""
        known = self._known.get(type_name)
        if known is None:
            known = _bundled(type_name)
            if known is not None:
                self._known[type_name] = known
        return known

    def handler_messages(self, type_name: str) -> Mapping[str, str]:
        """The failure texts of ``type_name``'s handlers (error code → text); empty if it has none."""
        resource_type = self.get(type_name)
        return {} if resource_type is None else resource_type.handler_messages

    def register(self, resource_type: ResourceType) -> None:
        """Add a type to this catalog, replacing a registered or bundled type of the same name."""
        self._known[resource_type.type_name] = resource_type

    def __contains__(self, type_name: object) -> bool:
        """Whether ``type_name`` is registered or bundled."""
        return isinstance(type_name, str) and (type_name in self._known or _bundled(type_name) is not None)


_parsed: dict[str, ResourceType | None] = {}


_TABLE = Path(__file__).parent / "data" / "resource_types.json"


@functools.cache
def _table() -> mmap.mmap:
    """The bundled table, mapped once per process: one ``"<type name>": {row}`` line per type."""
    with _TABLE.open("rb") as file:
        return mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)


def _bundled(type_name: str) -> ResourceType | None:
    """Return the bundled metadata of ``type_name`` (None if unknown), parsed from its line on first use.

    Only that line is read and parsed: a process pays for the few types its tests use, not for the
    whole table (6 MB with the schemas).
    """
    try:
        return _parsed[type_name]
    except KeyError:
        pass
    table = _table()
    key = b"\n" + json.dumps(type_name).encode() + b": "
    start = table.find(key)
    parsed = None
    if start >= 0:
        start += len(key)
        row = json.loads(table[start : table.find(b"\n", start)].removesuffix(b","))
        parsed = ResourceType.from_table_row(type_name, row)
    # Two threads may parse the same line; both results are equal, so the race is harmless.
    return _parsed.setdefault(type_name, parsed)


def bundled_type_names() -> list[str]:
    """Every type of the bundled table, sorted (reads the names only)."""
    lines = _table()[:].split(b"\n")
    start = lines.index(b'"types": {') + 1
    return [line[1 : line.index(b'"', 1)].decode() for line in lines[start:] if line.startswith(b'"')]


@functools.lru_cache(maxsize=8192)
def _segments(pointer: str) -> tuple[str, ...]:
    """``/properties/A/B`` -> ``("A", "B")``, with JSON Pointer escapes (``~1``, ``~0``) decoded."""
    # Cached: the same few hundred pointers are parsed on every create, read and list.
    return tuple(_patch_segments(pointer.removeprefix("/properties")))


_PATCH_CHECKS_KEPT = 256  # per type: a test that sends ever new patches does not grow memory


def _touched(pointers: tuple[str, ...], paths: tuple[str, ...]) -> tuple[str, ...]:
    """The ``pointers`` that patch ``paths`` touch (equal, contain or lie inside)."""
    # In the schema's order, as AWS lists them; a pointer the schema repeats is named once.
    patched = [_patch_segments(path) for path in paths]
    touched = (pointer for pointer in pointers if any(_overlaps(_segments(pointer), s) for s in patched))
    return tuple(dict.fromkeys(touched))


def _patch_segments(path: str) -> list[str]:
    """``/A/0`` -> ``["A", "0"]``; the empty path (the whole document) has no segments."""
    if not path:
        return []
    return [part.replace("~1", "/").replace("~0", "~") for part in path.lstrip("/").split("/")]


def _top_level_names(pointers: Iterable[str]) -> list[str]:
    """Return the names of the top-level pointers among ``pointers``, in order, without repeats."""
    segment_lists = (_segments(pointer) for pointer in pointers)
    return list(dict.fromkeys(segments[0] for segments in segment_lists if len(segments) == 1))


def _overlaps(pointer: Sequence[str], path: Sequence[str]) -> bool:
    """Tell whether a patch at ``path`` touches ``pointer``: one is a prefix of the other."""
    return all(
        expected == actual or (expected == "*" and (actual.isdigit() or actual == "-"))
        for expected, actual in zip(pointer, path, strict=False)
    )


def _lookup(document: Any, segments: Sequence[str]) -> Any:
    """Return the value at ``segments`` inside ``document``, or None where there is none."""
    for segment in segments:
        if isinstance(document, (dict, Mapping)):  # dict first: an ABC check is slow, and JSON is dicts
            document = document.get(segment)
        elif isinstance(document, list) and segment.isdigit() and int(segment) < len(document):
            document = document[int(segment)]
        else:
            return None
    return document


def _put(document: dict[str, Any], segments: Sequence[str], value: Any) -> None:
    """Set the value at ``segments``, creating objects on the way; give up at a non-object."""
    node = document
    for segment in segments[:-1]:
        child = node.get(segment, {})
        if not isinstance(child, Mapping):
            return
        # A copy, so the caller's nested objects stay as they were.
        copied = dict(child)
        node[segment] = copied
        node = copied
    node[segments[-1]] = value


def _remove(document: Any, segments: Sequence[str]) -> bool:
    """Delete the value at ``segments`` (``*`` = every array item) from ``document`` in place.

    An object or array that the deletion leaves empty goes too, so a parent of write-only properties
    never shows as ``{}``. Returns whether ``document`` itself was emptied by it.
    """
    head, rest = segments[0], segments[1:]
    if isinstance(document, dict):
        if head not in document or (rest and not _remove(document[head], rest)):
            return False
        del document[head]
        return not document
    if not isinstance(document, list) or head != "*" or not document:
        return False
    if rest:
        emptied = [_remove(item, rest) for item in document]
        if not any(emptied):
            return False
        document[:] = [item for item, gone in zip(document, emptied, strict=True) if not gone]
        return not document
    document.clear()
    return True


def _identifier_text(value: Any) -> str:
    """Spell an identifier value as in the joined identifier (JSON spelling for non-strings)."""
    return value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))


def _in_dependency_order(type_name: str, formats: Mapping[str, ValueFormat]) -> tuple[ValueFormat, ...]:
    """Order ``formats`` so that each comes after the generated values its templates read."""
    ordered: dict[str, ValueFormat] = {}
    visiting: list[str] = []

    def visit(key: str) -> None:
        if key in ordered:
            return
        if key in visiting:
            cycle = " -> ".join([*visiting[visiting.index(key) :], key])
            raise ValueError(f"{type_name}: the formats read each other in a circle: {cycle}")
        visiting.append(key)
        for reference in sorted(formats[key].references):
            if reference in formats:
                visit(reference)
        visiting.pop()
        ordered[key] = formats[key]

    for key in formats:
        visit(key)
    return tuple(ordered.values())


def _accept_anything(properties: Any) -> bool:
    """The model check of a type without a schema."""
    return True


def _json_type(schema: Mapping[str, Any], subschema: Mapping[str, Any]) -> str:
    """Return the JSON type of a property's subschema, following ``$ref``; "string" if unknown."""
    seen: set[str] = set()
    while isinstance(ref := subschema.get("$ref"), str) and ref.startswith("#/") and ref not in seen:
        seen.add(ref)
        target: Any = schema
        for segment in _patch_segments(ref[1:]):
            target = target.get(segment, {}) if isinstance(target, Mapping) else {}
        subschema = target if isinstance(target, Mapping) else {}
    declared = subschema.get("type")
    candidates = declared if isinstance(declared, list) else [declared]
    for candidate in candidates:
        if candidate in _JSON_TYPES:
            return str(candidate)
    if "properties" in subschema:
        return "object"
    if "items" in subschema:
        return "array"
    return "string"
