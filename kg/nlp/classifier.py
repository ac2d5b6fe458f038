"""Optional statistical span typer, consulted where the rules' cues are weak.

A multinomial logistic regression over hashed sparse features of a candidate span and its context
(its text, shape, affixes, the words around it, whether it sits in parentheses, the rule's type,
source and cue). It predicts one of NONE / Method / Model / Data for a candidate the rules
proposed; `EntityFinder` (kg.nlp.components) asks it only about candidates whose typing cue is in
`SpanTyper.cues` (weak cues: "default", "name shape", ...), and takes its answer:

- an `EntityType` overrides the rule's type ("Data" becomes Dataset or Benchmark by the rule's
  type or the evaluation/training frame around the span);
- None keeps the rule's type (the model agrees, or is not confident enough);
- False drops the candidate as not an entity.

The model file is a small .npz (weights as float16, a JSON header); `make train-model` writes
`kg/data/span_typer.npz` (see kg.nlp.span_train). It is off by default: cross-validated, it no
longer beats the rules (dev typed F1 0.860 against 0.863, GSAP 0.722 against 0.741) and it costs a
sixth of extraction time. KG_SPAN_TYPER=shipped turns the shipped model on, KG_SPAN_TYPER=PATH
uses another one, and KG_SPAN_TYPER unset or none runs the rules alone.

Only the standard library is imported at module import time; numpy (a spaCy dependency) is
imported when a model is loaded or trained.
"""
from __future__ import annotations

import json
import math
import os
import re
import zlib
from bisect import bisect_right
from pathlib import Path

from kg.types import EntityType

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "data" / "span_typer.npz"
ENV_VAR = "KG_SPAN_TYPER"
SHIPPED = ("shipped", "default", "on", "1", "true")  # values of KG_SPAN_TYPER that mean kg/data/span_typer.npz
CLASSES = ("NONE", "Method", "Model", "Data")
FEATURE_VERSION = 1
# the rule cues a typer is consulted on unless its model file says otherwise (components._WEAK_CUES);
# the shipped model names its own (kg.nlp.span_train.TYPER_CUES)
DEFAULT_CUES = ("default", "name shape", "list", "model family")

# candidates the text itself defines or names ("Long Form (LF)", "we propose X", a title's "X: ..."):
# the typer may retype them but never drops them
KEEP_SOURCES = ("abbrev", "long", "coined", "title")

_DIGIT = re.compile(r"\d")
_ALPHA_RUNS = re.compile(r"[a-z]+")
_SIZE = re.compile(r"\d(?:\.\d+)?[bmk]\b|\d+x\d+b\b")
_FIRST_PERSON_RE = re.compile(r"\b(?:[Ww]e|[Oo]urs?|us)\b")


# ---------------------------------------------------------------- features


def _shape(text: str, limit: int = 16) -> str:
    """'Qwen2.5-7B' -> 'Xxdd.d-dX' (runs of more than two of a kind collapsed)."""
    out = []
    for ch in text[:limit]:
        c = "X" if ch.isupper() else "x" if ch.islower() else "d" if ch.isdigit() else ch
        if len(out) >= 2 and out[-1] == c and out[-2] == c:
            continue
        out.append(c)
    return "".join(out)


def _case(text: str) -> str:
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return "none"
    if all(c.isupper() for c in letters):
        return "upper"
    if all(c.islower() for c in letters):
        return "lower"
    if text[:1].isupper() and not any(c.isupper() for c in text[1:]):
        return "title"
    if text[:1].isupper():
        return "mixed-cap"
    return "mixed"


def _tok(t) -> str:
    low = t.lower_
    return "0" if _DIGIT.search(low) and not any(c.isalpha() for c in low) else low


