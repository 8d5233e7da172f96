"""The eight Cloud Control operations over the registry and the store: pure Python, no HTTP.

Each operation takes the decoded, validated input and the caller's scope, and returns the output
structure in wire form or raises the ``AWSError`` AWS would answer. Callers hold the fake's lock.
"""

from __future__ import annotations

import base64
import binascii
import functools
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

from botocore import xform_name

from .clock import VirtualClock
from .codec import json_bytes, parse_json
from .errors import AWSError, not_implemented
from .faults import Fault, FaultList
from .lifecycle import SUCCEEDED, Effect, Outcome, Progression, handler_message
from .models import (
    Call,
    HandlerErrorCode,
    Operation,
    OperationStatus,
    Scope,
    stamp_hooks,
    utc_from_epoch,
)
from .registry import RequestRecord, RequestRegistry, new_token
from .resource_types import ResourceType, ResourceTypeCatalog
from .schema_validation import violations
from .service_model import operation_names
from .store import ResourceStore, StoredResource
from .validation import json_depth

if TYPE_CHECKING:
    import jsonpatch

    from .hook_events import HookProgressEvent

CLIENT_TOKEN_SECONDS = 36 * 3600  # AWS remembers a ClientToken for 36 hours.
DEFAULT_LIST_REQUESTS = 20  # ListResourceRequests' documented default page size.

IMPLEMENTED = frozenset(
    {
        "CancelResourceRequest",
        "CreateResource",
        "DeleteResource",
        "GetResource",
        "GetResourceRequestStatus",
        "ListResourceRequests",
        "ListResources",
        "UpdateResource",
    }
)
"""The operations the fake serves (each a method below)."""


@functools.cache
def _handler_names() -> dict[str, str]:
    """Operation → the method serving it, for the operations both the model and the fake have."""
    return {name: xform_name(name) for name in sorted(IMPLEMENTED & operation_names())}


Handler = Callable[[dict[str, Any], Scope], dict[str, Any]]
Fingerprint = tuple[Operation, dict[str, Any]]  # a write's operation and input


@dataclass
class Script:
    """How the next requests made through the API that match ``type_name``/``operation`` behave."""

    type_name: str | None = None
    operation: Operation | None = None
    progression: Progression | None = None
    outcome: Outcome | None = None
    hooks: tuple[HookProgressEvent, ...] = ()
    times: int | None = None
    used: int = field(default=0, init=False)

    def matches(self, type_name: str, operation: Operation) -> bool:
        """True when this script applies to a new request of ``operation`` on ``type_name``."""
        return (self.type_name in (None, type_name)) and (self.operation in (None, operation))


def _encode_position(position: int) -> str:
    return base64.b64encode(f"v1:{position}".encode()).decode()


def _decode_position(token: str | None) -> int | None:
    """The position a NextToken stands for; None for a token the fake never gave out."""
    if token is None:
        return 0
    try:
        version, _, number = base64.b64decode(token, validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError, ValueError):  # ValueError: a non-ASCII str
        return None
    return int(number) if version == "v1" and number.isascii() and number.isdigit() else None


def concurrent_operation_message(identifier: str | None, in_flight: str) -> str:
    """ConcurrentOperationException's text: it names the in-flight token, which clients parse out."""
    resource = f"resource {identifier}" if identifier else "the resource"
    return f"Another Operation on {resource} with RequestToken {in_flight} is in progress"


def handler_failure(code: str, type_name: str, message: str, handler_code: HandlerErrorCode) -> AWSError:
    """A handler-backed failure in AWS's shared template, naming a fresh handler RequestToken."""
    return AWSError(
        code,
        f"{type_name} Handler returned status FAILED: {message} "
        f"(HandlerErrorCode: {handler_code.value}, RequestToken: {new_token()})",
    )


