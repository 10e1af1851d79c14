"""Commands that need no models must not import them: start-up cost (issue 13, item 4).

Checked by what a command leaves in ``sys.modules`` (a fact, not a timing): the time
itself is measured by `python -X importtime` (benchmarks/README.md, start-up).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from cli_helpers import run
from texts import WIRE

from newsdesk.model import RawDocument
from newsdesk.pipeline import Enricher, ingest_document
from newsdesk.store.sqlite import SQLiteStore

# What makes start-up slow: the models' stacks, extraction, the web app, the copy index.
HEAVY = (
    "torch",
    "sentence_transformers",
    "model2vec",
    "spacy",
    "trafilatura",
    "usearch",
    "fastapi",
    "scipy",
    "datasketch",
    "ray",
)

PROBE = """
import json, sys
from newsdesk.cli import main
heavy = json.loads(sys.argv[2])
sys.argv = ["newsdesk", *json.loads(sys.argv[1])]
try:
    main()
except SystemExit:
    pass
sys.stderr.write("\\nLOADED " + json.dumps(sorted({m.split(".")[0] for m in sys.modules} & set(heavy))))
"""


def loaded_by(*args: str) -> list[str]:
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(args), json.dumps(HEAVY)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    line = proc.stderr.rsplit("\nLOADED ", 1)
    assert len(line) == 2, proc.stderr
    return list(json.loads(line[1]))


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One stored article, ingested without the topic model (these tests are about reading)."""
    db = tmp_path_factory.mktemp("startup") / "s.db"
    text = f"Harbour bridge to close for repairs\n\n{WIRE}\n"
    with SQLiteStore(db) as st:
        ingest_document(RawDocument("bridge.txt", "capture", text.encode()), st, Enricher())
    return db


@pytest.mark.parametrize(
    "args",
    [("--help",), ("version",), ("list",), ("list", "--json"), ("search", "text"), ("sources", "list")],
)
def test_reading_commands_load_no_heavy_library(store: Path, args: tuple[str, ...]) -> None:
    db = () if args[0] in ("--help", "version") else ("--db", str(store))
    assert loaded_by(*args, *db) == []


def test_show_and_export_load_no_model(store: Path) -> None:
    ref = run("list", "--json", "--db", str(store)).stdout.splitlines()[0]
    article_id = json.loads(ref)["id"]
    assert loaded_by("show", article_id, "--db", str(store)) == []
    # export decorates records with their stories: the linker (usearch) but no model, and
    # once the store is linked (the first run links the new article) not the copy index
    run("export", "--format", "jsonl", "--db", str(store))
    assert set(loaded_by("export", "--format", "jsonl", "--db", str(store))) <= {"usearch"}
