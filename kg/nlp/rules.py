"""Pure functions behind the spaCy components: name shapes, abbreviation pairing, cue words.

Nothing here knows about a particular abstract: these are general rules of how ML papers write
names ("Qwen2.5-Math-7B", "Group Relative Policy Optimization (GRPO)", "X, a benchmark of ...").
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from kg.types import EntityType, Relation

# ---------------------------------------------------------------- name shapes

_HAS_LETTER = re.compile(r"[A-Za-z]")
_INNER_UPPER = re.compile(r".[A-Z]")
_LETTER_DIGIT = re.compile(r"[A-Za-z].*\d|\d.*[A-Za-z]")
_SIZE = re.compile(r"(?:^|[\-_\s])(?:\d+(?:\.\d+)?|\d+x\d+)[BMT]\b|\b\d+(?:\.\d+)?[bm]$")
_DATA_SIZE = re.compile(r"[\-_](?:\d+(?:\.\d+)?[kKM])$")
_DIMENSIONAL = re.compile(r"^[1-4]D-?[A-Z](?=[^-]*[A-Z])[A-Za-z0-9\-]*[A-Za-z0-9]$")
_NOT_NAME_CHAR = re.compile(r"[^\w.\-+/&'’:@]")
_SECTION_REF = re.compile(r"^[A-Z]\.\d+(?:\.\d+)*$")
_PURE_NUMBERISH = re.compile(r"^[\d.,x×%+\-]+[A-Za-z]{0,2}$")
# naming conventions of the field: "-Net", "BERT", "LM", "Former", "GPT" end model names;
# "PO", "RL", "Tuning" end method names
_MODEL_SHAPE = re.compile(r"(?:Net|NET|Nets|BERT|Bert|GPT|LMs?|[fF]ormer|GAN|VAE|Transformer|Diffusion|CLIP|ViT)(?:[\-\s]?v?\d+(?:\.\d+)?)?s?$|(?:^|-)(?:base|large|small|tiny|xl|xxl|Base|Large|Small|XL)$|\s(?:BASE|LARGE|SMALL|TINY|MINI|XLARGE)$"
                          # release suffixes of the reasoning/vision-language model era: "SophiaVL-R1", "Keye-VL"
                          r"|-(?:R1|R1V|VL|VLM|Chat|Instruct|Coder|Reasoner|Omni)(?:[\-\s]?v?\d+(?:\.\d+)?)?$")
_METHOD_SHAPE = re.compile(r"(?:PO|RL|RLHF|Tuning|tuning|Prompting|prompting|Search|Decoding|Sampling|Distill|Training)$")
_BENCH_SHAPE = re.compile(r"bench|eval\b|Eval|Arena|QA$|QA\b|-Hard|Hard$|Test$|Exam|Olympiad|Leaderboard|Bench", re.I)
_DATASET_SHAPE = re.compile(r"(?:Corpus|Dataset|Data|Set|Instruct-\d+[kK]?|\d+[kK])$")

# version/size words that continue a model name: "Gemini 2.5 Flash", "Claude Sonnet 4", "Llama 3 70B"
MODEL_CONTINUATION = re.compile(
    r"^(?:v?\d+(?:\.\d+)*[a-z]?|\d+(?:\.\d+)?[BMKbmk]|\d+x\d+[Bb]|Pro|Flash|Mini|mini|Turbo|Instruct|Chat|"
    r"Sonnet|Opus|Haiku|Medium|Large|Small|Base|Ultra|Nano|Lite|Max|Plus|Coder|Math|VL|Vision|"
    r"Thinking|Preview|Exp|XL|XXL|Omni|Scout|Maverick|Air|Distill|Reasoner|R1|V2|V3|V3\.\d|base|large|small|tiny|xl|"
    # size words in capitals, as papers print them: "XLNet LARGE", "LayoutLMv2 BASE"
    r"BASE|LARGE|SMALL|TINY|MINI|MEDIUM|XLARGE|HUGE)$"
)


def is_footnote_number(tok: str) -> bool:
    """A bare number too large to be a version: "KorBERT 69 from ETRI" cites footnote 69, while
    "Llama 3" and "Claude 3.5" are versions.

    >>> is_footnote_number("69"), is_footnote_number("3"), is_footnote_number("3.5"), is_footnote_number("70B")
    (True, False, False, False)
    """
    return tok.isdigit() and int(tok) > 12


# "GRPO-based", "RL-trained", "CoT-style": the name is the part before the suffix
COMPOUND_SUFFIX = re.compile(
    r"-(?i:based|driven|free|trained|tuned|style|like|guided|level|aware|specific|centric|powered|enhanced|"
    r"augmented|generated|only|native|induced|distilled|aligned|generated|inspired|oriented|enabled|"
    r"related|type|compatible|friendly|scale|sized|series|family|as-a-judge|boosted|assisted|infused|"
    r"equipped|empowered|integrated|specialized|specialised|focused|centered|agnostic|dependent)$"
)
_URLISH = re.compile(r"(?:https?://|www\.|\.(?:com|org|io|ai|net|edu)\b|/)", re.I)


def strip_compound(tok: str) -> str:
    """'GRPO-based' -> 'GRPO'; other tokens unchanged."""
    return COMPOUND_SUFFIX.sub("", tok)


def strip_plural(tok: str) -> str:
    """'CoTs' -> 'CoT', 'LLMs' -> 'LLM' (an acronym with a plural s)."""
    if len(tok) >= 3 and tok.endswith("s") and tok[-2].isupper():
        return tok[:-1]
    return tok


_FUNCTION_WORDS = {"of", "a", "an", "the", "and", "to", "in", "for", "with", "on"}
# what may follow a benchmark name as part of it: "AIME 2024", "GPQA Diamond", "SWE-bench Verified"
YEAR = re.compile(r"^(?:19|20)\d\d$")
BENCH_CONTINUATION = re.compile(r"^(?:(?:19|20)\d\d|Diamond|Verified|Lite|Hard|Pro|Full|Mini|Extended|Test|Dev|Main|"
                                # a release: "News Commentary v13", "SQuAD v1.1", "SQuAD 2.0"
                                r"[vV]\d+(?:\.\d+)*|\d+\.\d+)$")


def is_capitalised_compound(tok: str) -> bool:
    """'Actor-Critic', 'Tree-of-Thought', 'Pick-a-Pic': hyphenated words, each capitalised
    (function words aside). Names in running text; in a Title Case title they mean nothing."""
    parts = tok.split("-")
    if len(parts) < 2 or not all(p.isalpha() for p in parts):
        return False
    return all(p[0].isupper() or p in _FUNCTION_WORDS for p in parts) and parts[0][0].isupper() and parts[-1][0].isupper()


def is_name_shape(tok: str) -> bool:
    """True for tokens shaped like ML names: GRPO, ThinkTuning, GPT-4o, Qwen3-8B, MATH-500, AIME24/25.

    >>> [is_name_shape(t) for t in ("GRPO", "ThinkTuning", "Qwen3-8B", "Transformer", "we", "3B")]
    [True, True, True, False, False, False]
    """
    if len(tok) < 2 or not _HAS_LETTER.search(tok) or _PURE_NUMBERISH.match(tok):
        return False
    if _NOT_NAME_CHAR.search(tok):
        return False  # "k∈[K", "K×K", "x^2": mathematics, not a name
    if tok[0].isdigit() and _DIMENSIONAL.match(tok):
        return True  # "2DSCN", "3DGS", "3D-UNet": a dimension prefixed to a name
    if tok[0] in "-/." or tok[0].isdigit() or "://" in tok or tok.startswith("www."):
        return False
    if _SECTION_REF.match(tok):
        return False  # "A.1", "B.2.3": appendix and section numbers
    if "-" in tok and all(p.isalpha() for p in tok.split("-") if p):
        # a hyphenated compound of words ("Human-AI", "Self-Taught", "Post-training") is a name only
        # when one part is itself shaped like a name (Auto-CEI, Kwai-Keye)
        parts = [p for p in tok.split("-") if p]
        return any(len(p) >= 2 and (_INNER_UPPER.search(p)) for p in parts if p.upper() != "AI")
    if _INNER_UPPER.search(tok):
        return True
    if tok[0].isupper() and _LETTER_DIGIT.search(tok):
        return True
    return False


def has_data_size(name: str) -> bool:
    """'OpenR1-Math-220k': a sample count in the name marks a dataset whatever its role."""
    return bool(_DATA_SIZE.search(name))


def shape_type(name: str) -> EntityType | None:
    """A type suggested by the name alone, or None."""
    if _BENCH_SHAPE.search(name):
        return EntityType.BENCHMARK
    if _SIZE.search(name):
        return EntityType.MODEL
    if _DATA_SIZE.search(name) or _DATASET_SHAPE.search(name):
        return EntityType.DATASET
    if _MODEL_SHAPE.search(name):
        return EntityType.MODEL
    if _METHOD_SHAPE.search(name):
        return EntityType.METHOD
    return None


# ---------------------------------------------------------------- head-noun frames

# "the Boston Housing dataset", "Penn Treebank corpus": capitalised words right before a singular
# data noun name a data set, even when no word of the name is shaped like one
DATA_FRAME_HEADS = {"dataset", "corpus", "treebank", "database", "benchmark", "collection"}
# "the Protein and Higgs datasets": coordinated names before a plural data noun
PLURAL_DATA_HEADS = {"datasets", "corpora", "benchmarks"}
# first words that are not part of such a name
FRAME_DETERMINERS = {"the", "this", "that", "these", "those", "our", "their", "its", "a", "an", "each", "every",
                     "both", "all", "any", "new", "original", "full", "entire", "whole", "same", "other",
                     "another", "public", "standard", "popular", "large", "small", "real", "synthetic",
                     "training", "test", "validation", "dev", "evaluation", "target", "source", "second", "first",
                     "final", "main", "following", "above", "resulting", "proposed", "existing", "open",
                     "benchmark", "dataset", "corpus", "data", "in", "on", "for", "of", "from", "with", "using"}
# words that describe data without naming it: languages, domains, modalities
DESCRIPTIVE_WORDS = re.compile(
    r"^(?:english|chinese|korean|japanese|german|french|spanish|italian|portuguese|dutch|russian|arabic|hindi|"
    r"urdu|bengali|bangla|tamil|telugu|kannada|malayalam|marathi|gujarati|punjabi|nepali|romanian|turkish|"
    r"persian|vietnamese|thai|indonesian|swahili|greek|polish|czech|hebrew|finnish|swedish|danish|norwegian|"
    r"multilingual|monolingual|bilingual|cross-?lingual|parallel|benchmark|evaluation|training|test|"
    r"image|text|video|audio|speech|medical|clinical|legal|financial|biomedical|scientific|news|web|"
    r"subtask|task|context|question|answer|domain|general|custom|internal|private|public)$",
    re.I,
)


def frame_name_ok(words: list[str]) -> bool:
    """Whether capitalised `words` before a data noun read as a name ("Boston Housing") rather than a
    description ("Korean NLI", "English").

    >>> frame_name_ok(["Boston", "Housing"]), frame_name_ok(["Korean"]), frame_name_ok(["English", "Twitter"])
    (True, False, True)
    """
    content = [w for w in words if not DESCRIPTIVE_WORDS.match(w)]
    return bool(content) and all(w[:1].isupper() or w[:1].isdigit() or w in ("-", "/", "&", "of")
                                 for w in words)


# ---------------------------------------------------------------- type nouns

TYPE_NOUNS: dict[str, EntityType] = {}
for _w in ("benchmark", "benchmarks", "suite", "leaderboard", "testbed", "test-bed", "arena", "evaluation", "exam"):
    TYPE_NOUNS[_w] = EntityType.BENCHMARK
for _w in ("dataset", "datasets", "corpus", "corpora", "data", "collection"):
    TYPE_NOUNS[_w] = EntityType.DATASET
for _w in ("model", "models", "llm", "llms", "checkpoint", "checkpoints", "family", "lrm", "vlm", "mllm",
           "assistant", "chatbot", "encoder", "decoder", "classifier", "network", "networks", "agent",
           "architecture", "transformer", "autoencoder", "backbone"):
    TYPE_NOUNS[_w] = EntityType.MODEL
for _w in ("framework", "method", "methods", "algorithm", "approach", "technique", "strategy", "paradigm",
           "pipeline", "objective", "loss", "procedure", "mechanism", "recipe", "scheme", "protocol",
           "prompting", "module", "system", "toolkit", "library", "tool", "policy",
           "optimizer", "optimization", "regularizer", "estimator", "decoding", "search", "training"):
    TYPE_NOUNS.setdefault(_w, EntityType.METHOD)

# long-form heads that make a definition a method ("Group Relative Policy Optimization")
METHOD_HEADS = re.compile(
    r"(?:learning|optimi[sz]ation|tuning|fine-?tuning|distillation|prompting|decoding|search|sampling|"
    r"training|attention|regulari[sz]ation|augmentation|feedback|iteration|thought|thoughts|"
    r"policy|estimation|generation|retrieval|inference|merging|quantization|pruning|scaling|"
    r"embedding|embeddings|descent|propagation|algorithm|method|"
    r"framework|approach|mechanism|planning|reward|rewards|loss|objective|gradient|gradients|matching|modell?ing)$",
    re.I,
)
# long forms that name a task or a research problem, not a thing ("mathematical reasoning (MR)")
TASK_HEADS = re.compile(
    r"(?:reasoning|understanding|answering|recognition|detection|classification|segmentation|"
    r"translation|summari[sz]ation|hallucination|alignment|intelligence|processing|vision|"
    r"problem|problems|task|tasks|models|systems|agents|tracking|analysis|prediction|forecasting|"
    r"interaction|navigation|mind|action|accuracy|latency|token|behaviou?r|safety|robustness|fairness|"
    r"privacy|efficiency|preservation|awareness|capabilit(?:y|ies)|ability|abilities|questioning|"
    r"parsing|tagging|labell?ing|extraction|linking|resolution)$"
    # metrics: "Mean Reciprocal Rank (MRR)", "Inception Score (IS)", "bit-error-rate (BER)"
    r"|(?:^|[\s-])(?:score|scores|rate|rank|distance|error|perplexity|f1|precision|recall|divergence|metric|ratio)$",
    re.I,
)

# ---------------------------------------------------------------- relation cues (lower-case lemmas/prefixes)

PROPOSE_VERBS = re.compile(
    r"^(?:propose[sd]?|proposing|introduce[sd]?|introducing|present[sed]*|presenting|develop(?:s|ed)?|"
    r"design(?:s|ed)?|release[sd]?|releasing|contribute[sd]?|construct(?:s|ed)?|curate[sd]?|create[sd]?|"
    r"build|builds|built|establish(?:es|ed)?|offer(?:s|ed)?|unveil(?:s|ed)?|launch(?:es|ed)?)$",
    re.I,
)
NAMING_WORDS = {"called", "named", "dubbed", "termed", "coined", "call", "name", "term", "dub"}
COMPARE_CUES = re.compile(
    r"^(?:outperform\w*|surpass\w*|beat\w*|exceed\w*|than|over|versus|vs\.?|against|baselines?|"
    r"compare[sd]?|comparing|comparison|comparable|rival\w*|relative|outpac\w*|trail\w*|competitive)$",
    re.I,
)
EVAL_CUES = re.compile(
    r"^(?:evaluat\w*|benchmark\w*|test\w*|achiev\w*|score\w*|accuracy|results?|performance|pass@\d+|"
    r"experiments?|on|across|including|sota|state-of-the-art)$",
    re.I,
)
USE_CUES = re.compile(
    r"^(?:us(?:e|es|ed|ing)|based|built|build\w*|fine-?tun\w*|finetun\w*|train\w*|appl(?:y|ies|ied|ying)|"
    r"leverag\w*|adopt\w*|employ\w*|via|with|through|initiali[sz]\w*|distill\w*|extend\w*|"
    r"integrat\w*|incorporat\w*|combin\w*|adapt\w*|optimi[sz]\w*|prompt\w*|on|from|study|studies|"
    r"analy[sz]\w*|investigat\w*|examin\w*|experiment\w*|backbone|base)$",
    re.I,
)
FIRST_PERSON = re.compile(r"^(?:we|our|ours|us|this|here|experiments?|results?|extensive|empirical\w*)$", re.I)
TRAIN_FRAMES = re.compile(r"^(?:trained|train|training|fine-?tuned|finetuned|pre-?trained|distilled|collected|curated|sampled|drawn)$", re.I)
EVAL_FRAMES = re.compile(r"^(?:evaluated|evaluate|evaluating|evaluation|tested|test|benchmarks?|achieves?|achieving|accuracy|scores?|results?|performance|improvements?|gains?)$", re.I)
CLAUSE_BREAK = {";", ":", "which", "that", "while", "whereas", "but", "although"}

# ---------------------------------------------------------------- abbreviations


@dataclass(frozen=True)
class Abbreviation:
    short: str
    short_start: int
    long: str
    long_start: int


_PAREN = re.compile(r"\(([^()]{1,80})\)")
_SHORT_OK = re.compile(r"^(?=.*[A-Z])[A-Za-z0-9][\w.+\-/]{0,14}[A-Za-z0-9+]?$")
_WORD = re.compile(r"\S+")
_LEADING_JUNK = re.compile(r"^(?:the|a|an|our|this|these|their|its|novel|new|called|named|termed|dubbed|using|via|with|of|for|and|to|by|in|on)\s+", re.I)


# letters that no Unicode decomposition takes to a Latin base letter
_NO_DECOMPOSITION = str.maketrans("łŁøØđĐħĦı", "lLoOdDhHi")


@lru_cache(maxsize=4096)
def _base_letter(c: str) -> str:
    """A letter without its accent, in lower case: "Ł" and "É" spell an acronym's "L" and "E"."""
    return unicodedata.normalize("NFKD", c.translate(_NO_DECOMPOSITION))[:1].lower() or c


