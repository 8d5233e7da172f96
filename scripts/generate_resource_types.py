"""Regenerate ``pytest_cloudcontrol/data/resource_types.json`` from cfn-lint's bundled schemas.

Run from the repository root, in an environment with the dev extras (``pip install -e '.[dev]'``,
which brings cfn-lint)::

    python scripts/generate_resource_types.py

The table holds, per resource type of any region (us-east-1's schema where regions differ), the
metadata :class:`pytest_cloudcontrol.resource_types.ResourceType` needs and the validation part of
its schema, merged with what ``scripts/resource_type_extras.json`` records of the type's handlers
(list properties, page sizes, handler texts) and values (the formats of the values a create makes
up; those it leaves out are derived from the schema by ``scripts/derived_formats.py``, and the
script reports any it cannot satisfy). One type per line, sorted, so that a cfn-lint upgrade shows
up as a readable diff and the package can read one type's line without parsing the others. Commit
the result together with the cfn-lint version it names.
"""

from __future__ import annotations

import functools
import json
import re
import sys
from collections.abc import Mapping
from importlib.metadata import version
from pathlib import Path
from typing import Any

REPOSITORY = Path(__file__).resolve().parents[1]
# Running the script by path puts scripts/ on sys.path, not the package next to it; a test that
# loads it from its file has neither.
sys.path[:0] = [str(REPOSITORY), str(REPOSITORY / "scripts")]

from derived_formats import derive_formats  # noqa: E402

from pytest_cloudcontrol.resource_types import ResourceType  # noqa: E402

OUTPUT = REPOSITORY / "pytest_cloudcontrol" / "data" / "resource_types.json"
EXTRAS = REPOSITORY / "scripts" / "resource_type_extras.json"
_PREFERRED_REGION = "us-east-1"
# Provider files are named after regions; cfn-lint also ships non-region ones (sam.json for the SAM
# transform's types), which Cloud Control does not serve.
_REGION_FILE = re.compile(r"[a-z]{2}(-[a-z]+)+-\d+\.json")


def cfn_lint_schema_files() -> dict[str, Path]:
    """Every resource type cfn-lint has a schema for, mapped to the schema file, sorted by name.

    The union over all regions; where regions disagree, us-east-1's schema wins.
    """
    providers = _schemas_dir() / "providers"
    regions = [path.name for path in providers.iterdir() if _REGION_FILE.fullmatch(path.name)]
    files: dict[str, Path] = {}
    for region_file in sorted(regions, key=lambda name: (name != f"{_PREFERRED_REGION}.json", name)):
        for type_name, path in _provider_files(region_file).items():
            files.setdefault(type_name, path)
    return dict(sorted(files.items()))


def load_cfn_lint_schema(type_name: str) -> dict[str, Any] | None:
    """Load cfn-lint's schema of ``type_name`` (us-east-1's if it has one), None if unknown."""
    path = cfn_lint_schema_files().get(type_name)
    if path is None:
        return None
    schema: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return schema


def _schemas_dir() -> Path:
    import cfnlint

    return Path(cfnlint.__file__).parent / "data" / "schemas"


@functools.cache
def _provider_files(region_file: str) -> dict[str, Path]:
    """One region's type-name -> schema-file mapping."""
    schemas = _schemas_dir()
    hashes: dict[str, str] = json.loads((schemas / "providers" / region_file).read_text(encoding="utf-8"))
    return {name: schemas / "resources" / f"{digest}.json" for name, digest in hashes.items()}


def load_extras() -> dict[str, dict[str, Any]]:
    """The curated per-type knowledge, keyed by type name (``_``-keys are documentation)."""
    extras: dict[str, Any] = json.loads(EXTRAS.read_text(encoding="utf-8"))
    return {name: row for name, row in extras["types"].items()}


def load_property_formats() -> dict[str, Any]:
    """The curated formats by property name, for any type (``AccountId``: ``{account}``)."""
    extras: dict[str, Any] = json.loads(EXTRAS.read_text(encoding="utf-8"))
    return {name: spec for name, spec in extras["property_formats"].items() if not name.startswith("_")}


def table_row(schema: Mapping[str, Any], extras: Mapping[str, Any]) -> dict[str, Any]:
    """One type's row: its metadata, compact schema and formats, then the curated extras."""
    return built_row(schema, extras)[0]


def built_row(schema: Mapping[str, Any], extras: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """:func:`table_row`, and the generated values no derived format satisfies the schema of.

    The curated ``formats`` win over the derived ones; the other extras (evidence left out) replace
    the row's values.
    """
    row = ResourceType.from_schema(schema).to_table_row()
    curated = {key: value for key, value in extras.items() if not key.startswith("_")}
    formats = curated.pop("formats", {})
    resource_type = ResourceType.from_table_row(schema["typeName"], {**row, **curated})
    derived, unsatisfied = derive_formats(resource_type, schema, formats, _property_formats())
    row.update(curated)
    if derived or formats:
        row["formats"] = {**derived, **formats}
    return row, unsatisfied


@functools.cache
def _property_formats() -> dict[str, Any]:
    return load_property_formats()


def render_table(rows: Mapping[str, Mapping[str, object]], cfn_lint_version: str) -> str:
    """Render the table as JSON: a header, then one ``"<type name>": {row}`` line per type."""
    lines = [
        json.dumps(name) + ": " + json.dumps(row, sort_keys=True, separators=(",", ":"))
        for name, row in sorted(rows.items())
    ]
    header = {
        "cfn_lint_version": cfn_lint_version,
        "generated_by": "python scripts/generate_resource_types.py",
    }
    header_lines = [f"{json.dumps(key)}: {json.dumps(value)}," for key, value in header.items()]
    return "{\n" + "\n".join(header_lines) + '\n"types": {\n' + ",\n".join(lines) + "\n}\n}\n"


def main() -> None:
    """Write the table for the installed cfn-lint and report its size."""
    extras = load_extras()
    rows: dict[str, dict[str, Any]] = {}
    unsatisfied: dict[str, list[str]] = {}
    for type_name, path in cfn_lint_schema_files().items():
        schema = json.loads(path.read_text(encoding="utf-8"))
        rows[type_name], unsatisfied[type_name] = built_row(schema, extras.get(type_name, {}))
    unknown = sorted(set(extras) - set(rows))
    if unknown:
        raise SystemExit(f"{EXTRAS.name} names types cfn-lint does not know: {unknown}")
    text = render_table(rows, version("cfn-lint"))
    # The row parser must read back exactly what was written.
    json.loads(text)
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"wrote {len(rows)} resource types, {len(text.encode()):,} bytes, to {OUTPUT}")
    curated = sum(1 for row in extras.values() if "formats" in row)
    print(f"formats: {curated} types curated, the others derived from their schemas; no format fits:")
    for type_name, keys in unsatisfied.items():
        if keys:
            print(f"  {type_name}: {', '.join(keys)}")


if __name__ == "__main__":
    main()
