"""Cache articles' images: fetched through the Fetcher, verified with Pillow, stored by content.

Each image is fetched with the fetcher's checks (SSRF, robots, size), then
must prove it is an image: a format we accept, a header whose pixel count is
under ``max_pixels`` (checked *before* any pixel is decoded), and a full
decode that does not fail (corrupt or truncated files are refused). Pillow's
own ``Image.MAX_IMAGE_PIXELS`` is process-wide and shared with other code, so
it is left alone; its DecompressionBombWarning is turned into a refusal here
instead of a warning that might be ignored.

Files go to ``<dir>/<sha256[:2]>/<sha256>.<ext>`` (the original bytes) and
``<sha256>.thumb.webp`` (a thumbnail ``thumb_width`` wide), written atomically;
the same image from two URLs is stored once.
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image as PILImage
from PIL import UnidentifiedImageError

from ..errors import FetchError
from ..model import Article, Image
from .fetch import IMAGE_TYPES, BadContent, Fetcher

#: formats browsers show; anything else (PSD, TIFF, EPS, ...) is refused
FORMATS = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}
MAX_IMAGES_PER_ARTICLE = 5
#: 16 megapixels (4,000 x 4,000) decode to 48-64 MB; news images are far smaller, bombs far larger
MAX_PIXELS = 16_000_000


class ImageRefused(BadContent):
    """The bytes are not an image we keep: not an image, corrupt, or too many pixels."""


@dataclass(frozen=True, slots=True)
class CachedImage:
    url: str
    sha256: str
    width: int
    height: int
    format: str
    original: Path
    thumbnail: Path


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def inspect_image(data: bytes, url: str, *, max_pixels: int) -> tuple[str, int, int]:
    """(format, width, height) of image bytes; raises ImageRefused."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", PILImage.DecompressionBombWarning)
            with PILImage.open(io.BytesIO(data)) as img:
                fmt, (width, height) = img.format or "", img.size
                if fmt not in FORMATS:
                    raise ImageRefused(url, f"image format {fmt or 'unknown'} is not accepted")
                if width <= 0 or height <= 0:
                    raise ImageRefused(url, "image has no pixels")
                if width * height > max_pixels:
                    raise ImageRefused(url, f"{width}x{height} is over the {max_pixels:,}-pixel limit")
                img.load()  # decode every pixel: truncated and corrupt files fail here
    except ImageRefused:
        raise
    except (PILImage.DecompressionBombWarning, PILImage.DecompressionBombError) as exc:
        raise ImageRefused(url, f"decompression bomb: {exc}") from exc
    except UnidentifiedImageError as exc:
        raise ImageRefused(url, "not an image") from exc
    except (OSError, SyntaxError, ValueError) as exc:  # Pillow reports corrupt data so
        raise ImageRefused(url, f"corrupt image: {exc}") from exc
    return fmt, width, height


class ImageCache:
    def __init__(
        self,
        fetcher: Fetcher,
        directory: Path,
        *,
        max_bytes: int = 15 * 1024 * 1024,
        max_pixels: int = MAX_PIXELS,
        thumb_width: int = 320,
    ):
        self.fetcher = fetcher
        self.directory = Path(directory)
        self.max_bytes = max_bytes
        self.max_pixels = max_pixels
        self.thumb_width = thumb_width

    @classmethod
    def from_settings(cls, settings: Any, fetcher: Fetcher) -> ImageCache:
        return cls(
            fetcher,
            settings.data_path / "images",
            max_bytes=settings.image_max_bytes,
            max_pixels=settings.image_max_pixels,
            thumb_width=settings.image_thumb_width,
        )

    def paths(self, sha256: str, fmt: str) -> tuple[Path, Path]:
        folder = self.directory / sha256[:2]
        return folder / f"{sha256}.{FORMATS[fmt]}", folder / f"{sha256}.thumb.webp"

    def cache(self, url: str) -> CachedImage:
        """Fetch, verify and store one image; raises FetchError subclasses."""
        result = self.fetcher.fetch(url, accept=IMAGE_TYPES, max_bytes=self.max_bytes)
        data = result.content
        fmt, width, height = inspect_image(data, url, max_pixels=self.max_pixels)
        digest = hashlib.sha256(data).hexdigest()
        original, thumb = self.paths(digest, fmt)
        if not original.exists():
            _write_atomic(original, data)
        if not thumb.exists():
            _write_atomic(thumb, self._thumbnail(data))
        return CachedImage(url, digest, width, height, fmt, original, thumb)

    def _thumbnail(self, data: bytes) -> bytes:
        with PILImage.open(io.BytesIO(data)) as img:
            img.seek(0)  # first frame of an animation
            frame = img.convert("RGBA" if "A" in img.getbands() or "transparency" in img.info else "RGB")
        if frame.width > self.thumb_width:
            height = max(1, round(frame.height * self.thumb_width / frame.width))
            frame = frame.resize((self.thumb_width, height), PILImage.Resampling.LANCZOS)
        out = io.BytesIO()
        frame.save(out, "WEBP", quality=80, method=4)
        return out.getvalue()

    def cache_article(self, article: Article) -> tuple[list[Image], dict[str, Any]]:
        """The article's images with real sizes and ``is_cached``, plus info naming the files.

        An image that cannot be cached keeps its declared size, stays uncached,
        and its reason is listed under ``info["images_refused"]``.
        """
        images: list[Image] = []
        cached: dict[str, str] = {}
        refused: dict[str, str] = {}
        ours = article.info.get("images_cached", {})
        for n, image in enumerate(article.images):
            # ``isCached`` read from a record means another desk's cache: only ours counts
            if n >= MAX_IMAGES_PER_ARTICLE or (image.is_cached and image.url in ours):
                images.append(image)
                continue
            try:
                got = self.cache(image.url)
            except FetchError as exc:
                refused[image.url] = str(exc)
                images.append(image)
                continue
            cached[image.url] = got.sha256
            images.append(Image(image.url, got.width, got.height, is_cached=True))
        info: dict[str, Any] = {}
        if cached:
            info["images_cached"] = {**article.info.get("images_cached", {}), **cached}
        if refused:
            info["images_refused"] = refused
        return images, info


def cache_stored(
    store: Any, cache: ImageCache, article_ids: list[str] | None = None
) -> tuple[int, list[str]]:
    """Cache the images of stored articles that have uncached ones (``newsdesk images``): the
    pictures pages show for articles ingested from files, which fetch nothing at ingest.

    ``store`` is a ``SourceStore`` (it needs ``set_article_images``). Returns (articles whose
    images were cached, one message per refused image naming its URL); a refusal loses nothing.
    """
    done, refused = 0, []
    ids = list(article_ids) if article_ids is not None else store.ids()
    for n in range(0, len(ids), 100):  # in batches: never iterate a cursor while writing
        for article in store.get_many(ids[n : n + 100]):
            ours = article.info.get("images_cached", {})
            if not any(i.url not in ours for i in article.images[:MAX_IMAGES_PER_ARTICLE]):
                continue
            images, info = cache.cache_article(article)
            refused += [f"{article.id}: {url}: {why}" for url, why in info.get("images_refused", {}).items()]
            if info.get("images_cached"):
                store.set_article_images(article.id, images, info)
                done += 1
    return done, refused
