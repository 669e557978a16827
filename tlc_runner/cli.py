"""dsqspec: model-check the THP deferred split queue with TLA+ and TLC.

Exit codes (the contract of every command):

\b
  0   no violation (verify: every result as expected)
  1   violation found (verify: a mismatch)
  2   usage or input error (bad option, unknown variant, out-of-range size,
      bad hypothesis or claim file, unwritable output folder, bad run folder)
  3   environment error (Java or TLC missing, corrupt or wrong version)
  4   TLC failed (spec or config error, crash, out of memory, timeout,
      output dsqspec cannot parse, trace render of an incomplete run)
  5   internal error (a bug in dsqspec: please report the command)
  130 interrupted (Ctrl-C); 143 SIGTERM, 129 SIGHUP; 141 stdout closed early
"""

from __future__ import annotations

import math
import re
import sys
from dataclasses import replace
from pathlib import Path

import click

from . import toolchain
from .check import RunSettings, run_check
from .errors import (EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, EXIT_VIOLATION, DsqspecError,
                     UsageError)
from .output_errors import from_output_write, output_failure
from .model_options import (ACTORS, ALL_ACTORS, ALL_PROPERTIES, GRANULARITIES, OPTIONAL_ACTORS, PROPERTIES,
                            ModelOptions)
from .output import FORMATS
from .hypothesis import load_hypothesis, render_hypothesis
from .render import RenderedSpec, render
from .report import no_violation_report, render_trace, report_context, trace_from_run_dir
from .signals import stop_signals_interrupt
from .tlc_process import DEFAULT_HEAP, default_workers, status_for
from .variants import VARIANTS

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def model_options(function=None, *, ranges: bool = False):
    """Options shared by every command that renders a model.

    With ranges=True (sweep), --procs and --folios take `N` or `A..B`."""
    if function is None:
        return lambda f: model_options(f, ranges=ranges)
    decorators = [
        click.option("--variant", default="fixed", show_default=True,
                     help=f"kernel version to model: {', '.join(VARIANTS)}"),
        click.option("--procs", type=str if ranges else int, default="2" if ranges else 2, show_default=True,
                     help="CPUs in the model (1..4): shrinkers plus third-party CPUs"
                          + ("; a range A..B sweeps" if ranges else "")),
        click.option("--shrinkers", type=int, default=1, show_default=True,
                     help="CPUs running deferred_split_scan() at once (<= procs)"),
        click.option("--folios", type=str if ranges else int, default="3" if ranges else 3, show_default=True,
                     help="THPs on the deferred split queue at the start (1..5)"
                          + ("; a range A..B sweeps" if ranges else "")),
        click.option("--actors", default=",".join(ACTORS), show_default=True,
                     help=f"owner paths that run: a subset of {','.join(a for a in ALL_ACTORS if a != 'reparent')} "
                          f"({', '.join(a for a in OPTIONAL_ACTORS if a != 'reparent')}: only when named; "
                          "list_lru versions: also reparent, the memcg offline)"),
        click.option("--memcgs", type=int, default=1, show_default=True,
                     help="list_lru versions: memcgs in a chain, root first (1..3; 1: no hierarchy)"),
        click.option("--property", "properties", multiple=True,
                     help=f"check only this property (repeatable): {', '.join(ALL_PROPERTIES)} "
                          f"(default: all but {', '.join(p for p in ALL_PROPERTIES if p not in PROPERTIES)})"),
        click.option("--atomic-init", is_flag=True,
                     help="ablation: INIT_LIST_HEAD's two stores as one step"),
        click.option("--granularity", type=click.Choice(GRANULARITIES), default="pointer",
                     show_default=True, help="pointer: a step per load/store; primitive: a step per list op"),
        click.option("--out", type=click.Path(path_type=Path), default=None,
                     help="write the spec (and run) into this folder"),
        click.option("--hypothesis", type=click.Path(path_type=Path), default=None,
                     help="a hypothesis file (docs/hypotheses.md); its header gives the defaults"),
        click.option("--patch", type=click.Path(path_type=Path), default=None,
                     help="a unified diff of the --base version's C files (specs/kernel/)"),
        click.option("--base", default=None, help="the version a --patch applies to"),
    ]
    for decorator in reversed(decorators):
        function = decorator(function)
    return function


