"""Named-query latency on a synthetic graph: the Oxigraph store vs rdflib's in-memory engine.

    .venv/bin/python scripts/bench_queries.py                      # ~1 million triples, both engines
    .venv/bin/python scripts/bench_queries.py --papers 500 --engines oxigraph

The graph is made by the real RDF writer (kg.graph) from synthetic extraction records: each paper
proposes a method, uses models and methods, evaluates on benchmarks, compares with a baseline,
mentions others, and reports results, with evidence for every edge (about 200 triples a paper).
Prints one line per query: median milliseconds over --repeat runs per engine, and the row count.
The goal (issue 4) is a median of at most 100 ms per named query on Oxigraph at a million triples.
"""
from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from kg.types import EntityType, Mention, Paper, PaperEntity, PaperExtraction, Relation, Result


def synthetic(n_papers: int, seed: int = 7) -> list[PaperExtraction]:
    rnd = random.Random(seed)
    methods = [f"Meth{i}" for i in range(n_papers // 20 + 20)]
    models = [f"Model{i}-{s}B" for i in range(n_papers // 40 + 10) for s in (7, 70)]
    benches = [f"Bench-{i}" for i in range(n_papers // 100 + 10)]
    out = []
    for i in range(n_papers):
        new = f"New{i}"
        used = rnd.sample(methods, 2)
        mods = rnd.sample(models, 2)
        evs = rnd.sample(benches, 3)
        base = rnd.choice(models)
        bg = rnd.sample(methods, 2)
        s1 = f"We propose {new}, a method built on {used[0]} and {used[1]}."
        s2 = f"We fine-tune {mods[0]} and {mods[1]} and evaluate on {evs[0]}, {evs[1]} and {evs[2]}."
        s3 = f"{new} outperforms {base} and reaches {rnd.randint(300, 990) / 10}% accuracy on {evs[0]}."
        s4 = f"Prior work used {bg[0]} or {bg[1]}."
        title = f"{new}: paper {i}"
        abstract = " ".join((s1, s2, s3, s4))
        text = f"{title}\n\n{abstract}"

        def ent(label, t, rel):
            pos = text.index(label, len(title))
            sent_start = text.rfind(". ", 0, pos) + 2 if text.rfind(". ", 0, pos) > len(title) else len(title) + 2
            sent_end = text.find(".", pos + len(label)) + 1
            return PaperEntity(label=label, type=t, relation=rel,
                               mentions=(Mention(label, pos, pos + len(label), sent_start, sent_end),))

        ents = [ent(new, EntityType.METHOD, Relation.PROPOSES)]
        ents += [ent(m, EntityType.METHOD, Relation.USES) for m in used]
        ents += [ent(m, EntityType.MODEL, Relation.USES) for m in mods]
        ents += [ent(b, EntityType.BENCHMARK, Relation.EVALUATES_ON) for b in evs]
        if base not in mods:
            ents.append(ent(base, EntityType.MODEL, Relation.COMPARES_WITH))
        ents += [ent(m, EntityType.METHOD, Relation.MENTIONS) for m in bg if m not in used]
        results = (Result(new, evs[0], "accuracy", rnd.randint(300, 990) / 10, "%"),
                   Result(mods[0], evs[1], "accuracy", rnd.randint(300, 990) / 10, "%"))
        out.append(PaperExtraction(paper=Paper(f"s{i}", title, abstract), entities=tuple(ents), results=results))
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--papers", type=int, default=5_000, help="synthetic papers (about 200 triples each)")
    ap.add_argument("--repeat", type=int, default=5, help="Oxigraph runs per query (the median is reported)")
    ap.add_argument("--rdflib-repeat", type=int, default=1, help="rdflib runs per query (it is much slower)")
    ap.add_argument("--engines", default="oxigraph,rdflib", help="comma-separated: oxigraph, rdflib")
    ap.add_argument("--json", dest="json_out", type=Path, help="also write the numbers here")
    args = ap.parse_args(argv)
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]

    import pyoxigraph as ox

    from kg.graph.canonical import canonicalise
    from kg.graph.rdf import triples
    from kg.namespaces import PREFIXES
    from kg.store import list_queries, load_store, render_query, run

    t0 = time.perf_counter()
    exs = synthetic(args.papers)
    table = canonicalise(exs)
    nt = "".join(f"{s.n3()} {p.n3()} {o.n3()} .\n" for s, p, o in triples(exs, table))
    n_triples = nt.count("\n")
    print(f"{args.papers} papers, {len(table)} entities, {n_triples} triples ({time.perf_counter() - t0:.1f} s)")
    params = {"model": "Model0-7B", "benchmark": "Bench-0", "entity": "Meth0"}

    timings: dict[str, dict[str, float]] = {}
    rows: dict[str, int] = {}
    with tempfile.TemporaryDirectory() as tmp:
        runners = {}
        if "oxigraph" in engines:
            t0 = time.perf_counter()
            store = ox.Store.read_only(str(load_store(nt, Path(tmp) / "store")))
            print(f"oxigraph: loaded in {time.perf_counter() - t0:.1f} s")
            runners["oxigraph"] = lambda text: len(run(store, text).rows)
        if "rdflib" in engines:
            from rdflib import Graph

            t0 = time.perf_counter()
            g = Graph()
            g.parse(data=nt, format="nt")
            print(f"rdflib: loaded in {time.perf_counter() - t0:.1f} s")
            ns = dict(PREFIXES)
            runners["rdflib"] = lambda text: len(list(g.query(text, initNs=ns)))
        for q in list_queries():
            text = render_query(q, {k: params[k] for k in q.params})
            for engine, fn in runners.items():
                times = []
                for _ in range(args.repeat if engine == "oxigraph" else args.rdflib_repeat):
                    t0 = time.perf_counter()
                    rows[q.name] = fn(text)
                    times.append((time.perf_counter() - t0) * 1000)
                timings.setdefault(q.name, {})[engine] = statistics.median(times)
            cells = "  ".join(f"{e} {timings[q.name][e]:9.1f} ms" for e in runners)
            print(f"{q.name:24} {cells}  ({rows[q.name]} rows)", flush=True)
    if args.json_out:
        args.json_out.write_text(json.dumps({"papers": args.papers, "triples": n_triples, "median_ms": timings,
                                             "rows": rows}, indent=1) + "\n")
    if "oxigraph" in engines:
        slow = [n for n, t in timings.items() if t["oxigraph"] > 100]
        print("goal (median <= 100 ms on Oxigraph): " + ("met" if not slow else "missed by " + ", ".join(slow)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