class _DocInfo:
    """Per-doc text, sentence starts and token strings, computed once per doc and lazily (in spaCy 3,
    Doc.text and Span.sent walk the whole doc on every access)."""

    __slots__ = ("doc", "text", "starts", "toks", "we")

    def __init__(self, doc):
        self.doc = doc
        from kg.nlp.sentences import doc_text

        self.text = doc_text(doc)
        arr = doc.to_array("SENT_START")
        self.starts = [0] + [int(i) for i in (arr[1:] == 1).nonzero()[0] + 1]
        self.toks: dict[int, str] = {}
        self.we: dict[int, bool] = {}

    def tok(self, i: int) -> str:
        w = self.toks.get(i)
        if w is None:
            w = self.toks[i] = _tok(self.doc[i])
        return w

    def sent(self, i: int) -> tuple[int, int]:
        k = bisect_right(self.starts, i) - 1
        lo = self.starts[k]
        hi = self.starts[k + 1] if k + 1 < len(self.starts) else len(self.doc)
        return lo, hi

    def first_person(self, lo: int, hi: int) -> bool:
        we = self.we.get(lo)
        if we is None:
            doc = self.doc
            end = doc[hi - 1].idx + len(doc[hi - 1]) if hi > lo else doc[lo].idx
            we = self.we[lo] = bool(_FIRST_PERSON_RE.search(self.text, doc[lo].idx, end))
        return we


_last_info: list = [None]


def _doc_info(doc) -> _DocInfo:
    info = _last_info[0]
    if info is None or info.doc is not doc:
        info = _last_info[0] = _DocInfo(doc)
    return info


def span_features(doc, span, source: str, rule_type: EntityType | str, cue: str) -> list[str]:
    """The feature strings of a candidate span (hashed into the model's weight rows)."""
    info = _doc_info(doc)
    tok = info.tok
    text = span.text
    low = text.lower()
    rtype = rule_type.value if isinstance(rule_type, EntityType) else str(rule_type)
    f = ["bias", f"src={source}", f"rule={rtype}", f"cue={cue}", f"cue*rule={cue}|{rtype}",
         f"src*rule={source}|{rtype}", f"w={low}", f"shape={_shape(text)}", f"case={_case(text)}",
         f"ntok={min(len(span), 4)}", f"len={min(len(text) // 3, 6)}"]
    for k in (1, 2, 3, 4):
        if len(low) > k:
            f.append(f"p{k}={low[:k]}")
            f.append(f"s{k}={low[-k:]}")
    start, end = span.start, span.end
    inner = [tok(i) for i in range(start, end)]
    f.extend(f"t={w}" for w in inner)
    if len(inner) > 1:
        f.append(f"last={inner[-1]}")
    f.extend(f"a={run}" for run in _ALPHA_RUNS.findall(low))
    if _DIGIT.search(text):
        f.append("digit")
        f.append(f"case+digit={_case(text)}")
    if "-" in text:
        f.append("hyphen")
    if _SIZE.search(low):
        f.append("size")
    lo, hi = info.sent(start)
    left = [tok(i) if i >= lo else "<s>" for i in range(start - 1, start - 4, -1)]
    right = [tok(i) if i < hi else "</s>" for i in range(end, end + 3)]
    f.extend(f"L{k}={w}" for k, w in enumerate(left, 1))
    f.extend(f"R{k}={w}" for k, w in enumerate(right, 1))
    f.append(f"L1R1={left[0]}|{right[0]}")
    f.append(f"L2L1={left[1]}|{left[0]}")
    f.append(f"R1R2={right[0]}|{right[1]}")
    f.extend(f"Lb={tok(i)}" for i in range(max(lo, start - 6), start))
    f.extend(f"Rb={tok(i)}" for i in range(end, min(hi, end + 6)))
    if left[0] == "(" and right[0] == ")":
        f.append("in-parens")
    if start == lo:
        f.append("sent-start")
    if info.first_person(lo, hi):
        f.append("we-sent")
    f.append(f"freq={min(info.text.count(text), 3)}")
    return f


_HASHES: dict[str, int] = {}  # feature string -> crc32: most features ("bias", "L1=on") recur


def hash_features(feats: list[str], dim: int) -> list[int]:
    mask = dim - 1
    get = _HASHES.get
    out = []
    for s in feats:
        h = get(s)
        if h is None:
            if len(_HASHES) > 1_000_000:
                _HASHES.clear()
            h = _HASHES[s] = zlib.crc32(s.encode("utf-8"))
        out.append(h & mask)
    return out


