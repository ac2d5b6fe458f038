"""Named-query latency on a graph of about a million triples: Oxigraph store and rdflib, side by side.

Builds (or reuses, with --work DIR) a graph from synthetic abstracts (benchmarks/generate.py; 7,300
abstracts give about 1.0 million triples with one evidence annotation per edge; 6,000 did with
two), then times every named query of ontology/queries/ (or of --queries-dir) on

- Oxigraph: the on-disk store of the build (`store/`), as `kg query` and `kg serve` use it. "first"
  is the first run on a freshly opened store handle, the open included (what one `kg query` call
  pays, less the Python start-up); the median, min and max are over --runs runs on that handle.
- Oxigraph in memory (--in-memory, on by default): the same triples loaded into an in-memory store,
  as `kg serve --in-memory` holds them.
- rdflib: an in-memory `rdflib.Graph` parsed from graph.nt, in a worker process. Each query runs in
  a forked child that is killed after --rdflib-timeout seconds per run, reported as "> N s"; a
  query stops after the run that takes its total past --rdflib-budget seconds (runs are counted).

Every query's rows are compared between the engines (values normalised as tests/test_queries.py
does: decimals by value, " | "-joined lists as sets). Results go to a Markdown file and a JSON file.

    python benchmarks/queries.py                          # build 7,300 abstracts in a temp folder
    python benchmarks/queries.py --work /tmp/qbench       # build there once, reuse it next time
    python benchmarks/queries.py --work /tmp/qbench --queries-dir /tmp/old-queries --label before
"""
from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kg.store import comparable  # noqa: E402

# Parameters of the parameterised queries on the synthetic corpus (names the generator keeps, so
# each answer is non-empty); a query not listed here runs with its `# example:` parameters.
PARAMS: dict[str, dict[str, str]] = {
    "model-on-benchmark": {"model": "DeepSeek-R1", "benchmark": "MATH-500"},
    "papers-for-entity": {"entity": "GRPO"},
    "results-for-benchmark": {"benchmark": "MATH-500"},
}


# ---------------------------------------------------------------- the graph


def ensure_graph(work: Path, n: int, seed: int) -> Path:
    """WORK/kg: a build of `n` synthetic abstracts (graph.nt + store/), made unless already there."""
    out = work / "kg"
    if (out / "graph.nt").is_file() and (out / "store").is_dir():
        print(f"reusing {out}", file=sys.stderr)
        return out
    work.mkdir(parents=True, exist_ok=True)
    src = work / f"papers-{n}.jsonl"
    if not src.is_file():
        from benchmarks.generate import write
        print(f"generating {n} abstracts -> {src}", file=sys.stderr)
        write(n, src, seed=seed)
    kg = Path(sys.executable).with_name("kg")
    cmd = [str(kg)] if kg.exists() else [sys.executable, "-c", "from kg.cli import main; main()"]
    cmd += ["build", str(src), "-o", str(out), "--formats", "nt,store", "--no-cache", "-q"]
    print("building:", " ".join(cmd), file=sys.stderr)
    t = time.perf_counter()
    subprocess.run(cmd, check=True)
    print(f"built in {time.perf_counter() - t:.0f} s", file=sys.stderr)
    return out


def count_triples(nt: Path) -> int:
    with open(nt, "rb") as f:
        return sum(1 for line in f if line.strip() and not line.startswith(b"#"))


# ---------------------------------------------------------------- rows


def norm_rows(rows) -> list[list]:
    return [[comparable(v) for v in r] for r in rows]


def compare(a: list[list], b: list[list]) -> str:
    """'same', 'same rows, other order' (ties sorted otherwise) or 'differ'."""
    if a == b:
        return "same"
    key = lambda r: [repr(x) for x in r]  # noqa: E731
    if sorted(a, key=key) == sorted(b, key=key):
        return "same rows, other order"
    return "differ"


def _stats(ts: list[float]) -> dict:
    return {"median_ms": statistics.median(ts), "min_ms": min(ts), "max_ms": max(ts), "runs": len(ts)}


