"""Numeric expressions in raw English text: money, percentages, ratios, quantities, counts, years.

`find_numeric_expressions(text)` is a pure function (regular expressions and a small
word-number parser, no spaCy), fast enough for both profiles and for the benchmark.

Conventions, decided here once:

- **Span**: the numeric expression itself with its currency sign or code, scale word and unit
  ("US $5 billion", "7,500 kilometres", "12 per cent", "2.1-fold", "six times higher"). A
  qualifier ("about", "more than", "only", "or more") is *not* part of the span; it goes, in a
  canonical form, into `qualifier` (see `QUALIFIERS`).
- **Value**: a float in the unit's base: "$39.9 billion" -> 3.99e10, "12 per cent" -> 12.0,
  "2.1-fold" -> 2.1, "a third" -> 0.333.... Vague amounts ("hundreds of thousands",
  "several hundred", "billions of dollars") are kept with `value=None`; nothing is guessed.
  "a million and a half" is 1.5e6, as English means (and as Recognizers-Text reads it).
- **Unit**: ISO 4217 codes for money (a bare `$` or "dollars" is USD, `¥` is JPY; currencies a
  bare word cannot pin down, such as "rupees", "francs" or "som", get `None`), "percent",
  "pp" (percentage points), "ratio" (multipliers and fractions), short symbols for quantities
  (km, m, mi, ft, in, km2, ton, bbl, m3, year, day, ...), and None for counts and years.
- **Ranges** ("$3-5 billion", "between 5 and 10 percent", "eight to 10 feet") are one
  expression: `value` is the lower end, `value_max` the upper; scale, currency and unit are
  shared by both ends. "from X to Y" is a change, not a range: it gives two expressions.
- **Compound statements** ("85 percent or about $14.5 billion") are separate expressions,
  each with its own qualifier. Compound measures of one amount are one expression:
  "5 feet 2 inches" -> 5.1667 ft, "3 dollars 50 cents" -> 3.5 USD.
- **Kinds**: the fact kinds of `schema.FACT_KINDS` plus `YEAR` for four-digit years used as
  dates ("in 2022", "2014-2020", "the 1960s"; `value_max` holds a range's end). Years are
  found so that facts can be dated; they are never facts themselves.
- **Not numeric expressions** (nothing is returned): ordinals ("21st", "the second"), clock
  times ("2 pm", "14:30"), days of dates ("May 19"), numbers glued into names and codes
  ("CASA-1000", "COVID-19", "5+1", "L2", "G20"), version and IP numbers ("3.8.18"), list
  markers ("1)", "(2)"), numbers inside URLs, and "one" used as a pronoun ("which one").
  Numbers that follow a name word ("Voyager 2", "Article 5") *are* returned as counts; telling
  them apart needs the sentence, which `pipeline.facts` looks at.

The grammar follows the test suites of Recognizers-Text (Microsoft, MIT) and quantulum3
(MIT) for formats: grouped digits ("1,234,567", "1 234 567", "12,34,567"), decimal commas
("5,00"), suffixed scales ("10k", "$5bn", "€10M"), Indian scales (lakh, crore), fractions
("2 1/2", "two thirds of a million") and spelled-out numbers ("two hundred and two thousand").
"""
from __future__ import annotations

import bisect
import functools
import math
import re
from dataclasses import dataclass
from typing import NamedTuple

from .schema import FACT_KINDS

MONEY, PERCENT, RATIO, QUANTITY, COUNT = FACT_KINDS
YEAR = "year"
EXPRESSION_KINDS: tuple[str, ...] = (*FACT_KINDS, YEAR)

PERCENT_UNIT, PERCENTAGE_POINT_UNIT, RATIO_UNIT = "percent", "pp", "ratio"


@dataclass(frozen=True)
class NumericExpression:
    """One numeric expression: character offsets into the text and its normalized reading."""

    start: int
    end: int
    text: str
    kind: str
    value: float | None
    value_max: float | None = None
    unit: str | None = None
    qualifier: str | None = None


# --- lexicon --------------------------------------------------------------------------------

UNITS_WORDS = {"zero": 0, "nought": 0, "naught": 0, "one": 1, "two": 2, "three": 3, "four": 4,
               "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9}
TEENS_WORDS = {"ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
               "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19}
TENS_WORDS = {"twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60,
              "seventy": 70, "eighty": 80, "ninety": 90}
SCALE_WORDS = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12,
               "lakh": 1e5, "lakhs": 1e5, "lac": 1e5, "crore": 1e7, "crores": 1e7}
# Abbreviated scales written after digits, with or without a space ("10 bln", "2.33 k").
SCALE_ABBREVIATIONS = {"k": 1e3, "K": 1e3, "thsd": 1e3, "M": 1e6, "mn": 1e6, "mln": 1e6, "mil": 1e6,
                       "G": 1e9, "B": 1e9, "b": 1e9, "bn": 1e9, "bln": 1e9, "Bn": 1e9,
                       "tn": 1e12, "tln": 1e12, "trn": 1e12, "T": 1e12, "Tn": 1e12}
# Abbreviations that are also units (m = metre, t = ton, b = bit, B = byte): scales only
# right after a currency ("$5m", "£2.5b") or when nothing else can be meant.
MONEY_ONLY_SCALES = {"m": 1e6, "T": 1e12, "Tn": 1e12}
FRACTION_WORDS = {"half": 2, "halves": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4,
                  "fourth": 4, "fourths": 4, "fifth": 5, "fifths": 5, "sixth": 6, "sixths": 6,
                  "seventh": 7, "sevenths": 7, "eighth": 8, "eighths": 8, "ninth": 9, "ninths": 9,
                  "tenth": 10, "tenths": 10, "hundredth": 100, "hundredths": 100,
                  "thousandth": 1000, "thousandths": 1000}
ORDINAL_WORDS = frozenset({"first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth",
                           "ninth", "tenth", "last", "past", "next", "previous", "recent", "final",
                           "coming", "latest", "preceding", "following"})
VAGUE_SCALES = {"dozens": 12, "scores": 20, "hundreds": 100, "thousands": 1e3, "millions": 1e6,
                "billions": 1e9, "trillions": 1e12, "tens": 10}
VAGUE_LEADS = frozenset({"several", "few", "many", "some", "couple"})
MULTIPLIER_WORDS = {"twofold": 2.0, "threefold": 3.0, "fourfold": 4.0, "fivefold": 5.0, "sixfold": 6.0,
                    "sevenfold": 7.0, "eightfold": 8.0, "ninefold": 9.0, "tenfold": 10.0,
                    "hundredfold": 100.0, "thousandfold": 1000.0}
CHANGE_VERBS = {"doubled": 2.0, "doubling": 2.0, "tripled": 3.0, "trebled": 3.0, "tripling": 3.0,
                "trebling": 3.0, "quadrupled": 4.0, "quadrupling": 4.0, "quintupled": 5.0,
                "sextupled": 6.0, "halved": 0.5, "halving": 0.5}
COMPARATIVES = frozenset({
    "higher", "more", "larger", "greater", "bigger", "lower", "less", "smaller", "faster", "slower",
    "longer", "shorter", "cheaper", "costlier", "wider", "heavier", "richer", "poorer", "stronger",
    "weaker", "above", "below", "fewer", "older", "younger", "taller", "deeper", "louder", "worse",
    "better", "over"})
# "three times as large", "ten times the size": a ratio, though the adjective is not in the span
COMPARATIVE_LEADS = frozenset({"as", "the", "that", "what"})
MONTHS = frozenset({"january", "february", "march", "april", "may", "june", "july", "august",
                    "september", "october", "november", "december", "jan", "feb", "mar", "apr",
                    "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"})
PRONOUN_ONE_BEFORE = frozenset({"the", "this", "that", "which", "each", "every", "any", "no", "a", "an",
                                "another", "some", "someone", "little", "only", "other", "last",
                                "right", "wrong", "new", "old", "same", "big", "small"})

# Qualifiers before an expression, canonical form first (longest phrases win).
QUALIFIERS: dict[str, tuple[str, ...]] = {
    "about": ("about", "around", "approximately", "approx.", "approx", "roughly", "some", "circa",
              "ca.", "c.", "~", "an estimated", "estimated", "reportedly", "just about", "close to about",
              "in the region of", "on the order of", "of the order of", "somewhere around"),
    "more than": ("more than", "over", "above", "exceeding", "in excess of", "upwards of", "upward of",
                  "just over", "well over", "well above", "nearly over", "greater than", "higher than",
                  "larger than", "beyond"),
    "less than": ("less than", "fewer than", "under", "below", "lower than", "well under",
                  "well below", "smaller than"),
    "nearly": ("nearly", "almost", "close to", "just under", "just below", "just short of",
               "nigh on", "practically", "virtually"),
    "up to": ("up to", "as much as", "as many as", "as high as", "at most", "no more than",
              "not more than", "a maximum of", "maximum of", "at the most"),
    "at least": ("at least", "no less than", "not less than", "no fewer than", "a minimum of",
                 "minimum of", "at the least"),
    "only": ("only", "just", "merely", "a mere", "mere", "a paltry"),
    "exactly": ("exactly", "precisely", "fully", "a full", "all of"),
}
POSTPOSED_QUALIFIERS = {"or more": "at least", "or above": "at least", "and more": "at least",
                        "plus": "at least", "or so": "about", "or thereabouts": "about",
                        "or less": "up to", "or fewer": "up to", "at most": "up to",
                        "at least": "at least"}

CURRENCY_SYMBOLS = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR", "₽": "RUB", "₩": "KRW",
                    "₺": "TRY", "₸": "KZT", "₿": "BTC", "₡": "CRC", "₾": "GEL", "₭": "LAK", "₴": "UAH",
                    "₼": "AZN", "₦": "NGN", "₪": "ILS", "₫": "VND", "฿": "THB", "₱": "PHP", "元": "CNY",
                    "円": "JPY", "ரூ": "LKR", "﷼": "IRR"}
# Letters written before `$` ("US$", "hk $", "C$"); single capitals only when glued to `$`.
DOLLAR_PREFIXES = {"us": "USD", "u.s.": "USD", "u.s": "USD", "usd": "USD", "c": "CAD", "ca": "CAD",
                   "cad": "CAD", "can": "CAD", "au": "AUD", "aud": "AUD", "nz": "NZD", "nzd": "NZD",
                   "hk": "HKD", "hkd": "HKD", "sg": "SGD", "sgd": "SGD", "mex": "MXN", "mx": "MXN",
                   "mxn": "MXN", "nt": "TWD", "r": "BRL", "a": "AUD", "s": "SGD"}
