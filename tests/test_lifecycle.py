"""TLC's life as a process: signals, a parent killed outright, the network, a broken java,
a full disk, bytes that are not UTF-8, JVM start failures, and bugs in dsqspec itself.

The contract under test (README "Exit codes"): one line on stderr, the documented exit
code, no traceback, no java process left running, TLC's raw log kept.  Every test but the
pump's starts real TLC on a real rendered spec; run them one at a time.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from tlc_runner import toolchain
from tlc_runner.errors import EnvironmentProblem, TlcFailed
from tlc_runner.launcher import launcher_classpath
from tlc_runner.model_options import ModelOptions
from tlc_runner.render import render
from tlc_runner.tlc_process import TlcInvocation, run_tlc

from conftest import dsqspec

# Holds, and takes minutes with one worker: still running whenever a test signals it.
LONG = ["--variant", "fixed", "--procs", "3", "--folios", "3", "--atomic-init",
        "--actors", "free,migrate", "--quiet", "--workers", "1", "--heap", "1g"]
SMALL = ["--variant", "underused", "--procs", "2", "--folios", "2", "--actors", "free,migrate",
         "--atomic-init", "--quiet", "--workers", "1", "--heap", "1g"]
SLACK = 60.0  # seconds; the machine running the tests may be loaded


def java_pids_naming(folder: Path) -> list[int]:
    """Processes whose command line names `folder` and runs java (TLC's JVM)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if argv and argv[0].endswith(b"java") and str(folder).encode() in b" ".join(argv):
            pids.append(int(entry.name))
    return pids


def wait_for(predicate, timeout: float = SLACK, step: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return bool(predicate())


def _default_signals() -> None:
    """The child dsqspec starts with default dispositions even if pytest was started by nohup or `&`."""
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, signal.SIG_DFL)


def start_dsqspec(args: list[str], runs_dir: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "tlc_runner.cli", "check", *args],
                            env={**os.environ, "DSQSPEC_RUNS": str(runs_dir)}, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, preexec_fn=_default_signals)


def wait_until_tlc_explores(runs_dir: Path) -> tuple[Path, int]:
    """The run folder and TLC's pid, once TLC has computed its initial states (its FPSet exists)."""
    assert wait_for(lambda: runs_dir.is_dir() and java_pids_naming(runs_dir)), "TLC never started"
    run_dir = next(runs_dir.iterdir())
    log = run_dir / "tlc.log"
    assert wait_for(lambda: b"Finished computing initial states" in log.read_bytes()), log.read_text()
    return run_dir, java_pids_naming(runs_dir)[0]


@pytest.fixture()
def no_java_left(runs_dir):
    """After the test: no JVM of this test's runs may be alive; kill (by pid) any that is."""
    yield
    left = java_pids_naming(runs_dir)
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert not left, f"java left running: {left}"


@pytest.mark.parametrize("sig, code", [(signal.SIGTERM, 143), (signal.SIGHUP, 129)], ids=["SIGTERM", "SIGHUP"])
def test_stop_signal_kills_tlc_keeps_only_its_log_and_says_so(runs_dir, jar, no_java_left, sig, code):
    proc = start_dsqspec(LONG, runs_dir)
    try:
        run_dir, _ = wait_until_tlc_explores(runs_dir)
        time.sleep(1.0)
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=SLACK)
    finally:
        proc.kill()
    assert proc.returncode == code, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and signal.Signals(sig).name in lines[0] and "tlc.log" in lines[0], err
    assert "Traceback" not in err
    assert wait_for(lambda: not java_pids_naming(runs_dir)), "TLC outlived dsqspec"
    assert [p.name for p in run_dir.iterdir()] == ["tlc.log"]
    assert "TLC2 Version 2.18" in (run_dir / "tlc.log").read_text()


def test_kill_9_of_dsqspec_takes_tlc_with_it(runs_dir, jar, no_java_left):
    proc = start_dsqspec(LONG, runs_dir)
    try:
        run_dir, _ = wait_until_tlc_explores(runs_dir)
        proc.kill()
        proc.communicate(timeout=SLACK)
    finally:
        proc.kill()
    # The kernel kills TLC at once.  Without that, TLC lives on until it next writes to its
    # broken pipe: its progress report, a minute after it started, or the end of the run.
    assert wait_for(lambda: not java_pids_naming(runs_dir), timeout=15), "TLC outlived a kill -9 of dsqspec"
    assert (run_dir / "tlc.log").is_file()


def _tcp_listen_inodes() -> set[str]:
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            rows = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            fields = row.split()
            if len(fields) > 9 and fields[3] == "0A":  # TCP_LISTEN
                inodes.add(fields[9])
    return inodes


