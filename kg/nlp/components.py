"""spaCy components of the extraction pipeline, thin over kg.nlp.rules.

- `kg_sentences`: a line break (between title and abstract) always starts a sentence.
- `kg_entities`: finds candidate names (curated vocabulary, abbreviation definitions, ML name
  shapes, names coined after "we propose / called", model names with versions) and types each
  from its context. Writes `doc._.kg_candidates` (list of Candidate, char offsets) and
  `doc._.kg_abbreviations`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import compress

import numpy

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.pipeline.sentencizer import Sentencizer
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from kg.ids import name_key
from kg.nlp import rules
from kg.nlp.sentences import doc_text, sent_of, sentences
from kg.nlp.sentences import title_end as sentences_title_end
from kg.nlp.tokens import TokenView, token_view
from kg.nlp.vocab import Vocabulary, VocabEntry, default_vocabulary, load_vocabulary
from kg.types import EntityType

for _attr in ("kg_candidates", "kg_abbreviations"):
    if not Doc.has_extension(_attr):
        Doc.set_extension(_attr, default=None)


@dataclass(frozen=True)
class Candidate:
    """A name found in the text, typed, with where it is and why."""

    start: int
    end: int
    text: str
    label: str  # the name to use for the entity (vocabulary name, short form, or text)
    type: EntityType
    source: str  # vocab | abbrev | long | shape | coined | title | family
    type_cue: str
    long_form: str | None = None
    entry: VocabEntry | None = None


# ---------------------------------------------------------------- sentences


@Language.factory("kg_sentences", assigns=["token.is_sent_start"])
def make_sentence_breaks(nlp: Language, name: str):
    return _sentence_breaks


_SENTENCE_END = frozenset(Sentencizer.default_punct_chars)


def _sentence_breaks(doc: Doc) -> Doc:
    """Sentence starts from token texts in one pass over the ORTH array: spaCy's sentencizer rule
    (a sentence ends after final punctuation and the punctuation that follows it) plus a line break
    (between title and abstract) always starting a sentence. Same boundaries as the `sentencizer`
    pipe followed by a line-break rule, without a Python object per token.

    A full stop is no sentence end where the text goes on as one sentence: after "et al" ("Smith et
    al., 2019"), and before a comma or a word in lower case ("Fig. 3, ...", "vs. the baseline")."""
    n = len(doc)
    if not n:
        return doc
    tv = token_view(doc)
    kinds = _token_kinds(tv)
    starts = [-1] * n
    starts[0] = 1
    start, seen_end, after_break, prev = 0, False, False, 0
    for i, kind in enumerate(kinds):
        if after_break:
            starts[i] = 1
        if seen_end and not kind & (_PUNCT | _END):
            if kind & _GOES_ON:
                seen_end = False
            else:
                starts[start] = 1
                start, seen_end = i, False
        elif kind & _END:
            seen_end = not prev & _ABBREV
        elif seen_end and kind & _GOES_ON:
            seen_end = False  # "al.," / "Fig.;"
        after_break = kind & _BREAK
        prev = kind
    starts[start] = 1
    doc.from_array(["SENT_START"], numpy.array(starts, dtype=numpy.int64).astype(numpy.uint64))
    tv.sent_start = [s == 1 for s in starts]
    return doc


_PUNCT, _END, _BREAK, _GOES_ON, _ABBREV = 1, 2, 4, 8, 16
# words that a full stop abbreviates rather than ends a sentence after
_ABBREVIATED = frozenset({"al", "etc", "vs", "cf", "resp", "approx", "Fig", "fig", "Figs", "Eq", "eq", "Eqs",
                          "Sec", "Tab", "No", "e.g", "i.e", "Ref", "Refs", "Appx", "Dr", "Prof", "Mr", "Ms"})
_KIND_OF: dict[str, int] = {}  # token text -> kind bits


def _token_kinds(tv: TokenView) -> list[int]:
    if len(_KIND_OF) > 500_000:
        _KIND_OF.clear()
    kinds = list(map(_KIND_OF.get, tv.text))  # one pass in C; the few new words after
    if None in kinds:
        for i, k in enumerate(kinds):
            if k is None:
                text, punct = tv.text[i], tv.punct[i]
                kinds[i] = _KIND_OF[text] = ((_PUNCT if punct else 0) | (_END if text in _SENTENCE_END else 0)
                                             | (_BREAK if "\n" in text else 0)
                                             | (_GOES_ON if text in (",", ";") or text[:1].islower() else 0)
                                             | (_ABBREV if text in _ABBREVIATED else 0))
    return kinds


# ---------------------------------------------------------------- entities


@Language.factory(
    "kg_entities",
    default_config={"vocabulary_path": None, "classifier_path": None, "use_classifier": True},
    assigns=["doc._.kg_candidates", "doc._.kg_abbreviations"],
)
def make_entity_finder(nlp: Language, name: str, vocabulary_path: str | None, classifier_path: str | None = None,
                       use_classifier: bool = True):
    vocab = load_vocabulary(vocabulary_path) if vocabulary_path else default_vocabulary()
    classifier = None
    if use_classifier:
        from kg.nlp.classifier import load_classifier

        classifier = load_classifier(classifier_path)
    return EntityFinder(nlp, vocab, classifier)


def make_acronym_detector(nlp: Language, name: str):  # entry-point alias kept for discoverability
    return make_entity_finder(nlp, name, None)


class EntityFinder:
    def __init__(self, nlp: Language, vocab: Vocabulary, classifier=None):
        self.vocab = vocab
        self._flags: dict[str, tuple[bool, bool, bool, bool]] = {}
        self._cue_words: dict[str, bool] = {}  # token text -> may start a coined name
        # optional statistical span typer (kg.nlp.classifier): consulted only where the rules'
        # cues are weak (the cues in its `cues`); returns a type, None to keep the rule's type,
        # or False for "not an entity"
        self.classifier = classifier
        self.exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.lower = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.entry_of: dict[str, VocabEntry] = {}
        # match keys of capitalised names of things ("Natural Questions", "Deep Equilibrium Model")
        # that read as plain words in lower case ("make natural questions", "deep equilibrium models")
        self.cased_thing: set[str] = set()
        exact, lower = [], []
        self.surfaces = {surface for surface, _ in vocab.surface_forms()}
        self._frame_head_words = frozenset(rules.DATA_FRAME_HEADS | rules.PLURAL_DATA_HEADS)
        for surface, entry in vocab.surface_forms():
            for form in _variants(surface):
                key = f"{len(exact) + len(lower)}"
                self.entry_of[key] = entry
                if entry.type is not EntityType.METHOD and form != form.lower() and " " in form \
                        and all(w[:1].isupper() and w[1:].islower() for w in form.split()):
                    self.cased_thing.add(key)
                doc = nlp.make_doc(form)
                # all-lower-case names, and names of several words ("Big Bench", "Deepmind control
                # suite"), match in any case; a one-word name with capitals (MATH, DROP) only as written
                (lower if form == form.lower() or len(doc) > 1 else exact).append((key, doc))
        for key, doc in exact:
            self.exact.add(key, [doc])
        for key, doc in lower:
            self.lower.add(key, [doc])
        # first words of model names ("Llama", "Gemini", "Claude") start versioned names
        self.family_words_ci = set()
        # first words of model names that are ordinary words ("Sentence"-BERT, "Segment" Anything,
        # "Code" Llama, "Universal" Sentence Encoder): they start a model name only with a version
        forms: dict[str, set[str]] = {}
        self.family_words = {
            e.name.split()[0].split("-")[0].lower() for e in vocab.entries
            if e.type is EntityType.MODEL and e.name[:1].isupper() and e.name.split()[0].split("-")[0].isalpha()
        }
        for e in vocab.entries:
            if e.type is EntityType.MODEL:
                # the name and its one-word spellings: a long form's first word ("Language-agnostic
                # BERT Sentence Embedding") or a two-letter prefix ("ST5") starts no family
                for s in (e.name, *(a for a in e.aliases if " " not in a)):
                    m = re.match(r"[A-Za-z]{2,}", s)
                    if m and (len(m.group()) >= 3 or s == e.name and len(s) == 2) and not self.vocab.is_generic(m.group()):
                        self.family_words_ci.add(m.group().lower())
                        forms.setdefault(m.group().lower(), set()).add(m.group())
        self.word_families = {w for w, fs in forms.items()
                              if all(_PLAIN_WORD.fullmatch(f) for f in fs) and self.vocab.lookup(w) is None}

    # -- candidates

    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)
        abbrevs = rules.find_abbreviations(text)
        doc._.kg_abbreviations = abbrevs
        spans: list[tuple[Span, str, VocabEntry | None]] = []
        for matcher in (self.exact, self.lower):
            for match_id, s, e in matcher(doc):
                key = doc.vocab.strings[match_id]
                if key in self.cased_thing and doc[s:e].text.islower():
                    continue  # "write natural questions"
                entry = self.entry_of[key]
                spans.append((doc[s:e], "vocab", entry))
                # a year after a known data set or benchmark is its edition: "i2b2 2010", "SemEval 2014"
                if e < len(doc) and entry.type in _DATA_TYPES and rules.YEAR.match(doc[e].text) and doc[e - 1].whitespace_:
                    ext = doc[s:e + 1]
                    spans.append((ext, "shape", self.vocab.lookup(ext.text)))
        long_of: dict[str, str] = {}
        long_span_of: dict[str, Span] = {}
        for ab in abbrevs:
            long_of[name_key(ab.short)] = ab.long
            # a plural definition "Non-Parametric Transformers (NPTs)" defines the singular "NPT" too
            long_of.setdefault(name_key(rules.strip_plural(ab.short)), ab.long)
            if ab.long_start >= 0 and (lsp := doc.char_span(ab.long_start, ab.long_start + len(ab.long),
                                                             alignment_mode="expand")) is not None:
                long_span_of.setdefault(name_key(ab.short), lsp)
            for text, start, src in ((ab.short, ab.short_start, "abbrev"), (ab.long, ab.long_start, "long")):
                if start < 0:
                    continue
                sp = doc.char_span(start, start + len(text), alignment_mode="expand")
                if sp is not None:
                    spans.append((sp, src, self.vocab.lookup(text) or self.vocab.lookup(ab.short)))
        spans.extend(self._shape_spans(doc))
        spans.extend(self._coined_spans(doc))
        spans.extend(self._frame_spans(doc))
        spans.extend(self._title_case_spans(doc))
        kept = self._resolve_overlaps(spans)
        cands = []
        for sp, src, entry in kept:
            c = self._candidate(doc, sp, src, entry, long_of, long_span_of)
            if c is not None:
                cands.append(c)
        doc._.kg_candidates = _share_types_in_lists(text, cands)
        return doc

    def _token_flags(self, text: str) -> tuple[bool, bool, bool, bool]:
        """(name shape, capitalised compound, family word, url-like) of a token text, cached:
        most tokens are common words seen before."""
        f = self._flags.get(text)
        if f is None:
            urlish = "/" in text and "." in text or text.startswith(("http", "www."))
            f = self._flags[text] = (
                not urlish and bool(rules.is_name_shape(text)),
                not urlish and bool(rules.is_capitalised_compound(text)),
                # a family word in lower case ("depth", "bit") only when listed so
                text.lower() in self.family_words and not (text.islower() and text not in self.surfaces),
                urlish,
            )
            if f == _PLAIN_TOKEN:
                f = self._flags[text] = _PLAIN_TOKEN  # one object, so `_shape_spans` tests it with `is`
            if len(self._flags) > 200_000:
                self._flags.clear()
        return f

    def _shape_spans(self, doc: Doc):
        title_end = sentences_title_end(doc)
        tv = token_view(doc)
        texts = tv.text
        n = len(texts)
        flags_of = list(map(self._flags.get, texts))  # most words are plain words seen before
        if None in flags_of:
            for k, f in enumerate(flags_of):
                if f is None:
                    flags_of[k] = self._token_flags(texts[k])
        nxt = 0  # the first token after the last span yielded
        for i in compress(range(n), map(_PLAIN_TOKEN.__ne__, flags_of)):
            if i < nxt:
                continue
            text = texts[i]
            shaped, compound, is_family, urlish = flags_of[i]
            if urlish or doc[i].like_url:
                continue
            if not shaped and compound:
                shaped = tv.idx[i] >= title_end and not tv.sent_start[i]
            if shaped and text.isalpha() and text.isupper() and len(text) >= 3:
                # words set in capitals for emphasis ("The Art of SOCRATIC QUESTIONING") are one
                # name, not a run of acronyms: a run of capitalised words with a long one in it
                j = i + 1
                while j < n and j - i < 4 and texts[j].isalpha() and texts[j].isupper() and len(texts[j]) >= 3:
                    j += 1
                if j > i + 1 and max(len(t) for t in texts[i:j]) >= 6:
                    yield doc[i:j], "shape", self.vocab.lookup(tv.span_text(i, j))
                    nxt = j
                    continue
            if shaped or is_family:
                j = i + 1
                model_like = is_family or rules.shape_type(text) is EntityType.MODEL or (
                    (e := self.vocab.lookup(text)) is not None and e.type is EntityType.MODEL) or (
                    "-" in text and self._part_type(text) is EntityType.MODEL)  # "KLUE-RoBERTa BASE"
                if model_like:
                    while j < n and j - i < 4 and rules.MODEL_CONTINUATION.match(texts[j]) \
                            and not rules.is_footnote_number(texts[j]):
                        j += 1
                else:
                    while j < n and j - i < 3 and rules.BENCH_CONTINUATION.match(texts[j]):
                        j += 1
                if is_family and j == i + 1 and not shaped:
                    # a bare family word ("Llama") counts only when the vocabulary knows it, and in
                    # lower case only as listed: "a bit more" is not BiT
                    if self.vocab.lookup(text) is None or text.islower() and text not in self.surfaces:
                        continue
                sp_text = tv.span_text(i, j)
                yield doc[i:j], "shape", self.vocab.lookup(sp_text) or self._modified_entry(sp_text)
                nxt = j

    def _coined_spans(self, doc: Doc):
        """Names coined in the text: after 'we propose', 'called', 'dubbed'; a title's 'Name: ...'."""
        # title "Name: subtitle": the name before the colon, when it is shaped like a name
        first_sent = sentences(doc)[0] if len(doc) else None
        if first_sent is not None and sentences_title_end(doc) >= 0:
            colon = next((t for t in first_sent if t.text == ":"), None)
            if colon is not None and 0 < colon.i - first_sent.start <= 4:
                head = doc[first_sent.start:colon.i]
                words = [t for t in head if not t.is_punct]
                if words and words[0].lower_ not in _TITLE_OPENERS and (
                    any(rules.is_name_shape(t.text) for t in words)
                    or len(words) == 1 and words[0].text[:1].isupper()
                ) and not self.vocab.is_generic(head.text):
                    yield head, "title", self.vocab.lookup(head.text)
        tv = token_view(doc)
        text, lower, n = tv.text, tv.lower, tv.n
        if len(self._cue_words) > 200_000:
            self._cue_words.clear()
        cues = list(map(self._cue_words.get, text))  # one pass in C; the few new words after
        if None in cues:
            for i, cue in enumerate(cues):
                if cue is None:
                    t = text[i]
                    cues[i] = self._cue_words[t] = t.lower() in rules.NAMING_WORDS or bool(rules.PROPOSE_VERBS.match(t))
        for i in compress(range(n), cues):
            t, low = text[i], lower[i]
            start = None
            if low in rules.NAMING_WORDS or (rules.PROPOSE_VERBS.match(t) and _has_we_before(doc, i)):
                k = i + 1
                while k < n and lower[k] in _COINED_SKIP:
                    k += 1
                start = k
            if start is None or start >= n or lower[start] in rules.TYPE_NOUNS or lower[start] in _STOP_WORDS:
                continue
            k = start
            while k < n and k - start < 5 and (
                (text[k][:1].isupper() and tv.alpha[k] or rules.is_name_shape(text[k]))
                or (lower[k] in ("of", "for", "-") and k > start and k + 1 < n and text[k + 1][:1].isupper())
            ):
                k += 1
            if k > start:
                end = k - 1 if lower[k - 1] in ("of", "for", "-") else k
                if end > start and not (end - start == 1 and tv.sent_start[start]):
                    sp = doc[start:end]
                    yield sp, "coined", self.vocab.lookup(sp.text)

    def _frame_spans(self, doc: Doc):
        """Names framed by a data noun: "the Boston Housing dataset", "on the Penn Treebank corpus".
        Capitalised words (or name-shaped tokens, or a trailing number) right before a singular
        data noun, leading determiners and descriptive words ("Korean", "English") aside."""
        title_end = sentences_title_end(doc)
        tv = token_view(doc)
        text, lower = tv.text, tv.lower
        heads = self._frame_head_words
        for i in [i for i, low in enumerate(lower) if low in heads]:
            low = lower[i]
            if i == 0 or tv.idx[i] < title_end:
                continue
            if low in rules.PLURAL_DATA_HEADS:
                yield from self._coordinated_frame(doc, i, title_end)
                yield from self._listed_after(doc, i)
                continue
            # a capitalised head is part of the name: "Toronto Book Corpus", "Penn Treebank"; a
            # capitalised "Dataset" or "Collection" is part of how the text writes it ("the Wechat
            # Finance Dataset"), though the name is the words before (`_candidate`)
            capital = text[i][:1].isupper()
            if low == "collection" and not capital:
                continue
            quoted = self._quoted_before(doc, i)
            if quoted is not None:
                yield quoted, "frame", self.vocab.lookup(quoted.text)
                continue
            end = i + 1 if capital else i
            k = i
            while k > 0 and i - k < 5:
                t, tl = text[k - 1], lower[k - 1]
                if tl == "of" and k - 1 > 0 and k < i and text[k - 2][:1].isupper() and not tv.sent_start[k - 2]:
                    k -= 1  # "the Members of Congress dataset"
                    continue
                if tl in rules.FRAME_DETERMINERS or tl in _STOP_WORDS or tl in _CONNECTIVES:
                    break
                if t[:1].isupper() or tv.num[k - 1] or self._token_flags(t)[0]:
                    k -= 1
                    if tv.sent_start[k]:
                        break
                    continue
                break
            if k >= i or tv.num[k]:
                continue  # nothing, or a number first ("in 2019 dataset")
            if k == i - 1 and text[k].isupper() and len(text[k]) <= 3:
                continue  # "MRC dataset", "TC benchmark": a task's acronym
            words = text[k:i]
            if not rules.frame_name_ok(words) or all(self.vocab.is_generic(w) for w in words if w.isalpha()):
                continue
            if k == i - 1 and tv.sent_start[k] and not self._token_flags(text[k])[0]:
                continue  # "Training dataset ..." at a sentence start: capitalised by position only
            sp = doc[k:end]
            yield sp, "frame", self.vocab.lookup(sp.text) or self.vocab.lookup(doc[k:i].text)

    @staticmethod
    def _quoted_before(doc: Doc, i: int) -> Span | None:
        """"the 'moons' dataset", 'the "Colossal Clean Crawled Corpus" corpus': words in quotes
        right before a data noun name it, whatever their case."""
        if i < 3 or doc[i - 1].text not in _CLOSING_QUOTES:
            return None
        close = doc[i - 1].text
        for k in range(i - 2, max(-1, i - 8), -1):
            if doc[k].text in _QUOTES or doc[k].text in _CLOSING_QUOTES:
                if _QUOTES.get(doc[k].text) != close or k == i - 2:
                    return None  # another pair's quote, or nothing between the two
                sp = doc[k + 1:i - 1]
                if any(t.lower_ in rules.FRAME_DETERMINERS for t in sp):
                    return None  # the "training" dataset: a role in quotes, not a name
                return sp if all(t.is_alpha or t.text == "-" or t.like_num for t in sp) else None
        return None

    def _title_case_spans(self, doc: Doc):
        """Runs of two or more words in Title Case inside a sentence ("experiments on Amazon Book
        Reviews", "Visual N-Grams was trained on YFCC100M"): names, when a context cue says what
        they are (`_candidate` keeps them only then). Runs that open a sentence or lie in the
        title are capitalised by position or style, not by being names."""
        tv = token_view(doc)
        title, text, n = tv.title, tv.text, tv.n
        pairs = [i for i in range(n - 1) if title[i] and title[i + 1]]
        if not pairs:
            return
        title_end = sentences_title_end(doc)
        i = 0
        for start in pairs:
            if start < i:
                continue
            end = start + 2
            while end < n and title[end] and end - start < 5:
                end += 1
            i = end
            if tv.sent_start[start] or tv.idx[start] < title_end or (start > 0 and title[start - 1]):
                continue
            words = text[start:end]
            if not rules.frame_name_ok(words) or any(w.lower() in _STOP_WORDS or w.lower() in _CONNECTIVES
                                                      or w[0].isdigit() for w in words):
                continue
            if end < n and tv.lower[end] in _CLASS_PLURALS:
                continue  # "Image Generative models": a kind of model, not one
            sp = doc[start:end]
            yield sp, "titlecase", self.vocab.lookup(sp.text)

    def _listed_after(self, doc: Doc, i: int):
        """'datasets such as Forest Cover, Kick, and Breast Cancer', 'small datasets - Boston,
        Concrete and Yacht', 'benchmarks: GLUE, SQuAD and RACE': the members of a list that a
        plural data noun introduces are data sets, even when each is a plain capitalised word.
        Citations between members ("Gigaword (Napoles et al., 2012), ...") are skipped."""
        n = len(doc)
        k = i + 1
        if k + 1 < n and doc[k].text == "," and doc[k + 1].lower_ in ("including", "namely", "such", "consisting"):
            k += 1  # "datasets, including ..."
        if k + 1 < n and doc[k].lower_ in ("such", "consisting") and doc[k + 1].lower_ in ("as", "of"):
            k += 2
        elif k < n and doc[k].lower_ in _LIST_AFTER_INTROS:
            k += 1
            if k < n and doc[k].text == ",":
                k += 1
        else:
            return
        members = 0
        while k < n and members < 10:
            start = k
            while k < n and k - start < 4 and not doc[k].is_punct and (
                    doc[k].text[:1].isupper() or self._token_flags(doc[k].text)[0]
                    or k > start and doc[k].like_num):
                k += 1
            if k == start or doc[start].lower_ in _STOP_WORDS or doc[start].lower_ in _CONNECTIVES:
                return
            words = [t.text for t in doc[start:k]]
            if rules.frame_name_ok(words) and not all(self.vocab.is_generic(w) for w in words if w.isalpha()) \
                    and not (len(words) == 1 and words[0].isupper() and len(words[0]) <= 3
                             and self.vocab.lookup(words[0]) is None):
                sp = doc[start:k]
                yield sp, "listed", self.vocab.lookup(sp.text)
            members += 1
            if k < n and doc[k].text == "(":  # a citation or a count after the member
                close = next((j for j in range(k + 1, min(n, k + 25)) if doc[j].text in (")", "(")), None)
                if close is None or doc[close].text != ")":
                    return
                k = close + 1
            if k < n and doc[k].text == ",":
                k += 1
            if k < n and doc[k].lower_ in ("and", "or"):
                k += 1
            elif k >= n or doc[k - 1].text != ",":
                return

    def _coordinated_frame(self, doc: Doc, i: int, title_end: int):
        """'the Protein and Higgs datasets', 'the Foo, Bar and Baz corpora': capitalised names
        coordinated before a plural data noun each name a data set (two names at least; a lone
        'the Korean datasets' describes)."""
        conjuncts: list[tuple[int, int]] = []
        k = i
        while k > 0 and len(conjuncts) < 8:
            end = k
            while k > 0 and end - k < 4:
                t = doc[k - 1]
                if t.lower_ in rules.FRAME_DETERMINERS or t.lower_ in _STOP_WORDS or t.lower_ in _CONNECTIVES:
                    break
                if (t.text[:1].isupper() or self._token_flags(t.text)[0]) and not t.is_punct:
                    k -= 1
                    if t.is_sent_start:
                        break
                    continue
                break
            if k == end or doc[k].like_num:
                break
            conjuncts.append((k, end))
            if doc[k].is_sent_start or k == 0:
                break
            sep = doc[k - 1].lower_
            if sep in ("and", "or") and k > 1 and doc[k - 2].text == ",":
                k -= 2
            elif sep in (",", "and", "or"):
                k -= 1
            else:
                break
            if doc[k].idx < title_end:
                break
        if len(conjuncts) < 2:
            return
        for a, b in conjuncts:
            words = [t.text for t in doc[a:b]]
            if not rules.frame_name_ok(words) or all(self.vocab.is_generic(w) for w in words if w.isalpha()):
                continue
            if b - a == 1 and words[0].isupper() and len(words[0]) <= 3:
                continue  # "NER and QA datasets": tasks' acronyms
            sp = doc[a:b]
            yield sp, "frame", self.vocab.lookup(sp.text)

    def _resolve_overlaps(self, spans):
        """Longest span wins; on equal length prefer vocabulary and definitions over shapes."""
        rank = {"vocab": 0, "abbrev": 1, "long": 1, "title": 2, "coined": 3, "frame": 3, "listed": 3, "shape": 4,
                "titlecase": 5}
        best: dict[tuple[int, int], tuple] = {}
        for sp, src, entry in spans:
            key = (sp.start, sp.end)
            if key not in best or rank[src] < rank[best[key][1]]:
                best[key] = (sp, src, entry)
        chosen = filter_spans([v[0] for v in best.values()])
        return [best[(sp.start, sp.end)] for sp in sorted(chosen, key=lambda s: s.start)]

    def _modified_entry(self, text: str) -> VocabEntry | None:
        """'Long-CoT', 'Online-GRPO', 'Multi-turn-RL': a modifier glued to a known name is that name."""
        head, sep, rest = text.partition("-")
        if sep and head.lower() in _MODIFIERS and rest:
            return self.vocab.lookup(rest)
        return None

    def _generic_class(self, text: str, after: str) -> bool:
        """A generic class with a modifier, not a name: a lower-case word before a hyphen and a
        generic class ("multi-LLM", "clinician-VLM"), or words that the class noun after them makes
        a generic class ("Vision-Language-Action models")."""
        head, sep, rest = text.partition("-")  # as `_modified_entry` reads "Long-CoT"
        if sep and head.isalpha() and head.islower() and rest[:1].isupper() and self.vocab.is_generic(rest):
            return True
        return after in _CLASS_NOUNS and self.vocab.is_generic(f"{text} {after}")

    # -- typing

    def _family_prefixed(self, text: str) -> bool:
        """'Llama2', 'GPT-5', 'Claude-4-Opus': a known model family word starts the name."""
        head = re.match(r"[A-Za-z]+", text)
        if not head or head.group().lower() not in self.family_words_ci:
            return False
        if head.group().lower() in self.word_families:
            return bool(_VERSION_AFTER.match(text, head.end()))  # "Code-SearchNet", "Feature Fusion Module"
        return len(text) > len(head.group()) or " " in text

    def _candidate(self, doc: Doc, sp: Span, src: str, entry: VocabEntry | None, long_of: dict,
                   long_span_of: dict) -> Candidate | None:
        tv = token_view(doc)
        raw = tv.span_text(sp.start, sp.end)
        text = raw.strip(" ,.;:\"'“”")
        if not text or self.vocab.is_generic(text) and entry is None:
            return None
        if src in ("shape", "coined", "title", "frame", "listed", "titlecase") and entry is None:
            if len(text) < 2 or text.lower() in _STOP_WORDS or tv.num[sp.start]:
                return None
            if self._generic_class(text, tv.lower[sp.end] if sp.end < tv.n else ""):
                return None
        long_form = long_of.get(name_key(text))
        if src == "long":
            long_form = None
        if entry is None and long_form and rules.is_task_like(long_form):
            return None
        if entry is None and src == "long" and rules.is_task_like(text):
            return None
        if entry is None and src == "coined" and len(sp) > 1 and all(t.is_lower or not t.is_alpha for t in sp[1:]):
            return None
        if entry is None and src == "coined" and all(rules.DESCRIPTIVE_WORDS.match(t.text) for t in sp):
            return None  # "we build a Korean dataset": a language or domain word, not a new name
        # a definition's long form is typed by its own head noun, as its short form is
        etype, cue = self._type(doc, sp, text, entry, text if src == "long" else long_form, src,
                                long_span_of.get(name_key(text)) if src == "abbrev" else None)
        if src == "titlecase" and entry is None and cue not in _STATED_CUES:
            return None  # a Title Case run that nothing in its context types
        if self.classifier is not None and cue in getattr(self.classifier, "cues", _WEAK_CUES):
            guess = self.classifier.predict(doc, sp, src, etype, cue)
            if guess is False:
                return None
            if guess is not None:
                etype, cue = guess, "classifier"
        label = entry.name if entry is not None else text
        if entry is None and src == "frame" and len(sp) > 1 and tv.lower[sp.end - 1] in _WRITTEN_HEADS:
            label = doc[sp.start:sp.end - 1].text  # "Wechat Finance Dataset" names Wechat Finance
        end = sp.start_char + len(raw.rstrip(" ,.;:\"'“”"))
        if sp.end < tv.n and tv.text[sp.end] == "s" and not tv.space[sp.end - 1]:
            # "NPTs", "CoTs": the tokenizer split the plural off; the surface form keeps it
            text, end = text + "s", end + 1
        return Candidate(sp.start_char, end, text, label, etype, src, cue,
                         long_form, entry)

    def _part_type(self, text: str) -> EntityType | None:
        """'KLUE-NER', 'ImageNet-Vid': a known data set or benchmark before a hyphen names a part or
        variant of it, of its type; 'Ko-RoBERTa', 'Clinical-XLNet': a known model after it, a model."""
        edition = _EDITION.match(text)
        if edition:  # "i2b2 2010": a known data set's edition, of its type
            base = self.vocab.lookup(edition.group(1))
            if base is not None and base.type in _DATA_TYPES:
                return base.type
        parts = [p for p in re.split(r"[-/]", text) if p]
        if len(parts) < 2:
            return None
        last = self.vocab.lookup(parts[-1])
        if last is not None and last.type is EntityType.MODEL:
            return EntityType.MODEL
        first = self.vocab.lookup(parts[0])
        if first is not None and first.type in (EntityType.DATASET, EntityType.BENCHMARK):
            return first.type
        return None

    def _type(self, doc: Doc, sp: Span, text: str, entry, long_form, src: str = "shape",
              long_span: Span | None = None) -> tuple[EntityType, str]:
        """A candidate's type and the cue that gave it. `long_span` is the long form of a defined
        acronym: what the text says of "Long Form" ("we refer to our architecture as Long Form
        (LF)", "a benchmark, Long Form (LF)") it says of LF."""
        role = _data_role(sp)
        if entry is not None:
            if entry.type in (EntityType.DATASET, EntityType.BENCHMARK) or entry.also:
                if role and (role in (entry.type, entry.also) or entry.type in (EntityType.DATASET, EntityType.BENCHMARK)):
                    return role, "vocabulary + role"
            return entry.type, "vocabulary"
        if src == "frame" and len(sp) > 1 and sp[-1].lower_ in rules.DATA_FRAME_HEADS and sp[-1].text[:1].isupper():
            return rules.TYPE_NOUNS.get(sp[-1].lower_, EntityType.DATASET), "head noun"
        noun = _head_noun_type(sp) or _coordinated_head_type(sp) or (
            _head_noun_type(long_span) if long_span is not None else None)
        if noun:
            return noun, "head noun"
        if long_form:
            lt = rules.long_form_type(long_form)
            if lt:
                return lt, "long form"
        lst = _list_context_type(sp) or (_listing_noun_type(sp) if src == "listed" else None)
        if lst:
            return lst, "list"
        if self._family_prefixed(text):
            return EntityType.MODEL, "model family"
        part = self._part_type(text)
        if part:
            return part, "name part"
        st = rules.shape_type(text)
        if st:
            if st in (EntityType.DATASET, EntityType.BENCHMARK) and role and not rules.has_data_size(text):
                return role, "role"
            return st, "name shape"
        if role and src in ("abbrev", "long", "frame", "listed"):
            # an "evaluated on" / "trained on" frame alone types only a defined or framed name; an
            # unknown acronym after "results of" or "trained" is as often a model or a method
            return role, "role"
        if self._family_prefixed(text):
            return EntityType.MODEL, "model family"
        ctx = _context_type(sp)
        if ctx:
            return ctx
        return EntityType.METHOD, "default"


