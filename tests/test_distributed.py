"""`check --distributed`: TLC's TLCServer and two local workers on loopback, real TLC.

Same verdict and distinct-state count as the single-process run, a counterexample
parsed and rendered, the server's sockets bound only to the address given, and
nothing dsqspec started left running afterwards (also after `kill -9` and a
timeout).  Only loopback addresses are used.  Run this file alone (~60 s).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tlc_runner.distributed import Endpoint, parse_endpoint
from tlc_runner.errors import UsageError
from tlc_runner.outcome import stats_from, tlc_version
from tlc_runner.tool_frames import parse_frames
from tlc_runner.trace_parse import trace_from_messages

from conftest import dsqspec, fixture_text

HOLDS = ["--variant", "fixed", "--procs", "2", "--folios", "2", "--actors", "free,migrate", "--atomic-init"]
VIOLATES = ["--variant", "v6.11", "--procs", "2", "--folios", "2", "--actors", "free",
            "--property", "NoUseAfterFree"]
RUN = ["--quiet", "--workers", "1", "--heap", "1g"]
SLACK = 60.0


def free_port_pair() -> int:
    """A port P on 127.0.0.1 with P+1 free too (the server listens on both)."""
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        if port >= 65534:
            continue
        try:
            with socket.socket() as a, socket.socket() as b:
                a.bind(("127.0.0.1", port))
                b.bind(("127.0.0.1", port + 1))
            return port
        except OSError:
            continue
    raise AssertionError("no free pair of loopback ports")


def children(pid: int) -> list[int]:
    """Processes whose parent is `pid`."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def cmdline(pid: int) -> str:
    try:
        return (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def alive(pid: int) -> bool:
    """Running, not a zombie, and still a JVM of ours (not a reused pid)."""
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z" and "DsqspecTLC" in cmdline(pid)


def listening(pid: int) -> set[tuple[str, int]]:
    """(address, port) of every TCP socket in LISTEN that process `pid` holds (/proc/net/tcp, tcp6)."""
    inodes = set()
    try:
        for fd in (Path("/proc") / str(pid) / "fd").iterdir():
            target = os.readlink(fd)
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
    except OSError:
        return set()
    found = set()
    for table, v6 in (("/proc/net/tcp", False), ("/proc/net/tcp6", True)):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] != "0A" or fields[9] not in inodes:
                continue
            hex_addr, hex_port = fields[1].split(":")
            raw = bytes.fromhex(hex_addr)
            if v6:  # four little-endian 32-bit words
                raw = b"".join(raw[i:i + 4][::-1] for i in range(0, 16, 4))
                address = socket.inet_ntop(socket.AF_INET6, raw)
                address = address.removeprefix("::ffff:")
            else:
                address = socket.inet_ntop(socket.AF_INET, raw[::-1])
            found.add((address, int(hex_port, 16)))
    return found


class Watcher:
    """Runs dsqspec, and meanwhile records its JVMs and the sockets each listens on."""

    def __init__(self, args: list[str]) -> None:
        self.process = subprocess.Popen([sys.executable, "-m", "tlc_runner.cli", *args],
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.jvms: dict[int, str] = {}
        self.sockets: dict[int, set[tuple[str, int]]] = {}
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        while self.process.poll() is None:
            for pid in children(self.process.pid):
                line = cmdline(pid)
                if "DsqspecTLC" in line:
                    self.jvms[pid] = line
                    self.sockets.setdefault(pid, set()).update(listening(pid))
            time.sleep(0.2)

    def server(self) -> int:
        return next(pid for pid, line in self.jvms.items() if "--server" in line)

    def workers(self) -> list[int]:
        return [pid for pid, line in self.jvms.items() if "--worker" in line]

    def finish(self, timeout: float = 120) -> tuple[int, str, str]:
        out, err = self.process.communicate(timeout=timeout)
        self._thread.join(timeout=5)
        return self.process.returncode, out, err


def single(args: list[str], out: Path) -> dict:
    done = dsqspec("check", *args, *RUN, "--out", str(out), timeout=300)
    assert done.returncode in (0, 1), done.stderr
    return json.loads((out / "run.json").read_text())


def assert_all_gone(watcher: Watcher) -> None:
    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in watcher.jvms) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not [pid for pid in watcher.jvms if alive(pid)], "a JVM dsqspec started is still running"


@pytest.mark.parametrize("model, expected", [(HOLDS, 0), (VIOLATES, 1)], ids=["holds", "violates"])
def test_server_and_two_workers_agree_with_one_process(tmp_path, model, expected):
    reference = single(model, tmp_path / "single")
    port = free_port_pair()
    watcher = Watcher(["check", "--distributed", "--listen", f"127.0.0.1:{port}", "--local-workers", "2",
                       *model, *RUN, "--out", str(tmp_path / "dist")])
    code, out, err = watcher.finish()
    assert code == expected, err
    run = json.loads((tmp_path / "dist" / "run.json").read_text())
    assert run["outcome"] == reference["outcome"]
    if expected == 0:
        assert run["distinct"] == reference["distinct"] > 0
        assert "no violation" in out and f"{reference['distinct']:,} distinct states" in out
    else:
        assert "NoUseAfterFree violated" in out and "<-- NoUseAfterFree broken" in out
        trace = trace_from_messages(parse_frames((tmp_path / "dist" / "tlc.log").read_text()))
        assert trace.violation.name == "NoUseAfterFree" and len(trace.states) > 2
        assert trace.states[0].action == "Initial predicate"
        assert [s.action for s in trace.states[1:]].count("Initial predicate") == 0
    assert f"dsqspec worker --server 127.0.0.1:{port}" in err  # the command another machine runs
    assert len(watcher.workers()) == 2 and (tmp_path / "dist" / "worker-1.log").is_file()
    # The server listened on the address given and nowhere else; the workers on loopback.
    assert watcher.sockets[watcher.server()] == {("127.0.0.1", port), ("127.0.0.1", port + 1)}
    # (a worker that starts after a quick violation was found never listens at all)
    assert any(watcher.sockets[pid] for pid in watcher.workers())
    for pid in watcher.workers():
        assert all(addr == "127.0.0.1" for addr, _ in watcher.sockets[pid])
    assert_all_gone(watcher)


