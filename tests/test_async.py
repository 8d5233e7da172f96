"""aiobotocore (and so aioboto3) clients against the fake: answers, modeled errors, retries, waiters, pages.

Each test is a plain sync test that uses the ``cloudcontrol`` fixture and drives an aiobotocore client
with ``asyncio.run``, so no async test plugin is needed. Run in an environment with
``pytest-cloudcontrol[async]`` (tox ``-e async``); skipped where aiobotocore is not installed.
"""

from __future__ import annotations

import asyncio
import functools
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import pytest

pytest.importorskip("aiobotocore")
aiobotocore_session = pytest.importorskip("aiobotocore.session")

import aiobotocore.endpoint  # noqa: E402 - after the skip: aiobotocore is an optional extra
import aiobotocore.waiter  # noqa: E402
from botocore.config import Config  # noqa: E402
from botocore.exceptions import ClientError, EndpointConnectionError, WaiterError  # noqa: E402

from pytest_cloudcontrol import FakeCloudControl, OperationStatus, Progression  # noqa: E402

TYPE = "AWS::Logs::LogGroup"
T = TypeVar("T")


@functools.cache
def _session() -> Any:
    # One session for the module: making one loads botocore's data files, a few tenths of a second.
    return aiobotocore_session.get_session()


@asynccontextmanager
async def aio_client(region: str = "us-east-1", **kwargs: Any) -> AsyncIterator[Any]:
    """An aiobotocore ``cloudcontrol`` client, closed on exit."""
    async with _session().create_client("cloudcontrol", region_name=region, **kwargs) as client:
        yield client


def run(test: Callable[[Any], Awaitable[T]], **client_options: Any) -> T:
    """Run ``test(client)`` with a fresh aiobotocore client in a new event loop; its result."""

    async def main() -> T:
        async with aio_client(**client_options) as client:
            return await test(client)

    return asyncio.run(main())


def _error(error: ClientError) -> tuple[int, str, str]:
    response: Any = error.response
    return (
        response["ResponseMetadata"]["HTTPStatusCode"],
        response["Error"]["Code"],
        response["Error"]["Message"],
    )


# -- CancelResourceRequest, status by status ---------------------------------------------------


@pytest.mark.parametrize("status", ["PENDING", "IN_PROGRESS"])
def test_cancel_in_flight_is_cancel_in_progress_then_complete(
    cloudcontrol: FakeCloudControl, status: str
) -> None:
    token = cloudcontrol.seed_request(TYPE, status=status, identifier="lg-1").request_token

    async def test(client: Any) -> tuple[dict[str, Any], dict[str, Any]]:
        answer = await client.cancel_resource_request(RequestToken=token)
        return answer, await client.get_resource_request_status(RequestToken=token)

    answer, status_answer = run(test)

    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert answer["ResponseMetadata"]["RetryAttempts"] == 0
    event = answer["ProgressEvent"]
    assert (event["RequestToken"], event["OperationStatus"]) == (token, "CANCEL_IN_PROGRESS")
    assert (event["TypeName"], event["Identifier"], event["Operation"]) == (TYPE, "lg-1", "CREATE")
    assert status_answer["ProgressEvent"]["OperationStatus"] == "CANCEL_COMPLETE"
    assert cloudcontrol.get_request(token).status == OperationStatus.CANCEL_COMPLETE
    cloudcontrol.assert_cancelled(token)


@pytest.mark.parametrize("status", ["CANCEL_COMPLETE", "CANCEL_IN_PROGRESS"])
def test_cancel_of_cancelled_request_returns_it_unchanged(
    cloudcontrol: FakeCloudControl, status: str
) -> None:
    seeded = cloudcontrol.seed_request(TYPE, status=status, identifier="lg-1")

    async def test(client: Any) -> dict[str, Any]:
        answer: dict[str, Any] = await client.cancel_resource_request(RequestToken=seeded.request_token)
        return answer

    answer = run(test)

    assert answer["ProgressEvent"]["OperationStatus"] == status
    assert cloudcontrol.get_request(seeded.request_token) == seeded


