"""The authenticated `secured` envelope: sealing, verifying, tamper reports, keys."""

from __future__ import annotations

import base64
import os
import stat
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsdesk.errors import ConfigError, SecuredError, TamperedError
from newsdesk.model import Article, Image, Provider, RelatedItem
from newsdesk.records import dump_record, load_record
from newsdesk.secured import (
    ENVELOPE_ALTERED,
    KEY_FILE,
    Key,
    Keyring,
    ensure_key_file,
    key_id_for,
    open_envelope,
    rotate_key_file,
    seal,
    verify_record,
)
from newsdesk.settings import load_settings

SEED_000 = Path(__file__).resolve().parents[1].parent / "shared" / "seeds" / "000_9384bd5bf276808d.txt"
KEY_A = bytes(range(32))
KEY_B = bytes(range(1, 33))


def settings_for(tmp_path: Path, env: dict[str, str] | None = None, **overrides: str):
    return load_settings(
        {"data_dir": str(tmp_path / "data"), **overrides},
        env=env or {},
        config_file=tmp_path / "absent.toml",
    )


def article() -> Article:
    return Article(
        title="Beijing Backs Taliban's Hopes",
        text="ISLAMABAD (PEN): China has expressed support.\n\nSecond paragraph.",
        excerpt="China has emerged as a backer.",
        url="https://example.org/a/1",
        web_url="https://example.org/a/1",
        published=datetime(2021, 9, 27, 16, 31, tzinfo=UTC),
        provider=Provider("Example News", "example.org"),
        images=[Image("https://example.org/i.jpg", 1200, 675, True)],
        quality=17,
        topics=["AI"],
        related=[RelatedItem(title="Other", web_url="https://other.example/x")],
        id="nd-42",
        external_id="ext-7",
        source="inbox/story.html",
        source_kind="html",
        ingested_at=datetime(2021, 9, 28, tzinfo=UTC),
        extractor="newsdesk-extract/0.1",
    )


def changes_of(text: str, keyring: Keyring) -> list[str]:
    with pytest.raises(TamperedError) as info:
        verify_record(text, keyring, source="r.txt")
    assert str(info.value).startswith("r.txt: ")
    return info.value.changes


# --------------------------------------------------------------------------- seal / verify


def test_seal_then_verify():
    ring = Keyring.from_key(KEY_A)
    a = article()
    text = dump_record(a, keyring=ring)
    payload = verify_record(text, ring)
    assert payload["v"] == 1 and payload["kid"] == key_id_for(KEY_A)
    assert (payload["id"], payload["external_id"], payload["source"]) == (
        "nd-42",
        "ext-7",
        "inbox/story.html",
    )
    assert payload["extractor"] == "newsdesk-extract/0.1"
    assert payload["ingested_at"] == "2021-09-28T00:00:00Z"
    assert set(payload["field_digests"]) == {
        "category", "title", "excerpt", "publishedDateTime", "originalUrl", "webUrl", "type",
        "quality", "heat", "published", "provider", "topics", "images", "related",
    }  # fmt: skip
    assert a.secured == ""  # dump_record does not mutate its argument
    _ciphertext, nonce = load_record(text).secured.split(";")
    assert len(base64.b64decode(nonce)) == 12


def test_seal_matches_open_envelope():
    ring = Keyring.from_key(KEY_A, key_id="desk-1")
    env = seal(article(), article().text, ring)
    assert open_envelope(env, ring)["kid"] == "desk-1"
    assert seal(article(), article().text, ring) != env  # fresh nonce every time


def test_crlf_checkout_still_verifies():
    ring = Keyring.from_key(KEY_A)
    text = dump_record(article(), keyring=ring)
    verify_record(text.replace("\n", "\r\n").encode("utf-8"), ring)


def test_body_change_of_one_char():
    ring = Keyring.from_key(KEY_A)
    text = dump_record(article(), keyring=ring)
    assert changes_of(text.replace("expressed support", "expressed suppert"), ring) == ["body changed"]


def test_title_change():
    ring = Keyring.from_key(KEY_A)
    text = dump_record(article(), keyring=ring)
    assert changes_of(text.replace("Hopes", "Hope"), ring) == ["field 'title' changed"]


def test_quality_change():
    ring = Keyring.from_key(KEY_A)
    text = dump_record(article(), keyring=ring)
    assert changes_of(text.replace("quality: 17", "quality: 99"), ring) == ["field 'quality' changed"]


def test_several_changes_are_all_listed():
    ring = Keyring.from_key(KEY_A)
    text = dump_record(article(), keyring=ring)
    text = text.replace("quality: 17", "quality: 99").replace("Second", "Third")
    text = text.replace("\nsecured:", "\nmood: calm\n\nsecured:").replace("  - AI\n", "  - AI\n  - Crypto\n")
    assert changes_of(text, ring) == [
        "body changed",
        "field 'quality' changed",
        "field 'topics' changed",
        "field 'mood' added",
    ]


def _flip_one_char(secured: str) -> str:
    i = len(secured) // 3  # inside the ciphertext, away from padding bits
    c = secured[i]
    return secured[:i] + ("A" if c != "A" else "B") + secured[i + 1 :]


def test_flipped_secured_char():
    ring = Keyring.from_key(KEY_A)
    text = dump_record(article(), keyring=ring)
    secured = load_record(text).secured
    assert changes_of(text.replace(secured, _flip_one_char(secured)), ring) == [ENVELOPE_ALTERED]


