"""Tests of the pure numeric-expression finder (pipeline.numbers) and of the benchmark's scoring."""
from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.numbers import (EXPRESSION_KINDS, NumericExpression, document_expressions, expressions_within,
                             find_numeric_expressions, qualifier_start)


def read(text: str) -> list[tuple]:
    return [(e.text, e.kind, e.value, e.value_max, e.unit, e.qualifier) for e in find_numeric_expressions(text)]


def close(a: float | None, b: float | None) -> bool:
    return a is b if a is None or b is None else math.isclose(a, b, rel_tol=1e-9)


def assert_readings(text: str, expected: list[tuple]) -> None:
    found = read(text)
    assert [f[:2] for f in found] == [e[:2] for e in expected], found
    for f, e in zip(found, expected):
        assert close(f[2], e[2]) and close(f[3], e[3]), (f, e)
        assert f[4:] == e[4:], (f, e)


# (text, [(span, kind, value, value_max, unit, qualifier)])
ESSAY = [
    ("in 2022 Kazakh-European trade is $39.9 billion",
     [("2022", "year", 2022, None, None, None), ("$39.9 billion", "money", 3.99e10, None, "USD", None)]),
    ("remittances ... were $16.9 billion, up 2.1-fold year-on-year, of which 85 percent or about $14.5 billion came",
     [("$16.9 billion", "money", 1.69e10, None, "USD", None), ("2.1-fold", "ratio", 2.1, None, "ratio", None),
      ("85 percent", "percent", 85.0, None, "percent", None),
      ("$14.5 billion", "money", 1.45e10, None, "USD", "about")]),
    ("more than six times higher than in 2021",
     [("six times higher", "ratio", 6.0, None, "ratio", "more than"), ("2021", "year", 2021, None, None, None)]),
    ("a border which extends more than 7,500 kilometres",
     [("7,500 kilometres", "quantity", 7500.0, None, "km", "more than")]),
    ("US direct investment in Kazakhstan reached US $5 billion",
     [("US $5 billion", "money", 5e9, None, "USD", None)]),
    ("was only $3.8 billion in 2022",
     [("$3.8 billion", "money", 3.8e9, None, "USD", "only"), ("2022", "year", 2022, None, None, None)]),
    ("of just about $4 billion", [("$4 billion", "money", 4e9, None, "USD", "about")]),
    ("More than 30% of Kazakhstan's foreign trade", [("30%", "percent", 30.0, None, "percent", "more than")]),
    ("will grow by 5.2% in 2023", [("5.2%", "percent", 5.2, None, "percent", None),
                                   ("2023", "year", 2023, None, None, None)]),
]

