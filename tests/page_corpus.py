"""A hand-made desk for the page tests: three invented stories with pictures, a syndicated copy
and a rewrite, written as seed-format records and ingested the way `newsdesk ingest` does; the
pictures are then cached by `newsdesk images`' own code from a local image server.

Dates are relative to now, so one story is hot (articles in the last 24 h), one warm and one
cold. Every name, outlet and text here is made up for the tests.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from PIL import Image as PILImage

from newsdesk.ingest.fetch import Fetcher, FetchPolicy, parse_networks
from newsdesk.ingest.images import ImageCache, cache_stored
from newsdesk.model import Article, Image, Provider
from newsdesk.records import dump_record
from newsdesk.store.sqlite import SQLiteStore

COLOURS = {
    "bridge": (30, 90, 160),
    "bridge2": (200, 120, 30),
    "rovers": (20, 140, 60),
    "comet": (40, 20, 90),
}

BRIDGE = [
    "Port Elsbury's harbour bridge was closed to all traffic after inspectors found deep cracks in two "
    "of its steel girders, the city council said.",
    "Mayor Ilse Varga said the Elsbury harbour bridge would stay shut until engineers from Norland "
    "Structural finish a full survey of the span.",
    "About 40,000 vehicles cross the Port Elsbury bridge every day, and ferries across the harbour "
    "added extra sailings to carry commuters.",
    "The bridge, opened in 1964, was last repaired in 2011, when the Elsbury council replaced its "
    "deck joints.",
    "Norland Structural engineers said the cracked girders in the Port Elsbury harbour bridge can be "
    "strengthened with steel plates.",
    "Mayor Ilse Varga told reporters the harbour bridge would reopen to cars in March, with lorries "
    "barred until the summer.",
    "Businesses near the Port Elsbury harbour said the bridge closure had cut their trade by a third.",
]
ROVERS = [
    "Kestrel Rovers have signed striker Tomas Kell from Dunmore Athletic on a three-year contract.",
    "Kell scored 19 goals for Dunmore Athletic last season and had been wanted by Rovers since the "
    "winter transfer window.",
    "Rovers manager Petra Holm said Tomas Kell would lead the line in the Kestrel club's first match "
    "of the season.",
    "The transfer fee for Kell was not disclosed, but Dunmore Athletic said it was a club record.",
]
COMET = [
    "Comet Varo-3 is visible to the naked eye over the northern hemisphere this week, astronomers at "
    "the Halden Observatory said.",
    "The comet Varo-3 is brightest an hour before dawn, low in the eastern sky, Halden astronomers said.",
    "Varo-3 was discovered in March by the amateur astronomer Lena Varo and last passed the Sun 6,000 "
    "years ago.",
]


def _text(pool: list[str], picks: list[int], extra: str) -> str:
    return "\n\n".join([pool[i] for i in picks] + [extra])


def corpus_articles(now: datetime, img: str) -> list[Article]:
    """The invented articles; ``img`` is the image server's base URL."""

    def art(
        aid: str,
        title: str,
        text: str,
        outlet: str,
        domain: str,
        hours_ago: float,
        topic: str,
        picture: str | None,
        **more: object,
    ) -> Article:
        url = f"https://{domain}/news/{aid}"
        return Article(
            title=title,
            text=text,
            url=url,
            web_url=url,
            published=(now - timedelta(hours=hours_ago)).replace(microsecond=0),
            provider=Provider(outlet, domain),
            language="en",
            topics=[topic],
            images=[Image(f"{img}/{picture}.png", 1200, 675)] if picture else [],
            external_id=f"page-{aid}",
            **more,  # type: ignore[arg-type]
        )

    wire = _text(
        BRIDGE,
        [4],
        "Their three-day survey of the Port Elsbury span found no damage to the towers or cables, and the "
        "steel plates will be fitted at night by Norland Structural crews.",
    )
    return [
        art(
            "bridge-closed",
            "Port Elsbury harbour bridge closed after cracks found in girders",
            _text(BRIDGE, [0, 1, 2, 3], "Police diverted traffic to the ring road."),
            "Harbour Gazette",
            "harbourgazette.example",
            24 * 12,
            "disaster, accident and emergency incident",
            "bridge",
        ),
        art(
            "bridge-survey",
            "Engineers say cracked Port Elsbury bridge girders can be strengthened",
            wire,
            "Coastal Wire",
            "coastalwire.example",
            24 * 6,
            "disaster, accident and emergency incident",
            None,
        ),
        art(
            "bridge-survey-copy",
            "Engineers say cracked Port Elsbury bridge girders can be strengthened",
            wire + "\n\nThis story was supplied by Coastal Wire.",
            "Valley Times",
            "valleytimes.example",
            24 * 6 - 1,
            "disaster, accident and emergency incident",
            None,
        ),
        art(
            "bridge-reopen",
            "Port Elsbury harbour bridge to reopen to cars in March, mayor says",
            _text(BRIDGE, [5, 6], "Lorries will use the ring road until the summer, the mayor said."),
            "Elsbury Post",
            "elsburypost.example",
            3,
            "disaster, accident and emergency incident",
            "bridge2",
        ),
        art(
            "bridge-rewrite",
            "Harbour bridge in Port Elsbury set to reopen in March",
            "In a notable shift, the harbour bridge in Port Elsbury is set to welcome cars again in March, "
            "according to the city's mayor, while heavy lorries face a longer wait until the summer.\n\n"
            "The decision underscores a pivotal moment for the harbour's traders.\n\nSource: Elsbury Post.",
            "Daily Content Hub",
            "contenthub.example",
            2,
            "disaster, accident and emergency incident",
            None,
            original_title="Port Elsbury harbour bridge to reopen to cars in March, mayor says",
            original_url="https://elsburypost.example/news/bridge-reopen",
            original_provider="Elsbury Post",
        ),
        art(
            "rovers-sign",
            "Kestrel Rovers sign striker Tomas Kell from Dunmore Athletic",
            _text(ROVERS, [0, 1, 2, 3], "Kell will wear the number nine shirt."),
            "Harbour Gazette",
            "harbourgazette.example",
            24 * 10,
            "sport",
            "rovers",
        ),
        art(
            "rovers-fee",
            "Tomas Kell transfer a club record, Dunmore Athletic says",
            _text(ROVERS, [3, 0, 1], "Dunmore fans protested outside the stadium."),
            "Sports Desk",
            "sportsdesk.example",
            24 * 9,
            "sport",
            None,
        ),
        art(
            "comet-visible",
            "Comet Varo-3 visible to the naked eye this week",
            _text(COMET, [0, 1, 2], "Binoculars show its tail."),
            "Science Today",
            "sciencetoday.example",
            5,
            "science and technology",
            "comet",
        ),
        art(
            "comet-dawn",
            "Where to see comet Varo-3 before dawn",
            _text(COMET, [1, 0, 2], "Clear skies are forecast in the north."),
            "Skywatch",
            "skywatch.example",
            1,
            "science and technology",
            None,
        ),
    ]


