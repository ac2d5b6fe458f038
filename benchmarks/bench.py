"""Benchmark of `kg build` on synthetic corpora: speed, memory, incremental rebuild, query latency.

    python benchmarks/bench.py 10000 100000 [--work /tmp/kg-bench] [--n-process N] [--verify]

For each size N it generates N abstracts (benchmarks/generate.py), then measures:

- the bare tokeniser: `spacy.blank("en")` over the same texts in one process (the yardstick);
- a clean build to N-Triples + store + entities.csv (no cache): wall time, abstracts/s, the
  ratio to the bare tokeniser, peak RSS of the coordinator and of all its processes together
  (sampled every 50 ms; shared pages are counted in every process, so the sum is an upper
  bound), triples written and where the time went;
- an incremental rebuild into the same folder with 1% new papers (cache warm), and with
  `--verify` that it equals a clean build of the same inputs;
- the latency of every named query (ontology/queries/*.rq) on the resulting store.

Each build runs in a fresh process. Results are kept in benchmarks/results.json (one entry per
size, so sizes can be run separately) and rendered to benchmarks/RESULTS.md.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

import generate  # noqa: E402

RESULTS_JSON = HERE / "results.json"
RESULTS_MD = HERE / "RESULTS.md"
FORMATS = "nt,store,csv"


# ---------------------------------------------------------------- measuring


class PeakRss:
    """Samples the RSS of a process and of it plus all its descendants."""

    def __init__(self, pid: int, every: float = 0.05):
        import psutil

        self.proc = psutil.Process(pid)
        self.every = every
        self.main = self.tree = 0
        self.cpu: dict[int, float] = {}  # pid -> user + system seconds, last seen
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)
        self._t.start()

    def _run(self):
        import psutil

        while not self._stop.is_set():
            try:
                main = self.proc.memory_info().rss
                self._cpu(self.proc)
                tree = main
                for c in self.proc.children(recursive=True):
                    try:
                        tree += c.memory_info().rss
                        self._cpu(c)
                    except psutil.Error:
                        pass
            except psutil.Error:
                break
            self.main, self.tree = max(self.main, main), max(self.tree, tree)
            time.sleep(self.every)

    def _cpu(self, p) -> None:
        t = p.cpu_times()
        self.cpu[p.pid] = t.user + t.system

    @property
    def cpu_seconds(self) -> float:
        """CPU time of the process and its descendants (up to the last sample of each)."""
        return sum(self.cpu.values())

    def stop(self):
        self._stop.set()
        self._t.join()


def timed_build(corpus: list[Path], out: Path, *, cache: bool, n_process: int | None, batch_size: int) -> dict:
    """Run one build in a fresh process; returns its summary, wall time and peak RSS."""
    args = [sys.executable, str(Path(__file__).resolve()), "_build", "-o", str(out), "--batch-size", str(batch_size)]
    args += [str(c) for c in corpus]
    if not cache:
        args.append("--no-cache")
    if n_process:
        args += ["--n-process", str(n_process)]
    t = time.perf_counter()
    p = subprocess.Popen(args, stdout=subprocess.PIPE, text=True, cwd=ROOT)
    rss = PeakRss(p.pid)
    stdout, _ = p.communicate()
    wall = time.perf_counter() - t
    rss.stop()
    cpu = rss.cpu_seconds  # the build and every process under it (pool workers, the forkserver)
    if p.returncode:
        raise SystemExit(f"build failed ({p.returncode}): {' '.join(args)}")
    res = json.loads(stdout.strip().splitlines()[-1])
    res.update(wall_s=wall, cpu_s=cpu, rss_main_mb=rss.main / 2**20, rss_tree_mb=rss.tree / 2**20)
    return res


def _build_child(argv) -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("inputs", nargs="+")
    ap.add_argument("-o", required=True)
    ap.add_argument("--batch-size", type=int, default=1000)
    ap.add_argument("--n-process", type=int, default=None)
    ap.add_argument("--no-cache", action="store_true")
    a = ap.parse_args(argv)
    from kg.engine import build_folder
    from kg.engine.state import InputFiles
    from kg.types import ReadReport

    report = ReadReport()  # as `kg build` reads its input: a rebuild skips the files its state says are unchanged
    s = build_folder(InputFiles(a.inputs, report=report), a.o, formats=FORMATS, n_process=a.n_process,
                     batch_size=a.batch_size, cache=not a.no_cache, report=report)
    print(json.dumps({"papers": s.papers, "triples": s.triples, "entities": s.entity_count, "workers": s.workers,
                      "cache_hits": s.cache_hits, "cache_misses": s.cache_misses, "from_state": s.from_state,
                      "seconds": {k: round(v, 2) for k, v in s.seconds.items()}}))


def bare_tokeniser(corpus: Path) -> tuple[float, float]:
    """Wall and CPU seconds for spacy.blank("en") to tokenise every paper's text, in this process."""
    import spacy

    from kg.ingest import read_papers

    texts = [p.text for p in read_papers([corpus])]
    nlp = spacy.blank("en")
    t, c = time.perf_counter(), time.process_time()
    for _ in nlp.pipe(texts, batch_size=1000):
        pass
    return time.perf_counter() - t, time.process_time() - c


