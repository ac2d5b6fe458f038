"""`kg stats`: summary numbers of a build folder, read back from its graph with SPARQL."""
from __future__ import annotations

from pathlib import Path

from kg.graph.stats import ENTITY_KINDS, RELATIONS
from kg.store import query


def build_stats(build_dir: str | Path, top: int = 10) -> dict:
    def count(q: str) -> dict[str, int]:
        return {r[0]: int(r[1]) for r in query(build_dir, q).rows}

    kinds = count("SELECT ?k (COUNT(?x) AS ?n) WHERE { ?x a ?c . BIND(STRAFTER(STR(?c), STR(kg:)) AS ?k) } GROUP BY ?k")
    rels = count("SELECT ?r (COUNT(*) AS ?n) WHERE { ?p a kg:Paper ; ?rel ?e . ?e a/rdfs:subClassOf* ?c . "
                 "FILTER(STRSTARTS(STR(?rel), STR(kg:))) BIND(STRAFTER(STR(?rel), STR(kg:)) AS ?r) "
                 "FILTER(?c IN (kg:Method, kg:Model, kg:Dataset, kg:Benchmark)) } GROUP BY ?r")
    rows = query(build_dir, f"""
        SELECT ?label ?k (COUNT(DISTINCT ?p) AS ?n) WHERE {{
          ?p a kg:Paper ; ?rel ?e . ?e rdfs:label ?label ; a ?c .
          FILTER(?c IN (kg:Method, kg:Model, kg:Dataset, kg:Benchmark))
          BIND(STRAFTER(STR(?c), STR(kg:)) AS ?k)
        }} GROUP BY ?label ?k ORDER BY DESC(?n) ?label LIMIT {int(top)}""").rows
    return {
        "papers": kinds.get("Paper", 0),
        "entities": {k: kinds.get(k, 0) for k in ENTITY_KINDS},
        "edges": {r: rels.get(r, 0) for r in RELATIONS},
        "results": kinds.get("Result", 0),
        "top_entities": [{"label": r[0], "type": r[1], "papers": int(r[2])} for r in rows],
    }
