"""The `kg` command line: parse arguments, call one library function, render the result.

Library errors (KgError) become one line on stderr and exit status 2.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from kg.errors import KgError


class _Group(click.Group):
    """Turns library errors into one readable line and exit status 2, never a traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except KgError as e:
            click.echo(f"Error: {e}", err=True)
            ctx.exit(2)
        except BrokenPipeError:
            # `kg query ... | head`: the reader went away; not an error worth a message
            sys.stderr.close()
            ctx.exit(0)
        except OSError as e:
            click.echo(f"Error: {e.strerror or e}: {getattr(e, 'filename', '') or ''}".rstrip(": "), err=True)
            ctx.exit(2)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="paper-kg", prog_name="kg")
def cli():
    """paper-kg: a knowledge graph of what ML papers propose, use, evaluate on and compare with."""


@cli.command()
@click.argument("inputs", nargs=-1, type=click.Path(path_type=Path))
@click.option("-o", "--output", "out_dir", default="output", show_default=True, type=click.Path(path_type=Path),
              help="Folder to write the graph files into.")
@click.option("--format", "in_format", default=None,
              help="Input format: jsonl, csv, dailypapers, arxiv, bibtex (default: detected).")
@click.option("--formats", default="all", show_default=True,
              help="Comma-separated outputs: ttl,nt,jsonld,graphml,gexf,csv,edges,parquet,edges-parquet,html,report,store "
                   "(all: Parquet only where pyarrow is installed).")
@click.option("--sample", is_flag=True, help="Build the bundled sample (Daily Papers of 2 September, 90 abstracts).")
@click.option("--strict", is_flag=True, help="Stop at the first bad input record (exit 2).")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="Run extraction in worker processes here, or on a Dask cluster (needs paper-kg[dask]).")
@click.option("--scheduler", metavar="ADDRESS", default=None,
              help="Dask scheduler address, e.g. tcp://10.0.0.5:8786 (default: a local cluster).")
@click.option("--n-process", type=click.IntRange(min=1), default=None, help="Worker processes (default: all cores).")
@click.option("--batch-size", type=click.IntRange(min=1), default=1000, show_default=True,
              help="Papers per task: bounds memory, sets the grain of parallelism.")
@click.option("--no-cache", is_flag=True,
              help="A clean build: neither reuse nor update OUTPUT/.cache/, nor splice into the earlier graph.")
@click.option("--whole-graph-limit", type=click.IntRange(min=0), default=5000, show_default=True,
              help="Above this many papers, graph.graphml/html/report show the most named entities only "
                   "and graph.ttl/jsonld are skipped (graph.nt and store/ always hold everything).")