def _fold(text: str) -> str:
    """`text` with every letter a `_base_letter` (as long as `text`: indices stay valid)."""
    return text.lower() if text.isascii() else "".join(map(_base_letter, text))


def _best_long_form(short: str, candidate: str) -> str | None:
    """Schwartz & Hearst (2003): the shortest tail of `candidate` whose letters contain `short`'s
    letters in order, the first one at a word start."""
    chars = [c for c in _fold(short) if c.isalnum()]
    if not chars:
        return None
    folded = _fold(candidate)
    s = len(chars) - 1
    i = len(candidate) - 1
    while s >= 0:
        c = chars[s]
        while i >= 0 and (folded[i] != c or (s == 0 and i > 0 and candidate[i - 1].isalnum())):
            i -= 1
        if i < 0:
            return None
        i -= 1
        s -= 1
    start = max(candidate.rfind(" ", 0, i + 1), candidate.rfind("\n", 0, i + 1)) + 1
    return candidate[start:]


_WORD_PARTS = re.compile(r"[^\W_]+")


def _initials_long_form(short: str, segment: str, found: str) -> str:
    """A longer tail of `segment` whose words' initials spell `short`, where the shortest tail that
    merely contains its letters (`found`) falls short: "Proximal Policy Optimization (PPO)", not
    "Policy Optimization", whose "p" of "Optimization" also fits Schwartz & Hearst's rule."""
    want = "".join(c for c in _fold(short) if c.isalnum())
    words = segment.split()
    n_found = len(found.split())
    for n in range(n_found + 1, min(len(words), len(want) + 2) + 1):
        tail = words[-n:]
        initials = "".join(_base_letter(part[0]) for w in tail for part in _WORD_PARTS.findall(w))
        if initials == want:
            return " ".join(tail)
    return found