_DATA_TYPES = (EntityType.DATASET, EntityType.BENCHMARK)
_PLAIN_TOKEN = (False, False, False, False)  # `_token_flags` of a word that starts no name
_EDITION = re.compile(r"^(.*\S)\s+(?:19|20)\d\d$")
_CAMEL = re.compile(r"[a-z][A-Z]")
_PLAIN_WORD = re.compile(r"[A-Z]?[a-z]+")
_VERSION_AFTER = re.compile(r"[\s-]?v?\d")
_MODIFIERS = {"long", "short", "online", "offline", "vanilla", "standard", "naive", "plain", "original", "classic",
              "multi", "single", "zero", "few", "one", "soft", "hard", "token", "step", "iterative", "efficient"}
_WRITTEN_HEADS = {"dataset", "benchmark", "collection", "database"}
_CLASS_NOUNS = {"model", "models", "agent", "agents", "system", "systems", "network", "networks"}
_LIST_AFTER_INTROS = {"including", "like", ":", "namely", "-", "–", "—", "e.g.", "e.g"}
# what the text must say of a Title Case run for it to count as a name: words in Title Case for
# emphasis ("the Superficial Alignment Hypothesis", "Human Safety") are common, so a preposition
# frame or a comparison is not enough
_QUOTES = {"'": "'", '"': '"', "‘": "’", "“": "”", "``": "''"}
_CLOSING_QUOTES = frozenset(_QUOTES.values())
_CLASS_PLURALS = {"models", "networks", "methods", "llms", "agents", "systems", "approaches", "algorithms"}
_STATED_CUES = {"head noun", "trained", "contents", "list", "list neighbour", "long form"}
_WEAK_CUES = {"default", "name shape", "list", "model family"}
_COORDINATION = re.compile(r"\s*(?:,|and|or|/|,\s*and|,\s*or|;)\s*")