class CloudControlService:
    """The service behind the wire: one method per operation, dispatched by ``handle``.

    It also keeps the call log and the faults a test injected; one lock guards all of its state.
    """

    def __init__(
        self,
        registry: RequestRegistry,
        store: ResourceStore,
        catalog: ResourceTypeCatalog,
        clock: VirtualClock,
    ) -> None:
        self.registry = registry
        self.store = store
        self.catalog = catalog
        self.clock = clock
        self.progression = Progression.immediate()
        self.validate_desired_state = True
        self.queue_concurrent_writes = False
        self.scripts: list[Script] = []
        self.calls: list[Call] = []
        self.faults = FaultList()
        self.lock = threading.RLock()
        # (scope, ClientToken) → (the first request's operation and input, its token, when it came)
        self._client_tokens: dict[tuple[Scope, str], tuple[Fingerprint, str, float]] = {}
        # One method per operation the fake serves, named as botocore names client methods; an
        # operation a newer botocore model adds answers that the fake does not implement it.
        self._handlers: dict[str, Handler] = {
            name: getattr(self, method) for name, method in _handler_names().items()
        }

    def handle(self, operation: str, params: dict[str, Any], scope: Scope) -> dict[str, Any]:
        """Serve one validated call: let due requests finish, then run the operation."""
        try:
            handler = self._handlers[operation]
        except KeyError:
            raise not_implemented(operation) from None
        with self.lock:
            self.registry.tick()
            return handler(params, scope)

    def take_fault(self, operation: str, params: dict[str, Any], scope: Scope) -> Fault | None:
        """The injected fault that fails this call, if any (counted as used).

        Callers test ``self.faults`` first (a read without the lock): a call with nothing injected
        pays for that test only.
        """
        with self.lock:
            return self.faults.take(operation, params, lambda: self._type_of(params, scope))

    def _type_of(self, params: dict[str, Any], scope: Scope) -> str | None:
        """The type a call is for: its TypeName, or the type of the request its RequestToken names."""
        type_name = params.get("TypeName")
        if type_name is None and isinstance(params.get("RequestToken"), str):
            record = self.registry.find(params["RequestToken"], scope)
            type_name = None if record is None else record.type_name
        return type_name if isinstance(type_name, str) else None

    def record(self, call: Call) -> None:
        """Log a served call (``list.append`` is atomic: no lock needed)."""
        self.calls.append(call)

    # -- requests ------------------------------------------------------------------------------

    def _request(self, token: str, scope: Scope) -> RequestRecord:
        request = self.registry.find(token, scope)
        if request is None:
            raise AWSError("RequestTokenNotFoundException", f"Request with token {token} was not found")
        return request

    def cancel_resource_request(self, params: dict[str, Any], scope: Scope) -> dict[str, Any]:
        """CancelResourceRequest: stop an in-flight request; a finished one cannot be cancelled."""
        token = params["RequestToken"]
        request = self._request(token, scope)
        if request.status in (OperationStatus.PENDING, OperationStatus.IN_PROGRESS):
            self.registry.start_cancel(request)
        elif request.status in (OperationStatus.SUCCESS, OperationStatus.FAILED):
            raise AWSError(
                "ValidationException",
                f"Request {token} is already in status {request.status.value}",
            )
        return {"ProgressEvent": request.event()}

    def get_resource_request_status(self, params: dict[str, Any], scope: Scope) -> dict[str, Any]:
        """GetResourceRequestStatus: the current event, with hook events when a hook ran."""
        token = params["RequestToken"]
        request = self._request(token, scope)
        self.registry.read(request)
        answer: dict[str, Any] = {"ProgressEvent": request.event(with_hooks=True)}
        if request.hooks:
            answer["HooksProgressEvent"] = request.hook_events()
        return answer

    def list_resource_requests(self, params: dict[str, Any], scope: Scope) -> dict[str, Any]:
        """ListResourceRequests: the scope's requests, filtered (AND of the two lists), paged."""
        after = _decode_position(params.get("NextToken"))
        if after is None:
            raise AWSError("ValidationException", "Invalid NextToken")
        status_filter = params.get("ResourceRequestStatusFilter") or {}
        operations = status_filter.get("Operations")
        statuses = status_filter.get("OperationStatuses")
        events, position = self.registry.page(
            scope,
            None if operations is None else [Operation(op) for op in operations],
            None if statuses is None else [OperationStatus(st) for st in statuses],
            after,
            params.get("MaxResults") or DEFAULT_LIST_REQUESTS,
        )
        answer: dict[str, Any] = {"ResourceRequestStatusSummaries": events}
        if position is not None:
            answer["NextToken"] = _encode_position(position)
        return answer

    # -- resources -----------------------------------------------------------------------------

    def _type(self, type_name: str, action: str) -> ResourceType:
        resource_type = self.catalog.get(type_name)
        if resource_type is not None and action in resource_type.handlers:
            return resource_type  # the common case, first: every resource call passes here
        if resource_type is None:
            raise AWSError("TypeNotFoundException", f"The type '{type_name}' cannot be found.")
        if not resource_type.handlers:
            raise AWSError(
                "UnsupportedActionException",
                f"The resource {type_name} is not yet supported via Cloud Control API",
            )
        raise AWSError(
            "UnsupportedActionException",
            f"Resource type {type_name} does not support {action.upper()} action",
        )

    def _resource(self, scope: Scope, type_name: str, identifier: str) -> StoredResource:
        """The resource, or the ResourceNotFoundException its read handler would answer."""
        resource = self.store.get(scope, type_name, identifier)
        if resource is None:
            raise handler_failure(
                "ResourceNotFoundException",
                type_name,
                handler_message(
                    HandlerErrorCode.NotFound,
                    type_name,
                    identifier,
                    "READ",
                    self.catalog.handler_messages(type_name),
                ),
                HandlerErrorCode.NotFound,
            )
        return resource

    def _identified(self, resource_type: ResourceType, scope: Scope, identifier: str) -> str:
        """The primary identifier, in string form, of the resource that a JSON ``identifier`` names.

        AWS takes a primary identifier as a string or as JSON, an additional one as JSON only. JSON that
        names no identifier, or one that no resource has, stays as given: the resource is not found.
        """
        try:
            names = parse_json(identifier)
        except (ValueError, RecursionError):
            return identifier
        named = resource_type.named_identifier(names) if isinstance(names, dict) else None
        if named is None:
            return identifier
        which, value = named
        if which == 0:
            return value
        for resource in self.store.of_type(scope, resource_type.type_name):
            if resource_type.identifier_value(resource.properties, which) == value:
                return resource.identifier
        return identifier

    def _replayed(self, fingerprint: Fingerprint, client_token: str, scope: Scope) -> RequestRecord | None:
        """The first request of a retried ClientToken, or None for a new one; a reuse that differs fails."""
        known = self._client_tokens.get((scope, client_token))
        if known is None or known[2] + CLIENT_TOKEN_SECONDS <= self.clock.time():
            return None
        (first_operation, first_params), first_token, _ = known
        operation, params = fingerprint
        # Both inputs carry this ClientToken (the lookup is keyed by it): equal inputs are a retry.
        if first_operation != operation or first_params != params:
            raise AWSError(
                "ClientTokenConflictException",
                f"ClientToken {client_token} is already associated with an existing operation "
                f"with RequestToken {first_token}",
            )
        return self.registry.find(first_token, scope)

    def _start(
        self,
        params: dict[str, Any],
        scope: Scope,
        operation: Operation,
        identifier: str | None,
        effect: Effect,
        precondition: Callable[[], None] | None = None,
    ) -> dict[str, Any]:
        """Register a new write request in flight and answer its first event.

        A retry with the same ClientToken and the same input answers the first request's event; a
        resource with a write in flight refuses another; then ``precondition`` may still refuse it.
        """
        type_name = params["TypeName"]
        client_token = params.get("ClientToken")
        if client_token is not None:
            fingerprint = (operation, dict(params))  # a copy: the call log's params are the test's
            replayed = self._replayed(fingerprint, client_token, scope)
            if replayed is not None:
                return {"ProgressEvent": replayed.write_answer()}
        in_flight = (
            None if identifier is None else self.registry.in_flight_write(scope, type_name, identifier)
        )
        if in_flight is not None and not self.queue_concurrent_writes:
            raise AWSError(
                "ConcurrentOperationException",
                concurrent_operation_message(identifier, in_flight),
            )
        if precondition is not None:
            precondition()
        script = self._script_for(type_name, operation) if self.scripts else None
        now = self.clock.time()
        hooks = stamp_hooks(script.hooks, utc_from_epoch(now)) if script and script.hooks else ()
        request = RequestRecord(
            new_token(),
            type_name,
            operation,
            OperationStatus.IN_PROGRESS if in_flight is None else OperationStatus.PENDING,
            now,
            scope,
            identifier=identifier,
            hooks=hooks,
            hooks_request_token=new_token() if hooks else None,
            client_token=client_token,
        )
        self.registry.add(
            request,
            progression=(script.progression if script and script.progression else self.progression),
            effect=effect,
            forced=script.outcome if script else None,
            queued=in_flight is not None,
            at=now,
        )
        if client_token is not None:
            self._client_tokens[(scope, client_token)] = (fingerprint, request.request_token, now)
        return {"ProgressEvent": request.write_answer()}

    def _script_for(self, type_name: str, operation: Operation) -> Script | None:
        if not self.scripts:
            return None
        for script in self.scripts:
            if script.matches(type_name, operation):
                script.used += 1
                if script.times is not None and script.used >= script.times:
                    self.scripts.remove(script)
                return script
        return None

    # -- what finishing writes do (``Effect``s): API requests and seeded ones alike --------------

    def _creates(
        self, resource_type: ResourceType, desired: dict[str, Any], scope: Scope, known: str | None
    ) -> Effect:
        """Create the resource, or fail with AlreadyExists if its identifier is taken.

        ``known`` is the identifier ``desired`` already holds (None: the handler makes it up).
        """
        account_id, region = scope
        type_name = resource_type.type_name

        def create(_: RequestRecord) -> Outcome:
            properties = resource_type.generate_read_only(
                desired, region=region, account_id=account_id, now=self.clock.time()
            )
            identifier = known or resource_type.identifier_of(properties)
            assert identifier is not None, "generate_read_only fills the primary identifier"
            if self.store.get(scope, type_name, identifier) is not None:
                return Outcome(OperationStatus.FAILED, HandlerErrorCode.AlreadyExists, identifier=identifier)
            model = resource_type.without_write_only(properties)  # before the store changes
            self.store.put(StoredResource(type_name, identifier, properties, scope))
            return Outcome(identifier=identifier, resource_model=model)

        return create

    def _deletes(self, type_name: str, identifier: str | None, scope: Scope) -> Effect:
        """Delete the resource, or fail with NotFound."""

        def delete(_: RequestRecord) -> Outcome:
            if identifier is None or not self.store.delete(scope, type_name, identifier):
                return Outcome.failed(HandlerErrorCode.NotFound)
            return SUCCEEDED

        return delete

    def _replaces(
        self, resource_type: ResourceType, identifier: str | None, model: dict[str, Any] | None, scope: Scope
    ) -> Effect:
        """Give the resource the properties of ``model`` (read-only ones kept), or fail with NotFound."""
        type_name = resource_type.type_name

        def replace(_: RequestRecord) -> Outcome:
            resource = None if identifier is None else self.store.get(scope, type_name, identifier)
            if resource is None:
                return Outcome.failed(HandlerErrorCode.NotFound)
            if model is None:
                return Outcome(resource_model=resource_type.without_write_only(resource.properties))
            properties = {**model, **resource_type.read_only_values(resource.properties)}
            self.store.put(StoredResource(type_name, resource.identifier, properties, scope))
            return Outcome(resource_model=resource_type.without_write_only(properties))

        return replace

    def seeded_change(self, record: RequestRecord) -> Outcome:
        """The effect of every seeded request: the change of the API request it stands for.

        A CREATE creates a resource of its ``resource_model`` (and identifier), a DELETE deletes its
        resource, an UPDATE gives its resource the ``resource_model``'s properties. Made when the
        request finishes, so a seeded request carries no effect of its own.
        """
        return self._seeded_effect(record)(record)

    def _seeded_effect(self, record: RequestRecord) -> Effect:
        resource_type = self.catalog.get(record.type_name)
        assert resource_type is not None, "seeding checks the type"
        if record.operation == Operation.CREATE:
            desired = dict(record.resource_model or {})
            if record.identifier is not None:
                desired = resource_type.with_identifier(desired, record.identifier)
            return self._creates(resource_type, desired, record.scope, resource_type.identifier_of(desired))
        if record.operation == Operation.DELETE:
            return self._deletes(record.type_name, record.identifier, record.scope)
        return self._replaces(resource_type, record.identifier, record.resource_model, record.scope)

    def create_resource(self, params: dict[str, Any], scope: Scope) -> dict[str, Any]:
        """CreateResource: start a create; it fails later with AlreadyExists if the identifier is taken."""
        type_name = params["TypeName"]
        resource_type = self._type(type_name, "create")
        desired = _properties(params["DesiredState"], "DesiredState")
        if self.validate_desired_state and not resource_type.accepts(desired):
            _refuse_invalid(resource_type, desired)
        identifier = resource_type.identifier_of(desired)
        create = self._creates(resource_type, desired, scope, identifier)
        return self._start(params, scope, Operation.CREATE, identifier, create)

    def update_resource(self, params: dict[str, Any], scope: Scope) -> dict[str, Any]:
        """UpdateResource: check the JSON Patch now, apply it when the request finishes."""
        type_name, identifier = params["TypeName"], params["Identifier"]
        resource_type = self._type(type_name, "update")
        if identifier.startswith("{"):  # JSON: rare, so a string costs one test
            identifier = self._identified(resource_type, scope, identifier)
        patch = _patch(params["PatchDocument"])
        paths = patch.paths
        touched, read_only = resource_type.patch_violations(paths)
        if touched:
            raise AWSError(
                "NotUpdatableException",
                f"Invalid patch update: createOnlyProperties [{', '.join(touched)}] cannot be updated",
            )
        if read_only:
            raise AWSError(
                "ValidationException",
                f"Invalid patch update: readOnlyProperties [{', '.join(read_only)}] cannot be updated",
            )

        accepted: list[tuple[StoredResource, dict[str, Any]]] = []  # the resource then, and it patched

        def update(_: RequestRecord) -> Outcome:
            resource = self.store.get(scope, type_name, identifier)
            if resource is None:
                return Outcome.failed(HandlerErrorCode.NotFound)
            if accepted and accepted[0][0] is resource:
                properties = accepted[0][1]  # unchanged since it was accepted: the same result
            else:
                try:
                    properties = _apply(patch, resource.properties)
                except AWSError as error:
                    return Outcome.failed(HandlerErrorCode.InvalidRequest, error.message)
            self.store.put(StoredResource(type_name, identifier, properties, scope))
            return Outcome(resource_model=resource_type.without_write_only(properties))

        def applies() -> None:
            resource = self._resource(scope, type_name, identifier)
            patched = _apply(patch, resource.properties)
            if self.validate_desired_state and not resource_type.accepts(patched):
                _refuse_invalid(resource_type, patched)
            accepted.append((resource, patched))

        return self._start(params, scope, Operation.UPDATE, identifier, update, applies)

    def delete_resource(self, params: dict[str, Any], scope: Scope) -> dict[str, Any]:
        """DeleteResource: start a delete; a missing resource fails later with NotFound."""
        type_name, identifier = params["TypeName"], params["Identifier"]
        resource_type = self._type(type_name, "delete")
        if identifier.startswith("{"):
            identifier = self._identified(resource_type, scope, identifier)

        return self._start(
            params, scope, Operation.DELETE, identifier, self._deletes(type_name, identifier, scope)
        )

    def get_resource(self, params: dict[str, Any], scope: Scope) -> dict[str, Any]:
        """GetResource: the resource's current properties, write-only ones left out."""
        type_name, identifier = params["TypeName"], params["Identifier"]
        resource_type = self._type(type_name, "read")
        if identifier.startswith("{"):
            identifier = self._identified(resource_type, scope, identifier)
        resource = self._resource(scope, type_name, identifier)
        return {"TypeName": type_name, "ResourceDescription": resource.description(resource_type).value}

    def list_resources(self, params: dict[str, Any], scope: Scope) -> dict[str, Any]:
        """ListResources: a page of the type's resources, children of ``ResourceModel`` when given."""
        type_name = params["TypeName"]
        resource_type = self._type(type_name, "list")
        model = _properties(params["ResourceModel"], "ResourceModel") if params.get("ResourceModel") else {}
        missing = [key for key in resource_type.list_required if key not in model]
        if missing:
            raise AWSError(
                "InvalidRequestException",
                f"Missing or invalid ResourceModel property in {type_name} list handler request "
                f"input.Required property: (#: required key [{missing[0]}] not found)",
            )
        after = _decode_position(params.get("NextToken"))
        if after is None:
            raise AWSError("InvalidRequestException", "Invalid NextToken")
        resources, position = self.store.page(scope, type_name, model, after, resource_type.list_page_size)
        answer: dict[str, Any] = {
            "TypeName": type_name,
            "ResourceDescriptions": [resource.listed(resource_type) for resource in resources],
        }
        if position is not None:
            answer["NextToken"] = _encode_position(position)
        return answer


