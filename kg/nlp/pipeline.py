"""build_nlp(): spacy.blank("en") with a tokenizer that keeps ML names whole, plus our components."""
from __future__ import annotations

import re
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.util import compile_infix_regex, compile_suffix_regex

from kg.nlp.rules import COMPOUND_SUFFIX
from kg.nlp.sentences import TEXT_KEY

import kg.nlp.components  # noqa: F401  (registers the factories)

PIPE_NAMES = ("kg_sentences", "kg_entities")
#: Distinct whitespace-separated chunks whose tokens the tokeniser keeps (spaCy's default: 10,000)
TOKENIZER_CACHE_CHUNKS = 400_000
_NAME_WITH_COUNT = re.compile(r"^[A-Za-z][A-Za-z0-9.\-]*\d[KMGTkmgt]$")


def _keep_names_whole(nlp: Language) -> None:
    """Drop the infix rules that split on hyphens and slashes between letters, so that
    "Qwen2.5-Math-7B", "chain-of-thought" and "LiveBench/Code" are one token each."""
    infixes = [r for r in nlp.Defaults.infixes if "(?:-|–|—" not in r and "[:<>=/]" not in r and r"[+\-\*^]" not in r]
    # a dash used as punctuation ("observations--an ability", "ToM)—and") still splits
    infixes += [r"-{2,}", r"(?<=[^\W\d_]|[)\]])[—–](?=[^\W\d_]|\()", r"[)\]](?=-{2}|[—–])",
                # and a definition written without a space: "Chain-of-Thought(CoT)"
                r"(?<=[^\W\d_])\((?=[A-Z][^()\s]*\)?$)",
                # and a colon with no space after it between words: "The X Benchmark:Would an AI ..."
                r"(?<=[a-z]):(?=[A-Z][a-z])"]
    nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
    # ...but split off "-based"/"-style" compounds and an acronym's plural s, so that "GRPO-based"
    # and "CoTs" yield the names GRPO and CoT
    # and a sentence's full stop after a name ending in a capital ("named ConciseR.", "Qwen3-8B.");
    # spaCy splits it after two capitals ("MATH.") but keeps "U.S."
    suffixes = [COMPOUND_SUFFIX.pattern, r"(?<=[A-Z]{2})s$", r"(?<=[a-z][A-Z])s$", r"(?<=[a-z0-9][A-Z])\.$",
                *nlp.Defaults.suffixes]
    nlp.tokenizer.suffix_search = compile_suffix_regex(suffixes).search
    # ...and keep a count suffix inside a name: spaCy's unit suffixes (K, M, G, T, k, m, g, t) would
    # split "ImageNet-21K", "Flickr30K", "YFCC100M" into a name and a "unit"
    nlp.tokenizer.token_match = _NAME_WITH_COUNT.match
    # spaCy memoises the tokens of each whitespace-separated chunk, but only the first 10,000 it
    # sees, and entries that a rule change flushes still count towards that limit (preshed keeps
    # deleted cells in its fill count), so after the changes above barely any new chunk was cached:
    # half the tokeniser's time went to running the affix rules again on chunks it had seen. The
    # cache is exact (a chunk's tokens do not depend on its context) and costs about 60 bytes a
    # chunk; workers are replaced after `RECYCLE_AFTER_PAPERS`, which bounds it in practice.
    nlp.tokenizer.max_cache_size = TOKENIZER_CACHE_CHUNKS


def _remember_text(nlp: Language) -> None:
    """Keep each doc's input text in `user_data` (spaCy's `doc.text` joins every token anew, which
    costs as much as the rest of a doc's sentence lookups); the tokenizer is lossless, so the input
    text is `doc.text`."""
    make_doc = nlp.make_doc

    def make_doc_keeping_text(text: str):
        doc = make_doc(text)
        doc.user_data[TEXT_KEY] = text
        return doc

    nlp.make_doc = make_doc_keeping_text


def build_nlp(vocabulary_path: str | None = None, *, use_classifier: bool = True,
              classifier_path: str | None = None) -> Language:
    """A fresh pipeline. `vocabulary_path` swaps in another vocabulary file; `use_classifier=False`
    runs the rules alone (no statistical span typer)."""
    nlp = spacy.blank("en")
    _keep_names_whole(nlp)
    _remember_text(nlp)
    nlp.add_pipe("kg_sentences")
    nlp.add_pipe("kg_entities", config={"vocabulary_path": vocabulary_path, "use_classifier": use_classifier,
                                        "classifier_path": classifier_path})
    return nlp


@lru_cache(maxsize=1)
def default_nlp() -> Language:
    return build_nlp()