def _share_types_in_lists(text: str, cands: list[Candidate]) -> list[Candidate]:
    """Names in one coordination ("SQuAD, ReCoRD and MultiRC") are of one type: a weakly typed
    name takes the type of a strongly typed neighbour."""
    out = list(cands)
    for _ in range(2):
        changed = False
        for i, c in enumerate(out):
            if c.type_cue not in _WEAK_CUES or c.type_cue == "model family":
                continue
            for j in (i - 1, i + 1):
                if 0 <= j < len(out):
                    n = out[j]
                    a, b = (n, c) if j < i else (c, n)
                    if n.type_cue not in _WEAK_CUES and _COORDINATION.fullmatch(text[a.end:b.start]):
                        out[i] = Candidate(c.start, c.end, c.text, c.label, n.type, c.source, "list neighbour",
                                           c.long_form, c.entry)
                        changed = True
                        break
        if not changed:
            break
    return out


_TITLE_OPENERS = {"towards", "toward", "the", "a", "an", "on", "of", "when", "why", "how", "what", "is", "are",
                  "can", "do", "does", "beyond", "rethinking", "revisiting", "understanding", "learning"}
_STOP_WORDS = {"we", "our", "this", "these", "it", "in", "on", "to", "a", "an", "the", "however", "moreover",
               "specifically", "furthermore", "finally", "additionally", "ai", "i", "ii", "iii", "iv"}
