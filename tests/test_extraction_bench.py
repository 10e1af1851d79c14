"""benchmarks/extraction.py's throughput-only mode: the speed rounds without the quality run."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"
DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "extraction-dev.tar.xz"


def _extraction():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("extraction_under_test", BENCH / "extraction.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


extraction = _extraction()


@pytest.mark.parametrize("other", ["--write-readme", "--only=plain"])
def test_speed_only_refuses_to_write_the_readme_or_fill_a_cache(other: str) -> None:
    # the README block needs the scores beside the throughput: a speed-only run must not write it
    with pytest.raises(SystemExit) as exc:
        extraction.main(["--speed-only", other])
    assert exc.value.code == 2


def test_speed_only_times_the_pages_and_scores_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    if not DATA.is_file():
        pytest.skip("../shared/data not present")
    assert (
        extraction.main(["--speed-only", "--set", "trafilatura", "--speed-pages", "2", "--speed-rounds", "2"])
        == 0
    )
    out = capsys.readouterr().out
    assert "### Throughput (2 pages, alternating, this process, 2 rounds)" in out
    assert "| 2 |" in out  # the second round's row
    assert "### trafilatura" not in out and "ingest" not in out  # no quality tables, no ingest run
