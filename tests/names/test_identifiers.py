from __future__ import annotations

import pytest

from sourcetrace.names import check_uscc


@pytest.mark.parametrize(
    "code",
    ["91350100M000100Y43", "91110000600037341L", "91110108551385082Q", "9111 0108 5513 8508 2q"],
)
def test_valid_codes_from_the_standard_and_real_registrations(code: str) -> None:
    assert check_uscc(code).valid


def test_worked_example_of_gb_32100_is_invalid() -> None:
    # The GB 32100-2015 reproduction gives ...Y4Z; the check character must be 3 (domain-facts §5).
    result = check_uscc("91350100M000100Y4Z")
    assert not result.valid


def test_wrong_check_character_names_the_expected_one() -> None:
    result = check_uscc("91110108551385082A")
    assert not result.valid and "expected Q" in result.problem


def test_xinjiang_region_is_a_signal() -> None:
    # Build a valid code with region 650100 by computing its check character.
    from sourcetrace.names.identifiers import _WEIGHTS, ALPHABET

    body = "91650100" + "MA7X2K9L" + "1"
    total = sum(ALPHABET.index(c) * w for c, w in zip(body, _WEIGHTS, strict=True))
    code = body + ALPHABET[(31 - total % 31) % 31]
    check = check_uscc(code)
    assert check.valid and check.region == "650100" and check.registered_in_xinjiang
    assert not check_uscc("91110108551385082Q").registered_in_xinjiang


def test_authorities_a_n_y_are_accepted() -> None:
    body = "N2110108" + "55138508" + "2"
    from sourcetrace.names.identifiers import _WEIGHTS, ALPHABET

    total = sum(ALPHABET.index(c) * w for c, w in zip(body, _WEIGHTS, strict=True))
    assert check_uscc(body + ALPHABET[(31 - total % 31) % 31]).valid


def test_checking_many_at_once_says_what_each_check_says() -> None:
    from sourcetrace.names.identifiers import check_usccs

    raws = [
        "91350100M000100Y43", "91110000600037341L", "9111 0108 5513 8508 2q",  # valid
        "91110108551385082A",  # wrong check character
        "91350100M000100Y4Z",  # the standard's worked example, invalid
        "9135010OM000100Y43",  # an O where digits go
        "91350100M000100Y4", "", "９１350100M000100Y43",  # too short, empty, full-width digits
        "91110000600037341L",  # again: one entry
    ]  # fmt: skip
    checked = check_usccs(raws)
    assert list(checked) == list(dict.fromkeys(raws))
    assert checked == {raw: check_uscc(raw) for raw in raws}
    assert [checked[r].valid for r in raws[:4]] == [True, True, True, False]