def build(inputs, out_dir, in_format, formats, sample, strict, quiet, engine, scheduler, n_process, batch_size,
          no_cache, whole_graph_limit):
    """Build a knowledge graph from paper abstracts.

    Papers are streamed in batches through all cores; building into an earlier output folder
    reuses the extraction of every unchanged abstract. The folder is replaced as a whole once
    the build is complete.

    Example: kg build papers.jsonl -o output
    """
    _start_workers_early(out_dir, engine, n_process, no_cache)
    from kg.engine import build_folder
    from kg.engine.state import InputFiles
    from kg.export import FILES, parse_formats
    from kg.ingest import read_papers, sample_path
    from kg.types import ReadReport

    fmts = parse_formats(formats)
    paths = list(inputs)
    if sample:
        paths.append(sample_path())
    if not paths:
        raise click.UsageError("give at least one INPUT file, or --sample")
    report = ReadReport()
    # the papers, read by the build: a rebuild need not read again the files it read last time
    papers = InputFiles(paths, format=in_format, report=report, strict=strict)
    probe = ReadReport()  # up to the first paper, to fail early on an input without any
    if next(read_papers(paths, format=in_format, report=probe, strict=strict), None) is None:
        _print_rejects(probe, quiet)
        click.echo("Error: no paper could be read from the input", err=True)
        sys.exit(1)
    from rich.console import Console
    from rich.progress import Progress

    console = Console(stderr=True)
    with Progress(console=console, transient=True, disable=quiet or not console.is_terminal) as bar:
        task = bar.add_task("extracting", total=None)
        s = build_folder(papers, out_dir, formats=fmts, engine=engine, scheduler=scheduler,
                         n_process=n_process, batch_size=batch_size, cache=not no_cache, report=report,
                         whole_graph_limit=whole_graph_limit, on_progress=lambda n: bar.advance(task, n))
    if not quiet:
        ents = ", ".join(f"{v} {k}" for k, v in s.entities.items())
        click.echo(f"{s.papers} papers, {s.entity_count} entities ({ents}) -> {out_dir}/")
        click.echo("wrote " + ", ".join(p.name for p in s.written.values()))
        if s.view:
            click.echo(f"{', '.join(FILES[f] for f in s.view['formats'])} show the {s.view['entities']} most named "
                       f"entities and {s.view['papers']} of {s.view['papers_total']} papers")
        for fmt, why in s.skipped.items():
            click.echo(f"skipped {FILES[fmt]}: {why}")
        if s.cache_hits:
            click.echo(f"reused {s.cache_hits} cached extraction(s), extracted {s.cache_misses}")
        if s.incremental is not None:
            click.echo(f"remade the triples of {s.incremental} paper(s) and spliced them into the earlier graph")
        _print_rejects(report, quiet)


#: `kg.engine.state.STATE_PATH` and `kg.engine.local.FORKSERVER_PRELOAD[True]`, named here so
#: that `_start_workers_early` runs before kg.engine is imported (a tenth of a second).
_STATE_PATH = ".cache/build-state.pkl"
_WORKER_PRELOAD = ["kg.engine.preload"]


def _start_workers_early(out_dir: Path, engine: str, n_process: int | None, no_cache: bool) -> None:
    """Start the server that the build's worker processes fork from, now, where the build is
    most likely a rebuild that extracts its new papers on them (the folder holds the state of a
    build). The server imports spaCy and builds the pipeline (`kg.engine.preload`), a second and
    more, which the rebuild waits for; it starts before this process imports the rest of kg and
    opens the input, and the build's pool (`kg.engine.local`) finds it running."""
    import multiprocessing as mp
    import os

    if engine != "local" or no_cache or not (out_dir / _STATE_PATH).is_file():
        return
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    if (n_process or cores) < 2 or "forkserver" not in mp.get_all_start_methods():
        return
    from multiprocessing import forkserver

    mp.get_context("forkserver").set_forkserver_preload(_WORKER_PRELOAD)
    forkserver.ensure_running()


def _print_rejects(report, quiet):
    if quiet:
        return
    if report.rejects:
        click.echo(f"skipped {len(report.rejects)} bad record(s); see rejects.jsonl", err=True)
        for r in report.rejects[:5]:
            click.echo(f"  {r.source}:{r.line}: {r.reason}", err=True)
    if report.duplicates_merged:
        click.echo(f"merged {report.duplicates_merged} exact duplicate record(s)", err=True)


@cli.command()
@click.argument("build_dir", required=False, type=click.Path(path_type=Path))
@click.argument("sparql", required=False)
@click.option("--name", "name", default=None, help="Run a named query from ontology/queries/ (see --list).")
@click.option("--param", "params", multiple=True, metavar="KEY=VALUE",
              help="A named query's parameter: a name or alias, or <IRI>; repeatable.")
