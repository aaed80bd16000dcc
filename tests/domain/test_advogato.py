"""Levien's Advogato metric: levels, capacities by distance, flow only through accepted accounts."""

from __future__ import annotations

import itertools
from collections import deque

import networkx as nx
import numpy as np
import pytest

from domain.errors import InvalidField
from domain.trust.advogato import DEFAULT_CAPACITIES, Certificate, Level, trust_levels

A, J, M = Level.APPRENTICE, Level.JOURNEYER, Level.MASTER


def chain(*names: str, level: Level = M) -> list[Certificate]:
    return [Certificate(giver, recipient, level) for giver, recipient in itertools.pairwise(names)]


def test_a_chain_certified_at_master_is_master_throughout() -> None:
    held = trust_levels(chain("seed", "a", "b", "c"), ["seed"])

    assert held == {"seed": M, "a": M, "b": M, "c": M}


def test_a_level_follows_the_weakest_certificate_on_the_only_path() -> None:
    certs = [Certificate("seed", "a", M), Certificate("a", "b", J), Certificate("b", "c", A)]

    assert trust_levels(certs, ["seed"]) == {"seed": M, "a": M, "b": J, "c": A}


def test_a_master_certificate_from_an_apprentice_counts_only_at_apprentice() -> None:
    certs = [Certificate("seed", "a", A), Certificate("a", "b", M)]

    assert trust_levels(certs, ["seed"]) == {"seed": M, "a": A, "b": A}


def test_the_default_capacities_accept_a_chain_to_distance_seven_and_no_further() -> None:
    # Forwarded: 799, 199, 198, 49, 11, 3, 1, then n7 (capacity 1) absorbs its unit and passes none.
    names = [f"n{i}" for i in range(11)]

    held = trust_levels(chain(*names), ["n0"])

    assert sorted(held) == names[:8]


def test_capacities_beyond_the_table_take_its_last_value() -> None:
    # a forwards 2 of its many units, b (distance 2, capacity 3 from the last entry) forwards 1, c absorbs it.
    held = trust_levels(chain("s", "a", "b", "c", "d", "e"), ["s"], capacities=[100, 3])

    assert held == {"s": M, "a": M, "b": M, "c": M}


@pytest.mark.parametrize(("capacities", "accepted"), [([3, 1], 3), ([4, 1], 4), ([6, 1], 6), ([1], 1)])
def test_a_seeds_capacity_limits_how_many_it_can_accept(capacities: list[int], accepted: int) -> None:
    certs = [Certificate("seed", f"x{i}", M) for i in range(5)]

    held = trust_levels(certs, ["seed"], capacities)

    assert len(held) == accepted
    assert held["seed"] == M


def test_a_capacity_of_one_accepts_only_the_seeds() -> None:
    certs = chain("s", "a", "b") + chain("t", "c") + [Certificate("s", "t", M)]

    assert trust_levels(certs, ["s", "t"], capacities=[1]) == {"s": M, "t": M}


def test_accounts_unreachable_from_the_seeds_are_never_accepted() -> None:
    certs = chain("seed", "a") + chain("x", "y", "z") + [Certificate("y", "seed", M)]

    assert trust_levels(certs, ["seed"]) == {"seed": M, "a": M}


def test_self_certificates_are_ignored() -> None:
    base = chain("seed", "a", level=A) + chain("a", "b", level=J)
    selfies = [Certificate(n, n, M) for n in ("seed", "a", "b", "lone")]

    assert (
        trust_levels(base + selfies, ["seed"]) == trust_levels(base, ["seed"]) == {"seed": M, "a": A, "b": A}
    )


@pytest.mark.parametrize(("first", "last"), [(M, A), (A, M), (J, A), (M, J)])
def test_a_repeated_certificate_keeps_the_last_level_given(first: Level, last: Level) -> None:
    certs = [Certificate("seed", "a", first), Certificate("a", "b", M), Certificate("seed", "a", last)]

    assert trust_levels(certs, ["seed"]) == {"seed": M, "a": last, "b": last}


