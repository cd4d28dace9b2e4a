"""Claim segmentation (with and without a parse), roles and support links."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import spacy
from spacy.tokens import DocBin

from pipeline.claims import Cut, Unit, lexical_clause, merge_short_units, trim_unit, units_from_cuts
from pipeline.evaluate import score_claims
from pipeline.record import doc_to_record
from pipeline.roles import (FEATURES, LOGREG, assign_roles, link_premises, load_role_model, paragraph_index,
                            predict_roles, unit_features)
from pipeline.schema import CLAIM, CLAIM_ROLES, CLAIMS_KEY, MAJOR_CLAIM, PREMISE, schema_errors

from .conftest import ESSAY

REPO = Path(__file__).resolve().parent.parent
GOLD = REPO / "annotations" / "gold" / "great-powers-central-asia.jsonl"


@pytest.fixture(scope="module")
def rule_nlp():
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("argmine_claims")
    return nlp


@pytest.fixture(scope="module")
def parse_nlp():
    from pipeline.profiles import find_base_model

    nlp = spacy.load(find_base_model())
    nlp.add_pipe("argmine_claims")
    yield nlp
    nlp.remove_pipe("argmine_claims")


@pytest.fixture(params=["fast", pytest.param("full", marks=pytest.mark.model)])
def either_nlp(request):
    return request.getfixturevalue("rule_nlp" if request.param == "fast" else "parse_nlp")


def _units(nlp, text):
    return [(r["text"], r["connective"]) for r in nlp(text)._.claim_records]


# --- segmentation: cases both segmenters get right ----------------------------------------

BOTH = [
    # but/yet before a clause or a predicate with a shared subject (GUIDELINES §3.1)
    ("Beijing has expanded its lending to Kyrgyzstan, but Moscow still controls the security agenda.",
     [("Beijing has expanded its lending to Kyrgyzstan", None), ("Moscow still controls the security agenda", "but")]),
    ("Turkey sells drones to Uzbekistan, yet it avoids open rivalry with Russia.",
     [("Turkey sells drones to Uzbekistan", None), ("it avoids open rivalry with Russia", "yet")]),
    ("The EU pledged new funds for the corridor, but has not delivered them.",
     [("The EU pledged new funds for the corridor", None), ("has not delivered them", "but")]),
    ("Rivalry persists in the region, but cooperation grows too.",
     [("Rivalry persists in the region", None), ("cooperation grows too", "but")]),
    # an introductory phrase after "but" stays in the second unit
    ("Some say that Tokyo lacks influence, but from another point of view, Japan has a unique role.",
     [("Some say that Tokyo lacks influence", None), ("from another point of view, Japan has a unique role", "but")]),
    # concessive and contrastive subordinators, also sentence-initial
    ("Although Washington has lifted some sanctions, Tashkent remains cautious.",
     [("Washington has lifted some sanctions", "although"), ("Tashkent remains cautious", None)]),
    ("Tajikistan depends on remittances, while Turkmenistan relies on gas exports.",
     [("Tajikistan depends on remittances", None), ("Turkmenistan relies on gas exports", "while")]),
    ("India wants access to the region, whereas Pakistan blocks the land route.",
     [("India wants access to the region", None), ("Pakistan blocks the land route", "whereas")]),
    # causal "as" after a comma
    ("Kazakhstan hedged its bets, as the war made Russia an unreliable partner.",
     [("Kazakhstan hedged its bets", None), ("the war made Russia an unreliable partner", "as")]),
    # "and" between independent clauses
    ("Japan opened an embassy in 2021, and South Korea followed a year later.",
     [("Japan opened an embassy in 2021", None), ("South Korea followed a year later", "and")]),
    ("Trade has doubled since 2015, and it will grow further.",
     [("Trade has doubled since 2015", None), ("it will grow further", "and")]),
    ("The summit was short; the communique was long.", [("The summit was short", None), ("the communique was long", None)]),
    # clause-final relative clauses, with the relative pronoun in the unit
    ("Exports reached $4 billion, of which 60 percent went to China.",
     [("Exports reached $4 billion", None), ("of which 60 percent went to China", None)]),
    ("Astana signed the treaty in 2019, which was a turning point for the region.",
     [("Astana signed the treaty in 2019", None), ("which was a turning point for the region", None)]),
    # sentence-initial discourse markers are connectives; framing adverbials are not
    ("Therefore, the region needs balance.", [("the region needs balance", "therefore")]),
    ("For example, Kazakhstan exported 70 percent of its oil to Europe in 2022.",
     [("Kazakhstan exported 70 percent of its oil to Europe in 2022", "for example")]),
    ("That is why, despite the pressure, the ministers attended the forum.",
     [("despite the pressure, the ministers attended the forum", "that is why")]),
    ("But the outcome is uncertain.", [("the outcome is uncertain", "but")]),
    ("Recently, however, investment has fallen.", [("Recently, however, investment has fallen", "however")]),
    ("Now, the balance has shifted.", [("Now, the balance has shifted", None)]),
    ("So far, no country has recognized the new republics.",
     [("So far, no country has recognized the new republics", None)]),
    # what is never split
    ("China and Russia are strategic partners in the region.", [("China and Russia are strategic partners in the region", None)]),
    ("It is clear that Russia and China will cooperate.", [("It is clear that Russia and China will cooperate", None)]),
    ("The deal would collapse if Moscow objected.", [("The deal would collapse if Moscow objected", None)]),
    ("Analysts believe that the region will matter more, writes the author.",
     [("Analysts believe that the region will matter more, writes the author", None)]),
    ("The policy is not only costly, but also dangerous for the region.",
     [("The policy is not only costly, but also dangerous for the region", None)]),
    ("The decision was made not because of pressure, but because of economic interest.",
     [("The decision was made not because of pressure, but because of economic interest", None)]),
    ("Balanced diplomacy, although not always successful, remains the norm.",
     [("Balanced diplomacy, although not always successful, remains the norm", None)]),
    ("The summit ended, albeit without a joint statement.", [("The summit ended, albeit without a joint statement", None)]),
    ("Despite the war, trade between the two countries grew.", [("Despite the war, trade between the two countries grew", None)]),
    ("Trade with China, Russia, and the United States has grown.",
     [("Trade with China, Russia, and the United States has grown", None)]),
    ("The pipeline, which was completed in 2009, carries gas to China.",
     [("The pipeline, which was completed in 2009, carries gas to China", None)]),
    ("The economy is in the energy sector, or energy interests are its core.",
     [("The economy is in the energy sector, or energy interests are its core", None)]),
    ("While visiting Astana, the minister signed three agreements.",
     [("While visiting Astana, the minister signed three agreements", None)]),
    ("Exports rose, compared to the previous year.", [("Exports rose, compared to the previous year", None)]),
]


# Commentary written after the rules, to check that they carry over to new text.
FRESH = [
    ("Georgia wants to join the EU, but its government has passed laws that Brussels opposes.",
     ["Georgia wants to join the EU", "its government has passed laws that Brussels opposes"]),
    ("Armenia relied on Russian guarantees for decades; those guarantees failed in 2023.",
     ["Armenia relied on Russian guarantees for decades", "those guarantees failed in 2023"]),
    ("Azerbaijan exports gas to Europe as well as oil to Israel.", ["Azerbaijan exports gas to Europe as well as oil to Israel"]),
    ("The corridor would link Turkey to Central Asia, so Ankara backs it strongly.",
     ["The corridor would link Turkey to Central Asia", "Ankara backs it strongly"]),
    ("Moscow mediated the 2020 ceasefire and deployed peacekeepers, which many Armenians now regret.",
     ["Moscow mediated the 2020 ceasefire and deployed peacekeepers", "which many Armenians now regret"]),
    ("Although the EU granted candidate status in 2023, accession talks have not started.",
     ["the EU granted candidate status in 2023", "accession talks have not started"]),
    ("The region is small, yet it sits on a crucial transit route.", ["The region is small", "it sits on a crucial transit route"]),
    ("Yerevan froze its participation in the CSTO, a bloc that it no longer trusts.",
     ["Yerevan froze its participation in the CSTO, a bloc that it no longer trusts"]),
    ("China, which has invested in ports, is a newcomer to the region.",
     ["China, which has invested in ports, is a newcomer to the region"]),
    ("Whether the peace treaty will be signed remains unclear.", ["Whether the peace treaty will be signed remains unclear"]),
    ("Iran objects to the corridor, as it would cut Iran off from Armenia.",
     ["Iran objects to the corridor", "it would cut Iran off from Armenia"]),
    ("Because the country has no sea access, every trade route passes through a neighbour.",
     ["the country has no sea access", "every trade route passes through a neighbour"]),
    ("Exports rose by 40 percent in 2023, of which coal accounted for more than half.",
     ["Exports rose by 40 percent in 2023", "of which coal accounted for more than half"]),
    ("If the pipeline is built, transit fees could double the state budget.",
     ["If the pipeline is built, transit fees could double the state budget"]),
    ("Ashgabat rarely explains its decisions, which makes any forecast hazardous.",
     ["Ashgabat rarely explains its decisions", "which makes any forecast hazardous"]),
]


@pytest.mark.parametrize("text, expected", BOTH)
def test_claims_segmentation_hard_cases(either_nlp, text, expected):
    assert _units(either_nlp, text) == expected


@pytest.mark.parametrize("text, expected", FRESH)
def test_claims_segmentation_of_new_commentary(either_nlp, text, expected):
    assert [r["text"] for r in either_nlp(text)._.claim_records] == expected


# --- cases that need the parse (full) ------------------------------------------------------

PARSE_ONLY = [
    ("Geopolitical rivalry has been the mainstream of US-Russian relations, and it remains so now.",
     [("Geopolitical rivalry has been the mainstream of US-Russian relations", None), ("it remains so now", "and")]),
    # "and" without a comma, between clauses with their own subjects
    ("Moscow sends troops and Beijing sends money.", [("Moscow sends troops", None), ("Beijing sends money", "and")]),
    # "because" without a comma; "because of" is a preposition
    ("The project stalled because the banks withdrew their funding.",
     [("The project stalled", None), ("the banks withdrew their funding", "because")]),
    ("The project stalled because of the war.", [("The project stalled because of the war", None)]),
    ("Prices fell sharply, so the government cut its budget.",
     [("Prices fell sharply", None), ("the government cut its budget", "so")]),
    # predicates of one subject stay together; a clause-final relative clause after a "but" split
    ("It remains so now, and will persist in the foreseeable future.",
     [("It remains so now, and will persist in the foreseeable future", None)]),
    ("The war left the region in a fissure, which caused great pressure, but also produced unexpected effects.",
     [("The war left the region in a fissure", None), ("which caused great pressure", None),
      ("also produced unexpected effects", "but")]),
    # coordinated subordinate clauses are one unit
    ("China is a target as tensions deepen and as its presence expands.",
     [("China is a target as tensions deepen and as its presence expands", None)]),
    # "and" without a comma before a clause with a plain past verb: the lexicon cannot see it
    ("Russian trade rose by 30 percent and Armenian re-exports doubled.",
     [("Russian trade rose by 30 percent", None), ("Armenian re-exports doubled", "and")]),
    ("A summit was held for the first time, while senior officials and businessmen travelled to the region.",
     [("A summit was held for the first time", None), ("senior officials and businessmen travelled to the region", "while")]),
]


@pytest.mark.model
@pytest.mark.parametrize("text, expected", PARSE_ONLY)
def test_claims_parse_segmentation_hard_cases(parse_nlp, text, expected):
    assert _units(parse_nlp, text) == expected


# --- cases for the lexicon of the rule segmenter (fast) ------------------------------------

RULE_ONLY = [
    ("Moscow may object strongly and its allies will follow.",
     [("Moscow may object strongly", None), ("its allies will follow", "and")]),
    ("Prices have fallen sharply, so the government has cut its budget.",
     [("Prices have fallen sharply", None), ("the government has cut its budget", "so")]),
    ("The project stalled because the banks had withdrawn their funding.",
     [("The project stalled", None), ("the banks had withdrawn their funding", "because")]),
    ("The project stalled because of the war.", [("The project stalled because of the war", None)]),
]


@pytest.mark.parametrize("text, expected", RULE_ONLY)
def test_claims_rule_segmentation_hard_cases(rule_nlp, text, expected):
    assert _units(rule_nlp, text) == expected


@pytest.mark.parametrize("words, need_subject, expected", [
    ("the banks had withdrawn their funding".split(), True, True),
    ("it remains so".split(), True, True),
    ("will persist in the future".split(), True, False),
    ("will persist in the future".split(), False, True),
    ("not necessarily from the same starting points".split(), True, False),
    ("in practice , there has not been much".split(), True, True),
    ("Pakistan blocks the route".split(), True, True),
    ("the countries that are willing".split(), True, False),
])
def test_claims_lexical_clause(words, need_subject, expected):
    assert lexical_clause(words, need_subject=need_subject) is expected


# --- invariants on a whole essay ------------------------------------------------------------

def _sentences(doc):
    return [(s.start_char, s.end_char) for s in doc.sents if s.text.strip()]


def test_claims_units_tile_sentences_and_lose_no_words(either_nlp):
    """Units lie in one sentence, in order, without overlap; what lies between them is
    punctuation plus the next unit's connective; nothing but punctuation follows the last."""
    text = GOLD.read_text(encoding="utf-8")
    text = json.loads(text.splitlines()[0])["text"]
    doc = either_nlp(text)
    records = doc._.claim_records
    sentences = _sentences(doc)
    assert records
    for start, end in sentences:
        inside = [r for r in records if start <= r["start"] < end]
        assert inside, f"sentence without a unit: {text[start:end]!r}"
        assert all(r["end"] <= end for r in inside)
        position = start
        for r in inside:
            gap = re.findall(r"[\w’']+", text[position:r["start"]].lower())
            allowed = (r["connective"] or "").split()
            assert all(w in allowed for w in gap), (text[position:r["start"]], r["connective"])
            assert r["text"] == text[r["start"]:r["end"]] and r["text"] == r["text"].strip()
            assert not re.match(r"[,;:.]", r["text"]) and not re.search(r"[,;:]$", r["text"])
            position = r["end"]
        assert not re.search(r"\w", text[position:end])


