"""``FakeCloudControl``: the facade a test drives — activate, seed, inspect, script, inject, assert."""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Iterable, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import replace
from datetime import datetime
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar

from . import assertions, environment, inputs, protocol, state
from .clock import botocore_sleeps_on, wall_time_follows
from .errors import (
    CloudControlUsageError,
    UnknownRequestError,
    UnknownResourceError,
    error_specs,
)
from .faults import Fault
from .http import NETWORK_KINDS, NetworkKind
from .lifecycle import SUCCEEDED, Outcome, Progression
from .models import (
    Call,
    HandlerErrorCode,
    Operation,
    OperationStatus,
    Resource,
    ResourceRequest,
    stamp_hooks,
)
from .registry import RequestRecord, new_token
from .resource_types import ResourceType
from .service import Script, concurrent_operation_message
from .service_model import operation_model, operation_names, session
from .settings import DEFAULT_ACCOUNT_ID, DEFAULT_REGION, FakeSettings, Serves
from .store import StoredResource
from .transport import botocore_hook

if TYPE_CHECKING:
    import responses
    from botocore.client import BaseClient

    from .hook_events import HookProgressEvent
    from .scenario import Source
    from .server import CloudControlServer
    from .state import Snapshot

_CREDENTIALS = botocore_hook.FAKE_CREDENTIALS

T = TypeVar("T")


