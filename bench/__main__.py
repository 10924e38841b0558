"""List the benchmarks with the first line of each one's description."""

from __future__ import annotations

import ast
from pathlib import Path


def main() -> None:
    print("Benchmarks (run one with: make bench BENCH=<name> BENCH_ARGS='...'):")
    for path in sorted(Path(__file__).parent.glob("*.py")):
        if path.stem.startswith("_") or path.stem == "common":
            continue
        doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
        print(f"  {path.stem:<14} {doc.splitlines()[0] if doc else ''}")


if __name__ == "__main__":
    main()
