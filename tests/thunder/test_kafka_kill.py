"""`foryou thunder serve` over Kafka (tansu), killed with SIGKILL mid-stream and restarted: every post
produced before, during and after the kill is served, deletes included."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import grpc
import pytest

from foryou._proto.foryou.thunder.v1 import thunder_pb2, thunder_pb2_grpc
from foryou.core.snowflake import make_snowflake
from foryou.transport import POSTS, key_for
from foryou.transport.kafka import KafkaTransport
from foryou.transport.tansu import free_port
from thunder.helpers import created_event, deleted_event, post

pytestmark = pytest.mark.kafka
SRC = Path(__file__).resolve().parents[2] / "src"
AUTHORS = list(range(501, 511))  # distinct from the other Kafka tests sharing the topic


def _start(bootstrap: str, snapshots: Path, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(SRC), "FORYOU_THUNDER__REQUEST_TIMEOUT_MS": "0"}
    command = [sys.executable, "-m", "foryou", "thunder", "serve", "--kafka", bootstrap, "--port", str(port)]
    command += ["--snapshot-dir", str(snapshots), "--snapshot-interval-s", "1", "--group-id", "thunder-kill"]
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _served(port: int) -> set[int] | None:
    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
        stub = thunder_pb2_grpc.InNetworkPostsServiceStub(channel)
        try:
            reply = stub.GetInNetworkPosts(
                thunder_pb2.GetInNetworkPostsRequest(user_id=1, following_user_ids=AUTHORS), timeout=2
            )
        except grpc.RpcError:
            return None
        return {p.post_id for p in reply.posts}


def _wait_served(port: int, want: set[int], process: subprocess.Popen[bytes], timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while _served(port) != want:
        assert process.poll() is None, "thunder serve exited"
        assert time.monotonic() < deadline, f"served {_served(port)!r}, want {len(want)} posts"
        time.sleep(0.1)


def _produce(transport: KafkaTransport, first: int, count: int) -> set[int]:
    producer = transport.producer()
    now = int(time.time())
    ids = set()
    for i in range(first, first + count):
        created = now - 1000 + i
        pid = make_snowflake(created * 1000, worker=7, sequence=i)  # a real snowflake: deletes check its age
        p = post(pid, AUTHORS[i % len(AUTHORS)], created=created)
        producer.produce(POSTS, created_event(p), key=key_for(p.author_id))
        ids.add(p.post_id)
    producer.flush()
    return ids


def test_sigkill_mid_stream_then_restart_loses_nothing(kafka_bootstrap: str, tmp_path: Path) -> None:
    transport = KafkaTransport(kafka_bootstrap)
    transport.ensure_topics([POSTS], 3)
    port = free_port()
    snapshots = tmp_path / "snap"
    expected = _produce(transport, 0, 100)
    process = _start(kafka_bootstrap, snapshots, port)
    try:
        _wait_served(port, expected, process)
        deadline = time.monotonic() + 30
        while not (snapshots / "thunder-store.npz").exists():
            assert time.monotonic() < deadline, "no snapshot written"
            time.sleep(0.1)
        expected |= _produce(transport, 100, 100)
        time.sleep(0.3)  # let it consume part of the new stream, then kill it without warning
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
        expected |= _produce(transport, 200, 100)
        victim = max(expected)
        producer = transport.producer()
        producer.produce(POSTS, deleted_event(victim, 1, int(time.time())), key=b"1")
        producer.flush()
        expected.discard(victim)
        process = _start(kafka_bootstrap, snapshots, port)
        _wait_served(port, expected, process)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