# the last "we <verb>" of a segment, with an object pronoun ("we call it", "we name them")
_LAST_WE_VERB = re.compile(r"(?i)\bwe\s+[a-z]+(?:\s+(?:it|them|this|these))?\s+(?!.*\bwe\s)")


def _after_comma(short: str, segment: str) -> str | None:
    """Schwartz & Hearst's long form, looked for first after the segment's last comma: a
    definition rarely spans one ("..., reinforcement learning (RL)"), and when the text after the
    comma cannot hold the letters the whole segment is tried ("Planning, Acting and Reflecting")."""
    comma = segment.rfind(", ")
    if comma >= 0 and (lf := _best_long_form(short, segment[comma + 2:])):
        return lf
    return _best_long_form(short, segment)


def spells(short: str, long: str) -> bool:
    """Whether a one-word long form spells `short`: each capital or digit of `short` at a capital,
    a digit or the start of a part of `long`, its small letters anywhere after ("ThinkNet (TN)",
    "chain-of-thought (CoT)", "reward-model-based (RM-based)"), but not "Rixdel3au (RL)", whose "l"
    is just a letter inside a word."""
    folded = _fold(long)
    marks = [(folded[i], c.isupper() or c.isdigit() or i == 0 or not long[i - 1].isalnum())
             for i, c in enumerate(long) if c.isalnum()]
    j = 0
    for c in short:
        if not c.isalnum():
            continue
        need_mark = not c.islower()
        while j < len(marks) and (marks[j][0] != _base_letter(c) or (need_mark and not marks[j][1])):
            j += 1
        if j == len(marks):
            return False
        j += 1
    return True


