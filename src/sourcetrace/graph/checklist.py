"""Which documents clear a finding before US customs, by risk kind (CBP UFLPA guidance).

Source: sources/domain/domain-facts.md §2 (CBP Operational Guidance for Importers, 13 Jun 2022;
CBP FAQ of 23 Feb 2023; the Notice of Detention attachment). The lists are short forms of that
checklist for a report column; the full text there is what to give an analyst.

Route A (applicability review) shows the goods are outside the UFLPA; route B (exception) is for
goods that are Xinjiang- or Entity-List-linked and needs clear and convincing evidence.
"""

from __future__ import annotations

from sourcetrace.graph import risks

APPLICABILITY = (
    "POs, commercial invoices, packing lists, bills of lading for every component",
    "every party's role with documents, and a supply-chain flow chart",
    "contracts, proof of payment and of physical transfer for raw materials",
    "production records for each step, with the entities at each step",
    "supply-chain map traced back to raw material",
    "English translations, executive summary and index",
)
EXCEPTION = (
    "route B exception: clear and convincing evidence of no forced labour",
    "due-diligence system (supplier engagement, supply-chain mapping, risk assessment)",
    "supply-chain tracing information and management measures",
    "complete answers to every CBP request for information",
)
COTTON = (
    "cotton traced at bale level through every stage, supplier list with addresses, "
    "numbered flow chart, maps of each step's region"
)
SECTOR_EXTRAS = {
    "cotton and cotton products": COTTON,
    "apparel": COTTON,
    "tomatoes and downstream products": "traceability documents back to the point of origin",
    "silica-based products (polysilicon)": (
        "documents back to the source of the quartz/quartzite used for metallurgical-grade silicon"
    ),
    "aluminum": (
        "manufacturing process, where further manufactured, raw-material invoices, POs, "
        "proof of payment, export documents"
    ),
}
BALANCE = (
    "production records and yields for the step",
    "raw-material invoices and proof of payment showing the inputs",
    "input quantities that make sense for the output (CBP auditors check this)",
)


def documents(kind: str, sector: str = "") -> tuple[str, ...]:
    """The documents that answer one finding of this risk kind (and sector, if goods-borne)."""
    docs: tuple[str, ...]
    if kind in (risks.LIST, risks.CBP_WRO, risks.XINJIANG):
        docs = EXCEPTION + ("or, route A, proof that no input came from this party",)
    elif kind == risks.USCC_XINJIANG:
        docs = (
            "proof of where the party actually produces (registration is a signal only)",
            *APPLICABILITY,
        )
    elif kind == "mass_balance":
        docs = BALANCE
    else:
        docs = APPLICABILITY
    extra = SECTOR_EXTRAS.get(sector)
    return (*docs, extra) if extra else docs


def checklist_text(kind: str, sector: str = "") -> str:
    """One cell: the documents as a '; '-joined list, citing the source."""
    return "; ".join(documents(kind, sector)) + " (CBP UFLPA guidance, domain-facts §2)"
