"""The video origin: each generation's clip, Range, HEAD, expiring links, big payloads."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from luma_desktop.sim import SimServer, clips_dir
from luma_desktop.sim.video import Payload, Unsatisfiable, job_clip, parse_range
from tests.sim.conftest import GET_ONE, completed, served_clip, wait_state

FAMILIES = ("landscape", "portrait", "square")


def clip(name: str) -> bytes:
    return (clips_dir() / f"{name}.mp4").read_bytes()


@pytest.mark.parametrize("name", FAMILIES)
def test_clips_are_small_faststart_mp4(name: str) -> None:
    data = clip(name)
    assert 1000 < len(data) < 150_000
    assert data[4:8] == b"ftyp"
    assert 0 < data.find(b"moov") < data.find(b"mdat")  # +faststart: index first


def test_clips_are_different() -> None:
    assert len({clip(name) for name in FAMILIES}) == 3


def test_clips_dir_env_override(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LUMA_DESKTOP_RESOURCES", str(tmp_path))
    assert clips_dir() == tmp_path / "clips"
    monkeypatch.delenv("LUMA_DESKTOP_RESOURCES")
    assert (clips_dir() / "landscape.mp4").is_file()


@pytest.mark.parametrize(
    ("header", "span"),
    [
        (None, None),
        ("bytes=0-", (0, 100)),
        ("bytes=10-19", (10, 20)),
        ("bytes=90-500", (90, 100)),
        ("bytes=-10", (90, 100)),
        ("bytes=-500", (0, 100)),
        ("bytes=5-1", None),
        ("bytes=0-1,5-6", None),
        ("items=0-1", None),
        ("bytes=a-b", None),
    ],
)
def test_parse_range(header: str | None, span: tuple[int, int] | None) -> None:
    assert parse_range(header, 100) == span


@pytest.mark.parametrize("header", ["bytes=100-", "bytes=200-300", "bytes=-0"])
def test_parse_range_unsatisfiable(header: str) -> None:
    with pytest.raises(Unsatisfiable):
        parse_range(header, 100)


def test_big_payload_is_deterministic_and_sliceable() -> None:
    source = clip("landscape")
    payload = Payload(source, 100_000)
    whole = payload.read(0, payload.size)
    assert len(whole) == 100_000
    assert whole[:4096] == source[:4096]
    assert whole[4096:] != source[4096 : len(source)]
    assert payload.read(12_345, 54_321) == whole[12_345:54_321]
    assert Payload(source, 100_000).read(0, 100_000) == whole
    assert all(len(piece) <= 16 * 1024 for piece in payload.pieces(0, payload.size))


@pytest.mark.parametrize("ratio", ["16:9", "9:16", "1:1"])
async def test_download_serves_the_clip_drawn_for_the_generation(
    sim: SimServer, client: httpx.AsyncClient, cdn: httpx.AsyncClient, ratio: str
) -> None:
    done = await completed(client, aspect_ratio=ratio)
    url = done["assets"]["video"]
    assert url.startswith(sim.video_base_url + "/videos/")
    answer = await cdn.get(url)
    assert answer.status_code == 200
    assert answer.content == job_clip(done["id"], {"aspect_ratio": ratio, **done["request"]})
    assert answer.headers["content-type"] == "video/mp4"
    assert answer.headers["accept-ranges"] == "bytes"
    assert int(answer.headers["content-length"]) == len(answer.content)
    assert sim.counts["video"] == 1
    assert sim.video_requests_with_auth == 0


async def test_range_requests(client: httpx.AsyncClient, cdn: httpx.AsyncClient) -> None:
    done = await completed(client)
    url = done["assets"]["video"]
    data = served_clip(done)
    size = len(data)
    tail = await cdn.get(url, headers={"Range": "bytes=1000-"})
    assert tail.status_code == 206
    assert tail.content == data[1000:]
    assert tail.headers["content-range"] == f"bytes 1000-{size - 1}/{size}"
    middle = await cdn.get(url, headers={"Range": "bytes=100-20099"})
    assert middle.status_code == 206
    assert middle.content == data[100:20100]
    assert middle.headers["content-length"] == "20000"
    beyond = await cdn.get(url, headers={"Range": f"bytes={size}-"})
    assert beyond.status_code == 416
    assert beyond.headers["content-range"] == f"bytes */{size}"


async def test_head(client: httpx.AsyncClient, cdn: httpx.AsyncClient) -> None:
    done = await completed(client)
    answer = await cdn.head(done["assets"]["video"])
    assert answer.status_code == 200
    assert answer.content == b""
    assert int(answer.headers["content-length"]) == len(served_clip(done))


async def test_authorization_on_video_is_recorded(
    sim: SimServer, client: httpx.AsyncClient, cdn: httpx.AsyncClient
) -> None:
    url = (await completed(client))["assets"]["video"]
    await cdn.get(url)
    assert sim.video_requests_with_auth == 0
    await client.get(url)  # the gateway client carries the key: a leak the sim must see
    assert sim.video_requests_with_auth == 1
    assert [("authorization" in {k.lower() for k in h}) for h in sim.video_request_headers] == [
        False,
        True,
    ]


async def _link(client: httpx.AsyncClient, gen_id: str) -> str:
    url: str = (await wait_state(client, gen_id))["assets"]["video"]
    return url


async def test_expire_links_then_fresh_link(
    sim: SimServer, client: httpx.AsyncClient, cdn: httpx.AsyncClient
) -> None:
    done = await completed(client)
    old = done["assets"]["video"]
    assert await _link(client, done["id"]) == old  # reused while valid
    sim.expire_links()
    refused = await cdn.get(old)
    assert refused.status_code == 403
    assert refused.json() == {"message": "link expired"}
    fresh = await _link(client, done["id"])
    assert fresh != old
    assert (await cdn.get(fresh)).status_code == 200
    assert (await cdn.get(old)).status_code == 403


async def test_expire_next_links(
    sim: SimServer, client: httpx.AsyncClient, cdn: httpx.AsyncClient
) -> None:
    sim.faults.expire_next_links = 1
    done = await completed(client)
    assert (await cdn.get(done["assets"]["video"])).status_code == 403
    fresh = await _link(client, done["id"])
    assert (await cdn.get(fresh)).status_code == 200
    assert sim.faults.fired["expire_next_links"] == 1


async def test_expire_links_after_complete(
    sim: SimServer, client: httpx.AsyncClient, cdn: httpx.AsyncClient
) -> None:
    sim.faults.expire_links_after_complete = True
    for _ in range(2):
        done = await completed(client)
        assert (await cdn.get(done["assets"]["video"])).status_code == 403
        fresh = await _link(client, done["id"])
        assert fresh != done["assets"]["video"]
        assert (await cdn.get(fresh)).status_code == 200


async def test_link_ttl(cdn: httpx.AsyncClient) -> None:
    from tests.sim.conftest import AUTH, fast_config

    with SimServer(fast_config(link_ttl_seconds=0.0)) as sim:
        async with httpx.AsyncClient(base_url=sim.base_url, headers=AUTH) as http:
            done = await completed(http)
            assert (await cdn.get(done["assets"]["video"])).status_code == 403


@pytest.mark.parametrize("path", ["/videos/nope/x.mp4", "/videos/nope/x.mov"])
async def test_unknown_links_are_403(sim: SimServer, cdn: httpx.AsyncClient, path: str) -> None:
    assert (await cdn.get(sim.video_base_url + path)).status_code == 403


async def test_link_for_another_generation_is_403(
    client: httpx.AsyncClient, cdn: httpx.AsyncClient
) -> None:
    one = (await completed(client))["assets"]["video"]
    two = await completed(client)
    swapped = one.rsplit("/", 1)[0] + f"/{two['id']}.mp4"
    assert (await cdn.get(swapped)).status_code == 403


async def test_big_payload_with_range(
    sim: SimServer, client: httpx.AsyncClient, cdn: httpx.AsyncClient
) -> None:
    done = await completed(client)
    url = done["assets"]["video"]
    sim.faults.big_payload_bytes = 3_000_000
    whole = await cdn.get(url)
    assert len(whole.content) == 3_000_000
    assert whole.content[:4096] == served_clip(done)[:4096]
    part = await cdn.get(url, headers={"Range": "bytes=1000000-1999999"})
    assert part.status_code == 206
    assert part.content == whole.content[1_000_000:2_000_000]
    head: Any = await cdn.head(url)
    assert head.headers["content-length"] == "3000000"


async def test_get_one_reissues_after_expiry_in_any_spelling(
    sim: SimServer, client: httpx.AsyncClient, cdn: httpx.AsyncClient
) -> None:
    done = await completed(client)
    sim.expire_links()
    sim.faults.spelling = "flat"
    answer = await client.get(GET_ONE, params={"generation_id": done["id"]})
    assert (await cdn.get(answer.json()["video_url"])).status_code == 200
