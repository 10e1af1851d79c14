"""Last touch to a chosen title: mojibake repaired.

"A DIY Investorâ€™s Guide" is UTF-8 that was read as cp1252 somewhere before the page
was saved, in the page's own markup. ``ftfy.fix_encoding`` (a dependency) undoes exactly
that and leaves every other title as it is (quotes, widths and spacing untouched). Tried
and left out: pictographs dropped at the ends ("status symbol"? 🤔; wcxb +1 -1, nothing on
the trafilatura set) and a link aggregator's "(domain.com)" after the headline (no page).
"""

from __future__ import annotations

import ftfy


def tidy_title(title: str) -> str:
    if title.isascii():
        return title  # nothing to repair, and the common case
    return ftfy.fix_encoding(title)