def _socket_inodes_of(pid: int) -> set[str]:
    found = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            found.add(target[len("socket:["):-1])
    return found


def test_tlc_listens_on_no_tcp_port(runs_dir, jar, no_java_left):
    """TLC's fingerprint set is an RMI object; a plain `java tlc2.TLC` listens on every interface."""
    proc = start_dsqspec(LONG, runs_dir)
    try:
        _, pid = wait_until_tlc_explores(runs_dir)
        for _ in range(5):
            listening = _socket_inodes_of(pid) & _tcp_listen_inodes()
            assert not listening, f"TLC's JVM {pid} listens on TCP (socket inodes {listening})"
            time.sleep(0.5)
        assert proc.poll() is None, "the model finished before it could be looked at"
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=SLACK)
    finally:
        proc.kill()
    assert proc.returncode == 143


def _fake_java_home(tmp_path: Path, body: bytes, mode: int) -> Path:
    home = tmp_path / "jdk"
    (home / "bin").mkdir(parents=True)
    java = home / "bin" / "java"
    java.write_bytes(body)
    java.chmod(mode)
    return home


@pytest.mark.parametrize("body, mode, needle", [
    (b"#!/bin/sh\necho not java\n", 0o644, "is not executable"),
    (b"#!/bin/sh\necho 'hello from a shell script'\n", 0o755, "is not a working Java runtime"),
    (b"\x7fELF\x02\x01\x01 definitely not a program", 0o755, "Exec format error"),
    (b'#!/bin/sh\necho \'openjdk version "1.8.0_402"\' >&2\n', 0o755, "TLC needs Java >= 11"),
])
def test_java_that_cannot_run_tlc_exits_3(tmp_path, runs_dir, jar, body, mode, needle):
    home = _fake_java_home(tmp_path, body, mode)
    proc = dsqspec("check", *SMALL, env={"JAVA_HOME": str(home)})
    assert proc.returncode == 3, proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and needle in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr


def test_a_heap_the_jvm_refuses_shows_the_jvms_reason_and_exits_4(runs_dir, jar):
    proc = dsqspec("check", *SMALL, "--heap", "1k")
    assert proc.returncode == 4, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "Java could not start TLC" in lines[0], proc.stderr
    assert "maximum heap" in lines[0] and "bad command line" not in lines[0], proc.stderr
    assert (Path(lines[0].rsplit("raw output kept in ", 1)[1])).is_file()


@pytest.mark.parametrize("option, value", [
    ("--timeout", "nan"), ("--timeout", "inf"), ("--timeout", "-inf"), ("--timeout", "0"),
    ("--timeout", "-3"), ("--heap", "lots"), ("--heap", "6gb"), ("--heap", "-1g"), ("--heap", ""),
    ("--heap", "0"),
])
def test_run_options_tlc_cannot_use_exit_2_before_any_run(runs_dir, option, value):
    proc = dsqspec("check", *SMALL, option, value)
    assert proc.returncode == 2, proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and option in proc.stderr, proc.stderr
    assert not runs_dir.exists()


def _invocation(tmp_path: Path, run_dir: Path, java: str | None = None) -> TlcInvocation:
    spec = render(ModelOptions(variant="underused", procs=2, folios=2, actors=("free", "migrate"),
                               atomic_init=True))
    spec.write(run_dir)
    real_java = toolchain.checked_java()
    jar = toolchain.verified_jar()
    return TlcInvocation(java or real_java, jar, spec.module, 1, "1g",
                         launcher=launcher_classpath(real_java, jar, tmp_path / "launcher"))


def test_full_disk_for_tlc_log_is_one_line_naming_it_exit_4(tmp_path, jar):
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    (run_dir / "tlc.log").symlink_to("/dev/full")
    invocation = _invocation(tmp_path, run_dir)
    with pytest.raises(TlcFailed) as err:
        run_tlc(invocation, run_dir)
    assert err.value.exit_code == 4
    assert "tlc.log" in str(err.value) and "No space left on device" in str(err.value)
    assert "\n" not in str(err.value)
    assert not java_pids_naming(run_dir)


