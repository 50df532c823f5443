"""Measure screening of Chinese company names written the ways documents write them (full pinyin,
traditional characters, full-width punctuation, an address or the English name on the line, a
branch, a region in brackets) against a list that holds the companies by their English names.

Where the names come from: the bilingual companies of ``chinese_short.py`` (the bundled lists'
entities with a Chinese and a Latin name, among them the Chinese names of
``sources/watchlists/uflpa_chinese_names_from_press.csv``, which stay UNVERIFIED as the list marks
them; and CC-CEDICT's Chinese companies). Nothing is written by hand: every query is made from a
listed Chinese name by one of the rules below, and a name whose rule does not apply (no province to
put in brackets) gives no query for that rule.

The list: the same halves as ``chinese_short.py`` (a SHA-256 of the company; the listed half by
its Latin names, the other half left out to count false alerts), with one more cut: a Latin name
made only of pinyin words and legal words ("Hesheng Guiye Gufen Youxian Gongsi", "Bingtuan") is
left out, so a full-pinyin query has to meet the English name ("Hoshine Silicon Industry"), not
a pinyin spelling of itself. Every other entity of the bundled lists stays on the list.

The rules (``VARIANTS``), each applied to each Chinese name of a company:

* ``as_listed``: the Chinese name as the list gives it (the base every other rule changes);

* ``pinyin_words``: the name in toneless pinyin, upper case, one word per word of pypinyin's
  phrase dictionary ("XINJIANG ZHONGTAI HUAXUE GUFEN YOUXIAN GONGSI"), as bills of lading spell
  a name nobody translated;
* ``pinyin_syllables``: the same, one word per syllable ("XIN JIANG ZHONG TAI ...");
* ``pinyin_joined``: the same, the words run together ("XINJIANGZHONGTAIHUAXUE...");
* ``pinyin_cut35``: ``pinyin_words`` cut at 35 characters (the name field of many bills);
* ``hant``: the name in traditional characters (OpenCC ``s2twp``);
* ``fullwidth``: brackets full-width (（）) and an ideographic space after a leading province;
* ``with_english``: the Chinese name, a space, then the company's first Latin name (the
  bilingual line of an invoice);
* ``with_address``: the name followed by "地址：" and the name's own region as an address
  (省/区 + 市 of the places the name starts with; no street is made up) — only for names that
  start with a place;
* ``branch``: "乌鲁木齐分公司" (Ürümqi branch) after the name's legal form;
* ``bracket_region``: a leading province moved into full-width brackets after the trade name and
  industry (新疆中泰化学股份有限公司 -> 中泰化学（新疆）股份有限公司);
* ``english_alone`` (a reference, not a variant): the Latin name of ``with_english`` alone, so
  the alerts of the bilingual line can be told from those its English half raises by itself.

Figures at the default thresholds, per rule: recall on the listed half (the company among the
hits decided ``match``; and ``match`` or ``review``) and the alert rate on the unlisted half.

Tune and held-out parts: the same bit of the same hash as ``chinese_short.py`` (``Company.part``).
Change the matcher looking at ``tune`` only (``--part tune --show``); ``held-out`` is reported
apart, not looked at. The first table counts both parts, as before the split.

``--snapshot`` makes the list as crowded as ``chinese_short.py``'s (the restricted-party snapshot,
13,000 entities; a company it names leaves the set) and adds its probe (CC-CEDICT's companies of
any country that no list here names) to the unlisted side.

Run: ``python benchmarks/matching/chinese_variants.py [--show] [--rule NAME] [--part PART]
[--snapshot]``.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import opencc
from pypinyin import Style, lazy_pinyin
from pypinyin.core import Pinyin

from sourcetrace.matching import Matcher
from sourcetrace.model import Decision, ListedEntity
from sourcetrace.names.text import fold, has_cjk, latin_tokens, syllables
from sourcetrace.names.vocabulary import LEGAL_TOKENS, LEGAL_ZH, vocabulary
from sourcetrace.screening import load_lists
from sourcetrace.settings import load_settings

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from chinese_short import Company, cedict_companies, companies, listed_entity, with_snapshot
from scoring import with_names

_S2T = opencc.OpenCC("s2twp")
# pypinyin's public converter class: its seg is the word cutting lazy_pinyin does.
_SEG = Pinyin().seg


def _word_pinyin(word: str) -> list[str]:
    return [s.replace("v", "u") for s in lazy_pinyin(word, style=Style.NORMAL, errors="ignore")]


def pinyin_words(zh: str) -> str:
    return " ".join("".join(_word_pinyin(w)) for w in _SEG(zh) if _word_pinyin(w)).upper()


def pinyin_syllables(zh: str) -> str:
    return " ".join(s for w in _SEG(zh) for s in _word_pinyin(w)).upper()


def pinyin_joined(zh: str) -> str:
    return pinyin_words(zh).replace(" ", "")


def pinyin_cut35(zh: str) -> str | None:
    full = pinyin_words(zh)
    return full[:35] if len(full) > 35 else None


def hant(zh: str) -> str | None:
    out = _S2T.convert(zh)
    return out if out != zh else None


def _leading_places(zh: str) -> list[str]:
    places, out, rest = vocabulary().places_zh, [], zh
    while True:
        for size in range(min(vocabulary().max_place_zh, len(rest) - 2), 1, -1):
            if rest[:size] in places:
                out.append(rest[:size])
                rest = rest[size:]
                break
        else:
            return out


def _province(zh: str) -> str | None:
    lead = _leading_places(zh)
    if lead and vocabulary().places_zh[lead[0]].code.endswith("0000"):
        return lead[0]
    return None


def fullwidth(zh: str) -> str | None:
    out = zh.replace("(", "（").replace(")", "）")
    province = _province(zh)
    if province:
        out = province + "\u3000" + out[len(province):]
    return out if out != zh else None


def with_english(company: Company) -> Callable[[str], str]:
    return lambda zh: f"{zh} {company.latin[0].value}"


def with_address(zh: str) -> str | None:
    lead = _leading_places(zh)
    if not lead:
        return None
    return zh + " 地址：" + "".join(lead)


def branch(zh: str) -> str | None:
    for form in LEGAL_ZH:
        if zh.endswith(form) and form not in ("分公司", "子公司"):
            return zh + "乌鲁木齐分公司"
    return None


def bracket_region(zh: str) -> str | None:
    province = _province(zh)
    if not province:
        return None
    rest = zh[len(province):]
    for form in LEGAL_ZH:
        idx = rest.find(form)
        if idx > 0:
            return rest[:idx] + "（" + province + "）" + rest[idx:]
    return rest + "（" + province + "）"


Rule = Callable[[str], "str | None"]
VARIANTS: dict[str, Callable[[Company], Rule]] = {
    "as_listed": lambda c: (lambda zh: zh),
    "pinyin_words": lambda c: pinyin_words,
    "pinyin_syllables": lambda c: pinyin_syllables,
    "pinyin_joined": lambda c: pinyin_joined,
    "pinyin_cut35": lambda c: pinyin_cut35,
    "hant": lambda c: hant,
    "fullwidth": lambda c: fullwidth,
    "with_english": with_english,
    "with_address": lambda c: with_address,
    "branch": lambda c: branch,
    "bracket_region": lambda c: bracket_region,
    # Reference, not a variant: the Latin name of with_english alone, one query per Chinese name
    # as there: what the English half of a bilingual line finds (and alerts on) by itself.
    "english_alone": lambda c: (lambda zh: c.latin[0].value),
}


def pinyin_only(name: str) -> bool:
    """A Latin name made of pinyin words and legal words only (a pinyin spelling, no English)."""
    words = latin_tokens(name.casefold())
    return bool(words) and all(w in LEGAL_TOKENS or syllables(w) is not None for w in words)


def english_only(company: Company) -> ListedEntity:
    entity = listed_entity(company)
    names = [n for n in entity.names if not pinyin_only(n.value)] or entity.names[:1]
    return with_names(entity, names)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", action="store_true", help="print every query and its hits")
    parser.add_argument("--rule", choices=sorted(VARIANTS), help="only this rule")
    parser.add_argument("--part", choices=("tune", "held-out"),
                        help="--show only the companies of this part (the tables count both)")  # fmt: skip
    parser.add_argument("--snapshot", action="store_true",
                        help="add the restricted-party snapshot to the list and the probe "
                             "(CC-CEDICT's companies of any country) to the unlisted side")  # fmt: skip
    args = parser.parse_args(argv)

    bundled, _ = load_lists()
    found, others = companies(bundled)
    bundled_names = {n.value for e in bundled for n in e.names}
    for company in cedict_companies():
        if company.zh.isdisjoint(bundled_names):
            found.append(company)
    probe: list[Company] = []
    if args.snapshot:
        found, others = with_snapshot(found, others)
    listed = [c for c in found if c.listed]
    listing = [english_only(c) for c in listed] + others
    if args.snapshot:
        taken = {c.key for c in found} | {fold(n.value) for e in listing for n in e.names}
        probe = [c for c in cedict_companies(any_country=True)
                 if c.key not in taken and fold(c.latin[0].value) not in taken]  # fmt: skip
    ids = {listed_entity(c).id: c for c in listed}
    matcher = Matcher(listing, load_settings())
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0, 0])
    by_part: dict[str, dict[str, list[int]]] = {
        part: defaultdict(lambda: [0, 0, 0, 0, 0, 0]) for part in ("tune", "held-out")
    }
    for rule_name, make in VARIANTS.items():
        if args.rule and rule_name != args.rule:
            continue
        for company in [*found, *probe]:
            rule = make(company)
            queries = {q for zh in sorted(company.zh) if has_cjk(zh) for q in [rule(zh)] if q}
            for query in sorted(queries):
                hits = matcher.match(query)
                alerts = [h for h in hits if h.decision is not Decision.CLEAR]
                matches = [h for h in alerts if h.decision is Decision.MATCH]
                for c in (counts[rule_name], by_part[company.part][rule_name]):
                    if company.listed and company not in probe:
                        c[0] += 1
                        c[1] += any(ids.get(h.entity.id) is company for h in matches)
                        c[2] += any(ids.get(h.entity.id) is company for h in alerts)
                    else:
                        c[3] += 1
                        c[4] += bool(matches)
                        c[5] += bool(alerts)
                if args.show and (not args.part or company.part == args.part):
                    status = "listed" if company.listed and company not in probe else "unlisted"
                    print(f"{rule_name:16} {status:8} {query} <- {company.latin[0].value}")
                    for h in alerts or hits[:1]:
                        print(f"    {h.decision.value:6} {h.score:.2f} {h.matched_name}: "
                              + "; ".join(h.reasons))  # fmt: skip
    print(f"companies: {len(found)} ({len(listed)} listed); list: {len(listing)} entities")
    print("| rule | listed queries | recall (match) | recall (match or review) | unlisted queries"
          " | alerted (match) | alerted (match or review) |")
    print("|---|---|---|---|---|---|---|")
    total = [0] * 6
    for rule_name, c in counts.items():
        if rule_name not in ("english_alone", "as_listed"):
            total = [a + b for a, b in zip(total, c, strict=True)]
        print(f"| {rule_name} | {c[0]} | {c[1]} | {c[2]} | {c[3]} | {c[4]} | {c[5]} |")
    print(f"| all variants (as_listed aside) | {total[0]} | {total[1]} | {total[2]} | {total[3]} | {total[4]} | {total[5]} |")
    for part, part_counts in by_part.items():
        print(f"\n{part} part")
        print("| rule | listed queries | recall (match) | recall (match or review) | unlisted queries"
              " | alerted (match) | alerted (match or review) |")  # fmt: skip
        print("|---|---|---|---|---|---|---|")
        for rule_name, c in part_counts.items():
            print(f"| {rule_name} | {c[0]} | {c[1]} | {c[2]} | {c[3]} | {c[4]} | {c[5]} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
