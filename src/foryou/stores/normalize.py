"""Input normalisation shared by every backend, so that they store exactly the same values."""

from __future__ import annotations

from collections.abc import Sequence


def normalize_keywords(keywords: Sequence[str], cap: int) -> tuple[str, ...]:
    """Muted keywords as stored: stripped, blanks dropped, first occurrence kept, at most `cap`.

    Matching (NFKC, case folding, tokens) is the MutedKeyword filter's job (SPEC §3.8.2); the store
    keeps what the user typed.
    """
    seen: set[str] = set()
    kept: list[str] = []
    for raw in keywords:
        word = clean_text(raw.strip())
        if word and word not in seen:
            seen.add(word)
            kept.append(word)
            if len(kept) == cap:
                break
    return tuple(kept)


def clean_text(text: str) -> str:
    """Text as every backend can store it: NUL (which PostgreSQL text refuses) becomes U+FFFD."""
    return text.replace("\x00", "\ufffd")
