"""The ``Cloud Control calls`` section in the report of a failing test, and how to turn it off."""

from __future__ import annotations

import pytest

INNER = ("-p", "no:hypothesispytest", "-p", "no:randomly")

TESTS = """
import pytest

def test_fails(cloudcontrol, cloudcontrol_client):
    cloudcontrol_client.list_resources(TypeName="AWS::Logs::LogGroup")
    assert False, "the test's own failure"

def test_passes(cloudcontrol, cloudcontrol_client):
    cloudcontrol_client.list_resource_requests()

def test_fails_without_the_fake():
    assert False

def test_fails_at_teardown(cloudcontrol):
    cloudcontrol.inject_error("GetResource", "ThrottlingException")
"""


def _sections(result: pytest.RunResult) -> list[str]:
    return [line for line in result.outlines if "Cloud Control calls" in line and line.startswith("-")]


def test_a_failing_test_that_used_the_fake_gets_the_section(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(TESTS)

    result = pytester.runpytest(*INNER)

    result.assert_outcomes(passed=2, failed=2, errors=1)
    # test_fails and test_fails_at_teardown: one section each; none for the others.
    assert len(_sections(result)) == 2
    result.stdout.fnmatch_lines(
        [
            "*_ test_fails _*",
            "*the test's own failure*",
            "*- Cloud Control calls -*",
            "Cloud Control calls made (1):",
            "  1. ListResources(TypeName='AWS::Logs::LogGroup') in us-east-1/123456789012 -> 200",
        ]
    )
    result.stdout.fnmatch_lines(
        ["*test_fails_at_teardown*", "*injected errors were never raised*", "*- Cloud Control calls -*"]
    )
    result.stdout.fnmatch_lines(["No Cloud Control calls were made."])


def test_the_flag_turns_it_off(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(TESTS)

    result = pytester.runpytest(*INNER, "--cloudcontrol-no-report")

    result.assert_outcomes(passed=2, failed=2, errors=1)
    assert _sections(result) == []


def test_the_ini_option_turns_it_off(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\ncloudcontrol_report_calls = false\n")
    pytester.makepyfile(TESTS)

    result = pytester.runpytest(*INNER)

    result.assert_outcomes(passed=2, failed=2, errors=1)
    assert _sections(result) == []


def test_a_finished_test_keeps_no_fake_alive(pytester: pytest.Pytester) -> None:
    # pytest keeps every test item for the whole session: the section's hook must let go of the fake.
    pytester.makepyfile(
        """
        import gc
        import weakref

        FAKES = []

        def test_seeds_a_big_registry(cloudcontrol):
            for _ in range(100):
                cloudcontrol.seed_request("AWS::Logs::LogGroup")
            FAKES.append(weakref.ref(cloudcontrol))

        def test_the_previous_fake_is_gone():
            gc.collect()
            assert FAKES and FAKES[0]() is None
        """
    )

    result = pytester.runpytest(*INNER)

    result.assert_outcomes(passed=2)
