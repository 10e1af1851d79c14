"""The one exception tree of newsdesk.

Every failure newsdesk raises on purpose derives from :class:`NewsdeskError`,
so callers (the CLI, the API, embedding programs) can catch one type::

    NewsdeskError
    ├── ConfigError            a setting is missing, malformed or out of range
    ├── InputError             an input cannot be used; carries the input's name (and line)
    │   ├── UnsupportedInput   a file kind newsdesk does not read (binary, unknown)
    │   ├── InputTooLarge      larger than the configured limit
    │   ├── DecodeError        bytes that no encoding explains
    │   ├── MalformedInput     the bytes are text but not the promised shape
    │   └── ExtractionError    a page or capture yielded no usable article
    ├── RecordError            a seed-format record cannot be read or written
    ├── SecuredError           the `secured` envelope cannot be made or opened
    │   └── TamperedError      the envelope or the record it covers was altered
    ├── StoreError             the store failed (I/O, schema, migration)
    │   └── NotFound           no such article/story in the store
    └── FetchError             network fetch refused or failed (live ingestion)
"""

from __future__ import annotations


class NewsdeskError(Exception):
    """Base of every error newsdesk raises on purpose."""


class ConfigError(NewsdeskError):
    """A setting is missing, malformed or out of range."""


class InputError(NewsdeskError):
    """An input cannot be used. ``source`` names it, ``line`` locates it when known."""

    def __init__(self, message: str, *, source: str | None = None, line: int | None = None):
        self.source = source
        self.line = line
        self.reason = message
        where = ""
        if source:
            where = f"{source}:{line}: " if line is not None else f"{source}: "
        super().__init__(f"{where}{message}")


class UnsupportedInput(InputError):
    """The input is of a kind newsdesk does not read."""


class InputTooLarge(InputError):
    """The input exceeds the configured size limit."""


class DecodeError(InputError):
    """The input's bytes cannot be decoded as text."""


class MalformedInput(InputError):
    """The input is text but not of the shape its kind promises."""


class ExtractionError(InputError):
    """A page or capture yielded no usable article."""


class RecordError(NewsdeskError):
    """A seed-format record cannot be read or written."""


class SecuredError(NewsdeskError):
    """The `secured` envelope cannot be made or opened."""


class TamperedError(SecuredError):
    """A record or its envelope was altered; ``changes`` lists what differs."""

    def __init__(self, message: str, changes: list[str] | None = None):
        self.changes = list(changes or [])
        super().__init__(message)


class StoreError(NewsdeskError):
    """The store failed."""


class NotFound(StoreError):
    """No such item in the store."""


class UnreadableArticle(StoreError):
    """One stored article's row cannot be read (written past the checks); the store itself works."""


class FetchError(NewsdeskError):
    """A network fetch was refused or failed."""
