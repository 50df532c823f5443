"""Hostile and random input never crashes the parsers: it is read, or refused with our own error.

Property tests (Hypothesis) over the name stages, the USCC check, the input readers and every
official-list importer. Each property runs a bounded number of examples so the suite stays fast.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from sourcetrace.errors import InputError, ListError
from sourcetrace.io.readers import read_table
from sourcetrace.lists.importers import FORMATS
from sourcetrace.names.identifiers import _WEIGHTS, ALPHABET, check_uscc
from sourcetrace.names.parse import ParsedName, parse_name
from sourcetrace.names.text import fold

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
QUICK = settings(
    max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
SLOW = settings(
    max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)

# Text that stresses folding: CJK (simplified, traditional, compatibility and extension A),
# full-width forms, combining marks, controls, surrogate-free astral characters, RTL and ZWJ.
_HARD = (
    "新疆中泰化學股份有限公司矽㐀豈ＡＢＣ１２３（）【】、。·ﬁẞßİı"
    "\u0301\u0308\u0327\u20dd\u200d\u200b\u202e\ufeff\u0000\u0007\u001b\t\r\n\x85\u2028"
    "'’\"<>&%/\\ａ𠀀😀ﷺ㍿℃Åå"
)
hard_text = st.text(alphabet=st.sampled_from(_HARD), max_size=40)
any_text = st.one_of(st.text(max_size=80), hard_text, st.lists(hard_text, max_size=4).map(" ".join))


@QUICK
@given(any_text)
@example("新疆中泰化学股份有限公司")
@example("ＸＩＮＪＩＡＮＧ Zhongtai Chemical Co., Ltd.")
@example("\u0000\u0301")
def test_fold_never_raises_and_is_idempotent(text: str) -> None:
    once = fold(text)
    assert isinstance(once, str)
    assert fold(once) == once


@QUICK
@given(any_text)
@example("")
@example("   ")
@example("C/O tel +86 991 1234567")
@example("新疆生产建设兵团第一师")
def test_parse_name_never_raises(text: str) -> None:
    parsed = parse_name(text)
    assert isinstance(parsed, ParsedName)
    assert parsed.script in ("zh", "latin", "mixed")


# --- USCC -------------------------------------------------------------------------------------

_DIGITS = "0123456789"
_FIRST = "123456789ANY"


def _with_check(body: str) -> str:
    total = sum(ALPHABET.index(c) * w for c, w in zip(body, _WEIGHTS, strict=True))
    return body + str(ALPHABET[(31 - total % 31) % 31])


uscc_bodies = st.builds(
    lambda a, b, region, rest: a + b + region + rest,
    st.sampled_from(_FIRST),
    st.sampled_from(ALPHABET),
    st.text(alphabet=_DIGITS, min_size=6, max_size=6),
    st.text(alphabet=ALPHABET, min_size=9, max_size=9),
)


@QUICK
@given(st.text(max_size=40))
def test_check_uscc_never_raises(raw: str) -> None:
    result = check_uscc(raw)
    assert result.valid in (True, False)
    assert result.valid or result.problem


@QUICK
@given(uscc_bodies)
def test_uscc_with_computed_check_character_is_valid(body: str) -> None:
    code = _with_check(body)
    assert check_uscc(code).valid, code
    # Spaces, hyphens and lower case are how people write it; they do not change the code.
    assert check_uscc(f" {code[:6]}-{code[6:].lower()} ").valid


@QUICK
@given(uscc_bodies, st.integers(0, 17), st.characters(codec="utf-8"))
def test_uscc_single_character_change_is_detected(body: str, at: int, new: str) -> None:
    code = _with_check(body)
    changed = code[:at] + new + code[at + 1 :]
    result = check_uscc(changed)
    if result.valid:
        # Only a change that leaves the same code (e.g. the same letter in lower case) may pass:
        # the mod-31 check catches every single substitution within the alphabet.
        assert result.code == code, (code, changed)


# --- input readers ----------------------------------------------------------------------------

_CSV_SEED = (FIXTURES.parent.parent / "examples" / "suppliers.csv").read_bytes()[:600]


def _file_bytes(seed: bytes) -> st.SearchStrategy[bytes]:
    return st.one_of(
        st.binary(max_size=300),
        any_text.map(lambda t: t.encode("utf-8")),
        any_text.map(lambda t: t.encode("utf-16")),
        st.lists(st.lists(any_text, min_size=1, max_size=4).map(",".join), max_size=5).map(
            lambda rows: "\n".join(rows).encode("utf-8")
        ),
        st.just(seed).flatmap(lambda s: st.binary(max_size=40).map(lambda b: s + b)),
    )


@SLOW
@given(data=st.data(), suffix=st.sampled_from([".csv", ".tsv", ".jsonl"]))
def test_read_table_reads_or_refuses_with_input_error(data: st.DataObject, suffix: str) -> None:
    seed = _CSV_SEED if suffix != ".jsonl" else b'{"name": "Hoshine", "country": "CN"}\n' * 3
    if data.draw(st.booleans()):
        raw = data.draw(_file_bytes(seed))
    else:
        raw = _mutate(data, seed)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"input{suffix}"
        path.write_bytes(raw)
        try:
            frame = read_table(path)
        except InputError as exc:
            assert str(exc).startswith(str(path)), "the error names the file"
            return
    assert isinstance(frame, pl.DataFrame)
    assert frame.height > 0
    assert all(dtype == pl.String for dtype in frame.dtypes)


def _mutate(data: st.DataObject, seed: bytes) -> bytes:
    out = bytearray(seed[: data.draw(st.integers(1, len(seed)), label="cut")])
    for _ in range(data.draw(st.integers(0, 4), label="edits")):
        at = data.draw(st.integers(0, len(out)), label="at")
        patch = data.draw(st.binary(min_size=1, max_size=4), label="patch")
        if data.draw(st.booleans(), label="overwrite"):
            out[at : at + len(patch)] = patch
        else:
            out[at:at] = patch
    return bytes(out)


# --- list importers ---------------------------------------------------------------------------

LIST_SAMPLES = {
    "ofac-sdn-csv": FIXTURES / "lists" / "ofac_sdn" / "sdn.csv",
    "ofac-sdn-xml": FIXTURES / "lists" / "ofac_sdn.xml",
    "trade-csl-csv": FIXTURES / "lists" / "consolidated.csv",
    "uflpa-html": FIXTURES / "lists" / "uflpa_entity_list_v2.html",
    "eu-fsf-xml": FIXTURES / "lists" / "eu_fsf.xml",
    "uk-sanctions-xml": FIXTURES / "lists" / "uk_sanctions_list.xml",
    "ftm": FIXTURES / "yente_fixture_zala.ftm.jsonl",
    "trade-csl-json": FIXTURES / "lists" / "consolidated.json",
    "cbp-wro-csv": FIXTURES / "lists" / "withhold-release-orders-findings.csv",
    "uk-sanctions-csv": FIXTURES / "lists" / "uk_sanctions_list.csv",
}


def test_every_importer_is_fuzzed() -> None:
    assert set(LIST_SAMPLES) == set(FORMATS)


def _seed(fmt: str) -> bytes:
    raw = LIST_SAMPLES[fmt].read_bytes()
    return raw[:4000] if fmt == "ftm" else raw


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@SLOW
@given(data=st.data())
def test_importer_returns_entities_or_raises_list_error(fmt: str, data: st.DataObject) -> None:
    seed = _seed(fmt)
    raw = data.draw(_file_bytes(seed)) if data.draw(st.booleans()) else _mutate(data, seed)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if fmt == "ofac-sdn-csv":
            # The SDN list is three files side by side; keep the other two real.
            path = folder / "sdn.csv"
            for name in ("alt.csv", "add.csv"):
                (folder / name).write_bytes((LIST_SAMPLES[fmt].parent / name).read_bytes())
        else:
            path = folder / LIST_SAMPLES[fmt].name
        path.write_bytes(raw)
        try:
            entities = FORMATS[fmt].parse(path)
        except ListError:
            return
    assert isinstance(entities, list)
    for entity in entities:
        assert isinstance(entity, dict) and entity.get("id") and entity.get("schema")