@pytest.mark.parametrize("status", ["SUCCESS", "FAILED"])
def test_cancel_of_finished_request_is_a_validation_error(
    cloudcontrol: FakeCloudControl, status: str
) -> None:
    extra: dict[str, Any] = (
        {"error_code": "NotStabilized", "status_message": "no"} if status == "FAILED" else {}
    )
    seeded = cloudcontrol.seed_request(TYPE, status=status, **extra)
    token = seeded.request_token

    async def test(client: Any) -> ClientError:
        with pytest.raises(ClientError) as excinfo:
            await client.cancel_resource_request(RequestToken=token)
        return excinfo.value

    error = run(test)

    assert _error(error) == (400, "ValidationException", f"Request {token} is already in status {status}")
    assert cloudcontrol.get_request(token) == seeded
    cloudcontrol.assert_not_cancelled(token)


def test_cancel_of_unknown_token_raises_the_modeled_exception(cloudcontrol: FakeCloudControl) -> None:
    token = "00000000-0000-0000-0000-000000000000"

    async def test(client: Any) -> tuple[type[Exception], ClientError]:
        with pytest.raises(client.exceptions.RequestTokenNotFoundException) as excinfo:
            await client.cancel_resource_request(RequestToken=token)
        modeled: type[Exception] = client.exceptions.RequestTokenNotFoundException
        return modeled, excinfo.value

    modeled, error = run(test)

    assert type(error) is modeled
    assert _error(error) == (
        400,
        "RequestTokenNotFoundException",
        f"Request with token {token} was not found",
    )


def test_malformed_token_is_a_validation_error_from_the_server(cloudcontrol: FakeCloudControl) -> None:
    async def test(client: Any) -> ClientError:
        with pytest.raises(ClientError) as excinfo:
            await client.cancel_resource_request(RequestToken="bad token!")
        return excinfo.value

    status, code, message = _error(run(test))

    assert (status, code) == (400, "ValidationException")
    assert message.startswith("1 validation error detected: Value 'bad token!' at 'requestToken'")
    assert cloudcontrol.calls_to("CancelResourceRequest")[0].error_code == "ValidationException"


# -- retries -----------------------------------------------------------------------------------


def test_injected_throttling_is_retried_in_virtual_time(cloudcontrol: FakeCloudControl) -> None:
    token = cloudcontrol.seed_request(TYPE).request_token
    cloudcontrol.inject_error("CancelResourceRequest", "ThrottlingException", times=2)
    before = cloudcontrol.clock.time()

    async def test(client: Any) -> dict[str, Any]:
        answer: dict[str, Any] = await client.cancel_resource_request(RequestToken=token)
        return answer

    started = time.monotonic()
    answer = run(test)

    assert time.monotonic() - started < 2, "retry back-off slept in real time"
    assert answer["ResponseMetadata"]["RetryAttempts"] == 2
    assert answer["ProgressEvent"]["OperationStatus"] == "CANCEL_IN_PROGRESS"
    assert [c.error_code for c in cloudcontrol.calls] == ["ThrottlingException"] * 2 + [None]
    assert cloudcontrol.clock.time() > before, "the back-off did not move the virtual clock"
    assert cloudcontrol.pending_errors == []


@pytest.mark.parametrize("mode", ["legacy", "standard"])
def test_throttling_past_the_last_attempt_raises_the_modeled_exception(
    cloudcontrol: FakeCloudControl, mode: str
) -> None:
    token = cloudcontrol.seed_request(TYPE).request_token
    cloudcontrol.inject_error("CancelResourceRequest", "ThrottlingException", times=3)
    config = Config(retries={"mode": mode, "total_max_attempts": 3})  # type: ignore[arg-type]

    async def test(client: Any) -> tuple[type[Exception], ClientError]:
        with pytest.raises(ClientError) as excinfo:
            await client.cancel_resource_request(RequestToken=token)
        modeled: type[Exception] = client.exceptions.ThrottlingException
        return modeled, excinfo.value

    modeled, error = run(test, config=config)

    assert type(error) is modeled
    assert _error(error) == (400, "ThrottlingException", "Rate exceeded")
    assert _error(error)[0] == 400
    response: Any = error.response
    assert response["ResponseMetadata"]["RetryAttempts"] == 2
    assert len(cloudcontrol.calls) == 3
    cloudcontrol.assert_not_cancelled(token)