def _loose(short: str, long: str) -> bool:
    """A long form that spans a comma or has more words than its acronym has letters, plus one:
    Schwartz & Hearst's rule finds the letters scattered over a clause there ("balances robustness
    by incorporating Zorb (BRZ)")."""
    return "," in long or " -- " in long or len(long.split()) > sum(c.isalnum() for c in short) + 1


def _initials_spell(short: str, long: str) -> bool:
    """Whether every letter of `short` starts a word or a part of one in `long`, in order
    ("Planning, Acting and Reflecting (PAR)")."""
    it = iter(p[0] for p in _WORD_PARTS.findall(_fold(long)))
    return all(c in it for c in _fold(short) if c.isalnum())


def _clean_long(long: str) -> str:
    long = long.strip(" ,;:\"'“”")
    prev = None
    while prev != long:
        prev = long
        long = _LEADING_JUNK.sub("", long)
    return long


def find_abbreviations(text: str) -> list[Abbreviation]:
    """Definitions "Long Form (SHORT)" and "SHORT (Long Form)" in `text`, with char offsets."""
    out: list[Abbreviation] = []
    for m in _PAREN.finditer(text):
        inner = m.group(1).strip()
        inner_start = m.start(1) + (len(m.group(1)) - len(m.group(1).lstrip()))
        if ";" in inner or "," in inner and len(inner.split()) < 3:
            inner = re.split(r"[;,]", inner)[0].strip()
        words = inner.split()
        if 1 <= len(words) <= 2 and _SHORT_OK.match(inner.replace(" ", "")) and len(inner) <= 15:
            # Long Form (SHORT)
            nwords = min(len(inner) + 5, len(inner) * 2)
            # only the last few words can be the long form: look at a bounded window, so a huge
            # text with thousands of parentheses stays linear
            before = text[max(0, m.start() - 40 * nwords): m.start()].rstrip()
            cand_words = list(_WORD.finditer(before))[-nwords:]
            if not cand_words:
                continue
            cstart = cand_words[0].start()
            # never reach back across a sentence or clause end
            segment = before[cstart:]
            cut = max(segment.rfind(". "), segment.rfind("; "), segment.rfind(": "), segment.rfind("("), segment.rfind(")"))
            if cut >= 0:
                cstart += cut + 2
                segment = before[cstart:]
            if (nl := segment.rfind("\n")) >= 0:  # nor across a line (a title's end)
                cstart += nl + 1
                segment = before[cstart:]
            # nor back past "we propose"/"we call it": what follows is the name ("In this work,
            # we propose Zorblat (ZB)" defines Zorblat, never "work, we propose Zorblat")
            if (we := _LAST_WE_VERB.search(segment)) is not None:
                cstart += we.end()
                segment = before[cstart:]
            lf = _after_comma(inner, segment)
            if not lf:
                continue
            lf = _initials_long_form(inner, segment, lf)
            lf = _clean_long(lf)
            if len(lf.split()) < 2 and len(lf) <= len(inner) + 1:
                continue
            # a one-word long form, or one of a two-letter acronym (the most ambiguous), must spell
            # it with capitals and word starts ("rule-based Zorb (RL)" is no definition of RL)
            if (len(lf.split()) < 2 or sum(c.isalnum() for c in inner) <= 2) and not spells(inner, lf):
                continue
            if _loose(inner, lf) and not _initials_spell(inner, lf):
                continue
            if len(lf) <= len(inner):
                continue
            lstart = before.rfind(lf)
            out.append(Abbreviation(inner, inner_start, lf, lstart + max(0, m.start() - 40 * nwords) if lstart >= 0 else -1))
        elif len(words) >= 2:
            # SHORT (Long Form)
            offset = max(0, m.start() - 40)
            before = text[offset: m.start()].rstrip()
            prev = list(_WORD.finditer(before))[-1:] if before else []
            if not prev:
                continue
            short = prev[0].group().strip(",;:\"'“”")
            if not _SHORT_OK.match(short) or len(short) > 15 or not any(c.isupper() for c in short):
                continue
            lf = _best_long_form(short, inner)
            if lf and lf == inner and len(lf) > len(short):
                out.append(Abbreviation(short, offset + prev[0].start(), inner, inner_start))
    return out


