"""Regenerate ``pytest_cloudcontrol/data/resource_types.json`` from cfn-lint's bundled schemas.

Run from the repository root, in an environment with cfn-lint installed
(``pip install -e '.[schemas]'``)::

    python scripts/generate_resource_types.py

The table holds, per resource type of any region (us-east-1's schema where regions differ), the
metadata :class:`pytest_cloudcontrol.resource_types.ResourceType` needs, one type per line and
sorted, so that a cfn-lint upgrade shows up as a readable diff. Commit the result together with
the cfn-lint version it names.
"""

from __future__ import annotations

import json
import sys
from importlib.metadata import version
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]
# Running the script by path puts scripts/ on sys.path, not the package next to it.
sys.path.insert(0, str(REPOSITORY))

from pytest_cloudcontrol.resource_types import ResourceType  # noqa: E402
from pytest_cloudcontrol.schema_validation import (  # noqa: E402
    cfn_lint_schema_files,
    load_cfn_lint_schema,
)

OUTPUT = REPOSITORY / "pytest_cloudcontrol" / "data" / "resource_types.json"


def render_table(rows: dict[str, dict[str, object]], cfn_lint_version: str) -> str:
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
    rows: dict[str, dict[str, object]] = {}
    for type_name in cfn_lint_schema_files():
        schema = load_cfn_lint_schema(type_name)
        if schema is not None:
            rows[type_name] = ResourceType.from_schema(schema).to_table_row()
    text = render_table(rows, version("cfn-lint"))
    # The row parser must read back exactly what was written.
    json.loads(text)
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"wrote {len(rows)} resource types, {len(text.encode()):,} bytes, to {OUTPUT}")


if __name__ == "__main__":
    main()
