"""The cached feature path gives the saved pipeline's own probabilities."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from pipeline.train import DEFAULT_MODEL_PATH, build_stance_pipeline, load_model
from pipeline.vectorize import CharNgramCache, FastStancePipeline, WordNgrams

TEXTS = ["China and Russia deepened their cooperation in 2023.", "Rivalry between ACTOR and ACTOR persists.",
         "The two countries have not provoked major conflicts NEGCOMPCUE", "Tensions grew over the   dam.",
         "Both sides signed a trade agreement COOPCUE", "Washington imposed sanctions COMPCUE NACT1"]
LABELS = ["cooperative", "competitive", "cooperative", "competitive", "cooperative", "competitive"]


@pytest.fixture(scope="module")
def shipped_claim_model():
    models, _ = load_model(DEFAULT_MODEL_PATH)
    return models["claim"]


@given(st.lists(st.text(alphabet=st.characters(codec="utf-8"), max_size=120), min_size=1, max_size=8))
@settings(max_examples=60, deadline=None)
def test_vectorize_matches_scikit_learn_on_any_text(shipped_claim_model, texts):
    expected = shipped_claim_model.predict_proba(texts)
    assert np.allclose(FastStancePipeline(shipped_claim_model).predict_proba(texts), expected, atol=1e-12)


def test_vectorize_matches_on_repeated_words_and_a_refilled_cache(monkeypatch):
    model = build_stance_pipeline(LogisticRegression(max_iter=1000)).fit(TEXTS * 3, LABELS * 3)
    fast = FastStancePipeline(model)
    monkeypatch.setattr("pipeline.vectorize.WORD_CACHE_SIZE", 5)
    for _ in range(3):  # second and third passes read the cache, which is cleared as it fills
        assert np.allclose(fast.predict_proba(TEXTS), model.predict_proba(TEXTS), atol=1e-12)
    assert fast.classes_.tolist() == ["competitive", "cooperative"]


def test_vectorize_caches_only_plain_char_vectorizers():
    assert CharNgramCache.applies_to(TfidfVectorizer(analyzer="char_wb"))
    assert not CharNgramCache.applies_to(TfidfVectorizer(analyzer="char"))  # its n-grams cross spaces
    assert not CharNgramCache.applies_to(TfidfVectorizer(analyzer="char_wb", strip_accents="unicode"))
    assert not CharNgramCache.applies_to(TfidfVectorizer())


def test_vectorize_passes_other_pipelines_to_scikit_learn():
    classifier = LogisticRegression(max_iter=1000).fit(np.eye(6), LABELS)
    fast = FastStancePipeline(classifier)
    assert np.allclose(fast.predict_proba(np.eye(6)), classifier.predict_proba(np.eye(6)))


@given(st.lists(st.text(alphabet=st.characters(codec="utf-8"), max_size=120), min_size=1, max_size=8))
@settings(max_examples=60, deadline=None)
def test_word_ngrams_match_scikit_learn_on_any_text(texts):
    for vectorizer in (TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True),
                       TfidfVectorizer(token_pattern=r"\S+", lowercase=False, use_idf=False, norm=None)):
        vectorizer.fit(TEXTS + texts[:3])
        expected = vectorizer.transform(texts)
        got = WordNgrams(vectorizer).transform(texts)
        assert np.array_equal(got.indices, expected.indices) and np.array_equal(got.indptr, expected.indptr)
        assert np.allclose(got.data, expected.data, atol=1e-12)


def test_word_ngrams_apply_only_to_plain_word_vectorizers():
    assert WordNgrams.applies_to(TfidfVectorizer(ngram_range=(1, 2)))
    assert not WordNgrams.applies_to(TfidfVectorizer(ngram_range=(1, 3)))
    assert not WordNgrams.applies_to(TfidfVectorizer(stop_words="english"))
    assert not WordNgrams.applies_to(TfidfVectorizer(tokenizer=str.split))
    assert not WordNgrams.applies_to(TfidfVectorizer(analyzer="char_wb"))


@pytest.fixture(scope="module")
def shipped_relation_model():
    models, _ = load_model(DEFAULT_MODEL_PATH)
    return models["relation"]


PIECES = ["ACTOR", "and", "trade", "BTW_with", "PAIRCOORD", "NACT2", "COOPCUE", " ", ".", "P1START", "the", "rival",
          "’s", "-", "é", "ΟΣ", "\t", "\x1c"]
PART = st.lists(st.sampled_from(PIECES), max_size=12).map("".join)


@given(st.lists(st.tuples(st.sampled_from(["", "ACTOR and ACTOR trade COOPCUE", "the rival ACTOR. NACT3"]), PART),
                min_size=1, max_size=8))
@settings(max_examples=60, deadline=None)
def test_vectorize_parts_match_scikit_learn_on_the_joined_text(shipped_relation_model, parts):
    expected = shipped_relation_model.predict_proba([first + " " + second for first, second in parts])
    got = FastStancePipeline(shipped_relation_model).predict_proba_parts(parts)
    assert np.allclose(got, expected, atol=1e-12)


def test_vectorize_parts_keep_the_bigram_across_the_join():
    model = build_stance_pipeline(LogisticRegression(max_iter=1000), chars=False).fit(
        ["trade grew NACT1", "trade fell NACT2", "grew fast NACT1", "fell hard NACT2"] * 2, ["a", "b", "a", "b"] * 2)
    parts = [("trade", "grew NACT1"), ("trade", "fell"), ("", "trade grew"), ("fell", "hard")]
    assert "trade grew" in model.named_steps["features"].transformer_list[0][1].vocabulary_
    expected = model.predict_proba([f + " " + s for f, s in parts])
    assert np.allclose(FastStancePipeline(model).predict_proba_parts(parts), expected, atol=1e-12)
