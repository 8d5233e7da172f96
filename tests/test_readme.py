"""The README's example runs as written: its code blocks are the files of a pytest project."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

README = Path(__file__).parent.parent / "README.md"
# Files of the README's per-client sections whose tests drive a client in another process (node):
# tests/clients/test_readme_clients.py runs them, with the client installed.
OTHER_PROCESSES = {"test_cancel_stuck.py"}


def _readme_files() -> dict[str, str]:
    """The README's Python blocks that start with a ``# <file>.py`` line, by file name."""
    blocks = re.findall(r"```python\n(# (\w+\.py)[^\n]*\n.*?)```", README.read_text(), re.DOTALL)
    return {name: code for code, name in blocks if name not in OTHER_PROCESSES}


def test_the_readme_example_passes(pytester: pytest.Pytester) -> None:
    files = _readme_files()
    assert {"app.py", "conftest.py", "test_app.py"} <= set(files)
    for name, code in files.items():
        pytester.path.joinpath(name).write_text(code)
    pytester.syspathinsert()
    tests = sum(code.count("\ndef test_") for name, code in files.items() if name.startswith("test_"))

    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")

    assert tests >= 5
    result.assert_outcomes(passed=tests)
