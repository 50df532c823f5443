"""Build ``src/sourcetrace/data/symbol_phrases.tsv``: the organisation and industry phrases of
OpenSanctions' rigour (its ``org_symbols`` and ``org_domains`` tables), one row per phrase.

    python scripts/build_symbol_phrases.py          # writes the file
    python scripts/build_symbol_phrases.py --check  # fails if the committed file differs

Source: the installed rigour (2.6.1, MIT licence; the tables come from its repository's
``resources/names/symbols.yml``). rigour ships them compiled into its core
(``rigour/_core*.so``) as zstd-compressed JSON and has no Python call that lists them, so this
script finds the zstd frames in that file, decompresses them with the ``zstd`` command (Debian's
``zstd`` package) and keeps the frame holding ``org_symbols``. The file only gates
:func:`sourcetrace.names.symbols.english_org_words`: a name none of whose words is in it is not
analysed by rigour; with another rigour version installed the gate is off (see that module).

Columns: ``category`` (SYMBOL for org_symbols, DOMAIN for org_domains), ``symbol`` (its id),
``phrase`` (as rigour writes it), ``source`` (the rigour version). Sorted, duplicates dropped.
"""

from __future__ import annotations

import json
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import rigour
from built_file import write_or_check

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "src" / "sourcetrace" / "data" / "symbol_phrases.tsv"
_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"


def tables() -> dict[str, dict[str, list[str]]]:
    """rigour's symbol tables as its core holds them (the JSON with ``org_symbols``)."""
    core = next(Path(rigour.__file__).parent.glob("_core*.so"))
    data = core.read_bytes()
    start = data.find(_ZSTD_MAGIC)
    while start >= 0:
        done = subprocess.run(
            ["zstd", "-d", "-c", "-q"], input=data[start:], capture_output=True, check=False
        )
        if done.stdout.lstrip().startswith(b"{") and b'"org_symbols"' in done.stdout[:1_000_000]:
            try:
                found = json.loads(done.stdout)
            except ValueError:
                found = None
            if isinstance(found, dict) and "org_symbols" in found:
                return found
        start = data.find(_ZSTD_MAGIC, start + 1)
    raise SystemExit(f"no org_symbols table found in {core}")


def build() -> str:
    source = f"rigour {metadata.version('rigour')}"
    found = tables()
    rows = {
        (category, symbol, " ".join(phrase.split()))
        for category, key in (("SYMBOL", "org_symbols"), ("DOMAIN", "org_domains"))
        for symbol, phrases in found[key].items()
        for phrase in phrases
        if phrase.strip() and "\t" not in phrase
    }
    lines = ["category\tsymbol\tphrase\tsource"]
    lines += [f"{c}\t{s}\t{p}\t{source}" for c, s, p in sorted(rows)]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(write_or_check(OUT, build, sys.argv[1:], __doc__ or ""))
