"""Articles' lead pictures, served from newsdesk's own image cache (never hot-linked).

:class:`newsdesk.ingest.images.ImageCache` stores each verified image as
``<images>/<sha[:2]>/<sha>.<ext>`` with a WebP thumbnail beside it and
records ``info["images_cached"] = {url: sha256}`` on the article. Pages show
the thumbnail at ``/images/<sha256>.webp`` with its real width and height
(read once from the file's header, so the layout does not jump while it
loads) and ``loading="lazy"``. An image that was never cached, or whose file
is gone, is simply not shown: a page never points the reader's browser at
the outlet's server (a tracker, and an address the desk has not checked).
"""

from __future__ import annotations

import re
import threading
from pathlib import Path
from typing import Any

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse
from PIL import Image as PILImage
from PIL import UnidentifiedImageError

from ..model import Article

_SHA = re.compile(r"^[0-9a-f]{64}$")


class Pictures:
    """Thumbnails of the cache in ``directory`` (``<data_dir>/images``), with their sizes."""

    def __init__(self, directory: Path):
        self.directory = Path(directory)
        self._sizes: dict[str, tuple[int, int] | None] = {}
        self._lock = threading.Lock()

    def path(self, sha256: str) -> Path | None:
        if not _SHA.match(sha256):
            return None
        return self.directory / sha256[:2] / f"{sha256}.thumb.webp"

    def size(self, sha256: str) -> tuple[int, int] | None:
        """The thumbnail's (width, height), None when it is not in the cache."""
        with self._lock:
            if sha256 in self._sizes:
                return self._sizes[sha256]
        path = self.path(sha256)
        size: tuple[int, int] | None = None
        if path is not None and path.is_file():
            try:
                with PILImage.open(path) as img:  # reads the header only
                    size = img.size
            except (OSError, UnidentifiedImageError):
                size = None
        with self._lock:
            self._sizes[sha256] = size
        return size

    def lead(self, article: Article) -> dict[str, Any] | None:
        """The first of the article's images that is cached: ``{src, width, height, alt}``."""
        cached: dict[str, str] = article.info.get("images_cached") or {}
        for image in article.images:
            sha = cached.get(image.url)
            if not image.is_cached or not isinstance(sha, str):
                continue
            size = self.size(sha)
            if size is None:
                continue
            return {"src": f"/images/{sha}.webp", "width": size[0], "height": size[1], "alt": article.title}
        return None

    def first(self, articles: list[Article]) -> dict[str, Any] | None:
        for article in articles:
            found = self.lead(article)
            if found is not None:
                return found
        return None

    def router(self) -> APIRouter:
        r = APIRouter(include_in_schema=False)

        @r.get("/images/{name}")
        def image(name: str) -> FileResponse:
            sha, _, ext = name.partition(".")
            path = self.path(sha) if ext == "webp" else None
            if path is None or not path.is_file():
                raise HTTPException(404, "no such image in the cache")
            # content-addressed: the bytes behind a name never change
            return FileResponse(
                path,
                media_type="image/webp",
                headers={"Cache-Control": "public, max-age=31536000, immutable"},
            )

        return r