# ---------------------------------------------------------------- the model


def _softmax(z: list[float]) -> list[float]:
    top = max(z)
    e = [math.exp(v - top) for v in z]
    total = sum(e)
    return [v / total for v in e]


class SpanTyper:
    """Linear span typer: `predict(doc, span, source, rule_type, cue)` for EntityFinder's hook."""

    def __init__(self, weights, bias, *, classes=CLASSES, cues=DEFAULT_CUES, min_prob: float = 0.5,
                 drop_prob: float = 0.5, keep_sources=KEEP_SOURCES, meta: dict | None = None):
        import numpy as np

        self.W = np.asarray(weights, dtype=np.float32)
        self.b = np.asarray(bias, dtype=np.float32)
        self.dim = self.W.shape[0]
        if self.dim & (self.dim - 1):
            raise ValueError("the feature dimension must be a power of two")
        self.classes = tuple(classes)
        self.cues = frozenset(cues)
        self.min_prob = float(min_prob)
        self.drop_prob = float(drop_prob)
        self.keep_sources = frozenset(keep_sources)
        self.meta = dict(meta or {})

    # -- scoring

    def scores(self, feats: list[str]) -> list[float]:
        """The class scores (logits) of a feature list."""
        return (self.W.take(hash_features(feats, self.dim), axis=0).sum(axis=0) + self.b).tolist()

    def proba(self, feats: list[str]):
        """Class probabilities (numpy array, in `classes` order)."""
        import numpy as np

        return np.asarray(_softmax(self.scores(feats)))

    def predict_label(self, doc, span, source: str, rule_type, cue: str = "default") -> tuple[str, float]:
        # softmax over a handful of classes in plain Python: numpy's per-call overhead is most of
        # the cost at this size, and this runs for every weakly typed candidate
        p = _softmax(self.scores(span_features(doc, span, source, rule_type, cue)))
        k = p.index(max(p))
        return self.classes[k], p[k]

    def predict(self, doc, span, source: str, rule_type: EntityType, cue: str = "default"):
        """An EntityType to retype the candidate, None to keep the rule's type, False to drop it."""
        label, p = self.predict_label(doc, span, source, rule_type, cue)
        if label == "NONE":
            return False if p >= self.drop_prob and source not in self.keep_sources else None
        if p < self.min_prob:
            return None
        if label == "Data":
            if rule_type in (EntityType.DATASET, EntityType.BENCHMARK):
                etype = rule_type
            else:
                etype = _data_role(span) or EntityType.BENCHMARK
        else:
            etype = EntityType(label)
        return None if etype is rule_type else etype

    # -- files

    def save(self, path: str | Path) -> None:
        """Write an .npz (a zip of .npy members) byte-for-byte deterministically."""
        import io
        import zipfile

        import numpy as np

        header = {"format": "kg-span-typer", "feature_version": FEATURE_VERSION, "classes": list(self.classes),
                  "cues": sorted(self.cues), "min_prob": self.min_prob, "drop_prob": self.drop_prob,
                  "keep_sources": sorted(self.keep_sources), **self.meta}
        members = {"W": self.W.astype(np.float16), "b": self.b.astype(np.float32),
                   "header": np.frombuffer(json.dumps(header, sort_keys=True).encode("utf-8"), dtype=np.uint8)}
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for name, arr in members.items():
                buf = io.BytesIO()
                np.save(buf, arr, allow_pickle=False)
                info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                zf.writestr(info, buf.getvalue(), compresslevel=9)

    @classmethod
    def load(cls, path: str | Path) -> "SpanTyper":
        import numpy as np

        with np.load(path, allow_pickle=False) as z:
            header = json.loads(bytes(z["header"]).decode("utf-8"))
            W, b = z["W"], z["b"]
        if header.get("format") != "kg-span-typer":
            raise ValueError(f"{path}: not a span typer model")
        if header.get("feature_version") != FEATURE_VERSION:
            raise ValueError(f"{path}: feature version {header.get('feature_version')} != {FEATURE_VERSION}; "
                             "retrain it with `make train-model`")
        meta = {k: v for k, v in header.items()
                if k not in ("format", "feature_version", "classes", "cues", "min_prob", "drop_prob", "keep_sources")}
        return cls(W, b, classes=header["classes"], cues=header["cues"], min_prob=header["min_prob"],
                   drop_prob=header["drop_prob"], keep_sources=header.get("keep_sources", KEEP_SOURCES), meta=meta)


