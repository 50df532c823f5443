"""A legal form written before the name (names/org_forms.py ``form_first``): the order of
Russian and other names, not of a Chinese company's English name. Names are entries of the
restricted-party snapshot (``sources/watchlists/restricted_party_lists_snapshot_2026-07-16.json``)
and of the bundled lists."""

from __future__ import annotations

import pytest

from sourcetrace.names.org_forms import form_first


@pytest.mark.parametrize(
    "name",
    ["JSC Integral", "LIMITED LIABILITY COMPANY VECTOR", "JOINT STOCK COMPANY COMPEL", "AO SPARK"],
)
def test_a_form_before_the_name_is_read_as_first(name: str) -> None:
    assert form_first(name)


@pytest.mark.parametrize(
    "name",
    [
        "Camel Group Co., Ltd.",
        "APPARATUS DEVELOPMENT JOINT STOCK COMPANY",
        "Xinjiang Zhongtai Chemical Co. Ltd.",
        # No legal form at all.
        "COSMOS",
    ],
)
def test_a_form_at_the_end_or_none_is_not_first(name: str) -> None:
    assert not form_first(name)