# ---------------------------------------------------------------- Oxigraph


def bench_oxigraph(store_dir: Path, queries: list[tuple[str, str]], runs: int) -> dict:
    import pyoxigraph as ox

    from kg.store import run

    out = {}
    for name, text in queries:
        t = time.perf_counter()
        s = ox.Store.read_only(str(store_dir))
        res = run(s, text)
        first = (time.perf_counter() - t) * 1000
        ts = []
        for _ in range(runs):
            t = time.perf_counter()
            run(s, text)
            ts.append((time.perf_counter() - t) * 1000)
        del s
        out[name] = {"first_ms": first, **_stats(ts), "rows": len(res.rows), "_rows": norm_rows(res.rows)}
        print(f"  oxigraph  {name:24s} first {first:8.1f}  median {out[name]['median_ms']:8.1f} ms  "
              f"({len(res.rows)} rows)", file=sys.stderr)
    return out


def bench_oxigraph_memory(nt: Path, queries: list[tuple[str, str]], runs: int) -> dict:
    import pyoxigraph as ox

    from kg.store import run

    t = time.perf_counter()
    s = ox.Store()
    s.bulk_load(path=str(nt), format=ox.RdfFormat.N_TRIPLES)
    load = time.perf_counter() - t
    out = {"_load_s": load}
    for name, text in queries:
        res = run(s, text)
        ts = []
        for _ in range(runs):
            t = time.perf_counter()
            run(s, text)
            ts.append((time.perf_counter() - t) * 1000)
        out[name] = {**_stats(ts), "rows": len(res.rows), "_rows": norm_rows(res.rows)}
        print(f"  oxi-mem   {name:24s} median {out[name]['median_ms']:8.1f} ms", file=sys.stderr)
    return out


# ---------------------------------------------------------------- rdflib (worker process)

_GRAPH = None


def _rdflib_child(text: str, runs: int, budget: float, conn) -> None:
    """Run one query up to `runs` times in a forked child; send ('run', ms[, rows]) per run."""
    from kg.namespaces import PREFIXES

    ns = {p: n for p, n in PREFIXES.items()}
    spent = 0.0
    for i in range(runs):
        t = time.perf_counter()
        rows = [list(r) for r in _GRAPH.query(text, initNs=ns)]
        ms = (time.perf_counter() - t) * 1000
        spent += ms / 1000
        conn.send(("run", ms, norm_rows(rows) if i == 0 else None))
        if spent > budget:
            break
    conn.send(("done", None, None))


def rdflib_worker(nt: str, qfile: str, outfile: str, runs: int, timeout: float, budget: float) -> None:
    global _GRAPH
    from rdflib import Graph

    queries = json.loads(Path(qfile).read_text())
    t = time.perf_counter()
    _GRAPH = Graph()
    _GRAPH.parse(nt, format="nt")
    out: dict = {"_load_s": time.perf_counter() - t, "_triples": len(_GRAPH)}
    print(f"  rdflib loaded {len(_GRAPH):,} triples in {out['_load_s']:.0f} s", file=sys.stderr)
    ctx = mp.get_context("fork")
    for name, text in queries:
        parent, child = ctx.Pipe(duplex=False)
        p = ctx.Process(target=_rdflib_child, args=(text, runs, budget, child), daemon=True)
        p.start()
        child.close()
        ts, rows, timed_out = [], None, False
        while True:
            if not parent.poll(timeout):
                timed_out = True
                break
            try:
                kind, ms, r = parent.recv()
            except EOFError:
                break
            if kind == "done":
                break
            ts.append(ms)
            if r is not None:
                rows = r
        if p.is_alive():
            p.kill()
        p.join()
        res = {"timeout_s": timeout, "timed_out": timed_out}
        if ts:
            res.update(_stats(ts))
            res["rows"] = len(rows)
            res["_rows"] = rows
        out[name] = res
        shown = f"median {res['median_ms']:8.1f} ms" if ts else f"> {timeout:g} s"
        print(f"  rdflib    {name:24s} {shown}{' (then timed out)' if ts and timed_out else ''}", file=sys.stderr)
        Path(outfile).write_text(json.dumps(out, default=str))
    Path(outfile).write_text(json.dumps(out, default=str))