def _refuse_invalid(resource_type: ResourceType, properties: dict[str, Any]) -> None:
    """Raise the ValidationException AWS answers for a model that breaks the type's schema.

    Called when the quick check failed; a model whose only fault AWS does not report (a nested
    read-only property missing) passes.
    """
    problems = violations(resource_type, properties)
    if problems:
        raise AWSError("ValidationException", "Model validation failed (" + "\n".join(problems) + ")")


MAX_DOCUMENT_DEPTH = 100  # deeper JSON would overflow the deep copies and dumps the fake makes later


def _properties(document: str, member: str) -> dict[str, Any]:
    """Parse a ``Properties`` member: a JSON object inside a string."""
    try:
        value = parse_json(document)
    except (ValueError, RecursionError):
        value = None
    if not isinstance(value, dict):
        raise AWSError("ValidationException", f"Model validation failed (#: {member} must be a JSON object)")
    # Each level of nesting takes at least two characters: short documents cannot nest too deep.
    if len(document) > 2 * MAX_DOCUMENT_DEPTH and json_depth(value) > MAX_DOCUMENT_DEPTH:
        raise AWSError(
            "ValidationException",
            f"Model validation failed (#: {member} nests deeper than {MAX_DOCUMENT_DEPTH} levels)",
        )
    return value