FORMATS = [
    ("US$1.2bn", [("US$1.2bn", "money", 1.2e9, None, "USD", None)]),
    ("€3 billion", [("€3 billion", "money", 3e9, None, "EUR", None)]),
    ("12 per cent", [("12 per cent", "percent", 12.0, None, "percent", None)]),
    ("1.5 trillion yuan", [("1.5 trillion yuan", "money", 1.5e12, None, "CNY", None)]),
    ("£2,000", [("£2,000", "money", 2000.0, None, "GBP", None)]),
    ("€10M", [("€10M", "money", 1e7, None, "EUR", None)]),
    ("$5bn", [("$5bn", "money", 5e9, None, "USD", None)]),
    ("a $5 billion deal", [("$5 billion", "money", 5e9, None, "USD", None)]),
    ("£2.5m", [("£2.5m", "money", 2.5e6, None, "GBP", None)]),
    ("$2.174T", [("$2.174T", "money", 2.174e12, None, "USD", None)]),
    ("USD 200", [("USD 200", "money", 200.0, None, "USD", None)]),
    ("115USD", [("115USD", "money", 115.0, None, "USD", None)]),
    ("75 USD million", [("75 USD million", "money", 7.5e7, None, "USD", None)]),
    ("30 MUSD", [("30 MUSD", "money", 3e7, None, "USD", None)]),
    ("hk $ 10.05 billion", [("hk $ 10.05 billion", "money", 1.005e10, None, "HKD", None)]),
    ("C$16.4 million", [("C$16.4 million", "money", 1.64e7, None, "CAD", None)]),
    ("125 million australian dollars", [("125 million australian dollars", "money", 1.25e8, None, "AUD", None)]),
    ("10,000 swiss francs", [("10,000 swiss francs", "money", 1e4, None, "CHF", None)]),
    ("5 billion tenge", [("5 billion tenge", "money", 5e9, None, "KZT", None)]),
    ("₸500 million", [("₸500 million", "money", 5e8, None, "KZT", None)]),
    ("100 billion rubles", [("100 billion rubles", "money", 1e11, None, "RUB", None)]),
    ("3 billion rupees", [("3 billion rupees", "money", 3e9, None, None, None)]),
    ("20 million pounds", [("20 million pounds", "money", 2e7, None, "GBP", None)]),
    ("a twenty-pound bag", [("twenty-pound", "quantity", 20.0, None, "lb", None)]),
    ("3 dollars 50 cents", [("3 dollars 50 cents", "money", 3.5, None, "USD", None)]),
    ("thirteen dollars and forty-five cents", [("thirteen dollars and forty-five cents", "money", 13.45, None, "USD", None)]),
    ("The annual revenue is ($99.99).", [("($99.99)", "money", -99.99, None, "USD", None)]),
    ("the EU ($39.9 billion) is", [("$39.9 billion", "money", 3.99e10, None, "USD", None)]),
    ("-15€", [("-15€", "money", -15.0, None, "EUR", None)]),
    ("100%", [("100%", "percent", 100.0, None, "percent", None)]),
    ("27 %", [("27 %", "percent", 27.0, None, "percent", None)]),
    ("twenty percent", [("twenty percent", "percent", 20.0, None, "percent", None)]),
    ("rose 2.5 percentage points", [("2.5 percentage points", "percent", 2.5, None, "pp", None)]),
    ("minus five percent", [("minus five percent", "percent", -5.0, None, "percent", None)]),
    ("2.1 fold", [("2.1 fold", "ratio", 2.1, None, "ratio", None)]),
    ("a threefold rise", [("threefold", "ratio", 3.0, None, "ratio", None)]),
    ("exports tripled", [("tripled", "ratio", 3.0, None, "ratio", None)]),
    ("trade doubled", [("doubled", "ratio", 2.0, None, "ratio", None)]),
    ("ten times as large", [("ten times", "ratio", 10.0, None, "ratio", None)]),
    ("twice as large", [("twice", "ratio", 2.0, None, "ratio", None)]),
    ("a third of the trade", [("a third", "ratio", 1 / 3, None, "ratio", None)]),
    ("two thirds", [("two thirds", "ratio", 2 / 3, None, "ratio", None)]),
    ("half of its exports", [("half", "ratio", 0.5, None, "ratio", None)]),
    ("1/40 of the wavelength", [("1/40", "ratio", 0.025, None, "ratio", None)]),
    ("4 square kilometers", [("4 square kilometers", "quantity", 4.0, None, "km2", None)]),
    ("301,338 km2", [("301,338 km2", "quantity", 301338.0, None, "km2", None)]),
    ("1.6 km west", [("1.6 km", "quantity", 1.6, None, "km", None)]),
    ("a six-mile trip", [("six-mile", "quantity", 6.0, None, "mi", None)]),
    ("55 bcm per year", [("55 bcm", "quantity", 5.5e10, None, "m3", None)]),
    ("0.9 trillion cubic feet", [("0.9 trillion cubic feet", "quantity", 9e11, None, "ft3", None)]),
    ("25 lakh tonnes", [("25 lakh tonnes", "quantity", 2.5e6, None, "ton", None)]),
    ("2 1/2 in thick", [("2 1/2 in", "quantity", 2.5, None, "in", None)]),
    ("he is 5 feet 2 inches", [("5 feet 2 inches", "quantity", 5 + 2 / 12, None, "ft", None)]),
    ("1.8m tall", [("1.8m", "quantity", 1.8, None, "m", None)]),
    ("500,000 barrels a day", [("500,000 barrels", "quantity", 5e5, None, "bbl", None)]),
    ("1,500,000 kilometres", [("1,500,000 kilometres", "quantity", 1.5e6, None, "km", None)]),
    ("1 234 567", [("1 234 567", "count", 1234567.0, None, None, None)]),
    ("40\u202f000", [("40\u202f000", "count", 40000.0, None, None, None)]),
    ("12,34,567.89", [("12,34,567.89", "count", 1234567.89, None, None, None)]),
    ("1.111,11", [("1.111,11", "count", 1111.11, None, None, None)]),
    ("10k", [("10k", "count", 1e4, None, None, None)]),
    ("13 lakh", [("13 lakh", "count", 1.3e6, None, None, None)]),
    ("three lakh crore", [("three lakh crore", "count", 3e12, None, None, None)]),
    ("2.48×10−5", [("2.48×10−5", "count", 2.48e-5, None, None, None)]),
]

