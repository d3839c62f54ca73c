"""`foryou thunder serve` as a real process: it reports SERVING once caught up, answers, stops on SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from foryou._proto.foryou.thunder.v1 import thunder_pb2, thunder_pb2_grpc
from foryou.transport import POSTS, EmbeddedLog, key_for
from foryou.transport.tansu import free_port
from thunder.helpers import created_event, post

SRC = Path(__file__).resolve().parents[2] / "src"


def test_serve_embedded_log(tmp_path: Path) -> None:
    log = EmbeddedLog(tmp_path / "log", default_partitions=2)
    now = int(time.time())
    for i in range(1, 6):
        log.append(POSTS, created_event(post(i, 7, created=now - 60 + i)), key=key_for(7))
    log.close()
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(SRC), "FORYOU_THUNDER__REQUEST_TIMEOUT_MS": "0"}
    command = [sys.executable, "-m", "foryou", "thunder", "serve", "--log-dir", str(tmp_path / "log")]
    command += ["--snapshot-dir", str(tmp_path / "snap"), "--port", str(port)]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            health = health_pb2_grpc.HealthStub(channel)
            deadline = time.monotonic() + 60
            status = None
            while status != health_pb2.HealthCheckResponse.SERVING:
                assert time.monotonic() < deadline and process.poll() is None, "thunder serve never got ready"
                try:
                    status = health.Check(health_pb2.HealthCheckRequest(service=""), timeout=1).status
                except grpc.RpcError:
                    time.sleep(0.1)
            stub = thunder_pb2_grpc.InNetworkPostsServiceStub(channel)
            reply = stub.GetInNetworkPosts(thunder_pb2.GetInNetworkPostsRequest(user_id=1, following_user_ids=[7]))
            assert [p.post_id for p in reply.posts] == [5, 4, 3, 2, 1]
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
        assert (tmp_path / "snap" / "thunder-store.npz").exists()  # the shutdown snapshot
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        assert process.stderr is not None
        process.stderr.close()
