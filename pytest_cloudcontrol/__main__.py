"""``python -m pytest_cloudcontrol serve``: a standalone Cloud Control endpoint for tests in any language.

It prints the URL it listens on as the first line of its output, serves until SIGINT or SIGTERM, then
stops cleanly and exits 0. The control API is under ``<url>/_cloudcontrol/`` (``control.py``).
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Sequence
from types import FrameType

from .errors import CloudControlUsageError
from .fake import FakeCloudControl
from .settings import DEFAULT_ACCOUNT_ID, DEFAULT_REGION


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m pytest_cloudcontrol")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser(
        "serve",
        help="serve a fake on an HTTP endpoint until interrupted",
        description="Serve a fake Cloud Control on an HTTP endpoint; print its URL; stop on SIGINT/SIGTERM.",
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=0, help="port to listen on (default 0: a free one)")
    serve.add_argument(
        "--region", default=DEFAULT_REGION, help=f"the fake's default Region ({DEFAULT_REGION})"
    )
    serve.add_argument("--account-id", default=DEFAULT_ACCOUNT_ID, help="the account of every caller")
    serve.add_argument(
        "--time-scale", type=float, default=None, help="virtual seconds per wall second (default 1)"
    )
    serve.add_argument(
        "--scenario",
        metavar="FILE",
        default=None,
        help="seed the fake from a scenario file (JSON or YAML, as fake.load takes) before serving",
    )
    return parser


def _fake(args: argparse.Namespace) -> FakeCloudControl:
    """The fake the options describe, seeded from ``--scenario`` when given."""
    fake = FakeCloudControl(region=args.region, account_id=args.account_id)
    if args.scenario is not None:
        fake.load(args.scenario)
    return fake


def serve(args: argparse.Namespace) -> int:
    """Serve until SIGINT or SIGTERM; 0 once stopped cleanly."""
    stopped = threading.Event()

    def stop(signum: int, frame: FrameType | None) -> None:
        stopped.set()

    previous = {signum: signal.signal(signum, stop) for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        with _fake(args).serve(args.host, args.port, time_scale=args.time_scale) as server:
            print(server.url, flush=True)
            print(
                f"Cloud Control fake on {server.url} (control API: {server.url}/_cloudcontrol/); "
                "stop with Ctrl-C or SIGTERM",
                file=sys.stderr,
                flush=True,
            )
            stopped.wait()
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; the exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return serve(args)
    except CloudControlUsageError as error:
        parser.exit(2, f"{parser.prog} {args.command}: error: {error}\n")


if __name__ == "__main__":
    sys.exit(main())
