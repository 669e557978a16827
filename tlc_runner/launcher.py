"""dsqspec's TLC entry point, `DsqspecTLC`: tlc2.TLC with RMI unable to listen.

TLC's fingerprint set is an RMI object (for distributed TLC), so a plain
`java tlc2.TLC` listens on a TCP port on every interface for the whole run.
java/DsqspecTLC.java installs an RMI socket factory whose server sockets are
never bound, then calls tlc2.TLC.main.  It is compiled once per user into
$XDG_CACHE_HOME/dsqspec/java/<source hash>/ with the JDK's own compiler (the
`jdk.compiler` module, present in Debian's JRE too, else `javac`).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

from .errors import EnvironmentProblem
from .locations import launcher_cache_dir

LAUNCHER_CLASS = "DsqspecTLC"
LAUNCHER_SOURCE = Path(__file__).resolve().parent / "java" / f"{LAUNCHER_CLASS}.java"
# A jar, not a folder of classes: Java's AOT cache (aot_cache.py) takes only jars on the classpath.
LAUNCHER_JAR = f"{LAUNCHER_CLASS}.jar"
CACHE_FORMAT = b"jar"  # part of the cache folder's name: folders of older dsqspecs held bare classes
COMPILE_TIMEOUT = 300


def _cache_root() -> Path:
    """Absolute, always: TLC runs in the run folder, where a relative classpath finds nothing."""
    return launcher_cache_dir().absolute()


def _compilers(java: str) -> list[list[str]]:
    """The JDK compiler run by this java, then a javac next to it or on PATH."""
    commands = [[java, "-m", "jdk.compiler/com.sun.tools.javac.Main"]]
    beside = Path(java).resolve().parent / "javac"
    javac = str(beside) if beside.is_file() else shutil.which("javac")
    if javac:
        commands.append([javac])
    return commands


def tlc_classpath(launcher: Path | None, jar: Path) -> str:
    """The classpath of a TLC JVM: the launcher's jar before TLC's.  One shape for every
    command and for the AOT cache's key (aot_cache.py), which the JVM holds to the byte."""
    return f"{launcher}{os.pathsep}{jar}" if launcher is not None else str(jar)


def _pack(classes: Path, target: Path) -> None:
    """The compiled classes as a jar (a zip; the main class is named on the command line)."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(classes.glob("*.class")):
            archive.write(path, path.name)


def _compile(java: str, jar: Path, out: Path) -> None:
    """Compile the launcher into out/classes and pack it into out/DsqspecTLC.jar."""
    last = "no compiler ran"
    classes = out / "classes"
    for compiler in _compilers(java):
        command = [*compiler, "--release", "11", "-nowarn", "-cp", str(jar), "-d", str(classes),
                   str(LAUNCHER_SOURCE)]
        try:
            done = subprocess.run(command, capture_output=True, text=True, errors="replace",
                                  timeout=COMPILE_TIMEOUT, stdin=subprocess.DEVNULL)
        except (OSError, subprocess.TimeoutExpired) as err:
            last = str(err)
            continue
        if done.returncode == 0 and (classes / f"{LAUNCHER_CLASS}.class").is_file():
            try:
                _pack(classes, out / LAUNCHER_JAR)
            except OSError as err:
                raise EnvironmentProblem(f"cannot write dsqspec's TLC launcher {out / LAUNCHER_JAR}: "
                                         f"{err.strerror or err}") from err
            return
        lines = [l.strip() for l in (done.stderr + done.stdout).splitlines() if l.strip()]
        last = lines[0][:200] if lines else f"exit {done.returncode}"
    raise EnvironmentProblem(
        f"cannot compile dsqspec's TLC launcher with {java} ({last}); install a full JDK >= 11 "
        "(Debian: apt-get install openjdk-17-jdk-headless)"
    )


def launcher_classpath(java: str, jar: Path, fallback: Path) -> Path:
    """The jar of the compiled launcher: in the per-user cache, else in `fallback` (the run folder).

    Concurrent first runs each compile into a private folder and rename it into
    place; the loser of the race uses the winner's identical classes."""
    try:
        digest = hashlib.sha256(CACHE_FORMAT + LAUNCHER_SOURCE.read_bytes()).hexdigest()[:16]
    except OSError as err:
        raise EnvironmentProblem(f"dsqspec is installed without {LAUNCHER_SOURCE}; reinstall it") from err
    cached = _cache_root() / digest
    if (cached / LAUNCHER_JAR).is_file():
        return cached / LAUNCHER_JAR
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        private = Path(tempfile.mkdtemp(prefix=".build-", dir=cached.parent))
    except OSError:
        fallback = fallback.absolute()
        fallback.mkdir(parents=True, exist_ok=True)
        _compile(java, jar, fallback)
        return fallback / LAUNCHER_JAR
    try:
        _compile(java, jar, private)
        try:
            private.rename(cached)
        except OSError:  # another dsqspec got there first
            pass
    finally:
        shutil.rmtree(private, ignore_errors=True)
    if (cached / LAUNCHER_JAR).is_file():
        return cached / LAUNCHER_JAR
    fallback = fallback.absolute()
    fallback.mkdir(parents=True, exist_ok=True)
    _compile(java, jar, fallback)
    return fallback / LAUNCHER_JAR