def test_injected_5xx_is_retried(cloudcontrol: FakeCloudControl) -> None:
    cloudcontrol.inject_error("ListResourceRequests", "ServiceInternalErrorException")

    async def test(client: Any) -> dict[str, Any]:
        answer: dict[str, Any] = await client.list_resource_requests()
        return answer

    answer = run(test)

    assert answer["ResponseMetadata"]["RetryAttempts"] == 1
    assert [c.status_code for c in cloudcontrol.calls] == [500, 200]


@pytest.mark.cloudcontrol(assert_all_errors_raised=False)
def test_a_lost_connection_raises_botocores_endpoint_connection_error(cloudcontrol: FakeCloudControl) -> None:
    token = cloudcontrol.seed_request(TYPE).request_token
    cloudcontrol.inject_network_error("CancelResourceRequest", times=10)
    before = cloudcontrol.clock.time()

    async def test(client: Any) -> None:
        with pytest.raises(EndpointConnectionError):
            await client.cancel_resource_request(RequestToken=token)

    started = time.monotonic()
    run(test, config=Config(retries={"mode": "standard", "total_max_attempts": 3}))

    assert time.monotonic() - started < 2, "retry back-off slept in real time"
    assert cloudcontrol.clock.time() > before
    assert cloudcontrol.calls == []
    assert cloudcontrol.pending_faults[0].remaining == 7


def test_a_read_timeout_loses_the_answer_the_retry_sees_the_cancel(cloudcontrol: FakeCloudControl) -> None:
    token = cloudcontrol.seed_request(TYPE).request_token
    cloudcontrol.inject_network_error("CancelResourceRequest", "read_timeout")

    async def test(client: Any) -> dict[str, Any]:
        answer: dict[str, Any] = await client.cancel_resource_request(RequestToken=token)
        return answer

    answer = run(test)

    assert answer["ResponseMetadata"]["RetryAttempts"] == 1
    assert answer["ProgressEvent"]["OperationStatus"] == "CANCEL_COMPLETE"
    assert len(cloudcontrol.calls) == 2


def test_adaptive_mode_waits_in_virtual_time(cloudcontrol: FakeCloudControl) -> None:
    token = cloudcontrol.seed_request(TYPE).request_token
    cloudcontrol.inject_error("GetResourceRequestStatus", "ThrottlingException", times=6)
    before = cloudcontrol.clock.time()

    async def test(client: Any) -> None:
        for _ in range(4):
            await client.get_resource_request_status(RequestToken=token)

    started = time.monotonic()
    run(test, config=Config(retries={"mode": "adaptive", "total_max_attempts": 10}))

    assert len(cloudcontrol.calls) == 10
    assert time.monotonic() - started < 2, "the rate limiter waited in wall time"
    assert cloudcontrol.clock.time() - before > 20


# -- waiters, in virtual time ------------------------------------------------------------------


def test_waiter_waits_sixty_virtual_seconds_in_milliseconds(cloudcontrol: FakeCloudControl) -> None:
    token = cloudcontrol.seed_request(TYPE, progression=Progression.after(60)).request_token
    before = cloudcontrol.clock.time()

    async def test(client: Any) -> dict[str, Any]:
        answer: dict[str, Any] = await client.get_waiter("resource_request_success").wait(RequestToken=token)
        return answer

    started = time.monotonic()
    answer = run(test)

    assert time.monotonic() - started < 2, "the waiter slept in real time"
    assert answer["ProgressEvent"]["OperationStatus"] == "SUCCESS"
    # The waiter polls every 5 s: at 0, 5, ..., 60 s.
    assert cloudcontrol.clock.time() - before == pytest.approx(60)
    assert len(cloudcontrol.calls_to("GetResourceRequestStatus")) == 13
    assert cloudcontrol.get_request(token).status == OperationStatus.SUCCESS