WORDS = [
    ("six", [("six", "count", 6.0, None, None, None)]),
    ("a hundred and two", [("a hundred and two", "count", 102.0, None, None, None)]),
    ("two hundred and two thousand", [("two hundred and two thousand", "count", 202000.0, None, None, None)]),
    ("twenty-one trillion three hundred", [("twenty-one trillion three hundred", "count", 21000000000300.0, None, None, None)]),
    ("three million, two hundred & forty", [("three million, two hundred & forty", "count", 3000240.0, None, None, None)]),
    ("a million and a half", [("a million and a half", "count", 1.5e6, None, None, None)]),
    ("two and a half million", [("two and a half million", "count", 2.5e6, None, None, None)]),
    ("half million", [("half million", "count", 5e5, None, None, None)]),
    ("two thirds of a million", [("two thirds of a million", "count", 2e6 / 3, None, None, None)]),
    ("one billion and three quarters million", [("one billion and three quarters million", "count", 1000750000.0, None, None, None)]),
    ("two hundred point zero three", [("two hundred point zero three", "count", 200.03, None, None, None)]),
    ("3 hundred and 2 hundred", [("3 hundred", "count", 300.0, None, None, None), ("2 hundred", "count", 200.0, None, None, None)]),
    ("4 thousand 3 hundred and 21", [("4 thousand 3 hundred and 21", "count", 4321.0, None, None, None)]),
    ("three-nought-four", [("three", "count", 3.0, None, None, None), ("nought", "count", 0.0, None, None, None),
                           ("four", "count", 4.0, None, None, None)]),
    ("negative one", [("negative one", "count", -1.0, None, None, None)]),
]

VAGUE = [
    ("hundreds of thousands of wealthy Russians", [("hundreds of thousands", "count", None, None, None, None)]),
    ("several hundred years", [("several hundred years", "quantity", None, None, "year", None)]),
    ("billions of dollars", [("billions of dollars", "money", None, None, "USD", None)]),
    ("dozens of homes", [("dozens", "count", None, None, None, None)]),
    ("tens of thousands", [("tens of thousands", "count", None, None, None, None)]),
]

QUALIFIERS = [
    ("about $120 billion", "about"), ("around 40%", "about"), ("some 2.4 billion gallons", "about"),
    ("more than 30%", "more than"), ("over 25 years", "more than"), ("in excess of $5 billion", "more than"),
    ("less than 15 %", "less than"), ("under 5%", "less than"), ("nearly 40%", "nearly"),
    ("almost $2 billion", "nearly"), ("up to 4,000 km", "up to"), ("as much as $5 billion", "up to"),
    ("at least 2 million", "at least"), ("$5 billion or more", "at least"), ("only $3.8 billion", "only"),
    ("just $3.8 billion", "only"), ("just about $4 billion", "about"), ("exactly 42", "exactly"),
    ("$3.8 billion", None),
]

RANGES = [
    ("$3-5 billion", [("$3-5 billion", "money", 3e9, 5e9, "USD", None)]),
    ("$3–5 billion", [("$3–5 billion", "money", 3e9, 5e9, "USD", None)]),
    ("between 5 and 10 percent", [("5 and 10 percent", "percent", 5.0, 10.0, "percent", None)]),
    ("5-10%", [("5-10%", "percent", 5.0, 10.0, "percent", None)]),
    ("eight to 10 feet", [("eight to 10 feet", "quantity", 8.0, 10.0, "ft", None)]),
    ("$3 billion to $5 billion", [("$3 billion to $5 billion", "money", 3e9, 5e9, "USD", None)]),
    ("rose from 5 to 7 percent", [("5", "count", 5.0, None, None, None), ("7 percent", "percent", 7.0, None, "percent", None)]),
    ("85 percent or about $14.5 billion",
     [("85 percent", "percent", 85.0, None, "percent", None), ("$14.5 billion", "money", 1.45e10, None, "USD", "about")]),
]