class FakeCloudControl:
    """A stateful fake of AWS Cloud Control, served to every botocore client in the process while active.

    Use it as the ``cloudcontrol`` fixture, or as a context manager without pytest::

        with FakeCloudControl() as fake:
            token = fake.seed_request("AWS::Logs::LogGroup").request_token
            fake.client().cancel_resource_request(RequestToken=token)
            fake.assert_cancelled(token)

    Args:
        region: the default Region (requests say their own through SigV4).
        account_id: the account every caller is in, unless ``accounts`` maps its access key.
        accounts: access key id → account id, for tests of several accounts.
        fast: let botocore skip SigV4 signing while active (serialization, parsing and retries stay).
        virtual_time: botocore waiters and retry back-off sleep on ``fake.clock`` while active.
        progression: when API-made requests finish (default: before the next call sees them).
        cancel_applies_change: whether a cancelled write still makes its change (AWS does not roll
            back, so it may); the default is that it does not.
        validate_desired_state: check CreateResource's DesiredState and UpdateResource's patched
            model against the type's schema, as AWS does (the default); False accepts any model.
        queue_concurrent_writes: a write to a resource with a write in flight waits as PENDING and
            starts when that one finishes, instead of failing with ConcurrentOperationException.
        start_time: where the virtual clock starts (default: the wall time now).
        time_travel: while active, ``time.time()``, ``datetime.now()`` and friends in all code read
            the virtual clock (through time-machine: the ``time`` extra).
        serves: ``"process"`` (the default): every botocore client in the process while active;
            ``"attached"``: only the clients and sessions given to ``attach`` (and ``fake.client()``'s),
            so that other clients reach their own endpoints, and the environment and botocore's sleeps
            are left alone.

    Every option is checked when the fake is made (``CloudControlUsageError`` names each bad one);
    ``settings`` holds them, checked and frozen.

    """

    def __init__(
        self,
        region: str = DEFAULT_REGION,
        account_id: str = DEFAULT_ACCOUNT_ID,
        *,
        accounts: Mapping[str, str] | None = None,
        fast: bool = False,
        virtual_time: bool = True,
        progression: Progression | None = None,
        cancel_applies_change: bool = False,
        validate_desired_state: bool = True,
        queue_concurrent_writes: bool = False,
        start_time: datetime | float | None = None,
        time_travel: bool = False,
        serves: Serves = "process",
    ) -> None:
        settings = FakeSettings.of(
            {
                "region": region,
                "account_id": account_id,
                "accounts": accounts,
                "fast": fast,
                "virtual_time": virtual_time,
                "progression": progression,
                "cancel_applies_change": cancel_applies_change,
                "validate_desired_state": validate_desired_state,
                "queue_concurrent_writes": queue_concurrent_writes,
                "start_time": start_time,
                "time_travel": time_travel,
                "serves": serves,
            }
        )
        self.settings = settings
        self.region = settings.region
        self.account_id = settings.account_id
        self.fast = settings.fast
        self.virtual_time = settings.virtual_time
        self._service = state.new_service(settings)
        self.clock = self._service.clock
        self._catalog = self._service.catalog
        self._registry = self._service.registry
        self._store = self._service.store
        # What reset() starts again from: the settings, with the clock where this fake's started.
        self._fresh = replace(settings, start_time=self.clock.time())
        self._seeded_change = self._service.seeded_change  # one bound method, shared by every seed
        endpoint = protocol.Endpoint(
            settings.region, settings.account_id, settings.accounts, not settings.fast
        )
        self._serve = functools.partial(protocol.serve, self._service, endpoint)
        self._stack = ExitStack()
        self._attachments: dict[int, botocore_hook.Attachment] = {}
        self.active = False

    # -- activation ----------------------------------------------------------------------------

    def start(self, *, monkeypatch: environment.MonkeyPatch | None = None) -> FakeCloudControl:
        """Start serving: route cloudcontrol calls here, fake the credentials, virtualise sleeps.

        All or nothing: if a step fails, the ones before it are undone. ``monkeypatch`` (a
        ``pytest.MonkeyPatch``) makes the environment changes through it, so they unwind in order
        with the test's own (the ``cloudcontrol`` fixture passes the test's when it has one).
        """
        if self.active:
            raise CloudControlUsageError("this FakeCloudControl is already active")
        with ExitStack() as stack:
            stack.callback(self._detach_all)
            if self.settings.time_travel:
                stack.enter_context(wall_time_follows(self.clock))
            if self.settings.serves == "attached":
                self._stack = stack.pop_all()
                self.active = True
                return self
            environment.enter(self, self.region, monkeypatch)
            stack.callback(environment.leave, self)
            if self.virtual_time:
                stack.enter_context(botocore_sleeps_on(self.clock))
            botocore_hook.activate(self._serve, unsigned=self.fast)
            stack.callback(botocore_hook.deactivate, self._serve)
            self._stack = stack.pop_all()
        self.active = True
        return self

    def stop(self) -> None:
        """Stop serving; once every fake has stopped, botocore and the environment are as they were.

        Fakes may stop in any order.
        """
        if not self.active:
            return
        self.active = False
        self._stack.close()

    def __enter__(self) -> FakeCloudControl:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def client(self, region_name: str | None = None, **kwargs: Any) -> BaseClient:
        """A botocore ``cloudcontrol`` client for this fake (its Region unless told otherwise).

        Clients without extra ``kwargs`` are made once per process and shared: making one costs
        milliseconds, and a client holds no state of the fake's. A fake that serves ``"attached"``
        clients attaches a client of its own instead.
        """
        if self.settings.serves == "attached":
            return self.attach(_new_client(region_name or self.region, **kwargs))
        return _client(region_name or self.region, **kwargs)

    def attach(self, target: T) -> T:
        """Serve ``target`` (a botocore or boto3 client, or a session) with this fake alone; returns it.

        An attached client goes to this fake whatever other fakes do; a session's clients made from
        now on do too. Attachments last while the fake is active (``stop`` ends them); ``detach`` ends
        one sooner. For ``serves="attached"`` fakes these are the only clients served.
        """
        if not self.active:
            raise CloudControlUsageError(
                "attach() needs an active fake: start it (or use it as `with fake:`)"
            )
        emitter = botocore_hook.emitter_of(target)
        if id(emitter) not in self._attachments:
            attachment = botocore_hook.Attachment(emitter, self._serve, unsigned=self.fast)
            attachment.attach()
            self._attachments[id(emitter)] = attachment
        return target

    def detach(self, target: object) -> None:
        """Stop serving an attached client or session; it reaches its own endpoint again."""
        attachment = self._attachments.pop(id(botocore_hook.emitter_of(target)), None)
        if attachment is None:
            raise CloudControlUsageError(f"{target!r} is not attached to this fake")
        attachment.detach()

    def _detach_all(self) -> None:
        while self._attachments:
            self._attachments.popitem()[1].detach()

    @contextmanager
    def mock_requests(
        self,
        mock: responses.RequestsMock | None = None,
        url: str | re.Pattern[str] | None = None,
    ) -> Iterator[responses.RequestsMock]:
        """Serve code that calls the endpoint with ``requests`` (through ``responses``).

        Pass the ``RequestsMock`` the test already runs to add the route to it; without one, a mock of
        its own is started (and other URLs are refused). ``url`` serves a custom endpoint URL instead of
        every Region's public one.
        """
        from .transport import requests_mock  # responses loads requests: only for tests that use it

        with requests_mock.routed(self._serve, mock, url or requests_mock.ENDPOINT_URL) as rsps:
            yield rsps

    def serve(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        time_scale: float | None = None,
        timeout: float = 5.0,
    ) -> CloudControlServer:
        """Serve this fake on a real HTTP endpoint (``server.url``), for clients in other processes.

        Returns the running ``CloudControlServer``; stop it with ``stop()`` or use it as a context
        manager. While served, the fake's clock follows wall time, ``time_scale`` times as fast
        (default 1), and ``advance`` still jumps it. Needs the ``server`` extra (cheroot). The fake
        need not be active: the server serves it either way.
        """
        try:
            from .server import CloudControlServer
        except ModuleNotFoundError as error:
            if error.name is None or not error.name.startswith("cheroot"):
                raise
            raise CloudControlUsageError(
                f"serve() needs cheroot ({error}); install pytest-cloudcontrol[server]"
            ) from None
        return CloudControlServer(self, host, port, time_scale=time_scale, timeout=timeout)

    # -- requests ------------------------------------------------------------------------------

    def seed_request(
        self,
        type_name: str,
        *,
        operation: Operation | str = Operation.CREATE,
        status: OperationStatus | str = OperationStatus.IN_PROGRESS,
        identifier: str | None = None,
        resource_model: Mapping[str, Any] | None = None,
        request_token: str | None = None,
        error_code: HandlerErrorCode | str | None = None,
        status_message: str | None = None,
        region: str | None = None,
        account_id: str | None = None,
        progression: Progression | None = None,
        outcome: Outcome | None = None,
        hooks: Iterable[HookProgressEvent | Mapping[str, Any]] = (),
    ) -> ResourceRequest:
        """Put a resource request in the registry, in any status; returns it.

        A seeded request stays as seeded (``Progression.manual()``) unless ``progression`` says when it
        finishes; it then finishes as ``outcome`` says (SUCCESS by default) and, like the API request
        it stands for, makes its change: a CREATE creates the resource of ``resource_model`` (and
        ``identifier``), an UPDATE gives its resource ``resource_model``'s properties, a DELETE deletes
        it. ``hooks`` are the hook events GetResourceRequestStatus reports for it; one that failed in
        ``FAIL`` mode fails the request instead of a success. Every argument is checked first: a bad
        one raises ``CloudControlUsageError`` and seeds nothing.
        """
        resource_type = self._resource_type(type_name)
        kind = inputs.choice(Operation, operation, "operation")
        state = inputs.choice(OperationStatus, status, "status")
        code = None if error_code is None else inputs.choice(HandlerErrorCode, error_code, "error_code")
        if code is not None and state != OperationStatus.FAILED:
            raise CloudControlUsageError(f"error_code goes with status FAILED only; got status {state.value}")
        model = None if resource_model is None else inputs.json_object(resource_model, "resource_model")
        if identifier is not None:
            inputs.model_string(identifier, "Identifier", "identifier")
            try:
                resource_type.with_identifier(model or {}, identifier)
            except ValueError as error:
                raise CloudControlUsageError(str(error)) from None
        token = (
            new_token()
            if request_token is None
            else inputs.model_string(request_token, "RequestToken", "request_token")
        )
        scope = (
            self.account_id if account_id is None else inputs.account_id(account_id),
            self.region if region is None else inputs.region(region),
        )
        inputs.text(status_message, "status_message")
        moves = Progression.manual() if progression is None else inputs.progression(progression)
        forced = inputs.outcome(outcome)
        hook_events = stamp_hooks(inputs.hooks(hooks), self.clock.now())
        with self._service.lock:
            if self._registry.find(token) is not None:
                raise CloudControlUsageError(f"a request with token {token!r} is already seeded")
            record = RequestRecord(
                token,
                resource_type.type_name,
                kind,
                state,
                self.clock.time(),
                scope,
                identifier=identifier,
                resource_model=model,
                status_message=status_message,
                error_code=code,
                hooks=hook_events,
                hooks_request_token=new_token() if hook_events else None,
            )
            self._registry.add(record, progression=moves, effect=self._seeded_change, forced=forced)
            return record.view()

    def _record(self, token: str) -> RequestRecord:
        """The registry's record of ``token``; the caller holds the lock."""
        record = self._registry.find(token)
        if record is None:
            known = ", ".join(itertools.islice((r.request_token for r in self._registry), 5)) or "none"
            raise UnknownRequestError(
                f"no request with token {token!r} in the fake (first known tokens: {known})"
            )
        return record

    def get_request(self, token: str) -> ResourceRequest:
        """The current state of a request (a copy: changing it changes nothing)."""
        with self._service.lock:
            self._registry.tick()
            return self._record(token).view()

    @property
    def requests(self) -> list[ResourceRequest]:
        """Every request in the fake, oldest first (copies)."""
        with self._service.lock:
            self._registry.tick()
            return [record.view() for record in self._registry]

    def set_status(
        self,
        token: str,
        status: OperationStatus | str,
        *,
        error_code: HandlerErrorCode | str | None = None,
        status_message: str | None = None,
    ) -> ResourceRequest:
        """Put a request in a status directly; returns it.

        Only the status changes: no change to resources is made, and an in-flight status stays until
        the test moves the request on (``complete``, ``set_progression``).
        """
        new_status = inputs.choice(OperationStatus, status, "status")
        code = None if error_code is None else inputs.choice(HandlerErrorCode, error_code, "error_code")
        inputs.text(status_message, "status_message")
        with self._service.lock:
            self._registry.set_status(self._record(token), new_status, code, status_message)
        return self.get_request(token)

    def complete(
        self,
        token: str,
        status: OperationStatus | str = OperationStatus.SUCCESS,
        *,
        error_code: HandlerErrorCode | str | None = None,
        status_message: str | None = None,
    ) -> ResourceRequest:
        """Finish an in-flight request now: SUCCESS makes its change, FAILED does not; returns it.

        A request with a hook that failed in ``FAIL`` mode fails, even told SUCCESS.
        """
        final = inputs.choice(OperationStatus, status, "status")
        code = None if error_code is None else inputs.choice(HandlerErrorCode, error_code, "error_code")
        if final not in (OperationStatus.SUCCESS, OperationStatus.FAILED):
            raise CloudControlUsageError(f"complete() takes SUCCESS or FAILED; got {final.value}")
        if final == OperationStatus.FAILED and code is None:
            raise CloudControlUsageError("complete(..., 'FAILED') needs an error_code, e.g. 'NotFound'")
        if final == OperationStatus.SUCCESS and code is not None:
            raise CloudControlUsageError(
                f"complete(..., 'SUCCESS') takes no error_code (got {code.value}); "
                f"to fail the request, complete(token, 'FAILED', error_code={code.value!r})"
            )
        inputs.text(status_message, "status_message")
        with self._service.lock:
            request = self._record(token)
            if not request.status.in_flight:
                raise CloudControlUsageError(
                    f"request {token} is already finished ({request.status.value}); "
                    "use set_status() to change a finished request"
                )
            forced = Outcome.failed(code, status_message) if code else SUCCEEDED
            self._registry.finish(request, forced)
        return self.get_request(token)

    def set_progression(self, token: str, progression: Progression) -> ResourceRequest:
        """Give an in-flight request a new progression, counted from now; returns it."""
        moves = inputs.progression(progression)
        with self._service.lock:
            request = self._record(token)
            if not request.status.in_flight:
                raise CloudControlUsageError(
                    f"request {token} is already finished ({request.status.value}): a progression "
                    "moves in-flight requests only"
                )
            self._registry.set_progression(request, moves)
        return self.get_request(token)

    def advance(self, seconds: float) -> None:
        """Move the virtual clock on; requests due by then finish, finished ones past 7 days expire."""
        with self._service.lock:
            self.clock.advance(inputs.clock_move(self.clock.time(), seconds))
            self._registry.tick()

    @property
    def progression(self) -> Progression:
        """When requests made through the API finish (for requests made from now on)."""
        return self._service.progression

    @progression.setter
    def progression(self, value: Progression) -> None:
        self._service.progression = inputs.progression(value)

    def script(
        self,
        type_name: str | None = None,
        operation: Operation | str | None = None,
        *,
        progression: Progression | None = None,
        outcome: Outcome | None = None,
        hooks: Iterable[HookProgressEvent | Mapping[str, Any]] = (),
        times: int | None = None,
    ) -> None:
        """Script the next API requests that match ``type_name`` and ``operation`` (None: any).

        They finish as ``progression`` says and end as ``outcome`` says (e.g.
        ``Outcome.failed("NotStabilized")``), carrying ``hooks`` (one that failed in ``FAIL`` mode fails
        a request that would succeed, with no change made); for ``times`` requests, or all.
        """
        script = Script(
            type_name=None if type_name is None else self._resource_type(type_name).type_name,
            operation=None if operation is None else inputs.choice(Operation, operation, "operation"),
            progression=inputs.optional_progression(progression),
            outcome=inputs.outcome(outcome),
            hooks=inputs.hooks(hooks),
            times=None if times is None else inputs.count(times, "times"),
        )
        with self._service.lock:
            self._service.scripts.append(script)

    # -- the whole state ------------------------------------------------------------------------

    def snapshot(self) -> Snapshot:
        """A copy of the fake's whole state now, to ``restore`` later, here or into another fake.

        Requests (with their progressions and what finishing them will do), resources, registered
        types, the clock, scripts, injected faults, the call log, the ClientTokens remembered and the
        progression of API requests. Changing the fake afterwards does not change the snapshot.
        """
        with self._service.lock:
            self._registry.tick()
            return state.capture(self._service)

    def restore(self, snapshot: Snapshot) -> None:
        """Put the whole state back as ``snapshot`` holds it; this fake's settings stay its own."""
        if not isinstance(snapshot, state.Snapshot):
            raise CloudControlUsageError(
                f"restore() takes a Snapshot made by fake.snapshot(); got {type(snapshot).__name__}"
            )
        with self._service.lock:
            state.restore(self._service, snapshot)

    def reset(self) -> None:
        """Empty the fake, as a new one with the same settings starts; it stays active if it was.

        The clock goes back to where it started (``start_time``, or the wall time the fake was made).
        """
        with self._service.lock:
            state.reset(self._service, self._fresh)

    def load(self, source: Source) -> None:
        """Seed many requests and resources at once: a mapping, or the path of a JSON or YAML file.

        ``{"requests": [<seed_request arguments>, ...], "resources": [<seed_resource arguments>, ...]}``
        (resources first); ``progression`` and ``outcome`` in their JSON form (``pytest_cloudcontrol.
        scenario``). All or nothing: a bad entry raises ``CloudControlUsageError`` naming its place
        (``requests[3].status: ...``) and nothing is seeded.
        """
        from . import scenario  # pydantic: only for tests that load scenarios

        name, loaded = scenario.read(source)
        with self._service.lock:
            before = state.capture(self._service)
            place = ""
            try:
                for index, resource in enumerate(loaded.resources):
                    place = f"resources[{index}]"
                    self.seed_resource(**resource.arguments())
                for index, request in enumerate(loaded.requests):
                    place = f"requests[{index}]"
                    self.seed_request(**request.arguments())
            except CloudControlUsageError as error:
                state.restore(self._service, before)
                raise CloudControlUsageError(f"{name}: {place}: {error}; nothing was seeded") from None

    # -- resources -----------------------------------------------------------------------------

    def _resource_type(self, type_name: str) -> ResourceType:
        inputs.model_string(type_name, "TypeName", "type_name")
        resource_type = self._catalog.get(type_name)
        if resource_type is None:
            raise CloudControlUsageError(
                f"unknown resource type {type_name!r}; register private types with register_type()"
            )
        return resource_type

    def register_type(self, resource_type: ResourceType | Mapping[str, Any]) -> ResourceType:
        """Make a private or third-party type known: a ``ResourceType``, or its registry schema."""
        if not isinstance(resource_type, ResourceType):
            resource_type = ResourceType.from_schema(resource_type)
        inputs.model_string(resource_type.type_name, "TypeName", "type_name")
        with self._service.lock:
            self._catalog.register(resource_type)
        return resource_type

    def seed_resource(
        self,
        type_name: str,
        properties: Mapping[str, Any],
        *,
        identifier: str | None = None,
        region: str | None = None,
        account_id: str | None = None,
    ) -> Resource:
        """Put an existing resource in the store (read-only properties are generated); returns it.

        ``identifier`` fills the primary identifier's properties that ``properties`` lack; it must not
        contradict those it has.
        """
        resource_type = self._resource_type(type_name)
        given = inputs.json_object(properties, "properties")
        region = self.region if region is None else inputs.region(region)
        account_id = self.account_id if account_id is None else inputs.account_id(account_id)
        if identifier is not None:
            inputs.model_string(identifier, "Identifier", "identifier")
            try:
                given = resource_type.with_identifier(given, identifier)
            except ValueError as error:
                raise CloudControlUsageError(str(error)) from None
        full = resource_type.generate_read_only(
            given, region=region, account_id=account_id, now=self.clock.time()
        )
        identifier = resource_type.identifier_of(full)
        assert identifier is not None, "generate_read_only fills the primary identifier"
        resource = StoredResource(resource_type.type_name, identifier, full, (account_id, region))
        with self._service.lock:
            if self._store.get(resource.scope, resource.type_name, identifier) is not None:
                raise CloudControlUsageError(
                    f"{type_name} {identifier!r} already exists in {account_id}/{region}"
                )
            self._store.put(resource)
        return resource.view()

    def get_resource(
        self,
        type_name: str,
        identifier: str,
        *,
        region: str | None = None,
        account_id: str | None = None,
    ) -> Resource:
        """A resource in the store (a copy), with all its properties, write-only ones too."""
        scope = (account_id or self.account_id, region or self.region)
        with self._service.lock:
            self._registry.tick()
            resource = self._store.get(scope, type_name, identifier)
            if resource is None:
                raise UnknownResourceError(
                    f"no {type_name} with identifier {identifier!r} in {scope[0]}/{scope[1]}"
                )
            return resource.view()

    @property
    def resources(self) -> list[Resource]:
        """Every resource in the store (copies)."""
        with self._service.lock:
            self._registry.tick()
            return [resource.view() for resource in self._store]

    # -- calls, errors, assertions -------------------------------------------------------------

    @property
    def calls(self) -> list[Call]:
        """Every call served, in order."""
        with self._service.lock:
            return list(self._service.calls)

    def calls_to(self, operation: str) -> list[Call]:
        """The calls of one operation, e.g. ``calls_to("CancelResourceRequest")``."""
        return [call for call in self.calls if call.operation == operation]

    def inject_error(
        self,
        operation: str,
        error_code: str,
        *,
        message: str | None = None,
        status_code: int | None = None,
        times: int = 1,
        after: int = 0,
        token: str | None = None,
        type_name: str | None = None,
    ) -> None:
        """Make ``times`` calls of ``operation`` fail with ``error_code``, as AWS sends it.

        ``error_code`` is any error of the service's model, or one common to all AWS actions
        (``AccessDeniedException``, ``ExpiredTokenException``, ``ServiceUnavailable``, ...). The failing
        calls change nothing. botocore sees the error as it would see AWS's: it retries a 5xx or a
        throttle, so ``times`` counts attempts, retries included. The matchers pick the calls: ``after``
        lets that many matching calls through first; ``token`` takes only calls whose RequestToken is
        that; ``type_name`` only calls for that type (for GetResourceRequestStatus and
        CancelResourceRequest, the type of the request their token names).
        """
        self._check_operation(operation)
        if not isinstance(error_code, str) or error_code not in error_specs():
            raise CloudControlUsageError(
                f"unknown error code {error_code!r}; one of {', '.join(sorted(error_specs()))}"
            )
        inputs.text(message, "message")
        status = inputs.status_code(status_code)
        if error_code == "ConcurrentOperationException" and message is None:
            message = concurrent_operation_message(None, new_token())
        self._inject(
            Fault(operation, "error", code=error_code, message=message, status_code=status),
            times,
            after,
            token,
            type_name,
        )

    def inject_network_error(
        self,
        operation: str,
        kind: NetworkKind = "connect",
        *,
        times: int = 1,
        after: int = 0,
        token: str | None = None,
        type_name: str | None = None,
    ) -> None:
        """Make ``times`` calls of ``operation`` fail in the network, as the client's HTTP layer fails.

        ``"connect"``: the request never reaches the fake (botocore raises ``EndpointConnectionError``);
        ``"read_timeout"``: it reaches the fake and takes effect, but the answer is lost
        (``ReadTimeoutError``); ``"connection_closed"``: the connection drops before the fake reads it
        (``ConnectionClosedError``). botocore retries each, backing off in virtual time, so ``times``
        counts attempts. Matchers as for ``inject_error``.
        """
        self._check_operation(operation)
        if kind not in NETWORK_KINDS:
            raise CloudControlUsageError(
                f"kind must be one of {', '.join(map(repr, NETWORK_KINDS))}; got {kind!r}"
            )
        self._inject(Fault(operation, kind), times, after, token, type_name)

    @staticmethod
    def _check_operation(operation: str) -> None:
        if not isinstance(operation, str) or operation not in operation_names():
            raise CloudControlUsageError(
                f"unknown operation {operation!r}; one of {', '.join(sorted(operation_names()))}"
            )

    def _inject(self, fault: Fault, times: int, after: int, token: str | None, type_name: str | None) -> None:
        """Check the matchers against the operation, then add the fault."""
        fault.times = inputs.count(times, "times")
        fault.after = inputs.count(after, "after", least=0)
        shape = operation_model(fault.operation).input_shape
        members = {} if shape is None else shape.members
        if token is not None:
            if "RequestToken" not in members:
                raise CloudControlUsageError(
                    f"token= picks calls by their RequestToken, and {fault.operation} calls have none; "
                    "use it with GetResourceRequestStatus or CancelResourceRequest"
                )
            fault.token = inputs.model_string(token, "RequestToken", "token")
        if type_name is not None:
            if "TypeName" not in members and "RequestToken" not in members:
                raise CloudControlUsageError(
                    f"type_name= picks calls by their resource type, and {fault.operation} calls name "
                    "none; leave type_name out (or use token= and the type's operations)"
                )
            fault.type_name = self._resource_type(type_name).type_name
        with self._service.lock:
            self._service.faults.add(fault)

    @property
    def pending_faults(self) -> list[Fault]:
        """The injected faults (errors and network errors) not used up, oldest first per operation."""
        with self._service.lock:
            return [replace(fault) for fault in self._service.faults.pending()]

    @property
    def pending_errors(self) -> list[tuple[str, str]]:
        """The injected wire errors not raised yet, as (operation, error code), one per call to fail."""
        return [
            (fault.operation, fault.code)
            for fault in self.pending_faults
            if fault.code is not None
            for _ in range(fault.remaining)
        ]

    def assert_called(
        self,
        operation: str,
        *,
        times: int | None = None,
        region: str | None = None,
        account_id: str | None = None,
        **params: Any,
    ) -> None:
        """Assert that ``operation`` was called with ``params`` (at least once, or exactly ``times``).

        ``params`` are members of the decoded request (``RequestToken=...``, ``TypeName=...``), each
        compared whole (a dict or list with the JSON of ``DesiredState``, ``PatchDocument``); every
        call counts, failed ones and botocore's retries too. ``region`` and ``account_id`` narrow it
        to the calls made there. A failure lists the calls made and the near misses.
        """
        expected = assertions.Expected.checked(operation, params, region, account_id)
        count = assertions.times(times)
        calls = self.calls
        found = assertions.numbers(expected, calls)
        if (found and count is None) or len(found) == count:
            return
        wanted = "at least once" if count is None else assertions.counted(count)
        which = f" (calls {', '.join(map(str, found))})" if found else ""
        raise assertions.failure(
            f"expected {expected.describe()} to be called {wanted}, "
            f"but it was called {assertions.counted(len(found))}{which}.",
            expected,
            calls,
        )

    def assert_not_called(
        self,
        operation: str | None = None,
        *,
        region: str | None = None,
        account_id: str | None = None,
        **params: Any,
    ) -> None:
        """Assert that no call of ``operation`` (None: of any operation) had ``params``.

        ``params``, ``region`` and ``account_id`` as in ``assert_called``.
        """
        expected = assertions.Expected.checked(operation, params, region, account_id)
        calls = self.calls
        found = assertions.numbers(expected, calls)
        if found:
            raise assertions.failure(
                f"expected {expected.describe()} not to be called, but it was called "
                f"{assertions.counted(len(found))} (calls {', '.join(map(str, found))}).",
                expected,
                calls,
                near=False,
            )

    def assert_cancelled(self, token: str, *, times: int | None = None) -> None:
        """Assert that a CancelResourceRequest of ``token`` succeeded (exactly ``times`` times if given)."""
        expected = self._cancel_of(token)
        count = assertions.times(times)
        calls = self.calls
        found = assertions.numbers(expected, calls)
        if (found and count is None) or len(found) == count:
            return
        if count is None:
            headline = f"expected a successful CancelResourceRequest of {token}, but there was none."
        else:
            headline = (
                f"expected CancelResourceRequest of {token} to succeed {assertions.counted(count)}, "
                f"but it succeeded {assertions.counted(len(found))}."
            )
        with self._service.lock:
            record = self._registry.find(token)
        if record is not None:
            headline += f" The request is in {record.scope[1]}/{record.scope[0]}."
        raise assertions.failure(headline, expected, calls)

    def assert_not_cancelled(self, token: str) -> None:
        """Assert that no CancelResourceRequest of ``token`` succeeded."""
        expected = self._cancel_of(token)
        calls = self.calls
        found = assertions.numbers(expected, calls)
        if found:
            raise assertions.failure(
                f"expected {token} not to be cancelled, but CancelResourceRequest succeeded "
                f"{len(found)} time(s) (calls {', '.join(map(str, found))}).",
                expected,
                calls,
                near=False,
            )

    @staticmethod
    def _cancel_of(token: str) -> assertions.Expected:
        return assertions.Expected("CancelResourceRequest", {"RequestToken": token}, ok=True)

    def describe_calls(self) -> str:
        """The call log as text, one call a line with its Region and account, for failure messages."""
        return assertions.describe_calls(self.calls)


_shared_clients: dict[str, BaseClient] = {}


def _client(region: str, **kwargs: Any) -> BaseClient:
    if not kwargs and region in _shared_clients:
        return _shared_clients[region]
    client = _new_client(region, **kwargs)
    if not kwargs:
        _shared_clients[region] = client
    return client


def _new_client(region: str, **kwargs: Any) -> BaseClient:
    options: dict[str, Any] = {
        "aws_access_key_id": _CREDENTIALS.access_key,
        "aws_secret_access_key": _CREDENTIALS.secret_key,
        "aws_session_token": _CREDENTIALS.token,
    }
    options.update(kwargs)
    return session().create_client("cloudcontrol", region_name=region, **options)
