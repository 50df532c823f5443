"""Signals computed for many rows at once equal those of the row function, row by row."""

from __future__ import annotations

import csv
from importlib import resources

from sourcetrace.model import Record
from sourcetrace.names.location import may_hold_place, may_hold_xinjiang_place
from sourcetrace.signals import signals_for, signals_many


def _gazetteer_forms() -> list[str]:
    text = resources.files("sourcetrace.data").joinpath("xinjiang_gazetteer.tsv")
    with text.open(encoding="utf-8") as fh:
        return [row["form"] for row in csv.DictReader(fh, delimiter="\t")]


def test_batch_signals_equal_row_signals() -> None:
    forms = _gazetteer_forms()
    # Every written form of the gazetteer in a name, in an address (with and without the
    # country column, a foreign one too), as a street; names and addresses that hold no place.
    records = []
    for i, form in enumerate(forms):
        records += [
            Record(row=0, name=f"{form} Cotton Textile Co., Ltd."),
            Record(row=0, name="Ningbo Bright Textile Co Ltd", address=f"No. {i} {form}"),
            Record(row=0, name="NINGBO BRIGHT TEXTILE CO LTD", address=f"{form} Road 8, Shanghai",
                   country="CN"),
            Record(row=0, name="Aksu Trading", address=f"{form}, Antalya", country="TR"),
        ]  # fmt: skip
    records += [
        Record(row=0, name="SHAOXING HAIFENG KNITTING CO LTD"),
        Record(row=0, name="Acme Buttons GmbH", address="Berlin", country="DE"),
        Record(row=0, name="", address="Urumqi 830011", identifier="91650100MA77X0LP2K"),
        Record(row=0, name="Ku Cha-hyong Trading", address="Seoul"),
    ]
    batch = signals_many(records)
    rows = [signals_for(r) for r in records]
    assert batch == rows
    # The comparison means something only if many rows have a signal and many have none.
    with_signal = sum(1 for s in rows if s)
    assert with_signal > len(forms) and len(records) - with_signal > len(forms)


def test_one_text_place_test_agrees_with_the_column_test() -> None:
    """The bulk workers' place test (no polars in a forked process) picks the texts the
    column-wise one picks."""
    forms = _gazetteer_forms()
    texts = [f"{f} Cotton Co" for f in forms] + [
        f"NO {i} {f.upper()} RD" for i, f in enumerate(forms)
    ]
    texts += ["SHAOXING HAIFENG KNITTING CO LTD", "Ningbo Bright Textile", "Acme Buttons GmbH",
              "Kashi, Varanasi", "HAMI MELON TRADING", "x", ""]  # fmt: skip
    column = set(may_hold_xinjiang_place(texts))
    assert {t for t in texts if may_hold_place(t)} == column
    assert len(column) > len(forms) and len(texts) - len(column) >= 3
