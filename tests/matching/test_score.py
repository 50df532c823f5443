from __future__ import annotations

from pathlib import Path

import pytest

from sourcetrace.matching import Matcher
from sourcetrace.model import Decision, EntityName, ListedEntity, Listing, NameKind
from sourcetrace.settings import load_settings
from tests.matching.conftest import alerts_for, top_hit


@pytest.mark.parametrize(
    "query",
    [
        "新疆中泰化学股份有限公司",
        "Xinjiang Zhongtai Huaxue Gufen Youxian Gongsi",
        "XINJIANG ZHONGTAI CHEMICAL CO LTD NO 88 BEIJING RD URUMQI",
        "Xinjiang Zhongtia Chemical Co Ltd",  # typo
        "Zhongtai Chemical Xinjiang",  # word order
    ],
)
def test_variants_of_a_listed_name_match(matcher: Matcher, query: str) -> None:
    hit = top_hit(matcher, query)
    assert hit is not None and hit.decision is Decision.MATCH
    assert hit.entity.caption == "Xinjiang Zhongtai Chemical Co. Ltd."
    assert any("zhongtai" in r for r in hit.reasons)


@pytest.mark.parametrize(
    "query", ["Xinjiang Chemical Co., Ltd.", "Zhongtai Securities Co., Ltd.", "Shenzhou International Group"]
)
def test_shared_region_industry_or_trade_word_alone_never_matches(matcher: Matcher, query: str) -> None:
    hit = top_hit(matcher, query)
    assert hit is None or hit.decision is not Decision.MATCH


def test_chinese_alias_with_taiwan_script_matches(matcher: Matcher) -> None:
    hit = top_hit(matcher, "新疆東方希望有色金屬有限公司")
    assert hit is not None and hit.decision is Decision.MATCH
    assert "East Hope" in hit.entity.caption


def test_unverified_name_is_capped_at_review() -> None:
    entity = ListedEntity(
        id="x",
        schema="Company",
        caption="Hetian Haolin Hair Accessories Co. Ltd.",
        names=[EntityName("和田好林发饰有限公司", NameKind.WEAK, verified=False)],
        listings=[Listing("UFLPA Entity List")],
    )
    hit = top_hit(Matcher([entity], load_settings()), "和田好林发饰有限公司")
    assert hit is not None and hit.decision is Decision.REVIEW
    assert "unverified" in " ".join(hit.reasons)


@pytest.mark.parametrize("query", ["XPCC First Division", "新疆生产建设兵团第一师"])
def test_subordinate_unit_of_entity_listed_with_subordinates(matcher: Matcher, query: str) -> None:
    hit = top_hit(matcher, query)
    assert hit is not None and hit.decision is not Decision.CLEAR
    assert "Production and Construction" in hit.entity.caption
    assert any("subordinate" in r for r in hit.reasons)


def test_subordinate_rule_needs_the_scope_note() -> None:
    entity = ListedEntity(
        id="y", schema="Company", caption="Xinjiang Corps", names=[EntityName("XPCC")],
        listings=[Listing("Some List")],
    )
    hit = top_hit(Matcher([entity], load_settings()), "XPCC First Division")
    # Spelled alike as a part (WRatio 0.90): a clear hit that says so, never a positive.
    assert hit is not None and hit.decision is Decision.CLEAR
    assert any("part of the longer name" in r for r in hit.reasons)


def test_uscc_equal_on_both_sides_is_a_match() -> None:
    entity = ListedEntity(
        id="z", schema="Company", caption="Xiaomi", names=[EntityName("Xiaomi Inc.")],
        identifiers=["91110108551385082Q"], listings=[Listing("Test")],
    )
    hit = top_hit(Matcher([entity], load_settings()), "Some Other Name", "91110108551385082Q")
    assert hit is not None and hit.decision is Decision.MATCH and hit.score == 1.0


def test_index_cache_is_read_back_to_the_same_results(
    bundled_entities: list[ListedEntity], tmp_path: Path
) -> None:
    settings = load_settings(data_dir=tmp_path)
    built = Matcher.cached(bundled_entities, settings, "lists1")
    files = list((tmp_path / "index").glob("*.pickle"))
    assert len(files) == 1 and "lists1" in files[0].name
    read = Matcher.cached(bundled_entities, settings, "lists1")
    assert read.index is not built.index
    for query in ("新疆中泰化学股份有限公司", "HUAFU COLOR SPINNING CO LTD", "Acme Buttons GmbH"):
        assert [(h.entity.id, h.score, h.reasons) for h in read.match(query)] == [
            (h.entity.id, h.score, h.reasons) for h in built.match(query)
        ]


def test_index_cache_read_back_finds_acronyms_both_ways(tmp_path: Path) -> None:
    # The acronym tables are cached with the index (a bulk worker does not rebuild them): a
    # matcher read from the cache finds initials as one built afresh does.
    entities = [
        ListedEntity(id=f"e{i}", schema="Company", caption=n, names=[EntityName(n)],
                     listings=[Listing("Entity List")])
        for i, n in enumerate(["Semiconductor Manufacturing International Corporation", "SSTC"])
    ]  # fmt: skip
    settings = load_settings(data_dir=tmp_path)
    Matcher.cached(entities, settings, "lists1")
    read = Matcher.cached(entities, settings, "lists1")
    fresh = Matcher(entities, settings)
    for query, listed in (("SMIC", "e0"), ("Space Star Technology Co., Ltd", "e1")):
        hits = read.match(query)
        assert hits and hits[0].entity.id == listed and hits[0].decision is not Decision.CLEAR
        assert any("initials" in r for r in hits[0].reasons)
        assert [(h.entity.id, h.score, h.reasons) for h in hits] == [
            (h.entity.id, h.score, h.reasons) for h in fresh.match(query)
        ]
    assert not alerts_for(read, "XYZQ")


def test_index_cache_keeps_other_lists_and_removes_other_algorithms(
    bundled_entities: list[ListedEntity], tmp_path: Path
) -> None:
    folder = tmp_path / "index"
    folder.mkdir()
    stale = folder / "sourcetrace-names-v1-0.0.1-c1-lists1.pickle"
    stale.write_bytes(b"old layout")
    settings = load_settings(data_dir=tmp_path)
    Matcher.cached(bundled_entities, settings, "lists1")
    Matcher.cached(bundled_entities, settings, "lists2")
    names = sorted(p.name for p in folder.glob("*.pickle"))
    assert not stale.exists()
    assert len(names) == 2 and "lists1" in names[0] and "lists2" in names[1]


def test_corrupt_index_cache_is_rebuilt(bundled_entities: list[ListedEntity], tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path)
    Matcher.cached(bundled_entities, settings, "lists1")
    (path,) = (tmp_path / "index").glob("*.pickle")
    path.write_bytes(path.read_bytes()[:1000])  # cut short, as by a full disk
    matcher = Matcher.cached(bundled_entities, settings, "lists1")
    hit = top_hit(matcher, "Xinjiang Zhongtai Chemical Co Ltd")
    assert hit is not None and hit.decision is Decision.MATCH
    assert path.stat().st_size > 1000  # written again