GLUED_ONLY_PREFIXES = frozenset({"r", "a", "s"})
ISO_CODES = frozenset("""USD EUR GBP JPY CNY RMB CHF CAD AUD NZD HKD SGD INR RUB KZT UZS KGS TJS TMT AZN GEL
AMD UAH BYN IRR PKR AFN SAR AED QAR KWD ILS EGP ZAR BRL MXN ARS KRW TWD THB IDR MYR PHP VND SEK NOK DKK PLN
CZK HUF RON BGN MNT BTC TRY ISK IQD JOD OMR BHD NGN KES ETB BDT LKR NPR CLP COP PEN XAU XDR SDR""".split())
LOWERCASE_CODES = frozenset({"usd", "eur", "gbp", "rmb", "cny", "jpy", "rub", "inr", "cad", "aud", "chf",
                             "hkd", "btc", "kzt", "uzs"})
CODE_ALIASES = {"RMB": "CNY", "SDR": "XDR"}
# currency word -> code; None where the word alone names several currencies
CURRENCY_WORDS: dict[str, str | None] = {
    "dollar": "USD", "dollars": "USD", "euro": "EUR", "euros": "EUR", "pound": "GBP", "pounds": "GBP",
    "sterling": "GBP", "pounds sterling": "GBP", "pound sterling": "GBP", "yen": "JPY", "yuan": "CNY",
    "renminbi": "CNY", "kuai": "CNY", "rouble": "RUB", "roubles": "RUB", "ruble": "RUB", "rubles": "RUB",
    "tenge": "KZT", "somoni": "TJS", "lari": "GEL", "dram": "AMD", "drams": "AMD", "hryvnia": "UAH",
    "hryvnias": "UAH", "hryvnya": "UAH", "lira": "TRY", "liras": "TRY", "lire": "TRY", "peseta": "ESP",
    "pesetas": "ESP", "markka": "FIM", "markkaa": "FIM", "guilder": "NLG", "guilders": "NLG",
    "bitcoin": "BTC", "bitcoins": "BTC", "won": "KRW", "rand": "ZAR", "shekel": "ILS", "shekels": "ILS",
    "baht": "THB", "ringgit": "MYR", "rupiah": "IDR", "zloty": "PLN", "zlotys": "PLN", "zlotych": "PLN",
    "forint": "HUF", "forints": "HUF", "afghani": "AFN", "afghanis": "AFN", "tugrik": "MNT",
    "rupee": None, "rupees": None, "franc": None, "francs": None, "peso": None, "pesos": None,
    "dinar": None, "dinars": None, "riyal": None, "riyals": None, "rial": None, "rials": None,
    "dirham": None, "dirhams": None, "manat": None, "manats": None, "som": None, "soms": None,
    "krona": None, "kronor": None, "krone": None, "kroner": None, "mark": None, "marks": None,
    "real": None, "reais": "BRL",
}
# Words that are currencies only with a country adjective or a number right before them.
WEAK_CURRENCY_WORDS = frozenset({"mark", "marks", "real", "won", "rand", "som", "soms", "dong"})
CURRENCY_ADJECTIVES = {
    "us": "USD", "u.s.": "USD", "u.s": "USD", "american": "USD", "australian": "AUD", "canadian": "CAD",
    "hong kong": "HKD", "new zealand": "NZD", "singapore": "SGD", "singaporean": "SGD",
    "taiwan": "TWD", "new taiwan": "TWD", "mexican": "MXN", "chinese": "CNY", "japanese": "JPY",
    "swiss": "CHF", "turkish": "TRY", "finnish": "FIM", "dutch": "NLG", "indian": "INR",
    "pakistani": "PKR", "sri lankan": "LKR", "nepalese": "NPR", "russian": "RUB", "kazakh": "KZT",
    "kazakhstani": "KZT", "uzbek": "UZS", "kyrgyz": "KGS", "tajik": "TJS", "turkmen": "TMT",
    "azerbaijani": "AZN", "philippine": "PHP", "argentine": "ARS", "chilean": "CLP", "colombian": "COP",
    "brazilian": "BRL", "south african": "ZAR", "saudi": "SAR", "qatari": "QAR", "iranian": "IRR",
    "iraqi": "IQD", "jordanian": "JOD", "kuwaiti": "KWD", "egyptian": "EGP", "danish": "DKK",
    "norwegian": "NOK", "swedish": "SEK", "icelandic": "ISK", "french": "FRF", "belgian": "BEF",
    "german": "DEM", "deutsche": "DEM", "south korean": "KRW", "korean": "KRW", "north korean": "KPW",
    "afghan": "AFN", "omani": "OMR", "bahraini": "BHD", "emirati": "AED", "uae": "AED",
    "moroccan": "MAD", "tunisian": "TND", "algerian": "DZD", "libyan": "LYD", "ukrainian": "UAH",
    "belarusian": "BYN", "georgian": "GEL", "armenian": "AMD", "mongolian": "MNT", "vietnamese": "VND",
}

# Quantity units: (pattern, unit, factor). Patterns are matched right after the number, with
# an optional space or hyphen; they must end at a word boundary that is not a hyphen + digit.
_UNIT_TABLE: tuple[tuple[str, str, float], ...] = (
    (r"(?i:square\s+kilomet(?:re|er)s?|sq\.?\s*km|kilomet(?:re|er)s?\s+squared)|km2|km²|km\^2|km\s+squared", "km2", 1),
    (r"(?i:square\s+met(?:re|er)s?|sq\.?\s*m|met(?:re|er)s?\s+squared)|m2|m²|m\^2", "m2", 1),
    (r"(?i:square\s+miles?|sq\.?\s*mi\.?|mi2|mi²)", "mi2", 1),
    (r"(?i:square\s+f(?:ee|oo)t|sq\.?\s*ft\.?)|ft2|ft²", "ft2", 1),
    (r"(?i:cubic\s+f(?:ee|oo)t|cu\.?\s*ft\.?)|ft3|ft³", "ft3", 1),
    (r"(?i:cubic\s+met(?:re|er)s?)|m3|m³|cbm", "m3", 1),
    (r"bcm|(?i:bcm)", "m3", 1e9),
    (r"tcf", "ft3", 1e12),
    (r"(?i:cubic\s+centimet(?:re|er)s?)|cc", "ml", 1),
    (r"(?i:hectares?)|ha", "ha", 1),
    (r"(?i:acres?)", "acre", 1),
    (r"(?i:kilomet(?:re|er)s?|kms?)|KM", "km", 1),
    (r"(?i:centimet(?:re|er)s?)|cm", "cm", 1),
    (r"(?i:millimet(?:re|er)s?)|mm", "mm", 1),
    (r"(?i:decimet(?:re|er)s?)|dm", "dm", 1),
    (r"(?i:nanomet(?:re|er)s?)|nm", "nm", 1),
    (r"(?i:micromet(?:re|er)s?|microns?)|µm|μm", "µm", 1),
    (r"(?i:picomet(?:re|er)s?)", "pm", 1),
    (r"(?i:attomet(?:re|er)s?)", "am", 1),
    (r"(?i:nautical\s+miles?)|nmi", "nmi", 1),
    (r"(?i:statute\s+miles?|miles?)|mi", "mi", 1),
    (r"(?i:met(?:re|er)s?)|m", "m", 1),
    (r"(?i:feet|foot)|ft\.?", "ft", 1),
    (r"(?i:inch(?:es)?)|in", "in", 1),
    (r"(?i:yards?)|yds?", "yd", 1),
    (r"(?i:millilit(?:re|er)s?)|ml|mL", "ml", 1),
    (r"(?i:lit(?:re|er)s?)|L", "l", 1),
    (r"(?i:gallons?)|gal", "gal", 1),
    (r"(?i:barrels?)|bbl", "bbl", 1),
    (r"(?i:metric\s+tons?|metric\s+tonnes?|tonnes?|tons?)|t|mt", "ton", 1),
    (r"(?i:kilo(?:gram(?:me)?)?s?)|kg", "kg", 1),
    (r"(?i:milligram(?:me)?s?)|mg", "mg", 1),
    (r"(?i:gram(?:me)?s?)", "g", 1),
    (r"(?i:ounces?)|oz", "oz", 1),
    (r"(?i:lbs?|pounds?)", "lb", 1),
    (r"(?i:gigaann(?:um|a)|gigayears?)|Gyr|Ga", "gigayear", 1),
    (r"(?i:years?|yrs?)", "year", 1),
    (r"(?i:months?)", "month", 1),
    (r"(?i:weeks?|wks?)", "week", 1),
    (r"(?i:days?)", "day", 1),
    (r"(?i:hours?|hrs?)", "h", 1),
    (r"(?i:minutes?|mins?)", "min", 1),
    (r"(?i:seconds|secs?)", "s", 1),
    (r"(?i:decades?)", "decade", 1),
    (r"(?i:centur(?:y|ies))", "century", 1),
    (r"(?i:kibibytes?)|KiB", "KiB", 1),
    (r"(?i:kilobytes?)|kB|KB", "kB", 1),
    (r"(?i:megabytes?)|MB", "MB", 1),
    (r"(?i:gigabytes?)|GB", "GB", 1),
    (r"(?i:terabytes?)|TB", "TB", 1),
    (r"(?i:bytes?)", "B", 1),
    (r"(?i:bits?)", "bit", 1),
    (r"TWh|GWh|MWh|kWh", "", 1),  # unit text kept as written, see _unit_symbol
    (r"GW|MW|kW", "", 1),
    (r"(?i:km/h|kph|kilomet(?:re|er)s\s+per\s+hour)", "km/h", 1),
    (r"mph|(?i:miles\s+per\s+hour)", "mph", 1),
    (r"(?i:knots)", "kn", 1),
)
TIME_UNITS = frozenset({"year", "month", "week", "day", "h", "min", "s", "decade", "century", "quarter"})
_UNIT_END = r"(?![\w])(?!-\d)"
_UNITS = tuple((re.compile(rf"(?:{pattern}){_UNIT_END}"), unit, factor) for pattern, unit, factor in _UNIT_TABLE)
# Symbols that are units only when glued to the number ("5mins"), not after a space.
_GLUED_ONLY_UNITS = frozenset({"mt", "min", "mins", "sec", "secs"})
DIMENSION_ADJECTIVES = frozenset({"thick", "long", "wide", "tall", "high", "deep", "thin", "across",
                                  "diameter", "in", "wide,", "away", "off", "apart", "square"})

