"""The default classifier: numpy only, loaded from a model directory in well under a second.

A model directory (the shipped `sentiment-id-small/`, or the copy `monitor train` writes into
the data folder) holds:

- `model.json`: name, labels, the text preparation version, the calibration temperature and
  the class priors the training assumed (`ModelInfo`);
- `sentiment_mix.json`: the weights of the sentiment parts (`mix.py`);
- the parts: `ngram_head.*` (hashed character n-grams), `wordvec_head.*` + `wordvec_vocab.txt`
  (corpus word vectors and an MLP), and the team's word list (code, `lexicon.py`);
- `tagger.*`: topics and flags learned over the taxonomy (`tagger.py`); without it, the seed
  terms tag.

No torch, no transformers: a mix that gives the transformer a weight is run by the
`transformer` classifier instead (an extra, `pip install humas-monitor[transformer]`).
Features are computed once per batch and shared: the n-gram ids and pooled word vectors feed
both the sentiment heads and the tagger.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from monitor.classify.calibration import DeploymentPriors, adjust_to_priors, softmax
from monitor.classify.lexicon import describe_unclassifiable, lexicon_log_probs
from monitor.classify.mix import MIX_FILE, SentimentMix, log_softmax
from monitor.classify.ngram import NgramHead, NgramSpec, SparseBatch, featurize
from monitor.classify.tagger import LearnedTagger, TagResult
from monitor.classify.taxonomy import DEFAULT_FLAGS, DEFAULT_TOPICS, KeywordTagger
from monitor.classify.textprep import PREPROCESS_VERSION, prepare
from monitor.classify.wordvec import WordVectorHead
from monitor.errors import ClassifierError
from monitor.records import Classification
from monitor.text.normalize import normalize_for_match
from monitor.values import Sentiment

MODEL_FILE = "model.json"


@dataclass(frozen=True)
class ModelInfo:
    """`model.json`: what a model directory is and how its scores are calibrated."""

    name: str
    labels: list[str]
    preprocess: str = PREPROCESS_VERSION
    # softmax(log p / temperature + bias): fitted on labelled dev posts (calibration.py).
    temperature: float = 1.0
    bias: list[float] = field(default_factory=list)
    # The class priors the posteriors assume (class-balanced training: about uniform).
    train_prior: list[float] = field(default_factory=list)
    # Where the model came from, for people: "shipped", or "trained <date> on N corrections".
    origin: str = "shipped"

    def calibrated(self, log_p: np.ndarray) -> np.ndarray:
        scaled = log_p / self.temperature
        return softmax(scaled + np.asarray(self.bias)) if self.bias else softmax(scaled)

    def prior(self) -> np.ndarray:
        if self.train_prior:
            return np.asarray(self.train_prior, dtype=np.float64)
        return np.full(len(self.labels), 1.0 / len(self.labels))

    def save(self, directory: Path) -> None:
        (directory / MODEL_FILE).write_text(json.dumps(asdict(self), indent=1), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path) -> ModelInfo:
        data = json.loads((directory / MODEL_FILE).read_text(encoding="utf-8"))
        return cls(**data)


@dataclass(frozen=True)
class Features:
    """What the heads read, computed once per batch."""

    ngrams: SparseBatch
    pooled: np.ndarray  # [N, 2D] word vectors, zeros when the model has none


class SentimentParts:
    """The light sentiment parts of a directory: n-gram head, word-vector head, word list, mix."""

    def __init__(self, directory: Path, labels: Sequence[str]):
        try:
            self.mix = SentimentMix.load(directory)
            self.ngram = NgramHead.load(directory)
            self.wordvec = WordVectorHead.load(directory)
        except Exception as exc:  # truncated JSON, safetensors or vocabulary files
            raise ClassifierError(f"bagian model di {directory} tidak bisa dimuat: {exc}") from exc
        self.labels = list(labels)
        for part, head in (("ngram", self.ngram), ("wordvec", self.wordvec)):
            if self.mix.weight(part) > 0 and head is None:
                raise ClassifierError(f"{MIX_FILE} memakai bagian '{part}' tetapi berkasnya tidak ada di {directory}")
            if head is not None and head.labels != self.labels:
                raise ClassifierError(f"label {part} {head.labels} berbeda dari model {self.labels}: {directory}")
        self.spec = self.ngram.spec if self.ngram is not None else NgramSpec()

    def features(self, texts: Sequence[str]) -> Features:
        prepared = [prepare(t) for t in texts]
        pooled = (
            self.wordvec.words.pooled(prepared, prepared=True)
            if self.wordvec is not None
            else np.zeros((len(texts), 0), dtype=np.float32)
        )
        return Features(featurize(prepared, self.spec, prepared=True), pooled)

    def log_probs(
        self, features: Features, normalized: Sequence[str], mix: SentimentMix | None = None
    ) -> dict[str, np.ndarray]:
        """Each used part's log-probabilities ([N, C], columns as `labels`)."""
        mix = mix or self.mix
        parts: dict[str, np.ndarray] = {}
        if mix.weight("ngram") > 0 and self.ngram is not None:
            parts["ngram"] = log_softmax(self.ngram.logits_of(features.ngrams))
        if mix.weight("wordvec") > 0 and self.wordvec is not None:
            parts["wordvec"] = log_softmax(self.wordvec.logits_of(features.pooled))
        if mix.weight("lexicon") > 0:
            parts["lexicon"] = lexicon_log_probs(normalized, self.labels)
        return parts


