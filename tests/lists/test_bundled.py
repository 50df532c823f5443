"""The bundled watchlists: provenance kept, no entry invented, build reproducible."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

from sourcetrace.lists.bundled import bundled_lists, manifest
from sourcetrace.model import ListedEntity, NameKind

ROOT = Path(__file__).resolve().parents[2]


def by_name(entities: list[ListedEntity], name: str, dataset: str = "uflpa") -> ListedEntity:
    found = [e for e in entities if e.caption == name and e.dataset == dataset]
    assert len(found) == 1, (name, len(found))
    return found[0]


def test_one_entity_per_organisation_with_every_section(bundled_entities: list[ListedEntity]) -> None:
    aksu = by_name(bundled_entities, "Aksu Huafu Color Spinning Co., Ltd.")
    sections = sorted(x.section for x in aksu.listings)
    assert sections == ["2(d)(2)(B)(ii)", "2(d)(2)(B)(v)"]
    assert all(x.date == "2025-01-15" and x.list_name == "UFLPA Entity List" for x in aksu.listings)
    assert all(x.source_url == "https://www.dhs.gov/uflpa-entity-list" for x in aksu.listings)


def test_uflpa_count_matches_the_source(bundled_entities: list[ListedEntity]) -> None:
    with (ROOT / "sources/watchlists/uflpa_entity_list_2026-08-10.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    uflpa = [e for e in bundled_entities if e.dataset == "uflpa"]
    assert len(rows) == 205
    assert len(uflpa) == 187  # the source's documented number of distinct entities
    assert sum(len(e.listings) for e in uflpa) == 205


def test_scope_notes_aliases_and_former_names_are_kept(bundled_entities: list[ListedEntity]) -> None:
    xpcc = by_name(bundled_entities, "Xinjiang Production and Construction Corps")
    assert xpcc.covers_subordinates
    assert {"XPCC", "Bingtuan", "新疆生产建设兵团"} <= {n.value for n in xpcc.names}
    baiyin = by_name(bundled_entities, "Baiyin Nonferrous Group Co., Ltd.")
    assert any(n.kind is NameKind.PREVIOUS and n.value == "Baiyin Nonferrous Metals Company" for n in baiyin.names)


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


def test_cbp_two_companies_on_one_row_become_two_entities(bundled_entities: list[ListedEntity]) -> None:
    names = {e.caption for e in bundled_entities if e.dataset == "cbp_wro"}
    assert "Yili Zhuowan Garment Manufacturing Co., Ltd." in names
    assert "Baoding LYSZD Trade and Business Co., Ltd" in names


def test_built_files_are_up_to_date() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts/build_data.py"), "--check"],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
