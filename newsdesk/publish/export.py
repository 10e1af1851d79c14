"""Articles as `newsdesk export --format json|jsonl` (and the API's JSON record) write them.

The contract other tools rely on (DESIGN "Contracts"): the record's fields under the
seed format's names, ``id`` the external id given at ingest (newsdesk's own id when
none was given), ``text``, and the other stored fields. newsdesk's own id is kept
under ``newsdesk_id`` so a reader can still ask newsdesk for the article, and
``external_id`` says whether an id was given at all (``""`` when not).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import IO, Any

from ..model import Article
from ..records import article_to_json
from ..secured import Keyring, seal


def export_json(article: Article, *, keyring: Keyring | None = None) -> dict[str, Any]:
    """The exported JSON object of ``article``; sealed (fresh ``secured``) when ``keyring`` is given."""
    if keyring is not None:
        article = article.replace(secured=seal(article, article.text, keyring))
    data = article_to_json(article)
    own = data.pop("id")
    given = data.pop("external_id")
    return {"id": given or own, "newsdesk_id": own, "external_id": given, **data}


def write_json_array(objects: Iterable[str], stream: IO[str]) -> int:
    """Write already-serialised JSON values as one JSON array, streamed; returns how many."""
    count = 0
    for text in objects:
        stream.write(("[\n" if count == 0 else ",\n") + text)
        count += 1
    stream.write("\n]\n" if count else "[]\n")
    return count
