"""Find the layout of a table as people save it: its delimiter, and its header row below a title.

Both are guesses from the first rows of the file, made the way a reader of the file would make
them; ``--header-row`` and an explicit delimiter-free format (``.tsv``) override them.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Collection, Sequence

DELIMITERS = (",", ";", "\t", "|")
SAMPLE_ROWS = 30
"""How many rows from the top a header may sit below (title blocks are a few lines long)."""


def sniff_delimiter(sample: str) -> str:
    """The delimiter (comma, semicolon, tab or pipe) that splits the sample most consistently.

    For each candidate, the rows are split and the most common field count (at least 2) is
    found; the winner is the candidate with the most rows of that count, then the most fields.
    Unlike :class:`csv.Sniffer`, this holds when a title line or two sit above the header, and
    a European file's decimal commas ("1,5") do not outvote its semicolons. Ties go to the
    comma; a file no candidate splits is one column (comma).
    """
    lines = sample.splitlines()
    if len(lines) > 1 and not sample.endswith(("\n", "\r")):
        lines = lines[:-1]  # the sample may end mid-line
    lines = [line for line in lines if line.strip()][:50]
    best, best_score = ",", (0, 0)
    for delimiter in DELIMITERS:
        try:
            counts = Counter(
                len(r) for r in csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter)
            )
        except csv.Error:
            continue
        usable = [(n, width) for width, n in counts.items() if width >= 2]
        if not usable:
            continue
        score = max(usable)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _cells(row: Sequence[object]) -> list[str]:
    return [str(c).strip() if c is not None else "" for c in row]


def _numeric(text: str) -> bool:
    try:
        float(text.replace(",", "").replace(" ", ""))
    except ValueError:
        return False
    return True


def find_header(rows: Sequence[Sequence[object]], known: Collection[str]) -> int | None:
    """The index in ``rows`` (the first rows of a table) of its header row; None when all empty.

    The header is the first row that names a known name column (``known``, compared lower-case)
    or that looks like a header: at least two cells, two thirds or more of the table's width
    filled, all text (no numbers), all different, with a data row below it. A row naming a known
    column wins over an earlier look-alike that fills less of the width (a "Prepared by | name"
    line in a title block); a full-width look-alike above it is the header (the known name was a
    value in the data). With neither, the first non-empty row.
    """
    sample = [_cells(r) for r in rows[:SAMPLE_ROWS]]
    filled = [sum(1 for c in r if c) for r in sample]
    if not any(filled):
        return None
    width = max(filled)
    lowered = {k.strip().lower() for k in known}

    def has_data_after(i: int) -> bool:
        return any(filled[i + 1 :]) or len(rows) > len(sample)

    first_known = next(
        (
            i
            for i, r in enumerate(sample)
            if any(c.lower().replace("_", " ") in lowered for c in r if c) and has_data_after(i)
        ),
        None,
    )
    first_shape = None
    for i, r in enumerate(sample):
        texts = [c for c in r if c]
        if (
            filled[i] >= 2
            and filled[i] * 3 >= width * 2
            and not any(_numeric(c) for c in texts)
            and len(set(texts)) == len(texts)
            and has_data_after(i)
        ):
            first_shape = i
            break
    if first_known is not None and (
        first_shape is None or first_known <= first_shape or filled[first_shape] < width
    ):
        return first_known
    if first_shape is not None:
        return first_shape
    return next(i for i, n in enumerate(filled) if n)
