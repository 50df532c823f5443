"""Search and browse through HTTP: one name against the lists, entity pages, lists and diffs."""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient

from sourcetrace.web.app import create_app
from sourcetrace.workspace.accounts import add_user

LISTS = Path(__file__).resolve().parents[1] / "fixtures" / "lists"
ZHONGTAI = "新疆中泰化学股份有限公司"


def sourcetrace(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """The installed ``sourcetrace`` command, run as a user would (``env``: extra variables)."""
    exe = Path(sys.executable).parent / "sourcetrace"
    command = str(exe) if exe.exists() else shutil.which("sourcetrace")
    assert command, "the sourcetrace command is not installed"
    return subprocess.run(
        [command, *args], capture_output=True, text=True, check=False, env={**os.environ, **env}
    )


def text_of(page: str) -> str:
    """A page's text as a reader sees it: tags dropped, entities decoded, spaces collapsed."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page))).strip()


def entity_links(page: str) -> list[str]:
    return re.findall(r'href="(/entities/[^"]+)"', page)


def test_search_finds_a_listed_company_by_its_chinese_name_with_reasons(
    client: TestClient, as_user: Callable[[str], str]
) -> None:
    as_user("viewer")
    page = client.get("/search", params={"q": ZHONGTAI})
    assert page.status_code == 200
    text = text_of(page.text)
    assert "Xinjiang Zhongtai Chemical" in text
    # The decision, score and reasons /match gives for the same name.
    api = client.post(
        "/match/default",
        json={"queries": {"q": {"schema": "Company", "properties": {"name": [ZHONGTAI]}}}},
    ).json()["responses"]["q"]["results"][0]
    assert api["caption"] in text
    assert api["decision"] in text
    assert f"{api['score']:.2f}" in text
    for reason in api["explanations"][next(iter(api["explanations"]))]["detail"].split("; "):
        assert reason in text
    assert f"/entities/{api['id']}" in entity_links(page.text)


def test_entity_page_shows_names_listing_date_and_versions(
    client: TestClient, as_user: Callable[[str], str]
) -> None:
    as_user("viewer")
    page = client.get("/search", params={"q": "Xinjiang Zhongtai Chemical"})
    link = entity_links(page.text)[0]
    entity = client.get(link)
    assert entity.status_code == 200
    text = text_of(entity.text)
    assert "Xinjiang Zhongtai Chemical Co. Ltd." in text
    assert "UFLPA Entity List" in text
    assert re.search(r"\b\d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) 20\d\d\b", text)
    assert "uflpa 2026-08-10" in text  # the bundled snapshot it appears in


def test_entity_page_lists_aliases_in_every_script(
    client: TestClient, as_user: Callable[[str], str]
) -> None:
    as_user("viewer")
    # A UFLPA entity listed with English aliases and a Chinese name (from the bundled snapshot).
    entity = client.get("/entities/uflpa-680b6a0e4d55")
    assert entity.status_code == 200
    text = text_of(entity.text)
    for name in ("Hetian Haolin Hair Accessories Co. Ltd.", "Hotan Haolin Hair Accessories",
                 "Hollin Hair Accessories", "和田好林发饰有限公司"):  # fmt: skip
        assert name in text
    assert "alias" in text and "Chinese characters" in text and "Latin" in text
    assert "21 Jun 2022" in text  # its listing date, for people
    assert client.get("/entities/no-such-entity").status_code == 404


def test_anonymous_callers_are_sent_to_log_in(client: TestClient) -> None:
    for path in ("/search?q=Hoshine", "/entities/uflpa-680b6a0e4d55", "/lists",
                 "/lists/diff?old=1&new=2"):  # fmt: skip
        response = client.get(path)
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/login"), path
        assert "Hoshine" not in response.text


def test_menu_links_search_and_lists(client: TestClient, as_user: Callable[[str], str]) -> None:
    as_user("viewer")
    jobs = client.get("/jobs").text
    assert 'href="/search"' in jobs and 'href="/lists"' in jobs


@pytest.fixture()
def app_with_stale_days(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """An app made with ``SOURCETRACE_STALE_LIST_DAYS`` set as the test asks."""

    def make(days: str) -> TestClient:
        monkeypatch.setenv("SOURCETRACE_STALE_LIST_DAYS", days)
        app = create_app(f"sqlite:///{tmp_path / f'stale-{days}.db'}")
        add_user(app.state.sourcetrace.engine, "viewer", "viewer", "correct horse battery")
        return TestClient(app, follow_redirects=False)

    yield make


def test_stale_list_warning_follows_the_setting(app_with_stale_days: Any, tools: Any) -> None:
    with app_with_stale_days("1") as client:
        assert "Stale" not in client.get("/login").text  # only signed-in readers are told
        tools.login(client, "viewer")
        for path in ("/jobs", "/search", "/lists"):
            text = text_of(client.get(path).text)
            assert "Stale lists:" in text, path
            assert "uflpa 2026-08-10 is" in text, path
    with app_with_stale_days("100000") as client:
        tools.login(client, "viewer")
        for path in ("/jobs", "/search", "/lists"):
            assert "Stale" not in client.get(path).text, path


def test_screen_warns_on_stderr_of_stale_lists(tmp_path: Path) -> None:
    suppliers = tmp_path / "suppliers.csv"
    suppliers.write_text("name\nXinjiang Zhongtai Chemical\n", encoding="utf-8")
    args = ("screen", str(suppliers), "--db", str(tmp_path / "none.db"))
    old = sourcetrace(*args, SOURCETRACE_STALE_LIST_DAYS="1")
    assert old.returncode == 0, old.stderr
    lines = [x for x in old.stderr.splitlines() if "stale" in x]
    assert len(lines) == 1 and "uflpa 2026-08-10" in lines[0]
    assert "stale" not in old.stdout
    fresh = sourcetrace(*args, SOURCETRACE_STALE_LIST_DAYS="100000")
    assert fresh.returncode == 0, fresh.stderr
    assert "stale" not in fresh.stderr


def test_lists_page_shows_stored_versions_and_their_diff(
    client: TestClient, as_user: Callable[[str], str], st: Any
) -> None:
    url = st.engine.url.render_as_string(hide_password=False)
    for name in ("uflpa_entity_list_v1.html", "uflpa_entity_list_v2.html"):
        done = sourcetrace(
            "lists", "import", str(LISTS / name), "--format", "uflpa-html", "--db", url
        )
        assert done.returncode == 0, done.stderr
    as_user("viewer")
    lists = client.get("/lists")
    text = text_of(lists.text)
    assert "us_dhs_uflpa" in text  # the imported list replaces the bundled snapshot
    assert "bundled snapshot" in text and "cbp_wro" in text
    assert "uflpa by us_dhs_uflpa" in text
    assert "28 entities" in text  # v2's count, as the import reported it
    diff_links = re.findall(r'href="(/lists/diff\?old=\d+&amp;new=\d+)"', lists.text)
    assert len(diff_links) == 1
    diff = client.get(html.unescape(diff_links[0]))
    assert diff.status_code == 200
    cli = sourcetrace("lists", "diff", "1", "2", "--db", url)
    assert cli.returncode == 0, cli.stderr
    found = re.search(r"(\d+) added, (\d+) removed, (\d+) changed", cli.stdout)
    assert found, cli.stdout
    added, removed, changed = (int(n) for n in found.groups())
    diff_text = text_of(diff.text)
    # What the CLI's diff reports, the page reports, from the same library function.
    assert (f"Added ({added})" in diff_text) == (added > 0)
    assert (f"Removed ({removed})" in diff_text) == (removed > 0)
    assert (f"Changed ({changed})" in diff_text) == (changed > 0)
    assert "Esquel Group" in diff_text and "Xinjiang Daqo New Energy" in diff_text
    # A changed party's page names every version it appears in: both imported ones.
    daqo = next(x for x in entity_links(diff.text) if "6249ad57a053" in x)
    page = text_of(client.get(daqo).text)
    assert "us_dhs_uflpa v1" in page and "us_dhs_uflpa v2" in page
    assert "Xinjiang Daqo New Energy Co., Ltd." in page  # the name v2 added
    # The search (the matcher /match uses: the bundled lists) still links to the replaced
    # snapshot's entities; their pages open and say what replaced them.
    found = client.get("/search", params={"q": "Hoshine Silicon Industry"})
    links = entity_links(found.text)
    assert links
    for link in links:
        assert client.get(link).status_code == 200, link
    replaced = text_of(client.get("/entities/uflpa-23795c8155f2").text)
    assert "bundled uflpa snapshot" in replaced and "us_dhs_uflpa replaces" in replaced


def test_a_javascript_source_url_is_not_a_link(
    client: TestClient, as_user: Callable[[str], str], st: Any, tmp_path: Path
) -> None:
    # The bundled UFLPA entry of Xinjiang Zhongtai Chemical, as an FtM file would carry it, with
    # its source URLs made hostile: the page must show them as text, never as links.
    from sourcetrace.lists.bundled import default_list_path

    lines = []
    for line in default_list_path().read_bytes().splitlines():
        entity = orjson.loads(line)
        if entity["id"].startswith("uflpa-23795c8155f2"):
            entity["datasets"] = ["js_test"]
            entity["properties"]["sourceUrl"] = ["javascript:alert(document.cookie)"]
            lines.append(orjson.dumps(entity) + b"\n")
    assert len(lines) == 2  # the company and its listing
    path = tmp_path / "js_test.ftm.jsonl"
    path.write_bytes(b"".join(lines))
    url = st.engine.url.render_as_string(hide_password=False)
    done = sourcetrace("lists", "import", str(path), "--format", "ftm", "--name", "js_test",
                       "--db", url)  # fmt: skip
    assert done.returncode == 0, done.stderr
    as_user("viewer")
    page = client.get("/entities/uflpa-23795c8155f2")
    assert page.status_code == 200
    text = text_of(page.text)
    assert "javascript:alert(document.cookie)" in text  # shown, as text
    assert "javascript:" not in " ".join(re.findall(r'href="([^"]*)"', page.text)).lower()
    assert "12 Jun 2023" in text
    assert "js_test v1" in text and "uflpa 2026-08-10" in text  # both versions it appears in


def test_browse_an_imported_list_to_an_entity_with_its_address_and_chinese_name(
    client: TestClient, as_user: Callable[[str], str], st: Any
) -> None:
    url = st.engine.url.render_as_string(hide_password=False)
    done = sourcetrace(
        "lists", "import", str(LISTS / "consolidated.csv"), "--format", "trade-csl-csv", "--db", url
    )
    assert done.returncode == 0, done.stderr
    as_user("viewer")
    lists = client.get("/lists").text
    assert 'href="/lists/us_trade_csl"' in lists
    listing = client.get("/lists/us_trade_csl")
    assert listing.status_code == 200
    hoshine = re.search(
        r'href="(/entities/[^"]+)">Hoshine Silicon Industry \(Shanshan\) Co., Ltd.<', listing.text
    )
    assert hoshine, "the list page links to its entities"
    page = text_of(client.get(hoshine.group(1)).text)
    assert "Xinjiang Shanshan Industrial Park, Shanshan County, Turpan, Xinjiang, CN" in page
    assert "合盛硅业（鄯善）有限公司 alias Chinese characters" in page
    assert "Hesheng Silicon Industry (Shanshan) Co., Ltd. alias Latin" in page
    assert "24 Jun 2021" in page
    assert client.get("/lists/no_such_list").status_code == 404