def _given(name: str) -> bool:
    """Was this option typed on the command line (not a default)?"""
    ctx = click.get_current_context()
    return ctx.get_parameter_source(name) == click.core.ParameterSource.COMMANDLINE


def build_options(variant, procs, shrinkers, folios, actors, properties, atomic_init,
                  granularity, hypothesis=None, patch=None, base=None, memcgs=1,
                  **_ignored) -> tuple[ModelOptions, RenderedSpec | None]:
    """The model options, and for a hypothesis its rendered spec.

    A hypothesis header's options are defaults; options typed on the command line win."""
    named = tuple(a.strip() for a in actors.split(",") if a.strip())
    if not named:  # a model with no owner path would pass vacuously: say so instead
        raise UsageError(f"--actors names no owner path; give some of: {', '.join(ALL_ACTORS)}")
    values = {"variant": variant, "procs": procs, "shrinkers": shrinkers, "folios": folios,
              "actors": named,
              "properties": tuple(properties) or PROPERTIES, "atomic_init": atomic_init,
              "granularity": granularity, "memcgs": memcgs}
    if patch is not None:
        if hypothesis is not None or _given("variant"):
            raise UsageError("--patch goes with --base VERSION, not with --hypothesis or --variant")
        if base is None:
            raise UsageError("--patch needs --base VERSION (the version the diff applies to)")
        hypothesis = patch
    elif base is not None:
        raise UsageError("--base goes with --patch")
    if hypothesis is None:
        return ModelOptions(**values), None
    if _given("variant"):
        raise UsageError("--hypothesis names its base variant in its header; drop --variant")
    hyp = load_hypothesis(hypothesis, base)
    overrides = {k: v for k, v in values.items() if k != "variant" and _given(k)}
    opts = hyp.model_options(**overrides)
    return opts, render_hypothesis(hyp, opts)


class DsqspecGroup(click.Group):
    """Turns every DsqspecError into one line on stderr and its documented exit code.

    Anything else that escapes a command is a bug: one line and exit 5, never a
    traceback and never 0 or 1, which only a verdict may return."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        """Click's own errors (a bad option, `--help` into a full disk) keep the contract too:
        one line, exit 2 for a usage error; click's usual four lines say the same at length."""
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except (click.exceptions.Abort, KeyboardInterrupt):
            click.echo("dsqspec: interrupted", err=True)
            sys.exit(EXIT_INTERRUPTED)
        except click.exceptions.ClickException as err:
            sys.exit(_click_error(err))
        except OSError as err:
            if not from_output_write(err):
                raise
            line, exit_code = output_failure(err)
            click.echo(f"dsqspec: {line}", err=True)
            sys.exit(exit_code)
        sys.exit(code if isinstance(code, int) else EXIT_OK)

    def invoke(self, ctx: click.Context):
        try:
            with stop_signals_interrupt():
                return super().invoke(ctx)
        except DsqspecError as err:
            click.echo(f"dsqspec: {err}", err=True)
            ctx.exit(err.exit_code)
        except KeyboardInterrupt:
            click.echo("dsqspec: interrupted", err=True)
            ctx.exit(EXIT_INTERRUPTED)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except OSError as err:
            if from_output_write(err):
                line, exit_code = output_failure(err)
                click.echo(f"dsqspec: {line}", err=True)
                ctx.exit(exit_code)
            click.echo(f"dsqspec: internal error: {type(err).__name__}: {err} (please report it)", err=True)
            ctx.exit(EXIT_INTERNAL)
        except Exception as err:  # noqa: BLE001 - the last line of defence of the exit-code contract
            text = " ".join(str(err).split())[:200]
            click.echo(f"dsqspec: internal error: {type(err).__name__}: {text} (please report it)", err=True)
            ctx.exit(EXIT_INTERNAL)


def _click_error(err: click.exceptions.ClickException) -> int:
    """A bad option or argument as one line naming the command's --help; its exit code."""
    ctx = getattr(err, "ctx", None)
    command = ctx.command_path if ctx is not None else "dsqspec"
    if type(err).__name__ == "NoArgsIsHelpError" and ctx is not None:  # bare `dsqspec` (click >= 8.2)
        click.echo(ctx.get_help())
        click.echo(f"dsqspec: {command} needs a command (listed above)", err=True)
        return EXIT_USAGE
    message = " ".join(err.format_message().split())
    click.echo(f"dsqspec: {message} (see {command} --help)", err=True)
    return err.exit_code if err.exit_code not in (EXIT_OK, EXIT_VIOLATION) else EXIT_USAGE