# sentence-initial connectives that are never the first word of a name
_CONNECTIVES = {"since", "because", "while", "when", "although", "if", "as", "after", "before", "then", "thus",
                "hence", "therefore", "also", "experiments", "results", "table", "figure", "fig", "section",
                "appendix", "for", "from", "with", "by", "unlike", "like", "and", "or", "but", "is", "are"}


def _variants(surface: str):
    yield surface
    # a CamelCase name is often written with only its first capital: "Imagenet", "Stereoset"
    if " " not in surface and len(surface) >= 8 and _CAMEL.search(surface):  # not "Quality" for QuALITY
        title = surface[0] + surface[1:].lower()
        if title != surface:
            yield title
    if "-" in surface:
        yield surface.replace("-", " ")
    if " " in surface:
        yield surface.replace(" ", "-")


def _has_we_before(doc: Doc, i: int) -> bool:
    lower = token_view(doc).lower
    return any(lower[j] in ("we", "paper", "work", "study", "i") for j in range(max(sent_of(doc, i).start, i - 4), i))


# words between a naming verb and the name it coins: "called the", "propose a new"
_COINED_SKIP = frozenset({"a", "an", "the", "this", "it", "as", "our", "new", "novel", "simple", "\"", "“", "'"})


def _head_noun_type(sp: Span) -> EntityType | None:
    doc = sp.doc
    tv = token_view(doc)
    text, lower, n = tv.text, tv.lower, tv.n
    # "X benchmark", "X dataset", "X framework", and after a defined acronym: "Long Form (LF) dataset"
    after = sp.end + 1 if sp.end + 1 < n and (text[sp.end] == ")" and sp.start > 0 and text[sp.start - 1] == "("
                                              or text[sp.end] in _CLOSING_QUOTES) else sp.end
    if after + 1 < n and lower[after + 1] in ("set", "sets", "split", "splits"):
        # "the DPR data set", "ORL training set", "the XSum test split"
        part = lower[after]
        if part in ("data", "training", "train", "validation", "dev"):
            return EntityType.DATASET
        if part == "test":
            return EntityType.BENCHMARK
    if after < n:
        nxt = lower[after]
        if nxt in rules.TYPE_NOUNS and nxt not in ("data", "training", "search", "evaluation", "policy", "optimization"):
            if rules.TYPE_NOUNS[nxt] is not EntityType.MODEL or not _TASK_ACRONYM.match(tv.span_text(sp.start, sp.end)):
                return rules.TYPE_NOUNS[nxt]
    # "benchmark X", "dataset X", "a new preference dataset, X": the noun the name stands beside
    # comes before a comma after it ("On a Pronoun Disambiguation dataset, PDP-60, our method
    # achieves ...": the words after the second comma are the sentence going on)
    if sp.start > 0:
        prev = lower[sp.start - 1]
        j = sp.start - 1
        if prev == "," and sp.start > 1:
            j = sp.start - 2
            prev = lower[j]
        before = lower[j - 1] if j > 0 else ""
        # ...but not a verb ("we model Density Evolution (DE)") nor a sentence's opening phrase
        # ("For such datasets, MRCTs with ...")
        if prev in _PRECEDING_HEADS and before not in _SUBJECTS and not (prev != lower[sp.start - 1] and before in _DEMONSTRATIVES):
            return rules.TYPE_NOUNS[prev]
        named = _naming_frame_type(sp)
        if named:
            return named
    # "X, a (new) benchmark for ...", "X (a dataset of ...)", and the same after a definition in
    # brackets: "X (Long Form of X), a focused benchmark of ..."
    k = sp.end
    if k < n and text[k] == "(":
        close = next((j for j in range(k + 1, min(n, k + 30)) if text[j] in (")", "(")), None)
        if close is not None and text[close] == ")" and close + 1 < n and text[close + 1] == ",":
            k = close + 1
    if k < n and text[k] in (",", "(", ":", "—", "–"):
        k += 1
        if k < n and lower[k] in ("a", "an", "the", "our"):
            for j in range(k + 1, min(n, k + 7)):
                if lower[j] in rules.TYPE_NOUNS:
                    return rules.TYPE_NOUNS[lower[j]]
                if tv.punct[j]:
                    break
    # "X is a (news) dataset of ...", "X is a regression benchmark": a copula definition; only
    # the few words after the article, and never across "of"/"for" ("is a variant of the Y model")
    k = sp.end
    if k < n and text[k] == ")":
        k += 1  # "Long Form (ACR) is a corpus of ..."
    if k + 1 < n and lower[k] in _COPULA and lower[k + 1] in ("a", "an", "another"):
        for j in range(k + 2, min(n, k + 6)):
            low = lower[j]
            if low in rules.TYPE_NOUNS and low not in _NOT_HEADS:
                return rules.TYPE_NOUNS[low]
            if tv.punct[j] or low in _COPULA_STOPS:
                break
    return None


