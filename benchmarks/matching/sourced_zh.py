"""Screen the sourced Chinese names of UFLPA entities, and their short forms, through the
installed ``sourcetrace screen`` command against the bundled lists: does each reach its entity?

Where the names come from: the rows of ``sources/watchlists/uflpa_chinese_names_sourced.csv``
(each with the page it comes from), from the spreadsheet row ``--from-row`` on (row 2 is the
first after the header), rows marked UNVERIFIED left out (they are weak aliases, kept out of
matching on purpose). Each row gives up to two queries: its Chinese name, and the short form a
document writes (``chinese_short.short_form``: region prefix and legal form off,
新疆中泰化学股份有限公司 -> 中泰化学) when it differs and keeps at least two characters.

The queries go into one CSV, screened by the installed command in a subprocess (the path users
run, at the default thresholds), its JSON lines read back: each row's top hit counts as found
when it is the row's entity, i.e. any bundled entity holding the row's English ``uflpa_name``,
or an entity sharing a name with one (one company listed on several lists), names compared
folded and without punctuation (the UFLPA list writes "Xinjiang Daqo New Energy, Co. Ltd", the
BIS list "Xinjiang Daqo New Energy Co., Ltd.": one company).

Figures: queries whose top hit is their company at ``match`` and at ``match`` or ``review``; and
queries whose top hit is another company at ``match`` (a wrong alert).

Run before and after ``scripts/build_data.py`` to see what the new rows bring:
``python benchmarks/matching/sourced_zh.py [--from-row N] [--show]``. Deterministic; a few
seconds (the command loads the lists once).
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from chinese_short import short_form

from sourcetrace.names.text import fold
from sourcetrace.screening import load_lists

SOURCED = Path(__file__).resolve().parents[2] / "sources/watchlists/uflpa_chinese_names_sourced.csv"


def key(name: str) -> str:
    """A name folded, letters and digits only: the same company written with other punctuation."""
    return "".join(c for c in fold(name) if c.isalnum())


def command() -> str:
    """The installed ``sourcetrace`` command: beside this Python, else on PATH."""
    beside = Path(sys.executable).parent / "sourcetrace"
    found = str(beside) if beside.exists() else shutil.which("sourcetrace")
    if found is None:
        raise SystemExit("sourced_zh.py: the sourcetrace command is not installed")
    return found


def queries(from_row: int) -> list[tuple[str, str, str]]:
    """(query, kind, listed English name) for each verified row from ``from_row`` on."""
    out: list[tuple[str, str, str]] = []
    seen: set[str] = set()
    with SOURCED.open(encoding="utf-8", newline="") as fh:
        for number, row in enumerate(csv.DictReader(fh), start=2):
            if number < from_row or "unverified" in row["name_type"].lower():
                continue
            name, english = row["chinese_name"], row["uflpa_name"]
            short = short_form(name)
            for query, kind in ((name, "as sourced"), (short, "short form")):
                if len(query) >= 2 and query not in seen:
                    seen.add(query)
                    out.append((query, kind, english))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--from-row", type=int, default=2, help="first spreadsheet row to read")
    parser.add_argument("--show", action="store_true", help="print every query and its top hit")
    args = parser.parse_args(argv)
    asked = queries(args.from_row)
    bundled, _ = load_lists()
    names = {e.id: {key(n.value) for n in e.names} for e in bundled}
    owners: dict[str, set[str]] = {}
    for entity in bundled:
        for folded in names[entity.id]:
            owners.setdefault(folded, set()).add(entity.id)
    with tempfile.TemporaryDirectory() as tmp:
        source, out = Path(tmp) / "queries.csv", Path(tmp) / "results.jsonl"
        with source.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(["name"])
            writer.writerows([q] for q, _, _ in asked)
        subprocess.run(
            [command(), "screen", str(source), "--name-column", "name", "--output", str(out)],
            check=True, capture_output=True, text=True,
        )
        results = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    by_row = {r["row"]: r for r in results}
    tally = {kind: [0, 0, 0, 0] for kind in ("as sourced", "short form")}
    for number, (query, kind, english) in enumerate(asked, start=1):
        targets = owners.get(key(english), set())
        hit = by_row.get(number, {})
        entity = hit.get("entity_id") or ""
        own = entity in targets or any(
            entity in names and not names[entity].isdisjoint(names[t]) for t in targets
        )
        decision = hit.get("decision", "clear")
        counts = tally[kind]
        counts[0] += 1
        counts[1] += own and decision == "match"
        counts[2] += own and decision in ("match", "review")
        counts[3] += (not own) and decision == "match"
        if args.show:
            mark = "" if own or decision == "clear" else "  (ANOTHER COMPANY)"
            print(f"{query} <- {english}: {decision} {hit.get('score', 0):.2f} "
                  f"{hit.get('entity_name', '')}{mark}")
    print(f"rows from {args.from_row} of {SOURCED.name}, screened with `sourcetrace screen`")
    print("| queries | n | its company at match | at match or review | another company at match |")
    print("|---|---|---|---|---|")
    for kind, (n, found, alerted, other) in tally.items():
        print(f"| {kind} | {n} | {found}/{n} | {alerted}/{n} | {other} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
