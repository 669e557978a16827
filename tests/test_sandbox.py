"""Hypothesis files are data: they run no code, read no file but the model's, and replace none
of it; every bad one ends with one line naming the file (and the line) and exit 2."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tlc_runner.render import SPECS_DIR

from conftest import dsqspec

HEADER = """{#-
name: probe
description: a test hypothesis
base: fixed
expect: unknown
options: procs=2 folios=2 actors=free
source: tests
-#}
{% extends base %}
"""
BODY_LINE = HEADER.count("\n") + 1  # the line a one-line body starts on


def write(folder: Path, name: str, text: str | bytes) -> Path:
    path = folder / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return path


def render(tmp_path: Path, path: Path, *args: str, env: dict | None = None):
    return dsqspec("render", "--hypothesis", str(path), "--out", str(tmp_path / "out"), *args, env=env)


def assert_one_line_exit_2(proc, where: str) -> None:
    assert proc.returncode == 2, proc.stdout + proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert lines[0].startswith(f"dsqspec: {where}"), lines[0]


ESCAPES = [
    # the two the issue reports: a shell command, and a file read into the spec
    '{{ cycler.__init__.__globals__.os.system("touch MARKER") }}',
    '{{ lipsum.__globals__.__builtins__.open("/etc/hostname").read() }}',
    # other ways out of the template: Python internals of the objects it is given
    '{{ R.__class__.__init__.__globals__ }}',
    '{{ opts.__class__.__mro__[-1].__subclasses__() }}',
    '{{ "{0.__class__.__init__.__globals__}".format(R) }}',
    '{{ R._phase }}',
    # mutating what the renderer hands in (the builder's lists, the settings)
    '{{ R.actions.append(1) }}',
    '{{ opts.settings.update({"careful_init": True}) }}',
    # a short line that builds a value far too big for any spec
    '{{ ("x" * 2000000) | length }}',
    '{{ [0] * 10 ** 7 }}',
    '{{ (2 ** 100000) % 7 }}',
]


@pytest.mark.parametrize("body", ESCAPES)
def test_no_hypothesis_escapes_the_sandbox(tmp_path, body):
    marker = tmp_path / "pwned"
    path = write(tmp_path, "probe.tla.j2",
                 HEADER + "{% block free_path %}" + body.replace("MARKER", str(marker)) + "{% endblock %}\n")
    proc = render(tmp_path, path)
    assert_one_line_exit_2(proc, f"{path}:{BODY_LINE}: ")
    assert not marker.exists()
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
    hostname = Path("/etc/hostname").read_text().strip() if Path("/etc/hostname").is_file() else None
    if hostname:
        assert hostname not in proc.stdout + proc.stderr


@pytest.mark.parametrize("name", ["/etc/hostname", "../../../../../../etc/hostname", "probe.tla.j2"])
def test_include_reads_no_file_outside_the_bundled_templates(tmp_path, name):
    path = write(tmp_path, "probe.tla.j2", HEADER + '{% block free_path %}{% include "' + name + '" %}{% endblock %}\n')
    proc = render(tmp_path, path)
    assert_one_line_exit_2(proc, f"{path}")
    assert "not found" in proc.stderr or "TemplateNotFound" in proc.stderr or name in proc.stderr


def test_a_binary_hypothesis_file_exits_2_with_file_and_line(tmp_path):
    path = write(tmp_path, "probe.tla.j2", HEADER.encode() + b"\xff\xfe\x00binary\n")
    proc = render(tmp_path, path)
    assert_one_line_exit_2(proc, f"{path}:{BODY_LINE}: ")
    assert "UTF-8" in proc.stderr


def test_a_macro_that_recurses_without_end_exits_2(tmp_path):
    body = "{% macro f() %}{{ f() }}{% endmacro %}{% block free_path %}{{ f() }}{% endblock %}\n"
    path = write(tmp_path, "probe.tla.j2", HEADER + body)
    proc = render(tmp_path, path)
    assert_one_line_exit_2(proc, f"{path}:{BODY_LINE}: ")
    assert "calls itself" in proc.stderr


def test_a_hypothesis_named_like_a_bundled_template_is_still_itself(tmp_path):
    """The hypothesis is served under its own name, so its file name collides with nothing."""
    path = write(tmp_path, "DeferredSplit.tla.j2",
                 HEADER + '{% block free_path %}\\* HYPOTHESIS-MARK\n{{ super() }}{% endblock %}\n')
    proc = render(tmp_path, path)
    assert proc.returncode == 0, proc.stderr
    tla = next((tmp_path / "out").glob("*.tla")).read_text()
    assert "HYPOTHESIS-MARK" in tla and "NoUseAfterFree ==" in tla


def stray_base() -> str:
    """A user's edited copy of the base template in which NoUseAfterFree always holds."""
    text = (SPECS_DIR / "DeferredSplit.tla.j2").read_text()
    assert "\nNoUseAfterFree ==\n" in text
    return text.replace("\nNoUseAfterFree ==\n", "\nNoUseAfterFree == TRUE\nNoUseAfterFreeReal ==\n")


def test_a_stray_base_template_next_to_a_hypothesis_does_not_change_the_verdict(tmp_path, runs_dir, jar):
    """fixed at 2 CPUs x 2 folios with the free path violates NoUseAfterFree (finding F-1);
    a DeferredSplit.tla.j2 (and a templates/ folder) beside the hypothesis must not hide it."""
    path = write(tmp_path, "probe.tla.j2", HEADER)
    write(tmp_path, "DeferredSplit.tla.j2", stray_base())
    (tmp_path / "templates" / "variants").mkdir(parents=True)
    write(tmp_path / "templates", "kernel.tla.j2", "{# stray #}\n")
    write(tmp_path / "templates" / "variants", "fixed.tla.j2", '{% extends "DeferredSplit.tla.j2" %}\n')
    proc = dsqspec("check", "--hypothesis", str(path), "--workers", "1", "--quiet",
                   env={"DSQSPEC_RUNS": str(runs_dir)})
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "violation of NoUseAfterFree" in proc.stderr


def test_plain_render_ignores_a_stray_base_template_in_the_current_folder(tmp_path):
    write(tmp_path, "DeferredSplit.tla.j2", stray_base())
    proc = dsqspec("render", "--procs", "2", "--folios", "2", "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    tla = next((tmp_path / "out").glob("*.tla")).read_text()
    assert "NoUseAfterFree == TRUE" not in tla and "\nNoUseAfterFree ==\n" in tla


def unwritable_cache(tmp_path: Path) -> Path:
    """$XDG_CACHE_HOME whose dsqspec/jinja is a folder nobody, root included, can create files in."""
    cache = tmp_path / "cache"
    (cache / "dsqspec").mkdir(parents=True)
    (cache / "dsqspec" / "jinja").symlink_to("/proc/self")
    return cache


def test_an_unwritable_template_cache_does_not_stop_rendering(tmp_path):
    cache = unwritable_cache(tmp_path)
    proc = dsqspec("render", "--procs", "2", "--folios", "2", "--out", str(tmp_path / "out"),
                   env={"XDG_CACHE_HOME": str(cache)})
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert len(list((tmp_path / "out").glob("*.tla"))) == 1


def test_a_corrupt_template_cache_is_ignored(tmp_path):
    cache = tmp_path / "cache"
    env = {"XDG_CACHE_HOME": str(cache)}
    first = dsqspec("render", "--procs", "2", "--folios", "2", "--out", str(tmp_path / "a"), env=env)
    assert first.returncode == 0, first.stderr
    entries = list((cache / "dsqspec" / "jinja").iterdir())
    assert entries, "the first render fills the cache"
    for entry in entries:
        entry.write_bytes(entry.read_bytes()[:40] + b"\x00garbage")
    again = dsqspec("render", "--procs", "2", "--folios", "2", "--out", str(tmp_path / "b"), env=env)
    assert again.returncode == 0, again.stderr
    assert (next((tmp_path / "a").glob("*.tla")).read_text()
            == next((tmp_path / "b").glob("*.tla")).read_text())


def test_the_template_cache_can_be_turned_off(tmp_path):
    cache = tmp_path / "cache"
    proc = dsqspec("render", "--procs", "2", "--folios", "2", "--out", str(tmp_path / "out"),
                   env={"XDG_CACHE_HOME": str(cache), "DSQSPEC_NO_TEMPLATE_CACHE": "1"})
    assert proc.returncode == 0, proc.stderr
    assert not (cache / "dsqspec" / "jinja").exists()
