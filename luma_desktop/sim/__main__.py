"""``python -m luma_desktop.sim``: run the simulator until Ctrl+C."""

from __future__ import annotations

import argparse
import threading

from luma_desktop.sim.config import SimConfig
from luma_desktop.sim.server import SimServer


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m luma_desktop.sim",
        description="A local simulator of the AI/ML API gateway's Luma routes.",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="gateway port (0: any free)")
    parser.add_argument("--video-port", type=int, default=0, help="video origin port (0: any free)")
    parser.add_argument(
        "--key", default="sim-key", help="the accepted API key; an empty string accepts any key"
    )
    parser.add_argument("--any-key", action="store_true", help="accept any non-empty key")
    parser.add_argument(
        "--queued", type=float, default=SimConfig.queued_seconds, help="seconds queued"
    )
    parser.add_argument(
        "--dreaming", type=float, default=SimConfig.dreaming_seconds, help="seconds dreaming"
    )
    parser.add_argument(
        "--hold", type=float, default=SimConfig.hold_seconds, help="long-poll limit"
    )
    parser.add_argument(
        "--big-payload-bytes",
        type=int,
        default=None,
        help="serve every video as a deterministic payload of this many bytes (benchmarks)",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    config = SimConfig(
        api_key=None if args.any_key or not args.key else args.key,
        queued_seconds=args.queued,
        dreaming_seconds=args.dreaming,
        hold_seconds=args.hold,
        host=args.host,
        port=args.port,
        video_port=args.video_port,
    )
    stop = threading.Event()
    with SimServer(config) as sim:
        sim.faults.big_payload_bytes = args.big_payload_bytes
        print(f"base_url={sim.base_url}", flush=True)
        print(f"video_base_url={sim.video_base_url}", flush=True)
        print(f"api_key={config.api_key or '<any>'}", flush=True)
        try:
            while not stop.wait(0.5):
                pass
        except KeyboardInterrupt:
            print("stopping", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
