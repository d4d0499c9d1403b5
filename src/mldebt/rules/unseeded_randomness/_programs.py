"""Program or library: what a file's ``if __name__ == "__main__":`` block is for.

A ``__main__`` block makes a file a program unless it is a demo: a block that
builds the file's own classes (to print a shape, to profile them) or runs the
file's tests (``unittest.main()``), and does no work of a program: it calls no
function the file defines (``main()``, ``cli_main()``, ``train(args)``) and does
not train, step an optimiser or write results. A file with a demo block is a
library for the programs that import it. Decided from the raw text, so the project index (which does not parse)
and the rules (which do) agree.
"""

from __future__ import annotations

import re

_MAIN = re.compile(
    r"""^if[ \t]+__name__[ \t]*==[ \t]*(['"])__main__\1[ \t]*:[^\n]*\n?""", re.MULTILINE
)
TOP_DEF = re.compile(r"^(?:async[ \t]+)?def[ \t]+([A-Za-z_]\w*)", re.MULTILINE)
_CLASS = re.compile(r"^class[ \t]+([A-Za-z_]\w*)", re.MULTILINE)
_TEST_RUNNER = re.compile(r"\b(?:unittest|pytest)\.main\s*\(")
# Work only a program does: training, stepping an optimiser, writing results.
_WORK = re.compile(
    r"\.(?:fit|fit_transform|fit_generator|train_on_batch|backward|step|save|savefig"
    r"|to_csv|to_parquet|to_json|dump|write|evolve)\s*\("
    r"|\b(?:open|Fire|run|train|evaluate)\s*\("
)

PROGRAM = "program"
DEMO = "demo"
LIBRARY = "library"


def main_block(text: str) -> str | None:
    """The text of the first top-level ``__main__`` block, or None."""
    match = _MAIN.search(text)
    return indented_block(text[match.end() :]) if match is not None else None


def indented_block(text: str) -> str:
    """``text`` up to its first line at column 0 (a comment, or the closing
    bracket of a multi-line signature, does not end the block)."""
    lines: list[str] = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped and not line[:1].isspace() and not stripped.startswith("#"):
            if not stripped.startswith((")", "]")):
                break
        lines.append(line)
    return "\n".join(lines)


def program_role(text: str) -> str:
    """``program``, ``demo`` (a ``__main__`` block that only shows the file's
    classes) or ``library`` (no ``__main__`` block), from a file's text."""
    block = main_block(text)
    if block is None:
        return LIBRARY
    if _WORK.search(block):
        return PROGRAM
    if any(_calls(block, name) for name in TOP_DEF.findall(text)):
        return PROGRAM
    if _TEST_RUNNER.search(block):
        return DEMO
    if any(_calls(block, name) for name in _CLASS.findall(text)):
        return DEMO
    return PROGRAM


def _calls(block: str, name: str) -> bool:
    return re.search(rf"(?<![\w.]){re.escape(name)}\s*\(", block) is not None
