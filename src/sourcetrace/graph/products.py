"""Which goods can go into which: the rule that keeps a traced path on one chain of products.

A risk follows a path hop by hop; at each party the goods coming in must be able to go into the
goods going out. Cotton can become yarn, fabric and garments; quartz can become metallurgical
silicon, polysilicon, wafers, cells and modules. Garments do not go into yarn, and tomato paste
does not go into a T-shirt, so such paths are not followed.

The rule is data: a list of :class:`Stage` (a step of a production chain, known by HS code
prefixes and, when a link gives no HS code, by product words) with the stages whose goods are its
direct inputs. A link's goods can feed a downstream link's goods when the upstream stage is the
same stage (resale, dyeing fabric into fabric) or any stage upstream of it, directly or through
earlier stages (a vertically integrated mill buys cotton and sells fabric).

Unknown goods are kept: when either product is in no stage (no HS code and no known word, or an
HS code outside the table), the path goes on. A compliance tool must not drop a path because the
product table is incomplete; the rule only removes paths that are known to be impossible.

Sources: domain-facts §1.2 (HS 2022 codes of the sectors, checked against the WCO/UN Comtrade
nomenclature, core and extended columns) and §2 (CBP asks polysilicon importers for the source
of the quartz used for metallurgical-grade silicon); §1.1 (the UFLPA Strategy's "including
metallurgical grade silicon and polysilicon"). Every input not taken from those is marked
ASSUMPTION in the table below.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from sourcetrace.graph.model import hs_digits

UNKNOWN = -1


@dataclass(frozen=True, slots=True)
class Stage:
    """One step of a production chain: its goods (HS prefixes, product words) and direct inputs."""

    name: str
    hs: tuple[str, ...]
    words: tuple[str, ...] = ()
    inputs: tuple[str, ...] = ()


# Each stage's comment cites its source; ASSUMPTION marks what domain-facts does not give.
STAGES: tuple[Stage, ...] = (
    # Cotton (domain-facts §1.2 cotton row: 5201 raw, 5202 waste, 5203 carded/combed; 1404.20
    # linters in the extended column).
    Stage("raw cotton", ("5201", "5202", "5203", "140420"),
          ("seed cotton", "raw cotton", "cotton lint", "lint", "linters", "cotton", "cotton waste")),
    # ASSUMPTION: man-made staple fibres (HS 5501-5507) are spun like cotton; not in domain-facts.
    Stage("man-made fibre", ("5501", "5502", "5503", "5504", "5505", "5506", "5507"),
          ("staple fibre", "polyester fibre", "viscose fibre")),
    # Yarn: 5204-5207 cotton thread and yarn (§1.2 cotton row). ASSUMPTION: man-made filament
    # yarn (5401-5406) and staple yarn (5508-5511) are the same step for other fibres.
    Stage("yarn", ("5204", "5205", "5206", "5207", "5401", "5402", "5403", "5404", "5405",
                   "5406", "5508", "5509", "5510", "5511"),
          ("yarn", "thread"), ("raw cotton", "man-made fibre")),
    # Fabric: 5208-5212 woven cotton (§1.2 cotton row), ch. 60 knitted (§1.2 cotton extended
    # column). Caustic soda is used to scour and mercerise textiles (§1.2 caustic-soda row,
    # kharon.com). ASSUMPTION: 5407-5408 and 5512-5516 man-made woven fabric, same step.
    Stage("fabric", ("5208", "5209", "5210", "5211", "5212", "60", "5407", "5408", "5512",
                     "5513", "5514", "5515", "5516"),
          ("fabric", "fabrics", "denim", "cloth", "greige"), ("yarn", "caustic soda")),
    # Garments: ch. 61 knitted, ch. 62 not knitted (§1.2 apparel row); made-ups 6301-6303
    # (§1.2 cotton extended column). ASSUMPTION: knitwear is also knitted straight from yarn,
    # which the closure over fabric already allows.
    Stage("garments", ("61", "62", "6301", "6302", "6303"),
          ("garments", "garment", "apparel", "clothing", "t-shirts", "t-shirt", "shirts", "shirt",
           "sweaters", "trousers", "jeans", "jackets", "socks", "dresses", "bed linen"),
          ("fabric", "yarn")),
    # Caustic soda 2815.11/12 (§1.2). Its own inputs (salt, electricity) are not traced.
    Stage("caustic soda", ("281511", "281512"), ("caustic soda", "sodium hydroxide")),
    # Silica chain (§1.2 silica row, §2 polysilicon note): quartz 2506 -> metallurgical-grade
    # silicon 2804.69 (and ferrosilicon 7202.21/29, extended) -> polysilicon 2804.61 -> doped
    # wafers 3818 -> cells 8541.42 -> modules 8541.43 (8541.40 in HS 2017) and PV generators
    # 8501.71/72 (extended).
    Stage("quartz", ("2506",), ("quartz", "quartzite")),
    Stage("metallurgical silicon", ("280469", "720221", "720229"),
          ("metallurgical silicon", "silicon metal", "ferrosilicon"), ("quartz",)),
    Stage("polysilicon", ("280461",), ("polysilicon",), ("metallurgical silicon",)),
    Stage("wafers", ("3818",), ("wafers", "wafer"), ("polysilicon",)),
    Stage("solar cells", ("854142",), ("solar cells", "pv cells"), ("wafers",)),
    Stage("solar modules", ("854143", "854140", "850171", "850172"),
          ("solar modules", "solar panels", "pv modules"), ("solar cells",)),
    # ASSUMPTION: silicones 3910 (§1.2 silica extended column) are made from metallurgical silicon.
    Stage("silicones", ("3910",), ("silicones", "silicone"), ("metallurgical silicon",)),
    # Tomatoes (§1.2 tomatoes row): fresh 0702 -> paste and preserves 2002.10/90, juice 2009.50
    # -> ketchup and sauces 2103.20, soups 2104 (extended column).
    Stage("tomatoes", ("0702",), ("tomatoes", "fresh tomatoes")),
    Stage("tomato paste", ("200210", "200290", "200950"), ("tomato paste", "tomato juice"),
          ("tomatoes",)),
    Stage("tomato products", ("210320", "2104"), ("ketchup", "tomato sauce"),
          ("tomato paste", "tomatoes")),
    # Aluminium (§1.2 aluminum row): 7601 unwrought (7601.20 alloys take silicon, §1.2 silica
    # extended column), 7602 scrap, 7603-7616 semi-finished and articles; alumina 2818.20 and
    # bauxite 2606 (UNVERIFIED there). ASSUMPTION: bauxite -> alumina -> aluminium (Bayer and
    # Hall-Heroult processes).
    Stage("bauxite", ("2606",), ("bauxite",)),
    Stage("alumina", ("281820",), ("alumina",), ("bauxite",)),
    Stage("aluminium scrap", ("7602",), ("aluminium scrap", "aluminum scrap")),
    Stage("aluminium", ("7601",), ("primary aluminium", "aluminium ingot", "aluminum ingot"),
          ("alumina", "aluminium scrap", "metallurgical silicon")),
    Stage("aluminium products", tuple(f"76{i:02d}" for i in range(3, 17)),
          ("aluminium foil", "aluminum foil", "aluminium profiles"), ("aluminium",)),
    # PVC (§1.2 PVC row): vinyl chloride 2903.21 -> PVC 3904.10/21/22 -> profiles, pipes,
    # flooring, sheet, builders' ware (extended column).
    Stage("vinyl chloride", ("290321",), ("vinyl chloride",)),
    Stage("pvc", ("390410", "390421", "390422"), ("pvc resin", "pvc"), ("vinyl chloride",)),
    Stage("pvc products", ("391620", "391723", "391810", "392043", "392049", "392112", "3925"),
          ("vinyl flooring", "pvc pipes", "pvc film"), ("pvc",)),
    # Copper (§1.2 copper row): ores 2603 -> matte 7401 -> anodes 7402 -> refined 7403 (and scrap
    # 7404) -> wire 7408, stranded wire 7413, insulated cable 8544 (extended column).
    Stage("copper ore", ("2603",), ("copper ore", "copper concentrate")),
    Stage("copper matte", ("7401",), ("copper matte",), ("copper ore",)),
    Stage("copper anodes", ("7402",), ("copper anodes",), ("copper matte",)),
    Stage("copper scrap", ("7404",), ("copper scrap",)),
    Stage("refined copper", ("7403",), ("copper cathodes", "refined copper"),
          ("copper anodes", "copper scrap")),
    Stage("copper products", ("7408", "7413", "8544"), ("copper wire", "cable"),
          ("refined copper",)),
    # Lithium (§1.2 lithium row): minerals 2530.90 (UNVERIFIED there) -> carbonate 2836.91,
    # hydroxide 2825.20, chloride 2827.39, metal 2805.19 -> Li-ion batteries 8507.60.
    Stage("lithium minerals", ("253090",), ("spodumene", "lepidolite")),
    Stage("lithium chemicals", ("283691", "282520", "282739", "280519"),
          ("lithium carbonate", "lithium hydroxide"), ("lithium minerals",)),
    Stage("lithium batteries", ("850760",), ("lithium-ion batteries", "li-ion batteries"),
          ("lithium chemicals",)),
    # Steel (§1.2 steel row): ferro-alloys 7202 -> ch. 72 iron and steel -> ch. 73 articles.
    Stage("ferro-alloys", ("7202",), ("ferro-alloys", "ferroalloys")),
    Stage("steel", ("72",), ("steel", "steel coil"), ("ferro-alloys", "metallurgical silicon")),
    Stage("steel articles", ("73",), ("steel pipes", "fasteners"), ("steel",)),
    # Seafood (§1.2 seafood row): ch. 03 (0302-0308) -> prepared 1604/1605 (extended column).
    Stage("seafood", ("0302", "0303", "0304", "0305", "0306", "0307", "0308"),
          ("fish", "seafood", "shrimp")),
    Stage("prepared seafood", ("1604", "1605"), ("canned fish", "fish fillets"), ("seafood",)),
    # Red dates (§1.2): dried 0813.40 (0813.4030 in China's tariff) -> prepared fruit 2008
    # (UNVERIFIED there).
    Stage("red dates", ("081340",), ("red dates", "jujube", "jujubes")),
    Stage("prepared fruit", ("2008",), ("prepared fruit",), ("red dates",)),
)  # fmt: skip


def _check(stages: tuple[Stage, ...]) -> None:
    names = {s.name for s in stages}
    for s in stages:
        missing = set(s.inputs) - names
        if missing:
            raise ValueError(f"stage {s.name!r} names unknown inputs {sorted(missing)}")


_check(STAGES)
_INDEX = {s.name: i for i, s in enumerate(STAGES)}


@lru_cache(maxsize=1)
def feeds_matrix() -> tuple[tuple[bool, ...], ...]:
    """``m[up][down]``: goods of stage ``up`` can go into goods of stage ``down``.

    Reflexive (resale, processing within a step) and transitive (inputs of inputs).
    """
    n = len(STAGES)
    m = [[i == j for j in range(n)] for i in range(n)]
    for j, s in enumerate(STAGES):
        for name in s.inputs:
            m[_INDEX[name]][j] = True
    for k in range(n):  # Warshall's transitive closure
        for i in range(n):
            if m[i][k]:
                for j in range(n):
                    if m[k][j]:
                        m[i][j] = True
    return tuple(tuple(row) for row in m)


def feeds(up: int, down: int) -> bool:
    """Whether goods of stage ``up`` can go into goods of stage ``down`` (unknown: yes)."""
    if up == UNKNOWN or down == UNKNOWN:
        return True
    return feeds_matrix()[up][down]


@lru_cache(maxsize=1)
def _prefixes() -> tuple[tuple[str, int], ...]:
    pairs = [(p, i) for i, s in enumerate(STAGES) for p in s.hs]
    return tuple(sorted(pairs, key=lambda x: -len(x[0])))  # longest prefix first


@lru_cache(maxsize=1)
def _words() -> dict[str, int]:
    return {w: i for i, s in enumerate(STAGES) for w in s.words}


_TOKEN = re.compile(r"[a-z][a-z\-]*")


@lru_cache(maxsize=65_536)
def stage_of(hs_code: str, product: str) -> int:
    """The stage of a link's goods: by HS code (longest prefix), else by product words, else -1.

    Words: the rightmost known phrase of the product text wins (English puts the head noun
    last), so "cotton yarn" is yarn and "seed cotton" raw cotton. A phrase table, not a parser:
    HS codes are the precise way.
    """
    digits = hs_digits(hs_code)
    if digits:
        for prefix, index in _prefixes():
            if digits.startswith(prefix):
                return index
    words = _TOKEN.findall(product.casefold())
    table = _words()
    best, at = UNKNOWN, -1
    for size in (3, 2, 1):
        for i in range(len(words) - size + 1):
            phrase = " ".join(words[i : i + size])
            end = i + size
            if phrase in table and end > at:
                best, at = table[phrase], end
    return best


def stage_name(index: int) -> str:
    return STAGES[index].name if index != UNKNOWN else "unknown"