YEARS = [
    ("in 2022", [("2022", "year", 2022, None, None, None)]),
    ("since 1998", [("1998", "year", 1998, None, None, None)]),
    ("in December 2021", [("2021", "year", 2021, None, None, None)]),
    ("held on May 19, 2023", [("2023", "year", 2023, None, None, None)]),
    ("the 1960s", [("1960s", "year", 1960, 1969, None, None)]),
    ("Concept of Foreign Policy 2014-2020", [("2014-2020", "year", 2014, 2020, None, None)]),
    ("in 2013-14", [("2013-14", "year", 2013, 2014, None, None)]),
    ("mid-2022", [("2022", "year", 2022, None, None, None)]),
    ("2000 soldiers", [("2000", "count", 2000.0, None, None, None)]),
]

NOT_EXPRESSIONS = [
    "CASA-1000", "the 5+1 summit", "COVID-19", "Strong Brotherhood-2022", "the G20", "L2", "scp-173m",
    "24703L202", "the 21st century", "the second largest", "May 4th", "At 2 pm everybody", "the 2:00 pm meeting",
    "by 11pm", "version 3.8.18", "192.168.0.1", "1) first point", "(2) the second", "see [3]",
    "https://example.com/page?id=30%25", "Which one do you prefer?", "The one you mentioned", "a", "an",
    "The number 1/0 is not a valid value.", "1111-22223333-4444", "5/19/2023", "Send them a quick DM",
    "4G networks",
]


@pytest.mark.parametrize("text, expected", ESSAY)
def test_numbers_essay_cases(text, expected):
    assert_readings(text, expected)


@pytest.mark.parametrize("text, expected", FORMATS)
def test_numbers_formats_normalize(text, expected):
    assert_readings(text, expected)


@pytest.mark.parametrize("text, expected", WORDS)
def test_numbers_spelled_out_numbers(text, expected):
    assert_readings(text, expected)


@pytest.mark.parametrize("text, expected", VAGUE)
def test_numbers_vague_amounts_have_no_value(text, expected):
    assert_readings(text, expected)


@pytest.mark.parametrize("text, qualifier", QUALIFIERS)
def test_numbers_qualifier_is_a_field_not_part_of_the_span(text, qualifier):
    expr = find_numeric_expressions(text)[0]
    assert expr.qualifier == qualifier
    if qualifier is not None and text.startswith(expr.text) is False:
        assert not text[expr.start:expr.end].lower().startswith(("about", "more", "over", "only", "just", "up"))
        assert qualifier_start(text, expr.start) is not None


@pytest.mark.parametrize("text, expected", RANGES)
def test_numbers_ranges_and_compounds(text, expected):
    assert_readings(text, expected)


@pytest.mark.parametrize("text, expected", YEARS)
def test_numbers_years_are_their_own_kind(text, expected):
    assert_readings(text, expected)


@pytest.mark.parametrize("text", NOT_EXPRESSIONS)
def test_numbers_names_ordinals_times_and_markers_are_not_expressions(text):
    assert [e for e in find_numeric_expressions(text) if e.kind != "year"] == []


@pytest.mark.parametrize("text, expected", [
    ("Voyager 2 in 1979", [("2", "count", 2.0, None, None, None), ("1979", "year", 1979, None, None, None)]),
    ("that one mile", [("one mile", "quantity", 1.0, None, "mi", None)]),
    ("The length of my pencil is 2 in.", [("2 in", "quantity", 2.0, None, "in", None)]),
    ("Get together for 2 in april", [("2", "count", 2.0, None, None, None)]),
    ("This nano grid has a size of 2.1 pm.", [("2.1 pm", "quantity", 2.1, None, "pm", None)]),
    ('finest 9" plates', [('9"', "quantity", 9.0, None, "in", None)]),
    ('The class is "English 101".', [("101", "count", 101.0, None, None, None)]),
    ("In the first three quarters of 2022", [("three quarters", "quantity", 3.0, None, "quarter", None),
                                              ("2022", "year", 2022, None, None, None)]),
    ("three quarters of the trade", [("three quarters", "ratio", 0.75, None, "ratio", None)]),
])
def test_numbers_ambiguous_words_read_from_context(text, expected):
    assert_readings(text, expected)


@pytest.mark.parametrize("text", ["", " ", "\n\n", "no numbers here", "😀", "\u200b", "$", "%", "-", "a b c"])
def test_numbers_empty_and_numberless_texts(text):
    assert find_numeric_expressions(text) == []