def test_an_account_keeps_its_unit_rather_than_passing_it_on() -> None:
    # The seed can forward one unit only; u must absorb it, so v (certified only by u) is not accepted.
    certs = chain("s", "u", "v")

    assert trust_levels(certs, ["s"], capacities=[2, 5, 5]) == {"s": M, "u": M}


def test_certificates_from_accounts_not_accepted_carry_no_weight() -> None:
    # The seed forwards one unit, so exactly one of a and b is accepted; each certifies a distinct account.
    certs = chain("s", "a", "x") + chain("s", "b", "y") + chain("x", "x2") + chain("y", "y2")

    held = trust_levels(certs, ["s"], capacities=[2, 5, 5])

    assert len(held) == 2
    assert set(held) in ({"s", "a"}, {"s", "b"})


def honest_region_to(depth: int) -> list[Certificate]:
    """Layers two wide from the seed `s`, ending in the single account `x` at distance `depth`."""
    certs, previous = [], ["s"]
    for k in range(1, depth):
        layer = [f"h{k}.{j}" for j in range(2)]
        certs += [Certificate(p, q, M) for p in previous for q in layer]
        previous = layer
    return certs + [Certificate(p, "x", M) for p in previous]


@pytest.mark.parametrize("distance", [1, 2, 3, 4])
def test_a_sybil_clique_gets_at_most_the_confused_accounts_capacity_less_one(distance: int) -> None:
    sybils = [f"sybil{i}" for i in range(200)]
    attack = [Certificate("x", s, M) for s in sybils]
    clique = [Certificate(a, b, M) for a in sybils for b in sybils if a != b]
    back = [Certificate(s, "s", M) for s in sybils]  # vouching for the seed earns the Sybils nothing

    held = trust_levels(honest_region_to(distance) + attack + clique + back, ["s"])

    bound = DEFAULT_CAPACITIES[distance] - 1
    accepted_sybils = {name: level for name, level in held.items() if name.startswith("sybil")}
    assert len(accepted_sybils) == bound  # the honest side feeds x enough that the bound is reached
    assert set(accepted_sybils.values()) == {M}
    assert {name for name in held if not name.startswith("sybil")} == {
        c.giver for c in honest_region_to(distance)
    } | {"x"}


def test_two_confused_accounts_let_in_at_most_the_sum_of_their_capacities_less_one() -> None:
    # x at distance 3 (capacity 50) and y at distance 4 (capacity 12) both certify the clique.
    honest = [*honest_region_to(3), Certificate("h2.0", "y0", M), Certificate("y0", "y", M)]
    sybils = [f"sybil{i}" for i in range(100)]
    attack = [Certificate(c, s, M) for c in ("x", "y") for s in sybils]
    clique = [Certificate(a, b, M) for a in sybils for b in sybils if a != b]

    held = trust_levels(honest + attack + clique, ["s"])

    assert sum(name.startswith("sybil") for name in held) == (50 - 1) + (12 - 1)


def distances(certs: list[Certificate], seeds: list[str]) -> dict[str, int]:
    out: dict[str, list[str]] = {}
    for c in certs:
        if c.giver != c.recipient:
            out.setdefault(c.giver, []).append(c.recipient)
    found, queue = dict.fromkeys(seeds, 0), deque(seeds)
    while queue:
        x = queue.popleft()
        for y in out.get(x, []):
            if y not in found:
                found[y] = found[x] + 1
                queue.append(y)
    return found


def levien_max_flow(certs: list[Certificate], seeds: list[str], capacities: tuple[int, ...]) -> int:
    """The value of Levien's flow network, built independently with networkx (edges without capacity are
    unbounded): every unit of flow ends on one account's sink edge, so it is the number to accept."""
    network = nx.DiGraph()
    for name, d in distances(certs, seeds).items():
        network.add_edge((name, "-"), (name, "+"), capacity=capacities[min(d, len(capacities) - 1)] - 1)
        network.add_edge((name, "-"), "sink", capacity=1)
    network.add_edges_from(("source", (s, "-")) for s in seeds)
    network.add_edges_from(
        ((c.giver, "+"), (c.recipient, "-"))
        for c in certs
        if (c.giver, "+") in network and c.giver != c.recipient
    )
    return int(nx.maximum_flow_value(network, "source", "sink"))


