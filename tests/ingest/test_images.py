"""Image cache: verified with Pillow, sized, stored by content with a thumbnail; bad images refused."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PIL import Image as PILImage

from newsdesk.ingest.fetch import BlockedAddress, BodyTooLarge, Fetcher
from newsdesk.ingest.images import ImageCache, ImageRefused
from newsdesk.ingest.scheduler import Scheduler
from newsdesk.model import Article, Image
from newsdesk.store.sources import SourcesMixin
from newsdesk.store.sqlite import SQLiteStore


def picture(width: int, height: int, fmt: str = "JPEG", mode: str = "RGB") -> bytes:
    img = PILImage.new(mode, (width, height), color=(30, 120, 200) if mode == "RGB" else 1)
    out = io.BytesIO()
    img.save(out, fmt)
    return out.getvalue()


@pytest.fixture
def cache(fetcher: Fetcher, tmp_path: Path) -> ImageCache:
    return ImageCache(fetcher, tmp_path / "images", max_bytes=2_000_000, max_pixels=4_000_000)


def test_valid_image_cached_with_thumbnail(site: Any, cache: ImageCache) -> None:
    url = site.add("/img/harbour.jpg", picture(800, 600), ctype="image/jpeg")
    got = cache.cache(url)
    assert (got.width, got.height, got.format) == (800, 600, "JPEG")
    assert got.original.read_bytes() == picture(800, 600)
    assert got.original.name == f"{got.sha256}.jpg" and got.original.parent.name == got.sha256[:2]
    with PILImage.open(got.thumbnail) as thumb:
        assert thumb.format == "WEBP" and thumb.size == (320, 240)
    # the same bytes under another URL are stored once
    again = cache.cache(site.add("/img/copy.jpg", picture(800, 600), ctype="image/jpeg"))
    assert again.original == got.original
    assert len(list((cache.directory).rglob("*.jpg"))) == 1


def test_small_png_with_alpha_keeps_its_size(site: Any, cache: ImageCache) -> None:
    url = site.add("/img/logo.png", picture(100, 50, "PNG", "RGBA"), ctype="image/png")
    got = cache.cache(url)
    with PILImage.open(got.thumbnail) as thumb:
        assert thumb.size == (100, 50) and thumb.mode == "RGBA"


@pytest.mark.parametrize(
    ("body", "match"),
    [
        (b"<html><body>not a picture</body></html>", "not an image"),
        (picture(400, 300, "PNG")[:200], "corrupt"),  # truncated
        (picture(400, 300, "TIFF"), "format TIFF"),
        (picture(3000, 2000, "PNG", "1"), "pixel limit"),  # 6 Mpx in a few KB: refused from the header
    ],
)
def test_bad_images_refused(site: Any, cache: ImageCache, body: bytes, match: str) -> None:
    url = site.add("/img/bad", body, ctype="image/png")
    with pytest.raises(ImageRefused, match=match) as info:
        cache.cache(url)
    assert url in str(info.value)
    assert not list(cache.directory.rglob("*.*"))


def test_oversized_bytes_refused(site: Any, cache: ImageCache) -> None:
    url = site.add("/img/huge.jpg", b"\xff\xd8" + b"\0" * 3_000_000, ctype="image/jpeg")
    with pytest.raises(BodyTooLarge):
        cache.cache(url)


def test_article_images_cached_refused_and_listed(site: Any, cache: ImageCache) -> None:
    good = site.add("/img/good.jpg", picture(640, 480), ctype="image/jpeg")
    corrupt = site.add("/img/corrupt.jpg", b"\xff\xd8\xff\xe0garbage", ctype="image/jpeg")
    metadata = "http://169.254.169.254/latest/meta-data/iam.jpg"
    article = Article(title="t", images=[Image(good, 10, 10), Image(corrupt), Image(metadata)])
    images, info = cache.cache_article(article)
    assert images[0] == Image(good, 640, 480, is_cached=True)
    assert images[1] == Image(corrupt) and images[2] == Image(metadata)
    assert set(info["images_refused"]) == {corrupt, metadata}
    assert "cloud metadata" in info["images_refused"][metadata]
    assert list(info["images_cached"]) == [good]


def test_metadata_address_never_contacted(
    make_fetcher: Callable[..., Fetcher], recording: Any, tmp_path: Path
) -> None:
    transport = recording()
    cache = ImageCache(make_fetcher(transport=transport, allow_networks=()), tmp_path)
    with pytest.raises(BlockedAddress):
        cache.cache("http://169.254.169.254/latest/meta-data/")
    assert transport.sent == []


class Store(SQLiteStore, SourcesMixin):
    pass


def test_scheduler_caches_lead_image_and_stores_sizes(site: Any, fetcher: Fetcher, tmp_path: Path) -> None:
    img = site.add("/img/lead.jpg", picture(1024, 512), ctype="image/jpeg")
    paragraphs = "".join(
        f"<p>The ferry from Harwick carried {k * 40 + 120} passengers on its first crossing of the season, "
        f"and the harbour master said paragraph {k} of the plan was now done.</p>"
        for k in range(5)
    )
    site.add(
        "/p/ferry.html",
        f'<html><head><title>Ferry season opens</title><meta property="og:image" content="{img}">'
        '<meta property="og:image:width" content="100"><meta property="og:image:height" content="50">'
        f"</head><body><article><h1>Ferry season opens</h1>{paragraphs}</article></body></html>",
    )
    with Store(tmp_path / "img.db") as store:
        source, _ = store.add_source(site.url("/p/ferry.html"), "url")
        scheduler = Scheduler(store, fetcher, images=ImageCache(fetcher, tmp_path / "images"))
        assert scheduler.poll(source).added == 1
        [article] = list(store.iter_articles())
        assert article.images[0] == Image(img, 1024, 512, is_cached=True)  # the real size, not the declared
        digest = article.info["images_cached"][img]
        assert (tmp_path / "images" / digest[:2] / f"{digest}.thumb.webp").exists()
