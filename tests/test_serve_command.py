"""``python -m pytest_cloudcontrol serve``: a standalone endpoint, as a suite in another language runs it."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator

import pytest

from pytest_cloudcontrol.__main__ import main

Start = Callable[..., "subprocess.Popen[str]"]


@pytest.fixture
def start() -> Iterator[Start]:
    """Start the command with arguments; every process started is ended after the test."""
    started: list[subprocess.Popen[str]] = []

    def run(*arguments: str) -> subprocess.Popen[str]:
        process = subprocess.Popen(
            [sys.executable, "-m", "pytest_cloudcontrol", "serve", *arguments],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        started.append(process)
        return process

    yield run
    for process in started:
        if process.poll() is None:
            process.kill()
        process.communicate()


def _about(url: str) -> dict[str, object]:
    with urllib.request.urlopen(url + "/_cloudcontrol/", timeout=10) as response:
        answer: dict[str, object] = json.loads(response.read())
    return answer


@pytest.mark.parametrize("stop_with", [signal.SIGINT, signal.SIGTERM])
def test_it_prints_its_url_first_serves_and_exits_0_on_a_signal(
    start: Start, stop_with: signal.Signals
) -> None:
    process = start("--region", "eu-west-2", "--account-id", "111122223333")
    assert process.stdout is not None
    url = process.stdout.readline().strip()

    assert url.startswith("http://127.0.0.1:")
    assert _about(url)["region"] == "eu-west-2"
    assert _about(url)["account_id"] == "111122223333"
    process.send_signal(stop_with)
    assert process.wait(timeout=10) == 0
    out, err = process.communicate()
    assert out == ""
    assert f"Cloud Control fake on {url}" in err
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", int(url.rpartition(":")[2])), timeout=2)


def test_time_scale_speeds_its_clock(start: Start) -> None:
    process = start("--time-scale", "3600")
    assert process.stdout is not None
    url = process.stdout.readline().strip()
    first = _about(url)["time"]
    time.sleep(0.05)

    second = _about(url)["time"]

    assert isinstance(first, float)
    assert isinstance(second, float)
    assert second - first >= 0.05 * 3600
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=10) == 0


def test_a_port_in_use_exits_2_with_the_reason(start: Start) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]

        process = start("--port", str(port))
        out, err = process.communicate(timeout=30)

    assert process.returncode == 2
    assert out == ""
    assert f"serve: error: the Cloud Control server could not listen on 127.0.0.1:{port}" in err


def test_a_bad_region_exits_2_with_the_reason(start: Start) -> None:
    process = start("--region", "mars-1")
    _, err = process.communicate(timeout=30)

    assert process.returncode == 2
    assert "serve: error: FakeCloudControl got bad options: region" in err


def test_in_process_it_serves_until_a_signal_and_puts_the_handlers_back(
    capsys: pytest.CaptureFixture[str],
) -> None:
    handlers = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    answers: list[dict[str, object]] = []

    def client() -> None:
        # The server names its thread after its port: wait for it, ask it, then stop the command.
        while not (
            names := [t.name for t in threading.enumerate() if t.name.startswith("cloudcontrol-server-")]
        ):
            time.sleep(0.01)
        answers.append(_about(f"http://127.0.0.1:{names[0].rpartition('-')[2]}"))
        os.kill(os.getpid(), signal.SIGTERM)

    helper = threading.Thread(target=client)
    helper.start()
    status = main(["serve", "--region", "sa-east-1"])
    helper.join()

    assert status == 0
    assert answers[0]["region"] == "sa-east-1"
    url = capsys.readouterr().out.splitlines()[0]
    assert url.startswith("http://127.0.0.1:")
    assert (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)) == handlers


def test_in_process_a_bad_option_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["serve", "--time-scale", "-1"])

    assert exit_.value.code == 2
    assert "serve: error: time_scale must be a number above 0" in capsys.readouterr().err


def _requests(url: str) -> list[dict[str, object]]:
    with urllib.request.urlopen(url + "/_cloudcontrol/requests", timeout=10) as response:
        answer: list[dict[str, object]] = json.loads(response.read())
    return answer


def test_a_scenario_file_is_seeded_before_it_serves(start: Start, tmp_path: os.PathLike[str]) -> None:
    scenario = os.path.join(tmp_path, "stuck.json")
    with open(scenario, "w", encoding="utf-8") as file:
        json.dump(
            {
                "requests": [
                    {"type_name": "AWS::Logs::LogGroup", "identifier": "app", "request_token": "stuck-1"}
                ],
                "resources": [{"type_name": "AWS::S3::Bucket", "properties": {"BucketName": "b"}}],
            },
            file,
        )
    process = start("--scenario", scenario)
    assert process.stdout is not None
    url = process.stdout.readline().strip()

    requests = _requests(url)

    assert [(r["request_token"], r["status"], r["identifier"]) for r in requests] == [
        ("stuck-1", "IN_PROGRESS", "app")
    ]
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=10) == 0


def test_a_bad_scenario_exits_2_naming_the_entry(start: Start, tmp_path: os.PathLike[str]) -> None:
    scenario = os.path.join(tmp_path, "bad.json")
    with open(scenario, "w", encoding="utf-8") as file:
        json.dump({"requests": [{"type_name": "AWS::Logs::LogGroup", "status": "DONE"}]}, file)

    process = start("--scenario", scenario)
    out, err = process.communicate(timeout=30)

    assert process.returncode == 2
    assert out == ""  # no URL: nothing was served
    assert "serve: error: " in err
    assert "requests[0].status" in err
