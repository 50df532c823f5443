"""The list-version store: imports are atomic and idempotent, and diffs show what changed.

Uses the UFLPA page fixtures (see ``test_importer_uflpa_html.py``): v2 adds four parties and lists
Xinjiang Daqo New Energy under a further section.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from sourcetrace.errors import ListError
from sourcetrace.lists import load_entities
from sourcetrace.settings import load_settings
from sourcetrace.store import ListStore, content_hash, diff, import_list, resolve_url

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "lists"
V1 = FIXTURES / "uflpa_entity_list_v1.html"
V2 = FIXTURES / "uflpa_entity_list_v2.html"


@pytest.fixture()
def store(tmp_path: Path) -> Iterator[ListStore]:
    with ListStore.open(tmp_path / "store.db") as opened:
        yield opened


def test_import_records_provenance(store: ListStore) -> None:
    result = import_list(V1, "uflpa-html", store)
    version = result.version
    assert result.created
    assert (version.list_name, version.format) == ("us_dhs_uflpa", "uflpa-html")
    assert version.source == str(V1.resolve())
    assert version.content_hash.startswith("sha256:") and version.source_hash.startswith("sha256:")
    entities = store.entities(version.id)
    assert version.entity_count == len(entities) == 19  # 8 parties, 11 listings
    assert content_hash(entities) == version.content_hash


def test_importing_twice_adds_one_version(store: ListStore, tmp_path: Path) -> None:
    first = import_list(V1, "uflpa-html", store)
    # The same list saved again, with a different footer: same entities, so the same version.
    resaved = tmp_path / "resaved.html"
    resaved.write_text(V1.read_text("utf-8").replace("08/09/2024", "08/10/2024"), "utf-8")
    second = import_list(resaved, "uflpa-html", store)
    assert not second.created
    assert second.version == first.version
    assert [v.id for v in store.versions()] == [first.version.id]


def test_corrupt_file_stores_nothing_and_keeps_the_version_in_force(
    store: ListStore, tmp_path: Path
) -> None:
    first = import_list(V1, "uflpa-html", store)
    cut = tmp_path / "uflpa.html"
    text = V2.read_text("utf-8")
    cut.write_text(text[: text.index("Esquel Group")], "utf-8")
    with pytest.raises(ListError, match="truncated"):
        import_list(cut, "uflpa-html", store)
    assert store.versions() == [first.version]
    assert store.latest("us_dhs_uflpa") == first.version


def test_failure_while_storing_rolls_back(store: ListStore, tmp_path: Path) -> None:
    first = import_list(V1, "uflpa-html", store)
    # An entity too big for a column would do; a duplicate key is the portable way to fail late.
    bad = [{"id": "x", "schema": "Company", "properties": {}}] * 2
    with pytest.raises(ListError, match="nothing was stored"):
        store.add_version(
            list_name="us_dhs_uflpa",
            fmt="uflpa-html",
            source="test",
            source_hash="h",
            content_hash="c",
            entities=bad,
        )
    assert store.versions() == [first.version]
    assert len(store.entities(first.version.id)) == first.version.entity_count


def test_diff_between_versions_shows_additions_and_new_sections(store: ListStore) -> None:
    old = import_list(V1, "uflpa-html", store).version
    new = import_list(V2, "uflpa-html", store).version
    assert new.id != old.id and store.latest("us_dhs_uflpa") == new
    changes = store.diff(old.id, new.id)
    assert sorted(v.caption for v in changes.added) == [
        "Changji Esquel Textile Co., Ltd.",
        "Esquel Group",
        "Western Gold Co., Ltd.",
        "Xinjiang East Hope Nonferrous Metals Co., Ltd.",
    ]
    esquel = next(v for v in changes.added if v.caption == "Changji Esquel Textile Co., Ltd.")
    assert esquel.names == {
        "Changji Esquel Textile Co., Ltd.": "name",
        "Changji Yida Textile Co., Ltd.": "alias",
    }
    assert esquel.sections == frozenset({"UFLPA Entity List 2(d)(2)(B)(v)"})
    assert changes.removed == []
    [daqo] = changes.changed
    assert daqo.caption == "Xinjiang Daqo New Energy, Co. Ltd"
    assert daqo.added_sections == ["UFLPA Entity List 2(d)(2)(B)(v)"]
    assert daqo.added_names == ["name: Xinjiang Daqo New Energy Co., Ltd."]
    assert store.diff(new.id, old.id).removed != []


def test_diff_reports_new_aliases() -> None:
    def company(*aliases: str) -> dict[str, object]:
        return {
            "id": "c",
            "schema": "Company",
            "properties": {"name": ["Acme"], "alias": list(aliases)},
        }

    [change] = diff([company("A")], [company("A", "阿克美")]).changed
    assert change.added_names == ["alias: 阿克美"] and change.changed == []


def test_exported_version_is_what_the_screener_reads(store: ListStore, tmp_path: Path) -> None:
    version = import_list(V2, "uflpa-html", store).version
    path = store.export_jsonl(version.id, tmp_path / "uflpa.ftm.jsonl")
    captions = {e.caption for e in load_entities(path)}
    assert "Esquel Group" in captions


def test_unknown_version_and_format_are_list_errors(store: ListStore) -> None:
    with pytest.raises(ListError, match="no list version 42"):
        store.version(42)
    with pytest.raises(ListError, match="unknown list format 'pdf'"):
        import_list(V1, "pdf", store)


def test_default_url_is_a_file_in_the_data_dir(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path / "data")
    assert resolve_url(None, settings) == f"sqlite:///{tmp_path / 'data' / 'sourcetrace.db'}"
    assert resolve_url("postgresql+psycopg://u@h/db") == "postgresql+psycopg://u@h/db"
    with ListStore.open(None, settings) as opened:
        assert opened.versions() == []
    assert (tmp_path / "data" / "sourcetrace.db").exists()


def test_ofac_version_hashes_all_three_files(store: ListStore, tmp_path: Path) -> None:
    folder = tmp_path / "ofac"
    shutil.copytree(FIXTURES / "ofac_sdn", folder)
    first = import_list(folder / "sdn.csv", "ofac-sdn-csv", store).version
    with (folder / "add.csv").open("ab") as fh:
        fh.write(b"")  # untouched bytes: same source hash
    assert import_list(folder, "ofac-sdn-csv", store).version == first
    assert "alt.csv" in first.source and "add.csv" in first.source