_PARTICIPLE = re.compile(r"^(?:speciali[sz]ed|trained|pre-?trained|fine-?tuned|finetuned|tuned|adapted|"
                         r"distilled|built|designed|optimi[sz]ed)$", re.I)
_MODEL_HEAD = re.compile(r"(?:transformer|transformers|network|networks|net|encoder|decoder|autoencoder|model|"
                         r"machine|lm|bert|gpt|gan)s?$", re.I)
_BENCH_HEAD = re.compile(r"(?:benchmark|evaluation|challenge|test|leaderboard|arena|suite|exam)$", re.I)
_DATA_HEAD = re.compile(r"(?:dataset|data|corpus|treebank|bank|collection|set)$", re.I)


def long_form_type(long: str) -> EntityType | None:
    """The type a definition's long form suggests from its head noun.

    >>> long_form_type("Non-Parametric Transformer"), long_form_type("Direct Preference Optimization")
    (<EntityType.MODEL: 'Model'>, <EntityType.METHOD: 'Method'>)
    """
    words = long.split()
    # "time-specific LMs specialized to Twitter data": a participle phrase modifies the head
    cut = next((i for i, w in enumerate(words) if i > 0 and _PARTICIPLE.match(w)), None)
    if cut is not None:
        words = words[:cut]
    head = words[-1].lower() if words else ""
    if _BENCH_HEAD.search(head):
        return EntityType.BENCHMARK
    if _DATA_HEAD.search(head):
        return EntityType.DATASET
    if _MODEL_HEAD.search(head):
        return EntityType.MODEL
    if head in TYPE_NOUNS and TYPE_NOUNS[head] is not EntityType.METHOD:
        return TYPE_NOUNS[head]
    if METHOD_HEADS.search(long):
        return EntityType.METHOD
    return None


