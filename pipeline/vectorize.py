"""The stance model's features computed faster at inference, with the same numbers as scikit-learn.

A fitted `TfidfVectorizer(analyzer="char_wb")` spends most of the stance component's time
generating the n-grams of every word of every claim in Python. Its n-grams never cross a
space, so the n-grams of a word can be looked up once and reused (a corpus repeats its words
far more often than it meets new ones), and a batch's counts are its word counts times each
word's n-gram counts, one sparse product. Word n-grams are looked up as they are formed instead of
being built as strings and counted first. `predict_proba` runs a saved [features, classifier]
pipeline through these transforms and is otherwise what `Pipeline.predict_proba` computes (the tests
compare the two); any other pipeline shape goes through scikit-learn unchanged.
"""
from __future__ import annotations

import itertools
from abc import ABC, abstractmethod
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import normalize

from .stance_features import COUNT_TOKEN_PATTERN

WORD_CACHE_SIZE = 200_000  # words kept per vectorizer; a cache that outgrows it starts afresh


class _FastTfidf(ABC):
    """What a fitted TfidfVectorizer's transform does once a text's vocabulary ids are known."""

    def __init__(self, vectorizer: TfidfVectorizer) -> None:
        self.vectorizer = vectorizer
        self._vocabulary = vectorizer.vocabulary_

    @abstractmethod
    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """What the vectorizer's own transform gives for `texts`."""

    def transform_parts(self, parts: Sequence[tuple[str, str]]) -> sp.csr_matrix:
        """`transform` of `first + " " + second` for each pair of parts."""
        return self.transform([first + " " + second for first, second in parts])

    def _counts(self, indices: list[int], indptr: list[int]) -> sp.csr_matrix:
        counts = _csr(indices, indptr, (len(indptr) - 1, len(self._vocabulary)))
        counts.sum_duplicates()  # repeated n-grams become counts, and indices are sorted
        return counts

    def _weigh(self, counts: sp.csr_matrix) -> sp.csr_matrix:
        """TfidfTransformer.transform: sublinear tf, idf, row norm."""
        vectorizer = self.vectorizer
        if vectorizer.sublinear_tf:
            np.log(counts.data, counts.data)
            counts.data += 1.0
        if vectorizer.use_idf:
            counts.data *= vectorizer.idf_[counts.indices]
        return normalize(counts, norm=vectorizer.norm, copy=False) if vectorizer.norm else counts

    @staticmethod
    def _plain(vectorizer: Any) -> bool:
        return (isinstance(vectorizer, TfidfVectorizer) and vectorizer.input == "content"
                and vectorizer.preprocessor is None and vectorizer.strip_accents is None
                and vectorizer.binary is False)


class CharNgramCache(_FastTfidf):
    """The transform of a fitted char_wb TfidfVectorizer, with each word's n-gram ids cached."""

    def __init__(self, vectorizer: TfidfVectorizer) -> None:
        super().__init__(vectorizer)
        self._analyze = vectorizer.build_analyzer()
        self._ids: dict[str, list[int]] = {}

    @classmethod
    def applies_to(cls, vectorizer: Any) -> bool:
        return cls._plain(vectorizer) and vectorizer.analyzer == "char_wb"

    def word_ids(self, word: str) -> list[int]:
        ids = self._ids.get(word)
        if ids is None:
            if len(self._ids) >= WORD_CACHE_SIZE:
                self._ids.clear()
            vocabulary = self._vocabulary
            ids = self._ids[word] = [vocabulary[g] for g in self._analyze(word) if g in vocabulary]
        return ids

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """Counts as (texts x words) @ (words x n-grams), the distinct words of `texts` as the middle:
        a claim's n-gram ids are summed by the sparse product instead of being listed one by one.
        char_wb splits on whitespace too, so a word's n-grams are its own."""
        row_of: defaultdict[str, int] = defaultdict(itertools.count().__next__)
        rows: list[int] = []
        indptr = [0]
        for text in texts:
            rows += map(row_of.__getitem__, text.split())
            indptr.append(len(rows))
        words = _csr(rows, indptr, (len(texts), len(row_of)))
        ids = [self.word_ids(word) for word in row_of]  # in row order: a dict keeps insertion order
        ngrams = _csr(list(itertools.chain.from_iterable(ids)), [0, *itertools.accumulate(map(len, ids))],
                      (len(row_of), len(self._vocabulary)))
        return self._weigh(words @ ngrams)  # columns unsorted: the classifier's product does not need them


