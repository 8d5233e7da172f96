"""A pytest plugin for mutmut runs only: every test compiles validators and parses types afresh.

``input_validator`` caches one compiled validator per operation, and the bundled resource types are
parsed (and their schema validators compiled) once per process, so only the first test that needs one
runs the compiling and parsing functions of ``validation.py``, ``schema_validation.py``,
``resource_types.py`` and ``generated_values.py``. mutmut links a mutant to the tests that ran its
function while it collected stats: without this, a mutant of those functions would be tried against
that first test alone, and the tests that check their results would never run on it. pyproject's
``[tool.mutmut]`` loads it (``-p tests.mutmut_plugin``); an ordinary run does not.
"""

from __future__ import annotations

import pytest

from pytest_cloudcontrol import generated_values, resource_types, schema_validation
from pytest_cloudcontrol.validation import input_validator


@pytest.fixture(autouse=True)
def _fresh_caches() -> None:
    input_validator.cache_clear()
    resource_types._parsed.clear()
    schema_validation._regex.cache_clear()
    generated_values.scope_of.cache_clear()
