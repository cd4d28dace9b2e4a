"""Words tokenized outside memory zones stay cached, and the tokens do not change."""
from __future__ import annotations

import spacy
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.tokenizer_cache import FrequentWords, frequent_words, uncached, warm_stop_words

PIECES = ["China's", "U.S.-China", "(2023)", "5%", "$3bn", "e-mail", "Kyrgyzstan", ",", ".", "don't", " ", "\n",
          "  ", "Mr.", "“Belt", "Road”", "https://x.org/a?b=1", "naïve", "-"]
TEXTS = st.lists(st.lists(st.sampled_from(PIECES), max_size=20).map("".join), min_size=1, max_size=4)


def _tokens(doc):
    return [(t.text, t.idx, t.whitespace_) for t in doc]


PLAIN, WARM = spacy.blank("en"), spacy.blank("en")  # WARM keeps what every example warms
warm_stop_words(WARM)


@given(TEXTS)
@settings(max_examples=60, deadline=None)
def test_tokenizer_cache_warm_words_leave_the_tokens_as_they_were(texts):
    plain, warm = PLAIN, WARM
    FrequentWords(warm).warm(texts * 2)  # every word repeats
    with warm.memory_zone():
        tokens = [_tokens(doc) for doc in warm.pipe(texts)]
    assert tokens == [_tokens(doc) for doc in plain.pipe(texts)]


def test_tokenizer_cache_keeps_warm_words_beyond_the_zone():
    nlp = spacy.blank("en")
    FrequentWords(nlp).warm(["Kyrgyzstan's envoy met Kyrgyzstan's minister; Tajikistan's did not."])
    with nlp.memory_zone():
        nlp("Kyrgyzstan's and Tajikistan's envoys")
    assert "Kyrgyzstan" in nlp.vocab.strings  # repeated: tokenized outside the zone, kept
    assert "Tajikistan" not in nlp.vocab.strings  # met once: left to the zone, which forgets it


def test_tokenizer_cache_warms_the_most_frequent_words_up_to_the_limit():
    words = FrequentWords(spacy.blank("en"), limit=2)
    words.warm(["gas gas gas oil oil grain grain steel"])
    assert words.warmed == {"gas", "oil"}
    words.warm(["coal coal coal"])  # full: nothing more is kept
    assert words.warmed == {"gas", "oil"}


def test_tokenizer_cache_is_one_per_pipeline():
    first, second = spacy.blank("en"), spacy.blank("en")
    assert frequent_words(first) is frequent_words(first)
    assert frequent_words(first) is not frequent_words(second)


def test_tokenizer_cache_uncached_lends_no_room_and_gives_it_back():
    nlp = spacy.blank("en")
    size = nlp.tokenizer.max_cache_size
    try:
        with uncached(nlp.tokenizer):
            assert nlp.tokenizer.max_cache_size == 0  # nothing tokenized here is cached
            assert [t.text for t in nlp("U.S.-China ties")] == ["U.S.-China", "ties"]
            raise KeyError("a failure inside")
    except KeyError:
        pass
    assert nlp.tokenizer.max_cache_size == size
    with uncached(str.split):  # not a spaCy tokenizer: nothing to do
        pass


def test_tokenizer_cache_actor_patterns_leave_the_cache_to_the_corpus():
    nlp = spacy.blank("en")
    size = nlp.tokenizer.max_cache_size
    nlp.add_pipe("argmine_actors")
    assert nlp.tokenizer.max_cache_size == size
    assert FrequentWords(nlp, limit=100).nlp.tokenizer.max_cache_size == size + 100
