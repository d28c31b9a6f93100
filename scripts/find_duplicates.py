"""List the candidate duplicate pairs across kept datasets, with their scores and reasons.

    python -m scripts.find_duplicates "UCDP GED" "ACLED Pakistan" [shipped] [--report pairs.csv]
        [--km 25] [--days 1] [--min-score 0.6] [--database postgresql://reader@host/db]

Datasets are named as scripts.import_events keeps them, in the workspace (PKIR_WORKSPACE) or the
database (--database, else PKIR_DATABASE_URL); "shipped" names the curated events. Pairs already
reviewed on the Duplicates page say their decision. Exits 2 for a wrong argument or store, 0 otherwise.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from geo.duplicates import DEFAULT_DAYS, DEFAULT_KM, MIN_SCORE, candidate_pairs, pair_key, read_rows
from geo.store import open_queries, open_store
from geo.store.base import StoreError, problem_line
from geo.store.decisions import open_decisions

SHOWN = 20  # pairs printed; --report writes every one


def _args(argv):
    ap = argparse.ArgumentParser(
        prog="python -m scripts.find_duplicates",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ap.add_argument("datasets", nargs="+", metavar="DATASET", help="kept datasets by name; 'shipped' for ours")
    ap.add_argument("--report", type=Path, help="write every pair to this CSV file")
    ap.add_argument(
        "--database", metavar="URL", help="the team database (default: PKIR_DATABASE_URL, else the workspace)"
    )
    ap.add_argument("--km", type=float, default=DEFAULT_KM, help=f"farthest apart (default {DEFAULT_KM:g} km)")
    ap.add_argument("--days", type=int, default=DEFAULT_DAYS, help=f"most days apart (default {DEFAULT_DAYS})")
    ap.add_argument("--min-score", type=float, default=MIN_SCORE, help=f"lowest score listed (default {MIN_SCORE})")
    return ap.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _args(argv)
    names = list(dict.fromkeys(args.datasets))
    if len(names) < 2:
        print("name two datasets or more", file=sys.stderr)
        return 2
    if args.km <= 0 or args.days < 0:
        print("--km must be above 0 and --days 0 or more", file=sys.stderr)
        return 2
    try:
        store = open_store(args.database)
        missing = [n for n in names if n not in store.names()]
        if missing:
            print(
                f"no dataset named {', '.join(map(repr, missing))}; kept: {', '.join(store.names())}", file=sys.stderr
            )
            return 2
        frames = read_rows(open_queries(store, tuple(names)), names)
        decided = open_decisions(store).all()
    except (StoreError, OSError) as exc:
        print(problem_line(args.database or "the store", exc), file=sys.stderr)
        return 2
    pairs = candidate_pairs(frames, km=args.km, days=args.days, min_score=args.min_score)
    pairs["decision"] = [
        getattr(decided.get(pair_key(a, b)), "decision", "") for a, b in zip(pairs["id_a"], pairs["id_b"], strict=True)
    ]
    sizes = ", ".join(f"{n} {len(f):,}" for n, f in frames.items())
    within = f"within {args.km:g} km and {args.days} day(s), score ≥ {args.min_score:g}"
    print(f"{len(pairs):,} candidate pairs {within} ({sizes} located rows)")
    for row in pairs.head(SHOWN).itertuples(index=False):
        said = f" [{row.decision}]" if row.decision else ""
        print(f"{row.score:.2f}  {row.dataset_a}:{row.id_a}  {row.dataset_b}:{row.id_b}  {row.reasons}{said}")
    if len(pairs) > SHOWN:
        print(f"(the first {SHOWN} shown; --report FILE.csv lists every pair)")
    if args.report is not None:
        try:
            pairs.to_csv(args.report, index=False)
        except OSError as exc:
            print(f"{args.report}: cannot write the report ({exc.strerror or exc})", file=sys.stderr)
            return 2
        print(f"every pair: {args.report}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
