"""The matching benchmarks count a row at the decision ``sourcetrace screen`` gives it.

The matcher also returns a ``clear`` hit for a listed name spelled like the query, to say what
differs; the row is ``clear``. ``external.py`` and ``run.py`` once counted such a hit as an alert
("match or review"), which made their figures better than the product. Each test here compares
the benchmark's count with the decision the installed command writes for the same names.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

from sourcetrace.matching import Matcher
from sourcetrace.model import ListedEntity
from sourcetrace.settings import load_settings

ROOT = Path(__file__).resolve().parent.parent.parent
BENCH = ROOT / "benchmarks" / "matching"

# Pairs of the nomenklatura name bench (data/nomenklatura_name_bench_cases.csv), with its labels:
# two the matcher shows as `clear` hits spelled alike (Volkswerk, CVC), a `match`, a `review`.
BENCH_PAIRS = [
    ("Volkswerk Aktiengesellschaft", "Volkswagen Aktiengesellschaft", False),
    ("CVC Health Corporation", "CVS Health Corporation", True),
    ("Siemens Aktiengesellschaft", "Siemens AG", True),
    ("The BSF Foundation", "The BIRD Foundation", False),
]
# A hard negative in pairs.csv's shape: in screening mode its query is a listed name screened as
# if unlisted, against a list that holds the candidate.
NEGATIVE = ("Volkswerk Aktiengesellschaft", "Volkswagen Aktiengesellschaft")


def screen_decision(tmp_path: Path, query: str, listed: str) -> str:
    """The decision ``sourcetrace screen`` writes for ``query`` against a list of ``listed``."""
    work = tmp_path / f"screen{len(list(tmp_path.glob('screen*')))}"
    work.mkdir()
    (work / "rows.csv").write_text(f'name\n"{query}"\n', encoding="utf-8")
    entity = {"id": "listed", "schema": "Company", "caption": listed,
              "properties": {"name": [listed]}}  # fmt: skip
    (work / "list.jsonl").write_text(json.dumps(entity) + "\n", encoding="utf-8")
    out = work / "out.csv"
    result = subprocess.run(
        [sys.executable, "-m", "sourcetrace", "screen", str(work / "rows.csv"),
         "--list", str(work / "list.jsonl"), "--no-default-lists", "--no-store-lists",
         "--output", str(out), "-q"],
        capture_output=True, text=True, check=False, timeout=120,
        env=os.environ | {"SOURCETRACE_DATA_DIR": str(work)},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    with out.open(encoding="utf-8-sig", newline="") as fh:
        (row,) = list(csv.DictReader(fh))
    return row["decision"]


def counts_line(stdout: str, block: str, label: str) -> tuple[int, int, int]:
    """(TP, FP, FN) of the row ``label`` in the block of external.py's output headed ``block``."""
    section = stdout.split(block, 1)[1].split("\n--", 1)[0]
    line = next(x for x in section.splitlines() if label in x)
    found = re.search(r"\(TP (\d+) FP (\d+) FN (\d+)\)", line)
    assert found, line
    tp, fp, fn = (int(x) for x in found.groups())
    return tp, fp, fn


def test_external_pairs_count_a_clear_hit_as_clear(tmp_path: Path) -> None:
    decisions = [screen_decision(tmp_path, q, c) for q, c, _ in BENCH_PAIRS]
    # The fixture holds what it is for: `clear` rows whose names are spelled alike.
    assert decisions[:2] == ["clear", "clear"], decisions
    negative_alone = screen_decision(tmp_path, *NEGATIVE)
    pairs = tmp_path / "pairs.csv"
    with pairs.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["query", "candidate", "label", "kind", "group", "split", "source"])
        for i, (q, c, label) in enumerate(BENCH_PAIRS):
            writer.writerow([q, c, int(label), "bench_company", f"b{i}", "test", "nomenklatura"])
        writer.writerow([*NEGATIVE, 0, "hard_negative_trade_word", "g1", "test", "snapshot:el"])
    result = subprocess.run(
        [sys.executable, str(BENCH / "external.py"), "--pairs", str(pairs), "--no-logic-v2"],
        capture_output=True, text=True, check=False, timeout=300,
        env=os.environ | {"SOURCETRACE_DATA_DIR": str(tmp_path)},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr

    labels = [label for _, _, label in BENCH_PAIRS] + [False]
    decided = [*decisions, negative_alone]
    for rule, positive in (("(match)", {"match"}), ("(match or review)", {"match", "review"})):
        expected = (
            sum(1 for y, d in zip(labels, decided, strict=True) if y and d in positive),
            sum(1 for y, d in zip(labels, decided, strict=True) if not y and d in positive),
            sum(1 for y, d in zip(labels, decided, strict=True) if y and d not in positive),
        )
        assert counts_line(result.stdout, "-- test:", rule) == expected, rule

    # Screening mode: the negative's listed name, screened as if unlisted, meets the candidate's
    # entity only as a `clear` hit, which puts nothing before a reviewer.
    alerted = "0.0%" if negative_alone == "clear" else "100.0%"
    line = next(x for x in result.stdout.splitlines() if "listed names screened" in x)
    assert re.search(rf"match\|review\s+{re.escape(alerted)}", line), line


def _run_module() -> ModuleType:
    sys.path.insert(0, str(BENCH))
    spec = importlib.util.spec_from_file_location("matching_bench_run", BENCH / "run.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["matching_bench_run"] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_list_cases_count_a_clear_hit_as_clear(tmp_path: Path) -> None:
    run = _run_module()
    query, listed = NEGATIVE
    entity = ListedEntity.company("vw", listed, list_name="test list")
    preds = run.sourcetrace_preds(Matcher([entity], load_settings()), [query])
    decision = screen_decision(tmp_path, query, listed)
    assert decision == "clear"
    # The hit is there (it says what differs), but the row is no alert.
    assert preds[0].entity == "vw"
    assert preds[0].decision.value == decision
    negative = [run.Case(query, (), "neg_test")]
    alerts = run.score_cases(negative, preds, {}, "match or review", lambda p: p.alerted)
    assert (alerts.total.fp, alerts.correct) == (0, [True])
