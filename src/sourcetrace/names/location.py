"""Xinjiang location signals in names and addresses (gazetteer, postcodes).

A signal, never a clearance: an address outside Xinjiang proves nothing (labour transfers move
workers to factories across China, domain-facts §7), and a Xinjiang address is reported for review
because goods from the region are presumed made with forced labour under the UFLPA.
"""

from __future__ import annotations

import re
from functools import lru_cache

import polars as pl

from sourcetrace.names.text import fold, has_cjk, latin_tokens
from sourcetrace.names.vocabulary import Place, vocabulary

# Xinjiang county postcodes run 830000-848500; no county outside Xinjiang starts 83 or 84
# (domain-facts §4, verified on one 3,341-county dataset).
_POSTCODE = re.compile(r"(?<!\d)8[34]\d{4}(?!\d)")


def xinjiang_places(text: str) -> list[str]:
    """Xinjiang place names found in the text, as Chinese names (e.g. ['阿克苏地区'])."""
    if not text:
        return []
    folded = fold(text)
    found: dict[str, None] = {}
    if has_cjk(folded):
        for key, place in _xinjiang_zh():
            if key in folded:
                found[place.name_zh] = None
    words = latin_tokens(folded)
    places, starts = _xinjiang_latin()
    if not starts.intersection(words):
        return list(found)  # no word is, or begins, a Xinjiang place name
    for size in (3, 2, 1):
        for i in range(len(words) - size + 1):
            if size > 1 and words[i] not in starts:
                continue  # no Xinjiang place name of several words begins with this word
            hit = places.get(words[i] if size == 1 else "".join(words[i : i + size]))
            if hit is not None:
                found[hit.name_zh] = None
    return list(found)


@lru_cache(maxsize=1)
def _xinjiang_zh() -> tuple[tuple[str, Place], ...]:
    return tuple(
        (k, p) for k, p in vocabulary().places_zh.items() if p.xinjiang and len(k) >= 2
    )


@lru_cache(maxsize=1)
def _xinjiang_latin() -> tuple[dict[str, Place], frozenset[str]]:
    """Xinjiang's Latin place keys (four letters or more: "hami", not "he"), and every word that
    is one or begins one ("wu" of "wulumuqi")."""
    keys = {k: p for k, p in vocabulary().places_latin.items() if p.xinjiang and len(k) >= 4}
    return keys, frozenset(k[:i] for k in keys for i in range(1, len(k) + 1))


def may_hold_xinjiang_place(texts: list[str]) -> list[str]:
    """The texts in which :func:`xinjiang_places` may find something, picked column-wise: any
    with a character beyond ASCII (Chinese, accents: folding decides), and ASCII texts whose
    letters and digits, run together and lower-cased, contain a Xinjiang Latin place key
    (consecutive words of the folded text run together are a part of that string)."""
    if not texts:
        return []
    s = pl.Series(texts, dtype=pl.String)
    run = s.str.to_lowercase().str.replace_all(r"[^a-z0-9]+", "")
    maybe = s.str.contains(r"[^\x00-\x7F]") | run.str.contains_any(sorted(_xinjiang_latin()[0]))
    return s.filter(maybe).to_list()


def xinjiang_postcode(text: str) -> str:
    m = _POSTCODE.search(text or "")
    return m.group(0) if m else ""
