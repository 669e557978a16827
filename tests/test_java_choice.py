"""Which java runs TLC, and Java 25's ahead-of-time cache of TLC (issue 11's JVM levers).

The choice is tested on JDK homes made here (a `release` file and an executable
`bin/java` are all it reads); the cache with the machine's real Java >= 25 and real TLC,
skipped where there is none.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tlc_runner import aot_cache, toolchain
from tlc_runner.errors import EnvironmentProblem

ROOT = Path(__file__).resolve().parent.parent


def jdk_home(root: Path, name: str, version: str | None) -> Path:
    """A JDK home as Debian and Adoptium lay it out: bin/java and a `release` file."""
    java = root / name / "bin" / "java"
    java.parent.mkdir(parents=True)
    java.write_text("#!/bin/sh\nexit 0\n")
    java.chmod(0o755)
    if version is not None:
        (root / name / "release").write_text(f'IMPLEMENTOR="x"\nJAVA_VERSION="{version}"\n')
    return java


@pytest.fixture
def no_java_settings(monkeypatch, tmp_path):
    for variable in ("DSQSPEC_JAVA", "JAVA_HOME"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("PATH", str(tmp_path / "empty-path"))


def test_the_newest_installed_jdk_is_chosen(no_java_settings, tmp_path):
    jvms = tmp_path / "jvm"
    jdk_home(jvms, "java-17-openjdk-amd64", "17.0.15")
    newest = jdk_home(jvms, "temurin-25-jdk-amd64", "25.0.3")
    jdk_home(jvms, "java-21-openjdk-amd64", "21.0.7")
    jdk_home(jvms, "hand-made", None)
    assert toolchain.java_executable(jvm_root=jvms) == str(newest)


def test_java_on_path_wins_a_tie(no_java_settings, tmp_path, monkeypatch):
    on_path = jdk_home(tmp_path / "path-jdk", "jdk", "25.0.3")
    monkeypatch.setenv("PATH", str(on_path.parent))
    jdk_home(tmp_path / "jvm", "same-version", "25.0.3")
    assert toolchain.java_executable(jvm_root=tmp_path / "jvm") == str(on_path)


def test_a_java_on_path_of_unknown_version_is_the_users_choice(no_java_settings, tmp_path, monkeypatch):
    """A shim (asdf, jenv) or a hand-made tree has no release file: it is not outranked."""
    shim = jdk_home(tmp_path / "shims", "any", None)
    monkeypatch.setenv("PATH", str(shim.parent))
    jdk_home(tmp_path / "jvm", "temurin-25", "25.0.3")
    assert toolchain.java_executable(jvm_root=tmp_path / "jvm") == str(shim)


def test_dsqspec_java_and_java_home_pin_the_choice(no_java_settings, tmp_path, monkeypatch):
    jvms = tmp_path / "jvm"
    jdk_home(jvms, "temurin-25", "25.0.3")
    old = jdk_home(tmp_path / "homes", "jdk-17", "17.0.15")
    monkeypatch.setenv("JAVA_HOME", str(old.parent.parent))
    assert toolchain.java_executable(jvm_root=jvms) == str(old)
    monkeypatch.setenv("DSQSPEC_JAVA", "/opt/some/java")
    assert toolchain.java_executable(jvm_root=jvms) == "/opt/some/java"


def test_no_java_anywhere_is_an_environment_problem(no_java_settings, tmp_path):
    with pytest.raises(EnvironmentProblem, match="java not found on PATH nor in"):
        toolchain.java_executable(jvm_root=tmp_path / "no-jvms")


def test_java_17_gets_no_aot_options(tmp_path):
    java = jdk_home(tmp_path, "jdk-17", "17.0.15")
    assert aot_cache.cache_file(str(java), "a.jar:b.jar") is None
    assert aot_cache.jvm_options(str(java), "a.jar:b.jar") == []


def _real_java_25() -> str | None:
    try:
        java = toolchain.java_executable()
    except EnvironmentProblem:
        return None
    version = toolchain.release_version(Path(java))
    return java if version and version[0] >= aot_cache.MIN_JAVA else None


SMALL = ["--variant", "underused", "--procs", "2", "--folios", "2", "--actors", "free,migrate",
         "--atomic-init", "--workers", "1", "--quiet", "--keep"]


@pytest.mark.skipif(_real_java_25() is None, reason="needs a Java >= 25 (the AOT cache is new there)")
def test_a_trained_cache_is_used_and_changes_no_result(jar, tmp_path, monkeypatch):
    """The cache is trained by a real TLC run, kept by a second training, named by doctor and
    by the next check's command; the verdict, counts and counterexample are those of a check
    without it."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    java = _real_java_25()
    cache, why_not = aot_cache.train(java, jar)
    assert cache is not None, why_not
    assert cache.is_file() and cache.is_relative_to(tmp_path / "cache")
    made = cache.stat().st_mtime_ns
    assert aot_cache.train(java, jar) == (cache, "") and cache.stat().st_mtime_ns == made

    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    doctor = subprocess.run([sys.executable, "-m", "tlc_runner", "doctor", "--jar", str(jar)], cwd=ROOT,
                            env=env, capture_output=True, text=True, timeout=600)
    assert f"aot       {cache}" in doctor.stdout, doctor.stdout

    def check(cache_home: Path, out: Path) -> tuple[subprocess.CompletedProcess, list[str]]:
        done = subprocess.run([sys.executable, "-m", "tlc_runner", "check", *SMALL, "--jar", str(jar),
                               "--out", str(out)], cwd=ROOT, env={**env, "XDG_CACHE_HOME": str(cache_home)},
                              capture_output=True, text=True, timeout=600)
        return done, json.loads((out / "run.json").read_text())["command"]

    with_cache, command = check(tmp_path / "cache", tmp_path / "with")
    cold, cold_command = check(tmp_path / "cold-cache", tmp_path / "without")
    assert f"-XX:AOTCache={cache}" in command
    assert not any(arg.startswith("-XX:AOTCache") for arg in cold_command)
    assert with_cache.returncode == cold.returncode == 1
    assert with_cache.stdout.replace(str(tmp_path / "with"), "RUN") == \
        cold.stdout.replace(str(tmp_path / "without"), "RUN")
    log = (tmp_path / "with" / "tlc.log").read_text()
    assert "][aot]" not in log and "][cds]" not in log  # the JVM kept its cache logging to itself


def test_training_without_a_writable_cache_is_no_cache_and_no_error(jar, tmp_path, monkeypatch):
    """The launcher then lives in a throw-away folder, whose classpath no later run shares."""
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    cache, why_not = aot_cache.train(toolchain.java_executable(), jar)
    assert cache is None and why_not
