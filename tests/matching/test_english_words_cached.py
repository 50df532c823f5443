"""The English words are cached with the index: a process that reads the cache (each bulk
worker's parent) matches as one that built them, without importing wordfreq and reading its list
(0.4-0.6 s a process). A cache holding another wordfreq version's words is not used for them."""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
from pathlib import Path

# Names whose decisions rest on the English words: words written apart on one side ("Nine Star"
# against the listed "Ninestar"), a common English trade word, a coined one.
QUERIES = ["Nine Star Logistics LLC", "NINESTAR CORP", "Oriental Trading Co Ltd",
           "Hoshine Trading Co", "Good Will Company"]  # fmt: skip

SCRIPT = """
import json, sys
from pathlib import Path
from sourcetrace.lists import default_list_path, load_entities
from sourcetrace.matching import Matcher
from sourcetrace.settings import load_settings
entities = load_entities(default_list_path())
matcher = Matcher.cached(entities, load_settings(data_dir=Path(sys.argv[1])), "lists1")
hits = [[(h.entity.id, h.decision.value, h.score, h.reasons) for h in matcher.match(q)]
        for q in json.loads(sys.argv[2])]
print(json.dumps({"hits": hits, "wordfreq": "wordfreq" in sys.modules}))
"""


def _run(data_dir: Path) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(data_dir), json.dumps(QUERIES)],
        capture_output=True, text=True, check=True, timeout=600,
    )  # fmt: skip
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def test_english_words_read_with_the_index(tmp_path: Path) -> None:
    built = _run(tmp_path)  # builds the index and the words, and caches both
    assert built["wordfreq"] is True
    read = _run(tmp_path)
    assert read["wordfreq"] is False
    assert read["hits"] == built["hits"]
    assert any(built["hits"])


def test_words_of_another_wordfreq_version_are_built_again(tmp_path: Path) -> None:
    _run(tmp_path)
    (path,) = (tmp_path / "index").glob("*.pickle")
    index, acronyms, _words, _, tables = pickle.loads(path.read_bytes())
    # The same layout, the words said to come from another wordfreq and wrong (empty).
    path.write_bytes(pickle.dumps((index, acronyms, (frozenset(), frozenset()), "0.0.1", tables)))
    again = _run(tmp_path)
    assert again["wordfreq"] is True  # not taken from the cache: built from wordfreq
    assert again["hits"] == _run_fresh(tmp_path / "fresh")["hits"]


def _run_fresh(data_dir: Path) -> dict[str, object]:
    data_dir.mkdir()
    return _run(data_dir)