def test_waiter_fails_on_cancel_complete(cloudcontrol: FakeCloudControl) -> None:
    # A cancel that takes 12 virtual seconds: the waiter polls at 0, 5, 10 and 15 s, then fails.
    seeded = cloudcontrol.seed_request(TYPE, status="CANCEL_IN_PROGRESS", progression=Progression.after(12))
    before = cloudcontrol.clock.time()

    async def test(client: Any) -> WaiterError:
        with pytest.raises(WaiterError) as excinfo:
            await client.get_waiter("resource_request_success").wait(RequestToken=seeded.request_token)
        return excinfo.value

    error = run(test)

    assert "CANCEL_COMPLETE" in str(error)
    last_response: Any = error.last_response
    assert last_response["ProgressEvent"]["OperationStatus"] == "CANCEL_COMPLETE"
    assert cloudcontrol.clock.time() - before == pytest.approx(15)


@pytest.mark.cloudcontrol(virtual_time=False)
def test_virtual_time_off_keeps_aiobotocores_real_sleep(cloudcontrol: FakeCloudControl) -> None:
    assert aiobotocore.endpoint.asyncio is asyncio
    assert aiobotocore.waiter.asyncio is asyncio


def test_sleeps_are_redirected_while_active_and_put_back_after() -> None:
    with FakeCloudControl():
        assert aiobotocore.endpoint.asyncio is not asyncio
        assert aiobotocore.waiter.asyncio is not asyncio
    assert aiobotocore.endpoint.asyncio is asyncio
    assert aiobotocore.waiter.asyncio is asyncio


