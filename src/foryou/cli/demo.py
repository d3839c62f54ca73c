"""`foryou demo` (`make demo`): the whole system on the embedded default, from nothing.

Generates a small synthetic world, trains small retrieval and ranking models on it, loads its events
into one process (embedded log, SQLite stores, Thunder, the live retrieval index), starts the gRPC and
HTTP servers, and prints one user's feed with why each post is there.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import shutil
import sys
import time
from pathlib import Path
from typing import Any

import typer


def demo(
    directory: Path = typer.Option(Path(".foryou/demo"), "--dir", help="where the world, models and state go"),
    users: int = typer.Option(2000, min=50, help="users in the synthetic world"),
    days: int = typer.Option(2, min=1, help="simulated days"),
    seed: int = typer.Option(7, help="world and training seed"),
    train_seconds: int = typer.Option(240, min=10, help="training budget for both models"),
    http_port: int = typer.Option(8080, min=0, max=65535),
    grpc_port: int = typer.Option(50051, min=0, max=65535),
    serve: bool | None = typer.Option(None, "--serve/--no-serve", help="keep serving (default: if interactive)"),
) -> None:
    """Run the end-to-end demo on the embedded default."""
    from foryou.params import Params
    from foryou.serving.run import serve_until_stopped, start, world_clock
    from foryou.serving.single_process import ServeOptions

    started_at = time.perf_counter()
    world = _world(directory / "world", users=users, days=days, seed=seed)
    ranker, retrieval = _models(world, directory / "models", seed=seed, seconds=train_seconds)
    state = directory / "state"
    shutil.rmtree(state, ignore_errors=True)  # a fresh load each run: the world may have changed
    token = secrets.token_urlsafe(12)
    options = ServeOptions(
        state_dir=state,
        ranker=ranker,
        retrieval=retrieval,
        admin_token=token,
        grpc_port=grpc_port,
        http_port=http_port,
    )
    keep_serving = sys.stdin.isatty() if serve is None else serve

    async def main() -> None:
        _step("loading the world's events into the stores, Thunder and the retrieval index")
        started = await start(Params(), options, events=[world], clock=world_clock(world))
        _step(f"ready in {time.perf_counter() - started_at:.0f}s: {started.imported} events")

        await serve_until_stopped(started, lambda s: _print_feed(s, world, token, keep_serving), wait=keep_serving)

    asyncio.run(main())


def _step(message: str) -> None:
    typer.secho(f"==> {message}", fg=typer.colors.CYAN, err=True)


def _world(out: Path, *, users: int, days: int, seed: int) -> Path:
    from foryou.world import WorldConfig, generate_world

    config = WorldConfig(users=users, days=days, seed=seed)
    meta = out / "world.json"
    if meta.exists() and json.loads(meta.read_text()).get("config", {}).get("seed") == seed and _same(meta, config):
        _step(f"reusing the world in {out}")
        return out
    _step(f"generating a world of {users} users over {days} days")
    shutil.rmtree(out, ignore_errors=True)
    generate_world(config, out)
    return out


def _same(meta: Path, config: Any) -> bool:
    saved = json.loads(meta.read_text()).get("config", {})
    return bool(saved.get("users") == config.users and saved.get("days") == config.days)


def _models(world: Path, out: Path, *, seed: int, seconds: int) -> tuple[Path, Path]:
    from foryou.training import train_demo_models

    marker = out / "trained-on.json"
    stamp = {"world": str(world.resolve()), "world_json_mtime": (world / "world.json").stat().st_mtime, "seed": seed}
    if marker.exists() and json.loads(marker.read_text()) == stamp:
        _step(f"reusing the models in {out}")
        return out / "ranker" / "best", out / "retrieval" / "best"
    _step(f"training small retrieval and ranking models (budget {seconds}s)")
    shutil.rmtree(out, ignore_errors=True)
    retrieval, ranker = train_demo_models(world, out, seconds_budget=seconds, seed=seed, progress=True)
    marker.write_text(json.dumps(stamp))
    return Path(ranker), Path(retrieval)


def _viewer(world: Path) -> int:
    """The demo's viewer: among the users who follow the most accounts, the most active one."""
    import pyarrow.parquet as pq

    follows = pq.read_table(world / "follows.parquet", columns=["source_user_id"]).column(0).to_pylist()
    counts: dict[int, int] = {}
    for user in follows:
        counts[user] = counts.get(user, 0) + 1
    return max(counts, key=lambda u: (counts[u], -u))


async def _print_feed(started: Any, world: Path, token: str, serving: bool) -> None:
    import httpx

    base = f"http://127.0.0.1:{started.http_port}"
    viewer = _viewer(world)
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        response = await client.post("/v1/scored-posts", json={"viewer_id": viewer})
        response.raise_for_status()
        body = response.json()
    posts = body["scored_posts"]
    typer.echo(f"\nFor You feed of user {viewer}: {len(posts)} posts (request {body['request_id']})")
    if body["degraded"]:
        typer.echo(f"  degraded: {', '.join(body['degraded_reasons'])}")
    for i, post in enumerate(posts):
        names = post["screen_names"]
        author = names.get(post["author_id"], post["author_id"])
        source = "in-network (Thunder)" if post["served_type"] == 1 else "out-of-network (Phoenix retrieval)"
        probs = post.get("phoenix_scores") or {}
        top = sorted(((k, v) for k, v in probs.items() if k != "dwell_time"), key=lambda kv: -kv[1])[:3]
        why = ", ".join(f"{k} {v:.2f}" for k, v in top) or "no ranker scores"
        text = (post.get("text") or "").replace("\n", " ")[:60]
        typer.echo(f"{i + 1:>3}. {post['score']:8.4f}  @{author:<14} {source}")
        typer.echo(f"      {why}  | {text}")
    query = (
        f"  curl -s -X POST {base}/v1/scored-posts -H 'content-type: application/json' \\\n"
        f"       -d '{{\"viewer_id\": {viewer}}}'\n"
        f"  grpcurl -plaintext -d '{{\"viewer_id\": {viewer}}}' 127.0.0.1:{started.grpc_port} "
        "foryou.v1.ScoredPostsService/GetScoredPosts\n"
    )
    if not serving:
        typer.echo(
            "\nThe server stops now: this run is not attached to a terminal (or --no-serve was given).\n"
            "To keep it up, run `.venv/bin/foryou demo --serve` (it reuses the world and the models and prints\n"
            "its own admin token), then query it:\n" + query
        )
        return
    typer.echo(
        "\nTry it yourself (Ctrl-C stops the server):\n"
        + query
        + f"  curl -s -H 'X-Admin-Token: {token}' {base}/v1/explain/{body['request_id']}\n"
        f"  open {base}/?token={token}   (the feed explorer)\n"
        f"  metrics: {base}/metrics   health: {base}/healthz\n"
    )
