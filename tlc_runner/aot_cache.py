"""An ahead-of-time cache of TLC's classes and JIT profiles, for Java >= 25 (JEPs 483, 514, 515).

Every TLC run spends its first seconds loading and linking TLC's classes and waiting for
HotSpot to find out which methods of TLC's interpreter are hot; a model of a few hundred
thousand states is done in ten.  Java 25 can keep both, recorded during one training run,
in a file the next JVM maps at start: the classes come linked and the JIT compiles the hot
paths from the recorded profiles instead of gathering them again.  It changes no state,
count or trace, only how soon TLC's code is fast (docs/performance.md has the figures).

A cache belongs to the java and the classpath that made it (the JVM refuses any other), so
its file name is a digest of both and of the jar's pinned sha256.  `dsqspec tlc install`
trains one on a small bundled model; a run passes `-XX:AOTCache` only when its file exists,
and a JVM that cannot map it runs without it (QUIET keeps its complaint out of TLC's
output).  Older Javas get nothing: the options do not exist there.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path

from .locations import launcher_cache_dir
from .toolchain import JAR_SHA256, release_version

MIN_JAVA = 25
TRAINING_TIMEOUT = 600.0
# A bundled model that runs every kind of step of the pointer-level model (the shrinker's
# scan, split and splice; the owners' frees and migrations) in a few seconds.
TRAINING_MODEL = {"variant": "fixed", "procs": 2, "folios": 3, "actors": ("free", "migrate"),
                  "atomic_init": True}


QUIET = "-Xlog:aot*=off,cds*=off"  # a cache the JVM cannot map is not TLC's output


def _stamp(path: str) -> str:
    """A classpath entry as the JVM checks it: the same path, size and modification time."""
    try:
        info = os.stat(path)
    except OSError:
        return f"{path}:missing"
    return f"{path}:{info.st_size}:{info.st_mtime_ns}"


def cache_file(java: str, classpath: str) -> Path | None:
    """Where the cache of this java and classpath lives; None for a Java without AOT caches.

    A jar fetched again or a launcher rebuilt has a new size or time, so it gets a new
    file: the JVM would refuse the old one (silently: QUIET) on every run."""
    version = release_version(Path(java))
    if version is None or version[0] < MIN_JAVA:
        return None
    key = "\0".join([str(Path(java).resolve()), ".".join(map(str, version)), JAR_SHA256,
                     *(_stamp(entry) for entry in classpath.split(os.pathsep))])
    return launcher_cache_dir() / "aot" / f"tlc-{hashlib.sha256(key.encode()).hexdigest()[:16]}.aot"


def jvm_options(java: str, classpath: str) -> list[str]:
    """The JVM options that use this java's cache for this classpath, if one was trained."""
    found = cache_file(java, classpath)
    return [f"-XX:AOTCache={found}", QUIET] if found is not None and found.is_file() else []


def train(java: str, jar: Path) -> tuple[Path | None, str]:
    """This java's cache, trained on TRAINING_MODEL unless it exists: (the cache, "") or
    (None, why there is none).  A cache is a speed-up only: nothing here fails the caller.

    The training run is a real TLC run of the same command a check uses, with
    `-XX:AOTCacheOutput` in place of `-XX:AOTCache`; its file is renamed into place only
    once the JVM wrote it whole, so concurrent trainings leave one good cache."""
    from .errors import DsqspecError, Interrupted
    from .launcher import launcher_classpath
    from .model_options import ModelOptions
    from .render import render
    from .tlc_process import TlcInvocation, run_tlc

    try:
        with tempfile.TemporaryDirectory(prefix="dsqspec-aot-") as tmp:
            run_dir = Path(tmp) / "run"
            run_dir.mkdir()
            launcher = launcher_classpath(java, jar, run_dir / "launcher")
            if not launcher.is_relative_to(launcher_cache_dir().absolute()):
                return None, f"the launcher cache {launcher_cache_dir()} is not writable"
            spec = render(ModelOptions(**TRAINING_MODEL))
            spec.write(run_dir)
            invocation = TlcInvocation(java, jar, spec.module, workers=1, timeout=TRAINING_TIMEOUT,
                                       launcher=launcher)
            target = cache_file(java, invocation.classpath())
            if target is None:
                version = ".".join(map(str, release_version(Path(java)) or ())) or "of unknown version"
                return None, f"Java {version} has no AOT cache (Java >= {MIN_JAVA} has)"
            if target.is_file():
                return target, ""
            target.parent.mkdir(parents=True, exist_ok=True)
            written = Path(tmp) / target.name
            invocation.jvm_extra = [f"-XX:AOTCacheOutput={written}", QUIET]
            result = run_tlc(invocation, run_dir)
            if result.exit_code != 0 or not written.is_file():
                kept = target.parent / "training.log"
                shutil.copyfile(result.log_path, kept)
                return None, f"the training run exited {result.exit_code} without writing a cache; " \
                             f"raw output kept in {kept}"
            staged = target.parent / f".train-{os.getpid()}-{target.name}"
            try:
                shutil.copyfile(written, staged)
                os.replace(staged, target)
            finally:
                staged.unlink(missing_ok=True)
            return target, ""
    except Interrupted:  # Ctrl-C, SIGTERM, SIGHUP: the user's stop, not a failed speed-up
        raise
    except (OSError, DsqspecError) as err:
        return None, f"training failed: {getattr(err, 'strerror', None) or err}"
