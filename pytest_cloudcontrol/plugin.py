"""The pytest plugin: the ``cloudcontrol`` fixtures and marker.

The fixtures: ``cloudcontrol``, ``cloudcontrol_client``, ``cloudcontrol_requests``, ``cloudcontrol_server``
and ``cloudcontrol_session_server``. Only wiring: the fake itself is ``FakeCloudControl``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

# Installs the (inert) botocore handler now, before any test module makes a client.
from .transport import botocore_hook

if TYPE_CHECKING:
    import responses
    from botocore.client import BaseClient

    from .fake import FakeCloudControl
    from .server import CloudControlServer

_MARKER = "cloudcontrol"
_BLOCK_OPTION = "cloudcontrol_block_real_calls"
_REPORT_OPTION = "cloudcontrol_report_calls"
_NO_REPORT_FLAG = "--cloudcontrol-no-report"
REPORT_SECTION = "Cloud Control calls"
# The fake a test used, for the report of its failure; and whether that report has its section yet.
_FAKE = pytest.StashKey["FakeCloudControl"]()
_REPORTED = pytest.StashKey[bool]()
# The marker's option for the server fixtures (the others are FakeCloudControl's).
_TIME_SCALE = "time_scale"
_SERVER_FIXTURES = ("cloudcontrol_server", "cloudcontrol_session_server")


def pytest_addoption(parser: pytest.Parser) -> None:
    """The ini options ``cloudcontrol_block_real_calls`` and ``cloudcontrol_report_calls``, one flag."""
    parser.addini(
        _BLOCK_OPTION,
        "fail every Cloud Control call made while no fake is active, instead of sending it to AWS",
        type="bool",
        default=False,
    )
    parser.addini(
        _REPORT_OPTION,
        f"add a '{REPORT_SECTION}' section, the calls the fake served, to the report of a failing test",
        type="bool",
        default=True,
    )
    parser.getgroup("cloudcontrol").addoption(
        _NO_REPORT_FLAG,
        action="store_true",
        default=False,
        help=f"no '{REPORT_SECTION}' section in the reports of failing tests (ini: {_REPORT_OPTION})",
    )


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Give the first failing report of a test that used the fake a section listing its calls."""
    outcome = yield
    fake = item.stash.get(_FAKE, None)
    if fake is None:
        return
    if call.when == "teardown":
        del item.stash[_FAKE]  # items live for the whole session: none may keep its fake's state alive
    report: pytest.TestReport = outcome.get_result()  # type: ignore[attr-defined]
    if not report.failed or item.stash.get(_REPORTED, False):
        return
    config = item.config
    if config.getoption(_NO_REPORT_FLAG) or not config.getini(_REPORT_OPTION):
        return
    item.stash[_REPORTED] = True
    report.sections.append((REPORT_SECTION, fake.describe_calls()))


def pytest_configure(config: pytest.Config) -> None:
    """Register the ``cloudcontrol`` marker; block real calls if the ini option says so."""
    config.addinivalue_line(
        "markers",
        "cloudcontrol(**options): options of the cloudcontrol fixture: the keyword arguments of "
        "FakeCloudControl (region, account_id, fast, progression, ...), scenario='file.yaml' "
        "(a scenario file to load, relative to the test file), "
        "assert_all_errors_raised=False to allow injected errors (and network errors) never raised, and "
        "time_scale=X for the cloudcontrol_server fixtures (virtual seconds per wall second).",
    )
    if config.getini(_BLOCK_OPTION):
        botocore_hook.block_real_calls(config)
        config.add_cleanup(lambda: botocore_hook.unblock_real_calls(config))


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
    """A ``FakeCloudControl``, active for this test and empty at its start (or seeded by ``scenario=``).

    At teardown the test fails if an injected error or network error was never raised (opt out with
    ``@pytest.mark.cloudcontrol(assert_all_errors_raised=False)``).
    """
    from .errors import CloudControlUsageError
    from .fake import FakeCloudControl

    options = _options(request)
    assert_all_errors_raised = options.pop("assert_all_errors_raised", True)
    if _TIME_SCALE in options and not set(_SERVER_FIXTURES) & set(request.fixturenames):
        raise pytest.UsageError(
            "@pytest.mark.cloudcontrol: time_scale is the server's option; this test uses neither "
            "cloudcontrol_server nor cloudcontrol_session_server"
        )
    options.pop(_TIME_SCALE, None)
    scenario = options.pop("scenario", None)
    try:
        fake = FakeCloudControl(**options)
        if scenario is not None:  # a path is relative to the test's file; a mapping is loaded as it is
            relative = isinstance(scenario, (str, os.PathLike))
            fake.load(request.path.parent / scenario if relative else scenario)
    except (TypeError, CloudControlUsageError) as error:
        raise pytest.UsageError(f"@pytest.mark.cloudcontrol: {error}") from None
    # A test that monkeypatches the environment gets the fake's changes in the same undo log, so
    # they unwind in order whichever fixture came first.
    monkeypatch = request.getfixturevalue("monkeypatch") if "monkeypatch" in request.fixturenames else None
    request.node.stash[_FAKE] = fake
    fake.start(monkeypatch=monkeypatch)
    try:
        yield fake
    finally:
        fake.stop()
    pending = fake.pending_faults
    if assert_all_errors_raised and pending:
        from .faults import summary

        pytest.fail(
            f"injected errors were never raised: {summary(pending)}. If that is expected, mark the "
            "test @pytest.mark.cloudcontrol(assert_all_errors_raised=False).",
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


@pytest.fixture
def cloudcontrol_server(
    cloudcontrol: FakeCloudControl, request: pytest.FixtureRequest
) -> Iterator[CloudControlServer]:
    """The ``cloudcontrol`` fake of this test behind a real HTTP endpoint (``.url``), stopped at teardown.

    The marker's ``time_scale`` sets how fast its clock follows wall time (default 1).
    """
    with cloudcontrol.serve(time_scale=_options(request).get(_TIME_SCALE)) as server:
        yield server


@pytest.fixture(scope="session")
def _cloudcontrol_session_endpoint() -> Iterator[CloudControlServer]:
    """The session's one server, serving an idle fake between tests."""
    from .fake import FakeCloudControl

    with FakeCloudControl().serve() as server:
        yield server


@pytest.fixture
def cloudcontrol_session_server(
    _cloudcontrol_session_endpoint: CloudControlServer,
    cloudcontrol: FakeCloudControl,
    request: pytest.FixtureRequest,
) -> Iterator[CloudControlServer]:
    """The session's one server (same ``url`` all session), serving this test's ``cloudcontrol`` fake.

    Each test gets an empty fake behind the running server: the server serves whichever fake is
    current, and this fixture makes it the test's until teardown.
    """
    server = _cloudcontrol_session_endpoint
    idle = server.fake
    server.switch_to(cloudcontrol, time_scale=_options(request).get(_TIME_SCALE))
    try:
        yield server
    finally:
        server.switch_to(idle)
