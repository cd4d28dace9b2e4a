"""The stance model's features computed faster at inference, with the same numbers as scikit-learn.

A fitted `TfidfVectorizer(analyzer="char_wb")` spends most of the stance component's time
generating the n-grams of every word of every claim in Python. Its n-grams never cross a
space, so the n-grams of a word can be looked up once and reused: a corpus repeats its words
far more often than it meets new ones. `predict_proba` runs a saved [features, classifier]
pipeline through that cache and is otherwise what `Pipeline.predict_proba` computes (the tests
compare the two); any other pipeline shape goes through scikit-learn unchanged.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import normalize

WORD_CACHE_SIZE = 200_000  # words kept per vectorizer; a cache that outgrows it starts afresh


class CharNgramCache:
    """The transform of a fitted char_wb TfidfVectorizer, with each word's n-gram ids cached."""

    def __init__(self, vectorizer: TfidfVectorizer) -> None:
        self.vectorizer = vectorizer
        self._analyze = vectorizer.build_analyzer()
        self._vocabulary = vectorizer.vocabulary_
        self._ids: dict[str, list[int]] = {}

    @staticmethod
    def applies_to(vectorizer: Any) -> bool:
        return (isinstance(vectorizer, TfidfVectorizer) and vectorizer.analyzer == "char_wb"
                and vectorizer.preprocessor is None and vectorizer.strip_accents is None
                and vectorizer.binary is False)

    def word_ids(self, word: str) -> list[int]:
        ids = self._ids.get(word)
        if ids is None:
            if len(self._ids) >= WORD_CACHE_SIZE:
                self._ids.clear()
            vocabulary = self._vocabulary
            ids = self._ids[word] = [vocabulary[g] for g in self._analyze(word) if g in vocabulary]
        return ids

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        indices: list[int] = []
        indptr = [0]
        for text in texts:
            for word in text.split():  # char_wb splits on whitespace too, so a word's n-grams are its own
                indices += self.word_ids(word)
            indptr.append(len(indices))
        shape = (len(texts), len(self._vocabulary))
        counts = sp.csr_matrix((np.ones(len(indices), dtype=np.float64), np.array(indices, dtype=np.int32),
                                np.array(indptr, dtype=np.int64)), shape=shape)
        counts.sum_duplicates()  # repeated n-grams become counts, and indices are sorted
        return self._weigh(counts)

    def _weigh(self, counts: sp.csr_matrix) -> sp.csr_matrix:
        """TfidfTransformer.transform: sublinear tf, idf, row norm."""
        vectorizer = self.vectorizer
        if vectorizer.sublinear_tf:
            np.log(counts.data, counts.data)
            counts.data += 1.0
        if vectorizer.use_idf:
            counts.data *= vectorizer.idf_[counts.indices]
        return normalize(counts, norm=vectorizer.norm, copy=False) if vectorizer.norm else counts


class FastStancePipeline:
    """`predict_proba` and `classes_` of a fitted [features, classifier] Pipeline, char n-grams cached."""

    def __init__(self, pipeline: Any) -> None:
        self.pipeline = pipeline
        self.classes_ = pipeline.classes_
        self._blocks: list[tuple[Any, float | None]] | None = None
        features = _feature_union(pipeline)
        if features is not None:
            weights = features.transformer_weights or {}
            self._blocks = [(CharNgramCache(step) if CharNgramCache.applies_to(step) else step, weights.get(name))
                            for name, step in features.transformer_list if step not in ("drop", None)]

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        if self._blocks is None:
            return self.pipeline.predict_proba(texts)
        blocks = []
        for step, weight in self._blocks:
            matrix = step.transform(texts)
            blocks.append(matrix if weight is None else matrix * weight)
        return self.pipeline.steps[-1][1].predict_proba(sp.hstack(blocks).tocsr())


def _feature_union(pipeline: Any) -> FeatureUnion | None:
    if (isinstance(pipeline, Pipeline) and len(pipeline.steps) == 2
            and isinstance(pipeline.steps[0][1], FeatureUnion)):
        return pipeline.steps[0][1]
    return None