# --- tokens ---------------------------------------------------------------------------------

_SPACES = "\u00a0\u202f\u2009 "
# A word begins with a letter and a number with a digit or ".", so trying words first (the most
# tokens) and numbers only where one can begin finds the same tokens sooner.
_TOKEN = re.compile(
    r"(?P<word>[^\W\d_]+)"
    r"|(?=[\d.])(?P<num>"
    r"\d{1,2}(?:,\d{2})+,\d{3}(?:\.\d+)?(?![\d,])"                                   # 12,34,567.89
    r"|\d{1,3}(?:\.\d{3})+,\d+(?!\d|[.,]\d)"                                        # 1.111,11
    r"|\d{1,3}(?:,\d{3})+(?:\.\d+)?(?!\d|,\d)"                                      # 1,234,567.89
    r"|\d{1,3}(?:[\u00a0\u202f\u2009 ]\d{3})+(?:\.\d+)?(?![\d\u00a0\u202f\u2009]|\.\d| \d)"  # 1 234 567
    r"|(?<!\d,)\d+,\d{1,2}(?!\d|,\d)"                                               # 5,00 and 1,3
    r"|\d+(?:\.\d+)?"
    r"|(?<![\d.])\.\d+"
    r")"
    r"|(?P<sym>\S)"
)


class _Tok(NamedTuple):
    start: int
    end: int
    text: str
    kind: str  # "num", "word" or "sym"
    lower: str


# tuple.__new__ skips the NamedTuple's Python-level __new__: _tokenize runs for every token of a document
_new_tuple = tuple.__new__


def _tokenize(text: str) -> list[_Tok]:
    return [_new_tuple(_Tok, (m.start(), m.end(), word, m.lastgroup or "sym", word.lower()))
            for m in _TOKEN.finditer(text) for word in (m.group(),)]


# A letter before what `_glued_to_number` accepts, or before any non-ASCII character (str.isdigit
# holds for more than \d: "²"), alone or after one space, or at the end: more than it accepts, never less.
_LETTER_BEFORE_NUMBER = re.compile(r"[^\W\d_](?=[$.0-9]|[^\x00-\x7f]| [$0-9]| [^\x00-\x7f]|\Z)")


def _glued_to_number(text: str, end: int) -> bool:
    nxt = text[end:end + 2]
    return nxt[:1] in "$.\u00a0" or nxt[:1].isdigit() or (nxt[:1] == " " and (nxt[1:].isdigit() or nxt[1:] == "$"))


def _digit_value(raw: str) -> float:
    """The value of a digit token in any format `_TOKEN` accepts."""
    s = "".join(ch for ch in raw if ch not in _SPACES)
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+,\d+", s):
        return float(s.replace(".", "").replace(",", "."))
    if re.fullmatch(r"\d+,\d{1,2}", s):
        return float(s.replace(",", "."))
    return float(s.replace(",", ""))


# --- numerals: digits, number words and mixtures ----------------------------------------------

@dataclass
class _Numeral:
    first: int            # token indices, inclusive
    last: int
    value: float
    words: bool = False   # spelled out, at least in part
    scaled: bool = False  # has a scale word (million, lakh, ...)
    fraction: bool = False  # a fraction with no whole part ("a third", "1/40")


@dataclass
class _State:
    total: float = 0.0
    current: float = 0.0
    last: str | None = None       # kind of the last element read
    last_term: float = 0.0
    last_scale: float = 0.0
    hundred: bool = False         # the current group already has its hundreds
    and_after_scale: bool = False
    and_after_group: bool = False  # "and" after a scale or a hundred joins a smaller part
    scale_fraction: bool = False  # "a million and a half": the fraction is of the last scale
    words: bool = False
    scaled: bool = False
    fraction: bool = False
    end: int = -1

    def copy(self) -> _State:
        return _State(**self.__dict__)

    def value(self) -> float:
        if self.scale_fraction:
            return self.total + self.current * (self.last_scale or 1.0)
        return self.total + self.current


_AND, _REVERT = -1, -2


class _NumeralParser:
    """Greedy reader of one numeral starting at a token; knows English number grammar."""

    def __init__(self, toks: list[_Tok]) -> None:
        self.toks = toks

    def word(self, j: int) -> str | None:
        return self.toks[j].lower if 0 <= j < len(self.toks) and self.toks[j].kind == "word" else None

    def glued(self, j: int) -> bool:
        """Token j touches token j - 1."""
        return 0 < j < len(self.toks) and self.toks[j - 1].end == self.toks[j].start

    def is_number_word(self, j: int) -> bool:
        w = self.word(j)
        return w is not None and (w in UNITS_WORDS or w in TEENS_WORDS or w in TENS_WORDS
                                  or w in SCALE_WORDS or w in FRACTION_WORDS or w == "hundred")

    def parse(self, i: int) -> _Numeral | None:
        st, j = _State(), i
        if self.word(i) in ("a", "an"):
            nxt = self.word(i + 1)
            if not (nxt in ("hundred", "dozen", "third", "quarter", "half", "fifth", "sixth", "tenth")
                    or nxt in SCALE_WORDS):
                return None
            st.current = st.last_term = 1.0
            st.last, st.words, st.end = "unit", True, i
            j = i + 1
        snapshot: _State | None = None
        while j < len(self.toks):
            nxt = self.step(st, j)
            if nxt == _AND:
                snapshot = st.copy()
                st.and_after_scale = st.last == "scale"
                st.and_after_group = st.last in ("scale", "hundred")
                st.last = "and"
                j += 1
                continue
            if nxt == _REVERT or nxt is None:
                if (st.last == "and" or nxt == _REVERT) and snapshot is not None:
                    st = snapshot   # "3 hundred | and 2 hundred", "4 thousand 3 hundred | and 0"
                break
            st.end = nxt - 1
            j = self.joiner(st, nxt)
            if j < 0:
                snapshot, j = st.copy(), -j
                st.and_after_scale = st.and_after_group = True
                st.last = "and"
        if st.last == "and" and snapshot is not None:
            st = snapshot
        if st.end < i or (st.end == i and self.word(i) in ("a", "an")):
            return None
        if st.last == "fraction" and st.and_after_scale:
            st.scale_fraction = True
        return _Numeral(i, st.end, st.value(), st.words, st.scaled, st.fraction and not st.total and not st.scaled)

    def joiner(self, st: _State, j: int) -> int:
        """Skip a hyphen inside "twenty-six" or a comma in "three million, two hundred".

        Returns the next token index; negative when the joiner acts like "and".
        """
        toks = self.toks
        if j >= len(toks):
            return j
        if toks[j].text in "-‐" and toks[j - 1].kind == "word" and self.glued(j) and self.glued(j + 1) \
                and self.is_number_word(j + 1):
            return j + 1
        if toks[j].text == "," and st.last == "scale" and st.words and self.is_number_word(j + 1) \
                and self.word(j + 1) not in SCALE_WORDS and self.word(j + 1) not in FRACTION_WORDS:
            return -(j + 1)
        return j

    def step(self, st: _State, j: int) -> int | None:
        """Read token j into the state; the next token index, _AND, _REVERT or None (stop)."""
        tok, last = self.toks[j], st.last
        if tok.kind == "num":
            return self.step_digits(st, j)
        w = self.word(j) if tok.text != "&" else "&"
        if w is None:
            return None
        if w in ("and", "&"):
            if last in ("scale", "hundred") and self.and_continues(j + 1, fraction_only=False):
                return _AND
            if last in ("unit", "ten", "teen", "digit", "scale") and self.and_continues(j + 1, fraction_only=True):
                return _AND
            return None
        if w == "point":
            return self.step_point(st, j)
        if w in UNITS_WORDS:
            n = UNITS_WORDS[w]
            if last == "and" and n == 0:
                return _REVERT
            if not (last in (None, "hundred", "scale", "and") or (last == "ten" and n > 0)):
                return None
            if n == 0 and last is not None:
                return None
            if last == "and" and not st.and_after_group:
                return self.step_and_fraction(st, j)
            st.current += n
            st.last, st.last_term, st.words = "unit", float(n), True
            return j + 1
        if w in TEENS_WORDS or w in TENS_WORDS:
            if last not in (None, "hundred", "scale", "and") or (last == "and" and not self.after_hundred_or_scale(st)):
                return None
            n = TEENS_WORDS.get(w) or TENS_WORDS[w]
            st.current += n
            st.last, st.last_term, st.words = ("ten" if w in TENS_WORDS else "teen"), float(n), True
            return j + 1
        if w == "hundred":
            return self.step_hundred(st, j)
        if w == "dozen" or (w == "dozens" and last in ("unit", "ten", "teen") and st.hundred):
            if last in ("unit", "ten", "teen", "digit"):
                st.current += st.last_term * 11
            elif last is None:
                st.current = 12.0
            else:
                return None
            st.last, st.words = "hundred", True
            return j + 1
        if w in SCALE_WORDS:
            return self.step_scale(st, j, SCALE_WORDS[w])
        if w in FRACTION_WORDS:
            return self.step_fraction(st, j)
        if w in ("a", "an", "one") and last == "and":
            return self.step_and_fraction(st, j)
        return None

    def after_hundred_or_scale(self, st: _State) -> bool:
        return st.hundred or st.last_scale > 0

    def step_digits(self, st: _State, j: int) -> int | None:
        tok, last = self.toks[j], st.last
        value = _digit_value(tok.text)
        if not math.isfinite(value):
            return None       # 400 digits: not a number anyone wrote to be read
        if last is not None:
            if last not in ("and", "scale", "hundred") or (last == "and" and not self.after_hundred_or_scale(st)):
                return None
            place = 100.0 if st.hundred and last != "scale" else (st.last_scale or 1e3)
            if value >= place or not _whole(value) or (last == "and" and value == 0):
                return _REVERT if last == "and" else None
        elif self.glued(j) and self.toks[j - 1].kind == "num":
            return None
        st.current += value
        st.last, st.last_term = "digit", value
        return j + 1

    def step_point(self, st: _State, j: int) -> int | None:
        if st.last not in ("unit", "ten", "teen", "hundred", "digit") or not _whole(st.current):
            return None
        digits, k = "", j + 1
        while k < len(self.toks):
            w = self.word(k)
            if w in UNITS_WORDS:
                digits += str(UNITS_WORDS[w])
            elif w in TEENS_WORDS:
                digits += str(TEENS_WORDS[w])
            elif w in TENS_WORDS:
                tens = TENS_WORDS[w]
                if self.toks[k + 1:k + 2] and self.toks[k + 1].text == "-" and self.word(k + 2) in UNITS_WORDS:
                    digits, k = digits + str(tens + UNITS_WORDS[self.word(k + 2)]), k + 2
                elif self.word(k + 1) in UNITS_WORDS and UNITS_WORDS[self.word(k + 1)] > 0:
                    digits, k = digits + str(tens + UNITS_WORDS[self.word(k + 1)]), k + 1
                else:
                    digits += str(tens)
            elif self.toks[k].text == "-" and digits:
                pass
            else:
                break
            k += 1
        if not digits:
            return None
        st.current += float("0." + digits)
        st.last, st.words = "point", True
        return k

    def step_hundred(self, st: _State, j: int) -> int | None:
        last = st.last
        if last is None:
            if j > 0 and self.word(j - 1) in ("per", "the"):
                return None
            st.current = 100.0
        elif last in ("unit", "ten", "teen", "digit") and not st.hundred and st.current > 0 \
                and (st.current < 100 or (last == "digit" and not st.total)):
            st.current *= 100
        elif last == "and" or st.hundred or last in ("unit", "ten", "teen", "digit"):
            return _REVERT
        else:
            return None
        st.hundred, st.last, st.words = True, "hundred", True
        return j + 1

    def step_scale(self, st: _State, j: int, scale: float) -> int | None:
        last = st.last
        if last == "and":
            return _REVERT
        if last is None:
            if j > 0 and (self.word(j - 1) in ("per", "the") or self.toks[j - 1].text == "-"):
                return None
            st.total = scale
        elif last == "fraction" and st.and_after_scale:
            st.total += st.current * scale
            st.current = 0.0
            st.and_after_scale = False
        elif st.current == 0 and last == "scale":
            if scale <= st.last_scale:
                return None
            st.total *= scale
        elif st.last_scale and scale >= st.last_scale:
            if scale == st.last_scale:
                return None
            st.total = (st.total + st.current) * scale
            st.current = 0.0
        else:
            st.total += st.current * scale
            st.current = 0.0
        st.last_scale = scale
        st.last, st.scaled, st.words, st.hundred = "scale", True, True, False
        return j + 1

    def step_fraction(self, st: _State, j: int) -> int | None:
        w, last = self.word(j), st.last
        den = FRACTION_WORDS[w]
        plural = w.endswith("s")
        if last is None:
            nxt = self.word(j + 1)
            if w in ("half", "quarter") and nxt in SCALE_WORDS:
                st.current = 1.0 / den            # "half million", "quarter million"
            elif w == "half" and nxt == "of" and self.word(j - 1) not in ORDINAL_WORDS | {"the", "a", "one"}:
                st.current = 0.5                  # "half of the trade"
            else:
                return None
            st.last, st.fraction, st.words = "fraction", True, True
            return j + 1
        if last not in ("unit", "ten", "teen", "digit") or st.hundred and last == "digit":
            return None
        numerator = st.last_term
        if (numerator == 1) == plural and w != "halves":
            return None
        if w in ("quarter", "quarters") and self.is_period(j):
            return None  # "the first three quarters of 2022" is a period, not 0.75
        if st.and_after_scale:
            st.current = st.current / den
        elif st.total and last != "digit":
            st.current, st.total = (st.total + st.current) / den, 0.0
        else:
            st.current = st.current / den
        st.last, st.fraction, st.words = "fraction", True, True
        if self.word(j + 1) == "of" and self.word(j + 2) in ("a", "one") and self.word(j + 3) in SCALE_WORDS:
            st.current *= SCALE_WORDS[self.word(j + 3)]  # "two thirds of a million"
            st.scaled = True
            return j + 4
        return j + 1

    def step_and_fraction(self, st: _State, j: int) -> int | None:
        """ "... and a half", "... and one half", "... and three quarters"."""
        w = self.word(j)
        nxt = self.word(j + 1)
        if w in ("a", "an", "one") and nxt in ("half", "quarter", "third"):
            frac, end = 1.0 / FRACTION_WORDS[nxt], j + 2
        elif w in UNITS_WORDS and nxt in FRACTION_WORDS and nxt.endswith("s") and UNITS_WORDS[w] > 1:
            frac, end = UNITS_WORDS[w] / FRACTION_WORDS[nxt], j + 2
        else:
            return None
        if st.and_after_scale:
            st.current = frac
        else:
            st.current += frac
        st.last, st.words = "fraction", True
        return end

    def and_continues(self, j: int, *, fraction_only: bool) -> bool:
        """Does a number part follow "and" at token j ("and two", "and a half")?"""
        if j >= len(self.toks):
            return False
        w = self.word(j)
        if w in ("a", "an", "one") and self.word(j + 1) in ("half", "quarter", "third"):
            return True
        if w in UNITS_WORDS and self.word(j + 1) in FRACTION_WORDS and (self.word(j + 1) or "").endswith("s"):
            return True
        if fraction_only:
            return False
        return self.toks[j].kind == "num" or (w is not None and (w in UNITS_WORDS or w in TEENS_WORDS
                                                                  or w in TENS_WORDS))

    def is_period(self, j: int) -> bool:
        """ "quarters" after an ordinal ("first three quarters") or before "of 2022"."""
        k = j - 1
        while k >= 0 and (self.word(k) in UNITS_WORDS or self.word(k) in TEENS_WORDS or self.toks[k].kind == "num"):
            k -= 1
        if self.word(k) in ORDINAL_WORDS:
            return True
        return self.word(j + 1) == "of" and j + 2 < len(self.toks) and self.toks[j + 2].kind == "num"


