"""Text that can always be printed: file names from the outside world shown with
their undecodable bytes escaped."""

from __future__ import annotations

import os
import sys


def printable(text: str) -> str:
    """Return ``text`` (a file name) in a form that can always be printed.

    Undecodable bytes and characters the terminal cannot show become backslash
    escapes instead of a ``UnicodeEncodeError``.
    """
    text = os.fsencode(text).decode("utf-8", "backslashreplace")
    encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
    return text.encode(encoding, "backslashreplace").decode(encoding)