@click.group(cls=DsqspecGroup, context_settings=CONTEXT, help=__doc__)
def main() -> None:
    pass


MAX_WORKERS = 1024  # threads of one TLC JVM: more than any machine it runs on has cores
HEAP_SYNTAX = re.compile(r"[1-9][0-9]*[kKmMgGtT]?")


def _run_settings(jar, workers, heap, timeout) -> RunSettings:
    if workers is not None and not 1 <= workers <= MAX_WORKERS:
        # above the bound TLC would fail only after the render, starting that many threads
        raise UsageError(f"--workers must be 1..{MAX_WORKERS}, got {workers}")
    if timeout is not None and not (math.isfinite(timeout) and timeout > 0):
        raise UsageError(f"--timeout must be a positive number of seconds, not {timeout:g}")
    if not HEAP_SYNTAX.fullmatch(heap):
        raise UsageError(f"--heap {heap!r} is not a JVM heap size such as 6g, 1500m or 2097152")
    return RunSettings(java=toolchain.checked_java(), jar=toolchain.verified_jar(jar),
                       workers=workers or default_workers(), heap=heap, timeout=timeout)


def run_options(function):
    for decorator in reversed([
        click.option("--jar", default=None, help="TLC jar (else $TLA2TOOLS_JAR, else where `tlc install` put it)"),
        click.option("--workers", type=int, default=None, help="TLC worker threads (default: all CPUs)"),
        click.option("--heap", default=DEFAULT_HEAP, show_default=True),
        click.option("--timeout", type=float, default=None, help="seconds per TLC run"),
    ]):
        function = decorator(function)
    return function


@main.command(help="Render the spec, run TLC, print the verdict or the counterexample.")
@model_options
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option("--full", is_flag=True, help="show every step, not just the ones that matter")
@run_options
@click.option("--keep", is_flag=True, help="keep the run folder of a clean pass too")
@click.option("--quiet", is_flag=True, help="no live status line")
@click.option("--distributed", is_flag=True,
              help="run TLC's TLCServer; workers on this and other machines do the work")
@click.option("--listen", default=None,
              help="--distributed: the one address (and registry port) the server listens on "
                   "[default: 127.0.0.1:10997]; its RMI objects use the next port")
@click.option("--local-workers", type=int, default=None,
              help="--distributed: worker JVMs started here, each with --workers threads (default 1) "
                   "[default: 2; 0: only workers from other machines]")
def check(fmt, full, jar, workers, heap, timeout, keep, quiet, out, distributed, listen, local_workers,
          **model) -> None:
    opts, spec = build_options(**model)
    cluster = _distributed(distributed, listen, local_workers, workers)
    settings = replace(_run_settings(jar, workers, heap, timeout), out=out, keep=keep, distributed=cluster)
    result = run_check(opts, settings, status_for(sys.stderr, quiet, opts.describe()), spec=spec)
    expect = spec.facts.get("expect") if spec else None
    if expect is not None:
        from .hypothesis import parse_expectation

        violated = (result.trace.violation.name or result.trace.violation.kind) if result.violation else None
        judged = parse_expectation(expect).judge(violated)
        verdict = {True: "as expected", False: "NOT as expected", None: "not judged"}[judged]
        click.echo(f"hypothesis {opts.hypothesis}: expect {expect}: {verdict}", err=True)
    if not result.violation:
        click.echo(no_violation_report(result, fmt), nl=False)
        if result.kept:
            click.echo(f"run kept in {result.run_dir}", err=True)
        sys.exit(EXIT_OK)
    context = report_context(result.run_dir, result.tlc_version)
    try:
        click.echo(render_trace(result.trace, context, fmt, full), nl=False)
    except OSError as err:
        line, exit_code = output_failure(err, kept=str(result.run_dir))
        click.echo(f"dsqspec: {line}", err=True)
        sys.exit(exit_code)
    click.echo(f"violation of {result.trace.violation.name or result.trace.violation.kind}; "
               f"run kept in {result.run_dir}", err=True)
    sys.exit(EXIT_VIOLATION)


