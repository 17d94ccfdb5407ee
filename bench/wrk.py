"""wrk: install it if missing, run it, read its ``--latency`` report."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass

UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def ensure() -> str:
    """The path of wrk, installing the Debian package first if it is missing."""
    path = shutil.which("wrk")
    if path:
        return path
    print("wrk is missing: installing the Debian package (apt-get install -y wrk) …", flush=True)
    subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=False, stdout=subprocess.DEVNULL)  # noqa: S607
    path = shutil.which("wrk")
    if not path:
        subprocess.run(["apt-get", "update", "-q"], check=False, stdout=subprocess.DEVNULL)  # noqa: S607
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True, stdout=subprocess.DEVNULL)  # noqa: S607
        path = shutil.which("wrk")
    if not path:
        raise RuntimeError("wrk could not be installed; install it (apt-get install wrk) and run again.")
    print(f"wrk installed at {path}", flush=True)
    return path


@dataclass
class Result:
    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p99_ms: float
    bad_status: int  # answers wrk counts as neither 2xx nor 3xx
    socket_errors: int  # connect, read, write errors and timeouts together
    timeouts: int


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * UNITS_MS[unit]


def parse(output: str) -> Result:
    done = re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m)", output)
    if not done:
        raise ValueError(f"cannot read wrk's report:\n{output}")
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    p50 = re.search(r"^\s+50%\s+(\S+)", output, re.MULTILINE)
    p99 = re.search(r"^\s+99%\s+(\S+)", output, re.MULTILINE)
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    return Result(
        requests=int(done.group(1)),
        seconds=float(done.group(2)) * UNITS_MS[done.group(3)] / 1000,
        rps=float(rps.group(1)) if rps else 0.0,
        p50_ms=_ms(p50.group(1)) if p50 else float("nan"),
        p99_ms=_ms(p99.group(1)) if p99 else float("nan"),
        bad_status=int(bad.group(1)) if bad else 0,
        socket_errors=sum(int(n) for n in errors.groups()) if errors else 0,
        timeouts=int(errors.group(4)) if errors else 0,
    )


def run(
    wrk: str,
    url: str,
    headers: dict[str, str],
    *,
    duration: int,
    threads: int = 2,
    connections: int = 16,
    timeout: int = 60,
) -> tuple[Result, str]:
    argv = [wrk, f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency", f"--timeout={timeout}s"]
    for name, value in headers.items():
        argv += ["-H", f"{name}: {value}"]
    argv.append(url)
    completed = subprocess.run(  # noqa: S603 - our own argv: wrk, its options, a local URL
        argv, capture_output=True, text=True, check=False, timeout=duration + timeout + 30
    )
    output = completed.stdout + completed.stderr
    return parse(output), output
