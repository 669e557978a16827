"""Where dsqspec writes: `render --out` never silently replaces a user's file, and an empty
$DSQSPEC_RUNS means the default run folder, not the current directory."""

from __future__ import annotations

from pathlib import Path

from tlc_runner import run_dirs

from conftest import dsqspec

MODEL = ("--procs", "2", "--folios", "2")
MODULE = "DeferredSplit_fixed_2p2f"


def render(out: Path, *extra: str):
    return dsqspec("render", *MODEL, "--out", str(out), *extra)


def assert_refused(proc, path: Path) -> None:
    assert proc.returncode == 2, proc.stdout + proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and str(path) in lines[0] and "--force" in lines[0], proc.stderr


def test_rendering_again_over_its_own_unchanged_output_is_fine(tmp_path):
    first = render(tmp_path)
    assert first.returncode == 0, first.stderr
    again = render(tmp_path)
    assert again.returncode == 0, again.stderr
    assert again.stdout == first.stdout


def test_a_hand_edited_spec_is_not_overwritten_without_force(tmp_path):
    assert render(tmp_path).returncode == 0
    tla = tmp_path / f"{MODULE}.tla"
    edited = tla.read_text() + "\\* my note\n"
    tla.write_text(edited)
    proc = render(tmp_path)
    assert_refused(proc, tla)
    assert "edited since" in proc.stderr and tla.read_text() == edited
    forced = render(tmp_path, "--force")
    assert forced.returncode == 0, forced.stderr
    assert "my note" not in tla.read_text()
    assert render(tmp_path).returncode == 0  # what --force wrote is dsqspec's again


def test_a_file_dsqspec_did_not_write_is_not_overwritten(tmp_path):
    cfg = tmp_path / f"{MODULE}.cfg"
    cfg.write_text("INIT MyInit\n")
    proc = render(tmp_path)
    assert_refused(proc, cfg)
    assert "not written by dsqspec" in proc.stderr and cfg.read_text() == "INIT MyInit\n"
    assert not (tmp_path / f"{MODULE}.tla").exists()


def test_an_empty_dsqspec_runs_means_the_default_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DSQSPEC_RUNS", "")
    run = run_dirs.new_run_dir("probe")
    assert run.parent == (tmp_path / ".dsqspec" / "runs").resolve()
    assert [p.name for p in tmp_path.iterdir()] == [".dsqspec"]