@pytest.mark.parametrize("text", ["", "   ", "\n\n", "...", "—", "a", "’’ ;;", "Ünïcödé — 東京; ..."])
def test_claims_empty_and_odd_docs(either_nlp, text):
    doc = either_nlp(text)
    assert all(r["text"].strip() for r in doc._.claim_records)
    assert len(doc.spans[CLAIMS_KEY]) == len(doc._.claim_records)


def test_claims_units_never_cross_sentences(rule_nlp):
    doc = rule_nlp("Russia objects, but Kazakhstan insists. China watches; the US waits.")
    assert [r["text"] for r in doc._.claim_records] == ["Russia objects", "Kazakhstan insists", "China watches", "the US waits"]


@pytest.mark.parametrize("text, start, end, connective, expected", [
    (", the US waits;", 0, 15, "but", ("the US waits", "but")),
    ("the “soft power”.", 0, 17, None, ("the “soft power”", None)),
    ("its “open door.", 0, 15, None, ("its “open door", None)),
    ("they waited”.", 0, 13, None, ("they waited", None)),
    ("Recently, however, trade fell.", 0, 30, None, ("Recently, however, trade fell", "however")),
])
def test_claims_trim_unit_edges(text, start, end, connective, expected):
    unit = trim_unit(text, start, end, connective)
    assert (text[unit.start:unit.end], unit.connective) == expected