def is_task_like(long: str) -> bool:
    """A long form that names a task, a problem or a generic class rather than a specific thing.

    A plural network name is a class when it says what kind of network ("deep neural networks",
    "convolutional networks"), and a named family of models when it coins a name ("Stochastic
    Configuration Networks", "Kolmogorov-Arnold Networks").

    >>> is_task_like("large language models"), is_task_like("reinforcement learning")
    (True, False)
    >>> is_task_like("graph neural networks"), is_task_like("Stochastic Configuration Networks")
    (True, False)
    """
    low = long.lower()
    if re.search(r"(?:models|systems|agents|methods|tasks|benchmarks|datasets)$", low):
        return True
    if re.search(r"networks$", low):
        return bool(_NETWORK_CLASS.search(low))
    return bool(TASK_HEADS.search(low)) and not METHOD_HEADS.search(low)


# words that make "... networks" a class of network rather than a coined name
_NETWORK_CLASS = re.compile(r"(?:^|[\s-])(?:neural|deep|convolutional|recurrent|residual|feed-?forward|"
                            r"adversarial|generative|graph|attention|memory|belief|capsule|spiking|"
                            r"bayesian|siamese|pyramid|hopfield|connected|linear|sparse|dense|wide|shallow|"
                            r"multilayer|multi-layer|artificial|large|small|trained|pretrained|pre-trained)\s+networks$")


RELATION_ORDER = list(Relation)
