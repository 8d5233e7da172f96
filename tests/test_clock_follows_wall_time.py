"""``VirtualClock.follow_wall_time``: the clock of a served fake runs with wall time, scaled."""

from __future__ import annotations

import time

import pytest

from pytest_cloudcontrol.clock import VirtualClock


def test_standing_still_time_is_the_plain_attribute() -> None:
    clock = VirtualClock(1000.0)

    assert clock.time() == 1000.0
    assert "time" not in vars(clock), "the hot path stays the class's one-attribute method"


def test_following_runs_scaled_and_advance_still_jumps() -> None:
    clock = VirtualClock(1000.0)
    clock.follow_wall_time(1000)
    time.sleep(0.02)
    clock.advance(500)

    assert clock.following_wall_time
    assert clock.time() >= 1000.0 + 20 + 500
    assert clock.now().timestamp() == pytest.approx(clock.time(), abs=1)


def test_standing_still_keeps_the_time_reached() -> None:
    clock = VirtualClock(1000.0)
    clock.follow_wall_time(1000)
    time.sleep(0.02)

    clock.stand_still()
    reached = clock.time()
    time.sleep(0.01)

    assert reached >= 1020
    assert clock.time() == reached
    assert "time" not in vars(clock)
    clock.stand_still()  # idempotent
    assert clock.time() == reached


@pytest.mark.parametrize("scale", [0, -1, float("nan"), float("inf")])
def test_a_bad_scale_is_refused(scale: float) -> None:
    clock = VirtualClock(1000.0)
    with pytest.raises(ValueError, match="finite scale above 0"):
        clock.follow_wall_time(scale)
    assert not clock.following_wall_time


def test_following_twice_is_refused() -> None:
    clock = VirtualClock(1000.0)
    clock.follow_wall_time()
    with pytest.raises(ValueError, match="already follows wall time"):
        clock.follow_wall_time()