class _Patch(NamedTuple):
    """A checked PatchDocument: its paths and its jsonpatch operations, made once."""

    paths: tuple[str, ...]
    operations: tuple[jsonpatch.PatchOperation, ...]
    top_level: bool  # every operation names a top-level property (``/Name``), ``from`` too
    failures: tuple[type[Exception], ...]  # what applying the operations may raise (jsonpatch's errors)


@functools.lru_cache(maxsize=256)
def _patch(document: str) -> _Patch:
    """Parse and check a PatchDocument (cached: tests send the same few patches again and again).

    The operations are shared and only ever applied; the values they add go into properties that
    nothing changes in place (a write stores a new copy).
    """
    import jsonpatch  # only UpdateResource needs it: a process that never updates never loads it

    try:
        # Our parser, not jsonpatch's default one: that turns duplicate keys into lists in pure Python
        # (slowly); a duplicate key's last value wins, as in Jackson, which AWS parses with.
        patch = jsonpatch.JsonPatch.from_string(document, loads=parse_json)
        paths = tuple(op["path"] for op in patch.patch)
        # Made once here: JsonPatch.apply makes its operation objects again on every application.
        operations = tuple(
            jsonpatch.JsonPatch.operations[op["op"]](op, pointer_cls=_member_pointer()) for op in patch.patch
        )
    except (
        ValueError,
        TypeError,
        KeyError,
        RecursionError,
        jsonpatch.JsonPatchException,
        jsonpatch.JsonPointerException,  # a path or from that is not a JSON Pointer
    ) as error:
        raise AWSError(
            "ValidationException", f"Invalid patch document: not an RFC 6902 JSON Patch ({error})"
        ) from None
    if not all(isinstance(path, str) for path in paths):
        raise AWSError("ValidationException", "Invalid patch document: every path must be a string")
    depth_limit = MAX_DOCUMENT_DEPTH + 2  # the list and the operation objects
    if len(document) > 2 * depth_limit and json_depth(patch.patch) > depth_limit:
        raise AWSError(
            "ValidationException", f"Invalid patch document: nests deeper than {MAX_DOCUMENT_DEPTH} levels"
        )
    top_level = all(_top_level(op["path"]) and _top_level(op.get("from", "/")) for op in patch.patch)
    return _Patch(
        paths, operations, top_level, (jsonpatch.JsonPatchException, jsonpatch.JsonPointerException)
    )