def test_kill_9_of_dsqspec_takes_server_and_workers_with_it(tmp_path):
    port = free_port_pair()
    long_model = ["--variant", "fixed", "--procs", "3", "--folios", "3", "--actors", "free,migrate",
                  "--atomic-init"]
    watcher = Watcher(["check", "--distributed", "--listen", f"127.0.0.1:{port}", *long_model, *RUN,
                       "--out", str(tmp_path / "dist")])
    deadline = time.monotonic() + SLACK
    while len([p for p in watcher.workers() if watcher.sockets.get(p)]) < 2:
        assert time.monotonic() < deadline and watcher.process.poll() is None, "workers never joined"
        time.sleep(0.2)
    os.kill(watcher.process.pid, signal.SIGKILL)
    watcher.finish()
    assert len(watcher.jvms) == 3
    assert_all_gone(watcher)


def test_timeout_without_workers_stops_the_server(tmp_path):
    watcher = Watcher(["check", "--distributed", "--listen", f"127.0.0.1:{free_port_pair()}",
                       "--local-workers", "0", *HOLDS, *RUN, "--timeout", "4", "--out", str(tmp_path / "d")])
    code, _, err = watcher.finish()
    assert code == 4, err
    assert "timed out after 4s" in err.splitlines()[-1]
    assert (tmp_path / "d" / "tlc.log").is_file()
    assert_all_gone(watcher)


@pytest.mark.parametrize("listen, why", [
    ("0.0.0.0", "every interface"), ("[::]:5000", "every interface"), ("localhost", "not an IP address"),
    ("127.0.0.1:0", "port must be"), ("127.0.0.1:99999", "port must be"),
])
def test_listen_refuses_what_is_not_one_address(listen, why):
    with pytest.raises(UsageError, match=why):
        parse_endpoint(listen, "--listen", 10997)


def test_listen_forms():
    assert parse_endpoint("127.0.0.1", "--listen", 10997) == Endpoint("127.0.0.1", 10997)
    assert parse_endpoint("127.0.0.2:4000", "--listen", 10997) == Endpoint("127.0.0.2", 4000)
    assert str(parse_endpoint("[::1]:4000", "--listen", 10997)) == "[::1]:4000"
    assert parse_endpoint("::1", "--listen", 10997) == Endpoint("::1", 10997)


def test_bad_listen_on_the_command_line_is_one_line_and_exit_2():
    for args in (["--distributed", "--listen", "0.0.0.0"], ["--listen", "127.0.0.1"],
                 ["--distributed", "--local-workers", "-1"]):
        done = dsqspec("check", *args, "--procs", "1", "--folios", "1", timeout=60)
        assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1, done.stderr
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        done = dsqspec("check", "--distributed", "--listen", f"127.0.0.1:{busy.getsockname()[1]}",
                       "--procs", "1", "--folios", "1", timeout=60)
    assert done.returncode == 2 and "in use" in done.stderr, done.stderr


def test_captured_server_output_parses():
    """tests/fixtures/capture.sh: TLCServer's banner is unframed, the violation follows the behaviour."""
    messages = parse_frames(fixture_text("v6.11-2x2-distributed.tool.log"))
    trace = trace_from_messages(messages)
    assert trace.violation.name == "NoUseAfterFree" and len(trace.states) == 14
    assert tlc_version(messages).startswith("TLC2 Version 2.18 of 20 March 2023")
    assert stats_from(messages).distinct > 0


def test_the_printed_worker_command_joins_from_outside(tmp_path):
    """`dsqspec worker`, as another machine runs it (here on loopback), is the only worker."""
    port = free_port_pair()
    watcher = Watcher(["check", "--distributed", "--listen", f"127.0.0.1:{port}", "--local-workers", "0",
                       *VIOLATES, *RUN, "--out", str(tmp_path / "dist")])
    worker = Watcher(["worker", "--server", f"127.0.0.1:{port}", "--listen", "127.0.0.1", "--threads", "1",
                      "--heap", "1g"])
    code, out, err = watcher.finish()
    assert code == 1 and "NoUseAfterFree violated" in out, err
    worker_code, worker_out, worker_err = worker.finish(timeout=SLACK)
    assert worker_code == 0, worker_out + worker_err
    assert "released this worker" in worker_out
    assert all(addr == "127.0.0.1" for pid in worker.jvms for addr, _ in worker.sockets.get(pid, ()))
    assert_all_gone(watcher)
    assert_all_gone(worker)
