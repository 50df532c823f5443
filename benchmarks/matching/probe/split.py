"""Split the held-out probes in two halves by a hash (develop on ``look``).

Two probes: the bill-of-lading spellings (``abbrev_heldout``, ``neg_heldout``) and the
look-alikes (``lookalike_heldout_pos``: true spellings of listed entities that look like the
negatives; ``lookalike_heldout_neg``: unlisted companies sharing a trade word, a region or an
industry with a listed one).

Positives are split by the listed entity they name (the second column), so that two spellings
of one entity never fall in different halves; negatives by their text (the first column). The
``slips_heldout`` files carry a third column, the kind of spelling (``slip-trade``, ``cut35``,
``neg-trade`` ...), which run.py counts apart. ``lines_heldout`` holds positives and negatives in
one file (query, listed name or ``-``, kind, source): a ``neg_lines`` row is split by its text,
any other by its listed name. ``tails_heldout`` (address tails: county towns, bare street
numbers, places after a name with no legal form) and ``web_heldout`` (spellings copied from
public web pages, negatives ``neg_web``) and ``trade_heldout`` (spellings copied from trade
documents and trade-facing pages, negatives ``neg_trade``) have the same form.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

HERE = Path(__file__).parent


def half(key: str) -> str:
    """``look`` or ``report``: the first byte of the key's SHA-256, even or odd."""
    return "look" if hashlib.sha256(key.encode()).digest()[0] % 2 == 0 else "report"


def main() -> None:
    # (file, column of the key): the listed entity of a positive, the text of a negative
    key: int | None
    for name, key in (
        ("abbrev_heldout", -1),
        ("neg_heldout", -1),
        ("slips_heldout", 1),
        ("slips_heldout_neg", 0),
        ("lookalike_heldout_pos", -1),
        ("lookalike_heldout_neg", -1),
        ("lines_heldout", None),
        ("tails_heldout", None),
        ("web_heldout", None),
        ("trade_heldout", None),
    ):
        rows = (HERE / f"{name}.tsv").read_text(encoding="utf-8").splitlines()
        out: dict[str, list[str]] = {"look": [], "report": []}
        for row in filter(None, rows):
            cols = row.split("\t")
            column = key if key is not None else (0 if cols[2].startswith("neg") else 1)
            out[half(cols[column].lower())].append(row)
        for part, kept in out.items():
            (HERE / f"{name}.{part}.tsv").write_text("\n".join(kept) + "\n", encoding="utf-8")
            print(f"{name}.{part}.tsv: {len(kept)}", file=sys.stderr)


if __name__ == "__main__":
    main()
