import subprocess
import sys
import time

from foryou.core.processes import stop_process


def test_a_process_that_ignores_sigterm_is_killed_after_the_timeout() -> None:
    code = "import signal, sys, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); print(flush=True); time.sleep(60)"
    process = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE)
    assert process.stdout is not None
    process.stdout.readline()  # its handler is installed
    started = time.monotonic()
    stop_process(process, timeout_s=0.5)
    assert process.returncode is not None and process.returncode < 0
    assert time.monotonic() - started < 10
    process.stdout.close()


def test_an_exited_process_is_left_alone() -> None:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    stop_process(process, timeout_s=0.5)
    assert process.returncode == 0
