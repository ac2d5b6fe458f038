"""Graphs for the kg.viz tests, built by hand to the `kg.graph.to_networkx` contract.

`sample_graph()`: 10 papers about RL fine-tuning (GRPO, MATH-500, Qwen3-8B ...), with evidence,
results, variants, dates and URLs. `hostile_graph()`: the same shape, every input string a markup
or script injection attempt. `synthetic_graph(n)`: a random corpus of n papers with a skewed
(Zipf-like) entity popularity, for scale and timing.
"""
from __future__ import annotations

import random
import re

import networkx as nx

KGR = "https://w3id.org/paper-kg/id/"

# Each sets window.__pwned if it ever runs; the browser tests check it stays unset.
PAYLOADS = (
    "</script><img src=x onerror=alert(1)>",
    "</script><script>window.__pwned=1</script>",
    '<img src=x onerror="window.__pwned=1">',
    "<svg onload=window.__pwned=1></svg>",
    "<!--<script>window.__pwned=1</script>-->",
    '"><iframe srcdoc="<script>parent.__pwned=1</script>">',
    "{{ 7*7 }}{% raw %}&amp;&lt;\u2028\u2029",
)


def _slug(s: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", s.lower()).strip("-") or "x"


class GraphBuilder:
    """Adds papers, entities and their links with the attributes kg.viz reads."""

    def __init__(self) -> None:
        self.g = nx.MultiDiGraph()

    def entity(self, kind: str, label: str, aliases=(), iri: str | None = None) -> str:
        n = iri or f"{KGR}{kind.lower()}/{_slug(label)}"
        self.g.add_node(n, kind=kind, label=label, aliases=list(aliases), paper_count=0)
        return n

    def paper(self, ident: str, title: str, abstract: str, date=None, url=None, iri: str | None = None) -> str:
        n = iri or f"{KGR}paper/{_slug(ident)}"
        self.g.add_node(n, kind="Paper", label=title, identifier=ident, url=url, date=date, abstract=abstract)
        return n

    def link(self, paper: str, entity: str, relation: str, sentence: str | None = None, mention: str | None = None):
        evidence = []
        if sentence is not None:
            mention = mention or self.g.nodes[entity]["label"]
            start = sentence.find(mention)
            assert start >= 0, (mention, sentence)
            evidence.append({"sentence": sentence, "start": start, "end": start + len(mention)})
        self.g.add_edge(paper, entity, key=relation, relation=relation, evidence=evidence)

    def variant(self, model: str, family: str) -> None:
        self.g.add_edge(model, family, key="variantOf", relation="variantOf")

    def result(self, paper: str, system: str | None, benchmark: str, metric: str, value: float, unit=None) -> str:
        i = sum(1 for _, _, r in self.g.out_edges(paper, data="relation") if r == "reportsResult") + 1
        n = f"{KGR}result/{paper.rsplit('/', 1)[-1]}/{i}"
        sys_label = self.g.nodes[system]["label"] if system else "?"
        self.g.add_node(n, kind="Result", label=f"{sys_label} on {self.g.nodes[benchmark]['label']}",
                        metric=metric, value=value, unit=unit)
        self.g.add_edge(paper, n, key="reportsResult", relation="reportsResult")
        self.g.add_edge(n, benchmark, key="benchmark", relation="benchmark")
        if system:
            self.g.add_edge(n, system, key="system", relation="system")
        return n

    def done(self) -> nx.MultiDiGraph:
        for n, d in self.g.nodes(data=True):
            if d["kind"] not in ("Paper", "Result"):
                d["paper_count"] = len({p for p in self.g.predecessors(n) if self.g.nodes[p]["kind"] == "Paper"})
        return self.g


def sample_graph() -> nx.MultiDiGraph:
    b = GraphBuilder()
    grpo = b.entity("Method", "GRPO", ["Group Relative Policy Optimization"])
    ppo = b.entity("Method", "PPO", ["Proximal Policy Optimization"])
    dpo = b.entity("Method", "DPO", ["Direct Preference Optimization"])
    simpo = b.entity("Method", "SimPO")
    lora = b.entity("Method", "LoRA", ["low-rank adaptation"])
    cot = b.entity("Method", "chain-of-thought", ["CoT"])
    qwen3 = b.entity("Model", "Qwen3")
    qwen8 = b.entity("Model", "Qwen3-8B")
    llama = b.entity("Model", "Llama-3.1")
    llama8 = b.entity("Model", "Llama-3.1-8B")
    r1 = b.entity("Model", "DeepSeek-R1")
    gsm = b.entity("Dataset", "GSM8K")
    openr1 = b.entity("Dataset", "OpenR1-Math")
    uf = b.entity("Dataset", "UltraFeedback")
    math500 = b.entity("Benchmark", "MATH-500")
    aime = b.entity("Benchmark", "AIME 2024")
    alpaca = b.entity("Benchmark", "AlpacaEval 2")
    mmlu = b.entity("Benchmark", "MMLU")
    b.variant(qwen8, qwen3)
    b.variant(llama8, llama)

    p1 = b.paper("2501.00001", "Group Relative Policy Optimization for Math Reasoning",
                 "We propose GRPO, a critic-free variant of PPO. Fine-tuning Qwen3-8B with GRPO reaches 87.2% on MATH-500.",
                 date="2025-01-14", url="https://arxiv.org/abs/2501.00001")
    s = "We propose GRPO, a critic-free variant of PPO."
    b.link(p1, grpo, "proposes", s)
    b.link(p1, ppo, "comparesWith", s)
    s = "Fine-tuning Qwen3-8B with GRPO reaches 87.2% on MATH-500."
    b.link(p1, qwen8, "uses", s)
    b.link(p1, math500, "evaluatesOn", s)
    b.result(p1, qwen8, math500, "accuracy", 87.2, "%")

    p2 = b.paper("2502.00002", "Scaling GRPO to Long Chain-of-Thought",
                 "We train DeepSeek-R1 style reasoners with GRPO and long chain-of-thought on OpenR1-Math, "
                 "and evaluate on AIME 2024 and MATH-500.",
                 date="2025-02-03", url="https://arxiv.org/abs/2502.00002")
    s = "We train DeepSeek-R1 style reasoners with GRPO and long chain-of-thought on OpenR1-Math, and evaluate on AIME 2024 and MATH-500."
    b.link(p2, grpo, "uses", s)
    b.link(p2, cot, "uses", s)
    b.link(p2, r1, "comparesWith", s)
    b.link(p2, openr1, "uses", s)
    b.link(p2, aime, "evaluatesOn", s)
    b.link(p2, math500, "evaluatesOn", s)
    b.result(p2, grpo, aime, "pass@1", 43.3, "%")

    p3 = b.paper("2503.00003", "SimPO: Simple Preference Optimization",
                 "SimPO removes the reference model of DPO. Trained on UltraFeedback it beats DPO on AlpacaEval 2.",
                 date="2025-03-20", url="https://arxiv.org/abs/2503.00003")
    b.link(p3, simpo, "proposes", "SimPO removes the reference model of DPO.")
    b.link(p3, dpo, "comparesWith", "SimPO removes the reference model of DPO.")
    s = "Trained on UltraFeedback it beats DPO on AlpacaEval 2."
    b.link(p3, uf, "uses", s)
    b.link(p3, alpaca, "evaluatesOn", s)
    b.result(p3, simpo, alpaca, "win rate", 44.7, "%")

    p4 = b.paper("2503.00004", "LoRA Fine-Tuning of Llama-3.1-8B on GSM8K",
                 "We fine-tune Llama-3.1-8B with LoRA on GSM8K and report accuracy on MMLU.",
                 date="2025-03-28", url="http://example.org/papers/4")
    s = "We fine-tune Llama-3.1-8B with LoRA on GSM8K and report accuracy on MMLU."
    b.link(p4, llama8, "uses", s)
    b.link(p4, lora, "uses", s)
    b.link(p4, gsm, "uses", s)
    b.link(p4, mmlu, "evaluatesOn", s)
    b.result(p4, llama8, mmlu, "accuracy", 66.1, "%")

    p5 = b.paper("2504.00005", "PPO or DPO? Revisiting Preference Learning",
                 "We compare PPO and DPO on Qwen3-8B and Llama-3.1-8B.", date="2025-04-09")
    s = "We compare PPO and DPO on Qwen3-8B and Llama-3.1-8B."
    b.link(p5, ppo, "comparesWith", s)
    b.link(p5, dpo, "comparesWith", s)
    b.link(p5, qwen8, "uses", s)
    b.link(p5, llama8, "uses", s)

    p6 = b.paper("2505.00006", "Reasoning Distillation from DeepSeek-R1",
                 "Distilling DeepSeek-R1 into Qwen3 gives strong MATH-500 and AIME 2024 scores.",
                 date="2025-05-15", url="https://arxiv.org/abs/2505.00006")
    s = "Distilling DeepSeek-R1 into Qwen3 gives strong MATH-500 and AIME 2024 scores."
    b.link(p6, r1, "uses", s)
    b.link(p6, qwen3, "uses", s)
    b.link(p6, math500, "evaluatesOn", s)
    b.link(p6, aime, "evaluatesOn", s)

    p7 = b.paper("2506.00007", "GRPO Without Group Normalisation",
                 "A study of GRPO advantages on GSM8K and MATH-500.", date="2025-06-30")
    s = "A study of GRPO advantages on GSM8K and MATH-500."
    b.link(p7, grpo, "evaluatesOn", s)
    b.link(p7, gsm, "evaluatesOn", s)
    b.link(p7, math500, "evaluatesOn", s)
    b.result(p7, grpo, math500, "accuracy", 85.0, "%")

    p8 = b.paper("2507.00008", "Chain-of-Thought Prompting Revisited",
                 "CoT prompting still helps on MMLU.", date="2025-07-07", url="https://arxiv.org/abs/2507.00008")
    b.link(p8, cot, "evaluatesOn", "CoT prompting still helps on MMLU.", mention="CoT")
    b.link(p8, mmlu, "evaluatesOn", "CoT prompting still helps on MMLU.")

    p9 = b.paper("2508.00009", "A Survey of Preference Optimisation",
                 "We survey DPO, SimPO and PPO-based RLHF.", date=None, url="https://arxiv.org/abs/2508.00009")
    s = "We survey DPO, SimPO and PPO-based RLHF."
    b.link(p9, dpo, "mentions", s)
    b.link(p9, simpo, "mentions", s)
    b.link(p9, ppo, "mentions", s)

    b.paper("2509.00010", "Notes on Nothing in Particular", "This abstract names no method at all.",
            date="2025-09-02", url="https://arxiv.org/abs/2509.00010")  # a paper with no entity
    return b.done()


def hostile_graph() -> nx.MultiDiGraph:
    """Every string a page shows carries a payload; ids, URLs, evidence and results included."""
    b = GraphBuilder()
    P = PAYLOADS
    grpo = b.entity("Method", "GRPO", [P[0], "Group Relative " + P[2]], iri=f"{KGR}method/{P[0]}")
    evil = b.entity("Method", P[1], [P[3]], iri=f"{KGR}method/{P[5]}")
    model = b.entity("Model", "Qwen3-8B" + P[2], [P[4]])
    bench = b.entity("Benchmark", "MATH-500 " + P[6])
    data = b.entity("Dataset", P[3])
    p1 = b.paper(P[0], P[0] + " title", "abstract " + P[1] + " " + P[2],
                 date=P[3], url="javascript:window.__pwned=1", iri=f"{KGR}paper/{P[0]}")
    s = f"We propose GRPO {P[0]} and {P[1]} on MATH-500 {P[6]} with Qwen3-8B{P[2]}."
    b.link(p1, grpo, "proposes", s, mention="GRPO")
    b.link(p1, evil, "uses", s, mention=P[1])
    b.link(p1, model, "uses", s, mention="Qwen3-8B" + P[2])
    b.link(p1, bench, "evaluatesOn", s, mention="MATH-500 " + P[6])
    b.link(p1, data, "mentions", P[3] + " in a sentence \U0001F600 with an emoji", mention=P[3])
    b.result(p1, model, bench, P[2], 1.0, P[0])
    p2 = b.paper(P[5], P[4], P[5], url="JaVaScRiPt:window.__pwned=1", iri=f"{KGR}paper/{P[5]}")
    b.link(p2, grpo, "evaluatesOn", "GRPO again \u2028 with a line separator " + P[5], mention="GRPO")
    b.link(p2, data, "uses")
    p3 = b.paper("p3", P[6], "data url", url="data:text/html,<script>parent.__pwned=1</script>")
    b.link(p3, evil, "comparesWith", P[1], mention=P[1])
    p4 = b.paper("p4", "a safe link", "https", url="https://example.org/?q=" + P[0])
    b.link(p4, model, "uses")
    b.variant(model, evil)
    return b.done()


def synthetic_graph(n_papers: int = 90, n_entities: int | None = None, seed: int = 0) -> nx.MultiDiGraph:
    """A random corpus: each paper links 3-9 entities drawn with Zipf-like popularity.

    The default is the bundled sample's size (90 abstracts); entities no paper picked are dropped.
    """
    rng = random.Random(seed)
    n_entities = n_entities or max(20, int(n_papers * 3.2))
    kinds = ["Method"] * 45 + ["Model"] * 25 + ["Dataset"] * 15 + ["Benchmark"] * 15
    relations = ["proposes"] * 1 + ["evaluatesOn"] * 3 + ["comparesWith"] * 2 + ["uses"] * 5 + ["mentions"] * 3
    b = GraphBuilder()
    ents = [b.entity(rng.choice(kinds), f"Entity-{i}", [f"E{i}"]) for i in range(n_entities)]
    weights = [1 / (i + 1) ** 0.9 for i in range(n_entities)]
    for p in range(n_papers):
        pid = b.paper(f"2509.{p:05d}", f"Synthetic paper {p} on things", "Abstract. " * 20,
                      date=f"2025-{1 + p % 9:02d}-{1 + p % 28:02d}", url=f"https://arxiv.org/abs/2509.{p:05d}")
        chosen = set(rng.choices(range(n_entities), weights=weights, k=rng.randint(3, 9)))
        for e in sorted(chosen):
            label = f"Entity-{e}"
            b.link(pid, ents[e], rng.choice(relations), f"In this paper we discuss {label} at some length.", label)
        benches = [e for e in chosen if b.g.nodes[ents[e]]["kind"] == "Benchmark"]
        if benches and rng.random() < 0.4:
            b.result(pid, ents[min(chosen)], ents[benches[0]], "accuracy", round(rng.uniform(20, 95), 1), "%")
    g = b.done()
    g.remove_nodes_from([n for n in ents if g.nodes[n]["paper_count"] == 0])
    return g