def _naming_frame_type(sp: Span) -> EntityType | None:
    """The noun a name is given to: "a new benchmark called X", "a framework, dubbed X", "we refer
    to our RNN architecture as X", "we denote this model as X"."""
    doc = sp.doc
    tv = token_view(doc)
    text, lower = tv.text, tv.lower
    k = sp.start - 1
    if k >= 0 and text[k] in ("\"", "“", "'"):
        k -= 1
    if k < 1:
        return None
    low = lower[k]
    if low in _NAMED:
        j = k - 1
        if j >= 0 and text[j] == ",":
            j -= 1
        if j >= 0 and lower[j] in rules.TYPE_NOUNS and lower[j] not in _NOT_HEADS:
            return rules.TYPE_NOUNS[lower[j]]
        return None
    if low != "as":
        return None
    # "refer to <the/our ...> NOUN as X": the noun is the last type noun between the verb and "as"
    sent_start = sent_of(doc, sp.start).start
    noun = None
    for j in range(k - 1, max(sent_start, k - 8) - 1, -1):
        low = lower[j]
        if noun is None and low in rules.TYPE_NOUNS and low not in _NOT_HEADS:
            noun = rules.TYPE_NOUNS[low]
        elif low in _REFER_VERBS:
            return noun
        elif tv.punct[j] or low in ("which", "that", "and", "but"):
            return None
    return None


