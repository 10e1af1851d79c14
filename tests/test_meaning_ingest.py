"""Through the product path: the topic head's e5 vectors are kept in the store, and a story
followed in another language is shown as one story (tests/link/test_meaning.py: the rule)."""

from __future__ import annotations

import json
from pathlib import Path

from cli_helpers import run

from newsdesk.link.meaning import unpack
from newsdesk.store.sqlite import SQLiteStore

ROWS = [
    {
        "id": "es1",
        "published": "2011-03-02T08:00:00Z",
        "title": "Los rebeldes libios toman el puerto petrolero de Brega tras intensos combates",
        "text": "Los rebeldes que se oponen a Muamar Gadafi tomaron el martes el puerto petrolero de Brega, "
        "en el este de Libia, después de dos días de intensos combates con las fuerzas leales al coronel. "
        "Decenas de combatientes murieron, según médicos del hospital de Ajdabiya.",
    },
    {
        "id": "fr1",
        "published": "2011-03-03T09:00:00Z",
        "title": "Les insurgés libyens s'emparent du port pétrolier de Brega après de violents combats",
        "text": "Les insurgés opposés à Mouammar Kadhafi ont pris mardi le port pétrolier de Brega, dans "
        "l'est de la Libye, après deux jours de violents affrontements avec les forces fidèles au colonel. "
        "Des dizaines de combattants ont été tués, selon des médecins de l'hôpital d'Ajdabiya.",
    },
    {
        "id": "it1",
        "published": "2011-03-03T10:00:00Z",
        "title": "Il Comune approva il nuovo piano per le piste ciclabili del centro storico",
        "text": "Il consiglio comunale ha approvato ieri sera il piano che porterà dodici chilometri di "
        "nuove piste ciclabili nel centro storico entro il 2013, con una spesa di tre milioni di euro "
        "finanziata in parte dalla Regione.",
    },
    {
        "id": "en1",
        "published": "2011-03-03T11:00:00Z",
        "title": "Libyan rebels seize the oil port of Brega after heavy fighting",
        "text": "Rebels opposed to Muammar Gaddafi took the oil port of Brega in eastern Libya on Tuesday "
        "after two days of heavy fighting with forces loyal to the colonel, doctors in Ajdabiya said.",
    },
]


def test_meaning_vectors_are_stored_and_join_a_story_across_languages(tmp_path: Path) -> None:
    corpus = tmp_path / "crisis.jsonl"
    corpus.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in ROWS), encoding="utf-8")
    db = tmp_path / "m.db"
    run("ingest", str(corpus), "--db", str(db))
    store = SQLiteStore(db)
    try:
        by_ext = {a.external_id: a.id for a in store.iter_articles()}
        kept = store.meanings(list(by_ext.values()))
    finally:
        store.close()
    # the es/fr/it articles went through the e5 head and keep its vector; English does not
    assert {e for e, i in by_ext.items() if i in kept} == {"es1", "fr1", "it1"}
    vectors = {e: unpack(kept[by_ext[e]]) for e in ("es1", "fr1", "it1")}
    assert all(v is not None and v.shape == (384,) for v in vectors.values())
    listed = run("stories", "--json", "--db", str(db)).stdout.splitlines()
    placed = {x["id"]: x for x in map(json.loads, listed)}
    assert placed["fr1"]["story_id"] == placed["es1"]["story_id"], "one story in two languages"
    assert placed["it1"]["story_id"] != placed["es1"]["story_id"], "a city's cycle lanes are another story"