def bench_rdflib(nt: Path, queries: list[tuple[str, str]], runs: int, timeout: float, budget: float) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        qf, of = Path(tmp) / "q.json", Path(tmp) / "out.json"
        qf.write_text(json.dumps(queries))
        subprocess.run([sys.executable, __file__, "--rdflib-worker", str(nt), str(qf), str(of),
                        str(runs), str(timeout), str(budget)], check=True)
        out = json.loads(of.read_text())
    # rows came back through JSON: Decimals as strings, lists for tuples; normalise again
    for v in out.values():
        if isinstance(v, dict) and v.get("_rows") is not None:
            v["_rows"] = [[comparable(x) if not isinstance(x, list) else tuple(x) for x in r] for r in v["_rows"]]
    return out


# ---------------------------------------------------------------- report


NOTES = """## Notes

- Where the time goes on Oxigraph's on-disk store: every index look-up is a RocksDB seek (about
  10-15 µs here), and every string in an answer that is longer than Oxigraph inlines is another one.
  A group of triple patterns is joined by looking the next pattern up once per row; its planner
  orders patterns by whether their terms are bound, not by statistics. A pattern wrapped in its own
  `{ SELECT ... WHERE { pattern } }` is joined by hashing instead: each such pattern is scanned once,
  which is why the rewritten queries (ontology/queries/*.rq) look the way they do. The comment at the
  top of each .rq says what its shape is for.
- The queries that still miss the goal have large answers: `method-benchmark-pairs` returns 18k
  rows of 5 values, `proposed-per-paper` 12k rows with titles, `benchmarks-per-method` 3k rows
  with the joined benchmark names. Every row is sorted by its strings, and every string is decoded
  and handed to Python; the same queries wrapped in `SELECT (COUNT(*) ...)` take about half as long
  (`method-benchmark-pairs`, `proposed-per-paper`). They would need a LIMIT, which changes answers.
- *first* includes opening the store (about 60 ms here) and a cold block cache.
- rdflib has no hash join: it joins a subquery either by re-evaluating it for every row of the
  other side or, when it holds DISTINCT or LIMIT, by comparing every pair of rows. The subqueries
  that make Oxigraph hash-join therefore make rdflib slower on several queries (see the table).
  The .rq files stay plain SPARQL 1.1, and tests/test_queries.py checks that rdflib gives the same
  answers on the fixture.
"""


def machine() -> dict:
    """bench.py's machine description, with the versions of the two query engines."""
    import pyoxigraph
    import rdflib

    from benchmarks.bench import machine as base

    return {**base(), "pyoxigraph": pyoxigraph.__version__, "rdflib": rdflib.__version__}


def _ms(v: dict | None, key: str = "median_ms") -> str:
    if not v:
        return "–"
    if key not in v:
        return f"> {v['timeout_s']:g} s" if v.get("timed_out") else "–"
    return f"{v[key]:,.0f}" if v[key] >= 10 else f"{v[key]:.1f}"


