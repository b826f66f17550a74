"""A small closed-loop HTTP load generator and a gunicorn launcher, for the benchmarks in bench/."""
from __future__ import annotations

import http.client
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(env: dict, *, workers: int, port: int, own_group: bool = False) -> subprocess.Popen:
    """gunicorn serving wsgi:app from the checkout, waiting until /healthz answers; `own_group` puts
    the master and its workers in a process group of their own (to kill them all with os.killpg)."""
    command = [str(Path(sys.executable).parent / "gunicorn"), "-w", str(workers), "-b", f"127.0.0.1:{port}",
               "--log-level", "warning", "wsgi:app"]
    process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env}, start_new_session=own_group)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("gunicorn did not start")


def run_load(port: int, next_path: Callable[[], str], *, clients: int, seconds: float) -> dict:
    """`clients` threads, each with one keep-alive connection, requesting paths for `seconds`."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine, failed = [], 0
        while time.monotonic() < stop_at:
            started = time.perf_counter()
            connection.request("GET", next_path(), headers={"Accept-Encoding": "gzip"})
            response = connection.getresponse()
            response.read()
            mine.append(time.perf_counter() - started)
            failed += response.status >= 500
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    threads = [threading.Thread(target=client) for _ in range(clients)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - began
    return summarize(latencies, elapsed, errors[0])


def visit_all(port: int, paths: list[str], *, clients: int) -> None:
    """Request every path once, spread over `clients` keep-alive connections."""
    remaining = list(paths)
    lock = threading.Lock()

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while True:
            with lock:
                if not remaining:
                    return
                path = remaining.pop()
            connection.request("GET", path, headers={"Accept-Encoding": "gzip"})
            connection.getresponse().read()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def summarize(latencies: list[float], elapsed: float, errors: int = 0) -> dict:
    ordered = sorted(latencies)

    def pick(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000 if ordered else float("nan")

    return {"requests": len(ordered), "rps": len(ordered) / elapsed if elapsed else 0.0,
            "p50_ms": pick(0.50), "p95_ms": pick(0.95),
            "mean_ms": statistics.fmean(ordered) * 1000 if ordered else 0,
            "errors": errors}


def row(name: str, figures: dict) -> str:
    return (f"| {name} | {figures['requests']} | {figures['rps']:.1f} | {figures['p50_ms']:.1f} | "
            f"{figures['p95_ms']:.1f} | {figures['errors']} |")


WRK_SCRIPT = """
local paths = {}
for line in io.lines(os.getenv("GLOBE_WRK_PATHS")) do paths[#paths + 1] = line end
math.randomseed(11)
request = function() return wrk.format("GET", paths[math.random(#paths)], {["Accept-Encoding"] = "gzip"}) end
done = function(summary, latency, requests)
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout
  io.write(string.format("GLOBE %d %f %f %f %d\\n", summary.requests, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, errors))
end
"""


def run_wrk(port: int, paths: list[str], *, clients: int, seconds: float) -> dict | None:
    """The same measurement with wrk (a C load generator that leaves the CPU to the server), if installed."""
    wrk = shutil.which("wrk")
    if wrk is None:
        return None
    with tempfile.TemporaryDirectory() as folder:
        script, path_file = Path(folder) / "globe.lua", Path(folder) / "paths.txt"
        script.write_text(WRK_SCRIPT)
        path_file.write_text("\n".join(paths) + "\n")
        result = subprocess.run([wrk, "-t", "2", "-c", str(clients), "-d", f"{max(1, round(seconds))}s",
                                 "-s", str(script), f"http://127.0.0.1:{port}"], capture_output=True, text=True,
                                env={**os.environ, "GLOBE_WRK_PATHS": str(path_file)}, check=True)
    line = next(line for line in result.stdout.splitlines() if line.startswith("GLOBE "))
    requests, duration, p50, p95, errors = line.split()[1:]
    return {"requests": int(requests), "rps": int(requests) / float(duration), "p50_ms": float(p50),
            "p95_ms": float(p95), "mean_ms": float("nan"), "errors": int(errors)}
