"""The CLI as users meet it: CliRunner and real subprocesses, real TLC, every bad input."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from tlc_runner.cli import main

from conftest import dsqspec

SMALL = ["--variant", "underused", "--procs", "2", "--folios", "2", "--actors", "free,migrate",
         "--atomic-init", "--quiet", "--workers", "1"]
HOLDS = ["--variant", "fixed", "--procs", "2", "--folios", "2", "--actors", "free,migrate",
         "--atomic-init", "--quiet", "--workers", "1"]


def invoke(*args, env=None):
    return CliRunner().invoke(main, list(args), env=env)


def test_variants_lists_every_variant_with_commit_and_expectation():
    result = invoke("variants")
    assert result.exit_code == 0
    for name in ("v6.11", "underused", "safe-prev", "fixed", "locked", "folio-batch"):
        assert name in result.output
    assert "a3477c9e02cc" in result.output and "dafff3f4c850" in result.output


def test_help_documents_exit_codes():
    result = invoke("--help")
    assert result.exit_code == 0 and "130 interrupted" in result.output and "3   environment" in result.output


def test_render_writes_a_standalone_pair(tmp_path):
    result = invoke("render", "--variant", "safe-prev", "--procs", "3", "--folios", "3", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    tla = next(tmp_path.glob("*.tla")).read_text()
    cfg = next(tmp_path.glob("*.cfg")).read_text()
    assert "MODULE DeferredSplit_safe_prev_3p3f" in tla and "deferred_split_scan" in tla
    # each compiled step quotes its C line
    assert "list_del_init(&folio->_deferred_list);" in tla and "VIEW View" in cfg and "INVARIANT" in cfg


def test_clean_pass_reports_state_counts_and_removes_its_run(runs_dir, jar):
    result = invoke("check", *HOLDS)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("no violation:") and "distinct states" in result.output
    assert not runs_dir.exists() or not any(runs_dir.iterdir())


def test_violation_exits_1_keeps_the_run_and_rerenders_in_every_format(runs_dir, jar):
    result = invoke("check", *SMALL, "--format", "markdown")
    assert result.exit_code == 1, result.output
    run_dir = next(runs_dir.iterdir())
    assert (run_dir / "tlc.log").is_file() and (run_dir / "run.json").is_file()
    assert "```" in result.output and "CPU0" in result.output
    for fmt in ("text", "markdown", "json", "itf"):
        again = invoke("trace", "render", str(run_dir), "--format", fmt)
        assert again.exit_code == 0, again.output
        assert again.output.strip()


@pytest.mark.parametrize("args, needle", [
    (["--variant", "v6.99"], "valid: v6.11, underused"),
    (["--procs", "0"], "--procs must be 1..4"),
    (["--procs", "5"], "--procs must be 1..4"),
    (["--folios", "6"], "--folios must be 1..5"),
    (["--shrinkers", "3", "--procs", "2"], "--shrinkers must be"),
    (["--actors", "free,teleport"], "unknown actor 'teleport'"),
    (["--actors", ""], "--actors names no owner path"),
    (["--actors", " , "], "--actors names no owner path"),
    (["--property", "Liveness"], "unknown property 'Liveness'"),
    (["--procs", "two"], "is not a valid integer"),
    (["--workers", "0"], "--workers must be 1..1024"),
    (["--workers", "100000"], "--workers must be 1..1024"),
])
def test_bad_model_options_exit_2_with_one_line(args, needle):
    proc = dsqspec("check", *args)
    assert proc.returncode == 2, proc.stderr
    assert needle in proc.stderr and "Traceback" not in proc.stderr


def test_unwritable_output_folder_exits_2(tmp_path):
    locked = tmp_path / "ro"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        proc = dsqspec("render", "--out", str(locked / "sub"))
        if os.geteuid() == 0:  # root writes anyway; use a path under a file instead
            proc = dsqspec("render", "--out", str(Path("/proc/version") / "x"))
        assert proc.returncode == 2 and "cannot write to output folder" in proc.stderr
        assert "Traceback" not in proc.stderr
    finally:
        locked.chmod(0o700)


def test_missing_jar_exits_3(tmp_path):
    proc = dsqspec("check", *SMALL, "--jar", str(tmp_path / "nope.jar"))
    assert proc.returncode == 3 and "TLC jar not found" in proc.stderr and "dsqspec tlc install" in proc.stderr


def test_corrupt_jar_exits_3(tmp_path):
    bad = tmp_path / "tla2tools.jar"
    bad.write_bytes(b"PK\x03\x04 not really a jar")
    proc = dsqspec("check", *SMALL, env={"TLA2TOOLS_JAR": str(bad)})
    assert proc.returncode == 3 and "sha256" in proc.stderr and "Traceback" not in proc.stderr


def test_a_pinned_java_that_is_missing_exits_3(tmp_path, jar):
    env = {"DSQSPEC_JAVA": str(tmp_path / "no-such-java")}
    proc = subprocess.run([sys.executable, "-m", "tlc_runner.cli", "check", *SMALL], capture_output=True,
                          text=True, env={**os.environ, **env})
    assert proc.returncode == 3 and f"{tmp_path / 'no-such-java'} is not executable" in proc.stderr


def test_doctor_reports_the_pinned_tlc(jar):
    proc = dsqspec("doctor")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "TLC2 Version 2.18 of 20 March 2023" in proc.stdout and "matches the pin" in proc.stdout


def test_doctor_exits_3_with_the_fix_when_the_jar_is_missing(tmp_path):
    proc = dsqspec("doctor", "--jar", str(tmp_path / "missing.jar"))
    assert proc.returncode == 3 and "dsqspec tlc install" in proc.stderr


def test_tlc_install_is_idempotent_and_verifies(jar):
    proc = dsqspec("tlc", "install")
    assert proc.returncode == 0, proc.stderr
    assert "fc0a7b69b35076b4aeef54228a62fce9ca035f81a19619f5ed3f023f78c803b3" in proc.stdout
    assert "Version 2.18 of 20 March 2023" in proc.stdout


def test_timeout_exits_4_and_keeps_raw_output(runs_dir, jar):
    proc = dsqspec("check", "--variant", "fixed", "--procs", "3", "--folios", "3", "--atomic-init",
                   "--actors", "free,migrate", "--quiet", "--timeout", "3", env={"DSQSPEC_RUNS": str(runs_dir)})
    assert proc.returncode == 4 and "timed out after 3s" in proc.stderr
    log = next(runs_dir.iterdir()) / "tlc.log"
    assert "TLC2 Version 2.18" in log.read_text()


def test_jvm_that_cannot_start_is_a_tlc_failure(runs_dir, jar):
    proc = dsqspec("check", *SMALL, "--heap", "1k", env={"DSQSPEC_RUNS": str(runs_dir)})
    assert proc.returncode == 4 and "raw output kept in" in proc.stderr and "Traceback" not in proc.stderr


def test_unparsable_tlc_output_exits_4(runs_dir, jar, tmp_path):
    """A counterexample frame cut short: dsqspec says so and keeps the log."""
    from tlc_runner.check import interpret
    from tlc_runner.errors import TlcFailed
    from tlc_runner.tool_frames import parse_frames

    text = (Path(__file__).parent / "fixtures" / "underused-2x2.tool.log").read_text()
    broken = text.replace("/\\ lock = ", "/\\ lock = <<", 1)
    with pytest.raises(TlcFailed) as err:
        interpret(12, parse_frames(broken), tmp_path / "tlc.log")
    assert err.value.exit_code == 4 and "cannot parse TLC's counterexample" in str(err.value)


def test_two_checks_started_together_do_not_interfere(runs_dir, jar):
    env = {**os.environ, "DSQSPEC_RUNS": str(runs_dir)}
    cmd = [sys.executable, "-m", "tlc_runner.cli", "check"]
    procs = [subprocess.Popen(cmd + SMALL, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True),
             subprocess.Popen(cmd + SMALL, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)]
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [1, 1], outs
    assert outs[0][0] == outs[1][0]  # same model, same counterexample
    assert len(list(runs_dir.iterdir())) == 2


def _java_processes_under(folder: Path) -> list[str]:
    found = subprocess.run(["pgrep", "-af", "java"], capture_output=True, text=True).stdout
    return [line for line in found.splitlines() if str(folder) in line]


def _sigint_as_from_a_terminal() -> None:
    """In the child: SIGINT back to its default, which a test run started with `&` or nohup ignores
    (Python then installs no KeyboardInterrupt handler and Ctrl-C would do nothing)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_ctrl_c_stops_tlc_and_keeps_only_the_raw_log(runs_dir, jar):
    env = {**os.environ, "DSQSPEC_RUNS": str(runs_dir)}
    proc = subprocess.Popen([sys.executable, "-m", "tlc_runner.cli", "check", "--variant", "fixed",
                             "--procs", "3", "--folios", "3", "--atomic-init", "--actors", "free,migrate",
                             "--quiet", "--workers", "1", "--heap", "1g"], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, preexec_fn=_sigint_as_from_a_terminal)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not _java_processes_under(runs_dir):
            time.sleep(0.2)
        assert _java_processes_under(runs_dir), "TLC never started"
        time.sleep(1.0)
        sent = time.monotonic()
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.terminate()  # dsqspec stops its TLC on SIGTERM
            proc.communicate(timeout=30)
    assert proc.returncode == 130 and "interrupted" in err
    assert len(err.strip().splitlines()) == 1, err
    assert time.monotonic() - sent < 10
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and _java_processes_under(runs_dir):
        time.sleep(0.2)
    assert not _java_processes_under(runs_dir)
    run_dir = next(runs_dir.iterdir())
    assert [p.name for p in run_dir.iterdir()] == ["tlc.log"]
