"""The server process: Nagle's algorithm off on the app's TCP sockets.

Streamlit (1.67, Starlette and uvicorn) binds its listening socket with ``socket.socket(family)``,
whose ``proto`` is 0, and asyncio only sets ``TCP_NODELAY`` on accepted sockets whose ``proto`` is
``IPPROTO_TCP``. So every connection keeps Nagle's algorithm on: a response's body waits for the
browser's delayed acknowledgement of its headers, about 40 ms, on every request over a kept-alive
connection (``python bench/app.py`` prints the time per file: 40 ms with it on, 2 ms off). A new
session fetches some sixty script files over six connections; with this and no source watching it
was drawn in 2.16 s instead of 2.56 s, the two commits measured one after the other.

:func:`nodelay` sets ``TCP_NODELAY`` on the listening socket, which connections accepted later
inherit on Linux, and on the connections already open. It reads ``/proc/self/fd``; where that does
not exist (not Linux) it does nothing and the app works as before, only slower.
"""

from __future__ import annotations

import os
import socket
import stat
import threading

_done = threading.Event()


def nodelay(port: int) -> int:
    """Set ``TCP_NODELAY`` on this process's TCP sockets whose local port is ``port``.

    Parameters
    ----------
    port
        The server's port (``server.port``).

    Returns
    -------
    int
        How many sockets were set: the listening socket and the connections open now; 0 where the
        process's file descriptors cannot be listed.
    """
    if socket.getdefaulttimeout() is not None:  # wrapping would make the shared descriptors non-blocking
        return 0
    try:
        fds = [int(name) for name in os.listdir("/proc/self/fd")]
    except OSError:
        return 0
    done = 0
    for fd in fds:
        try:
            if not stat.S_ISSOCK(os.fstat(fd).st_mode):
                continue
            dup = os.dup(fd)
        except OSError:  # closed meanwhile
            continue
        try:
            sock = socket.socket(fileno=dup)  # family and type read from the descriptor
        except OSError:  # reused meanwhile by something Python cannot wrap as a socket
            os.close(dup)
            continue
        with sock:  # closes the duplicate only
            try:
                if (sock.family in (socket.AF_INET, socket.AF_INET6) and sock.type == socket.SOCK_STREAM
                        and sock.getsockname()[1] == port):
                    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                    done += 1
            except OSError:
                continue
    return done


def nodelay_once(port: int) -> None:
    """:func:`nodelay` on the first call in this process; later calls return at once."""
    if not _done.is_set():
        _done.set()
        nodelay(port)
