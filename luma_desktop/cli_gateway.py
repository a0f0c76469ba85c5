"""The CLI's model, route and Ray 3.2 options, and the ``balance`` command.

Every choice comes from the catalogue (:mod:`luma_desktop.core.catalogue`), so a new
model or parameter appears here without an edit. Combinations the gateway would
refuse are caught by the request's validation before anything is sent (exit 2).
"""

from __future__ import annotations

import argparse
from typing import Any

from luma_desktop.api.account import Account
from luma_desktop.api.client import GatewayClient
from luma_desktop.core.catalogue import (
    MODELS,
    TYPE_WORDS,
    model_choices,
    model_named,
    route_choices,
    type_choices,
)


def add_generation_options(gen: argparse.ArgumentParser) -> None:
    names = ", ".join(
        f"{s.name}{' (retired by the gateway)' if s.retired else ''}" for s in MODELS.values()
    )
    gen.add_argument(
        "--model",
        choices=model_choices(),
        metavar="MODEL",
        help=f"{names}; also as the unified route names them (luma/ray-3.2)",
    )
    gen.add_argument(
        "--route",
        choices=route_choices(),
        default="auto",
        help="auto (default): the unified route, the Luma route if the gateway has no "
        "unified one; luma: /v2/generate/video/luma-ai; unified: /v2/video/generations",
    )
    gen.add_argument(
        "--type",
        choices=type_choices(),
        default="video",
        help="video (generate or extend), edit (modify a clip), reframe (Ray 3.2)",
    )
    gen.add_argument(
        "--video", help="the source clip for edit and reframe: a generation id or link"
    )
    gen.add_argument("--hdr", action="store_true", help="HDR (Ray 3.2, 5 s at 720p or 1080p)")
    gen.add_argument("--exr", action="store_true", help="EXR frames too (Ray 3.2, needs --hdr)")


def request_options(args: argparse.Namespace) -> dict[str, Any]:
    """The request fields these options set, in the catalogue's spelling."""
    spec = model_named(args.model) if args.model else None
    video = args.video
    if isinstance(video, str) and video[:4].lower() == "gen:":
        video = video[4:]
    return {
        "model": spec.name if spec else args.model,
        "route": args.route,
        "type": TYPE_WORDS[args.type].value,
        "hdr": args.hdr,
        "exr": args.exr,
        "video": video,
    }


async def print_balance(client: GatewayClient) -> list[str]:
    """The account's balance, in lines to print."""
    balance = await Account(client).balance()
    lines = [f"balance: {balance.credits:,.0f} credits"]
    if balance.low:
        lines.append(f"warning: the balance is low. {balance.explanation}".strip())
    return lines
