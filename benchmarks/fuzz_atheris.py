"""Coverage-guided fuzzing (atheris, libFuzzer) of the pure parsing functions, for a bounded time
(issue 16.5): capture cleaning, date parsing in text, record loading, JSON Lines lines, the HTML
pre-scan and URL normalisation. Anything but newsdesk's own errors is a crash; libFuzzer stops at
the first one and writes the input to crash-*; each crash found becomes a regression test.

    python benchmarks/fuzz_atheris.py -max_total_time=300          # five minutes
    python benchmarks/fuzz_atheris.py -max_total_time=60 -runs=100000
"""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports():
    from newsdesk.errors import NewsdeskError
    from newsdesk.extract.captures import clean_capture
    from newsdesk.extract.limits import load_json, prescan_html
    from newsdesk.extract.sanitise import normalise_url
    from newsdesk.extract.textdates import text_dates
    from newsdesk.records import load_record


def one_input(data: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(data)
    target = fdp.ConsumeIntInRange(0, 5)
    text = fdp.ConsumeUnicodeNoSurrogates(len(data))
    try:
        if target == 0:
            clean_capture(text, source="fuzz")
        elif target == 1:
            text_dates(text)
        elif target == 2:
            load_record("---\n" + text + "\n---\n\nbody\n", source="fuzz")
        elif target == 3:
            load_json(text, source="fuzz")
        elif target == 4:
            prescan_html(text.encode("utf-8"), source="fuzz")
        else:
            normalise_url(text)
    except (NewsdeskError, ValueError):
        return  # a refusal: the contract for bad input (normalise_url refuses with ValueError)


def main() -> None:
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
