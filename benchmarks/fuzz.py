"""The fuzz suite on a large budget (issue 16.4): generated hostile inputs of every kind through the
product path, counted by outcome. The CI tests (tests/test_fuzz.py) run the same generators on a
small budget.

    python benchmarks/fuzz.py --examples 10000            # every kind, the table on stdout
    python benchmarks/fuzz.py --examples 500 --kinds jsonl record

Outcomes (newsdesk/fuzzing.py): ok, clear (refused with one line naming the input), internal
(refused by the catch-all boundary: a bug), crash (an exception escaped the run), hung (over 10 s),
unnamed (a failure line that does not name the input). Peak memory is the process's max RSS.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time

from newsdesk.fuzzing import STRATEGIES, fuzz_kind


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--examples", type=int, default=1000, help="generated inputs per kind")
    parser.add_argument("--kinds", nargs="*", default=list(STRATEGIES), choices=list(STRATEGIES))
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    rows = []
    bad_total = 0
    for kind in args.kinds:
        started = time.monotonic()
        tally = fuzz_kind(kind, args.examples, seed=args.seed)
        o = tally.outcomes
        bad = o["crash"] + o["internal"] + o["hung"] + o["unnamed"]
        bad_total += bad
        rows.append(
            f"| {kind} | {tally.tried:,} | {o['crash']} | {o['internal']} | {o['hung']} | {o['unnamed']} "
            f"| {o['clear']:,} | {o['ok']:,} | {tally.slowest:.1f} | {time.monotonic() - started:.0f} |"
        )
        for outcome, example in tally.examples.items():
            print(f"{kind} {outcome}: {example}", file=sys.stderr)
        print(rows[-1], file=sys.stderr, flush=True)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        "| kind | tried | crash | internal error | hung > 10 s | unnamed error | clear error | accepted "
        "| slowest s | run s |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    print("\n".join(rows))
    print(f"\npeak memory (max RSS of the run): {peak_mb:,.0f} MB; seed {args.seed}")
    return 1 if bad_total else 0


if __name__ == "__main__":
    sys.exit(main())
