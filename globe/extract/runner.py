"""Runs one extraction in a child Python process with memory, CPU and wall-clock limits.

The child reads its request as JSON on stdin, limits itself, and answers the result as JSON on stdout.
"""
from __future__ import annotations

import json
import logging
import math
import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

from globe.extract.base import DONE, FAILED, ExtractionResult

log = logging.getLogger(__name__)
# Importing the `globe` package would load Flask and SQLAlchemy (a second of start-up, and memory the
# limit must then cover); extraction needs neither, so the child registers a bare `globe` package.
_CHILD_CODE = (
    "import sys, types; package = types.ModuleType('globe'); "
    f"package.__path__ = [{str(Path(__file__).resolve().parents[1])!r}]; "
    "sys.modules['globe'] = package; from globe.extract.runner import main; main()"
)


def run_in_child(
    path: Path, family: str, *, max_chars: int, timeout: float, memory_bytes: int
) -> ExtractionResult:
    """Extract in a child process; every way it can go wrong becomes a FAILED result."""
    request = {
        "path": str(path),
        "family": family,
        "max_chars": max_chars,
        "memory_bytes": memory_bytes,
        "cpu_seconds": math.ceil(timeout) + 1,
    }
    try:
        completed = subprocess.run(
            # -P: never import from the working directory, which may be the uploads folder.
            [sys.executable, "-P", "-c", _CHILD_CODE],
            input=json.dumps(request).encode(),
            capture_output=True,
            timeout=timeout,
            env=_child_environment(),
            check=False,
        )
    except subprocess.TimeoutExpired:  # subprocess.run has already killed the child
        return ExtractionResult.failed(f"Extraction took longer than {timeout:g} seconds.")
    return _read_result(completed)


def _child_environment() -> dict[str, str]:
    """A bare environment: the child parses hostile files and needs none of the app's secrets."""
    return {"PATH": os.defpath}


def _read_result(completed: subprocess.CompletedProcess[bytes]) -> ExtractionResult:
    if completed.returncode == 0:
        try:
            fields = json.loads(completed.stdout)
            result = ExtractionResult(**fields)
        except (ValueError, TypeError):
            result = None
        if result is not None and result.status in (DONE, FAILED):
            return result
    stderr = completed.stderr.decode("utf-8", "replace")
    log.warning("extraction child exited with %s: %s", completed.returncode, stderr[-2000:])
    return ExtractionResult.failed(_crash_reason(completed.returncode, stderr))


def _crash_reason(returncode: int, stderr: str) -> str:
    if "MemoryError" in stderr:
        return "The file needs more memory to read than is allowed."
    if returncode == -signal.SIGXCPU:
        return "Extraction used more processing time than is allowed."
    return "The file could not be read: the extraction process stopped unexpectedly."


def _lower_limit(kind: int, soft: int, hard: int) -> None:
    """Set a resource limit, never above the hard limit already in force."""
    _, current_hard = resource.getrlimit(kind)
    if current_hard != resource.RLIM_INFINITY:
        soft, hard = min(soft, current_hard), min(hard, current_hard)
    resource.setrlimit(kind, (soft, hard))


def main() -> None:
    request = json.load(sys.stdin)
    memory_bytes, cpu_seconds = int(request["memory_bytes"]), int(request["cpu_seconds"])
    _lower_limit(resource.RLIMIT_AS, memory_bytes, memory_bytes)
    # SIGXCPU at the soft limit says why the child stopped; SIGKILL a second later makes sure.
    _lower_limit(resource.RLIMIT_CPU, cpu_seconds, cpu_seconds + 1)
    _lower_limit(resource.RLIMIT_CORE, 0, 0)
    # pypdf warns about every damaged object; nobody reads the child's stderr unless it crashes.
    logging.disable(logging.WARNING)
    from globe.extract import extract_text_inline  # imported here: globe.extract imports this module

    result = extract_text_inline(Path(request["path"]), request["family"], int(request["max_chars"]))
    json.dump(result.to_dict(), sys.stdout)