def test_claims_units_from_cuts_records_connectives():
    text = "Although X holds, Y fails, but Z wins."
    cuts = [Cut(0, 9, "although"), Cut(16, 18, None), Cut(25, 31, "but")]
    units = units_from_cuts(text, 0, len(text), cuts)
    assert [(text[u.start:u.end], u.connective) for u in units] == [("X holds", "although"), ("Y fails", None),
                                                                   ("Z wins", "but")]


@pytest.mark.parametrize("units, expected", [
    ([Unit(0, 28, None), Unit(30, 33, None)], [Unit(0, 33, None)]),
    ([Unit(0, 5, "but"), Unit(7, 33, None)], [Unit(0, 33, "but")]),
])
def test_claims_short_fragments_are_merged_not_lost(units, expected):
    assert merge_short_units(units, "Russia objects strongly here, yes, and more words", 2) == expected


# --- the gold essay ------------------------------------------------------------------------

@pytest.mark.parametrize("profile, minimum", [("fast", 0.75), pytest.param("full", 0.85, marks=pytest.mark.model)])
def test_claims_gold_essay_boundary_f1(request, profile, minimum):
    nlp = request.getfixturevalue("rule_nlp" if profile == "fast" else "parse_nlp")
    gold = json.loads(GOLD.read_text(encoding="utf-8").splitlines()[0])
    record = doc_to_record(nlp(gold["text"]), doc_id=gold["id"], source=gold["source"], meta={}, pipeline={})
    assert score_claims([record], [gold], 2)["within_2"]["f1"] >= minimum


