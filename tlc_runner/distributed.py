"""Distributed TLC: where the server listens, and the JVM commands of server and workers.

TLC's distributed mode is Java RMI: `TLCServer` holds the state queue and the
fingerprint set, and each `TLCWorker` (here DsqspecTLC's worker, launcher.py)
looks it up in the server's RMI registry, then is called back by the server.
So both sides listen.  dsqspec listens only on the address the user gave:
the server's registry on ADDRESS:PORT and its other RMI objects on PORT+1,
both bound to ADDRESS alone; a local worker listens on loopback, a remote one
(`dsqspec worker`) on the address its user gives.
"""

from __future__ import annotations

import errno
import ipaddress
import socket
from dataclasses import dataclass
from pathlib import Path

from .errors import UsageError
from .launcher import LAUNCHER_CLASS, tlc_classpath
from .jvm_heap import young_gen_options

DEFAULT_LISTEN = "127.0.0.1"
DEFAULT_PORT = 10997  # TLC's own default registry port (tlc2.tool.distributed.TLCServer.port)
DEFAULT_LOCAL_WORKERS = 2
PORT_PROPERTY = "-Dtlc2.tool.distributed.TLCServer.port"
# TLCWorker reads its RMI port through sun.rmi internals to name itself in the server's log
RMI_EXPORTS = ["--add-exports", "java.rmi/sun.rmi.server=ALL-UNNAMED",
               "--add-exports", "java.rmi/sun.rmi.transport=ALL-UNNAMED"]


@dataclass(frozen=True)
class Endpoint:
    """One IP address of this machine and a port (0: any free port)."""

    host: str
    port: int

    @property
    def url_host(self) -> str:
        """The host as it goes into an RMI URL: an IPv6 address in brackets."""
        return f"[{self.host}]" if ":" in self.host else self.host

    def __str__(self) -> str:
        return f"{self.url_host}:{self.port}"


def parse_endpoint(text: str, option: str, default_port: int) -> Endpoint:
    """ADDRESS, ADDRESS:PORT, [IPv6]:PORT or a bare IPv6 address; the address is an IP literal.

    A host name could resolve to several addresses, and the stubs RMI hands out
    must name exactly one, so only an IP address is taken.  The wildcard
    addresses are refused: they listen on every interface and give the other
    side no address to call back."""
    text = text.strip()
    host, port_text = text, None
    if text.startswith("["):
        host, _, rest = text[1:].partition("]")
        if rest:
            if not rest.startswith(":"):
                raise UsageError(f"{option} {text!r} is not ADDRESS[:PORT]")
            port_text = rest[1:]
    elif text.count(":") == 1:
        host, port_text = text.split(":")
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        raise UsageError(f"{option} {text!r}: {host!r} is not an IP address "
                         "(give one address of this machine, e.g. 127.0.0.1 or 192.0.2.7:10997)") from None
    if address.is_unspecified:
        raise UsageError(f"{option} {text!r} would listen on every interface and name no address for "
                         "the other side to call back; give one address of this machine")
    port = default_port
    if port_text is not None:
        if not port_text.isdigit() or not 0 < int(port_text) < 65535:
            raise UsageError(f"{option} {text!r}: the port must be 1..65534")
        port = int(port_text)
    return Endpoint(str(address), port)


def check_bindable(endpoint: Endpoint, option: str) -> None:
    """Bind (without listening) the ports the JVM will listen on, for a one-line error now
    instead of a Java stack trace later."""
    family = socket.AF_INET6 if ":" in endpoint.host else socket.AF_INET
    ports = [endpoint.port, endpoint.port + 1] if endpoint.port else [0]
    for port in ports:
        probe = socket.socket(family, socket.SOCK_STREAM)
        try:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((endpoint.host, port))
        except OSError as err:
            if err.errno == errno.EADDRINUSE:
                raise UsageError(f"{option} {endpoint}: port {port} on {endpoint.host} is in use; "
                                 f"pick another with {option} {endpoint.url_host}:PORT") from None
            if err.errno == errno.EADDRNOTAVAIL:
                raise UsageError(f"{option} {endpoint.host} is not an address of this machine") from None
            raise UsageError(f"{option} {endpoint}: cannot bind port {port}: {err.strerror or err}") from None
        finally:
            probe.close()


@dataclass(frozen=True)
class Distributed:
    """How `check --distributed` runs: the server's address and the workers dsqspec starts."""

    listen: Endpoint
    local_workers: int = DEFAULT_LOCAL_WORKERS
    threads: int = 1  # TLC threads in each local worker

    def server_jvm_options(self) -> list[str]:
        return [f"{PORT_PROPERTY}={self.listen.port}", f"-Djava.rmi.server.hostname={self.listen.host}"]

    def server_launcher_args(self) -> list[str]:
        """DsqspecTLC's arguments for TLCServer: its RMI objects on the port after the registry's."""
        return ["--listen", str(Endpoint(self.listen.host, self.listen.port + 1)), "--server"]

    def local_worker_listen(self) -> Endpoint:
        """A local worker is called back on loopback only, on any free port."""
        return Endpoint("::1" if ":" in self.listen.host else "127.0.0.1", 0)

    def join_command(self) -> str:
        """What another machine runs to join this server."""
        return (f"dsqspec worker --server {self.listen} --listen ADDRESS-OF-THAT-MACHINE "
                f"[--threads N]")


def worker_command(java: str, jar: Path, launcher: Path, server: Endpoint, listen: Endpoint,
                   threads: int, heap: str, work_dir: Path) -> list[str]:
    """A DsqspecTLC worker JVM: it joins `server`, listens on `listen` for the server's calls."""
    return [
        java, "-XX:+UseParallelGC", f"-Xmx{heap}", *young_gen_options(heap), *RMI_EXPORTS,
        f"-Djava.io.tmpdir={work_dir}",
        f"-Djava.rmi.server.hostname={listen.host}",
        f"{PORT_PROPERTY}={server.port}",
        f"-Ddsqspec.worker.threads={threads}",
        "-Duser.language=en", "-Duser.country=US",
        "-cp", tlc_classpath(launcher, jar),
        LAUNCHER_CLASS, "--listen", str(listen), "--worker", server.url_host,
    ]