_SUBJECTS = {"we", "they", "to", "can", "could", "which", "that", "i", "you", "then", "also"}
_DEMONSTRATIVES = {"such", "these", "those", "both", "all", "other", "many", "most", "some"}
_NAMED = {"called", "named", "dubbed", "termed", "coined"}
_REFER_VERBS = {"refer", "refers", "referred", "denote", "denotes", "denoted", "call", "calls", "name", "term"}


def _coordinated_head_type(sp: Span) -> EntityType | None:
    """'the Protein, Yacht and Higgs datasets': a name coordinated with others before a plural
    data noun takes that noun's type."""
    tv = token_view(sp.doc)
    name = tv.span_text(sp.start, sp.end)
    if name.isupper() and len(name) <= 3:
        return None  # "the NER and QA datasets": tasks' acronyms
    k, seen_sep = sp.end, False
    while k < tv.n and k - sp.end < 16:
        t, low = tv.text[k], tv.lower[k]
        if low in rules.PLURAL_DATA_HEADS:
            return rules.TYPE_NOUNS[low] if seen_sep else None
        if t == "," or low in ("and", "or"):
            seen_sep = True
        elif not (t[:1].isupper() or t[:1].isdigit()) or tv.sent_start[k]:
            return None
        k += 1
    return None


# an unknown two-letter acronym before "model"/"decoder" names a task or a technique ("a DP model",
# "the BP decoder", "RF model parameters"), not the model
_TASK_ACRONYM = re.compile(r"^[A-Z]{1,2}$")
_COPULA = {"is", "are", "was", "were"}
_PRECEDING_HEADS = {"benchmark", "dataset", "corpus", "model", "benchmarks", "datasets", "framework", "method",
                    "algorithm", "suite", "leaderboard"}