def _distributed(distributed: bool, listen, local_workers, workers):
    """check's --distributed options, checked; the address free to listen on; the join command told."""
    from .distributed import DEFAULT_LISTEN, DEFAULT_LOCAL_WORKERS, DEFAULT_PORT, Distributed, check_bindable, \
        parse_endpoint

    if not distributed:
        for name, value in (("--listen", listen), ("--local-workers", local_workers)):
            if value is not None:
                raise UsageError(f"{name} is an option of --distributed")
        return None
    if local_workers is not None and local_workers < 0:
        raise UsageError("--local-workers must be 0 or more")
    endpoint = parse_endpoint(listen or DEFAULT_LISTEN, "--listen", DEFAULT_PORT)
    check_bindable(endpoint, "--listen")
    cluster = Distributed(endpoint, DEFAULT_LOCAL_WORKERS if local_workers is None else local_workers,
                          workers or 1)
    click.echo(f"dsqspec: TLC server listens on {endpoint.host} only, ports {endpoint.port} (registry) and "
               f"{endpoint.port + 1}; {cluster.local_workers} local worker(s). Another machine joins with:\n"
               f"  {cluster.join_command()}", err=True)
    return cluster


@main.command(help="Join a `check --distributed` TLC server as a worker; runs until the server "
                   "releases it. Needs the same TLC jar (dsqspec tlc install).")
@click.option("--server", "server_text", required=True, help="the server's ADDRESS[:PORT], as printed by check")
@click.option("--listen", "listen_text", required=True,
              help="this machine's address the server calls back on, ADDRESS[:PORT] (default port: any free)")
@click.option("--threads", type=int, default=None, help="TLC worker threads (default: all CPUs)")
@click.option("--jar", default=None, help="TLC jar (else $TLA2TOOLS_JAR, else where `tlc install` put it)")
@click.option("--heap", default=DEFAULT_HEAP, show_default=True)
def worker(server_text, listen_text, threads, jar, heap) -> None:
    from .distributed import DEFAULT_PORT, parse_endpoint
    from .remote_worker import run_worker

    if threads is not None and threads < 1:
        raise UsageError("--threads must be at least 1")
    if not HEAP_SYNTAX.fullmatch(heap):
        raise UsageError(f"--heap {heap!r} is not a JVM heap size such as 6g, 1500m or 2097152")
    server = parse_endpoint(server_text, "--server", DEFAULT_PORT)
    listen = parse_endpoint(listen_text, "--listen", 0)
    code = run_worker(toolchain.checked_java(), toolchain.verified_jar(jar), server, listen,
                      threads or default_workers(), heap)
    sys.exit(code)


@main.command("render", help="Write the .tla and .cfg for a model into a folder; no TLC.")
@model_options
@click.option("--force", is_flag=True, help="overwrite a .tla/.cfg that dsqspec did not write or that was edited")
def render_command(out, force, **model) -> None:
    from .render_out import write_rendered

    opts, spec = build_options(**model)
    if out is None:
        raise UsageError("render needs --out FOLDER")
    tla, cfg = write_rendered(spec or render(opts), out, force)
    click.echo(f"{tla}\n{cfg}")


@main.command(help="List the kernel versions dsqspec models, each with its commit and, from "
                   "specs/claims/, every expected result and the options it is claimed under.")
def variants() -> None:
    from .claims import claims_by_variant, load_claims
    from .hypothesis import bundled_hypotheses

    grouped = claims_by_variant(load_claims(hypotheses=bundled_hypotheses()))
    every = [c for claims in grouped.values() for c in claims]
    name_w = max(len(c.name) for c in every)
    expect_w = max(len(str(c.expect)) for c in every)
    click.echo(f"Each version, then its claims (specs/claims/NAME.claim): the expected result and "
               f"the options of\n`dsqspec check --variant VERSION ...` under which it is claimed.\n")
    for v in VARIANTS.values():
        click.echo(f"{v.name}  {v.commit}  {v.kernel}\n  {v.description}")
        for claim in grouped[v.name]:
            sizes = "" if str(claim.sizes) == "any size" else f"  (claimed for {claim.sizes})"
            click.echo(f"  {claim.name:{name_w}}  {str(claim.expect):{expect_w}}  "
                       f"{' '.join(claim.check_args())}{sizes}")
        if not grouped[v.name]:
            click.echo("  (no claim)")
        click.echo("")
    click.echo("dsqspec verify judges every claim and every hypothesis.")


