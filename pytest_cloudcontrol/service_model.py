"""botocore's model of Cloud Control, loaded once: the single source of shapes, enums and errors."""

from __future__ import annotations

import os
from functools import cache
from typing import Any

import botocore.session
from botocore.model import OperationModel, ServiceModel

SERVICE_NAME = "cloudcontrol"


# The user's AWS configuration has no say in the fake: no profile (``AWS_PROFILE`` may name one that
# does not exist), no config or credentials file. ``AWS_DATA_PATH`` still adds model directories.
_ISOLATED = {
    "profile": (None, None, None, None),
    "config_file": (None, None, os.devnull, None),
    "credentials_file": (None, None, os.devnull, None),
}


@cache
def session() -> botocore.session.Session:
    """The fake's own botocore session: its model, and the clients ``fake.client()`` makes."""
    return botocore.session.Session(session_vars=_ISOLATED)


@cache
def service_model() -> ServiceModel:
    """Return botocore's ``cloudcontrol`` service model."""
    return session().get_service_model(SERVICE_NAME)


@cache
def raw_model(kind: str = "service-2") -> dict[str, Any]:
    """Return the raw JSON of a model file (``service-2``, ``waiters-2`` or ``paginators-1``)."""
    loader = session().get_component("data_loader")
    model: dict[str, Any] = loader.load_service_model(SERVICE_NAME, kind)
    return model


@cache
def operation_model(name: str) -> OperationModel:
    """Return the operation model of one Cloud Control operation, e.g. ``CancelResourceRequest``."""
    return service_model().operation_model(name)


@cache
def operation_names() -> frozenset[str]:
    """Return the names of the operations the service has."""
    return frozenset(service_model().operation_names)


@cache
def target_prefix() -> str:
    """Return the ``X-Amz-Target`` prefix, ``CloudApiService``."""
    prefix: str = service_model().metadata["targetPrefix"]
    return prefix