def render(res: dict) -> str:
    m = res["machine"]
    goal = res["goal_ms"]
    lines = [
        f"# Named-query latency ({res['label']})", "",
        "Made by `benchmarks/queries.py`. Graph: "
        f"{res['papers']:,} synthetic abstracts (`benchmarks/generate.py`, seed {res['seed']}), "
        f"**{res['triples']:,} triples**, built with `kg build --formats nt,store`.", "",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['ram_gb']} GB RAM; Python {m['python']}, "
        f"pyoxigraph {m['pyoxigraph']}, rdflib {m['rdflib']}; {m['os']}; load average (1 min) at start "
        f"{m['load_1min_at_start']} (the machine is shared: a load above the core count slows every number).", "",
        "- **Oxigraph (disk)**: the build's `store/`, opened read-only as `kg query` does. *first*: open + "
        "first run on a fresh handle; median / min / max over "
        f"{res['runs']} runs on that handle, rows fetched into Python (`kg.store.run`).",
    ]
    if res.get("oxigraph_memory"):
        lines.append(f"- **Oxigraph (memory)**: the same triples in an in-memory store (as `kg serve --in-memory`; "
                     f"load {res['oxigraph_memory']['_load_s']:.0f} s), median of {res['runs']} runs.")
    rl = res.get("rdflib") or {}
    if rl:
        lines.append(f"- **rdflib**: `rdflib.Graph` parsed from graph.nt (load {rl.get('_load_s', 0):.0f} s), "
                     f"median of up to {res['runs']} runs (fewer once a query has taken {res['rdflib_budget_s']:g} s); "
                     f"a run longer than {res['rdflib_timeout_s']:g} s is stopped and shown as \"> N s\".")
    lines += [f"- Goal: median ≤ {goal} ms on Oxigraph for each named query.", "",
              "| query | params | rows | Oxigraph disk first (ms) | median | min | max | ≤ goal | "
              "Oxigraph memory median | rdflib median (ms) | rdflib runs | same rows |",
              "| --- | --- | ---: | ---: | ---: | ---: | ---: | :---: | ---: | ---: | ---: | --- |"]
    for q in res["queries"]:
        name = q["name"]
        o = res["oxigraph"][name]
        om = (res.get("oxigraph_memory") or {}).get(name)
        r = rl.get(name)
        params = " ".join(f"{k}={v}" for k, v in q["params"].items()) or ""
        lines.append(
            f"| `{name}` | {params} | {o['rows']:,} | {_ms(o, 'first_ms')} | **{_ms(o)}** | {_ms(o, 'min_ms')} | "
            f"{_ms(o, 'max_ms')} | {'yes' if o['median_ms'] <= goal else '**no**'} | {_ms(om)} | {_ms(r)} | "
            f"{(r or {}).get('runs', 0)} | {q['same']} |")
    lines.append("")
    before = res.get("before")
    if before:
        bl = before.get("rdflib") or {}
        lines += [f"## Before and after: {before['label']} → {res['label']}", "",
                  "Medians in ms on the same graph (\"before\" measured by this script with `--queries-dir` "
                  "pointing at the earlier .rq files).", "",
                  "| query | Oxigraph disk before | Oxigraph disk after | speed-up | Oxigraph memory before | "
                  "Oxigraph memory after | rdflib before | rdflib after |",
                  "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
        for q in res["queries"]:
            name = q["name"]
            ob, oa = before["oxigraph"].get(name), res["oxigraph"][name]
            up = f"{ob['median_ms'] / oa['median_ms']:.1f}×" if ob else "–"
            lines.append(f"| `{name}` | {_ms(ob)} | **{_ms(oa)}** | {up} | "
                         f"{_ms((before.get('oxigraph_memory') or {}).get(name))} | "
                         f"{_ms((res.get('oxigraph_memory') or {}).get(name))} | {_ms(bl.get(name))} | "
                         f"{_ms((res.get('rdflib') or {}).get(name))} |")
        lines.append("")
    lines += NOTES.splitlines()
    return "\n".join(lines)


def main(argv=None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--rdflib-worker":
        nt, qf, of, runs, timeout, budget = argv[1:7]
        rdflib_worker(nt, qf, of, int(runs), float(timeout), float(budget))
        return
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--work", type=Path, help="folder for the corpus and the build (kept; reused when present)")
    ap.add_argument("-n", "--papers", type=int, default=7300, help="synthetic abstracts (7300 ≈ 1.0M triples)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--rdflib-timeout", type=float, default=60.0, help="seconds one rdflib run may take")
    ap.add_argument("--rdflib-budget", type=float, default=60.0, help="stop repeating an rdflib query after this many seconds")
    ap.add_argument("--no-rdflib", action="store_true")
    ap.add_argument("--no-memory", action="store_true", help="skip the in-memory Oxigraph store")
    ap.add_argument("--queries-dir", type=Path, help="named queries to time (default ontology/queries)")
    ap.add_argument("--only", action="append", default=[], help="time only this query (repeatable)")
    ap.add_argument("--label", default="ontology/queries")
    ap.add_argument("--goal-ms", type=float, default=100)
    ap.add_argument("--md", type=Path, default=ROOT / "benchmarks" / "QUERIES.md")
    ap.add_argument("--json", type=Path, default=ROOT / "benchmarks" / "queries.json")
    ap.add_argument("--render-only", action="store_true", help="rewrite --md from the results in --json, measure nothing")
    ap.add_argument("--compare", type=Path, help="JSON of an earlier run (e.g. of the earlier queries) to show side by side")
    a = ap.parse_args(argv)

    if a.render_only:
        a.md.write_text(render(json.loads(a.json.read_text(encoding="utf-8"))) + "\n", encoding="utf-8")
        return

    from kg.store import list_queries, render_query

    work = a.work or Path(tempfile.mkdtemp(prefix="kg-query-bench-"))
    out = ensure_graph(work, a.papers, a.seed)
    nt = out / "graph.nt"
    triples = count_triples(nt)
    try:
        papers = json.loads((out / "build.json").read_text())["papers"]
    except (OSError, ValueError, KeyError):
        papers = a.papers
    print(f"{triples:,} triples", file=sys.stderr)
    named = [q for q in list_queries(a.queries_dir) if not a.only or q.name in a.only]
    params = {q.name: PARAMS.get(q.name, q.example) if q.params else {} for q in named}
    texts = [(q.name, render_query(q, params[q.name])) for q in named]

    res: dict = {"label": a.label, "papers": papers, "seed": a.seed, "triples": triples, "runs": a.runs,
                 "goal_ms": a.goal_ms, "rdflib_timeout_s": a.rdflib_timeout, "rdflib_budget_s": a.rdflib_budget,
                 "machine": machine(), "date": time.strftime("%Y-%m-%d %H:%M")}
    res["oxigraph"] = bench_oxigraph(out / "store", texts, a.runs)
    if not a.no_memory:
        res["oxigraph_memory"] = bench_oxigraph_memory(nt, texts, a.runs)
    if not a.no_rdflib:
        res["rdflib"] = bench_rdflib(nt, texts, a.runs, a.rdflib_timeout, a.rdflib_budget)
    res["queries"] = []
    for q in named:
        ours = res["oxigraph"][q.name]["_rows"]
        checks = []
        if res.get("oxigraph_memory"):
            checks.append(compare(ours, res["oxigraph_memory"][q.name]["_rows"]))
        theirs = (res.get("rdflib") or {}).get(q.name, {}).get("_rows")
        if theirs is not None:
            c = compare(ours, theirs)
            checks.append(c if c == "same" else f"rdflib: {c}")
        else:
            checks.append("rdflib: not compared (timed out)" if not a.no_rdflib else "")
        same = "same" if all(c in ("same", "") for c in checks) else "; ".join(c for c in checks if c != "same")
        res["queries"].append({"name": q.name, "params": params[q.name], "same": same})

    for part in ("oxigraph", "oxigraph_memory", "rdflib"):
        for v in (res.get(part) or {}).values():
            if isinstance(v, dict):
                v.pop("_rows", None)
    if a.compare:
        res["before"] = json.loads(a.compare.read_text(encoding="utf-8"))
        res["before"].pop("before", None)
    a.md.write_text(render(res) + "\n", encoding="utf-8")
    a.json.write_text(json.dumps(res, indent=1, default=str) + "\n", encoding="utf-8")
    print(render(res))


if __name__ == "__main__":
    main()
