"""The README's example runs as written: its code blocks are the files of a pytest project."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

README = Path(__file__).parent.parent / "README.md"
# The example the README opens with; the blocks of the per-client sections run in tests/clients.
EXAMPLE = ("app.py", "conftest.py", "test_app.py")


def _readme_files() -> dict[str, str]:
    """The README's Python blocks that start with a ``# <file>.py`` line, by file name."""
    blocks = re.findall(r"```python\n(# (\w+\.py)[^\n]*\n.*?)```", README.read_text(), re.DOTALL)
    return {name: code for code, name in blocks}


def test_the_readme_example_passes(pytester: pytest.Pytester) -> None:
    files = _readme_files()
    for name in EXAMPLE:
        pytester.path.joinpath(name).write_text(files[name])
    pytester.syspathinsert()

    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")

    result.assert_outcomes(passed=3)
