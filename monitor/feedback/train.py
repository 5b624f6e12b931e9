"""`monitor train`: refit the light heads on this deployment's labels; estimate its class priors.

- The shipped model is always the starting point and the centre of the penalty (L2-SP,
  `monitor.classify.training`): the trained copy is the shipped model moved towards what the
  analysts labelled, never a drift away from a previous trained copy.
- A fixed fifth of the labelled mentions (by a hash of the id, so the slice stays the same as
  labels accumulate) is held out: the report gives the shipped and the trained model's scores
  on it. The copy is adopted only when it is not worse there (`force` adopts anyway); the
  adopted copy is then fitted again on every label, the held-out fifth included, so that no
  analyst's correction is left out of the model in use.
- The copy goes to `<data folder>/classifier/model/` (written beside it, then renamed into
  place); the shipped model in the package is never touched and stays the fallback.
- Priors: the model's posteriors on the stored mentions of the last `window`, EM
  (`calibration.estimate_priors`), written to `<data folder>/classifier/priors.json`.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

from monitor.classify.calibration import DeploymentPriors, estimate_priors
from monitor.classify.model import Features, LightClassifier, ModelInfo, rows
from monitor.classify.options import DEFAULT_MODEL_DIR, deployment_dir, trained_model_dir
from monitor.classify.tagger import LearnedTagger, split_label
from monitor.classify.training import balanced_weights, fit_ngram, fit_tagger, fit_wordvec
from monitor.errors import UsageError
from monitor.feedback.labels import LabelledText
from monitor.records import Label
from monitor.store.base import MentionFilter, MentionStore
from monitor.text.normalize import normalize_for_match

HELD_OUT_SHARE = 0.2
# Fewer labels than this teach nothing measurable; say so instead of training.
MIN_LABELS = 20
# How hard the refit is pulled back to the shipped weights, and how long it runs (chosen on
# 5-fold cross-validation inside the domain_shift train split: sentiment macro-F1 0.736 -> 0.777,
# topics+flags micro-F1 0.39 -> 0.65; its test split never decided anything).
NGRAM_ANCHOR_L2 = 1e-4
NGRAM_ITERATIONS = 200
NGRAM_LR = 0.1
MLP_ANCHOR_L2 = 1e-2
MLP_ITERATIONS = 200
TAGGER_ANCHOR_L2 = 1e-4
TAGGER_ITERATIONS = 60


@dataclass(frozen=True)
class Scores:
    examples: int
    sentiment_macro_f1: float | None
    sentiment_accuracy: float | None
    tags_micro_f1: float | None


@dataclass(frozen=True)
class TrainReport:
    labelled: int
    trained_on: int
    held_out: int
    before: Scores
    after: Scores
    adopted: bool
    model_dir: Path | None
    priors: DeploymentPriors | None


def held_out(mention_id: str, share: float = HELD_OUT_SHARE) -> bool:
    """Whether a labelled mention belongs to the held-out slice (stable as labels accumulate)."""
    digest = hashlib.sha256(mention_id.encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big") / 2**32 < share


def _macro_f1(gold: Sequence[int], predicted: Sequence[int], n: int) -> float:
    scores = []
    for c in range(n):
        tp = sum(1 for g, p in zip(gold, predicted, strict=True) if g == c and p == c)
        fp = sum(1 for g, p in zip(gold, predicted, strict=True) if g != c and p == c)
        fn = sum(1 for g, p in zip(gold, predicted, strict=True) if g == c and p != c)
        if tp + fp + fn:
            scores.append(2 * tp / (2 * tp + fp + fn))
    return sum(scores) / len(scores) if scores else 0.0


def _sentiment_name(label: Label) -> str:
    assert label.sentiment is not None
    return label.sentiment.value


def _tag_names(label: Label, tagger: LearnedTagger) -> dict[str, bool | None]:
    """Per tagger label: True/False when the person labelled that kind, None when unknown."""
    out: dict[str, bool | None] = {}
    for name in tagger.labels:
        kind, value = split_label(name)
        given = label.topics if kind == "topics" else label.flags
        out[name] = None if given is None else value in given
    return out


def score(model: LightClassifier, items: Sequence[LabelledText]) -> Scores:
    """Sentiment macro-F1 and accuracy, topic+flag micro-F1 of `model` on labelled mentions."""
    if not items:
        return Scores(0, None, None, None)
    texts = [item.text for item in items]
    normalized = [normalize_for_match(t) for t in texts]
    features = model.parts.features(texts)
    with_sentiment = [i for i, item in enumerate(items) if item.label.sentiment is not None]
    macro = accuracy = None
    if with_sentiment:
        probs = model.sentiment(
            Features(rows(features.ngrams, with_sentiment), features.pooled[with_sentiment]),
            [normalized[i] for i in with_sentiment],
        )
        gold = [model.labels.index(_sentiment_name(items[i].label)) for i in with_sentiment]
        predicted = [int(p) for p in probs.argmax(1)]
        macro = round(_macro_f1(gold, predicted, len(model.labels)), 4)
        accuracy = round(sum(g == p for g, p in zip(gold, predicted, strict=True)) / len(gold), 4)
    tags_f1 = None
    tagged = [i for i, item in enumerate(items) if item.label.topics is not None or item.label.flags is not None]
    if tagged:
        results = model.tags(features, normalized)
        tp = n_pred = n_gold = 0
        for i in tagged:
            label, result = items[i].label, results[i]
            for given, found in ((label.topics, result.topics), (label.flags, result.flags)):
                if given is None:
                    continue
                tp += len(set(given) & set(found))
                n_pred += len(found)
                n_gold += len(given)
        tags_f1 = round(2 * tp / max(1, n_pred + n_gold), 4)
    return Scores(len(items), macro, accuracy, tags_f1)


# The stages of `train`, as catalogue keys (`train.stage.*`), in order: what its progress counts.
STAGES = ("features", "ngram", "wordvec", "tagger", "score", "final")


def refit(
    base: LightClassifier, items: Sequence[LabelledText], out: Path, stage: Callable[[str], None] = lambda _: None
) -> None:
    """Write to `out` a copy of `base` with its heads refitted on the labelled mentions; `stage`
    is called as each of STAGES but the last begins."""
    shutil.copytree(base.directory, out)
    texts = [item.text for item in items]
    stage("features")
    features = base.parts.features(texts)
    labels = base.labels
    with_sentiment = [i for i, item in enumerate(items) if item.label.sentiment is not None]
    if with_sentiment:
        y = np.array([labels.index(_sentiment_name(items[i].label)) for i in with_sentiment])
        weight = balanced_weights(y, len(labels))
        batch = rows(features.ngrams, with_sentiment)
        stage("ngram")
        if base.parts.ngram is not None:
            fit_ngram(
                batch,
                y,
                weight,
                labels,
                base.parts.ngram.spec,
                l2=NGRAM_ANCHOR_L2,
                iterations=NGRAM_ITERATIONS,
                lr=NGRAM_LR,
                anchor=base.parts.ngram,
            ).save(out)
        stage("wordvec")
        if base.parts.wordvec is not None:
            fit_wordvec(
                base.parts.wordvec.words,
                features.pooled[with_sentiment],
                y,
                weight,
                labels,
                iterations=MLP_ITERATIONS,
                anchor=base.parts.wordvec,
                anchor_l2=MLP_ANCHOR_L2,
            ).save(out)
    stage("tagger")
    tagger = base.tagger
    tagged = [i for i, item in enumerate(items) if item.label.topics is not None or item.label.flags is not None]
    if tagger is not None and tagged:
        known = [_tag_names(items[i].label, tagger) for i in tagged]
        gold = np.array([[1.0 if k[name] else 0.0 for name in tagger.labels] for k in known])
        mask = np.array([[0.0 if k[name] is None else 1.0 for name in tagger.labels] for k in known])
        normalized = [normalize_for_match(texts[i]) for i in tagged]
        vectors = base.parts.wordvec.standardized(features.pooled[tagged]) if base.parts.wordvec else features.pooled
        fit_tagger(
            tagger.seeds,
            tagger.seeds.matrix(normalized),
            rows(features.ngrams, tagged),
            vectors,
            gold,
            mask / len(tagged),
            tagger.labels,
            fold=tagger.fold,
            bits=tagger.ngram_weight.shape[0].bit_length() - 1,
            l2=TAGGER_ANCHOR_L2,
            iterations=TAGGER_ITERATIONS,
            anchor=tagger,
        ).save(out)


def train(
    items: Sequence[LabelledText],
    data_dir: Path,
    *,
    now: datetime,
    force: bool = False,
    base_dir: Path = DEFAULT_MODEL_DIR,
    progress: Callable[[str], None] = lambda _: None,
    stages: Callable[[int, str], None] = lambda _done, _stage: None,
) -> tuple[TrainReport, LightClassifier]:
    """Refit on the labels, compare on the held-out slice, adopt (or not); returns the report and
    the model now in use (the trained copy when adopted, else the shipped one). `stages(done,
    stage)`: how many of STAGES are done as `stage` begins, and once more at the end (done =
    len(STAGES), stage "")."""
    if len(items) < MIN_LABELS:
        raise UsageError(f"baru {len(items)} mention berlabel; butuh setidaknya {MIN_LABELS} untuk melatih")
    base = LightClassifier(base_dir)
    learn = [item for item in items if not held_out(item.label.mention_id)]
    check = [item for item in items if held_out(item.label.mention_id)]
    progress(f"{len(learn)} dilatih, {len(check)} disisihkan untuk menguji")
    target = trained_model_dir(data_dir)
    staging = target.with_name(target.name + ".baru")
    shutil.rmtree(staging, ignore_errors=True)
    refit(base, learn, staging, lambda name: stages(STAGES.index(name), name))
    _name_copy(staging, base.name, len(learn), now)
    trained = LightClassifier(staging)
    stages(STAGES.index("score"), "score")
    before, after = score(base, check), score(trained, check)
    adopted = force or _not_worse(before, after)
    if adopted and check:
        # The held-out fifth has done its job (the scores above); the copy put to use learns
        # from it too, as a model is refitted on all its data once validated.
        stages(STAGES.index("final"), "final")
        shutil.rmtree(staging)
        refit(base, items, staging)
        _name_copy(staging, base.name, len(items), now)
    stages(len(STAGES), "")
    if adopted:
        shutil.rmtree(target, ignore_errors=True)
        staging.rename(target)
        trained = LightClassifier(target)
    else:
        shutil.rmtree(staging, ignore_errors=True)
    report = TrainReport(len(items), len(learn), len(check), before, after, adopted, target if adopted else None, None)
    return report, trained if adopted else base


def _name_copy(directory: Path, base_name: str, labels: int, now: datetime) -> None:
    info = ModelInfo.load(directory)
    origin = f"dilatih {now:%Y-%m-%d %H:%M} UTC dari {base_name} dengan {labels} label analis"
    replace(info, name=f"{base_name}+lokal", origin=origin).save(directory)


def _not_worse(before: Scores, after: Scores) -> bool:
    pairs = [(before.sentiment_macro_f1, after.sentiment_macro_f1), (before.tags_micro_f1, after.tags_micro_f1)]
    measured = [(b, a) for b, a in pairs if b is not None and a is not None]
    return bool(measured) and sum(a - b for b, a in measured) >= 0


def estimate_deployment_priors(
    model: LightClassifier, store: MentionStore, data_dir: Path, *, now: datetime, window: timedelta, limit: int
) -> DeploymentPriors | None:
    """EM on the model's posteriors for the stored mentions of the last `window` (up to `limit`)."""
    hits = store.search(MentionFilter(since=now - window, until=now), limit=limit)
    texts = [hit.mention.mention.classified_text for hit in hits if hit.mention.classification.sentiment is not None]
    if not texts:
        return None
    features = model.parts.features(texts)
    probs = model.sentiment(features, [normalize_for_match(t) for t in texts])
    prior = estimate_priors(probs, model.train_prior)
    priors = DeploymentPriors(
        tuple(model.labels), tuple(float(p) for p in prior), len(texts), now.isoformat(timespec="seconds")
    )
    priors.save(deployment_dir(data_dir))
    return priors
