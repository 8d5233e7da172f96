"""A fake's state in one place: the objects that hold it, how they are made, and its snapshots.

``new_service`` builds the holders from a fake's settings; ``capture`` copies their state into a
``Snapshot``; ``restore`` copies a snapshot back into a fake's holders (``reset`` restores a new fake's).
Every attribute of a holder is state unless ``_KEPT`` names it as the wiring between the holders or a
setting the fake was made with: a new attribute is captured unless someone says it should not be. The
clock's state is its time, read and set through its own methods (it may be following wall time).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .clock import VirtualClock
from .models import utc_from_epoch
from .registry import RequestRegistry
from .resource_types import ResourceTypeCatalog
from .service import CloudControlService
from .settings import FakeSettings
from .store import ResourceStore

_KEPT: Mapping[str, frozenset[str]] = {
    "service": frozenset(
        {"registry", "store", "catalog", "clock", "lock", "_handlers"}
        | {"validate_desired_state", "queue_concurrent_writes"}
    ),
    "registry": frozenset({"clock", "handler_texts", "cancel_applies_change", "cancel_progression"}),
    "store": frozenset(),
    "catalog": frozenset(),
}
"""Per holder, the attributes that are not state: restore and reset leave them as they are."""


def new_service(settings: FakeSettings) -> CloudControlService:
    """The service and the holders behind it, empty, as a fake with ``settings`` starts."""
    clock = VirtualClock(settings.start_time)
    catalog = ResourceTypeCatalog()
    registry = RequestRegistry(clock, catalog.handler_messages)
    registry.cancel_applies_change = settings.cancel_applies_change
    service = CloudControlService(registry, ResourceStore(), catalog, clock)
    service.validate_desired_state = settings.validate_desired_state
    service.queue_concurrent_writes = settings.queue_concurrent_writes
    service.progression = settings.progression
    return service


def _holders(service: CloudControlService) -> dict[str, object]:
    return {
        "service": service,
        "registry": service.registry,
        "store": service.store,
        "catalog": service.catalog,
    }


def _state_of(name: str, holder: Any) -> dict[str, Any]:
    names = vars(holder) if hasattr(holder, "__dict__") else type(holder).__slots__
    return {attr: getattr(holder, attr) for attr in names if attr not in _KEPT[name]}


class _Holder:
    """Stands for a holder inside a snapshot, so the snapshot refers to no fake (rebound on restore)."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name


_PLACEHOLDERS = {name: _Holder(name) for name in (*_KEPT, "clock")}


@dataclass(frozen=True, eq=False)
class Snapshot:
    """The whole state of a fake at one moment, from ``fake.snapshot()``; give it to ``fake.restore``.

    It is a copy that nothing changes: restore it into any fake (this one or another, e.g. each test's
    ``cloudcontrol``), as often as needed, and each time the fake's state is as it was when it was taken:
    requests (with their progressions and what finishing them will do), resources, registered types,
    the clock, scripts, injected faults, the call log, the ClientTokens remembered and the progression
    of API requests. The fake's settings (Region, ``fast``, ...) are not state: each fake keeps its own.
    """

    _state: dict[str, dict[str, Any]]
    _clock: float
    requests: int
    resources: int
    time: datetime

    def __repr__(self) -> str:
        return (
            f"<Snapshot: {self.requests} requests, {self.resources} resources, "
            f"clock at {self.time.isoformat()}>"
        )


def capture(service: CloudControlService) -> Snapshot:
    """A ``Snapshot`` of the service's state (the caller holds its lock)."""
    holders = _holders(service)
    state = {name: _state_of(name, holder) for name, holder in holders.items()}
    memo: dict[int, Any] = {id(holder): _PLACEHOLDERS[name] for name, holder in holders.items()}
    memo[id(service.clock)] = _PLACEHOLDERS["clock"]
    now = service.clock.time()
    return Snapshot(
        copy.deepcopy(state, memo), now, len(service.registry), len(service.store), utc_from_epoch(now)
    )


def restore(service: CloudControlService, snapshot: Snapshot) -> None:
    """Put the service's state back as the snapshot holds it (the caller holds its lock)."""
    holders = _holders(service)
    memo: dict[int, Any] = {id(_PLACEHOLDERS[name]): holder for name, holder in holders.items()}
    memo[id(_PLACEHOLDERS["clock"])] = service.clock
    state = copy.deepcopy(snapshot._state, memo)
    for name, values in state.items():
        for attr, value in values.items():
            setattr(holders[name], attr, value)
    service.clock.move_to(snapshot._clock)


def reset(service: CloudControlService, settings: FakeSettings) -> None:
    """Empty the service's state, as a new fake with ``settings`` starts (the caller holds its lock)."""
    restore(service, capture(new_service(settings)))
