"""Request tokens and request ids: random lower-case UUID4s, random in every character, never repeated."""

from __future__ import annotations

import os
import random
import threading
import uuid
from typing import Any

import pytest

from pytest_cloudcontrol import FakeCloudControl
from pytest_cloudcontrol.registry import new_token

TYPE = "AWS::Logs::LogGroup"


def test_the_tokens_a_client_sees_are_random_uuid4s(cloudcontrol: FakeCloudControl, client: Any) -> None:
    answers = [client.create_resource(TypeName=TYPE, DesiredState="{}") for _ in range(20)]
    tokens = [answer["ProgressEvent"]["RequestToken"] for answer in answers]
    request_ids = [answer["ResponseMetadata"]["RequestId"] for answer in answers]

    for token in tokens + request_ids:
        parsed = uuid.UUID(token)
        assert (parsed.version, parsed.variant, str(parsed)) == (4, uuid.RFC_4122, token)
    # Random in every character: no two share even their first eight (a shared prefix did before).
    assert len({token[:8] for token in tokens + request_ids}) == 40


def test_every_character_position_varies() -> None:
    tokens = [new_token() for _ in range(2000)]

    for position in range(36):
        seen = {token[position] for token in tokens}
        if position in (8, 13, 18, 23):
            assert seen == {"-"}
        elif position == 14:
            assert seen == {"4"}  # the version
        elif position == 19:
            assert seen == set("89ab")  # the RFC 4122 variant
        else:
            assert seen == set("0123456789abcdef")


def test_seeding_random_does_not_repeat_tokens() -> None:
    random.seed(7)
    first = [new_token() for _ in range(10)]
    random.seed(7)
    second = [new_token() for _ in range(10)]

    assert not set(first) & set(second)


def test_tokens_are_unique_across_threads() -> None:
    made: list[list[str]] = [[] for _ in range(8)]

    def make(into: list[str]) -> None:
        into.extend(new_token() for _ in range(20_000))

    threads = [threading.Thread(target=make, args=(into,)) for into in made]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    everything = [token for tokens in made for token in tokens]
    assert len(set(everything)) == len(everything) == 160_000


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork is POSIX")
def test_a_forked_child_makes_tokens_of_its_own() -> None:
    new_token()  # the batch both would start from
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - the child process
        os.write(write, " ".join(new_token() for _ in range(5)).encode())
        os._exit(0)
    os.close(write)
    os.waitpid(child, 0)
    with os.fdopen(read) as pipe:
        theirs = set(pipe.read().split())

    ours = {new_token() for _ in range(5)}

    assert len(theirs) == 5
    assert not ours & theirs