# --- roles ----------------------------------------------------------------------------------

def _records(text, spans, connectives=None):
    connectives = connectives or [None] * len(spans)
    records = []
    for i, ((phrase, sentence), connective) in enumerate(zip(spans, connectives), start=1):
        start = text.index(phrase)
        records.append({"id": f"c{i}", "start": start, "end": start + len(phrase), "text": phrase,
                        "sentence": sentence, "connective": connective, "role": CLAIM})
    return records


ROLE_TEXT = ("In conclusion, the reality is that the region matters to every power.\n"
             "The EU is a key partner of Kazakhstan. Trade was $39.9 billion in 2022. "
             "Balanced diplomacy may be the best option because it serves their interests.\n"
             "Prices fell sharply, so the government cut its budget.\n"
             "It can be said with certainty that the old order will not return.")
ROLE_UNITS = [("the reality is that the region matters to every power", 0),
              ("The EU is a key partner of Kazakhstan", 1), ("Trade was $39.9 billion in 2022", 2),
              ("Balanced diplomacy may be the best option", 3), ("it serves their interests", 3),
              ("Prices fell sharply", 4), ("the government cut its budget", 4),
              ("It can be said with certainty that the old order will not return", 5)]
ROLE_CONNECTIVES = ["in conclusion", None, None, None, "because", None, "so", None]


