"""Tables in article text: each table is one block of Markdown rows, header first.

    | Candidate | Party | Votes |
    |---|---|---|
    | Ana Reyes | Civic | 12,345 |

Why Markdown rows: the text is plain (records, exports, feeds, search), a reader of plain text sees
the columns, Markdown readers render them, and the web pages turn the block into a ``<table>``. Both
paths that meet tables use it: trafilatura already writes HTML tables as Markdown rows (one per
line, :func:`join_row_lines` keeps them together), and plain-text captures, whose cells arrive either
tab-separated or one per line (:func:`fold_cell_lines` finds the columns of those).
"""

from __future__ import annotations

import re
from collections.abc import Callable

_SENTENCE_END = re.compile(r"[.!?…:;]['\"”’)]?$")
_ROW = re.compile(r"^\|.*\|$")
_RULE = re.compile(r"^\|(?:\s*:?-{3,}:?\s*\|)+$")
MAX_COLUMNS = 8


def is_table_block(block: str) -> bool:
    """A block of Markdown table rows (what this module writes)."""
    lines = block.split("\n")
    return len(lines) >= 2 and all(_ROW.match(line.strip()) for line in lines)


def table_rows(block: str) -> list[list[str]] | None:
    """The cells of a table block, row by row, without the header rule; None for any other block."""
    if not is_table_block(block):
        return None
    rows = []
    for line in block.split("\n"):
        line = line.strip()
        if _RULE.match(line):
            continue
        cells = re.split(r"(?<!\\)\|", line[1:-1])
        rows.append([c.strip().replace("\\|", "|") for c in cells])
    return rows


def markdown_table(rows: list[list[str]]) -> str:
    """One block: the first row is the header."""
    width = max(len(r) for r in rows)

    def row(cells: list[str]) -> str:
        cells = [c.replace("|", "\\|") for c in cells] + [""] * (width - len(cells))
        return "| " + " | ".join(cells) + " |"

    return "\n".join([row(rows[0]), "|" + "---|" * width, *(row(r) for r in rows[1:])])


def join_row_lines(lines: list[str]) -> list[str]:
    """Paragraph lines with each run of Markdown row lines made one block."""
    out: list[str] = []
    in_table = False
    for line in lines:
        row = bool(_ROW.match(line))
        if row and in_table:
            out[-1] += "\n" + line
        else:
            out.append(line)
        in_table = row
    return out


# --------------------------------------------------------------------------- captures


def numeric_cell(cell: str) -> bool:
    """A figure: digits with at most a unit or a few letters ("12,345", "61%", "3.5m", "+2")."""
    return (
        len(cell) <= 16
        and any(ch.isdigit() for ch in cell)
        and sum(ch.isalpha() for ch in cell) <= 3
        and " " not in cell.strip()
    )


def _cell_like(line: str) -> bool:
    text = line.strip()
    return (
        0 < len(text) <= 60
        and len(text.split()) <= 6
        and "\t" not in text
        and not _SENTENCE_END.search(text)
        and not text.startswith(("•", "-", "*", "|"))
    )


def _columns(cells: list[str]) -> tuple[int, int, int] | None:
    """(first cell, columns, cells used) of a table whose cells are ``cells`` one after another.

    The columns are found from the figures: a header row without figures, then at least two
    rows with figures in the same columns. Without figures the cells could as well be a list of
    short lines, and are left alone.
    """
    numeric = [numeric_cell(c) for c in cells]
    for start in range(min(3, len(cells))):
        for width in range(2, MAX_COLUMNS + 1):
            rows = (len(cells) - start) // width
            if rows < 3 or any(numeric[start : start + width]):
                continue
            pattern = numeric[start + width : start + 2 * width]
            if not any(pattern) or all(pattern):
                continue
            if all(numeric[start + r * width : start + (r + 1) * width] == pattern for r in range(1, rows)):
                return start, width, width * rows
    return None


def fold_cell_lines(lines: list[str]) -> list[str]:
    """Raw capture lines with each one-cell-per-line table made tab-separated rows.

    Blank lines between the cells are dropped with them; everything else is kept as it is.
    """
    out: list[str] = []
    i = 0
    while i < len(lines):
        if not _cell_like(lines[i]):
            out.append(lines[i])
            i += 1
            continue
        run: list[int] = []  # indexes of the cell-like lines, blank lines between them allowed
        j = i
        while j < len(lines) and (_cell_like(lines[j]) or (not lines[j].strip() and run)):
            if lines[j].strip():
                run.append(j)
            j += 1
        found = _columns([lines[k].strip() for k in run]) if len(run) >= 6 else None
        if found is None:
            out.extend(lines[i:j])
            i = j
            continue
        start, width, used = found
        cells = [lines[k].strip() for k in run[start : start + used]]
        out.extend(lines[i : run[start]])
        out.append("")
        out.extend("\t".join(cells[r : r + width]) for r in range(0, used, width))
        out.append("")
        i = run[start + used - 1] + 1
    return out


def rebuild_tables(blocks: list[str], ends_sentence: Callable[[str], bool]) -> list[str]:
    """Capture blocks with each table made one block: a tab-celled header row, then either
    tab-celled rows or the cells one per line under it (as many per row as the header has)."""
    out: list[str] = []
    i = 0
    while i < len(blocks):
        block = blocks[i]
        i += 1
        if "\t" not in block:
            out.append(block)
            continue
        rows = [block.split("\t")]
        width = len(rows[0])
        pending: list[str] = []
        while i < len(blocks):
            nxt = blocks[i]
            if "\t" in nxt:
                rows.extend(_chunks(pending, width))
                pending = []
                rows.append([c for c in nxt.split("\t") if c])
            elif not ends_sentence(nxt) and len(nxt.split()) <= 20 and not nxt.startswith("•"):
                pending.append(nxt)
            else:
                break
            i += 1
        rows.extend(_chunks(pending, width))
        out.append(markdown_table(rows) if len(rows) > 1 else " | ".join(rows[0]))
    return out


def _chunks(cells: list[str], width: int) -> list[list[str]]:
    return [cells[k : k + width] for k in range(0, len(cells), width)]
