"""Peer benchmark (issue 14 item 5): runs the sarcoma guideline's status
logic in DuckDB (sarcoma.sql) or polars (sarcoma_polars.py) over a cohort,
converts a cohort CSV to Parquet, and checks that the peers agree with
`cairn batch` row for row. Driven by benches/peers/run.sh.

    peers.py convert COHORT.csv COHORT.parquet
    peers.py duckdb  COHORT.(csv|parquet) OUT.csv [--sql FILE]
    peers.py polars  COHORT.(csv|parquet) OUT.csv
    peers.py check   COHORT.csv CAIRN.csv PEER.csv [PEER.csv ...]
    peers.py startup duckdb|polars  (only imports the engine: start-up time)
    peers.py summary ROWS TIMES     (lines of `name round microseconds peak_kB`)

Each peer writes one CSV row per case, in input order, with one status
column per recommendation, as `cairn batch --format csv` does after its
`line` and `name` columns. Threads: 2 for DuckDB (`SET threads`), and
`POLARS_MAX_THREADS` (run.sh sets 2) for polars.
"""

import csv
import os
import sys
from pathlib import Path

from cohort_schema import header, kind

HERE = Path(__file__).resolve().parent
THREADS = int(os.environ.get("PEERS_THREADS", "2"))


def duckdb_source(path):
    """The DuckDB table function that reads a cohort, typed as declared."""
    if path.endswith(".parquet"):
        return f"read_parquet('{path}')"
    types = {
        "bool": "BOOLEAN", "enum": "VARCHAR", "integer": "INTEGER",
        "quantity": "DOUBLE", "date": "DATE",
    }
    columns = ", ".join(f"'{name}': '{types[kind(name)]}'" for name in header(path))
    return f"read_csv('{path}', header = true, columns = {{{columns}}})"


def connect():
    import duckdb

    con = duckdb.connect()
    con.execute(f"SET threads = {THREADS}")
    return con


def convert(src, dst):
    """Converts a cohort CSV to Parquet once, with DuckDB, typed columns."""
    con = connect()
    con.execute(f"COPY (SELECT * FROM {duckdb_source(src)}) TO '{dst}' (FORMAT parquet)")


def run_duckdb(src, out, sql=HERE / "sarcoma.sql"):
    con = connect()
    con.execute(f"CREATE VIEW cohort AS SELECT * FROM {duckdb_source(src)}")
    con.execute(Path(sql).read_text(encoding="utf-8"))
    con.execute(f"COPY (SELECT * FROM statuses) TO '{out}' (FORMAT csv, HEADER)")


def run_polars(src, out):
    import polars as pl

    import sarcoma_polars

    if src.endswith(".parquet"):
        lf = pl.scan_parquet(src)
    else:
        lf = pl.scan_csv(src, schema=sarcoma_polars.schema(header(src)))
    sarcoma_polars.statuses(lf).sink_csv(out)


def check(cohort, cairn, peers):
    """Exits 1 with the first row on which a peer and `cairn batch` differ.

    A peer output that starts with `cairn batch`'s `line` (or, from Parquet,
    `row`) and `name` columns
    (`cairn batch` from Parquet) is compared on its statuses too."""
    files = [open(p, encoding="utf-8", newline="") for p in [cohort, cairn, *peers]]
    facts, ours, *theirs = (f.readline().rstrip("\n").split(",") for f in files)
    recs = ours[2:]
    skip = [2 if head[:2] in (["line", "name"], ["row", "name"]) else 0 for head in theirs]
    for path, head, k in zip(peers, theirs, skip):
        if head[k:] != recs:
            sys.exit(f"peers: {path}: columns differ from cairn batch's:\n  {head}\n  {recs}")
    rows = 0
    for lines in zip(*files):
        line, _name, ours_row = lines[1].rstrip("\n").split(",", 2)
        rows += 1
        if line != str(rows + 1):
            sys.exit(f"peers: cairn batch row {rows} is input line {line}, not {rows + 1}")
        for path, theirs_line, k in zip(peers, lines[2:], skip):
            statuses = theirs_line.rstrip("\n").split(",", k)[k] if k else theirs_line.rstrip("\n")
            if statuses != ours_row:
                report(rows + 1, facts, lines[0], recs, ours_row, path, statuses)
    extra = [p for p, f in zip([cohort, cairn, *peers], files) if f.readline()]
    if extra:
        sys.exit(f"peers: row counts differ after {rows} rows: {', '.join(map(str, extra))} go on")
    print(f"peers: {len(peers)} outputs agree with cairn batch from CSV on all {rows} rows "
          f"x {len(recs)} recommendations")


def report(line, facts, case, recs, ours, path, theirs):
    """The first differing status of a row, with the case's known facts."""
    a, b = ours.split(","), theirs.split(",")
    cells = next(csv.reader([case]))
    known = ", ".join(f"{k}={v}" for k, v in zip(facts, cells) if v)
    for rec, x, y in zip(recs, a, b):
        if x != y:
            sys.exit(f"peers: DISAGREEMENT at cohort line {line}, `{rec}`: cairn batch says "
                     f"{x}, {path} says {y}\n  case: {known}")
    sys.exit(f"peers: DISAGREEMENT at cohort line {line}: {path} has {len(b)} columns")


def summary(rows, times):
    """The timing table of run.sh: medians, cases/s, peak RSS, ratios."""
    from statistics import median

    runs = {}
    for entry in Path(times).read_text(encoding="utf-8").split("\n"):
        if entry:
            name, rnd, us, kb = entry.split()
            runs.setdefault(name, {})[rnd] = (int(us) / 1e6, int(kb) / 1024)
    base = runs["cairn-csv"]
    print(f"{'engine-input':<16} {'wall s (min to max)':>22} {'cases/s':>10} "
          f"{'peak RSS MB':>12} {'x cairn-csv':>12}")
    medians = {}
    for name, by_round in runs.items():
        walls = [w for w, _ in by_round.values()]
        ratio = median(w / base[r][0] for r, (w, _) in by_round.items())
        if not name.endswith("-startup"):
            medians[name] = median(walls)
        rate = "-" if name.endswith("-startup") else f"{rows / median(walls):,.0f}"
        print(f"{name:<16} {median(walls):>8.3f} ({min(walls):.3f} to {max(walls):.3f})"
              f" {rate:>10} {median(m for _, m in by_round.values()):>12.1f}"
              f" {ratio:>12.2f}")
    for fmt in ("csv", "parquet"):
        ours = f"cairn-{fmt}"
        if ours in medians:
            peers = [n for n in medians if n.endswith(f"-{fmt}") and n != ours]
            ahead = all(medians[ours] < medians[p] for p in peers)
            print(f"cairn batch from {fmt} ahead of {', '.join(peers)} (median wall): "
                  f"{'yes' if ahead else 'NO'}")


def main(argv):
    if len(argv) >= 3 and argv[0] == "convert":
        convert(argv[1], argv[2])
    elif len(argv) == 3 and argv[0] == "duckdb":
        run_duckdb(argv[1], argv[2])
    elif len(argv) == 5 and argv[0] == "duckdb" and argv[3] == "--sql":
        run_duckdb(argv[1], argv[2], argv[4])
    elif len(argv) == 3 and argv[0] == "polars":
        run_polars(argv[1], argv[2])
    elif len(argv) >= 4 and argv[0] == "check":
        check(argv[1], argv[2], argv[3:])
    elif argv == ["startup", "duckdb"]:
        connect()
    elif argv == ["startup", "polars"]:
        import polars  # noqa: F401
    elif len(argv) == 3 and argv[0] == "summary":
        summary(int(argv[1]), argv[2])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