def test_aiobotocore_imported_after_the_fake_started_still_sleeps_virtually(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # As if aiobotocore were imported only inside the test: hidden from sys.modules while the fake starts.
    hidden = {name: sys.modules.pop(name) for name in ("aiobotocore.endpoint", "aiobotocore.waiter")}
    try:
        fake = FakeCloudControl().start()
    finally:
        sys.modules.update(hidden)
    try:
        assert aiobotocore.waiter.asyncio is asyncio
        token = fake.seed_request(TYPE, progression=Progression.after(20)).request_token

        async def test(client: Any) -> None:
            await client.get_waiter("resource_request_success").wait(RequestToken=token)

        started = time.monotonic()
        run(test)

        assert time.monotonic() - started < 2, "the waiter slept in real time"
        assert fake.get_request(token).status == OperationStatus.SUCCESS
    finally:
        fake.stop()
    assert aiobotocore.endpoint.asyncio is asyncio
    assert aiobotocore.waiter.asyncio is asyncio


# -- paginators --------------------------------------------------------------------------------


def test_paginator_walks_250_seeded_requests(cloudcontrol: FakeCloudControl) -> None:
    seeded = [cloudcontrol.seed_request(TYPE).request_token for _ in range(250)]

    async def test(client: Any) -> list[list[str]]:
        pages = []
        async for page in client.get_paginator("list_resource_requests").paginate():
            pages.append([s["RequestToken"] for s in page["ResourceRequestStatusSummaries"]])
        return pages

    pages = run(test)

    assert [len(page) for page in pages] == [20] * 12 + [10]
    assert [token for page in pages for token in page] == seeded
    assert len(cloudcontrol.calls_to("ListResourceRequests")) == 13


def test_paginator_page_size_and_build_full_result(cloudcontrol: FakeCloudControl) -> None:
    seeded = [cloudcontrol.seed_request(TYPE).request_token for _ in range(250)]

    async def test(client: Any) -> dict[str, Any]:
        paginator = client.get_paginator("list_resource_requests")
        result: dict[str, Any] = await paginator.paginate(
            PaginationConfig={"PageSize": 100}
        ).build_full_result()
        return result

    result = run(test)

    assert [s["RequestToken"] for s in result["ResourceRequestStatusSummaries"]] == seeded
    assert [c.params.get("MaxResults") for c in cloudcontrol.calls] == [100, 100, 100]


# -- the fixture, with sync and async clients side by side -------------------------------------


def test_sync_and_async_clients_share_one_fake(cloudcontrol: FakeCloudControl, client: Any) -> None:
    token = cloudcontrol.seed_request(TYPE).request_token

    async def test(aio: Any) -> dict[str, Any]:
        # A blocking sync client called from async code still gets botocore's answer, not aiobotocore's.
        client.cancel_resource_request(RequestToken=token)
        answer: dict[str, Any] = await aio.get_resource_request_status(RequestToken=token)
        return answer

    answer = run(test)

    assert answer["ProgressEvent"]["OperationStatus"] == "CANCEL_COMPLETE"
    again = client.get_resource_request_status(RequestToken=token)
    assert again["ProgressEvent"] == answer["ProgressEvent"]
    assert [c.operation for c in cloudcontrol.calls] == [
        "CancelResourceRequest",
        "GetResourceRequestStatus",
        "GetResourceRequestStatus",
    ]


def test_concurrent_calls_from_many_tasks(cloudcontrol: FakeCloudControl) -> None:
    tokens = [cloudcontrol.seed_request(TYPE).request_token for _ in range(25)]

    async def test(client: Any) -> list[Any]:
        return list(await asyncio.gather(*(client.cancel_resource_request(RequestToken=t) for t in tokens)))

    answers = run(test)

    assert [a["ProgressEvent"]["RequestToken"] for a in answers] == tokens
    for token in tokens:
        cloudcontrol.assert_cancelled(token)


def test_region_comes_from_the_client(cloudcontrol: FakeCloudControl) -> None:
    token = cloudcontrol.seed_request(TYPE, region="eu-west-1").request_token

    async def test(client: Any) -> dict[str, Any]:
        answer: dict[str, Any] = await client.cancel_resource_request(RequestToken=token)
        return answer

    assert run(test, region="eu-west-1")["ProgressEvent"]["RequestToken"] == token
    assert cloudcontrol.calls[-1].region == "eu-west-1"


@pytest.mark.cloudcontrol(fast=True)
def test_fast_mode_serves_unsigned_async_requests(cloudcontrol: FakeCloudControl) -> None:
    token = cloudcontrol.seed_request(TYPE).request_token

    async def test(client: Any) -> dict[str, Any]:
        answer: dict[str, Any] = await client.cancel_resource_request(RequestToken=token)
        return answer

    assert run(test)["ProgressEvent"]["OperationStatus"] == "CANCEL_IN_PROGRESS"
    cloudcontrol.assert_cancelled(token)


# -- credentials -----------------------------------------------------------------------------------


@pytest.mark.cloudcontrol(accounts={"AKIAOTHER": "222222222222"})
def test_an_async_client_keeps_its_access_key_and_signs_with_the_fake_secret(
    cloudcontrol: FakeCloudControl, signing_secrets: list[str]
) -> None:

    async def twice(client: Any) -> None:
        await client.list_resource_requests()
        await client.list_resource_requests()

    run(twice, aws_access_key_id="AKIAOTHER", aws_secret_access_key="real")
    run(twice)

    assert [call.account_id for call in cloudcontrol.calls] == ["222222222222"] * 2 + ["123456789012"] * 2
    assert set(signing_secrets) == {"testing"}


def test_an_async_client_made_while_active_runs_no_credential_process(
    cloudcontrol: FakeCloudControl, monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    ran = tmp_path / "ran"
    script = tmp_path / "process.py"
    script.write_text(f"open({str(ran)!r}, 'w').close()\n")
    config = tmp_path / "config"
    config.write_text(f"[profile proc]\ncredential_process = {sys.executable} {script}\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))

    async def listed() -> Any:
        session = aiobotocore_session.AioSession(profile="proc")
        async with session.create_client("cloudcontrol", region_name="us-east-1") as client:
            return await client.list_resource_requests()

    assert asyncio.run(listed())["ResourceRequestStatusSummaries"] == []
    assert not ran.exists()


def test_an_async_client_without_the_handler_is_refused(cloudcontrol: FakeCloudControl) -> None:
    from pytest_cloudcontrol import RealEndpointError
    from pytest_cloudcontrol.transport import botocore_hook

    async def call(client: Any) -> Any:
        client.meta.events.unregister("before-send.cloudcontrol", botocore_hook._answer)
        return await client.list_resource_requests()

    with pytest.raises(RealEndpointError, match="made before pytest_cloudcontrol was imported"):
        run(call)