FAKE_JAVA = """\
#!{python}
# Stands in for java ONLY to test the pump: TLC-shaped frames, bytes that are not UTF-8,
# and far more output than a pipe holds.
import sys, time
out = sys.stdout.buffer
out.write(b"@!@!@STARTMSG 2262:0 @!@!@\\nTLC2 Version 2.18 of 20 March 2023\\n@!@!@ENDMSG 2262 @!@!@\\n")
out.write(b"@!@!@STARTMSG 1000:0 @!@!@\\ncaf\\xe9 \\xff\\xfe latin-1 and garbage\\n@!@!@ENDMSG 1000 @!@!@\\n")
for i in range(20000):
    out.write(b"filler line %d \\x80\\x81 to fill the pipe many times over\\n" % i)
out.flush()
time.sleep({sleep})
"""


def _fake_java(tmp_path: Path, sleep: float) -> Path:
    script = tmp_path / "fake-java"
    script.write_text(FAKE_JAVA.format(python=sys.executable, sleep=sleep))
    script.chmod(0o755)
    return script


def test_pump_keeps_bytes_that_are_not_utf8_and_drains_the_pipe(tmp_path, jar):
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    invocation = _invocation(tmp_path, run_dir, java=str(_fake_java(tmp_path, 0)))
    invocation.timeout = SLACK
    result = run_tlc(invocation, run_dir)
    assert result.exit_code == 0
    raw = (run_dir / "tlc.log").read_bytes()
    assert b"caf\xe9 \xff\xfe latin-1" in raw and raw.count(b"filler line") == 20000
    bodies = [m.body for m in result.messages if m.code == 1000]
    assert bodies == ["caf\ufffd \ufffd\ufffd latin-1 and garbage"]


def test_log_that_cannot_be_written_mid_run_stops_tlc_at_once(tmp_path, jar):
    """A file-size limit makes tlc.log fail after its first 4 KiB, as a full disk would."""
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    fake = _fake_java(tmp_path, sleep=600)
    driver = textwrap.dedent(f"""
        import resource, sys, time
        from pathlib import Path
        from tlc_runner.tlc_process import TlcInvocation, run_tlc
        from tlc_runner.errors import TlcFailed
        inv = TlcInvocation({str(fake)!r}, Path({str(jar)!r}), "M", 1, "1g", timeout=600)
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
        started = time.monotonic()
        try:
            run_tlc(inv, Path({str(run_dir)!r}))
        except TlcFailed as err:
            print(err.exit_code, round(time.monotonic() - started), err)
    """)
    done = subprocess.run([sys.executable, "-c", driver], capture_output=True, text=True,
                          timeout=SLACK * 3, cwd=Path(__file__).parent.parent)
    assert done.returncode == 0, done.stderr
    code, seconds, message = done.stdout.strip().split(" ", 2)
    assert code == "4" and "tlc.log" in message and "File too large" in message and "TLC stopped" in message
    assert int(seconds) < SLACK
    assert not [pid for pid in java_pids_naming(tmp_path)]
    survivors = subprocess.run(["pgrep", "-f", str(fake)], capture_output=True, text=True).stdout.split()
    assert not survivors, f"the fake TLC {survivors} was not stopped"


def test_a_bug_in_dsqspec_is_one_line_and_exit_5_never_0_or_1(monkeypatch, tmp_path):
    """The top-level guard: any exception no command expected."""
    import tlc_runner.cli as cli

    def broken(*_args, **_kwargs):
        raise RuntimeError("a bug\nover two lines")

    monkeypatch.setattr(cli, "render", broken)
    result = CliRunner().invoke(cli.main, ["render", "--out", str(tmp_path / "out")])
    assert result.exit_code == 5, result.output
    assert result.output.strip().splitlines() == [
        "dsqspec: internal error: RuntimeError: a bug over two lines (please report it)"]


def test_non_utf8_bytes_in_a_spec_do_not_break_a_real_run(tmp_path, jar):
    """Real TLC on a tiny spec that prints Latin-1 bytes: Java reads the spec as UTF-8 and
    replaces them itself, so what reaches the pump is valid; the run ends with TLC's verdict."""
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    (run_dir / "Bytes.tla").write_bytes(
        b"---- MODULE Bytes ----\nEXTENDS TLC\nASSUME PrintT(\"caf\xe9 \xff\xfe end\")\n"
        b"VARIABLE x\nInit == x = 0\nNext == UNCHANGED x\n====\n")
    (run_dir / "Bytes.cfg").write_text("INIT Init\nNEXT Next\n")
    java, jar_path = toolchain.checked_java(), toolchain.verified_jar()
    invocation = TlcInvocation(java, jar_path, "Bytes", 1, "256m",
                               launcher=launcher_classpath(java, jar_path, tmp_path / "launcher"))
    result = run_tlc(invocation, run_dir)
    assert result.exit_code == 0
    assert any("caf" in m.body and "end" in m.body for m in result.messages)
