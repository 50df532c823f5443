"""The gate before rigour's name analysis (names/symbols.py ``_may_rewrite``) lets through every
name whose organisation words of another language are rewritten: it only spares the names that
hold no such word the analysis (about 20 µs a name), so the parse is the same with it and
without it.

The names are real: the labelled pairs of the matching benchmark (US SDN and restricted-party
names and aliases in many languages, transliterated and in Cyrillic), nomenklatura's name bench
cases, and the bundled lists.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from rigour.names import NameTypeTag, analyze_names

from sourcetrace.lists import default_list_path
from sourcetrace.names import symbols
from sourcetrace.names.lines import clean_line
from sourcetrace.names.parse import parse_name, strip_org_types
from sourcetrace.names.vocabulary import symbol_phrases

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "benchmarks" / "matching" / "data"
ENGLISH_INSTITUTIONS = [
    "Special Design Bureau Almaz",
    "SCIENTIFIC PRODUCTION ENTERPRISE ALMAZ",
    "Research and Production Corporation Vega",
]
# The gate itself, kept before the ``ungated`` fixture opens it.
GATE = symbols._may_rewrite


def _names() -> list[str]:
    out: dict[str, None] = {}
    with (DATA / "pairs.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            out.update({row["query"]: None, row["candidate"]: None})
    with (DATA / "nomenklatura_name_bench_cases.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["schema"] != "Person":
                out.update({row["name1"]: None, row["name2"]: None})
    for line in default_list_path().read_text(encoding="utf-8").splitlines():
        props = json.loads(line)["properties"]
        out.update(dict.fromkeys(props.get("name", []) + props.get("alias", [])))
    # Institution types written in English words only (rigour's NPP, SKB).
    out.update(dict.fromkeys(ENGLISH_INSTITUTIONS))
    return list(out)


def _lines() -> list[str]:
    """The names as the parser hands them to english_org_words (legal forms off), and as bills
    of lading write them (upper case, cut at 35 characters)."""
    names = _names()
    names += [n.upper()[:35] for n in names[::3]]
    return list(dict.fromkeys(strip_org_types(clean_line(n)[0])[0] for n in names))


@pytest.fixture()
def ungated(monkeypatch: pytest.MonkeyPatch) -> None:
    """english_org_words with the gate open: every name analysed by rigour."""
    monkeypatch.setattr(symbols, "_may_rewrite", lambda line: True)
    symbols.english_org_words.cache_clear()
    yield
    symbols.english_org_words.cache_clear()


def test_the_phrase_table_is_the_installed_rigours() -> None:
    # The gate is on only when the table was read from the installed rigour version.
    assert symbols._rewrite_gate() is not None
    rows = symbol_phrases()
    assert len(rows) > 3000
    # rigour reads the table's phrases as their symbols (a sample across the table).
    for category, symbol, phrase, _ in rows[::97]:
        names = analyze_names(
            NameTypeTag.ORG, [f"{phrase} almaz"], phonetics=False, numerics=False,
            consolidate=False,
        )  # fmt: skip
        got = {
            (str(s.symbol.category).rsplit(".", 1)[-1], str(s.symbol.id))
            for n in names
            for s in n.spans
        }
        assert (category, symbol) in got or not got, phrase


def test_gate_passes_every_name_that_is_rewritten(ungated: None) -> None:
    lines = _lines()
    rewritten = [line for line in lines if symbols.english_org_words(line) != line]
    assert len(rewritten) > 300  # Grupp, Inzhiniring, Zavod, Концерн ... are in these names
    ascii_rewritten = [line for line in rewritten if line.isascii()]
    missed = [line for line in ascii_rewritten if not GATE(line)]
    assert not missed
    assert "skb almaz" in {symbols.english_org_words(x) for x in ascii_rewritten}
    # And most names in ASCII are spared the analysis.
    ascii_lines = [line for line in lines if line.isascii()]
    assert sum(map(GATE, ascii_lines)) < 0.6 * len(ascii_lines)


def test_same_parse_with_and_without_the_gate(monkeypatch: pytest.MonkeyPatch) -> None:
    names = _names()[::7] + ["YUNA INZHINIRING", "NAVIMAKS GRUPP", *ENGLISH_INSTITUTIONS]
    symbols.english_org_words.cache_clear()
    gated = [parse_name(n) for n in names]
    monkeypatch.setattr(symbols, "_may_rewrite", lambda line: True)
    symbols.english_org_words.cache_clear()
    try:
        assert [parse_name(n) for n in names] == gated
    finally:
        symbols.english_org_words.cache_clear()
    assert any("engineering" in p.plain for p in gated)


def test_a_word_of_two_symbols_is_read_the_same_in_every_process() -> None:
    """rigour gives "empreendimentos" two symbols (ENTERPRISE and VENTURE) in an order that
    changes from one process to the next; the parse, and so the score of the pair and the
    trained model, must not. Each run is a fresh interpreter."""
    import subprocess
    import sys

    code = (
        "from sourcetrace.names.parse import parse_name;"
        "print(parse_name('GRUPO AROSFRAN EMPREENDIMENTOS E PARTICIPACOES SARL').tokens)"
    )
    seen = {
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout
        for _ in range(5)
    }
    assert len(seen) == 1, seen