@click.option("--list", "list_queries", is_flag=True, help="List the named queries and their parameters.")
@click.option("--format", "out_format", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
def query(build_dir, sparql, name, params, list_queries, out_format):
    """Run a SPARQL query, or a named query, on a build folder (prefixes kg:, kgr:, dcterms:, skos:, rdfs: ... are predeclared).

    Example: kg query output --name model-on-benchmark --param model=DeepSeek-R1 --param benchmark=MATH-500
    """
    from kg import store

    if list_queries:
        rows = [[q.name, ", ".join(q.params), q.description] for q in store.list_queries()]
        _render(["name", "params", "description"], rows, out_format)
        return
    if build_dir is None:
        raise click.UsageError("give a build folder (or --list)")
    if name:
        if sparql:
            raise click.UsageError("give either a SPARQL query or --name, not both")
        kv = {}
        for p in params:
            k, sep, v = p.partition("=")
            if not sep or not k.strip():
                raise click.UsageError(f"--param takes KEY=VALUE, got {p!r}")
            kv[k.strip()] = v
        res = store.named_query(build_dir, name, kv)
    else:
        if params:
            raise click.UsageError("--param goes with --name")
        if not sparql:
            raise click.UsageError("give a SPARQL query, or --name NAME (see --list)")
        res = store.query(build_dir, sparql)
    _render(res.columns, res.rows, out_format)


def _render(columns, rows, out_format):
    if out_format == "json":
        click.echo(json.dumps([dict(zip(columns, r)) for r in rows], indent=1, ensure_ascii=False))
    elif out_format == "csv":
        import csv

        w = csv.writer(sys.stdout, lineterminator="\n")
        w.writerow(columns)
        w.writerows(rows)
    else:
        from rich.console import Console
        from rich.table import Table

        t = Table(*columns)
        for r in rows:
            t.add_row(*["" if v is None else str(v) for v in r])
        Console().print(t)
        click.echo(f"{len(rows)} row(s)")


@cli.command()
@click.argument("build_dir", type=click.Path(path_type=Path))
@click.option("--top", default=10, show_default=True, help="How many top entities to list.")
@click.option("--json", "as_json", is_flag=True, help="Print the numbers as JSON.")
def stats(build_dir, top, as_json):
    """Papers, entities per type, edges per relation and the most named entities of a build.

    Example: kg stats output
    """
    from kg.stats import build_stats

    s = build_stats(build_dir, top=top)
    if as_json:
        click.echo(json.dumps(s, indent=1))
        return
    click.echo(f"papers: {s['papers']}")
    click.echo("entities: " + ", ".join(f"{k} {v}" for k, v in s["entities"].items()))
    click.echo("edges: " + ", ".join(f"{k} {v}" for k, v in s["edges"].items()))
    click.echo(f"results: {s['results']}")
    _render(["entity", "type", "papers"], [[e["label"], e["type"], e["papers"]] for e in s["top_entities"]], "table")


@cli.command()
@click.argument("build_dir", type=click.Path(path_type=Path))
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; anything but loopback exposes the endpoint (it has no authentication).")
@click.option("--port", default=7878, show_default=True, type=click.IntRange(0, 65535))
@click.option("--timeout", default=10.0, show_default=True, type=float, help="Seconds a query may run before it is stopped (503).")
@click.option("--max-rows", default=10_000, show_default=True, type=click.IntRange(1),
              help="Rows (or triples) per response; longer answers are cut and say so in X-SPARQL-MaxRows.")
@click.option("--max-body", default=1 << 20, show_default=True, type=click.IntRange(1), help="Largest POST body in bytes (413 above).")
@click.option("--cors", "cors", multiple=True, metavar="ORIGIN", help="Allow browser pages from ORIGIN to query (repeatable). Off by default.")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64), help="Query worker processes.")
@click.option("--in-memory", is_flag=True, help="Each worker copies the store into memory: slower start, more RAM, queries up to 2.4x faster or slower, see benchmarks/QUERIES.md.")
def serve(build_dir, host, port, timeout, max_rows, max_body, cors, workers, in_memory):
    """Serve a build folder as a read-only SPARQL 1.1 endpoint at /sparql, with a query page at /.

    Example: kg serve output --port 7878
    """
    from kg.serve import ServeSettings, is_loopback, serve as run_server

    settings = ServeSettings(host=host, port=port, timeout=timeout, max_rows=max_rows, max_body=max_body,
                             cors=tuple(cors), workers=workers, in_memory=in_memory)
    if not is_loopback(host):
        click.echo(f"warning: listening on {host}: anyone who can reach it can query this graph", err=True)
    click.echo(f"serving {build_dir} at http://{host}:{port}/sparql (query page at /); Ctrl-C stops", err=True)
    run_server(build_dir, settings)


