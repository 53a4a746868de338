"""``python -m knowledge.generate``: re-render the generated blocks of the trader docs
from the code; ``--check`` only reports stale blocks and exits 1 if there are any."""

from __future__ import annotations

import argparse
import sys

from knowledge._generated import render_docs, stale_blocks


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m knowledge.generate", description=__doc__)
    parser.add_argument("--check", action="store_true", help="report blocks that differ from the code; change nothing")
    args = parser.parse_args(argv)
    if args.check:
        stale = stale_blocks()
        for block in stale:
            print(f"stale: {block.doc} generated:{block.name}")
        return 1 if stale else 0
    for doc in render_docs():
        print(f"updated {doc}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
