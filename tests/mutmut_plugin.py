"""A pytest plugin for mutmut runs only: every test compiles the input validators afresh.

``input_validator`` caches one compiled validator per operation, so only the first test that calls an
operation runs the compiling functions of ``validation.py``. mutmut links a mutant to the tests that
ran its function while it collected stats: without this, a mutant of the compiler would be tried
against that first test alone, and the tests that check the validation messages would never run on it.
pyproject's ``[tool.mutmut]`` loads it (``-p tests.mutmut_plugin``); an ordinary run does not.
"""

from __future__ import annotations

import pytest

from pytest_cloudcontrol.validation import input_validator


@pytest.fixture(autouse=True)
def _fresh_input_validators() -> None:
    input_validator.cache_clear()
