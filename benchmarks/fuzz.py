"""The fuzz suite on a large budget (issue 16.4): generated hostile inputs of every kind through the
product path, counted by outcome, with what each input costs in time and memory. The CI tests
(tests/test_fuzz.py) run the same generators in-process on a small budget.

    python benchmarks/fuzz.py --examples 10000            # every kind, the table on stdout
    python benchmarks/fuzz.py --examples 500 --kinds jsonl record --workers 1

Each input runs alone in a warm worker process (newsdesk/fuzz_workers.py): files through
``ingest_paths`` (what ``newsdesk ingest`` runs, models loaded once per worker), feeds, sitemaps
and OPML through the poller's parsers. Outcomes (newsdesk/fuzzing.py): accepted, clear (refused with
one line naming the input), cut (refused by the product's per-input time budget), internal (refused
by the catch-all boundary: a bug), crash (an exception escaped the run, or the worker died), hung
(over 10 s of CPU, or over 120 s wall: the worker is killed), unnamed (a failure line that does not
name the input, or spans lines).

Memory: "input MB" is the most one input added to its worker's resident size at its peak (the
kernel's peak counter is reset before each input); "worker peak MB" is the highest resident size
of a worker while running one input: the models and libraries it holds plus that input.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from newsdesk.fuzz_workers import fuzz_kinds
from newsdesk.fuzzing import STRATEGIES

BAD = ("crash", "internal", "hung", "unnamed")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--examples", type=int, default=1000, help="generated inputs per kind")
    parser.add_argument("--kinds", nargs="*", default=list(STRATEGIES), choices=list(STRATEGIES))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=0, help="worker processes (default: every core)")
    parser.add_argument("--keep", type=Path, help="save the inputs that went wrong (or were cut) here")
    args = parser.parse_args(argv)
    header = (
        "| kind | tried | crash | internal error | hung > 10 s | unnamed error | cut by time budget "
        "| clear error | accepted | max CPU s | slowest wall s | max input MB | worker peak MB | run s |\n"
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    )
    rows = []
    bad_total = 0
    exact = True
    pool_info = ""
    for report in fuzz_kinds(args.kinds, args.examples, seed=args.seed, workers=args.workers, keep=args.keep):
        t, o = report.tally, report.tally.outcomes
        bad_total += sum(o[k] for k in BAD)
        exact &= report.exact_memory
        rows.append(
            f"| {report.kind} | {t.tried:,} | {o['crash']} | {o['internal']} | {o['hung']} | {o['unnamed']} "
            f"| {o['cut']} | {o['clear']:,} | {o['ok']:,} | {report.max_cpu:.1f} | {t.slowest:.1f} "
            f"| {report.max_growth_mb:,.0f} | {report.max_peak_mb:,.0f} | {report.seconds:,.0f} |"
        )
        for outcome, example in t.examples.items():
            print(f"{report.kind} {outcome}: {example}", file=sys.stderr)
        print(f"{report.kind} heaviest input: {report.heaviest}", file=sys.stderr)
        print(rows[-1], file=sys.stderr, flush=True)
        pool_info = report.pool_info
    print(header)
    print("\n".join(rows))
    print(
        f"\nseed {args.seed}; {pool_info}"
        + ("" if exact else "; no /proc/self/clear_refs: memory columns are the processes' peaks")
    )
    return 1 if bad_total else 0


if __name__ == "__main__":
    sys.exit(main())
