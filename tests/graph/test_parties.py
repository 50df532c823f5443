"""Party texts read once: the places, postcodes and identifier checks :func:`read_texts` hands on
are those the finders give text by text, though most texts are ruled out column-wise first."""

from __future__ import annotations

from sourcetrace.graph.parties import read_texts
from sourcetrace.matching.matcher import Matcher
from sourcetrace.model import Hit
from sourcetrace.names.identifiers import check_uscc
from sourcetrace.names.location import xinjiang_places, xinjiang_postcode
from sourcetrace.names.vocabulary import vocabulary

NAMES = [
    "Aksu Huafu Textiles Co., Ltd.",
    "AKSU HUAFU TEXTILES CO LTD",
    "Xinjiang Zhongtai Chemical Co Ltd",
    "Hoshine Silicon Industry (Shanshan) Co., Ltd",
    "Changji Esquel Textile Co., Ltd.",
    "Wu Lu Mu Qi Cotton Trading",
    "Ak'su Cotton Co",
    "Ürümqi Knitwear Co",
    "新疆阿克苏纺织有限公司",
    "喀什宇恒棉业有限公司",
    "新疆維吾爾自治區棉業",  # traditional characters: folding finds the place
    "Ningbo Xingxinyi Printing & Dyeing Co., Ltd.",
    "Eastbay Apparel Co",
    "Da Wang",
]
ADDRESSES = [
    "No 88 Beijing Road, Urumqi 830000",
    "Room 5, 835000 Yining",
    "Building 2, Korla Economic Zone, Bayingolin",
    "235 Silverline Road, Ningbo, Zhejiang 315000",
    "12 Harbour Road, Chittagong",
    "Tel 0991-8300001, Hami",
    "1830000 Industrial Park",  # no postcode: a digit touches it
    "阿克苏地区阿克苏市",
]
IDENTIFIERS = ["91650100MA775U1P5J", "91330200MA2AFWQD2X", "9165 0100 MA77 5U1P 5J", "not a code"]


def test_read_texts_finds_what_the_finders_find_text_by_text() -> None:
    # Every Latin place key, alone, cut in two words, and inside an address.
    keys = list(vocabulary().places_latin)
    names = NAMES + [k.upper() for k in keys] + [f"{k[:2]} {k[2:]} Trading Co" for k in keys]
    texts = ADDRESSES + [f"{k.title()} Road 12, {k[:1]}-{k[1:]}" for k in keys]
    facts = read_texts(names, texts, identifiers=IDENTIFIERS)
    assert facts.places  # the chosen texts do name places
    for text in names + texts:
        assert facts.places_in(text) == xinjiang_places(text), text
    for text in texts:
        assert facts.postcodes.get(text, "") == xinjiang_postcode(text), text
    assert facts.postcodes["No 88 Beijing Road, Urumqi 830000"] == "830000"
    assert "1830000 Industrial Park" not in facts.postcodes
    assert facts.places_in("Ningbo Xingxinyi Printing & Dyeing Co., Ltd.") == []
    for raw in IDENTIFIERS:
        assert facts.uscc(raw) == check_uscc(raw)


def test_read_texts_in_worker_processes_agrees() -> None:
    names = [f"{n} {i}" for i in range(1_500) for n in NAMES]
    alone = read_texts(names, ADDRESSES)
    pooled = read_texts(names, ADDRESSES, workers=2)
    assert pooled.keys == alone.keys
    assert pooled.places == alone.places and pooled.postcodes == alone.postcodes


def test_names_screened_in_a_batch_get_the_hits_of_each_name_alone(matcher: Matcher) -> None:
    """The batch's string retrieval (one sparse product) and spelling checks give every name
    the hits matching it alone gives: the same entities, names, scores, decisions, reasons."""
    names = [*NAMES, "XINJIANG ZHONGTAI CHEMICAL", "HOSHINE SILICON", "Huafu Color Spinning"]
    facts = read_texts(names, (), matcher)
    assert len(facts.hits) >= 4  # listed organisations among them

    def said(hits: list[Hit]) -> list[tuple[str, str, float, str, list[str]]]:
        return [(h.entity.id, h.matched_name, h.score, h.decision.value, h.reasons)
                for h in hits]  # fmt: skip

    for name in names:
        assert said(facts.hits.get(name, [])) == said(matcher.match(name)), name
