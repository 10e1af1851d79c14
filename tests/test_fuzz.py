"""The fuzz suite on a small budget (issue 16.4): generated hostile inputs of every kind through the
product path, and schemathesis against /openapi.json. `python benchmarks/fuzz.py` runs the large
budget and prints the table (benchmarks/README.md)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from desk_helpers import SEEDS, app_client, ingest_seeds
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import CHECKS  # noqa: F401  (registers the built-in checks)

from newsdesk.fuzz_workers import fuzz_kinds
from newsdesk.fuzzing import STRATEGIES, fuzz_kind

EXAMPLES = 12


@pytest.mark.parametrize("kind", list(STRATEGIES))
def test_generated_inputs_never_crash_hang_or_go_unnamed(kind: str, tmp_path: Path) -> None:
    tally = fuzz_kind(kind, EXAMPLES, seed=16, folder=tmp_path)
    assert tally.tried == EXAMPLES
    bad = {k: tally.outcomes[k] for k in ("crash", "internal", "hung", "unnamed") if tally.outcomes[k]}
    assert not bad, (bad, tally.examples)


def test_the_large_budget_runs_each_input_in_a_warm_worker_and_measures_it() -> None:
    """benchmarks/fuzz.py's runner: every input answered, its memory measured on its own."""
    reports = list(fuzz_kinds(["capture", "opml"], 6, seed=16, workers=1))
    assert [r.kind for r in reports] == ["capture", "opml"]
    for report in reports:
        assert report.tally.tried == 6
        assert not any(report.tally.outcomes[k] for k in ("crash", "internal", "hung", "unnamed"))
        assert 0 < report.max_peak_mb < 1024 and report.max_growth_mb < report.max_peak_mb
    assert "models loaded" in reports[0].pool_info


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds not present")
    tmp = tmp_path_factory.mktemp("fuzzapi")
    assert ingest_seeds(tmp / "desk.db").ok
    with app_client(tmp, 'api_token = "fuzz-token"\n\n[[feeds]]\nname = "everything"\n') as client:
        yield client


def test_api_honours_its_schema(api: TestClient) -> None:
    """Every operation with generated parameters: no 5xx, only declared statuses, 405 with the one
    error shape for undeclared methods (schemathesis' default checks)."""
    schema = schemathesis.openapi.from_asgi("/openapi.json", api.app)
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        strategy = operation.as_strategy()

        from hypothesis import given

        @given(case=strategy)
        @settings(
            max_examples=6,
            derandomize=True,
            deadline=None,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def check(case: schemathesis.Case) -> None:
            case.call_and_validate()

        try:
            check()
        except Exception as exc:  # collect every operation's failure, not just the first
            inner = "; ".join(str(e)[:300] for e in getattr(exc, "exceptions", []))
            failures.append(f"{operation.method.upper()} {operation.path}: {str(exc)[:300]} {inner}")
    assert not failures, "\n".join(failures)