_NOT_HEADS = {"data", "training", "search", "evaluation", "policy", "optimization"}
_COPULA_STOPS = {"of", "for", "to", "with", "that", "which", "from", "in", "on", "by", "and", "or"}


_TRAINED = re.compile(r"^(?:pre-?trained|trained|fine-?tuned|finetuned)$")
_FINE_TUNE = re.compile(r"^(?:fine-?tun(?:e|es|ed|ing)|finetun(?:e|es|ed|ing)|pre-?trained)$")
_TRAINED_ON = {"on", "with", "using", "from", "for", "via", "in"}
_CONTAINS = {"contains", "contain", "containing", "comprises", "comprising", "includes", "including", "has", "with",
             "spans", "covers", "holds"}
_APPROX = {"about", "over", "approximately", "around", "nearly", "roughly", "almost", "than", "more", "up", "to"}
_DATA_UNITS = re.compile(
    r"^(?:images|photos|pictures|sentences|samples|examples|documents|articles|questions|pairs|videos|clips|"
    r"utterances|tweets|posts|reviews|instances|tokens|words|hours|dialogues|dialogs|conversations|records|"
    r"texts|annotations|tables|abstracts|passages|paragraphs|recordings|frames|scenes|molecules|graphs|"
    r"triples|queries|users|ratings|interactions|labels|classes|categories|entities|programs|problems|turns|"
    r"speakers|hours|pages|books|files|items|products|trajectories|episodes|demonstrations)$")


