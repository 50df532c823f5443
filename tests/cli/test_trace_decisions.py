"""``sourcetrace trace`` applies the review decisions kept in the store (issue 17 item 5).

The example chain's HUAFU COLOR SPINNING matches two listed Huafu entities: both dismissed as
false positives, the findings resting on that risk source are gone from the next trace and the
rest stay; a confirmed hit on 新疆中泰化学股份有限公司 is marked
confirmed, with who and when, in every finding resting on it.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import polars as pl
import pytest

from sourcetrace.screening import load_lists
from sourcetrace.store import make_engine
from sourcetrace.workspace import entity_hash, record_decision

ROOT = Path(__file__).resolve().parents[2]
CHAIN = ROOT / "examples/chain"
HUAFU = "HUAFU COLOR SPINNING"
HUAFU_GROUP = "uflpa-89aaaa85b3c7"  # Xinjiang Huafu Color Spinning Group Co., Ltd. (UFLPA)
HUAFU_AKSU = "uflpa-cc3e212da29e"  # Aksu Huafu Color Spinning Co., Ltd. (UFLPA)
ZHONGTAI = "新疆中泰化学股份有限公司"
ZHONGTAI_LISTED = "uflpa-23795c8155f2"  # Xinjiang Zhongtai Chemical Co. Ltd.
KEY = ["party", "product", "risk_kind", "source"]


def _trace(bin_: str, out: Path, db: str, *extra: str) -> tuple[pl.DataFrame, str]:
    run = subprocess.run(
        [bin_, "trace", str(CHAIN / "links.csv"), "--ownership", str(CHAIN / "ownership.csv"),
         "--shipments", str(CHAIN / "shipments.csv"), "-o", str(out), "--db", db,
         "--workers", "1", *extra],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    return pl.read_parquet(out), run.stdout


@pytest.fixture(scope="module")
def listed() -> dict[str, str]:
    """The bundled lists' entity hashes, by entity id (what a decision is taken against)."""
    entities, _ = load_lists()
    wanted = (HUAFU_GROUP, HUAFU_AKSU, ZHONGTAI_LISTED)
    return {e.id: entity_hash(e) for e in entities if e.id in wanted}


def test_decisions_reach_the_chain(
    tmp_path: Path, sourcetrace_bin: str, listed: dict[str, str]
) -> None:
    db = f"sqlite:///{tmp_path / 'store.db'}"
    before, _ = _trace(sourcetrace_bin, tmp_path / "before.parquet", db)
    resting = before.filter((pl.col("source") == HUAFU) & (pl.col("risk_kind") == "list"))
    assert resting.height >= 5  # the spinner's match spreads downstream
    assert not before["risk"].str.contains("confirmed by").any()

    engine = make_engine(db)
    try:
        for listed_id in (HUAFU_GROUP, HUAFU_AKSU):
            record_decision(engine, name=HUAFU, entity_id=listed_id,
                            entity_hash=listed[listed_id], decision="false_positive",
                            comment="a spinner in Zhejiang, not the listed Huafu companies",
                            username="alice")  # fmt: skip
        record_decision(engine, name=ZHONGTAI, entity_id=ZHONGTAI_LISTED,
                        entity_hash=listed[ZHONGTAI_LISTED], decision="confirmed",
                        comment="same USCC as the listing", username="bob")  # fmt: skip
    finally:
        engine.dispose()

    after, said = _trace(sourcetrace_bin, tmp_path / "after.parquet", db)
    # The findings resting on the dismissed source are gone; every other one is kept.
    gone = set(resting.select(KEY).iter_rows())
    assert set(after.select(KEY).iter_rows()) == set(before.select(KEY).iter_rows()) - gone
    assert after.filter((pl.col("source") == HUAFU) & (pl.col("risk_kind") == "list")).is_empty()
    assert "review decisions on list matches applied: 3; risk sources dismissed: 1" in said
    assert f"risk source dismissed: {HUAFU} (list)" in said
    assert "by alice" in said and "a spinner in Zhejiang" in said
    # The files say it too, for an auditor who reads only them: one row per decision.
    assert pl.read_parquet(tmp_path / "before.dismissed.parquet").is_empty()
    set_aside = pl.read_parquet(tmp_path / "after.dismissed.parquet")
    assert sorted(set_aside["entity_id"]) == [HUAFU_GROUP, HUAFU_AKSU]
    assert set(set_aside["party"]) == {HUAFU} and set(set_aside["risk_kind"]) == {"list"}
    assert set(set_aside["decision"]) == {"false_positive"}
    assert set(set_aside["decided_by"]) == {"alice"}
    assert set_aside["decided_at"].str.starts_with("20").all()
    assert set(set_aside["comment"]) == {"a spinner in Zhejiang, not the listed Huafu companies"}
    # The risk as screening found it, the same words its findings carried before.
    assert set(set_aside["risk"]) == set(resting["risk"])
    # The confirmed one: every finding resting on it says so, with who and when.
    confirmed = after.filter((pl.col("source") == ZHONGTAI) & (pl.col("risk_kind") == "list"))
    assert (
        confirmed.height
        == before.filter((pl.col("source") == ZHONGTAI) & (pl.col("risk_kind") == "list")).height
    )
    assert confirmed["risk"].str.contains("confirmed by bob at 20").all()
    assert confirmed["severity"].unique().to_list() == ["high"]
    own = confirmed.filter(pl.col("hops") == 0)["provenance"].to_list()
    assert len(own) == 1 and "same USCC as the listing" in own[0]

    # --no-decisions traces as screening found it.
    ignored, _ = _trace(sourcetrace_bin, tmp_path / "ignored.parquet", db, "--no-decisions")
    assert ignored.select(KEY).sort(KEY).equals(before.select(KEY).sort(KEY))

    # Each decision is an audit entry, and the log still accounts for the table.
    verify = subprocess.run([sourcetrace_bin, "audit", "verify", "--db", db],
                            capture_output=True, text=True, timeout=120, check=False)  # fmt: skip
    assert verify.returncode == 0, verify.stdout + verify.stderr