@pytest.mark.parametrize("index, role", [
    (0, MAJOR_CLAIM),  # thesis marker in the lead
    (1, CLAIM),        # evaluation
    (2, PREMISE),      # statistic with a date
    (3, CLAIM),        # hedged evaluation
    (4, PREMISE),      # because-clause
    (5, PREMISE),      # first half of "X, so Y"
    (6, CLAIM),
    (7, MAJOR_CLAIM),  # thesis marker in the conclusion
])
def test_claims_rule_roles(index, role):
    records = _records(ROLE_TEXT, ROLE_UNITS, ROLE_CONNECTIVES)
    assign_roles(records, ROLE_TEXT)
    assert records[index]["role"] == role
    assert 1 / 3 <= records[index]["role_score"] <= 1


@pytest.mark.parametrize("index, target", [(2, "c2"), (4, "c4"), (5, "c7")])
def test_claims_support_links_on_a_small_text(index, target):
    records = _records(ROLE_TEXT, ROLE_UNITS, ROLE_CONNECTIVES)
    assign_roles(records, ROLE_TEXT)
    assert records[index]["supports"] == target
    assert all(r["supports"] is None for r in records if r["role"] != PREMISE)


def _linked(roles, sentences, paragraphs, connectives=None, texts=None):
    n = len(roles)
    records = [{"id": f"c{i + 1}", "role": role, "sentence": s, "connective": (connectives or [None] * n)[i],
                "text": (texts or ["unit"] * n)[i]} for i, (role, s) in enumerate(zip(roles, sentences))]
    link_premises(records, paragraphs)
    return [r["supports"] for r in records]


