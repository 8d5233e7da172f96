"""The pytest plugin: fixtures ``cloudcontrol``, ``cloudcontrol_client``, ``cloudcontrol_requests``, a marker.

Only wiring: the fake itself is ``FakeCloudControl``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

# Installs the (inert) botocore handler now, before any test module makes a client.
from .transport import botocore_hook  # noqa: F401

if TYPE_CHECKING:
    import responses
    from botocore.client import BaseClient

    from .fake import FakeCloudControl

_MARKER = "cloudcontrol"


def pytest_configure(config: pytest.Config) -> None:
    """Register the ``cloudcontrol`` marker."""
    config.addinivalue_line(
        "markers",
        "cloudcontrol(**options): options of the cloudcontrol fixture: the keyword arguments of "
        "FakeCloudControl (region, account_id, fast, progression, ...) and "
        "assert_all_errors_raised=False to allow injected errors that were never raised.",
    )


def _options(request: pytest.FixtureRequest) -> dict[str, Any]:
    """The marker's options, merged from module to class to test (the closest wins)."""
    options: dict[str, Any] = {}
    for marker in reversed(list(request.node.iter_markers(_MARKER))):
        if marker.args:
            raise pytest.UsageError(
                f"@pytest.mark.cloudcontrol takes keyword arguments only; got {marker.args!r}"
            )
        options.update(marker.kwargs)
    return options


@pytest.fixture
def cloudcontrol(request: pytest.FixtureRequest) -> Iterator[FakeCloudControl]:
    """A ``FakeCloudControl``, active for this test and empty at its start.

    At teardown the test fails if an injected error was never raised (opt out with
    ``@pytest.mark.cloudcontrol(assert_all_errors_raised=False)``).
    """
    from .fake import FakeCloudControl

    options = _options(request)
    assert_all_errors_raised = options.pop("assert_all_errors_raised", True)
    try:
        fake = FakeCloudControl(**options)
    except TypeError as error:
        raise pytest.UsageError(f"@pytest.mark.cloudcontrol: {error}") from None
    with fake:
        yield fake
    pending = fake.pending_errors
    if assert_all_errors_raised and pending:
        listed = ", ".join(f"{code} for {operation}" for operation, code in pending)
        pytest.fail(
            f"injected errors were never raised: {listed}. If that is expected, mark the test "
            "@pytest.mark.cloudcontrol(assert_all_errors_raised=False).",
            pytrace=False,
        )


@pytest.fixture
def cloudcontrol_client(cloudcontrol: FakeCloudControl) -> BaseClient:
    """A botocore ``cloudcontrol`` client for the ``cloudcontrol`` fake's Region."""
    return cloudcontrol.client()


@pytest.fixture
def cloudcontrol_requests(cloudcontrol: FakeCloudControl) -> Iterator[responses.RequestsMock]:
    """A running ``responses.RequestsMock`` that serves the fake to code using ``requests``."""
    with cloudcontrol.mock_requests() as rsps:
        yield rsps
