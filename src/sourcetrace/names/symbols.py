"""Organisation and industry words of other languages, read as the English word of the same
meaning, from OpenSanctions' rigour (its name symbols, the table nomenklatura's logic-v2 uses).

"Inzhiniring" and "Engineering", "Grupp" and "Group", "Концерн" and "Concern", "Tekhnologii" and
"Technologies", "Sanayi" and "Industry" carry one symbol in rigour (ENG, GRP, CONCERN, TECH,
INDUSTRY). A name written in Russian, Ukrainian, Turkish ... (or in their Latin transliteration)
then holds the same words as its English listing, so the trade name, the trade-name keys and the
whole-name n-grams meet. Rules, so that English names are left as they are:

* only a word of another language is replaced: a word with a letter outside ASCII, or an ASCII
  word that is neither frequent English (wordfreq's small list, Zipf >= 3: "plant", "laboratory"
  stay) nor pinyin (pinyin organisation words have their own table, ``org_pinyin``);
* it becomes the English word of its symbol only when there is one: the symbol's name in lower
  case, spelled out by ``data/abbreviations.tsv`` (GRP -> group, TECH -> technology), that is
  frequent English and that rigour reads back as the same symbol;
* one-word symbols first; a symbol of several words only when no word of it was replaced and
  every word is of another language;
* institution types with no English word (rigour's NPP: Scientific Production Enterprise,
  Nauchno-Proizvodstvennoe Predpriyatie; SKB: Special Design Bureau, OKB) are written as the
  symbol's name ("npp", "skb"), in any language, but only beside other words (rigour also
  names whole entities: "Tactical Missiles Corporation" is TPB) and only when that name is no
  English word; :func:`institution` then tells the parse it is an organisation word;
* a word in another script only when its Latin letters (anyascii) carry the same symbol and
  would be rewritten too, so that a Cyrillic name still meets its transliteration ("Концерн"
  and "Kontsern" both become "concern"; "Торговый" and "Torgovyi" both stay);
* names in Chinese characters are not read here (the Chinese parser has its own vocabulary);
* a word in Latin letters that is anyascii's spelling of one of rigour's one-word Cyrillic
  phrases, of one symbol, and that rigour does not read itself ("Elektronika", "Logistika",
  "Gruppa", "Menedzhment"), is read as that symbol, but only beside a word no symbol reads
  (alone it is the trade name: "AO Resurs"), see :func:`_transliterated`.

rigour's analysis costs about 20 µs a name, and most names of a bill of lading hold no word it
could rewrite; so a name in ASCII is analysed only when :func:`_may_rewrite` finds one: a word
of another language that is a word of one of rigour's organisation phrases (the rules above
rewrite only such words), or every word of a phrase of an institution type without an English
word ("special design bureau"). The phrases are rigour's own tables
(``data/symbol_phrases.tsv``, ``scripts/build_symbol_phrases.py``); with another rigour version
installed than the one they were read from, every name is analysed, as before the gate.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache
from importlib import metadata

from anyascii import anyascii
from rigour.names import Name, NameTypeTag, Span, analyze_names, tokenize_name
from rigour.names.org_types import replace_org_types_compare

from sourcetrace.names.text import has_cjk, syllables
from sourcetrace.names.vocabulary import abbreviations, english_text_words, symbol_phrases

# The rigour categories of organisation and industry words ("group", "factory", "export");
# legal forms (ORG_CLASS) are taken off earlier by rigour's org-type table, places and numbers
# are read elsewhere.
_CATEGORIES = frozenset({"SYMBOL", "DOMAIN"})
ENGLISH_ZIPF = 3.0  # frequent enough in English text to be an English word (about 1 in a million)


@lru_cache(maxsize=65_536)
def english_org_words(line: str) -> str:
    """The line with its organisation and industry words of other languages written as the
    English word of the same rigour symbol ("АО «Концерн Калашников»" -> "ао «concern
    калашников»", "Yuna Inzhiniring" -> "yuna engineering"); the line unchanged when it has
    none."""
    if not line or has_cjk(line):
        return line
    if line.isascii() and not _may_rewrite(line):
        return line
    written = line
    # rigour reads "société" and "societe" apart (CO and nothing): accents of Latin letters off.
    bare = line if line.isascii() else _bare(line)
    if bare.isascii():
        line = bare
    replace: dict[tuple[str, ...], str] = {}
    for name in _analyze(line):
        spans = [s for s in name.spans if _category(s) in _CATEGORIES]
        done: set[str] = set()
        # Institution types of several words with no English word (Scientific Production
        # Enterprise, Special Design Bureau): the symbol's own name, as NPP and OKB write them;
        # only beside other words: rigour also names whole entities ("Tactical Missiles
        # Corporation" is TPB), which must stay as written.
        words = [p.form for p in name.parts]
        # A Russian word in Latin letters that rigour reads only in Cyrillic is rewritten only
        # beside a word that no symbol reads: without one it is the trade name ("AO Resurs",
        # "NPP Almaz").
        read = {p.form for span in spans for p in span.parts}
        kept = [
            w for w in words
            if w.isalnum() and w not in read and _latin(w) not in _transliterated()
        ]  # fmt: skip
        for span in sorted(spans, key=lambda s: (-len(s.parts), _span_order(s))):
            forms = tuple(p.form for p in span.parts)
            category, symbol = str(span.symbol.category), str(span.symbol.id)
            if len(forms) < 2 or done.intersection(forms) or _english(category, symbol):
                continue
            if not any(w.isalpha() and w not in forms for w in words):
                continue
            if not _same_in_latin(forms, symbol):
                continue
            tag = _tag(symbol)
            if tag is not None:
                replace[forms] = tag
                done.update(forms)
        # Words of another language, one-word symbols first.
        for span in sorted(spans, key=lambda s: (len(s.parts), _span_order(s))):
            forms = tuple(p.form for p in span.parts)
            if done.intersection(forms) or not all(_foreign(f) for f in forms):
                continue
            category, symbol = str(span.symbol.category), str(span.symbol.id)
            english = _english(category, symbol) or (_tag(symbol) if len(forms) == 1 else None)
            if english is None or english == " ".join(forms) or not _same_in_latin(forms, symbol):
                continue
            replace[forms] = english
            done.update(forms)
        # Russian words in Latin letters that rigour reads only in Cyrillic ("Elektronika",
        # "Logistika", "Gruppa"): the English word of their Cyrillic word's symbol.
        for part in name.parts:
            form = part.form
            if form in done or form in read or not form.isascii() or not kept:
                continue
            found = _transliterated().get(form)
            english = _english(*found) if found else None
            if english is not None and english != form:
                replace[(form,)] = english
                done.add(form)
    if not replace:
        return written
    out = line if line.isascii() else line.casefold()
    out = out.lower()
    for forms, english in sorted(replace.items(), key=lambda kv: -len(kv[0])):
        # rigour reads "&" as "and": the line may write either.
        parts = ("(?:and|&)" if f == "and" else re.escape(f) for f in forms)
        pattern = r"(?<!\w)" + r"[\W_]*".join(parts) + r"(?!\w)"
        out = re.sub(pattern, english, out)
    return out


def _bare(line: str) -> str:
    """The line without the accents of its letters ("société" -> "societe")."""
    return "".join(c for c in unicodedata.normalize("NFKD", line) if not unicodedata.combining(c))


def _may_rewrite(line: str) -> bool:
    """Whether :func:`english_org_words` may rewrite a line in ASCII: False only when it
    cannot, as no word of the line (as rigour reads it: its words, and its words once rigour
    has replaced its legal forms) is a foreign word of a rigour phrase, and no institution
    phrase of English words is there whole. True for every line when the phrase tables are not
    those of the installed rigour."""
    gate = _GATE_READ if _GATE_READ is not None else _rewrite_gate()
    if gate is None:
        return True
    foreign, by_key = gate
    folded = line.casefold()
    # One tokenisation of the line as written and as rigour reads it with its legal forms
    # replaced ("co ltd" -> "coltd"): the words of both.
    words = set(tokenize_name(f"{folded} {replace_org_types_compare(folded)}"))
    if not foreign.isdisjoint(words):
        return True
    return any(phrase <= words for key in words & by_key.keys() for phrase in by_key[key])


_Gate = tuple[frozenset[str], dict[str, tuple[frozenset[str], ...]]]
# The gate as an earlier process built it (read with the matcher's index cache), or None.
_GATE_READ: _Gate | None = None


def rewrite_gate_state() -> tuple[str, _Gate | None]:
    """The gate of :func:`_may_rewrite` with the rigour version it was built for, to cache with
    the matcher's index (else every bulk worker builds it on its first names)."""
    return _installed_rigour(), _rewrite_gate()


def use_rewrite_gate(state: object) -> bool:
    """Take the gate from :func:`rewrite_gate_state` of an earlier process; False (and the gate
    built here when needed) when it was built for another rigour version, is not one, or is
    None (the phrase table is another rigour's: :func:`_rewrite_gate` says so again cheaply).
    The gate depends on the installed rigour and the bundled phrase table only, not on the
    lists, so it holds for every matcher of the process."""
    global _GATE_READ
    if not (isinstance(state, tuple) and len(state) == 2 and state[0] == _installed_rigour()):
        return False
    gate = state[1]
    if not (
        isinstance(gate, tuple) and len(gate) == 2
        and isinstance(gate[0], frozenset) and isinstance(gate[1], dict)
    ):  # fmt: skip
        return False
    _GATE_READ = gate
    return True


@cache
def _installed_rigour() -> str:
    return f"rigour {metadata.version('rigour')}"


@cache
def _rewrite_gate() -> _Gate | None:
    """The words of rigour's phrases that are of another language (:func:`_foreign`: only
    such words are rewritten one by one), and the phrases of institution types that
    :func:`english_org_words` writes as their symbol's name, all of whose words are English or
    pinyin, by their longest word (each as the set of its words but legal forms, which rigour
    may have replaced in the line); None when the table was read from another rigour version
    than the installed one (built once a process, about 0.2 s).

    Each phrase is taken as written, lower case, folded to ASCII and with its legal forms
    replaced as rigour replaces them: whichever way rigour reads it, its words are here."""
    rows = symbol_phrases()
    installed = _installed_rigour()
    if not rows or any(r[3] != installed for r in rows):
        return None
    foreign: set[str] = set()
    english_phrases: set[frozenset[str]] = set()
    for category, symbol, phrase, _ in rows:
        text = phrase.casefold()
        forms = {text, _bare(text), anyascii(text).lower()}
        forms.update([replace_org_types_compare(form) for form in forms])
        for form in forms:
            words = tokenize_name(form)
            foreign.update(w for w in words if _foreign(w))
            kept = frozenset(w for w in words if replace_org_types_compare(w) == w)
            if (
                len(words) >= 2 and kept and not any(_foreign(w) for w in words)
                and _tag(symbol) is not None
                and _english(f"SymbolCategory.{category}", symbol) is None
            ):  # fmt: skip
                english_phrases.add(kept)
    by_key: dict[str, list[frozenset[str]]] = {}
    for kept in sorted(english_phrases, key=sorted):
        by_key.setdefault(max(sorted(kept), key=len), []).append(kept)
    return frozenset(foreign), {k: tuple(v) for k, v in by_key.items()}


@lru_cache(maxsize=4096)
def institution(word: str) -> str | None:
    """The word itself when it is a rigour institution type with no English word ("npp", "skb",
    as :func:`english_org_words` writes them), else None: read as an organisation word, not as
    part of the trade name ("NPP Almaz" and "Almaz" hold the same trade name)."""
    if not 3 <= len(word) <= 5 or not word.isalpha():
        return None
    for name in _analyze(word):
        for span in name.spans:
            symbol = str(span.symbol.id)
            if (
                _category(span) in _CATEGORIES and len(span.parts) == 1 and _tag(symbol) == word
                and _english(str(span.symbol.category), symbol) is None
            ):  # fmt: skip
                return word
    return None


@lru_cache(maxsize=1024)
def word_symbol(word: str) -> str | None:
    """The one rigour symbol of an organisation or industry word ("plant" and "factory":
    FACTORY; "electronics" and "electronic": ELECTRONIC), or None when it has none or several."""
    found = {
        str(span.symbol.id)
        for name in _analyze(word)
        for span in name.spans
        if _category(span) in _CATEGORIES and len(span.parts) == 1
    }
    return found.pop() if len(found) == 1 else None


@lru_cache(maxsize=4096)
def _same_in_latin(forms: tuple[str, ...], symbol: str) -> bool:
    """Whether words of another script keep their symbol in Latin letters (anyascii), as lists
    transliterate them: "Концерн" and "Kontsern" are both CONCERN, so both become "concern";
    "Торговый" is read by rigour but "Torgovyi" is not, so neither is rewritten and the Cyrillic
    name still meets its transliteration. Words in Latin letters: always."""
    text = " ".join(forms)
    if text.isascii():
        return True
    latin = anyascii(text).lower()
    # The Latin spelling must be rewritten too: "дом" is HOUSE, but "dom" is an English word.
    if not all(_foreign(w) for w in latin.split() if w.isalpha()):
        return False
    return any(str(span.symbol.id) == symbol for name in _analyze(latin) for span in name.spans)


@cache
def _transliterated() -> dict[str, tuple[str, str]]:
    """rigour's one-word Cyrillic organisation and industry words in Latin letters (anyascii:
    "электроника" -> "elektronika", "логистика" -> "logistika"), each with its symbol's category
    and id, when that Latin word is of another language than English and of one symbol only.

    Lists write Russian, Ukrainian and Belarusian company names in transliteration ("NEVA
    ELEKTRONIKA" for "Нева Электроника"), and rigour's table holds many of those words in
    Cyrillic only; read so, the Latin spelling and the English translation ("Neva Electronics")
    hold the same word. The Cyrillic word itself stays (:func:`_same_in_latin`): other systems
    spell its endings otherwise ("Торговый" is "torgovyy" here, "Torgovyi" on the lists)."""
    found: dict[str, set[tuple[str, str]]] = {}
    for category, symbol, phrase, _ in symbol_phrases():
        if category not in _CATEGORIES or " " in phrase or not _CYRILLIC.search(phrase):
            continue
        latin = _latin(phrase)
        if latin.isalpha() and latin.isascii() and _foreign(latin):
            found.setdefault(latin, set()).add((f"SymbolCategory.{category}", symbol))
    # Words rigour reads in Latin letters too ("zavod") are read as before.
    return {
        word: next(iter(symbols))
        for word, symbols in found.items()
        if len(symbols) == 1 and not _read_by_rigour(word)
    }


def _read_by_rigour(word: str) -> bool:
    return any(_category(span) in _CATEGORIES for n in _analyze(word) for span in n.spans)


def _latin(word: str) -> str:
    """A word in lower-case Latin letters as anyascii writes it ("Электроника" -> "elektronika")."""
    return word if word.isascii() else anyascii(word.casefold()).lower()


_CYRILLIC = re.compile("[\u0400-\u04ff]")


def _span_order(span: Span) -> tuple[str, str, tuple[str, ...]]:
    """A tie-break for spans of the same length: rigour gives them in set order, which changes
    from one process to the next, and a word of two symbols ("empreendimentos": ENTERPRISE and
    VENTURE) must be read the same way in every run (the first symbol by name)."""
    return (str(span.symbol.category), str(span.symbol.id), tuple(p.form for p in span.parts))


def _analyze(text: str) -> set[Name]:
    """rigour's reading of an organisation name, its symbols only (phonetic keys, numbers and
    merging off: a third of the time)."""
    return analyze_names(
        NameTypeTag.ORG, [text], phonetics=False, numerics=False, consolidate=False
    )


def _category(span: object) -> str:
    return str(span.symbol.category).rsplit(".", 1)[-1]  # type: ignore[attr-defined]


def _tag(symbol: str) -> str | None:
    """A symbol's own name as a word ("npp", "skb"), for symbols that have no English word."""
    tag = symbol.lower()
    # An English word is no institution type's name ("named" of "named after").
    ok = tag.isalpha() and 3 <= len(tag) <= 5 and tag not in frequent_english()
    return tag if ok else None


def _foreign(word: str) -> bool:
    """A word of another language than English: not ASCII, or neither frequent English nor
    pinyin."""
    if not word.isascii():
        return any(c.isalpha() for c in word)
    if not word.isalpha() or syllables(word) is not None:
        return False
    # A bill-of-lading abbreviation the parser's table reads ("pharm" pharmaceutical, not
    # rigour's "pharmacy") is the table's to read.
    return word not in frequent_english() and word not in abbreviations()


@cache
def _english(category: str, symbol: str) -> str | None:
    """The English word of a rigour symbol, or None when it has none that reads back as it."""
    word = symbol.lower()
    if not word.isalpha():
        return None
    text = " ".join(abbreviations().get(word, (word,)))
    if not all(w in frequent_english() for w in text.split()):
        return None
    for name in _analyze(text):
        for span in name.spans:
            if str(span.symbol.category) == category and str(span.symbol.id) == symbol:
                return text
    return None


# The table as read with the index cache (matching.matcher.Matcher.cached), so that a bulk
# worker does not import wordfreq for it.
_ENGLISH_READ: frozenset[str] | None = None


def use_frequent_english(words: frozenset[str]) -> None:
    """Make :func:`frequent_english` return ``words`` (as an earlier build of it wrote them),
    unless it was already built in this process."""
    global _ENGLISH_READ
    _ENGLISH_READ = words


@lru_cache(maxsize=1)
def frequent_english() -> frozenset[str]:
    """Lower-case words of English text at Zipf >= :data:`ENGLISH_ZIPF`."""
    return _ENGLISH_READ if _ENGLISH_READ is not None else english_text_words(ENGLISH_ZIPF)
