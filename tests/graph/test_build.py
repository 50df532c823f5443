"""Building the graph: required columns, bad values named by row, parties resolved across scripts."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from sourcetrace.errors import InputError
from sourcetrace.graph.build import (
    LINK_COLUMNS,
    LINK_OPTIONAL,
    OWNERSHIP_COLUMNS,
    SHIPMENT_COLUMNS,
    build,
)
from sourcetrace.graph.model import Basis
from sourcetrace.lists.bundled import default_list_path
from sourcetrace.lists.merchandise import read_wro_merchandise
from tests.graph.chains import files_with_other_columns, graph, links_frame, node, ownership_frame

ROOT = Path(__file__).resolve().parents[2]


def test_missing_required_column_names_file_and_column() -> None:
    # Only buyer, supplier and product are required (issue 17): a missing product is refused.
    frame = links_frame([("Brand Ltd", "Mill Co", "yarn", "5205", "1", "kg", "observed")]).drop(
        "product"
    )
    with pytest.raises(InputError) as err:
        build(frame, names={"links": "links.csv"})
    assert err.value.path == "links.csv"
    assert err.value.column == "product"
    assert "links.csv" in str(err.value) and "'product'" in str(err.value)


def test_missing_column_in_ownership_file() -> None:
    links = links_frame([("Brand Ltd", "Mill Co", "yarn", "5205", "1", "kg", "observed")])
    own = ownership_frame([("Mill Co", "Brand Ltd", "60")]).drop("share")
    with pytest.raises(InputError) as err:
        build(links, own, names={"links": "links.csv", "ownership": "own.csv"})
    assert (err.value.path, err.value.column) == ("own.csv", "share")


def test_bad_basis_names_the_row() -> None:
    frame = links_frame(
        [
            ("Brand Ltd", "Mill Co", "yarn", "5205", "1", "kg", "observed"),
            ("Brand Ltd", "Other Co", "yarn", "5205", "1", "kg", "rumoured"),
        ]
    )
    with pytest.raises(InputError) as err:
        build(frame, names={"links": "links.csv"})
    assert err.value.row == 2
    assert "rumoured" in str(err.value)


@pytest.mark.parametrize("share", ["150", "half", "-5"])
def test_bad_share_names_the_row(share: str) -> None:
    links = links_frame([("Brand Ltd", "Mill Co", "yarn", "5205", "1", "kg", "observed")])
    own = ownership_frame([("Mill Co", "Brand Ltd", "60"), ("Mill Co", "Other Co", share)])
    with pytest.raises(InputError) as err:
        build(links, own, names={"links": "links.csv", "ownership": "own.csv"})
    assert (err.value.path, err.value.row, err.value.column) == ("own.csv", 2, "share")


def test_share_accepts_percent_sign_and_basis_any_case() -> None:
    g = graph(
        [("Brand Ltd", "Mill Co", "yarn", "5205", "1,000", "kg", " Declared ")],
        [("Mill Co", "Brand Ltd", "55%")],
    )
    assert g.links[0].basis is Basis.DECLARED
    assert g.links[0].quantity == 1000.0
    assert g.ownership[0].share == 55.0


def test_english_and_chinese_spellings_are_one_node() -> None:
    g = graph(
        [
            (
                "Meridian Knitting Co",
                "HUAFU COLOR SPINNING",
                "yarn",
                "5205",
                "10",
                "kg",
                "observed",
            ),
            ("Lakeside Knitting Co", "华孚色纺", "yarn", "5205", "10", "kg", "declared"),
        ]
    )
    assert node(g, "HUAFU COLOR SPINNING") == node(g, "华孚色纺")
    assert len(g.nodes) == 3


def test_unregioned_spelling_joins_the_one_regioned_node() -> None:
    g = graph(
        [
            (
                "Brand Ltd",
                "Xinjiang Zhongtai Chemical Co. Ltd.",
                "caustic soda",
                "281512",
                "1",
                "t",
                "observed",
            ),
            ("Other Ltd", "ZHONGTAI CHEMICAL", "caustic soda", "281512", "1", "t", "observed"),
            (
                "Third Ltd",
                "新疆中泰化学股份有限公司",
                "caustic soda",
                "281512",
                "1",
                "t",
                "observed",
            ),
        ]
    )
    assert (
        node(g, "ZHONGTAI CHEMICAL")
        == node(g, "新疆中泰化学股份有限公司")
        == node(g, "Xinjiang Zhongtai Chemical Co. Ltd.")
    )


def test_different_companies_stay_apart() -> None:
    g = graph(
        [
            ("Brand Ltd", "Acme Knitting Co", "fabric", "6006", "1", "kg", "observed"),
            ("Brand Ltd", "Acme Dyeing Co", "fabric", "6006", "1", "kg", "observed"),
        ]
    )
    assert node(g, "Acme Knitting Co") != node(g, "Acme Dyeing Co")


def test_shipments_become_observed_links_and_origin_is_kept(tmp_path: Path) -> None:
    links = tmp_path / "links.csv"
    links_frame([("Brand Ltd", "Mill Co", "fabric", "6006", "1", "kg", "declared")]).write_csv(
        links
    )
    ship = tmp_path / "ship.csv"
    pl.DataFrame(
        {
            "shipper": ["华孚色纺"],
            "consignee": ["Mill Co"],
            "hs_code": ["5205.12"],
            "description": ["yarn"],
            "origin": ["Aksu, Xinjiang"],
            "date": ["2026-01-02"],
            "quantity": ["30"],
        }
    ).write_csv(ship)
    g = build(links, None, ship).graph
    shipped = [x for x in g.links if x.product == "yarn"]
    assert len(shipped) == 1 and shipped[0].basis is Basis.OBSERVED
    assert shipped[0].source.path == str(ship)
    assert g.nodes[shipped[0].supplier].origins == ("Aksu, Xinjiang",)


def test_example_chain_reads() -> None:
    chain = ROOT / "examples/chain"
    g = build(chain / "links.csv", chain / "ownership.csv", chain / "shipments.csv").graph
    assert node(g, "HUAFU COLOR SPINNING") == node(g, "华孚色纺")
    assert len(g.ownership) == 2


def test_fast_csv_reader_reads_what_the_general_reader_reads(tmp_path: Path) -> None:
    from sourcetrace.graph.build import read_input
    from sourcetrace.io.readers import read_table

    path = tmp_path / "links.csv"
    path.write_bytes(
        "\ufeffbuyer, supplier ,product\n"
        '"Harbour Garments Ltd","Meridian Knitting Co., Ltd",fabric\n'
        "\n"
        "Northwind Outfitters Ltd,华孚色纺,\n".encode()
    )
    assert read_input(path).equals(read_table(path))
    for example in ("links", "ownership", "shipments"):
        file = ROOT / "examples/chain" / f"{example}.csv"
        assert read_input(file).equals(read_table(file))


def test_a_ragged_row_is_named_by_the_general_reader(tmp_path: Path) -> None:
    from sourcetrace.graph.build import read_input

    path = tmp_path / "links.csv"
    path.write_text("buyer,supplier,product\nA Co,B Co,yarn\nC Co,D Co,yarn,extra\n", "utf-8")
    with pytest.raises(InputError) as err:
        read_input(path)
    assert err.value.row == 2


def test_wro_merchandise_of_a_later_file_wins(tmp_path: Path) -> None:
    bundled = read_wro_merchandise(default_list_path())
    assert bundled["cbp-wro-b4dde79fbf3f"].startswith("Soda Ash")  # Tangshan Sanyou Group
    # A later version of the order, as a CBP list imported into the store exports it.
    later = tmp_path / "us_cbp_forced_labor.ftm.jsonl"
    order = {
        "id": "cbp-wro-b4dde79fbf3f-sanction-1",
        "schema": "Sanction",
        "datasets": ["us_cbp_forced_labor"],
        "properties": {
            "entity": ["cbp-wro-b4dde79fbf3f"],
            "program": ["CBP WRO"],
            "reason": ["Merchandise: Caustic Soda"],
            "status": ["Partially Modified"],
        },
    }
    later.write_text(json.dumps(order) + "\n", encoding="utf-8")
    merged = read_wro_merchandise(default_list_path(), later)
    assert merged["cbp-wro-b4dde79fbf3f"] == "Caustic Soda"
    assert {k: v for k, v in merged.items() if k != "cbp-wro-b4dde79fbf3f"} == {
        k: v for k, v in bundled.items() if k != "cbp-wro-b4dde79fbf3f"
    }
    assert read_wro_merchandise(later, default_list_path()) == bundled


def test_other_columns_are_kept_with_each_link_holding_and_shipment(tmp_path: Path) -> None:
    links, ownership, shipments = files_with_other_columns(tmp_path)
    g = build(links, ownership, shipments).graph
    by_file = {x.source.path: [] for x in g.links}  # type: ignore[var-annotated]
    for x in g.links:
        by_file[x.source.path].append(json.loads(x.extra))
    # Headers as the file writes them, in its order; an empty cell kept as "".
    assert by_file[str(links)] == [{"PO Number": "NW-2026-031", "站点": "达卡"},
                                   {"PO Number": "", "站点": ""}]  # fmt: skip
    assert by_file[str(shipments)] == [{"bill_of_lading": "COSU6291875430"}]
    assert [json.loads(o.extra) for o in g.ownership] == [{"filing": "SAMR 2026-02"}]
    # The columns sourcetrace reads are not repeated among them ("Buyer": any case).
    plain = build(ROOT / "examples/chain/links.csv", ROOT / "examples/chain/ownership.csv").graph
    assert {x.extra for x in plain.links} == {""} and {o.extra for o in plain.ownership} == {""}


def test_other_columns_change_no_finding(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from sourcetrace.cli import app

    def findings(folder: Path) -> str:
        monkeypatch.chdir(folder)  # the same relative paths in the evidence
        files = ["links.csv", "--ownership", "ownership.csv", "--shipments", "shipments.csv"]
        run = CliRunner().invoke(
            app, ["trace", *files, "-o", "findings.csv", "-q", "--no-store-lists"]
        )
        assert run.exit_code == 0, run.output
        return (folder / "findings.csv").read_text(encoding="utf-8")

    (tmp_path / "with").mkdir()
    files_with_other_columns(tmp_path / "with")
    plain = tmp_path / "without"
    plain.mkdir()
    for path in (tmp_path / "with").iterdir():
        frame = pl.read_csv(path, infer_schema=False)
        known = [c for c in frame.columns if c.lower() in {*LINK_COLUMNS, *LINK_OPTIONAL,
                 *OWNERSHIP_COLUMNS, *SHIPMENT_COLUMNS, "unit"}]  # fmt: skip
        assert len(known) < frame.width
        frame.select(known).write_csv(plain / path.name)
    with_other = findings(tmp_path / "with")
    assert with_other.count("\n") > 3 and with_other == findings(plain)