TABLES = (DEFAULT_CAPACITIES, (12, 4, 2, 1), (6, 3, 2, 1), (4, 2, 1))


def random_graph(seed: int) -> tuple[list[Certificate], list[str], tuple[int, ...]]:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(50, 201))
    m = int(rng.integers(n, 4 * n))
    pairs = zip(rng.integers(0, n, m), rng.integers(0, n, m), strict=True)
    certs = [Certificate(f"n{g}", f"n{r}", M) for g, r in pairs]
    givers = sorted({c.giver for c in certs if c.giver != c.recipient})
    seeds = [str(s) for s in rng.choice(givers, size=int(rng.integers(1, 4)), replace=False)]
    return certs, seeds, TABLES[seed % len(TABLES)]


@pytest.mark.parametrize("seed", range(20))
def test_random_graphs_accept_only_what_accepted_accounts_can_carry(seed: int) -> None:
    certs, seeds, capacities = random_graph(seed)
    accepted = set(trust_levels(certs, seeds, capacities))
    reach = distances(certs, seeds)

    assert set(seeds) <= accepted <= set(reach)
    assert len(accepted) <= len(seeds) * capacities[0]
    assert len(accepted) == levien_max_flow(certs, seeds, capacities)

    # Flow passes only through accepted accounts: the certificates among them alone carry them all.
    among = [c for c in certs if c.giver in accepted and c.recipient in accepted]
    assert {x: reach[x] for x in accepted} == {x: d for x, d in distances(among, seeds).items()}
    assert set(trust_levels(among, seeds, capacities)) == accepted

    # Dropping every certificate given by an unaccepted account accepts as many (ties may swap who).
    from_accepted = [c for c in certs if c.giver in accepted]
    assert len(trust_levels(from_accepted, seeds, capacities)) == len(accepted)


def test_random_graphs_do_saturate_some_accounts() -> None:
    # The property test above is only meaningful if some reachable accounts are turned away.
    turned_away = 0
    for seed in range(20):
        certs, seeds, capacities = random_graph(seed)
        turned_away += len(set(distances(certs, seeds)) - set(trust_levels(certs, seeds, capacities)))
    assert turned_away > 100


@pytest.mark.parametrize("seeds", [["ghost"], ["seed", "ghost"], ["lone"]])
def test_an_unknown_seed_is_named(seeds: list[str]) -> None:
    certs = [*chain("seed", "a"), Certificate("lone", "lone", M)]

    with pytest.raises(InvalidField) as raised:
        trust_levels(certs, seeds)

    assert raised.value.field == "seeds"
    assert raised.value.message == f"unknown seed(s), in no certificate or edge: {seeds[-1]}"


def test_no_seeds_is_refused() -> None:
    with pytest.raises(InvalidField, match="at least one seed"):
        trust_levels(chain("seed", "a"), [])


@pytest.mark.parametrize("capacities", [[], [0], [5, 0], [800, -1, 1]])
def test_capacities_that_are_not_all_positive_are_refused(capacities: list[int]) -> None:
    with pytest.raises(ValueError, match="capacities must be positive"):
        trust_levels(chain("seed", "a"), ["seed"], capacities)


@pytest.mark.parametrize(("capacities", "size"), [([2**27], 9), ([2**28], 9), ([2**31 - 1], 4), ([2**31], 2)])
def test_large_capacities_still_accept_the_whole_chain(capacities: list[int], size: int) -> None:
    # Every account is accepted whatever the capacities; their sum (past 2**31 in all but the first case)
    # must not overflow the 32-bit capacities that scipy's maximum_flow works in.
    names = [f"n{i}" for i in range(size)]

    assert sorted(trust_levels(chain(*names), ["n0"], capacities)) == names
