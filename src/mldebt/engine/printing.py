"""Text that can always be printed: file names (and messages naming them) shown
with their control characters and undecodable bytes escaped."""

from __future__ import annotations

import os
import sys


def printable(text: str) -> str:
    """Return ``text`` (a file name, or a line naming one) in a form that can
    always be printed, on one line.

    Undecodable bytes, control characters other than tab (an escape sequence in
    a file name would drive the terminal, a newline would forge an output line)
    and characters the terminal cannot show become backslash escapes instead of
    a ``UnicodeEncodeError``.
    """
    text = os.fsencode(text).decode("utf-8", "backslashreplace")
    # A tab is kept: it moves the cursor along the line and changes nothing else.
    text = "".join(
        ch if ch.isprintable() or ch == "\t" else repr(ch)[1:-1] for ch in text
    )
    encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
    return text.encode(encoding, "backslashreplace").decode(encoding)