def query_latency(out: Path, repeat: int = 3) -> dict[str, float]:
    """Median milliseconds of each named query (example parameters), store opened each time."""
    from kg.store import list_queries, named_query

    lat = {}
    for q in list_queries():
        times = []
        for _ in range(repeat):
            t = time.perf_counter()
            named_query(out, q.name, dict(q.example))
            times.append(time.perf_counter() - t)
        lat[q.name] = statistics.median(times) * 1000
    return lat


def count_lines(path: Path) -> int:
    n = 0
    with open(path, "rb") as f:
        while chunk := f.read(1 << 24):
            n += chunk.count(b"\n")
    return n


# ---------------------------------------------------------------- one size


def run_size(n: int, work: Path, *, n_process: int | None, batch_size: int, verify: bool) -> dict:
    work.mkdir(parents=True, exist_ok=True)
    corpus = work / f"papers-{n}.jsonl"
    extra = work / f"papers-{n}-plus-{max(1, n // 100)}.jsonl"
    if not corpus.exists():
        generate.write(n, corpus)
    if not extra.exists():
        generate.write(max(1, n // 100), extra, start=n)
    print(f"[{n}] bare tokeniser ...", file=sys.stderr)
    bare_s, bare_cpu_s = bare_tokeniser(corpus)
    out = work / f"out-{n}"
    shutil.rmtree(out, ignore_errors=True)
    print(f"[{n}] full build ...", file=sys.stderr)
    full = timed_build([corpus], out, cache=True, n_process=n_process, batch_size=batch_size)
    assert full["triples"] == count_lines(out / "graph.nt")
    print(f"[{n}] +1% rebuild ...", file=sys.stderr)
    inc = timed_build([corpus, extra], out, cache=True, n_process=n_process, batch_size=batch_size)
    same = None
    if verify:
        print(f"[{n}] clean build of the same inputs ...", file=sys.stderr)
        clean = work / f"out-{n}-clean"
        shutil.rmtree(clean, ignore_errors=True)
        timed_build([corpus, extra], clean, cache=False, n_process=n_process, batch_size=batch_size)
        same = (out / "graph.nt").read_bytes() == (clean / "graph.nt").read_bytes()
        shutil.rmtree(clean, ignore_errors=True)
    print(f"[{n}] named queries ...", file=sys.stderr)
    lat = query_latency(out)
    return {
        "n": n, "bare_s": bare_s, "bare_cpu_s": bare_cpu_s, "full": full, "incremental": inc,
        "incremental_equals_clean": same,
        "query_ms": lat, "machine": machine(), "date": time.strftime("%Y-%m-%d"),
        "settings": {"n_process": full["workers"], "batch_size": batch_size, "formats": FORMATS},
    }


def machine() -> dict:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import psutil
    import spacy

    return {"cpu": cpu, "cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
            "ram_gb": round(psutil.virtual_memory().total / 2**30), "python": platform.python_version(),
            "spacy": spacy.__version__, "os": platform.platform(terse=True),
            "load_1min_at_start": round(os.getloadavg()[0], 1)}


# ---------------------------------------------------------------- report


def render(results: dict) -> str:
    rows = [results[k] for k in sorted(results, key=int)]
    lines = ["# Benchmark results", "",
             "Made by `make bench` (`benchmarks/bench.py`); synthetic corpora from `benchmarks/generate.py`.",
             "Build = `kg build` to N-Triples + Oxigraph store + entities.csv, clean (empty cache), default engine.",
             "", "## Machine", ""]
    seen = set()
    for r in rows:
        m = r["machine"]
        key = json.dumps({k: v for k, v in m.items() if k != "load_1min_at_start"}, sort_keys=True)
        if key not in seen:
            seen.add(key)
            lines.append(f"- {m['cpu']}, {m['cores']} cores, {m['ram_gb']} GB RAM; Python {m['python']}, "
                         f"spaCy {m['spacy']}; {m['os']}")
    lines += ["- code measured: " + ", ".join(f"{r['n']:,}: {r.get('code', 'unknown')}" for r in rows)]
    lines += ["- load average (1 min) when each size started: "
              + ", ".join(f"{r['n']:,}: {r['machine']['load_1min_at_start']}" for r in rows)
              + " (the machine is shared; a load above the core count slows every number)", ""]
    lines += ["## Build", "",
              "Wall times depend on what else the machine runs; CPU seconds (the build and all its worker "
              "processes) do much less, so both are given.", "",
              "| abstracts | build wall (s) | abstracts/s | bare tokeniser wall (s) | wall ratio to bare "
              "| build CPU (s) | CPU ratio to bare | peak RSS coordinator (MB) "
              "| peak RSS all processes (MB) | triples | +1% rebuild wall (s) | rebuild / build "
              "| +1% rebuild CPU (s) | rebuild / build, CPU | rebuild peak RSS all processes (MB) | rebuild = clean |",
              "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
              "| ---: | :---: |"]
    for r in rows:
        f, i = r["full"], r["incremental"]
        same = {True: "yes", False: "**no**", None: "not checked"}[r["incremental_equals_clean"]]
        cpu = f.get("cpu_s", float("nan"))
        lines.append(f"| {r['n']:,} | {f['wall_s']:.1f} | {r['n'] / f['wall_s']:.0f} | {r['bare_s']:.1f} | "
                     f"{f['wall_s'] / r['bare_s']:.1f}× | {cpu:.0f} | "
                     f"{cpu / r.get('bare_cpu_s', r['bare_s']):.1f}× | "
                     f"{f['rss_main_mb']:.0f} | {f['rss_tree_mb']:.0f} | "
                     f"{f['triples']:,} | {i['wall_s']:.1f} | {100 * i['wall_s'] / f['wall_s']:.0f}% | "
                     f"{_cpu(i)} | {_cpu_share(i, f)} | {i['rss_tree_mb']:.0f} | {same} |")
    lines += ["", "## Targets (issue 6: 2 cores, 24 GB)", "",
              "| target | measured | met |", "| --- | --- | :---: |"]
    for r in rows:
        f, i = r["full"], r["incremental"]
        checks = []
        if r["n"] == 20000:
            checks += [("20k: build ≤ 2× bare tokeniser (goal 1×)", f"{f['wall_s'] / r['bare_s']:.1f}×",
                        f["wall_s"] <= 2 * r["bare_s"]),
                       ("20k: peak RSS < 1.5 GB (all processes)", f"{f['rss_tree_mb'] / 1024:.2f} GB",
                        f["rss_tree_mb"] < 1536)]
        if r["n"] == 100000:
            checks += [("100k: build < 3 min", f"{f['wall_s'] / 60:.1f} min", f["wall_s"] < 180),
                       ("100k: peak RSS < 2.5 GB (all processes)", f"{f['rss_tree_mb'] / 1024:.2f} GB",
                        f["rss_tree_mb"] < 2560)]
        checks.append((f"{r['n'] // 1000}k: +1% rebuild ≤ 15% of the build (wall; CPU in brackets)",
                       f"{100 * i['wall_s'] / f['wall_s']:.0f}% ({_cpu_share(i, f)})", i["wall_s"] <= 0.15 * f["wall_s"]))
        if r["incremental_equals_clean"] is not None:
            checks.append((f"{r['n'] // 1000}k: rebuild equals a clean build", "byte-identical graph.nt"
                           if r["incremental_equals_clean"] else "differs", r["incremental_equals_clean"]))
        lines += [f"| {t} | {m} | {'yes' if ok else '**no**'} |" for t, m, ok in checks]
    lines += ["", "## Where the time goes (seconds, wall, inside the build)", "",
              "| abstracts | run | " + " | ".join(_phases(rows)) + " |",
              "| ---: | --- | " + " | ".join("---:" for _ in _phases(rows)) + " |"]
    for r in rows:
        for name, b in (("clean", r["full"]), ("+1%", r["incremental"])):
            cells = " | ".join(f"{b['seconds'].get(p, 0):.1f}" for p in _phases(rows))
            lines.append(f"| {r['n']:,} | {name} | {cells} |")
    lines += ["", "## Named queries (median ms over 3 runs, store opened each time)", "",
              "| abstracts | " + " | ".join(sorted(rows[0]["query_ms"])) + " |",
              "| ---: | " + " | ".join("---:" for _ in rows[0]["query_ms"]) + " |"]
    for r in rows:
        lines.append(f"| {r['n']:,} | " + " | ".join(f"{r['query_ms'][q]:.0f}" for q in sorted(r["query_ms"])) + " |")
    return "\n".join(lines) + "\n"


def _cpu(run: dict) -> str:
    return f"{run['cpu_s']:.1f}" if "cpu_s" in run else "n/a"


def _cpu_share(inc: dict, full: dict) -> str:
    return f"{100 * inc['cpu_s'] / full['cpu_s']:.0f}%" if "cpu_s" in inc and "cpu_s" in full else "n/a"


def _describe() -> str:
    try:
        out = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True, text=True)
        return out.stdout.strip() or "unknown"
    except OSError:
        return "unknown"


def _phases(rows) -> list[str]:
    out: list[str] = ["extract", "triples", "merge", "store", "other outputs", "finish"]
    for r in rows:
        for p in r["full"]["seconds"]:
            if p not in out:
                out.append(p)
    return out


def main(argv=None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["_build"]:
        return _build_child(argv[1:])
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("sizes", nargs="*", type=int, default=[10000, 100000])
    ap.add_argument("--work", type=Path, default=Path("/tmp/kg-bench"), help="corpora and build folders")
    ap.add_argument("--n-process", type=int, default=None, help="worker processes (default: all cores)")
    ap.add_argument("--batch-size", type=int, default=1000)
    ap.add_argument("--verify", action="store_true", help="check the +1%% rebuild equals a clean build")
    ap.add_argument("--label", default=None, help="what code was measured (default: git describe)")
    a = ap.parse_args(argv)
    results = json.loads(RESULTS_JSON.read_text()) if RESULTS_JSON.exists() else {}
    for n in a.sizes:
        results[str(n)] = run_size(n, a.work, n_process=a.n_process, batch_size=a.batch_size, verify=a.verify)
        results[str(n)]["code"] = a.label or _describe()
        RESULTS_JSON.write_text(json.dumps(results, indent=1, sort_keys=True) + "\n")
        RESULTS_MD.write_text(render(results))
        print(json.dumps(results[str(n)], indent=1), file=sys.stderr)
    print(f"wrote {RESULTS_MD}")


if __name__ == "__main__":
    main()
