"""Running a function in a forked child process with memory and time limits.

The import engine reads a file (python-calamine, then the import's cell parsers) in a child, so
that a file that makes the reader crash or eat all memory costs that child, never the web server
or the worker: a crash there is a file-level error. The child streams its results back while it
works, so the parent writes one chunk while the child reads the next, on another core.

The child is forked: it inherits the lookups the parent prepared, and it does no database work.
It must never use or close the database connections it inherits (closing a PostgreSQL one would
end the parent's session), so it leaves with `os._exit` and runs no clean-up of the parent's.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import resource
import signal
from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from unions.importing.reading import FileError

__all__ = ["call_bounded", "run_bounded"]

_ITEM, _ERROR, _FAULT, _DONE = "item", "error", "fault", "done"


def run_bounded(
    target: Callable[..., None],
    *args: Any,
    memory_bytes: int | None = None,
    cpu_seconds: int | None = None,
    wall_seconds: float | None = None,
) -> Iterator[object]:
    """Run `target(send, *args)` in a child and yield what it sends, as it sends it.

    A `FileError` the child raises is raised here as it was; any other failure of the child
    (an exception, a crash, the memory or time limit) is a `FileError` too. Closing the
    iterator early kills the child. Limits default to the `IMPORT_CHILD_*` settings.
    """
    memory_bytes = memory_bytes or settings.IMPORT_CHILD_MEMORY_BYTES
    cpu_seconds = cpu_seconds or settings.IMPORT_CHILD_CPU_SECONDS
    wall_seconds = wall_seconds or settings.IMPORT_CHILD_SECONDS
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(
        target=_child, args=(sender, target, args, memory_bytes, cpu_seconds), daemon=True
    )
    child.start()
    sender.close()
    try:
        yield from _receive(receiver, child, wall_seconds)
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join()
        with contextlib.suppress(ValueError):
            child.close()


def call_bounded(function: Callable[..., object], *args: Any) -> object:
    """``function(*args)`` run in a child under the same limits: its result, or `FileError`."""
    messages = run_bounded(_send_result, function, *args)
    try:
        return next(messages)
    except StopIteration:
        raise _fault() from None
    finally:
        messages.close()  # the child has sent its one result: end it now


def _send_result(send: Callable[[object], None], function: Callable[..., object], *args) -> None:
    send(function(*args))


def _receive(receiver, child, wall_seconds: float) -> Iterator[object]:
    while True:
        if not receiver.poll(wall_seconds):
            raise _fault()  # the child has sent nothing for too long: it is stuck
        try:
            kind, payload = receiver.recv()
        except (EOFError, OSError):
            raise _fault() from None  # the child died (a crash, the memory limit)
        if kind == _ITEM:
            yield payload
        elif kind == _DONE:
            return
        elif kind == _ERROR:
            raise FileError(payload)
        else:
            raise _fault()


def _fault() -> FileError:
    return FileError(
        _(
            "The file could not be read within the memory and time allowed: it is too large "
            "or damaged. Nothing was written."
        )
    )


def _child(sender, target, args, memory_bytes: int, cpu_seconds: int) -> None:
    """The child's whole life: limits, the work, one last message, then `os._exit`."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    # The child builds rows that hold no reference cycles and lives only for this file, under
    # its memory limit: the cycle collector would cost a fifth of its time and free nothing.
    # This process is the child's alone, so no request or other import is affected.
    gc.disable()
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds))
    code = 0
    try:
        target(lambda item: sender.send((_ITEM, item)), *args)
        sender.send((_DONE, None))
    except FileError as error:
        _send_quietly(sender, (_ERROR, error.message))
    except BaseException:  # noqa: BLE001 - any other failure is the file's, said as a fault
        _send_quietly(sender, (_FAULT, None))
        code = 1
    finally:
        with contextlib.suppress(Exception):
            sender.close()
        os._exit(code)


def _send_quietly(sender, message) -> None:
    with contextlib.suppress(Exception):
        sender.send(message)
