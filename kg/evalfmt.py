"""Render the GSAP scorer's JSON (stdin) as a table: ours against the peer model, per type."""
from __future__ import annotations

import json
import sys


def main() -> None:
    res = json.load(sys.stdin)
    print(f"{'':8s} {'ours P':>7s} {'R':>6s} {'F1':>6s}   {'peer P':>7s} {'R':>6s} {'F1':>6s}")
    for kind in ("Model", "Data", "all"):
        o, p = res["ours"].get(kind, {}), res["peer"].get(kind, {})
        print(f"{kind:8s} {o.get('precision', 0):7.3f} {o.get('recall', 0):6.3f} {o.get('f1', 0):6.3f}   "
              f"{p.get('precision', 0):7.3f} {p.get('recall', 0):6.3f} {p.get('f1', 0):6.3f}")
    print(f"papers in graph: {res['papers_in_graph']} / {res['paragraphs']}")


if __name__ == "__main__":
    main()