@pytest.mark.parametrize("roles, sentences, paragraphs, connectives, texts, expected", [
    # nearest preceding claim; premises never support premises
    (["claim", "premise", "premise"], [0, 1, 2], [0, 0, 0], None, None, [None, "c1", "c1"]),
    # a forward marker points ahead: "X, so Y"
    (["premise", "claim"], [0, 0], [0, 0], [None, "so"], None, ["c2", None]),
    (["claim", "premise", "claim"], [0, 1, 2], [0, 0, 0], None, ["a", "b", "This means that c"], [None, "c3", None]),
    # a paragraph that opens with evidence develops the last claim of the previous paragraph
    (["claim", "claim", "premise", "premise"], [0, 1, 2, 3], [0, 0, 1, 1], None, None, [None, None, "c2", "c2"]),
    # evidence in a later sentence backs the main unit, not an "and" addendum or a relative clause ...
    (["claim", "claim", "premise"], [0, 0, 1], [0, 0, 0], [None, "and", None], None, [None, None, "c1"]),
    (["claim", "claim", "premise"], [0, 0, 1], [0, 0, 0], None, ["a", "which b", "c"], [None, None, "c1"]),
    # ... but the contrasted unit of "X, but Y" is the one that stands
    (["claim", "claim", "premise"], [0, 0, 1], [0, 0, 0], [None, "but", None], None, [None, None, "c2"]),
    # inside one sentence the adjacent clause: "X, and Y because Z"
    (["claim", "claim", "premise"], [0, 0, 0], [0, 0, 0], [None, "and", "because"], None, [None, None, "c2"]),
    # with no claim before it anywhere, the next claim of the paragraph
    (["premise", "claim"], [0, 1], [0, 0], None, None, ["c2", None]),
    (["premise"], [0], [0], None, None, [None]),
])
def test_claims_link_premises(roles, sentences, paragraphs, connectives, texts, expected):
    assert _linked(roles, sentences, paragraphs, connectives, texts) == expected


def test_claims_role_features_are_named_and_bounded():
    records = _records(ROLE_TEXT, ROLE_UNITS, ROLE_CONNECTIVES)
    features = unit_features(records, ROLE_TEXT)
    assert all(set(f) == set(FEATURES) and all(0.0 <= v <= 1.0 for v in f.values()) for f in features)
    assert paragraph_index(ROLE_TEXT, records) == [0, 1, 1, 1, 1, 2, 2, 3]


def test_claims_logreg_model_is_plain_json_with_a_card():
    model = load_role_model()
    assert model["features"] == list(FEATURES) and set(model["classes"]) <= set(CLAIM_ROLES)
    assert len(model["coef"]) == len(model["classes"]) and all(len(row) == len(FEATURES) for row in model["coef"])
    assert model["card"]["cv_macro_f1"] is not None and "trained_on_sha256" in model["card"]
    records = _records(ROLE_TEXT, ROLE_UNITS, ROLE_CONNECTIVES)
    roles = predict_roles(unit_features(records, ROLE_TEXT), LOGREG)
    assert all(role in CLAIM_ROLES and 0 <= score <= 1 for role, score in roles)


def test_claims_unknown_role_model_is_a_clear_error():
    with pytest.raises(ValueError, match="role model 'svm'"):
        predict_roles([dict.fromkeys(FEATURES, 0.0)], "svm")
    with pytest.raises(ValueError, match="role_model = 'svm'; expected one of rules, logreg"):
        spacy.blank("en").add_pipe("argmine_claims", config={"role_model": "svm"})


@pytest.mark.parametrize("role_model", ["rules", "logreg"])
def test_claims_component_uses_the_configured_role_model(role_model):
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("argmine_claims", config={"role_model": role_model})
    doc = nlp("The EU is a key partner. Trade was $39.9 billion in 2022.")
    assert all(r["role"] in CLAIM_ROLES for r in doc._.claim_records)


# --- the Span API, the record and serialization --------------------------------------------

def test_claims_span_api_matches_the_records(rule_nlp):
    doc = rule_nlp("The EU is a key partner of Kazakhstan. Trade was $39.9 billion in 2022, but Russia objects.")
    spans, records = doc._.claims, doc._.claim_records
    assert [s.text for s in spans] == [r["text"] for r in records]
    assert [s._.role for s in spans] == [s.label_ for s in spans] == [r["role"] for r in records]
    assert [s._.supports for s in spans] == [r["supports"] for r in records]
    assert [s._.connective for s in spans] == [None, None, "but"]
    assert spans[0]._.claim_id == "c1"
    premise = next(s for s in spans if s._.role == PREMISE)
    assert premise._.supports == "c1"