def _context_type(sp: Span) -> tuple[EntityType, str] | None:
    """Cues around an otherwise untyped name: what is trained or fine-tuned is a model ("X is
    pre-trained on", "we fine-tune X"); what contains N images or sentences is data ("X contains
    10k images"); what a system is measured against is a system (`_comparison_type`)."""
    tv = token_view(sp.doc)
    text, lower, space, n = tv.text, tv.lower, tv.space, tv.n
    k = sp.end
    if k < n and text[k] == ")":
        k += 1
    # "X is (first) pre-trained on ...", "X was fine-tuned"
    j = k
    if j < n and lower[j] in _COPULA:
        j += 1
        if j < n and lower[j] in ("first", "then", "further", "also", "initially", "originally"):
            j += 1
        if j < n and (_TRAINED.match(lower[j]) or j + 1 < n and not space[j]
                      and _TRAINED.match(lower[j] + lower[j + 1])):
            return EntityType.MODEL, "trained"
    # "RAFT pre-trained on FlyingChairs", "X fine-tuned with LoRA": a participle right after the name
    j = k
    if j + 1 < n and (_TRAINED.match(lower[j]) and lower[j + 1] in _TRAINED_ON
                      or j + 2 < n and not space[j] and _TRAINED.match(lower[j] + lower[j + 1])
                      and lower[j + 2] in _TRAINED_ON):
        return EntityType.MODEL, "trained"
    # "X contains (about) 10,000 images", "X consists of 5k annotated sentences"
    j = k
    if j < n and (lower[j] in _CONTAINS or lower[j] in ("consists", "consisting") and j + 1 < n
                  and lower[j + 1] == "of"):
        j += 2 if lower[j] in ("consists", "consisting") else 1
        while j < n and lower[j] in _APPROX:
            j += 1
        if j < n and tv.num[j]:
            for m in range(j + 1, min(n, j + 4)):
                if _DATA_UNITS.match(lower[m]):
                    return EntityType.DATASET, "contents"
                if tv.punct[m]:
                    break
    # "we fine-tune (the) X", "the pre-trained X"
    j = sp.start - 1
    if j >= 0 and lower[j] in ("the", "a", "an", "our", "their"):
        j -= 1
    word = lower[j] if j >= 0 else ""
    if j > 0 and word.startswith("-") and not space[j - 1]:
        word = lower[j - 1] + word  # "pre-trained": the tokenizer splits off "-trained"
    if j >= 0 and _FINE_TUNE.match(word) and not (
            sp.end < n and (text[sp.end][:1].isupper() or text[sp.end] == "-")):
        return EntityType.MODEL, "trained"  # (not "fine-tuning the NM BERT": a modifier of a name)
    cmp_type = _comparison_type(sp)
    if cmp_type:
        return cmp_type, "comparison"
    return None


def _comparison_type(sp: Span) -> EntityType | None:
    """'outperforms X', 'better than X', 'compared with X': an otherwise untyped name that a system
    is measured against is itself a system, and an unknown acronym there is most often a model."""
    lower = token_view(sp.doc).lower
    k = sp.start - 1
    if k >= 0 and lower[k] in ("the", "a", "an"):
        k -= 1
    if k < 0:
        return None
    low = lower[k]
    if _COMPARED.match(low):
        return EntityType.MODEL
    if low in ("with", "to") and k > 0 and lower[k - 1] in ("compared", "comparing", "comparison", "compare"):
        return EntityType.MODEL
    if low == "of" and k > 1 and lower[k - 1] == "that" and lower[k - 2] == "than":
        return EntityType.MODEL
    return None


_COMPARED = re.compile(r"^(?:than|outperform(?:s|ed|ing)?|surpass(?:es|ed|ing)?|beats?|beating|against|versus|vs\.?)$")


def _list_context_type(sp: Span) -> EntityType | None:
    """Members of a list introduced by "benchmarks (such as|including|:)" or "models like"."""
    doc = sp.doc
    tv = token_view(doc)
    text, lower = tv.text, tv.lower
    sent = sent_of(doc, sp.start)
    introduced = False
    for j in range(sp.start - 1, max(sent.start, sp.start - 12) - 1, -1):
        low = lower[j]
        if low in ("benchmarks", "datasets", "models", "llms", "baselines", "tasks", "methods"):
            if not introduced and j > 0 and lower[j - 1] in _DEMONSTRATIVES:
                return None  # "For such datasets, X ...": the noun points back, it lists nothing
            typ = {"benchmarks": EntityType.BENCHMARK, "datasets": EntityType.DATASET, "models": EntityType.MODEL,
                   "llms": EntityType.MODEL, "methods": EntityType.METHOD}.get(low)
            return typ
        if text[j] in (".", ";"):
            break
        if low in _LIST_INTRO:
            introduced = True
        elif not introduced and low in _LIST_BREAK:
            # "models trained on the CC corpus", "the performance of models on ROUGE-L": the name
            # is what the models are trained or measured on, not one of them
            return None
    return None


_LIST_INTRO = {"such", "as", "including", "include", "includes", "like", "e.g.", "e.g", "namely", ":", "("}
_LIST_BREAK = {"on", "in", "of", "for", "to", "from", "with", "by", "via", "at", "after", "over", "under",
               "across", "using", "trained", "during", "into", "than"}


def _listing_noun_type(sp: Span) -> EntityType | None:
    """The plural data noun that lists a member found by `EntityFinder._listed_after`."""
    lower = token_view(sp.doc).lower
    for j in range(sp.start - 1, sent_of(sp.doc, sp.start).start - 1, -1):
        if lower[j] in rules.PLURAL_DATA_HEADS:
            return rules.TYPE_NOUNS[lower[j]]
    return None


def _data_role(sp: Span) -> EntityType | None:
    """Evaluated on -> Benchmark; trained on -> Dataset (GUIDELINES typing rule for MATH, GSM8K)."""
    tv = token_view(sp.doc)
    # the frame reaches the name through a preposition ("trained on", "results on the X"): "we
    # fine-tune X" trains X, and "a pretrained model memorizes X" says nothing of what X is
    through = False
    for j in range(sp.start - 1, max(sent_of(sp.doc, sp.start).start, sp.start - 8) - 1, -1):
        if tv.lower[j] in _ROLE_PREPOSITIONS:
            through = True
        elif not through:
            continue
        t = tv.text[j]
        if rules.TRAIN_FRAMES.match(t):
            return EntityType.DATASET
        if rules.EVAL_FRAMES.match(t):
            return EntityType.BENCHMARK
    return None


_ROLE_PREPOSITIONS = {"on", "with", "from", "using", "in", "across", "over", "against", "to"}


__all__ = ["Candidate", "EntityFinder", "make_entity_finder", "make_sentence_breaks"]