def _data_role(span) -> EntityType | None:
    from kg.nlp.components import _data_role as role

    return role(span)


# ---------------------------------------------------------------- training


def train(examples: list[list[str]], labels: list[str], *, sample_weight: list[float] | None = None,
          dim: int = 1 << 18, epochs: int = 12, lr: float = 0.2, l2: float = 1e-5, batch: int = 32,
          seed: int = 0, classes=CLASSES, **model_kw) -> SpanTyper:
    """Fit the typer with mini-batch AdaGrad on the softmax loss (deterministic given `seed`).

    `examples` are feature-string lists (`span_features`), `labels` class names from `classes`.
    """
    import numpy as np

    k_of = {c: i for i, c in enumerate(classes)}
    y = np.array([k_of[l] for l in labels], dtype=np.int64)
    rows = [np.array(hash_features(f, dim), dtype=np.int64) for f in examples]
    sw = np.ones(len(rows)) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
    K = len(classes)
    W = np.zeros((dim, K))
    b = np.zeros(K)
    GW = np.full((dim, K), 1e-8)
    Gb = np.full(K, 1e-8)
    rng = np.random.default_rng(seed)
    for _ in range(epochs):
        order = rng.permutation(len(rows))
        for s in range(0, len(order), batch):
            ids = order[s:s + batch]
            idx = np.concatenate([rows[i] for i in ids])
            owner = np.repeat(np.arange(len(ids)), [len(rows[i]) for i in ids])
            z = np.zeros((len(ids), K))
            np.add.at(z, owner, W[idx])
            z += b
            z -= z.max(axis=1, keepdims=True)
            p = np.exp(z)
            p /= p.sum(axis=1, keepdims=True)
            g = p
            g[np.arange(len(ids)), y[ids]] -= 1.0
            g *= sw[ids, None] / len(ids)
            uniq, inv = np.unique(idx, return_inverse=True)
            gw = np.zeros((len(uniq), K))
            np.add.at(gw, inv, g[owner])
            gw += l2 * W[uniq]
            GW[uniq] += gw * gw
            W[uniq] -= lr * gw / np.sqrt(GW[uniq])
            gb = g.sum(axis=0)
            Gb += gb * gb
            b -= lr * gb / np.sqrt(Gb)
    return SpanTyper(W, b, classes=classes, **model_kw)


# ---------------------------------------------------------------- loading


def model_path(path: str | None = None) -> Path | None:
    """The span typer file a pipeline loads: `path`, else the one $KG_SPAN_TYPER names ('shipped'
    for kg/data/span_typer.npz); None for the rules alone (the default: KG_SPAN_TYPER unset or
    'none'/'off'/'0'/'').

    Raises:
        ConfigError: a model file named by `path` or $KG_SPAN_TYPER does not exist (a typo would
            otherwise run the rules alone without a word).
    """
    if path is None:
        env = os.environ.get(ENV_VAR)
        if env is None or env.strip().lower() in ("", "none", "off", "0", "false"):
            return None
        path = str(DEFAULT_PATH) if env.strip().lower() in SHIPPED else env
    if not Path(path).is_file():
        from kg.errors import ConfigError

        raise ConfigError(f"no span typer model at {path!r} (set {ENV_VAR}=none to run the rules alone)")
    return Path(path)


def load_classifier(path: str | None = None):
    """The span typer `model_path(path)` names, or None for the rules alone."""
    found = model_path(path)
    return SpanTyper.load(found) if found is not None else None


__all__ = ["SpanTyper", "load_classifier", "model_path", "span_features", "train", "CLASSES", "DEFAULT_PATH", "ENV_VAR"]