class WordNgrams(_FastTfidf):
    """The transform of a fitted word TfidfVectorizer, looking n-grams up as they are formed.

    scikit-learn builds every n-gram string of a text and then counts them in a dict; here an
    n-gram becomes a vocabulary id at once, and most bigrams are never joined: only those whose
    first word starts a known bigram.
    """

    def __init__(self, vectorizer: TfidfVectorizer) -> None:
        super().__init__(vectorizer)
        self._preprocess = vectorizer.build_preprocessor()
        self._tokenize = vectorizer.build_tokenizer()
        # A pattern whose tokens hold only word characters, each bounded by \b, finds in a text
        # what it finds in the text's space-separated pieces, which then tokenize once each.
        self._pieces_alike = vectorizer.token_pattern in (TfidfVectorizer().token_pattern, COUNT_TOKEN_PATTERN)
        self._piece_tokens: dict[str, list[str]] = {}
        self._min_n, self._max_n = vectorizer.ngram_range
        self._starts = {g.split(" ", 1)[0] for g in self._vocabulary if " " in g}

    @classmethod
    def applies_to(cls, vectorizer: Any) -> bool:
        return (cls._plain(vectorizer) and vectorizer.analyzer == "word" and vectorizer.tokenizer is None
                and vectorizer.stop_words is None and tuple(vectorizer.ngram_range) in ((1, 1), (1, 2)))

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        indices: list[int] = []
        indptr = [0]
        for text in texts:
            indices += self._token_ids(self._tokens(text))
            indptr.append(len(indices))
        return self._weigh(self._counts(indices, indptr))

    def _token_ids(self, tokens: list[str]) -> list[int]:
        get = self._vocabulary.get
        ids = [i for i in map(get, tokens) if i is not None]
        if self._max_n == 2:
            starts = self._starts
            for first, second in zip(tokens, tokens[1:]):
                if first in starts:
                    i = get(first + " " + second)
                    if i is not None:
                        ids.append(i)
        return ids

    def _tokens(self, text: str) -> list[str]:
        """`_tokenize(_preprocess(text))`; where the pattern allows, each space-separated piece is
        tokenized once and kept: words and a pair's own tokens ("BTW_and", "PAIRCOORD") repeat."""
        if not self._pieces_alike:
            return self._tokenize(self._preprocess(text))
        cache = self._piece_tokens
        if len(cache) >= WORD_CACHE_SIZE:
            cache.clear()
        tokens: list[str] = []
        for piece in text.split(" "):
            found = cache.get(piece)
            if found is None:
                found = cache[piece] = self._tokenize(self._preprocess(piece))
            tokens += found
        return tokens

    def transform_parts(self, parts: Sequence[tuple[str, str]]) -> sp.csr_matrix:
        """`transform` of `first + " " + second`, each distinct first part counted once.

        No token spans the joining space, so the joined text's n-grams are those of each part
        plus the bigram of the first part's last token and the second's first. The counts are
        (parts x distinct first parts) @ (their counts) + the counts of the rest.
        """
        firsts: dict[str, tuple[int, str | None]] = {}  # first part -> its row, its last token
        first_ids: list[int] = []
        first_indptr = [0]
        rows: list[int] = []
        indices: list[int] = []
        indptr = [0]
        for first, second in parts:
            seen = firsts.get(first)
            if seen is None:
                tokens = self._tokens(first)
                first_ids += self._token_ids(tokens)
                first_indptr.append(len(first_ids))
                seen = firsts[first] = (len(firsts), tokens[-1] if tokens else None)
            row, last = seen
            rows.append(row)
            tokens = self._tokens(second)
            indices += self._token_ids(tokens)
            if self._max_n == 2 and last is not None and tokens and last in self._starts:
                i = self._vocabulary.get(last + " " + tokens[0])
                if i is not None:
                    indices.append(i)
            indptr.append(len(indices))
        which_first = _csr(rows, list(range(len(rows) + 1)), (len(parts), len(firsts)))
        counts = which_first @ self._counts(first_ids, first_indptr) + self._counts(indices, indptr)
        return self._weigh(counts.tocsr())


class FastStancePipeline:
    """`predict_proba` and `classes_` of a fitted [features, classifier] Pipeline, its n-grams counted faster."""

    def __init__(self, pipeline: Any) -> None:
        self.pipeline = pipeline
        self.classes_ = pipeline.classes_
        self._blocks: list[tuple[Any, float | None]] | None = None
        features = _feature_union(pipeline)
        if features is not None:
            weights = features.transformer_weights or {}
            self._blocks = [(_fast(step), weights.get(name))
                            for name, step in features.transformer_list if step not in ("drop", None)]

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        if self._blocks is None:
            return self.pipeline.predict_proba(texts)
        return self._classify([step.transform(texts) for step, _ in self._blocks])

    def predict_proba_parts(self, parts: Sequence[tuple[str, str]]) -> np.ndarray:
        """`predict_proba` of `first + " " + second` for each pair of parts; a first part that
        repeats (the claim that all its actor pairs share) is vectorized once."""
        if self._blocks is None or not all(isinstance(step, _FastTfidf) for step, _ in self._blocks):
            return self.predict_proba([first + " " + second for first, second in parts])
        return self._classify([step.transform_parts(parts) for step, _ in self._blocks])

    def _classify(self, matrices: list[sp.csr_matrix]) -> np.ndarray:
        blocks = [matrix if weight is None else matrix * weight for matrix, (_, weight) in zip(matrices, self._blocks)]
        return self.pipeline.steps[-1][1].predict_proba(sp.hstack(blocks, format="csr"))


def _csr(indices: list[int], indptr: list[int], shape: tuple[int, int]) -> sp.csr_matrix:
    """A matrix with a 1 at each (row, column) listed, repeats not yet summed."""
    return sp.csr_matrix((np.ones(len(indices), dtype=np.float64), np.array(indices, dtype=np.int32),
                          np.array(indptr, dtype=np.int64)), shape=shape)


def _fast(step: Any) -> Any:
    for fast in (CharNgramCache, WordNgrams):
        if fast.applies_to(step):
            return fast(step)
    return step


def _feature_union(pipeline: Any) -> FeatureUnion | None:
    if (isinstance(pipeline, Pipeline) and len(pipeline.steps) == 2
            and isinstance(pipeline.steps[0][1], FeatureUnion)):
        return pipeline.steps[0][1]
    return None