def test_flipped_nonce_char():
    ring = Keyring.from_key(KEY_A)
    text = dump_record(article(), keyring=ring)
    secured = load_record(text).secured
    ct, nonce = secured.split(";")
    flipped = ct + ";" + ("B" if nonce[0] == "A" else "A") + nonce[1:]
    assert changes_of(text.replace(secured, flipped), ring) == [ENVELOPE_ALTERED]


def test_resealed_with_another_key():
    text = dump_record(article(), keyring=Keyring.from_key(KEY_B))
    assert changes_of(text, Keyring.from_key(KEY_A)) == [ENVELOPE_ALTERED]


def test_envelope_moved_to_another_record():
    ring = Keyring.from_key(KEY_A)
    donor = load_record(dump_record(article().replace(title="Other story"), keyring=ring))
    text = dump_record(article().replace(secured=donor.secured))
    assert changes_of(text, ring) == ["field 'title' changed"]


def test_legacy_seed_envelope_is_not_verifiable():
    if not SEED_000.exists():
        pytest.skip("shared seeds not available")
    with pytest.raises(SecuredError, match="legacy") as info:
        verify_record(SEED_000.read_text(encoding="utf-8"), Keyring.from_key(KEY_A), source="seed")
    assert not isinstance(info.value, TamperedError)
    assert str(info.value).startswith("seed: ")


def test_record_without_envelope():
    with pytest.raises(SecuredError, match="no secured envelope"):
        verify_record(dump_record(article()), Keyring.from_key(KEY_A))


@pytest.mark.parametrize("bad", ["abc", "a;b;c", "!!!!;AAAAAAAAAAAAAAAA", "AAAA;AAAA", ";"])
def test_malformed_envelope(bad):
    with pytest.raises(SecuredError) as info:
        open_envelope(bad, Keyring.from_key(KEY_A))
    assert not isinstance(info.value, TamperedError)


def test_key_bytes_never_in_repr():
    ring = Keyring.from_key(KEY_A)
    assert KEY_A.hex() not in repr(ring) and repr(KEY_A) not in repr(ring.current)


# --------------------------------------------------------------------------- keys


def test_key_file_created_0600_once_and_reused(tmp_path):
    s = settings_for(tmp_path)
    first = Keyring.from_settings(s)
    path = tmp_path / "data" / KEY_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(base64.b64decode(path.read_text())) == 32
    second = Keyring.from_settings(s)
    assert first.current == second.current
    assert first.current.kid == key_id_for(first.current.secret)
    assert not [p for p in path.parent.iterdir() if p.name != KEY_FILE]  # no temp files left


def test_concurrent_first_runs_agree_on_one_key(tmp_path):
    path = tmp_path / "d" / KEY_FILE
    with ThreadPoolExecutor(8) as pool:
        keys = set(pool.map(lambda _: ensure_key_file(path), range(16)))
    assert len(keys) == 1


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_group_readable_key_file_is_refused(tmp_path):
    Keyring.from_settings(settings_for(tmp_path))
    (tmp_path / "data" / KEY_FILE).chmod(0o640)
    with pytest.raises(SecuredError, match="chmod 600"):
        Keyring.from_settings(settings_for(tmp_path))


def test_key_from_settings_and_env(tmp_path):
    b64 = base64.b64encode(KEY_A).decode()
    from_flag = Keyring.from_settings(settings_for(tmp_path, secret_key=b64))
    from_env = Keyring.from_settings(settings_for(tmp_path, env={"NEWSDESK_SECRET_KEY": b64}))
    assert from_flag.current == from_env.current == Key(key_id_for(KEY_A), KEY_A)
    assert not (tmp_path / "data" / KEY_FILE).exists()
    named = Keyring.from_settings(settings_for(tmp_path, secret_key=b64, key_id="desk-1"))
    assert named.current.kid == "desk-1"


@pytest.mark.parametrize("bad", ["not base64!", base64.b64encode(b"short").decode()])
def test_malformed_secret_key_setting(tmp_path, bad):
    with pytest.raises(ConfigError, match="secret_key"):
        Keyring.from_settings(settings_for(tmp_path, secret_key=bad))


def test_rotation_with_explicit_keys():
    old_text = dump_record(article(), keyring=Keyring.from_key(KEY_A))
    ring = Keyring.from_key(KEY_B, older=(KEY_A,))
    assert verify_record(old_text, ring)["kid"] == key_id_for(KEY_A)
    assert open_envelope(seal(article(), "", ring), ring)["kid"] == key_id_for(KEY_B)


def test_rotation_with_key_files(tmp_path):
    s = settings_for(tmp_path)
    old_ring = Keyring.from_settings(s)
    old_text = dump_record(article(), keyring=old_ring)
    rotated = rotate_key_file(tmp_path / "data")
    assert rotated.current != old_ring.current
    assert (tmp_path / "data" / f"secret.{old_ring.current.kid}.key").exists()
    ring = Keyring.from_settings(s)
    assert ring.current == rotated.current and ring.older == (old_ring.current,)
    assert verify_record(old_text, ring)["kid"] == old_ring.current.kid
    new_text = dump_record(article(), keyring=ring)
    assert verify_record(new_text, ring)["kid"] == ring.current.kid
    assert changes_of(new_text, old_ring) == [ENVELOPE_ALTERED]