def test_claims_span_offsets_follow_tokens(rule_nlp):
    doc = rule_nlp("Moscow distrusts the U.S.")
    (record,) = doc._.claim_records
    (span,) = doc._.claims
    assert (span.start_char, span.end_char) == (record["start"], record["end"])


def test_claims_record_validates(rule_nlp):
    doc = rule_nlp("Although Moscow objects, Astana keeps its course; trade rose 30% in 2022.")
    record = doc_to_record(doc, doc_id="x", source="-", meta={}, pipeline={
        "name": "argmine", "version": "0", "profile": "fast", "base_model": None, "stance_model": None})
    assert schema_errors(record) == []


def test_claims_docbin_round_trip(rule_nlp):
    doc = rule_nlp("Russia objects, but Kazakhstan insists. Trade was $5 billion in 2022.")
    restored = list(DocBin(docs=[doc], store_user_data=True).get_docs(rule_nlp.vocab))[0]
    assert [(s.text, s.label_) for s in restored.spans[CLAIMS_KEY]] == [(s.text, s.label_) for s in doc.spans[CLAIMS_KEY]]
    # msgpack gives lists back as tuples; the JSON form is what the record holds
    assert json.loads(json.dumps(restored._.claim_records)) == json.loads(json.dumps(doc._.claim_records))
    assert [s._.role for s in restored._.claims] == [s._.role for s in doc._.claims]


def test_claims_multiprocess_matches_single(rule_nlp):
    texts = ["Russia objects, but Kazakhstan insists.", "Trade was $5 billion in 2022; it grew."]
    single = [d._.claim_records for d in rule_nlp.pipe(texts)]
    multi = [d._.claim_records for d in rule_nlp.pipe(texts, n_process=2)]
    assert multi == single


# The role cues open with a look-ahead for their first letters, for speed: they must find
# exactly what the same patterns without it find.
_PLAIN_CUES = {
    "REASON_PHRASES": r"\b(?:is|are|was|were)\s+(?:not\s+)?(?:only\s+)?(?:precisely\s+)?because of\b"
                      r"|\bdue to the fact\b|\bthe reason (?:is|was)\b|\bfor example\b|\bfor instance\b"
                      r"|\bsuch as\b.*\b(?:and|or)\b",
    "THESIS": r"\b(?:the reality is|the truth is|in conclusion|to conclude|in sum|to sum up|"
              r"in short|it can be said|it is clear that|i (?:believe|think|argue)|we (?:believe|argue)|"
              r"in my (?:view|opinion)|with certainty)\b",
    "REPORTING": r"\b(?:stated|said|announced|declared|expressed|reported|told|noted|signed|"
                 r"according to|confirmed|pledged|promised)\b",
    "EVALUATIVE": r"\b(?:important|key|clear|clearly|undoubtedly|certainly|complicated|complex|ideal|"
                  r"optimal|necessary|obvious|significant|crucial|essential|unique|strong|weak|deep|"
                  r"basic|main|best|worse|worst|better|bad|good|fatal|popular|common|natural|true|"
                  r"wrong|interests?|feature|concept|position|role)\b",
    "GENERIC": r"\b(?:always|never|generally|usually|often|everywhere|all|every|most)\b",
    "PAST_VERB": r"(?<!\bis )(?<!\bare )(?<!\bbe )(?<!\bbeen )(?<!\bbeing )(?<!\bam )"
                 r"\b(?:took|held|paid|made|went|came|gave|met|withdrew|withdrawn|\w{3,}(?<!e)ed)\b",
}


def _cue_spans(pattern, text):
    return [m.span() for m in pattern.finditer(text)]


@pytest.mark.parametrize("name", sorted(_PLAIN_CUES))
def test_role_cues_find_what_their_plain_patterns_find(name):
    from pipeline import roles

    fast = getattr(roles, name)
    plain = re.compile(_PLAIN_CUES[name], fast.flags)
    texts = ESSAY.read_text(encoding="utf-8").splitlines() + [
        "THE REALITY IS that it was Stated, Always.", "ſuch as oil and gas", "Key: KEY", "it is ſaid",
        "is complicated but was completed", "The Kelvin \u212aey point", "Ireland, Iran and Italy"]
    for text in texts:
        assert _cue_spans(fast, text) == _cue_spans(plain, text), text
