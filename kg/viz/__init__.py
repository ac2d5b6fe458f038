"""Browser views of a built graph: `graph.html` to explore it, `report.html` to see what it is about.

Both pages are single offline files: every script, style and chart is inline and nothing is
fetched. pyvis and matplotlib are imported only when a page is written.

    >>> from kg.viz import write_graph_html, write_report_html
    >>> write_graph_html(kg.build(papers).nx, "output/graph.html")   # doctest: +SKIP
    >>> write_report_html(kg.build(papers).nx, "output/report.html")  # doctest: +SKIP
"""
from kg.viz.explorer import write_graph_html
from kg.viz.report import write_report_html

__all__ = ["write_graph_html", "write_report_html"]
