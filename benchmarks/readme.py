"""Write one benchmark's section of benchmarks/README.md, leaving the others' sections alone.

Each benchmark owns the block between ``<!-- NAME:start -->`` and ``<!-- NAME:end -->``;
a missing block is appended at the end.
"""

from __future__ import annotations

from pathlib import Path

README = Path(__file__).with_name("README.md")


def replace_block(start: str, end: str, block: str, readme: Path = README) -> None:
    """Put ``block`` (which begins with ``start`` and ends with ``end``) in place of the old one."""
    text = readme.read_text(encoding="utf-8") if readme.exists() else "# Benchmarks\n"
    if start in text and end in text:
        text = text[: text.index(start)] + block + text[text.index(end) + len(end) :]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    readme.write_text(text, encoding="utf-8")
