"""Mass balance: output beyond inputs x yield is flagged; unknown inputs are not judged."""

from __future__ import annotations

from sourcetrace.graph.balance import DEFAULT_YIELDS, check_balance
from sourcetrace.graph.model import Basis
from tests.graph.chains import graph, node


def test_yarn_beyond_cotton_times_yield_is_flagged() -> None:
    g = graph(
        [
            ("Spinner Co", "Gin Co", "cotton", "5201", "1000", "kg", "observed"),
            ("Knitter Co", "Spinner Co", "yarn", "5205", "600", "kg", "observed"),
            ("Knitter Two Co", "Spinner Co", "yarn", "5205", "300", "kg", "inferred"),
        ]
    )
    (flag,) = check_balance(g)
    assert flag.node == node(g, "Spinner Co")
    assert (flag.product, flag.unit, flag.output, flag.allowed) == ("yarn", "kg", 900.0, 850.0)
    assert flag.basis is Basis.INFERRED
    assert "ships 900 kg of yarn" in flag.describe()


def test_within_yield_is_not_flagged_and_factors_are_configurable() -> None:
    g = graph(
        [
            ("Spinner Co", "Gin Co", "Cotton", "5201", "1000", "kg", "observed"),
            ("Knitter Co", "Spinner Co", "yarn", "5205", "800", "kg", "observed"),
        ]
    )
    assert check_balance(g) == []
    assert len(check_balance(g, {("cotton", "yarn"): 0.5})) == 1
    assert check_balance(g, {("cotton", "yarn"): 0.5}, tolerance=0.7) == []
    assert DEFAULT_YIELDS[("cotton", "yarn")] == 0.85


def test_resale_counts_at_factor_one() -> None:
    g = graph(
        [
            ("Trader Co", "Mill Co", "yarn", "5205", "100", "kg", "observed"),
            ("Knitter Co", "Trader Co", "yarn", "5205", "120", "kg", "declared"),
        ]
    )
    assert [(f.output, f.allowed) for f in check_balance(g)] == [(120.0, 100.0)]


def test_no_known_inputs_or_other_units_are_not_judged() -> None:
    g = graph(
        [
            ("Spinner Co", "Gin Co", "cotton", "5201", "1", "t", "observed"),  # tonnes, not kg
            ("Knitter Co", "Spinner Co", "yarn", "5205", "800", "kg", "observed"),
            ("Brand Ltd", "Farm Co", "cotton", "5201", "99", "kg", "observed"),  # farm: no inputs
        ]
    )
    assert check_balance(g) == []