@main.group(help="The pinned TLC jar.")
def tlc() -> None:
    pass


@tlc.command(help=f"Fetch {toolchain.MAVEN_ARTIFACT} with Maven and check its sha256: into tlc/ "
                  f"of a clone, or $XDG_DATA_HOME/dsqspec/tlc for an installed dsqspec.")
def install() -> None:
    from . import aot_cache

    jar = toolchain.install_jar()
    java = toolchain.checked_java()
    banner = toolchain.tlc_banner(java, jar)
    click.echo(f"{jar}\nsha256 {toolchain.JAR_SHA256} (pinned, verified)\n{banner}")
    cache, why_not = aot_cache.train(java, jar)
    click.echo(f"aot cache {cache} (TLC's classes and JIT profiles for {java})" if cache
               else f"aot cache none: {why_not}")


@main.command(help="Check Java, the TLC jar and the machine; say how to fix what is missing.")
@click.option("--jar", default=None)
def doctor(jar) -> None:
    import os

    problems: list[str] = []
    try:
        java = toolchain.java_executable()
        click.echo(f"java      {java} (version {toolchain.java_version(java)})")
    except DsqspecError as err:
        java = None
        problems.append(str(err))
        click.echo(f"java      MISSING: {err}")
    where = toolchain.locate_jar(jar)
    click.echo(f"jar       {where.path} (from {where.source})")
    try:
        verified = toolchain.verified_jar(jar)
        click.echo(f"sha256    {toolchain.JAR_SHA256} matches the pin")
        if java:
            banner = toolchain.tlc_banner(java, verified)
            ok = toolchain.TLC_VERSION in banner
            click.echo(f"tlc       {banner}{'' if ok else '  (expected ' + toolchain.TLC_VERSION + ')'}")
            if not ok:
                problems.append(f"wrong TLC version; run: {toolchain.INSTALL_HINT}")
            import tempfile

            from . import aot_cache
            from .launcher import launcher_classpath, tlc_classpath

            with tempfile.TemporaryDirectory(prefix="dsqspec-doctor-") as tmp:
                where = launcher_classpath(java, verified, Path(tmp))
                uncached = where.parent == Path(tmp)
                click.echo("launcher  " + ("compiles, but its cache is not writable: each run compiles it"
                                           if uncached else f"{where} (TLC without an RMI listener)"))
            cache = aot_cache.cache_file(java, tlc_classpath(where, verified))
            click.echo("aot       " + (f"none: Java >= {aot_cache.MIN_JAVA} keeps TLC's JIT profiles"
                                       if cache is None else
                                       "none: the launcher cache is not writable" if uncached else
                                       f"{cache}" if cache.is_file() else
                                       f"none yet: `{toolchain.INSTALL_HINT}` trains it"))
    except DsqspecError as err:
        problems.append(str(err))
        click.echo(f"sha256    PROBLEM: {err}")
    click.echo(f"cpus      {os.cpu_count()}")
    if problems:
        raise toolchain.EnvironmentProblem(problems[0])


@main.command(help="Judge every claim (specs/claims/) and hypothesis against its expected result. "
                   "Exit 1 on any mismatch.")
@click.option("--procs", type=int, default=None,
              help="run every case at this CPU count (claims not claimed there are skipped)")
@click.option("--folios", type=int, default=None,
              help="run every case at this folio count (claims not claimed there are skipped)")
@click.option("--only", default=None, help="run only cases whose name contains this")
@click.option("--hypotheses", "extra_dir", type=click.Path(path_type=Path), default=None,
              help="also judge every hypothesis (*.tla.j2, *.c, *.diff) in this folder")
@click.option("--claims", "claims_dir", type=click.Path(path_type=Path), default=None,
              help="read the claims from this folder instead of specs/claims/")