def rows(batch: SparseBatch, keep: Sequence[int]) -> SparseBatch:
    """The CSR rows `keep` of a batch, in that order."""
    starts, ends = batch.indptr[:-1][list(keep)], batch.indptr[1:][list(keep)]
    lengths = ends - starts
    pieces = [np.arange(s, e) for s, e in zip(starts, ends, strict=True)]
    index = np.concatenate(pieces).astype(np.int64) if pieces else np.zeros(0, dtype=np.int64)
    indptr = np.concatenate(([0], np.cumsum(lengths))).astype(np.int64)
    return SparseBatch(indptr=indptr, ids=batch.ids[index], weights=batch.weights[index])


class LightClassifier:
    """Sentiment (calibrated, corrected to the deployment's priors), topics and flags, in numpy."""

    def __init__(
        self,
        model_dir: Path,
        *,
        topics: Mapping[str, Sequence[str]] = DEFAULT_TOPICS,
        flags: Mapping[str, Sequence[str]] = DEFAULT_FLAGS,
        priors: DeploymentPriors | None = None,
    ):
        if not (model_dir / MODEL_FILE).is_file():
            raise ClassifierError(f"direktori model tidak ada atau tanpa {MODEL_FILE}: {model_dir}")
        try:
            self.info = ModelInfo.load(model_dir)
            self.tagger = LearnedTagger.load(model_dir)
        except Exception as exc:
            raise ClassifierError(f"model di {model_dir} tidak bisa dimuat: {exc}") from exc
        if self.info.preprocess != PREPROCESS_VERSION:
            raise ClassifierError(
                f"model di {model_dir} dilatih dengan praproses '{self.info.preprocess}', "
                f"kode ini memakai '{PREPROCESS_VERSION}'; latih ulang model"
            )
        self.directory = model_dir
        self.labels = list(self.info.labels)
        self.parts = SentimentParts(model_dir, self.labels)
        if self.parts.mix.weight("transformer") > 0:
            raise ClassifierError(f"{MIX_FILE} di {model_dir} memakai transformer: pakai tipe 'transformer'")
        self.name = self.info.name
        self.train_prior = self.info.prior()
        self.priors = priors
        self.topic_names = list(topics)
        # Labels the tagger never learned (an agency's own topics) keep their seed terms.
        learned_topics = set(self.tagger.names("topics")) if self.tagger else set()
        learned_flags = set(self.tagger.names("flags")) if self.tagger else set()
        self.seed_topics = KeywordTagger({k: v for k, v in topics.items() if k not in learned_topics})
        self.seed_flags = KeywordTagger({k: v for k, v in flags.items() if k not in learned_flags})

    @property
    def deployment_prior(self) -> np.ndarray | None:
        return self.priors.as_array(self.labels) if self.priors is not None else None

    # -- sentiment ---------------------------------------------------------------------------
    def sentiment(
        self,
        features: Features,
        normalized: Sequence[str],
        *,
        mix: SentimentMix | None = None,
        calibrate: bool = True,
        prior: np.ndarray | None = None,
    ) -> np.ndarray:
        """[N, C] probabilities: the mix, divided by the temperature, re-weighted to `prior`."""
        mix = mix or self.parts.mix
        combined = mix.combine(self.parts.log_probs(features, normalized, mix))
        log_p = np.log(np.maximum(combined, 1e-12))
        probs = self.info.calibrated(log_p) if calibrate else combined
        if prior is not None:
            probs = adjust_to_priors(probs, self.train_prior, prior)
        return probs.astype(np.float32)

    def probabilities(self, texts: Sequence[str], mix: SentimentMix | None = None) -> np.ndarray:
        """Sentiment probabilities as stored: calibrated and corrected to the deployment's priors."""
        if not texts:
            return np.zeros((0, len(self.labels)), dtype=np.float32)
        features = self.parts.features(texts)
        normalized = [normalize_for_match(t) for t in texts]
        return self.sentiment(features, normalized, mix=mix, prior=self.deployment_prior)

    # -- topics and flags --------------------------------------------------------------------
    def tags(self, features: Features, normalized: Sequence[str]) -> list[TagResult]:
        learned: list[TagResult] = []
        if self.tagger is not None:
            probs = self.tagger.probabilities(normalized, features.ngrams, self._tagger_vectors(features))
            learned = self.tagger.results(probs, self.topic_names)
        out = []
        for i, text in enumerate(normalized):
            seed_topics, seed_scores = self.seed_topics.tag(text)
            seed_flags, _ = self.seed_flags.tag(text)
            if learned:
                mine = learned[i]
                topics = mine.topics + seed_topics
                out.append(TagResult(topics, {**mine.topic_scores, **seed_scores}, mine.flags + seed_flags))
            else:
                out.append(TagResult(seed_topics, seed_scores, seed_flags))
        return out

    def _tagger_vectors(self, features: Features) -> np.ndarray:
        if self.parts.wordvec is None:
            return features.pooled
        return self.parts.wordvec.standardized(features.pooled)

    # -- the Classifier protocol -------------------------------------------------------------
    def classify(self, texts: Sequence[str]) -> list[Classification]:
        if not texts:
            return []
        normalized = [normalize_for_match(t) for t in texts]
        verdicts = [describe_unclassifiable(t, n) for t, n in zip(texts, normalized, strict=True)]
        features = self.parts.features(texts)
        tags = self.tags(features, normalized)
        scorable = [i for i, (_, reason) in enumerate(verdicts) if reason is None]
        probs: dict[int, list[float]] = {}
        if scorable:
            every = len(scorable) == len(texts)
            subset = features if every else Features(rows(features.ngrams, scorable), features.pooled[scorable])
            scored = normalized if every else [normalized[i] for i in scorable]
            found = self.sentiment(subset, scored, prior=self.deployment_prior)
            # Python floats once for the batch, not a numpy scalar per score.
            probs = dict(zip(scorable, found.tolist(), strict=True))
        results = []
        for i, tag in enumerate(tags):
            language, reason = verdicts[i]
            if i not in probs:
                results.append(
                    Classification(None, {}, tag.topics, tag.topic_scores, tag.flags, self.name, language, reason)
                )
                continue
            scores = {label: round(p, 4) for label, p in zip(self.labels, probs[i], strict=True)}
            sentiment = Sentiment(max(scores, key=scores.__getitem__))
            results.append(
                Classification(sentiment, scores, tag.topics, tag.topic_scores, tag.flags, self.name, language)
            )
        return results
