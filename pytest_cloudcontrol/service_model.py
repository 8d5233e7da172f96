"""botocore's model of Cloud Control, loaded once: the single source of shapes, enums and errors."""

from __future__ import annotations

import os
from contextlib import suppress
from functools import cache
from typing import Any

import botocore.session
from botocore.exceptions import DataNotFoundError
from botocore.loaders import ExtrasProcessor, Loader, create_loader
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
def data_loader() -> Loader:
    """The loader of botocore's model files, as a session makes it (``AWS_DATA_PATH`` included)."""
    return create_loader(os.environ.get("AWS_DATA_PATH"))


@cache
def session() -> botocore.session.Session:
    """The fake's own botocore session, for the clients ``fake.client()`` makes; it shares the loader."""
    isolated = botocore.session.Session(session_vars=_ISOLATED)
    isolated.register_component("data_loader", data_loader())
    return isolated


@cache
def service_model() -> ServiceModel:
    """Return botocore's ``cloudcontrol`` service model."""
    return ServiceModel(raw_model(), service_name=SERVICE_NAME)


@cache
def raw_model(kind: str = "service-2") -> dict[str, Any]:
    """Return the raw JSON of a model file (``service-2``, ``waiters-2`` or ``paginators-1``), extras merged.

    As ``Loader.load_service_model`` loads it, without its first step: listing every service botocore
    has (a look into each of some 450 directories, 20 ms) to check that cloudcontrol is one.
    """
    loader = data_loader()
    path = f"{SERVICE_NAME}/{loader.determine_latest_version(SERVICE_NAME, kind)}/{kind}"
    model: dict[str, Any] = loader.load_data(path)
    for extras_type in loader.extras_types:
        with suppress(DataNotFoundError):
            ExtrasProcessor().process(model, [loader.load_data(f"{path}.{extras_type}-extras")])
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