@cli.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--limit", default=20, show_default=True, help="How many violations to print.")
def validate(path, limit):
    """Check a build folder or a graph file against the SHACL shapes (ontology/shapes.ttl); exit 1 on violations.

    Example: kg validate output
    """
    from kg.validate import validate as run_validate

    report = run_validate(path)
    click.echo(report.summary(limit=limit))
    if not report.conforms:
        sys.exit(1)


@cli.command()
@click.argument("build_dir", type=click.Path(path_type=Path))
@click.option("--to", "target", type=click.Choice(["neo4j"]), required=True, help="What to export for.")
@click.argument("out_dir", type=click.Path(path_type=Path))
def export(build_dir, target, out_dir):
    """Export a build for a graph database: neo4j-admin import CSVs, load.cypher (LOAD CSV) and import.sh.

    Example: kg export output --to neo4j neo4j-import
    """
    from kg.neo4j import export_neo4j

    res = export_neo4j(build_dir, out_dir)
    nodes = ", ".join(f"{n} {k}" for k, n in res.nodes.items())
    click.echo(f"{sum(res.nodes.values())} nodes ({nodes}), {sum(res.relationships.values())} relationships -> {out_dir}/")
    click.echo(f"load with: {out_dir}/import.sh (neo4j-admin), or cypher-shell -f {out_dir}/load.cypher")


@cli.command()
@click.argument("source", metavar="DIR", type=click.Path(path_type=Path))
@click.option("--endpoint", required=True, metavar="URL",
              help="The store's Graph Store Protocol URL: Virtuoso http://HOST:8890/sparql-graph-crud, "
                   "Fuseki http://HOST:3030/DATASET/data, Oxigraph server http://HOST:7878/store.")
@click.option("--graph", metavar="IRI", default=None, help="Named graph to write (default: the store's default graph).")
@click.option("--replace/--append", default=True, show_default=True,
              help="Replace the graph's content (PUT) or add to it (POST).")
@click.option("--user", default=None, help="User name, for stores that ask for HTTP Basic or Digest authentication.")
@click.option("--password", default=None, envvar="KG_PUSH_PASSWORD", show_envvar=True, help="Password for --user.")
@click.option("--graph-param", default=None, metavar="NAME",
              help="Query parameter naming the graph (default: graph-uri for Virtuoso's /sparql-graph-crud, else graph).")
@click.option("--chunk-mb", default=8, show_default=True, type=click.IntRange(min=1),
              help="Megabytes of N-Triples per request; larger graphs go in several requests.")
def push(source, endpoint, graph, replace, user, password, graph_param, chunk_mb):
    """Upload a build's graph (DIR/graph.nt, or a graph file) to a triple store over the SPARQL 1.1 Graph Store Protocol.

    Exit 1 when the store refuses the upload, 2 when it cannot be reached or an argument is wrong.

    Example: kg push output --endpoint http://localhost:8890/sparql-graph-crud --graph https://example.org/papers
    """
    from kg.push import PushRefused, push as run_push

    if user is None and click.get_current_context().get_parameter_source("password").name == "ENVIRONMENT":
        password = None  # KG_PUSH_PASSWORD set for other stores: only --password alone is a mistake
    try:
        res = run_push(source, endpoint, graph=graph, replace=replace, user=user, password=password,
                       graph_param=graph_param, chunk_bytes=chunk_mb << 20)
    except PushRefused as e:
        click.echo(f"Error: {e}", err=True)
        sys.exit(1)
    where = f"<{res.graph}>" if res.graph else "the default graph"
    how = "replaced" if res.replaced else "added to"
    click.echo(f"{how} {where} at {res.endpoint}: {res.triples} triples ({res.bytes} bytes) in {res.requests} request(s)")


def main():
    cli(prog_name="kg")


if __name__ == "__main__":
    main()
