"""Scenarios: many requests and resources to seed at once (``fake.load``), from a mapping or a file.

A scenario is ``{"requests": [...], "resources": [...]}``: each request entry has the keyword arguments
of ``seed_request``, each resource entry those of ``seed_resource``. ``progression`` and ``outcome``
take a JSON form: ``"immediate"``, ``"manual"``, ``{"after": 60}`` or ``{"after_reads": 2}``;
``{"error_code": "NotStabilized", "status_message": "..."}`` (FAILED) or ``{"status": "SUCCESS"}``.
Files are JSON (``.json``) or YAML (``.yaml``, ``.yml``, with PyYAML: the ``yaml`` extra). The models
below check the shape; ``seed_request`` and ``seed_resource`` check the values as they always do.
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from .errors import CloudControlUsageError
from .inputs import problems, wrong
from .lifecycle import Outcome, Progression
from .models import HandlerErrorCode, Operation, OperationStatus

Source = Union[Mapping[str, Any], str, "os.PathLike[str]"]
"""What ``fake.load`` takes: a mapping, or the path of a JSON or YAML file."""


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class After(_Entry):
    """``{"after": 60}``: ``Progression.after(60)``."""

    after: float = Field(ge=0, allow_inf_nan=False)


class AfterReads(_Entry):
    """``{"after_reads": 2}``: ``Progression.after_reads(2)``."""

    after_reads: int = Field(ge=1)


ProgressionEntry = Literal["immediate", "manual"] | After | AfterReads


def _progression(entry: ProgressionEntry | None) -> Progression | None:
    if entry is None:
        return None
    if isinstance(entry, After):
        return Progression.after(entry.after)
    if isinstance(entry, AfterReads):
        return Progression.after_reads(entry.after_reads)
    return Progression.immediate() if entry == "immediate" else Progression.manual()


@functools.cache
def _progression_entries() -> TypeAdapter[ProgressionEntry]:
    return TypeAdapter(ProgressionEntry)  # made once: building an adapter costs more than using it


def progression_of(value: Any) -> Progression:
    """A ``Progression`` from its JSON form (the control API's too); ``CloudControlUsageError`` if bad."""
    try:
        entry = _progression_entries().validate_python(value)
    except ValidationError:
        raise wrong(
            "progression", '"immediate", "manual", {"after": seconds} or {"after_reads": n}', value
        ) from None
    progression = _progression(entry)
    assert progression is not None, "a validated entry is a progression"
    return progression


def outcome_of(value: Any) -> Outcome:
    """An ``Outcome`` from its JSON form (the control API's too); ``CloudControlUsageError`` if bad."""
    try:
        return OutcomeEntry.model_validate(value).outcome()
    except ValidationError as error:
        raise wrong(
            "outcome",
            'an object such as {"status": "SUCCESS"} or {"error_code": "NotStabilized", '
            '"status_message": "..."} (' + "; ".join(problems(error, "outcome")) + ")",
            value,
        ) from None


class OutcomeEntry(_Entry):
    """How a request ends: FAILED when it has an ``error_code`` (unless ``status`` says otherwise)."""

    status: Literal["SUCCESS", "FAILED"] | None = None
    error_code: HandlerErrorCode | None = None
    status_message: str | None = None

    def outcome(self) -> Outcome:
        """The ``Outcome`` it stands for (``seed_request`` checks that it is one a request can end with)."""
        status = self.status or ("SUCCESS" if self.error_code is None else "FAILED")
        return Outcome(OperationStatus(status), self.error_code, self.status_message)


class RequestEntry(_Entry):
    """The keyword arguments of ``seed_request``, ``progression`` and ``outcome`` in their JSON form."""

    type_name: str
    operation: Operation = Operation.CREATE
    status: OperationStatus = OperationStatus.IN_PROGRESS
    identifier: str | None = None
    resource_model: dict[str, Any] | None = None
    request_token: str | None = None
    error_code: HandlerErrorCode | None = None
    status_message: str | None = None
    region: str | None = None
    account_id: str | None = None
    progression: ProgressionEntry | None = None
    outcome: OutcomeEntry | None = None
    hooks: list[dict[str, Any]] = []

    def arguments(self) -> dict[str, Any]:
        """The keyword arguments for ``seed_request``."""
        arguments = dict(self)
        arguments["progression"] = _progression(self.progression)
        arguments["outcome"] = None if self.outcome is None else self.outcome.outcome()
        return arguments


class ResourceEntry(_Entry):
    """The keyword arguments of ``seed_resource``."""

    type_name: str
    properties: dict[str, Any]
    identifier: str | None = None
    region: str | None = None
    account_id: str | None = None

    def arguments(self) -> dict[str, Any]:
        """The keyword arguments for ``seed_resource``."""
        return dict(self)


class Scenario(_Entry):
    """A scenario file: resources (seeded first) and requests."""

    requests: list[RequestEntry] = []
    resources: list[ResourceEntry] = []


def read(source: Source) -> tuple[str, Scenario]:
    """The scenario ``source`` holds, and how to name it in errors; ``CloudControlUsageError`` if bad."""
    if isinstance(source, Mapping):
        name, document = "the scenario", source
    elif isinstance(source, (str, os.PathLike)):
        path = Path(source)
        name, document = str(path), _parsed(path)
    else:
        raise wrong("load()'s source", "a mapping, or the path of a .json, .yaml or .yml file", source)
    if not isinstance(document, Mapping):
        raise wrong(name, 'a mapping such as {"requests": [...], "resources": [...]}', document)
    try:
        return name, Scenario.model_validate(document)
    except ValidationError as error:
        raise CloudControlUsageError(
            f"{name}: " + "; ".join(problems(error, "")) + "; nothing was seeded"
        ) from None


def _parsed(path: Path) -> Any:
    suffix = path.suffix.lower()
    if suffix not in (".json", ".yaml", ".yml"):
        raise wrong(f"scenario file {path}", "a .json, .yaml or .yml file", path.name)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise CloudControlUsageError(f"cannot read scenario file {path}: {error.strerror}") from None
    if suffix == ".json":
        try:
            return json.loads(text)
        except ValueError as error:
            raise CloudControlUsageError(f"{path} is not valid JSON: {error}") from None
    try:
        import yaml
    except ImportError:
        raise CloudControlUsageError(
            f"{path} is YAML, which needs PyYAML: pip install 'pytest-cloudcontrol[yaml]' "
            "(or pyyaml), or write the scenario as JSON"
        ) from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise CloudControlUsageError(f"{path} is not valid YAML: {error}") from None