@run_options
def verify(procs, folios, only, extra_dir, claims_dir, jar, workers, heap, timeout) -> None:
    from tabulate import tabulate

    from .verify import all_cases, run_case, verdict_text, violated_name

    for name, value, high in (("--procs", procs, 4), ("--folios", folios, 5)):
        if value is not None and not 1 <= value <= high:
            raise UsageError(f"{name} must be 1..{high}, got {value}")
    extra = []
    if extra_dir is not None:
        if not extra_dir.is_dir():
            raise UsageError(f"--hypotheses {extra_dir} is not a folder")
        extra = [load_hypothesis(p) for ext in ("*.tla.j2", "*.c", "*.diff")
                 for p in sorted(extra_dir.glob(ext))]
    cases = [c for c in all_cases(procs, folios, extra, claims_dir) if not only or only in c.name]
    if not cases:
        raise UsageError(f"no case matches --only {only!r}")
    if all(c.skipped for c in cases):
        raise UsageError(f"no case is claimed at the size asked for: {cases[0].skipped}")
    settings = _run_settings(jar, workers, heap, timeout)
    rows, mismatches, skipped = [], 0, 0
    for case in cases:
        if case.skipped:
            skipped += 1
            rows.append([case.name, "-", str(case.expect), case.skipped, "skipped", "-", "-", case.source[:48]])
            continue
        result = run_case(case, settings)
        judged = case.expect.judge(violated_name(result))
        mismatches += judged is False
        rows.append([case.name, f"{case.opts.procs}x{case.opts.folios}", str(case.expect),
                     verdict_text(result), {True: "ok", False: "MISMATCH", None: "reported"}[judged],
                     f"{result.stats.distinct:,}", f"{result.elapsed:.1f}", case.source[:48]])
        click.echo(f"{rows[-1][4]:9} {case.name}: {rows[-1][3]}", err=True)
    click.echo(tabulate(rows, headers=["case", "size", "expected", "result", "judged", "distinct", "s",
                                       "source"], tablefmt="simple"))
    ran = len(cases) - skipped
    click.echo(f"{ran - mismatches} as expected, {mismatches} mismatched"
               + (f", {skipped} not claimed at this size (skipped)" if skipped else ""))
    sys.exit(EXIT_VIOLATION if mismatches else EXIT_OK)


@main.command(help="Check one model over a grid of sizes (--procs 1..3 --folios 1..4); "
                   "name the smallest failing configuration. Exit 1 if any size fails.")
@model_options(ranges=True)
@run_options
def sweep(jar, workers, heap, timeout, out, procs, folios, **model) -> None:
    from tabulate import tabulate

    from .verify import parse_range, smallest_failing, sweep as run_sweep

    if out is not None:
        raise UsageError("sweep runs many models; it takes no --out (runs go to $DSQSPEC_RUNS)")
    proc_list = parse_range(procs, 1, 4, "--procs")
    folio_list = parse_range(folios, 1, 5, "--folios")
    base, _ = build_options(procs=proc_list[0], folios=folio_list[0], **model)
    source = model.get("hypothesis") or model.get("patch")
    hyp = load_hypothesis(source, model.get("base")) if source else None

    def make(p: int, f: int) -> ModelOptions:
        return replace(base, procs=p, folios=f, shrinkers=min(base.shrinkers, p))

    rows = run_sweep(make, proc_list, folio_list, _run_settings(jar, workers, heap, timeout),
                     (lambda o: render_hypothesis(hyp, o)) if hyp else None)
    click.echo(tabulate([[r.procs, r.folios, r.outcome, f"{r.distinct:,}", r.seconds] for r in rows],
                        headers=["CPUs", "folios", "outcome", "distinct", "s"], tablefmt="simple"))
    worst = smallest_failing(rows)
    if worst is None:
        click.echo(f"no violation at any size: {base.describe()}")
        sys.exit(EXIT_OK)
    click.echo(f"smallest failing configuration: --procs {worst.procs} --folios {worst.folios} ({worst.outcome})")
    sys.exit(EXIT_VIOLATION)


@main.group(help="Counterexamples of kept runs.")
def trace() -> None:
    pass


@trace.command("render", help="Re-render a kept run's counterexample without running TLC.")
@click.argument("run_dir", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="markdown", show_default=True)
@click.option("--full", is_flag=True)
def trace_render(run_dir, fmt, full) -> None:
    found, context = trace_from_run_dir(run_dir)
    click.echo(render_trace(found, context, fmt, full), nl=False)


def run() -> None:
    """Console entry point (entry.run is the installed one)."""
    main(prog_name="dsqspec")


if __name__ == "__main__":
    run()