def test_numbers_expression_is_frozen_and_plain():
    expr = find_numeric_expressions("$5 billion")[0]
    assert isinstance(expr, NumericExpression)
    with pytest.raises(AttributeError):
        expr.value = 1.0  # type: ignore[misc]
    assert isinstance(expr.value, float)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_numbers_arbitrary_text_gives_valid_spans(text):
    found = find_numeric_expressions(text)
    previous_end = 0
    for e in found:
        assert 0 <= e.start < e.end <= len(text)
        assert text[e.start:e.end] == e.text
        assert e.start >= previous_end          # in text order, never overlapping
        previous_end = e.end
        assert e.kind in EXPRESSION_KINDS
        assert e.value is None or isinstance(e.value, float)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([
    "$", "€", "US", " ", "5", "39.9", "1,500", "-", "–", "billion", " million", "%", " percent", "about ",
    "more than ", "fold", " times higher", "a ", "third", "half", "and ", "hundred", "2022", "km", " in",
    "pm", "(", ")", "/", "+", ",", ".", "k", "bn", "CASA", "x", "yen", "\u202f",
]), max_size=14).map("".join))
def test_numbers_number_like_text_gives_valid_spans(text):
    for e in find_numeric_expressions(text):
        assert text[e.start:e.end] == e.text and e.start < e.end


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["$5 billion", "in 2022", " ", ", ", "about 30%", "two", "countries", "and",
                                 "x", "1,500 km", "."]), max_size=12).map("".join),
       st.integers(0, 120), st.integers(0, 120))
def test_numbers_expressions_within_a_window_are_those_of_the_document_inside_it(text, start, end):
    expressions = document_expressions(text)
    assert list(expressions) == find_numeric_expressions(text)
    assert expressions_within(expressions, start, end) == [e for e in expressions
                                                           if start <= e.start and e.end <= end]


def _scan(text):
    from pipeline.numbers import _Scanner

    return _Scanner(text).run() if text else []


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([
    "a ", "an ", "A ", "few ", "couple ", "of ", "hundreds", "THIRD", "half", "twice ", "times", "higher",
    "doubled", "percent", "per cent ", "Minus ", "seven", "dozen", "many", "the ", "one ", "$", "€", "US",
    "dollars", " ", ".", "-", "km", "miles", "_", "\u00a0", "²", "Ⅻ",
]), max_size=10).map("".join))
def test_numbers_texts_skipped_unscanned_hold_no_expression(text):
    from pipeline.numbers import _may_hold_expression

    if not _may_hold_expression(text):
        assert _scan(text) == []


def test_numbers_clauses_of_the_corpus_skipped_unscanned_hold_no_expression():
    import re
    from pathlib import Path

    from pipeline.numbers import _may_hold_expression

    text = (Path(__file__).resolve().parent.parent / "corpus" / "great-powers-central-asia.txt").read_text("utf-8")
    clauses = [c for c in re.split(r"[.;,:]\s+", text) if c.strip()]
    skipped = [c for c in clauses if not _may_hold_expression(c)]
    assert skipped and all(_scan(c) == [] for c in skipped)


# --- the benchmark's scoring (benchmarks/numeric.py) ------------------------------------------------

@pytest.fixture(scope="module")
def bench():
    return pytest.importorskip("benchmarks.numeric")


@pytest.mark.parametrize("prediction, case, kept", [
    (("money", 5.0, "USD"), {"scope": "money"}, True),
    (("percent", 5.0, "percent"), {"scope": "money"}, False),
    (("number", 5.0, ""), {"scope": "all"}, True),
    (("quantity", 3.0, "year"), {"scope": "quantity", "source": "recognizers-text"}, False),
    (("quantity", 3.0, "km"), {"scope": "quantity", "source": "recognizers-text"}, True),
    (("quantity", 3.0, "year"), {"scope": "all", "source": "quantulum3"}, True),
])
def test_numbers_benchmark_scope(bench, prediction, case, kept):
    assert bench.in_scope(prediction, case) is kept


def test_numbers_benchmark_matches_value_and_unit_one_to_one(bench):
    gold = [{"value": 39900000000, "unit": "USD", "kind": "money"},
            {"value": 39900000000, "unit": "USD", "kind": "money"}]
    predictions = [("money", 3.99e10 * (1 + 1e-7), "USD"), ("money", 3.99e10, "EUR")]
    assert bench.match_case(predictions, gold) == [(0, 0)]


def test_numbers_benchmark_maps_our_kinds(bench):
    assert bench.ours("in 1979 it was 2.1-fold and $5 billion") == [
        ("number", 1979.0, ""), ("number", 2.1, ""), ("money", 5e9, "USD")]
    assert bench.ours("in 2013-14") == []      # a period written as two numbers
