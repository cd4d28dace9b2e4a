"""Keep the tokenizer's cache for the words a corpus repeats, although the job runs in memory zones.

spaCy's tokenizer caches how it split each whitespace-separated piece, up to `max_cache_size`
pieces (10,000), and then caches nothing more; inside `nlp.memory_zone()` (each chunk of the
job) it caches nothing, and every word not yet in the vocabulary becomes a new lexeme, its
attributes computed in Python. A blank English pipeline then tokenizes about ten times slower
than with its cache (2,000 documents: 5.2-7.1 CPU s in zones of 256 against 0.5 s without).

So: the actor patterns are tokenized without filling the cache (`uncached`), the stop words are
tokenized when the pipeline is built, and before each chunk of the job the words the chunk
repeats, outside its zone (`FrequentWords`), up to a fixed number of words for the pipeline's
life: the cache keeps a corpus's frequent words while memory stays bounded. The tokens are the
same either way: spaCy tokenizes each whitespace-separated piece on its own, cached or not.
"""
from __future__ import annotations

import itertools
import weakref
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from spacy.language import Language

# Words kept per pipeline: the frequent words of a large archive, with their lexemes and cache
# entries in bounded memory (50,000 words of 4-12 letters: +37 MB RSS on a blank pipeline).
WARM_WORDS_LIMIT = 50_000
MIN_REPEATS = 2  # a word met once in a chunk is most likely rare


def warm_stop_words(nlp: Language) -> None:
    """Tokenize the English stop words once, outside any memory zone: about two tokens in five of
    running text. One call per word, so that each is cached on its own."""
    from spacy.lang.en.stop_words import STOP_WORDS

    for word in sorted(STOP_WORDS | {w.capitalize() for w in STOP_WORDS}):
        nlp.tokenizer(word)


@contextmanager
def uncached(tokenizer: Any) -> Iterator[None]:
    """Tokenize without filling `tokenizer`'s cache (a spaCy Tokenizer; any other is left alone)."""
    size = getattr(tokenizer, "max_cache_size", None)
    if size is None:
        yield
        return
    tokenizer.max_cache_size = 0  # the tokenizer caches a piece only while its cache is smaller
    try:
        yield
    finally:
        tokenizer.max_cache_size = size


class FrequentWords:
    """The words tokenized outside memory zones for one pipeline, at most `limit` of them; the
    tokenizer's cache is made `limit` pieces larger to hold them."""

    def __init__(self, nlp: Language, limit: int = WARM_WORDS_LIMIT) -> None:
        self.nlp = nlp
        self.limit = limit
        self.warmed: set[str] = set()
        if hasattr(nlp.tokenizer, "max_cache_size"):
            nlp.tokenizer.max_cache_size += limit

    def warm(self, texts: Iterable[str]) -> None:
        """Tokenize the words `texts` repeat that are not yet warm, most frequent first; call it
        outside a memory zone, before the zone that reads `texts`."""
        if len(self.warmed) >= self.limit:
            return
        counts = Counter(itertools.chain.from_iterable(text.split() for text in texts))
        for word, count in counts.most_common():
            if count < MIN_REPEATS or len(self.warmed) >= self.limit:
                return
            if word not in self.warmed:
                self.nlp.tokenizer(word)
                self.warmed.add(word)


_by_pipeline: weakref.WeakKeyDictionary[Language, FrequentWords] = weakref.WeakKeyDictionary()


def frequent_words(nlp: Language, limit: int = WARM_WORDS_LIMIT) -> FrequentWords:
    """The FrequentWords of `nlp`, made on first use with `limit` (one per pipeline and process)."""
    found = _by_pipeline.get(nlp)
    if found is None:
        found = _by_pipeline[nlp] = FrequentWords(nlp, limit)
    return found
