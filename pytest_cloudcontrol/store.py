"""The resource store: the resources that exist, per account, Region and type. Callers hold the lock.

Each type keeps its resources in creation order under a sequence number, so a ListResources page
bisects to its start and reads one page.
"""

from __future__ import annotations

import copy
from bisect import bisect_right
from collections.abc import Iterator, Mapping
from typing import Any

from .codec import Encoded, compact_json
from .models import Resource, Scope
from .resource_types import ResourceType


class StoredResource:
    """A resource as the store keeps it; its properties are never changed in place (a write replaces it).

    Reads answer the same description until the resource changes, so it is encoded once (``description``).
    """

    __slots__ = ("_described", "_listed", "identifier", "properties", "scope", "type_name")

    def __init__(self, type_name: str, identifier: str, properties: dict[str, Any], scope: Scope) -> None:
        self.type_name = type_name
        self.identifier = identifier
        self.properties = properties
        self.scope = scope
        self._described: tuple[ResourceType, Encoded] | None = None
        self._listed: tuple[ResourceType, Encoded] | None = None

    def __deepcopy__(self, memo: dict[int, Any]) -> StoredResource:
        return self  # never changed in place (a write stores a new one): snapshots share it

    def description(self, resource_type: ResourceType) -> Encoded:
        """The ``ResourceDescription`` reads answer (``.value``), write-only properties left out.

        Built once per resource type (a test may register a new definition of the type), encoded once
        when listed; shared, never to be changed.
        """
        cached = self._described
        if cached is None or cached[0] is not resource_type:
            readable = resource_type.without_write_only(self.properties)
            description = Encoded({"Identifier": self.identifier, "Properties": compact_json(readable)})
            cached = self._described = (resource_type, description)
        return cached[1]

    def listed(self, resource_type: ResourceType) -> Encoded:
        """The ``ResourceDescription`` ListResources answers: only what the type's list handler returns.

        That is :attr:`ResourceType.list_properties` (by default the primary identifier's properties),
        built and encoded once per resource type, shared.
        """
        cached = self._listed
        if cached is None or cached[0] is not resource_type:
            properties = self.properties
            shown = {name: properties[name] for name in resource_type.listed_names if name in properties}
            readable = resource_type.without_write_only(shown)
            description = Encoded({"Identifier": self.identifier, "Properties": compact_json(readable)})
            cached = self._listed = (resource_type, description)
        return cached[1]

    def view(self) -> Resource:
        """A snapshot for a test, with every property (write-only ones too): changing it changes nothing."""
        return Resource(
            type_name=self.type_name,
            identifier=self.identifier,
            properties=copy.deepcopy(self.properties),
            account_id=self.scope[0],
            region=self.scope[1],
        )


class ResourceStore:
    """All resources of one fake."""

    def __init__(self) -> None:
        self._seqs: dict[tuple[Scope, str], list[int]] = {}
        self._by_seq: dict[int, StoredResource] = {}
        self._by_key: dict[tuple[Scope, str, str], int] = {}
        self._last_seq = 0  # an int, not itertools.count: the state is copied (snapshots)

    def __len__(self) -> int:
        return len(self._by_seq)

    def __iter__(self) -> Iterator[StoredResource]:
        return iter(self._by_seq.values())

    def get(self, scope: Scope, type_name: str, identifier: str) -> StoredResource | None:
        """The resource, or None if it does not exist."""
        seq = self._by_key.get((scope, type_name, identifier))
        return None if seq is None else self._by_seq[seq]

    def of_type(self, scope: Scope, type_name: str) -> Iterator[StoredResource]:
        """The type's resources in the scope, oldest first."""
        return (self._by_seq[seq] for seq in self._seqs.get((scope, type_name), ()))

    def put(self, resource: StoredResource) -> None:
        """Create the resource, or replace the one with the same identifier in place."""
        scope = resource.scope
        key = (scope, resource.type_name, resource.identifier)
        seq = self._by_key.get(key)
        if seq is None:
            self._last_seq += 1
            seq = self._last_seq
            self._by_key[key] = seq
            self._seqs.setdefault((scope, resource.type_name), []).append(seq)
        self._by_seq[seq] = resource

    def delete(self, scope: Scope, type_name: str, identifier: str) -> bool:
        """Delete the resource; False if it did not exist."""
        seq = self._by_key.pop((scope, type_name, identifier), None)
        if seq is None:
            return False
        del self._by_seq[seq]
        seqs = self._seqs[(scope, type_name)]
        del seqs[bisect_right(seqs, seq) - 1]
        return True

    def page(
        self,
        scope: Scope,
        type_name: str,
        parent: Mapping[str, Any],
        after: int,
        limit: int,
    ) -> tuple[list[StoredResource], int | None]:
        """Up to ``limit`` resources after position ``after`` whose properties match ``parent``."""
        seqs = self._seqs.get((scope, type_name), [])
        start = bisect_right(seqs, after)
        if not parent:
            found = seqs[start : start + limit + 1]
            more = len(found) > limit
            return [self._by_seq[s] for s in found[:limit]], (found[limit - 1] if more else None)
        found = []
        for index in range(start, len(seqs)):
            seq = seqs[index]
            properties = self._by_seq[seq].properties
            if all(properties.get(key) == value for key, value in parent.items()):
                if len(found) == limit:
                    return [self._by_seq[s] for s in found], found[-1]
                found.append(seq)
        return [self._by_seq[s] for s in found], None
