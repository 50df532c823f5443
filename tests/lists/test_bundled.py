"""The bundled watchlists: provenance kept, no entry invented, build reproducible."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

from sourcetrace.lists.bundled import bundled_lists, manifest
from sourcetrace.model import ListedEntity, NameKind
from tests.conftest import ScreenCommand

ROOT = Path(__file__).resolve().parents[2]


def by_name(entities: list[ListedEntity], name: str, dataset: str = "uflpa") -> ListedEntity:
    found = [e for e in entities if e.caption == name and e.dataset == dataset]
    assert len(found) == 1, (name, len(found))
    return found[0]


def test_one_entity_per_organisation_with_every_section(
    bundled_entities: list[ListedEntity],
) -> None:
    aksu = by_name(bundled_entities, "Aksu Huafu Color Spinning Co., Ltd.")
    sections = sorted(x.section for x in aksu.listings)
    assert sections == ["2(d)(2)(B)(ii)", "2(d)(2)(B)(v)"]
    assert all(x.date == "2025-01-15" and x.list_name == "UFLPA Entity List" for x in aksu.listings)
    assert all(x.source_url == "https://www.dhs.gov/uflpa-entity-list" for x in aksu.listings)


def test_uflpa_count_matches_the_source(bundled_entities: list[ListedEntity]) -> None:
    with (ROOT / "sources/watchlists/uflpa_entity_list_2026-08-10.csv").open(
        encoding="utf-8"
    ) as fh:
        rows = list(csv.DictReader(fh))
    uflpa = [e for e in bundled_entities if e.dataset == "uflpa"]
    assert len(rows) == 205
    assert len(uflpa) == 187  # the source's documented number of distinct entities
    assert sum(len(e.listings) for e in uflpa) == 205


def test_scope_notes_aliases_and_former_names_are_kept(
    bundled_entities: list[ListedEntity],
) -> None:
    xpcc = by_name(bundled_entities, "Xinjiang Production and Construction Corps")
    assert xpcc.covers_subordinates
    assert {"XPCC", "Bingtuan", "新疆生产建设兵团"} <= {n.value for n in xpcc.names}
    baiyin = by_name(bundled_entities, "Baiyin Nonferrous Group Co., Ltd.")
    assert any(
        n.kind is NameKind.PREVIOUS and n.value == "Baiyin Nonferrous Metals Company"
        for n in baiyin.names
    )


def test_press_chinese_names_carry_their_source(bundled_entities: list[ListedEntity]) -> None:
    hoshine = by_name(bundled_entities, "Hoshine Silicon Industry (Shanshan) Co., Ltd")
    zh = [n for n in hoshine.names if n.value == "合盛硅业(鄯善)有限公司"]
    assert zh and zh[0].source.startswith("https://m.guancha.cn/")
    haolin = by_name(bundled_entities, "Hetian Haolin Hair Accessories Co. Ltd.")
    weak = [n for n in haolin.names if n.value == "和田好林发饰有限公司"]
    assert weak and weak[0].kind is NameKind.WEAK and not weak[0].verified


def test_cbp_rows_without_a_name_are_reported_not_invented() -> None:
    data = manifest()
    skipped = data["skipped_rows"]
    assert isinstance(skipped, list) and len(skipped) == 7
    rules = data["region_rules"]
    assert isinstance(rules, list) and rules[0]["date"] == "2021-01-13"
    cbp = next(x for x in bundled_lists() if x.name == "cbp_wro")
    assert cbp.entities > 50


def test_cbp_two_companies_on_one_row_become_two_entities(
    bundled_entities: list[ListedEntity],
) -> None:
    names = {e.caption for e in bundled_entities if e.dataset == "cbp_wro"}
    assert "Yili Zhuowan Garment Manufacturing Co., Ltd." in names
    assert "Baoding LYSZD Trade and Business Co., Ltd" in names


def test_built_files_are_up_to_date() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts/build_data.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_sourced_chinese_names_carry_their_source(bundled_entities: list[ListedEntity]) -> None:
    ninestar = by_name(bundled_entities, "Ninestar Corporation")
    names = {n.value: n for n in ninestar.names}
    assert (
        names["纳思达股份有限公司"].source
        == "https://paper.cnstock.com/html/2017-12/20/content_924008.htm"
    )
    assert names["纳思达"].kind is NameKind.ALIAS and names["纳思达"].verified
    tianshan = by_name(bundled_entities, "Tianshan Aluminum Group Co., Ltd.")
    former = [n for n in tianshan.names if n.value == "新界泵业集团股份有限公司"]
    assert former and former[0].kind is NameKind.PREVIOUS


def test_sourced_chinese_names_reach_their_entity_when_screened(
    screen_command: ScreenCommand,
) -> None:
    # Neither name can be read across scripts (纳思达 is not "Ninestar" in pinyin, 特变电工 not
    # "TBEA"): only the sourced Chinese names on the bundled list make them match.
    screened = screen_command({"supplier_name": ["纳思达股份有限公司", "纳思达", "特变电工"]})
    rows = {row["name"]: row for row in screened}
    for query, listed in [
        ("纳思达股份有限公司", "Ninestar Corporation"),
        ("纳思达", "Ninestar Corporation"),
        ("特变电工", "TBEA Co., Ltd."),
    ]:
        assert (rows[query]["decision"], rows[query]["entity_name"]) == ("match", listed), query


def test_names_sourced_for_english_only_entities_match_and_a_weak_one_only_reviews(
    screen_command: ScreenCommand,
) -> None:
    # These entities are listed in English only and none of these names reads as their English
    # name (中基 is not "Chalkis", 溢达 not "Esquel", 艾派克 not "Apex"): each matches only through
    # its sourced row (sources/watchlists/uflpa_chinese_names_sourced.csv). The Kashgar row is
    # marked UNVERIFIED there: a weak alias, which may bring a review but never a match.
    suppliers = [
        "中基健康产业股份有限公司",
        "溢达集团",
        "珠海艾派克微电子有限公司",
        "喀什建工责任有限公司",
    ]
    rows = {row["name"]: row for row in screen_command({"supplier_name": suppliers})}
    for query, listed in [
        ("中基健康产业股份有限公司", "Chalkis Health Industry Co., Ltd."),
        ("溢达集团", "Esquel Group"),
        ("珠海艾派克微电子有限公司", "Zhuhai Apex Microelectronics Co., Ltd."),
    ]:
        assert (rows[query]["decision"], rows[query]["entity_name"]) == ("match", listed), query
    assert rows["喀什建工责任有限公司"]["decision"] != "match"


def test_names_sourced_from_reports_of_the_additions_match_and_a_translation_only_reviews(
    tmp_path: Path,
) -> None:
    # 晶澳 does not read as "JA", and the short name 天山纺织 alone leaves only a region and a
    # trade word: both match through their sourced rows (a report of the 2025-01-14 additions, the
    # Xinjiang Daily). 新疆天山雪莲制药有限公司 is tied by translation only, marked UNVERIFIED: a
    # weak alias, which brings a review and never a match.
    src = tmp_path / "suppliers.csv"
    src.write_text(
        "supplier_name\n東海晶澳太陽能科技有限公司\n天山纺织\n新疆天山雪莲制药有限公司\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.csv"
    result = subprocess.run(
        [sys.executable, "-m", "sourcetrace", "screen", str(src), "--output", str(out)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = {row["name"]: row for row in csv.DictReader(fh)}
    for query, listed in [
        ("東海晶澳太陽能科技有限公司", "Donghai JA Solar Technology Co., Ltd."),
        ("天山纺织", "Xinjiang Tianshan Wool Textile Co. Ltd."),
    ]:
        assert (rows[query]["decision"], rows[query]["entity_name"]) == ("match", listed), query
    snow_lotus = rows["新疆天山雪莲制药有限公司"]
    assert snow_lotus["decision"] == "review"
    assert snow_lotus["entity_name"] == "Xinjiang Tianshan Snow Lotus Pharmaceutical Co., Ltd."


def test_an_unverified_sourced_row_is_a_weak_alias(bundled_entities: list[ListedEntity]) -> None:
    kashgar = by_name(bundled_entities, "Kashgar Construction Engineering (Group) Co., Ltd.")
    weak = [n for n in kashgar.names if n.value == "喀什建工责任有限公司"]
    assert weak and weak[0].kind is NameKind.WEAK and not weak[0].verified
    assert weak[0].source.startswith("https://nostr.lucianmarin.com/")


def _build_with(
    tmp_path: Path, rows: list[list[str]]
) -> tuple[Path, subprocess.CompletedProcess[str]]:
    path = tmp_path / "names.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["uflpa_name", "chinese_name", "script", "name_type", "source_url", "note"])
        writer.writerows(rows)
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts/build_data.py"), "--check", "--chinese-names", str(path)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    return path, result


GOOD_ROW = [
    "Ninestar Corporation",
    "纳思达",
    "zh-Hans",
    "short name",
    "http://epaper.cs.com.cn/zgzqb/html/2019-04/29/nw.D110000zgzqb_20190429_3-B132.htm",
    "",
]


def test_a_chinese_name_for_no_listed_entity_stops_the_build(tmp_path: Path) -> None:
    bad = [
        "Nine Star Logistics LLC",
        "九星物流",
        "zh-Hans",
        "short name",
        "https://example.org/",
        "",
    ]
    path, result = _build_with(tmp_path, [GOOD_ROW, bad])
    assert result.returncode == 2
    expected = (
        f"{path}, row 3, column 'uflpa_name': uflpa_name 'Nine Star Logistics LLC' names no entity "
        "of the bundled lists"
    )
    assert result.stderr.strip().splitlines() == [expected]
    assert "up to date" not in result.stdout


def test_a_chinese_name_without_its_source_stops_the_build(tmp_path: Path) -> None:
    path, result = _build_with(tmp_path, [[*GOOD_ROW[:4], "", ""]])
    assert result.returncode == 2
    assert result.stderr.strip() == f"{path}, row 2, column 'source_url': no source_url given"