@functools.cache
def _member_pointer() -> type:
    """A ``jsonpointer.JsonPointer`` that resolves the common path at once: a member of the properties.

    jsonpatch takes the pointer class as a parameter; most patches name top-level properties, for which
    the general walk (ABC checks on every step) costs more than the operation itself.
    """
    import jsonpointer

    class MemberPointer(jsonpointer.JsonPointer):
        def to_last(self, doc: Any) -> tuple[Any, Any]:
            parts = self.parts
            if len(parts) == 1 and type(doc) is dict:
                return doc, parts[0]  # as JsonPointer.get_part answers for a mapping
            return super().to_last(doc)

    return MemberPointer


def _apply(patch: _Patch, properties: dict[str, Any]) -> dict[str, Any]:
    """The properties with the patch applied (a new dict), or the ValidationException AWS answers."""
    if patch.top_level:
        # Operations on top-level properties only replace keys of the new dict: a shallow copy will do.
        document: Any = dict(properties)
    else:
        # A JSON round trip copies JSON data faster than copy.deepcopy, which jsonpatch would use.
        document = parse_json(json_bytes(properties))
    try:
        patched = document
        for operation in patch.operations:  # as JsonPatch.apply(document, in_place=True) applies them
            patched = operation.apply(patched)
    except patch.failures as error:
        raise AWSError("ValidationException", f"Invalid patch update: {error}") from None
    if not isinstance(patched, dict):
        raise AWSError("ValidationException", "Invalid patch update: the properties must stay an object")
    return patched


def _top_level(pointer: object) -> bool:
    """Whether a JSON Pointer names a property of the top-level object (``/Name``)."""
    return isinstance(pointer, str) and pointer.count("/") == 1 and pointer.startswith("/")
