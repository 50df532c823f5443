"""What an analyst asks for to clear a finding: the documents, each with its public source.

The documents follow CBP's UFLPA guidance, which names two ways out of a detention: an
applicability review (route A: the goods are outside the UFLPA, no input from Xinjiang or from a
listed entity) and an exception to the rebuttable presumption (route B, UFLPA §3(b): the goods
are linked, and clear and convincing evidence shows no forced labour). Which documents apply
depends on the kind of risk, the goods (a cotton path is traced to the cotton's origin at bale
level, polysilicon to its quartz) and the route the risk took (a supply path asks for the
transaction records of each hop, an ownership path for the ownership records of the holding).

Every item cites the public document it comes from (:data:`SOURCES`), never a file of this
project. The wording is a short form for a report; the documents themselves are what an auditor
reads. Where CBP publications were read through law-firm or trade-press summaries, the citation
says so.
"""

from __future__ import annotations

from dataclasses import dataclass

from sourcetrace.graph import risks

OG = "CBP, UFLPA Operational Guidance for Importers (Publication 1793-0522, 13 Jun 2022)"
FAQ = "CBP, UFLPA FAQ and applicability-review best practices (23 Feb 2023)"
UFLPA = "Uyghur Forced Labor Prevention Act (Pub. L. 117-78), §3(b)"
COTTON_FAQ = "CBP, Xinjiang cotton and tomato WRO: frequently asked questions"
AUDIT = "CBP auditors' practice as reported by Trade Law Daily (29 Mar 2024)"
QUARTZ = "CBP requests to solar importers as reported by pv magazine (Jun 2022)"
ALUMINUM = "CBP requests for aluminium as reported by Miller & Chevalier (Jan 2023)"
SOURCES = (OG, FAQ, UFLPA, COTTON_FAQ, AUDIT, QUARTZ, ALUMINUM)
"""Every public source an item cites."""

SELF = "self"
SUPPLY = "supply"
OWNERSHIP = "ownership"
OWNERSHIP_SUPPLY = "ownership+supply"
ROUTES = (SELF, SUPPLY, OWNERSHIP, OWNERSHIP_SUPPLY)
"""How a risk reached the party: it is the risk source itself, along supply links, along
holdings, or along holdings and then supply links."""
MASS_BALANCE = "mass_balance"


@dataclass(frozen=True, slots=True)
class Item:
    """One document (or set of documents) to ask for, and the public source that names it."""

    text: str
    source: str

    def cited(self) -> str:
        return f"{self.text} [{self.source}]"


_LINKED = (  # route B: the goods are linked to Xinjiang or to a listed entity
    Item("clear and convincing evidence that the goods were not made wholly or in part with "
         "forced labour (exception to the rebuttable presumption)", UFLPA),
    Item("the due-diligence system: supplier engagement, supply-chain mapping, risk "
         "assessment", OG),
    Item("supply-chain tracing information and supply-chain management measures", OG),
    Item("complete answers to every CBP request for information", UFLPA),
)  # fmt: skip
_TRANSACTIONS = (  # route A: every component's origin, hop by hop
    Item("purchase orders, commercial invoices, packing lists and bills of lading for every "
         "hop of the path", FAQ),
    Item("each party's role, backed by documents, and a flow chart of the supply chain", FAQ),
    Item("contracts, proof of payment and proof of physical transfer of the raw materials", FAQ),
    Item("production records for each step, with the entities at each step", OG),
)  # fmt: skip
_OWNERSHIP = (
    Item("the ownership records of each holding on the path (the registry extract, "
         "shareholder register or annual report the link cites), and each party's role "
         "backed by documents", FAQ),
    Item("production and sourcing records of the owned company showing whether any input "
         "came from its owner", OG),
)  # fmt: skip
_SECTOR = {
    "cotton and cotton products": Item(
        "the cotton traced from its origin at bale level through every stage to the "
        "product: supplier list with names and addresses, numbered production flow chart, "
        "maps of each step's region", COTTON_FAQ),
    "tomatoes and downstream products": Item(
        "traceability documents back to the tomatoes' point of origin", COTTON_FAQ),
    "silica-based products (polysilicon)": Item(
        "documents back to the source of the quartz or quartzite used for the "
        "metallurgical-grade silicon", QUARTZ),
    "aluminum": Item(
        "the manufacturing process and where it was further manufactured, raw-material "
        "invoices, purchase orders, proof of payment, export documents", ALUMINUM),
}  # fmt: skip
_SECTOR["apparel"] = _SECTOR["cotton and cotton products"]  # garments are traced to their cotton
_BALANCE = (
    Item("production records and yields for the step", OG),
    Item("raw-material invoices and proof of payment showing the inputs", FAQ),
    Item("input quantities that make sense for the output", AUDIT),
)
_USCC = Item(
    "proof of where the party actually produces (a code registered in Xinjiang is a signal, "
    "not a location): production records for each step, with its sites", OG
)  # fmt: skip
_SELF_ROUTE_A = Item("or (route A) proof that none of the goods came from this party", FAQ)


def documents(kind: str, sector: str = "", route: str = SUPPLY) -> tuple[Item, ...]:
    """The documents that answer a finding of this risk ``kind`` about goods of ``sector``
    (a UFLPA high-priority sector, or "") that reached the party by ``route``."""
    if kind == MASS_BALANCE:
        return _BALANCE
    items: list[Item] = []
    if kind == risks.USCC_XINJIANG:
        items.append(_USCC)
    if route in (OWNERSHIP, OWNERSHIP_SUPPLY):
        items += _OWNERSHIP
    if route in (SUPPLY, OWNERSHIP_SUPPLY):
        items += _TRANSACTIONS
    if sector in _SECTOR and route != OWNERSHIP:
        items.append(_SECTOR[sector])
    if kind in (risks.LIST, risks.CBP_WRO, risks.XINJIANG):
        items += _LINKED
        if route == SELF:
            items.append(_SELF_ROUTE_A)
    elif route == SELF and kind != risks.USCC_XINJIANG:
        items += _TRANSACTIONS
    return tuple(dict.fromkeys(items))


def checklist_text(kind: str, sector: str = "", route: str = SUPPLY) -> str:
    """One cell: the documents, '; '-joined, each with its source in brackets."""
    return "; ".join(item.cited() for item in documents(kind, sector, route))
