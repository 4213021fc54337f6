"""Shared fixtures: the repository's guidelines and the `cairn` binary.

The Python package is tested against the command line: the binary comes from
``CAIRN_BIN``, else the workspace's ``target/debug/cairn`` (built by ``cargo
test`` in CI), else ``target/release/cairn``.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import List, Sequence, Tuple

import pytest

ROOT = Path(__file__).resolve().parents[2]
GUIDELINES = ROOT / "guidelines"
SARCOMA = GUIDELINES / "rps" / "initial-management.cairn"


def cairn_bin() -> Path:
    env = os.environ.get("CAIRN_BIN")
    if env:
        return Path(env)
    for profile in ("debug", "release"):
        path = ROOT / "target" / profile / "cairn"
        if path.exists():
            return path
    raise RuntimeError("no cairn binary: run `cargo build` or set CAIRN_BIN")


def run_cli(args: Sequence[str], check: bool = True) -> subprocess.CompletedProcess:
    """Runs the cairn binary from the repository's root."""
    done = subprocess.run(
        [str(cairn_bin()), *args], cwd=ROOT, capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1"}
    )
    if check and done.returncode != 0:
        raise AssertionError(f"cairn {' '.join(args)} exited {done.returncode}:\n{done.stderr}")
    return done


def guideline_of(case: Path) -> Path:
    """The guideline a golden case runs against: the one `.cairn` file beside its `cases/` folder."""
    found = sorted(case.parent.parent.glob("*.cairn"))
    assert len(found) == 1, f"{case}: expected one guideline, found {found}"
    return found[0]


def golden_cases() -> List[Path]:
    """Every golden case of the repository, as `cairn test guidelines` finds them."""
    cases = []
    for path in sorted(GUIDELINES.glob("*/cases/*.json")):
        if "expect" in json.loads(path.read_text()):
            cases.append(path)
    return cases


@pytest.fixture(scope="session")
def cohort_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A sarcoma cohort of 3,000 rows from `cairn cohort` (every status reached)."""
    path = tmp_path_factory.mktemp("cohort") / "cohort.csv"
    path.write_text(run_cli(["cohort", str(SARCOMA), "-n", "3000"]).stdout)
    return path


def batch_statuses(guideline: Path, cohort: Path) -> Tuple[List[str], List[List[str]]]:
    """`cairn batch --format csv`: the recommendation ids and each row's statuses."""
    out = run_cli(["batch", str(guideline), str(cohort), "--format", "csv", "--threads", "1"]).stdout
    lines = out.splitlines()
    ids = lines[0].split(",")[2:]
    rows = [line.split(",")[2:] for line in lines[1:]]
    return ids, rows


def read_cohort(path: Path):
    """A cohort CSV as a pyarrow table; an empty cell is null (unknown), as in `cairn batch`."""
    import pyarrow.csv as pacsv

    return pacsv.read_csv(path, convert_options=pacsv.ConvertOptions(strings_can_be_null=True))