def test_decision_on_older_list_data_does_not_stand(
    tmp_path: Path, sourcetrace_bin: str, listed: dict[str, str]
) -> None:
    """A false positive decided against the entity as it was once listed is asked again once
    its list data changed: the risk source stays."""
    db = f"sqlite:///{tmp_path / 'store.db'}"
    engine = make_engine(db)
    try:
        record_decision(engine, name=HUAFU.lower(), entity_id=HUAFU_GROUP,
                        entity_hash="sha256:" + "0" * 64, decision="false_positive",
                        comment="decided on an older listing", username="alice")  # fmt: skip
    finally:
        engine.dispose()
    found, said = _trace(sourcetrace_bin, tmp_path / "f.parquet", db)
    assert found.filter((pl.col("source") == HUAFU) & (pl.col("risk_kind") == "list")).height
    assert "risk source dismissed" not in said


def test_one_of_several_entities_dismissed_under_another_spelling(
    tmp_path: Path, sourcetrace_bin: str
) -> None:
    """HUAFU COLOR SPINNING (also written 华孚色纺 in the shipments) matches two listed Huafu
    entities: a false positive decided under its Chinese spelling for one of them leaves the
    risk source standing on the other, its provenance naming the dismissal; traced by kind
    of risk (above --exact-limit) the same."""
    db = f"sqlite:///{tmp_path / 'store.db'}"
    before, _ = _trace(sourcetrace_bin, tmp_path / "before.parquet", db)
    entities, _ = load_lists()
    aksu = next(e for e in entities if e.id == HUAFU_AKSU)
    engine = make_engine(db)
    try:
        record_decision(engine, name="华孚色纺", entity_id=HUAFU_AKSU,
                        entity_hash=entity_hash(aksu), decision="false_positive",
                        comment="the spinner, not its listed parent", username="alice")  # fmt: skip
    finally:
        engine.dispose()
    for exact in ("50000", "1"):
        after, said = _trace(sourcetrace_bin, tmp_path / f"after{exact}.parquet", db,
                             "--exact-limit", exact)  # fmt: skip
        assert "risk source dismissed" not in said
        listed = after.filter((pl.col("source") == HUAFU) & (pl.col("risk_kind") == "list"))
        was = before.filter((pl.col("source") == HUAFU) & (pl.col("risk_kind") == "list"))
        assert set(listed.select(KEY).iter_rows()) == set(was.select(KEY).iter_rows())
        assert listed["severity"].unique().to_list() == ["high"]
        assert not listed["risk"].str.contains(aksu.caption, literal=True).any()
        assert was["risk"].str.contains(aksu.caption, literal=True).all()
        own = listed.filter(pl.col("hops") == 0)["provenance"].to_list()
        assert own and f"'{HUAFU_AKSU}' dismissed as a false positive by alice" in own[0]


def test_person_output_lists_the_dismissed_beside_it(
    tmp_path: Path, sourcetrace_bin: str, listed: dict[str, str]
) -> None:
    """``-o findings.csv`` writes the dismissed risk sources to ``findings.dismissed.csv``, and
    a later trace with nothing dismissed replaces it with a header alone (no stale rows left
    beside new findings)."""
    db = f"sqlite:///{tmp_path / 'store.db'}"
    engine = make_engine(db)
    try:
        for listed_id in (HUAFU_GROUP, HUAFU_AKSU):
            record_decision(engine, name=HUAFU, entity_id=listed_id,
                            entity_hash=listed[listed_id], decision="false_positive",
                            comment="not the listed Huafu", username="carol")  # fmt: skip
    finally:
        engine.dispose()
    out = tmp_path / "findings.csv"
    chain = [str(CHAIN / "links.csv"), "--ownership", str(CHAIN / "ownership.csv"),
             "--shipments", str(CHAIN / "shipments.csv")]  # fmt: skip
    run = subprocess.run(
        [sourcetrace_bin, "trace", *chain, "-o", str(out), "--db", db, "--workers", "1"],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    beside = tmp_path / "findings.dismissed.csv"
    assert str(beside) in run.stdout
    rows = pl.read_csv(beside)
    assert rows.height == 2 and set(rows["party"]) == {HUAFU}
    assert set(rows["decided_by"]) == {"carol"} and set(rows["comment"]) == {"not the listed Huafu"}
    assert not pl.read_csv(out)["risk"].str.contains("Huafu").any()

    again = subprocess.run(
        [sourcetrace_bin, "trace", *chain, "-o", str(out), "--db", db, "--workers", "1",
         "--no-decisions", "-q"],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert again.returncode == 0, again.stderr
    assert pl.read_csv(beside).is_empty()
    assert pl.read_csv(out)["risk"].str.contains("Huafu").any()
