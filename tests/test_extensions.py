import spacy
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.extensions import doc_text


@settings(max_examples=50, deadline=None)
@given(st.text(max_size=200))
def test_doc_text_is_the_docs_text(text):
    doc = spacy.blank("en")(text)
    assert doc_text(doc) == doc.text == text
    assert doc_text(doc) is doc_text(doc)  # joined once, then shared


def test_doc_text_survives_retokenizing():
    doc = spacy.blank("en")("The Shanghai Cooperation Organisation met in Astana.")
    doc_text(doc)
    with doc.retokenize() as retokenizer:
        retokenizer.merge(doc[1:4])
    assert doc_text(doc) == doc.text