# --- expression assembly ---------------------------------------------------------------------

def _alt(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_SYMBOLS_RE = _alt(CURRENCY_SYMBOLS)
_DOLLAR_PREFIX = re.compile(
    r"(?<![^\W\d_])(?:(?P<cc>U\.S\.?|u\.s\.?|US|us|USD|usd|CAD|cad|CAN|CA|C|c|AUD|aud|AU|NZD|nzd|NZ|HKD|HK|hk|"
    r"SGD|SG|Mex|MXN|mxn|MX|NT|R|A|S)(?P<gap>\s?))?\$")
_SYMBOL_PREFIX = re.compile(rf"(?:{_alt(set(CURRENCY_SYMBOLS) - {'$', '元', '円'})})")
_CODE_PREFIX = re.compile(r"(?<![^\W\d_])(?P<m>M)?(?P<code>[A-Z]{3}|[a-z]{3})(?![^\W\d_])\s?(?=[-−]?\d)")
_RS_PREFIX = re.compile(r"(?<![^\W\d_])Rs\.?\s?(?=\d)")
_WORD_PREFIX = re.compile(r"(?<![^\W\d_])(?:dollars?|euros?|USD)\s(?=\d)")
_SCALE_ABBREVIATION = re.compile(
    r"(?P<gap>[ \u00a0]{0,2})(?P<abbr>bln|bn|Bn|mln|mn|mil|tln|trn|tn|Tn|thsd|k|K|M|G|B|b|T|m)(?![^\W_])")
_PERCENT = re.compile(
    r"\s?(?:(?P<pp>(?i:percentage[\s-]points?|per\s?cent(?:age)?[\s-]points?|ppts?|pp)(?![^\W_]))"
    r"|(?P<pc>%|٪|(?i:percent(?:s|age)?|per[\s-]?cent|pct)(?![^\W_])))")
_FOLD = re.compile(r"(?:-|\s)?(?i:fold)(?![^\W_])")
_TIMES = re.compile(r"\s+(?i:times)(?![^\W_])(?:\s+(?P<adj>[^\W\d_]+))?")
_X_MULTIPLIER = re.compile(r"[x×](?![^\W_]|\d)")
_SCIENTIFIC = re.compile(
    r"\s?[×x*]\s?(?:10\^?(?P<e10>[-−]?\d+)|(?P<base>\d+)\^(?P<exp>[-−]?\d+))|[eE](?P<e>[-+]?\d+)(?![^\W_])")
_INCH_QUOTE = re.compile(r'(?P<gap>\s?)["″]')
_CLOCK = re.compile(r"\s?(?i:a\.m\.|p\.m\.|am|pm)(?![^\W_])")
_CURRENCY_ADJ = _alt(CURRENCY_ADJECTIVES)
_CURRENCY_WORD = re.compile(
    rf"(?P<gap>\s+|-)(?:(?P<adj>{_CURRENCY_ADJ})\s+)?(?P<word>{_alt(CURRENCY_WORDS)})(?![^\W_])", re.IGNORECASE)
_CODE_SUFFIX = re.compile(r"(?P<gap>\s?)(?P<m>M|k|K)?(?P<code>[A-Z]{3}|[a-z]{3})(?!\w)")
_SYMBOL_SUFFIX = re.compile(rf"\s?(?P<sym>{_SYMBOLS_RE})")
_SCALE_AFTER_CODE = re.compile(r"\s+(?P<w>thousand|million|billion|trillion|bn|mn)(?![^\W_])", re.IGNORECASE)
_URL = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+\.\w+|\S+\.(?:com|org|net|html?|php)\S*")
_POSTPOSED = re.compile(rf"\s*(?:,\s*)?(?P<q>{_alt(POSTPOSED_QUALIFIERS)})(?![^\W_])", re.IGNORECASE)
_QUALIFIER_LOOKUP = {phrase: canonical for canonical, phrases in QUALIFIERS.items() for phrase in phrases}
_QUALIFIER_BEFORE = re.compile(rf"(?:^|(?<=[\s(\[“\"'‘,;:]))(?P<q>{_alt(_QUALIFIER_LOOKUP)})\s*$", re.IGNORECASE)
_RANGE_SEPARATOR = re.compile(r"(?P<a>\s*)(?P<sep>-|–|—|‒|(?i:to|through|and))(?P<b>\s*)")
_CENT_WORD = re.compile(r"\s*(?i:cents?|pence|p)(?![^\W_])")
_UNIT_GAP = re.compile(r"-|[ \u00a0\u202f]?")
_INCHES_AFTER_FEET = re.compile(r'\s+(?:and\s+)?(\d{1,2}(?:\.\d+)?)\s?(?:(?i:inch(?:es)?)|in|")(?![^\W_])')
_DATE_SLASH = re.compile(r"\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}")


# Words that can begin an expression (codes and country markers are caught by what follows them).
_START_WORDS = frozenset({
    *UNITS_WORDS, *TEENS_WORDS, *TENS_WORDS, *SCALE_WORDS, *FRACTION_WORDS, *MULTIPLIER_WORDS, *CHANGE_VERBS,
    *VAGUE_SCALES, *VAGUE_LEADS, "a", "an", "hundred", "dozen", "minus", "negative", "twice", "thrice",
    "percent", "percents", "per", "percentage", "dollar", "dollars", "euro", "euros", "rs"})


# Symbols that can begin an expression: a currency sign ("$5", "€3") or a minus ("-5%").
_SYMBOL_STARTS = frozenset({"$", "-", "−", "–", *(sign for sign in CURRENCY_SYMBOLS if len(sign) == 1)})
# Every URL or e-mail address `_URL` finds holds one of these.
_URL_HINTS = ("://", "www.", "@", ".com", ".org", ".net", ".htm", ".php")


@dataclass
class _Candidate:
    """An expression while it is being assembled."""

    start: int
    end: int
    kind: str
    value: float | None
    value_max: float | None = None
    unit: str | None = None
    next_tok: int = 0
    negative: bool = False

    def scale(self, factor: float) -> None:
        if self.value is not None:
            self.value *= factor
        if self.value_max is not None:
            self.value_max *= factor


class _Scanner:
    """Left-to-right scan of a text's tokens for numeric expressions."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.toks = _tokenize(text)
        self.parser = _NumeralParser(self.toks)
        self.tok_ends = [t.end for t in self.toks]
        self.blocked = [(m.start(), m.end()) for m in _URL.finditer(text)] \
            if any(hint in text for hint in _URL_HINTS) else []

    # -- helpers ------------------------------------------------------------------------------
    def word(self, j: int) -> str | None:
        return self.parser.word(j)

    def tok_index_at(self, pos: int) -> int | None:
        """Index of the token that starts at `pos`, after skipping spaces."""
        while pos < len(self.text) and self.text[pos] in _SPACES:
            pos += 1
        return self.tok_at.get(pos)

    @functools.cached_property
    def tok_at(self) -> dict[int, int]:
        """Token index by start offset; built on first use, which few texts need."""
        return {t.start: i for i, t in enumerate(self.toks)}

    def possible_starts(self) -> list[int]:
        """The tokens that could begin an expression, by a cheap test that lets most words and
        punctuation through unexamined: numbers, currency and minus signs, start words, and
        words glued to a digit, "$" or "." ("US$5", "Rs.5") or one space before a digit or "$"."""
        text = self.text
        # where a word could be glued to a number: after a letter, by a regex over the whole text,
        # so that the exact test runs on a few words instead of all
        maybe_glued = {m.end() for m in _LETTER_BEFORE_NUMBER.finditer(text)}
        return [i for i, tok in enumerate(self.toks)
                if (tok.text in _SYMBOL_STARTS if tok.kind == "sym" else
                    tok.kind != "word" or tok.lower in _START_WORDS
                    or (tok.end in maybe_glued and _glued_to_number(text, tok.end)))]

    def in_blocked(self, pos: int) -> bool:
        return any(a <= pos < b for a, b in self.blocked)

    def prev_word(self, i: int, skip_punct: bool = False) -> str | None:
        j = i - 1
        while skip_punct and j >= 0 and self.toks[j].text in ".,":
            j -= 1
        return self.word(j)

    # -- main loop ----------------------------------------------------------------------------
    def run(self) -> list[NumericExpression]:
        found: list[NumericExpression] = []
        next_free = 0  # the first token not inside an expression found or skipped
        for i in self.possible_starts():
            if i < next_free or self.in_blocked(self.toks[i].start):
                continue
            result = self.expression_at(i)
            if result is None:
                continue
            if isinstance(result, int):   # tokens to skip (a number inside a name, a time, ...)
                next_free = result
                continue
            found.append(self.finish(result))
            next_free = result.next_tok
        return found

    def finish(self, c: _Candidate) -> NumericExpression:
        text = self.text
        qualifier = None
        before = _QUALIFIER_BEFORE.search(text, max(0, c.start - 40), c.start)
        if before and c.kind != YEAR:
            qualifier = _QUALIFIER_LOOKUP[before.group("q").lower()]
        after = _POSTPOSED.match(text, c.end)
        if after and c.kind != YEAR and qualifier is None:
            phrase = after.group("q").lower()
            if phrase != "plus" or text[c.end:c.end + 1] == "-":
                qualifier = POSTPOSED_QUALIFIERS[phrase]
        value, value_max = c.value, c.value_max
        if c.negative and value is not None:
            value, value_max = -value, (-value_max if value_max is not None else None)
            if value_max is not None:
                value, value_max = value_max, value
        return NumericExpression(c.start, c.end, text[c.start:c.end], c.kind, _clean(value), _clean(value_max),
                                 c.unit, qualifier)

    def expression_at(self, i: int) -> _Candidate | int | None:
        tok = self.toks[i]
        prefix = self.currency_prefix(i)
        if prefix is not None:
            return prefix
        if tok.kind == "num":
            return self.number_expression(i, i, negative=False)
        if tok.text in "-−–" and i + 1 < len(self.toks) and self.toks[i + 1].kind == "num" \
                and self.parser.glued(i + 1) and self.minus_allowed(i):
            return self.number_expression(i + 1, i, negative=True)
        if tok.text == "-" and i == 0 and i + 1 < len(self.toks) and self.toks[i + 1].kind == "num":
            return self.number_expression(i + 1, i, negative=True)
        w = tok.lower
        if tok.kind != "word":
            return None
        if w in ("minus", "negative") and i + 1 < len(self.toks):
            nxt = self.toks[i + 1]
            if nxt.kind == "num" or self.parser.is_number_word(i + 1) or self.word(i + 1) in ("a", "an"):
                result = self.number_expression(i + 1, i, negative=True)
                if isinstance(result, _Candidate):
                    return result
            return None
        if w in MULTIPLIER_WORDS:
            return _Candidate(tok.start, tok.end, RATIO, MULTIPLIER_WORDS[w], unit=RATIO_UNIT, next_tok=i + 1)
        if w in CHANGE_VERBS:
            return _Candidate(tok.start, tok.end, RATIO, CHANGE_VERBS[w], unit=RATIO_UNIT, next_tok=i + 1)
        if w in ("twice", "thrice") and self.comparative_follows(tok.end):
            return _Candidate(tok.start, tok.end, RATIO, 2.0 if w == "twice" else 3.0, unit=RATIO_UNIT,
                              next_tok=i + 1)
        if w in ("percent", "percents", "per", "percentage"):
            return self.inverted_percent(i)
        vague = self.vague_expression(i)
        if vague is not None:
            return vague
        if self.parser.is_number_word(i) or w in ("a", "an"):
            return self.number_expression(i, i, negative=False)
        return None

    # -- currency before the number -----------------------------------------------------------
    def currency_prefix(self, i: int) -> _Candidate | None:
        """Money written currency first: "$5", "US $5", "hk $ 10", "€3", "USD 200", "MAUD 60"."""
        found = self.prefix_code(i)
        if found is None:
            return None
        code, factor, end = found
        j = self.tok_index_at(end)
        if j is None:
            return None
        negative = False
        if self.toks[j].text in "-−" and j + 1 < len(self.toks) and self.toks[j + 1].kind == "num" \
                and self.parser.glued(j + 1):
            negative, j = True, j + 1        # "$-99.99"
        if self.toks[j].kind != "num":
            return None
        result = self.number_expression(j, i, negative=negative, currency=code, currency_factor=factor)
        return result if isinstance(result, _Candidate) else None

    def prefix_code(self, i: int) -> tuple[str, float, int] | None:
        """(currency code, multiplier, end offset) of a currency marker starting at token i."""
        text, tok = self.text, self.toks[i]
        pos = tok.start
        m = _DOLLAR_PREFIX.match(text, pos)
        if m:
            cc = m.group("cc")
            if cc is None:
                if tok.text == "$":
                    return "USD", 1.0, m.end()
            elif not (cc.lower() in GLUED_ONLY_PREFIXES and (m.group("gap") or not cc.isupper())):
                return DOLLAR_PREFIXES[cc.lower()], 1.0, m.end()
        m = _SYMBOL_PREFIX.match(text, pos)
        if m:
            return CURRENCY_SYMBOLS[m.group()], 1.0, m.end()
        m = _CODE_PREFIX.match(text, pos)
        if m:
            code = _iso_code(m.group("code"), upper_only=m.group("m") is not None)
            if code is not None:
                return code, 1e6 if m.group("m") else 1.0, m.end()   # "USD 200", "MAUD 60"
        m = _RS_PREFIX.match(text, pos)
        if m:
            return "INR", 1.0, m.end()
        m = _WORD_PREFIX.match(text, pos)
        if m:
            return ("EUR" if m.group().lower().startswith("euro") else "USD"), 1.0, m.end()
        return None

    # -- the number and what follows it -------------------------------------------------------
    def number_expression(self, i: int, start_tok: int, *, negative: bool, currency: str | None = None,
                          currency_factor: float = 1.0) -> _Candidate | int | None:
        toks, text = self.toks, self.text
        num = self.parser.parse(i)
        if num is None:
            return None
        first_tok = toks[num.first]
        if num.first == num.last and first_tok.kind == "word" and first_tok.lower == "one" and currency is None:
            if self.prev_word(num.first) in PRONOUN_ONE_BEFORE and not self.unit_follows(first_tok.end) \
                    or self.word(num.last + 1) in ("another",):
                return num.last + 1
        value = num.value
        end = toks[num.last].end
        last = num.last
        if first_tok.kind == "num":
            exclusion = self.excluded(num.first, num.last, currency)
            if exclusion is not None:
                return exclusion
            fraction = self.slash_fraction(num)
            if fraction == "invalid":
                return num.last + 3
            if fraction is not None:
                value, end, last, is_fraction = fraction
                num.fraction = is_fraction
            sci = _SCIENTIFIC.match(text, end) if not num.words else None
            if sci:
                if sci.group("e10") is not None:
                    value *= 10.0 ** int(sci.group("e10").replace("−", "-"))
                elif sci.group("e") is not None:
                    value *= 10.0 ** int(sci.group("e"))
                else:
                    value *= float(sci.group("base")) ** int(sci.group("exp").replace("−", "-"))
                end = sci.end()
                last = self.last_tok_before(end)
        scaled = num.scaled
        if not num.words and not scaled:
            m = _SCALE_ABBREVIATION.match(text, end)
            if m and self.scale_abbreviation_ok(m, currency, value, first_tok):
                value *= SCALE_ABBREVIATIONS.get(m.group("abbr"), MONEY_ONLY_SCALES.get(m.group("abbr"), 1.0))
                end, scaled = m.end(), True
                last = self.last_tok_before(end)
        if currency is not None:
            value *= currency_factor
        c = _Candidate(toks[start_tok].start, end, COUNT, value, next_tok=last + 1, negative=negative)
        self.extend_range(c, num, scaled, currency)
        if currency is not None:
            c.kind, c.unit = MONEY, currency
            self.cents(c, integer=_whole(value) and not scaled, prefixed=True)
            self.accounting_negative(c)
            return self.close(c)
        if self.tail(c, num, scaled):
            return self.close(c)
        if self.is_time(num, c):
            return c.next_tok
        if num.fraction:
            c.kind, c.unit = RATIO, RATIO_UNIT
        if self.factor_of(num.first):
            c.kind, c.unit = RATIO, RATIO_UNIT
        if c.kind == COUNT and first_tok.kind == "num" and not num.words:
            day = self.day_of_month(num.first, value)
            if day:
                return c.next_tok
            self.maybe_year(c, num)
        return self.close(c)

    def close(self, c: _Candidate) -> _Candidate | int:
        """Final check: an expression must end at a word boundary."""
        nxt = self.text[c.end:c.end + 1]
        if nxt and (nxt.isalnum() or nxt == "_"):
            return self.skip_chunk(c.next_tok)
        if c.kind == QUANTITY and c.negative:
            c.negative = False
            if self.text[c.start] in "-−":
                c.start += 1
        return c

    def accounting_negative(self, c: _Candidate) -> None:
        """Accounting notation: "revenue is ($99.99)" is negative.

        Only a bracketed amount right after a copula, colon or equals sign counts; a bracketed
        amount after a noun or another amount ("the EU ($39.9 billion)", "€3bn ($3.3bn)") is
        an aside or a conversion and stays positive.
        """
        text = self.text
        if c.start == 0 or text[c.start - 1] != "(" or text[c.end:c.end + 1] != ")" or c.negative:
            return
        if re.search(r"(?:\b(?:is|was|were|are|be|been|of)|[:=])\s*$", text[max(0, c.start - 20):c.start - 1],
                     re.IGNORECASE):
            c.negative = True
            c.start -= 1
            c.end += 1
            c.next_tok = self.last_tok_before(c.end) + 1

    def skip_chunk(self, j: int) -> int:
        """Skip the rest of a chunk of glued tokens ("24703L202", "06F6")."""
        while j < len(self.toks) and self.parser.glued(j):
            j += 1
        return j

    def last_tok_before(self, end: int) -> int:
        """Index of the token that holds offset `end - 1` (the last token of a span ending at `end`)."""
        return min(bisect.bisect_left(self.tok_ends, end), len(self.toks) - 1)

    # -- exclusions ---------------------------------------------------------------------------
    def excluded(self, first: int, last: int, currency: str | None) -> int | None:
        """Token index to skip to when the digits are part of a name, code, date or list marker."""
        toks, text = self.toks, self.text
        tok = toks[first]
        start, end = tok.start, toks[last].end
        before = text[start - 1] if start else ""
        after = text[end:end + 1]
        chunk_end = self.skip_chunk(last + 1)
        if currency is None and before and (before.isalpha() or before == "_"):
            return chunk_end            # L2, J1149, G20
        if before in "-‐" and start >= 2 and text[start - 2].isalnum() and currency is None:
            left = first - 2
            word = toks[left] if left >= 0 else None
            if word is not None and word.kind == "word" and word.lower not in ("mid", "pre", "post", "early", "late",
                                                                                 "circa", "us", "around"):
                return chunk_end        # CASA-1000, COVID-19, Su-35
            if word is not None and word.kind == "num" and self.parser.glued(left) and toks[left - 1].kind == "word":
                return chunk_end        # scp2-173
        if before == "+" and start >= 2 and text[start - 2].isdigit():
            return chunk_end            # 5+1
        if after == "+" and text[end + 1:end + 2].isdigit():
            return chunk_end
        if after == ":" and re.match(r":\d{2}", text[end:]):
            return self.last_tok_before(end + 3) + 1   # 14:30
        if after == "." and re.match(r"\.\d", text[end:]) and tok.kind == "num" and "." in tok.text:
            return chunk_end            # 3.8.18, 192.168.0.1
        if _DATE_SLASH.match(text, start) and re.match(r"\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}(?!\d)", text[start:]) \
                and not re.match(r"\d+-\d+-\d+\s*(?:k|m|mm|cm|km)\b", text[start:]):
            m = _DATE_SLASH.match(text, start)
            if m and (text[m.end():m.end() + 1] == "" or not text[m.end()].isdigit()):
                return self.last_tok_before(m.end()) + 1
        if re.match(r"\d+(?:-\d+){2,}", text[start:]):
            return self.skip_chunk(last + 1)   # 1111-22223333-4444
        if self.is_list_marker(first, last):
            return last + 2
        return None

    def is_list_marker(self, first: int, last: int) -> bool:
        toks, text = self.toks, self.text
        tok = toks[first]
        if first != last or "." in tok.text or "," in tok.text or len(tok.text) > 2:
            return False
        nxt = toks[last + 1] if last + 1 < len(toks) else None
        prv = toks[first - 1] if first > 0 else None
        line_start = text.rfind("\n", 0, tok.start) + 1
        at_line_start = not text[line_start:tok.start].strip(" \t(")
        if nxt is not None and nxt.text in ").":
            if at_line_start and (nxt.text == ")" or text[nxt.end:nxt.end + 1] in (" ", "\t")):
                after = text[nxt.end:].lstrip()
                if nxt.text == ")" or (after[:1].isupper()):
                    return True
            if nxt.text == ")":
                opened = text.rfind("(", line_start, tok.start)
                closed = text.rfind(")", line_start, tok.start)
                if opened <= closed:
                    return True      # "what 1 ) explains": a marker with no opening bracket
                if prv is not None and prv.text == "(" and nxt.text == ")":
                    return True      # "(2)"
        if prv is not None and prv.text == "[" and nxt is not None and nxt.text == "]":
            return True              # [3]
        return False

    def slash_fraction(self, num: _Numeral):
        """ "1/4", "2 1/2": (value, end, last token, is_fraction), "invalid" for 1/0, or None."""
        toks, text = self.toks, self.text
        if num.words or num.scaled:
            return None
        j = num.last
        tok = toks[j]
        m = re.compile(r"\s?/\s?(\d+)(?![\d/])").match(text, tok.end) if "." not in tok.text else None
        if m and (tok.end == m.start() and not text[m.start()].isspace() or True):
            if text[m.start():m.end()].count(" ") not in (0, 2):
                m = None
        if m and re.match(r"/\d+/", text[tok.end:]):
            return None
        if m:
            den = float(m.group(1))
            if den == 0:
                return "invalid"
            value = _digit_value(tok.text) / den
            return value, m.end(), self.last_tok_before(m.end()), True
        # mixed number: "2 1/2", "10 1/2"
        m = re.compile(r" (\d{1,2})/(\d{1,2})(?![\d/])").match(text, tok.end)
        if m and "." not in tok.text and float(m.group(2)) > float(m.group(1)) > 0:
            value = _digit_value(tok.text) + float(m.group(1)) / float(m.group(2))
            return value, m.end(), self.last_tok_before(m.end()), False
        return None

    def scale_abbreviation_ok(self, m: re.Match, currency: str | None, value: float, first: _Tok) -> bool:
        abbr, gap = m.group("abbr"), m.group("gap")
        if abbr in MONEY_ONLY_SCALES and currency is None:
            return abbr == "M" or abbr not in MONEY_ONLY_SCALES
        if abbr in ("b", "B") and gap:
            return False
        if abbr == "G" and not gap and len(first.text) == 1 and value < 10:
            return False          # 5G, 4G are network generations
        if abbr in ("k", "K", "M", "G", "B", "b", "T") and gap:
            nxt = self.text[m.end():m.end() + 2]
            if nxt[:1].isalpha():
                return False
        if abbr in ("m", "B", "b", "T", "M") and not gap:
            # "$5m", "€10M" are money; a bare "5m" is 5 metres, handled as a unit
            return currency is not None or abbr in ("M", "b", "B")
        return True

    def minus_allowed(self, i: int) -> bool:
        """A hyphen before digits is a minus sign only at the start or after a space or bracket."""
        if i == 0:
            return True
        prev = self.text[self.toks[i].start - 1]
        return prev in " \t\n([" or prev in "$€£"

    # -- ranges -------------------------------------------------------------------------------
    def extend_range(self, c: _Candidate, num: _Numeral, scaled: bool, currency: str | None) -> None:
        """Turn "3-5 billion", "between 5 and 10", "eight to 10" into one expression with value_max."""
        text, toks = self.text, self.toks
        m = _RANGE_SEPARATOR.match(text, c.end)
        if not m or "\n" in m.group():
            return
        sep = m.group("sep").lower()
        if sep in ("-", "–", "—", "‒"):
            if bool(m.group("a")) != bool(m.group("b")):
                return
        else:
            if not m.group("a") or not m.group("b"):
                return
            before = self.prev_word(num.first if currency is None else num.first - 1)
            if currency is not None and toks[num.first - 1].kind == "sym":
                before = self.prev_word(self.prefix_start(num.first))
            if sep == "and" and before != "between":
                return
            if sep in ("to", "through") and before == "from":
                return
        pos = m.end()
        if currency is not None:
            p = _DOLLAR_PREFIX.match(text, pos) or _SYMBOL_PREFIX.match(text, pos)
            if p:
                pos = p.end()
        j = self.tok_index_at(pos)
        if j is None:
            return
        second = self.parser.parse(j)
        if second is None or sep in "-–—‒" and (toks[j].kind != "num" or toks[num.first].kind != "num"):
            return
        value2 = second.value
        year_range = self.is_year_number(num, c.value) and sep in "-–—‒" \
            and re.fullmatch(r"\d{2}|\d{4}", toks[j].text)
        if year_range and len(toks[j].text) == 2:
            value2 = float(int(c.value) // 100 * 100 + int(toks[j].text))
        end2 = toks[second.last].end
        if toks[j].kind == "num" and text[toks[j].end:toks[j].end + 1] == "/":
            return                      # "1-3/4": a fraction, not a range
        scaled2 = second.scaled
        if not second.words and not scaled2:
            sm = _SCALE_ABBREVIATION.match(text, end2)
            if sm and self.scale_abbreviation_ok(sm, currency, value2, toks[j]):
                value2 *= SCALE_ABBREVIATIONS.get(sm.group("abbr"), MONEY_ONLY_SCALES.get(sm.group("abbr"), 1.0))
                end2, scaled2 = sm.end(), True
        value1 = c.value
        if scaled2 and not scaled and value1 is not None:   # "$3-5 billion": the scale is shared
            scale = self.scale_of(second, value2)
            if scale:
                value1 *= scale
        if value1 is None or value2 is None or value2 <= value1:
            return
        if self.excluded(second.first, second.last, currency) is not None and toks[j].kind == "num":
            return
        c.value, c.value_max, c.end = value1, value2, end2
        c.next_tok = self.last_tok_before(end2) + 1

    def prefix_start(self, j: int) -> int:
        while j > 0 and self.toks[j - 1].kind == "sym" and self.parser.glued(j):
            j -= 1
        return j

    def scale_of(self, num: _Numeral, value: float) -> float:
        for k in range(num.last, num.first - 1, -1):
            w = self.word(k)
            if w in SCALE_WORDS:
                return SCALE_WORDS[w]
        text = self.text
        m = _SCALE_ABBREVIATION.match(text, self.toks[num.last].end)
        if m:
            return SCALE_ABBREVIATIONS.get(m.group("abbr"), MONEY_ONLY_SCALES.get(m.group("abbr"), 1.0))
        return 0.0

    # -- what follows the number: percent, currency, multiplier, unit -------------------------
    def tail(self, c: _Candidate, num: _Numeral, scaled: bool) -> bool:
        text = self.text
        m = _PERCENT.match(text, c.end)
        if m:
            c.kind, c.unit = PERCENT, PERCENTAGE_POINT_UNIT if m.group("pp") else PERCENT_UNIT
            self.advance(c, m.end())
            return True
        if self.currency_suffix(c, scaled):
            return True
        m = _FOLD.match(text, c.end)
        if m:
            c.kind, c.unit = RATIO, RATIO_UNIT
            self.advance(c, m.end())
            return True
        m = _TIMES.match(text, c.end)
        if m and (m.group("adj") or "").lower() in COMPARATIVES | COMPARATIVE_LEADS:
            c.kind, c.unit = RATIO, RATIO_UNIT
            adj = m.group("adj").lower()
            # "six times higher" keeps its adjective; "three times as large" ends at "times"
            self.advance(c, m.end() if adj in COMPARATIVES else len(text[:m.start("adj")].rstrip()))
            return True
        m = _X_MULTIPLIER.match(text, c.end)
        if m and not num.words:
            c.kind, c.unit = RATIO, RATIO_UNIT
            self.advance(c, m.end())
            return True
        return self.unit_suffix(c, num)

    def advance(self, c: _Candidate, end: int) -> None:
        c.end = end
        c.next_tok = self.last_tok_before(end) + 1

    def currency_suffix(self, c: _Candidate, scaled: bool) -> bool:
        text = self.text
        m = _SYMBOL_SUFFIX.match(text, c.end)
        if m and not (m.group("sym") == "$" and self.dollar_starts_next(m.end())):
            c.kind, c.unit = MONEY, CURRENCY_SYMBOLS[m.group("sym")]
            self.advance(c, m.end())
            self.cents(c, integer=not scaled and _whole(c.value), prefixed=False)
            return True
        m = _CODE_SUFFIX.match(text, c.end)
        if m:
            mult = m.group("m")
            code = _iso_code(m.group("code"), upper_only=mult is not None)
            if code is not None:
                c.kind, c.unit = MONEY, code
                factor = (1e6 if mult == "M" else 1e3) if mult else 1.0
                end = m.end()
                sm = _SCALE_AFTER_CODE.match(text, end)
                if sm and not scaled:             # "75 USD million"
                    factor *= {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12,
                               "bn": 1e9, "mn": 1e6}[sm.group("w").lower()]
                    end, scaled = sm.end(), True
                c.scale(factor)
                self.advance(c, end)
                self.cents(c, integer=not scaled and _whole(c.value), prefixed=False)
                return True
        m = _CURRENCY_WORD.match(text, c.end)
        if m:
            word, adj = m.group("word").lower(), (m.group("adj") or "").lower()
            if word in WEAK_CURRENCY_WORDS and not adj and not scaled:
                return False
            if word in ("mark", "marks", "real") and not adj:
                return False
            if word.startswith("pound") and not adj and self.is_weight_pound(m):
                return False
            code = CURRENCY_ADJECTIVES.get(adj) if adj else None
            if adj and code is None:
                return False
            c.kind, c.unit = MONEY, code or CURRENCY_WORDS[word]
            self.advance(c, m.end())
            self.cents(c, integer=not scaled and _whole(c.value), prefixed=False)
            return True
        return False

    def dollar_starts_next(self, pos: int) -> bool:
        """In "1 $ 10 dollars", the `$` belongs to the next amount."""
        m = re.compile(r"\s?\d[\d,.]*\s+(?i:dollars?)").match(self.text, pos)
        return m is not None

    def is_weight_pound(self, m: re.Match) -> bool:
        """ "a twenty-pound bag", "5 pounds of rice" weigh; "20 million pounds" is money."""
        text = self.text
        if m.group("gap") == "-":
            return True
        after = text[m.end():m.end() + 30]
        if m.group("word").lower() == "pound":
            nxt = re.match(r"\s+([a-z]+)", after)
            return bool(nxt) and nxt.group(1) not in ("sterling", "note", "notes", "coin", "coins", "and", "or")
        return bool(re.match(r"\s+of\s+(?!the\b|their\b|its\b|public\b|investment|aid|funding|taxpayers)", after))

    def cents(self, c: _Candidate, *, integer: bool, prefixed: bool) -> None:
        """ "3 dollars 50 cents", "thirteen dollars and forty-five cents", "c $ 100 and fifty"."""
        if not integer or c.value_max is not None or c.value is None:
            return
        text = self.text
        m = re.compile(r"\s+(?:and\s+)?").match(text, c.end)
        if not m:
            return
        j = self.tok_index_at(m.end())
        if j is None:
            return
        has_and = "and" in m.group()
        sub = self.parser.parse(j)
        if sub is None or sub.scaled or sub.fraction or not (0 < sub.value < 100) or not _whole(sub.value):
            return
        end = self.toks[sub.last].end
        w = _CENT_WORD.match(text, end)
        if w:
            end = w.end()
        else:
            nxt = text[end:end + 20]
            if re.match(r"\s*(?:[^\W\d_]|\d|\$|€|£|%)", nxt) and not re.match(
                    r"\s*(?:and|more|less|only|each|per)\b", nxt, re.IGNORECASE):
                return      # "50 dollar 40 rmb", "$5 and 10 other countries"
            if prefixed and not (has_and and sub.words):
                return      # after "$100" only a spelled-out "and fifty" reads as cents
        c.value += sub.value / 100.0
        self.advance(c, end)

    def unit_suffix(self, c: _Candidate, num: _Numeral) -> bool:
        text = self.text
        gap = _UNIT_GAP.match(text, c.end)
        pos = gap.end() if gap else c.end
        if text[c.end:pos] == "-" and not re.match(r"-[^\W\d_]", text[c.end:]):
            return False
        quote = _INCH_QUOTE.match(text, c.end)
        if quote and self.is_inch_quote(quote):
            c.kind, c.unit = QUANTITY, "in"
            self.advance(c, quote.end())
            return True
        best = None
        for pattern, unit, factor in _UNITS:
            m = pattern.match(text, pos)
            if m and (best is None or m.end() > best[0].end()):
                best = (m, unit, factor)
        clock = _CLOCK.match(text, c.end)
        if clock and (best is None or best[0].end() <= clock.end()):
            if self.clock_like(c, num):
                return False
            c.kind, c.unit = QUANTITY, "pm" if clock.group().strip().lower().startswith("p") else "am"
            self.advance(c, clock.end())
            return True
        if best is None:
            return self.period_quarters(c, pos)
        m, unit, factor = best
        surface = m.group()
        spaced = pos > c.end and text[c.end:pos] != "-"
        if not self.ambiguous_unit_ok(surface, m.end(), spaced):
            return False
        if unit == "":
            unit = surface
        if unit == "m" and not spaced and surface == "m" and num.words:
            return False
        c.kind, c.unit = QUANTITY, unit
        c.scale(factor)
        self.advance(c, m.end())
        self.compound_measure(c)
        return True

    def ambiguous_unit_ok(self, surface: str, end: int, spaced: bool) -> bool:
        """Unit symbols that are also words: "2 in thick" but not "2 in April"; "5 mins" only glued."""
        if surface == "in":
            after = self.text[end:end + 20]
            if not after.strip() or after[:1] in ".,;:)!?":
                return True
            nxt = re.match(r"\s*([^\W\d_]+)", after)
            return bool(nxt) and nxt.group(1).lower() in DIMENSION_ADJECTIVES - {"in"}
        return not spaced or surface not in _GLUED_ONLY_UNITS

    def is_inch_quote(self, quote: re.Match) -> bool:
        text = self.text
        line_start = text.rfind("\n", 0, quote.start()) + 1
        if text.count('"', line_start, quote.start("gap")) % 2 == 1:
            return False      # closes a quotation: 'The class is "English 101".'
        if not quote.group("gap"):
            return True
        nxt = re.match(r"\s*([^\W\d_]+)", text[quote.end():])
        return bool(nxt) and nxt.group(1).lower() in DIMENSION_ADJECTIVES

    def clock_like(self, c: _Candidate, num: _Numeral) -> bool:
        """ "2 pm", "2.17pm", "11pm" are times; "2.1 pm" or "2.123 am" can only be lengths."""
        raw = self.text[c.start:self.toks[num.last].end]
        if num.words:
            return True
        if re.fullmatch(r"\d{1,2}", raw) and 0 < int(raw) <= 12:
            return True
        return bool(re.fullmatch(r"\d{1,2}[.:]\d{2}", raw))

    def is_time(self, num: _Numeral, c: _Candidate) -> bool:
        clock = _CLOCK.match(self.text, c.end)
        return bool(clock) and self.clock_like(c, num)

    def compound_measure(self, c: _Candidate) -> None:
        """ "5 feet 2 inches", "12 ft 2 in": one length in feet."""
        if c.unit != "ft" or c.value_max is not None or c.value is None:
            return
        m = _INCHES_AFTER_FEET.match(self.text, c.end)
        if m and float(m.group(1)) < 12:
            c.value += float(m.group(1)) / 12.0
            self.advance(c, m.end())

    def period_quarters(self, c: _Candidate, pos: int) -> bool:
        m = re.compile(r"(?i:quarters?)(?![^\W_])").match(self.text, pos)
        if m and _whole(c.value) and c.value <= 4:
            c.kind, c.unit = QUANTITY, "quarter"
            self.advance(c, m.end())
            return True
        return False

    def unit_follows(self, pos: int) -> bool:
        return any(p.match(self.text, pos + 1) for p, _, _ in _UNITS[:30]) and self.text[pos:pos + 1] == " "

    def comparative_follows(self, pos: int) -> bool:
        m = re.compile(r"\s+([^\W\d_]+)").match(self.text, pos)
        return bool(m) and m.group(1).lower() in COMPARATIVES | {"as"}

    def factor_of(self, first: int) -> bool:
        """ "by a factor of 2.48×10−5" is a ratio."""
        return first >= 3 and self.word(first - 1) == "of" and self.word(first - 2) == "factor"

    # -- years and dates ----------------------------------------------------------------------
    def is_year_number(self, num: _Numeral, value: float | None) -> bool:
        tok = self.toks[num.first]
        return (num.first == num.last and tok.kind == "num" and re.fullmatch(r"\d{4}", tok.text) is not None
                and value is not None and 1000 <= value <= 2100)

    def maybe_year(self, c: _Candidate, num: _Numeral) -> None:
        text, toks = self.text, self.toks
        tok = toks[num.first]
        if not re.fullmatch(r"\d{4}", tok.text) or c.negative:
            return
        value = int(tok.text)
        prev = self.prev_word(num.first, skip_punct=True)
        decade = re.match(r"'?s(?![^\W_])", text[tok.end:])
        if decade and value % 10 == 0:
            c.kind, c.value_max = YEAR, (c.value_max if c.value_max else value + 9.0)
            self.advance(c, tok.end + decade.end())
            return
        datey = prev in MONTHS or prev in ("in", "since", "by", "from", "until", "till", "to", "before", "after",
                                           "during", "of", "circa", "year", "the", "mid", "early", "late",
                                           "fiscal", "between", "and", "around", "through", "its", "their")
        if not (1800 <= value <= 2100 or (1000 <= value < 1800 and datey)):
            return
        nxt = re.match(r"\s+([a-z]+)", text[c.end:])
        if nxt and not datey and nxt.group(1).endswith("s") and len(nxt.group(1)) > 3 \
                and nxt.group(1) not in ("was", "has", "saw", "this", "sales", "elections", "budgets", "levels",
                                         "figures", "data", "plus", "census", "statistics"):
            return        # "2000 soldiers" is a count
        c.kind = YEAR

    def day_of_month(self, first: int, value: float) -> bool:
        if not _whole(value) or not 1 <= value <= 31:
            return False
        prev = self.prev_word(first, skip_punct=True)
        if prev in MONTHS and prev != "may" or self.word(first - 1) == "may" and self.toks[first - 1].text == "May":
            return True
        if prev == "may" and self.toks[first - 2 if self.toks[first - 1].text in ".," else first - 1].text == "May":
            return True
        nxt = self.word(first + 1)
        if nxt in MONTHS:
            if nxt != "may":
                return True
            tok = self.toks[first + 1]
            return tok.text == "May" or re.match(r"\s+(?:\d{4}|that\s+year)", self.text[tok.end:]) is not None
        return False

    # -- word-only expressions ----------------------------------------------------------------
    def inverted_percent(self, i: int) -> _Candidate | None:
        """ "percent of 10", "per cent of twenty-two": Recognizers-Text's reversed form."""
        text, toks = self.text, self.toks
        if i > 0 and (toks[i - 1].kind == "num" or self.parser.is_number_word(i - 1)):
            return None
        m = re.compile(r"(?i:percents?|per\s?cent|percentage)\s+of\s+").match(text, toks[i].start)
        if not m:
            return None
        j = self.tok_index_at(m.end())
        if j is None:
            return None
        num = self.parser.parse(j)
        if num is None or num.scaled or num.fraction:
            return None
        end = toks[num.last].end
        after = re.match(r"\s*([^\W\d_]+)", text[end:])
        if after and after.group(1).lower() not in ("and", "or", "of"):
            return None          # "percent of 10 countries" is not this form
        return _Candidate(toks[i].start, end, PERCENT, num.value, unit=PERCENT_UNIT, next_tok=num.last + 1)

    def vague_expression(self, i: int) -> _Candidate | None:
        """ "hundreds of thousands", "several hundred", "billions of dollars": value None."""
        text, toks = self.text, self.toks
        w = toks[i].lower
        j = i
        if w in ("a", "several", "many", "few", "couple"):
            k = i + 1 if w != "a" else i + 2
            if w == "a" and self.word(i + 1) not in ("few", "couple"):
                return None
            if self.word(k) == "of":
                k += 1
            if self.word(k) not in ("hundred", "thousand", "million", "billion", "trillion", "hundreds",
                                    "thousands", "millions", "billions", "dozen"):
                return None
            j = k
        elif w not in VAGUE_SCALES or (w == "tens" and self.word(i + 2) not in VAGUE_SCALES) or w == "scores":
            return None
        # "hundreds of thousands (of millions)"
        while self.word(j + 1) == "of" and self.word(j + 2) in VAGUE_SCALES.keys() - {"tens", "dozens"}:
            j += 2
        c = _Candidate(toks[i].start, toks[j].end, COUNT, None, next_tok=j + 1)
        m = re.compile(rf"\s+(?:of\s+)?(?P<w>{_alt(CURRENCY_WORDS)})(?![^\W_])", re.IGNORECASE).match(text, c.end)
        if m and m.group("w").lower() in ("dollars", "euros", "pounds", "yuan", "yen", "roubles", "rubles",
                                          "rupees", "tenge", "pounds sterling"):
            c.kind, c.unit = MONEY, CURRENCY_WORDS[m.group("w").lower()]
            self.advance(c, m.end())
            return c
        m = re.compile(r"\s+(?:of\s+)?").match(text, c.end)
        pos = m.end() if m else c.end
        for pattern, unit, _ in _UNITS:
            u = pattern.match(text, pos)
            if u and len(u.group()) > 2 and unit:
                c.kind, c.unit = QUANTITY, unit
                self.advance(c, u.end())
                return c
        return c


def _iso_code(raw: str, *, upper_only: bool = False) -> str | None:
    """The ISO 4217 code a written code stands for ("usd", "RMB"), or None."""
    if raw.isupper() and raw in ISO_CODES or (raw in LOWERCASE_CODES and not upper_only):
        return CODE_ALIASES.get(raw.upper(), raw.upper())
    return None


def _whole(value: float | None) -> bool:
    """A finite whole number (False for None, inf and nan)."""
    return value is not None and math.isfinite(value) and value == int(value)


def _clean(value: float | None) -> float | None:
    """Round away float noise ("39.9 * 1e9" -> 39900000000.0); keep None."""
    if value is None or not math.isfinite(value):
        return None if value is None else value
    if value == 0:
        return 0.0
    return float(f"{value:.15g}")


def qualifier_start(text: str, start: int) -> int | None:
    """Offset where the qualifier before an expression starting at `start` begins ("more than 30%")."""
    m = _QUALIFIER_BEFORE.search(text, max(0, start - 40), start)
    return m.start("q") if m else None


def find_numeric_expressions(text: str) -> list[NumericExpression]:
    """All numeric expressions of `text`, in text order, with their normalized values.

    Args:
        text: any string; offsets of the results index into it.

    Returns:
        `NumericExpression`s whose `text == text[start:end]`; see the module docstring for
        spans, values, units, kinds and what is left out.
    """
    if not _may_hold_expression(text):
        return []
    return _Scanner(text).run()


@functools.lru_cache(maxsize=16)
def document_expressions(text: str) -> tuple[NumericExpression, ...]:
    """`find_numeric_expressions` of a whole document, kept for the components that follow.

    The claim roles and the facts both read a document's numbers; a document passes through the
    components one after another, so a small cache scans each text once. The expressions are
    frozen, and the tuple cannot be changed by a reader.
    """
    return tuple(find_numeric_expressions(text))


def expressions_within(expressions: tuple[NumericExpression, ...], start: int, end: int
                       ) -> list[NumericExpression]:
    """The expressions (sorted by start, as returned) that lie wholly inside [start, end)."""
    first = bisect.bisect_left(expressions, start, key=lambda e: e.start)
    inside = []
    for expression in expressions[first:]:
        if expression.start >= end:
            break
        if expression.end <= end:
            inside.append(expression)
    return inside


_DIGIT = re.compile(r"\d")
_LETTERS = re.compile(r"[^\W\d_]+")  # the "word" tokens of `_TOKEN`
# "a"/"an" begin an expression only before another of the start words ("a third", "a few hundred").
_SPELLED_STARTS = _START_WORDS - {"a", "an"}


def _may_hold_expression(text: str) -> bool:
    """False when the scan surely finds nothing: no digit and no word that can begin a spelled-out
    expression. Most clauses of running text are such, and this test costs a fraction of a scan."""
    return _DIGIT.search(text) is not None or any(w.lower() in _SPELLED_STARTS for w in _LETTERS.findall(text))
