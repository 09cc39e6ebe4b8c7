"""A long-lived program in null-flush mode, asked chunk after chunk.

Apertium's programs run with ``-z`` read NUL-terminated chunks and answer each with
one NUL-terminated chunk, flushing as they go. One :class:`NullFlushProcess` keeps such
a program (or a shell pipeline of them) running, so its dictionaries are loaded once
and every later call only writes to it. It serves the Apertium translation engine
(:mod:`bireader.translation.apertium`) and the word analysis
(:mod:`bireader.words.stream`).

Only the standard library is imported here.
"""

from __future__ import annotations

import contextlib
import logging
import os
import selectors
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Sequence
from typing import IO

from bireader.errors import TranslationFailed

log = logging.getLogger(__name__)


class NullFlushProcess:
    """A program started on demand and fed NUL-terminated chunks, call after call.

    ``what`` names the program in errors (``"apertium"`` gives ``apertium failed: ...``,
    ``apertium did not finish within 30 s``, ``cannot run apertium: ...``).

    The program is started by :meth:`start` or by the first :meth:`run`, and started
    again by a later :meth:`run` if it has died, has been stopped, or the caller is a
    forked child (which must not share its parent's pipes). It leads its own session,
    so :meth:`stop` ends every program of a pipeline. Used as a context manager, it is
    closed on success (:meth:`close`: a failure exit is an error) and stopped on error.
    """

    def __init__(self, command: list[str], what: str) -> None:
        self.command = command
        self.what = what
        self._process: subprocess.Popen[bytes] | None = None
        self._stderr: IO[bytes] | None = None
        self._pid = 0

    def start(self) -> NullFlushProcess:
        """Start the program now (stopping a running one); returns ``self``.

        Starting before the input is known lets the program load its data while
        other work runs.
        """
        self.stop()
        # Kept open while the program runs: it holds its error message when it stops.
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 (closed by stop/close)
        try:
            self._process = open_session(self.command, self.what, self._stderr)
        except TranslationFailed:
            self._stderr.close()
            self._stderr = None
            raise
        self._pid = os.getpid()
        return self

    def run(self, chunks: Sequence[bytes], timeout: float | None = None) -> list[bytes]:
        """The answer to each chunk, in order (each chunk is written with a NUL after it).

        ``timeout`` is for the whole call, in seconds (default: 30 plus one per 2000
        bytes written). A timeout or a program that stops raises
        :class:`TranslationFailed` (with the program's first line on stderr) and stops
        the program; so does output beyond the last answer, quietly, since the stream
        may be out of step: the next call starts afresh.
        """
        process = self._process
        if process is None or process.poll() is not None or self._pid != os.getpid():
            process = self.start()._process
        if process is None or process.stdin is None or process.stdout is None:
            raise TranslationFailed(f"{self.what} has no pipes")
        stdin, fd = process.stdin, process.stdout.fileno()
        payload = b"".join(chunk + b"\0" for chunk in chunks)
        if timeout is None:
            timeout = 30.0 + len(payload) / 2000

        def feed() -> None:
            try:
                stdin.write(payload)
                stdin.flush()
            except (OSError, ValueError):
                pass  # the program died or was stopped: the reader reports it

        writer = threading.Thread(target=feed, name="nullflush-feed", daemon=True)
        writer.start()
        received = bytearray()
        count = 0
        deadline = time.monotonic() + timeout
        try:
            with selectors.DefaultSelector() as selector:
                selector.register(fd, selectors.EVENT_READ)
                while count < len(chunks):
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        raise TranslationFailed(
                            f"{self.what} did not finish within {timeout:.0f} s"
                        )
                    if not selector.select(remaining):
                        continue
                    piece = os.read(fd, 1 << 16)
                    if not piece:
                        raise TranslationFailed(f"{self.what} failed: {self._error(process)}")
                    count += piece.count(b"\0")
                    received += piece
        except BaseException:
            self.stop()
            writer.join(5)
            raise
        writer.join()
        parts = bytes(received).split(b"\0")
        if count > len(chunks) or parts[-1]:
            log.debug("%s: unexpected output after the last chunk; restarting", self.what)
            self.stop()
        return parts[: len(chunks)]

    def ask(self, chunks: Sequence[str], timeout: float | None = None) -> list[str]:
        """:meth:`run` for text: UTF-8 both ways (an undecodable byte becomes U+FFFD)."""
        data = [chunk.encode("utf-8", "replace") for chunk in chunks]
        return [answer.decode("utf-8", "replace") for answer in self.run(data, timeout)]

    def _error(self, process: subprocess.Popen[bytes]) -> str:
        """The first line the program wrote on stderr, or its exit status."""
        try:
            status = process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            status = None
        lines: list[str] = []
        if self._stderr is not None:
            self._stderr.seek(0)
            lines = self._stderr.read(4096).decode("utf-8", "replace").strip().splitlines()
        if lines:
            return lines[0]
        return "the program stopped" + (f" (exit status {status})" if status else "")

    def stop(self) -> None:
        """End the program at once (idempotent); the next :meth:`run` starts it again."""
        self._release(kill=True)

    def close(self) -> None:
        """End the input and wait for the program to finish; a failure exit is an error."""
        process = self._process
        if process is None or process.stdin is None or self._pid != os.getpid():
            self.stop()
            return
        try:
            process.stdin.close()
            process.wait(timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            self.stop()
            return
        code = process.returncode
        detail = self._error(process) if code else ""
        self._release(kill=False)
        if code:
            raise TranslationFailed(f"{self.what} failed: {detail}")

    def _release(self, *, kill: bool) -> None:
        process, self._process = self._process, None
        # A forked child leaves its parent's program alone.
        if process is not None and self._pid == os.getpid():
            for stream in (process.stdin, process.stdout):
                if stream is not None:
                    with contextlib.suppress(OSError):
                        stream.close()
            if kill:
                kill_group(process)
            with contextlib.suppress(OSError, subprocess.SubprocessError):
                process.wait(timeout=5)
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None

    def __enter__(self) -> NullFlushProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        if exc[0] is None:
            self.close()
        else:
            self.stop()


def open_session(command: list[str], what: str, stderr: int | IO[bytes]) -> subprocess.Popen[bytes]:
    """Start ``command`` with pipes to its input and output, leading a session of its own.

    Its own session lets :func:`kill_group` end every program of a pipeline. A program
    that cannot be run raises :class:`TranslationFailed` (``cannot run <what>: ...``).
    """
    try:
        return subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=stderr,
            start_new_session=True,
        )
    except OSError as exc:
        raise TranslationFailed(f"cannot run {what}: {exc}") from exc


def kill_group(process: subprocess.Popen[bytes]) -> None:
    """Kill ``process`` and every program of its session (started with a session of its own)."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except OSError:
        with contextlib.suppress(OSError):
            process.kill()
