"""The `kg` command line: parse arguments, call one library function, render the result.

Library errors (KgError) become one line on stderr and exit status 2.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from kg.errors import KgError

PROGRESS_THRESHOLD = 200


class _Group(click.Group):
    """Turns library errors into one readable line and exit status 2, never a traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except KgError as e:
            click.echo(f"Error: {e}", err=True)
            ctx.exit(2)
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
              help="Comma-separated outputs: ttl,nt,jsonld,graphml,csv,html,report,store.")
@click.option("--sample", is_flag=True, help="Build the bundled sample (Daily Papers of 2 September, 90 abstracts).")
@click.option("--strict", is_flag=True, help="Stop at the first bad input record (exit 2).")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")
def build(inputs, out_dir, in_format, formats, sample, strict, quiet):
    """Build a knowledge graph from paper abstracts.

    Example: kg build papers.jsonl -o output
    """
    from kg.build import build as build_graph
    from kg.export import parse_formats, write_outputs
    from kg.ingest import read_papers, sample_path
    from kg.types import ReadReport

    fmts = parse_formats(formats)
    paths = list(inputs)
    if sample:
        paths.append(sample_path())
    if not paths:
        raise click.UsageError("give at least one INPUT file, or --sample")
    report = ReadReport()
    papers = list(read_papers(paths, format=in_format, report=report, strict=strict))
    if not papers:
        _print_rejects(report, quiet)
        click.echo("Error: no paper could be read from the input", err=True)
        sys.exit(1)
    if len(papers) > PROGRESS_THRESHOLD and not quiet:
        from rich.progress import Progress

        with Progress(transient=True) as bar:
            task = bar.add_task("extracting", total=len(papers))
            g = build_graph(papers, report=report, on_paper=lambda: bar.advance(task))
    else:
        g = build_graph(papers, report=report)
    written = write_outputs(g, out_dir, fmts)
    rejects_path = Path(out_dir) / "rejects.jsonl"
    if report.rejects:
        from kg.export import write_rejects

        write_rejects(report.rejects, rejects_path)
    elif rejects_path.exists():
        rejects_path.unlink()  # a stale list from an earlier build would mislead
    if not quiet:
        s = g.stats()
        ents = ", ".join(f"{v} {k}" for k, v in s["entities"].items())
        click.echo(f"{s['papers']} papers, {len(g.table)} entities ({ents}) -> {out_dir}/")
        click.echo("wrote " + ", ".join(p.name for p in written.values()))
        _print_rejects(report, quiet)


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
@click.argument("build_dir", type=click.Path(path_type=Path))
@click.argument("sparql", required=False)
@click.option("--format", "out_format", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
def query(build_dir, sparql, out_format):
    """Run a SPARQL query on a build folder (prefixes kg:, kgr:, dcterms:, skos:, rdfs: ... are predeclared).

    Example: kg query output 'SELECT ?l WHERE { ?e a kg:Benchmark ; rdfs:label ?l }'
    """
    from kg.store import query as run_query

    if not sparql:
        raise click.UsageError("give a SPARQL query")
    res = run_query(build_dir, sparql)
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


def main():
    cli(prog_name="kg")


if __name__ == "__main__":
    main()
