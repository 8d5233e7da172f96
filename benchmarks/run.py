"""Run the pytest-cloudcontrol benchmarks and write ``benchmarks/results.md``.

Usage (from the repository root, in the dev venv; plain Python, pytest is not needed to drive it)::

    python benchmarks/run.py            # every section, numbers worth quoting (about 20 minutes)
    python benchmarks/run.py --quick    # a smoke run with fewer iterations and no 100k registry
    python benchmarks/run.py --only calls fixture   # some sections only

Sections: ``calls`` (per-call cost of the eight operations vs the botocore floor and Stubber),
``fixture`` (per-test cost of the fixtures, vs moto's ``mock_aws``), ``import`` (plugin import cost
added to pytest start-up), ``startup`` (the one-time cost of import, first start, seed and call, against
botocore's making of a client), ``scale`` (1k/10k/100k registries: seeding, memory, list pages),
``profile`` (where the fake's time goes, beyond the floor), ``server`` (the HTTP endpoint against moto's
server and against the in-process path) and ``instructions`` (section ``calls`` counted in CPU
instructions under valgrind, which repeat where times do not). Each prints its tables; the results,
with a PASS/FAIL line per target, go to ``benchmarks/results.md`` (or ``--output``).
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import botocore

from benchmarks import (
    bench_calls,
    bench_fixture,
    bench_import,
    bench_instructions,
    bench_profile,
    bench_scale,
    bench_server,
    bench_startup,
)
from benchmarks.harness import Section, Settings, Table

SECTIONS: dict[str, Callable[[Settings], Section]] = {
    "calls": bench_calls.run,
    "fixture": bench_fixture.run,
    "import": bench_import.run,
    "startup": bench_startup.run,
    "scale": bench_scale.run,
    "profile": bench_profile.run,
    "server": bench_server.run,
    "instructions": bench_instructions.run,
}


def _environment() -> str:
    import pydantic

    return (
        f"Python {platform.python_version()} ({platform.machine()}, {platform.system()}), "
        f"botocore {botocore.__version__}, pydantic {pydantic.VERSION}, {time.strftime('%Y-%m-%d')}"
    )


def main(argv: list[str] | None = None) -> int:
    """Run the chosen sections, print their tables and write the markdown results."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="fewer iterations and repeats; skip 100k")
    parser.add_argument("--only", nargs="+", choices=sorted(SECTIONS), help="run only these sections")
    parser.add_argument(
        "--output",
        type=Path,
        default=Path(__file__).resolve().parent / "results.md",
        help="where to write the markdown results (default: benchmarks/results.md)",
    )
    args = parser.parse_args(argv)
    settings = Settings(quick=args.quick)
    chosen = args.only or list(SECTIONS)

    tables: list[Table] = []
    targets = []
    started = time.perf_counter()
    for name in chosen:
        print(f"== {name} ...", flush=True)
        section = SECTIONS[name](settings)
        for table in section.tables:
            print("\n" + table.markdown() + "\n", flush=True)
        tables.extend(section.tables)
        targets.extend(section.targets)

    summary = Table("Targets", ["Target", "Goal", "Measured", "Verdict"])
    for target in targets:
        summary.add(target.name, target.goal, target.measured, target.verdict)
    failed = sum(1 for target in targets if target.passed is False)
    summary.notes.append(f"{len(targets) - failed} of {len(targets)} targets met.")
    print("\n" + summary.markdown() + "\n")

    mode = "quick run (`--quick`)" if settings.quick else "full run"
    lines = [
        "## Performance",
        "",
        f"Measured with `python benchmarks/run.py` ({mode}); {_environment()}.",
        f"Sections: {', '.join(chosen)}; took {time.perf_counter() - started:.0f} s.",
        "",
        summary.markdown(),
    ]
    for table in tables:
        lines.extend(["", table.markdown()])
    args.output.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"results written to {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