def write_records(folder: Path, articles: list[Article]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for a in articles:
        (folder / f"{a.external_id}.txt").write_text(dump_record(a), encoding="utf-8")


class _Images(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        name = self.path.rsplit("/", 1)[-1].removesuffix(".png")
        colour = COLOURS.get(name)
        if colour is None:
            self.send_error(404)
            return
        img = PILImage.new("RGB", (1200, 675), colour)
        img.paste((250, 250, 250), (100, 100, 500, 400))  # a shape, so a thumbnail is not a flat field
        buf = io.BytesIO()
        img.save(buf, "PNG")
        body = buf.getvalue()
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def image_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Images)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/img"
    finally:
        server.shutdown()
        server.server_close()


def corpus_ids(store: SQLiteStore) -> list[str]:
    return [a.id for a in store.iter_articles() if a.provider.domain.endswith(".example")]


def cache_pictures(store: SQLiteStore, images_dir: Path) -> tuple[int, list[str]]:
    """The corpus's pictures cached as `newsdesk images` does, loopback allow-listed."""
    ids = corpus_ids(store)
    policy = FetchPolicy(allow_networks=parse_networks("127.0.0.1"), ignore_robots=True, domain_delay=0.0)
    with Fetcher(policy) as fetcher:
        return cache_stored(store, ImageCache(fetcher, images_dir), ids)


def now() -> datetime:
    return datetime.now(UTC)
