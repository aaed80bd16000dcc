"""`perennial trust`: the metrics run on files, as the evaluation scripts call them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from api.cli import app

ROOT = Path(__file__).resolve().parents[2]

CERTS = """\
# giver,recipient,Level
seed,a,Master
a,b,Journeyer
b,c,apprentice   # weakest link
x,y,Master
y,seed,Master
"""


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(app, ["trust", *map(str, args)])


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_advogato_writes_each_accepted_user_with_their_level(tmp_path: Path) -> None:
    out = tmp_path / "levels.csv"

    result = run("advogato", "--certs", write(tmp_path, "certs.csv", CERTS), "--seeds", "seed", "--out", out)

    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == "a,Master\nb,Journeyer\nc,Apprentice\nseed,Master\n"
    assert f"4 accepted users written to {out}" in result.stdout


def test_advogato_accepts_several_seeds_with_spaces(tmp_path: Path) -> None:
    out = tmp_path / "levels.csv"

    result = run(
        "advogato", "--certs", write(tmp_path, "c.csv", CERTS), "--seeds", " seed , x ,", "--out", out
    )

    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == (
        "a,Master\nb,Journeyer\nc,Apprentice\nseed,Master\nx,Master\ny,Master\n"
    )


@pytest.mark.parametrize(("capacities", "accepted"), [("3,1", 3), ("5,1", 5), ("1", 1), ("800,200", 6)])
def test_advogato_honours_the_capacities(tmp_path: Path, capacities: str, accepted: int) -> None:
    certs = write(tmp_path, "star.csv", "".join(f"seed,u{i},Master\n" for i in range(5)))
    out = tmp_path / "levels.csv"

    result = run("advogato", "--certs", certs, "--seeds", "seed", "--out", out, "--capacities", capacities)

    assert result.exit_code == 0, result.output
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == accepted
    assert "seed,Master" in lines
    assert all(line.endswith(",Master") for line in lines)


def test_advogato_reports_every_malformed_line_by_number(tmp_path: Path) -> None:
    certs = write(tmp_path, "bad.csv", "# header\nseed,a,Master\nseed,a\n\nseed,b,Wizard\n,c,Master\n")
    out = tmp_path / "levels.csv"

    result = run("advogato", "--certs", certs, "--seeds", "seed", "--out", out)

    assert result.exit_code == 2
    assert f"{certs}: 3 malformed line(s):" in result.stderr
    for number in (3, 5, 6):
        assert f"line {number}: " in result.stderr
    assert "line 2:" not in result.stderr
    assert not out.exists()


@pytest.mark.parametrize("seeds", ["ghost", "seed,ghost"])
def test_advogato_names_an_unknown_seed(tmp_path: Path, seeds: str) -> None:
    out = tmp_path / "levels.csv"

    result = run("advogato", "--certs", write(tmp_path, "c.csv", CERTS), "--seeds", seeds, "--out", out)

    assert result.exit_code == 2
    assert "unknown seed(s), in no certificate or edge: ghost" in result.stderr
    assert not out.exists()


@pytest.mark.parametrize("capacities", ["0", "800,0", "800,-1", "", "a,b", "800,,1", "1.5"])
def test_advogato_refuses_bad_capacities(tmp_path: Path, capacities: str) -> None:
    out = tmp_path / "levels.csv"

    certs = write(tmp_path, "c.csv", CERTS)

    result = run("advogato", "--certs", certs, "--seeds", "seed", "--out", out, "--capacities", capacities)

    assert result.exit_code == 2
    assert result.stderr.startswith("--capacities: ")
    assert "800,200,200,50,12,4,2,1" in result.stderr
    assert not out.exists()


def test_a_missing_file_exits_two_naming_it(tmp_path: Path) -> None:
    missing = tmp_path / "nope.csv"

    result = run("advogato", "--certs", missing, "--seeds", "seed", "--out", tmp_path / "o.csv")

    assert result.exit_code == 2
    assert f"{missing}: cannot be read" in result.stderr


EDGES = """\
# source,target[,weight]
s,a,3
s,b
a,c
"""


def test_rank_writes_every_node_with_its_score_highest_first(tmp_path: Path) -> None:
    out = tmp_path / "scores.csv"

    result = run("rank", "--edges", write(tmp_path, "edges.csv", EDGES), "--seeds", "s", "--out", out)

    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == "s,0.25\nb,0.1875\nc,0.1875\na,0.125\n"
    assert f"4 scores written to {out}" in result.stdout


def test_rank_writes_zero_for_nodes_the_seeds_never_reach(tmp_path: Path) -> None:
    out = tmp_path / "scores.csv"
    edges = write(tmp_path, "edges.csv", EDGES + "x,y,2\ny,s\n")

    result = run("rank", "--edges", edges, "--seeds", "s", "--out", out)

    assert result.exit_code == 0, result.output
    rows = [line.split(",") for line in out.read_text(encoding="utf-8").splitlines()]
    assert {name for name, _ in rows[:4]} == {"s", "a", "b", "c"}
    assert all(float(score) > 0 for _, score in rows[:4])
    assert rows[4:] == [["x", "0"], ["y", "0"]]


def test_rank_reports_every_malformed_line_by_number(tmp_path: Path) -> None:
    edges = write(tmp_path, "edges.csv", "s,a\ns,b,0\ns,c,heavy\n# fine\ns,d,-1\ns\ns,e,inf\n")
    out = tmp_path / "scores.csv"

    result = run("rank", "--edges", edges, "--seeds", "s", "--out", out)

    assert result.exit_code == 2
    assert f"{edges}: 5 malformed line(s):" in result.stderr
    for number in (2, 3, 5, 6, 7):
        assert f"line {number}: " in result.stderr
    assert not out.exists()


def test_rank_names_an_unknown_seed(tmp_path: Path) -> None:
    out = tmp_path / "scores.csv"

    result = run("rank", "--edges", write(tmp_path, "e.csv", EDGES), "--seeds", "s,ghost", "--out", out)

    assert result.exit_code == 2
    assert "unknown seed(s), in no certificate or edge: ghost" in result.stderr
    assert not out.exists()


def test_the_perennial_command_runs_advogato_as_a_module(tmp_path: Path) -> None:
    certs, out = write(tmp_path, "certs.csv", CERTS), tmp_path / "levels.csv"
    command = [sys.executable, "-m", "api.cli", "trust", "advogato", "--certs", str(certs), "--seeds", "seed"]

    done = subprocess.run(
        [*command, "--out", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )

    assert done.returncode == 0, done.stderr
    assert out.read_text(encoding="utf-8") == "a,Master\nb,Journeyer\nc,Apprentice\nseed,Master\n"

    failed = subprocess.run(
        [*command[:-1], "nobody", "--out", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=120
    )

    assert failed.returncode == 2
    assert "unknown seed(s), in no certificate or edge: nobody" in failed.stderr
