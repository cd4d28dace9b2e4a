"""Claim roles (major_claim / claim / premise) and the claim each premise supports.

Roles follow annotations/GUIDELINES.md §4, itself the persuasive-essay scheme of Stab &
Gurevych (2017, "Parsing Argumentation Structures in Persuasive Essays", Computational
Linguistics 43(3)): the major claim states the author's thesis (lead, introduction,
conclusion), premises are evidence offered for a claim (statistics, dated events, examples,
reported statements, reasons introduced by `because`), claims are the other arguable
assertions. The features follow theirs in spirit: structural (position in the text and in
the paragraph), lexical indicators (forward, backward, thesis and rebuttal markers), plus
evidence cues for this genre (numbers, dates, past-tense events, reporting verbs).

Two scorers read the same features: transparent hand-set weights (`rules`, the default) and
a logistic regression whose coefficients ship as JSON in pipeline/data/claim_roles.json
(`logreg`; trained by `python -m benchmarks.claim_roles --save`). Support links come from
connectives and adjacency (`link_premises`).
"""
from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources
from typing import Any

from .numbers import YEAR, NumericExpression, document_expressions, expressions_within
from .schema import CLAIM, CLAIM_ROLES, MAJOR_CLAIM, PREMISE

RULES, LOGREG = "rules", "logreg"
ROLE_MODELS: tuple[str, ...] = (RULES, LOGREG)
DEFAULT_ROLE_MODEL = RULES
ROLE_MODEL_FILE = "data/claim_roles.json"

# Lexical indicators in the manner of Stab & Gurevych's (2017) indicator features, with the
# connectives of GUIDELINES §3.2. Backward markers introduce a reason or example for what precedes; forward
# markers a conclusion drawn from it; additive markers one more piece of evidence.
BACKWARD = frozenset({"because", "as", "since", "for example", "for instance", "given that"})
FORWARD = frozenset({"so", "therefore", "thus", "hence", "consequently", "as a result",
                     "in view of this", "in any case", "this means", "it follows"})
ADDITIVE = frozenset({"moreover", "in addition", "furthermore", "more importantly", "besides", "also"})
ADDITIVE_JOINS = frozenset({"and"})
CONTRAST = frozenset({"but", "yet", "however", "although", "though", "while", "whereas",
                      "nevertheless", "nonetheless", "of course"})
# The patterns below are searched in every unit; those that open with a look-ahead for the
# first letters of their words skip the other positions of the text at once.
# A reason stated inside the unit: "This is … because of …", "it is due to the fact that …"
REASON_PHRASES = re.compile(r"(?=[iawdtfs])"
                            r"(?:\b(?:is|are|was|were)\s+(?:not\s+)?(?:only\s+)?(?:precisely\s+)?because of\b"
                            r"|\bdue to the fact\b|\bthe reason (?:is|was)\b|\bfor example\b|\bfor instance\b"
                            r"|\bsuch as\b.*\b(?:and|or)\b)", re.IGNORECASE)
THESIS = re.compile(r"(?=[tiw])\b(?:the reality is|the truth is|in conclusion|to conclude|in sum|to sum up|"
                    r"in short|it can be said|it is clear that|i (?:believe|think|argue)|we (?:believe|argue)|"
                    r"in my (?:view|opinion)|with certainty)\b", re.IGNORECASE)
# Reported statements and documented actions of actors are evidence (GUIDELINES §4).
REPORTING = re.compile(r"(?=[sadertncp])\b(?:stated|said|announced|declared|expressed|reported|told|noted|signed|"
                       r"according to|confirmed|pledged|promised)\b", re.IGNORECASE)
# lower case only: "May 19, 2023" is a date, not a hedge
MODALS = re.compile(r"\b(?:may|might|could|would|can|cannot|should|must|will|perhaps|probably|likely|"
                    r"seems?|appears?|possibly|Perhaps|Probably)\b")
EVALUATIVE = re.compile(r"(?=[ikcuonsewdbmgpftr])"
                        r"\b(?:important|key|clear|clearly|undoubtedly|certainly|complicated|complex|ideal|"
                        r"optimal|necessary|obvious|significant|crucial|essential|unique|strong|weak|deep|"
                        r"basic|main|best|worse|worst|better|bad|good|fatal|popular|common|natural|true|"
                        r"wrong|interests?|feature|concept|position|role)\b", re.IGNORECASE)
FIRST_PERSON = re.compile(r"\b(?:I|we|our|us|my)\b")
MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
DATE = re.compile(rf"\b{MONTH}\s+(?:\d{{1,2}},\s+)?(?:19|20)\d\d\b|\b(?:in|since|on|by|during|of|for|until)\s+"
                  rf"(?:{MONTH}\s+)?(?:19|20)\d\d\b")
PAST_AUX = re.compile(r"\b(?:was|were|had|did)\b", re.IGNORECASE)
# a past form, unless a copula makes it an adjective or a present passive ("is complicated");
# the look-behinds are tried only at the start of a word
PAST_VERB = re.compile(r"\b(?<!\bis )(?<!\bare )(?<!\bbe )(?<!\bbeen )(?<!\bbeing )(?<!\bam )"
                       r"(?:took|held|paid|made|went|came|gave|met|withdrew|withdrawn|"
                       r"\w{3,}(?<!e)ed)\b")
GENERIC = re.compile(r"(?=[angueom])\b(?:always|never|generally|usually|often|everywhere|all|every|most)\b",
                     re.IGNORECASE)
EVIDENCE_KINDS = frozenset({"money", "percent", "ratio", "quantity"})

FEATURES: tuple[str, ...] = (
    "number", "date", "past", "reporting", "backward", "reason_phrase", "additive", "forward",
    "next_forward", "contrast", "modal", "evaluative", "first_person", "generic", "thesis",
    "intro", "conclusion", "paragraph_first", "sentence_first", "relative", "length",
)

# Hand-set weights of the rule scorer: evidence cues push towards premise, markers of
# evaluation and inference towards claim (GUIDELINES §4). A reason clause ("because", causal
# "as") and the first half of "X, so Y" are premises by definition, so those cues alone pass
# the threshold; a number, a date or a past event needs little else. Not fitted to the gold.
PREMISE_WEIGHTS: dict[str, float] = {
    "number": 0.55, "date": 0.4, "past": 0.35, "reporting": 0.3, "backward": 0.8,
    "reason_phrase": 0.45, "additive": 0.25, "next_forward": 0.8, "forward": -0.5,
    "modal": -0.25, "evaluative": -0.15, "first_person": -0.2, "thesis": -0.6,
    "paragraph_first": -0.2, "contrast": -0.1, "generic": -0.1,
}
PREMISE_THRESHOLD = 0.4


# --- features -----------------------------------------------------------------------------

def paragraph_index(text: str, records: Sequence[dict]) -> list[int]:
    """The paragraph (line) number of each record."""
    breaks = [m.start() for m in re.finditer(r"\n", text)]
    index, result = 0, []
    for record in records:
        while index < len(breaks) and breaks[index] < record["start"]:
            index += 1
        result.append(index)
    return result


def unit_features(records: Sequence[dict], text: str) -> list[dict[str, float]]:
    """The feature dict of each record; the records need start, end, text, connective."""
    paragraphs = paragraph_index(text, records)
    last = max(paragraphs, default=0)
    ranks = {p: i for i, p in enumerate(sorted(set(paragraphs)))}
    n_paragraphs = len(ranks)
    numbers = document_expressions(text)  # read from the document, as the facts are
    features = []
    for i, record in enumerate(records):
        nxt = records[i + 1] if i + 1 < len(records) else None
        same_sentence_next = nxt is not None and nxt.get("sentence") == record.get("sentence")
        rank = ranks[paragraphs[i]] / (n_paragraphs - 1) if n_paragraphs > 1 else 0.0
        expressions = expressions_within(numbers, record["start"], record["end"])
        features.append(_text_features(record["text"], record.get("connective"), expressions) | {
            "next_forward": float(same_sentence_next and (nxt.get("connective") or "") in FORWARD),
            "intro": float(rank <= 0.15 or paragraphs[i] == 0),
            "conclusion": float(rank >= 0.9 and paragraphs[i] != 0 and last > 0),
            "paragraph_first": float(i == 0 or paragraphs[i - 1] != paragraphs[i]),
            "sentence_first": float(i == 0 or records[i - 1].get("sentence") != record.get("sentence")),
        })
    return features


def _text_features(text: str, connective: str | None, expressions: Sequence[NumericExpression]
                   ) -> dict[str, float]:
    connective = (connective or "").lower()
    return {
        "number": float(any(e.kind in EVIDENCE_KINDS for e in expressions)),
        # a single year dates an event; a period ("2019-2025") is usually part of a name
        "date": float(bool(DATE.search(text)) or any(e.kind == YEAR and e.value_max is None for e in expressions)),
        "past": float(bool(PAST_AUX.search(text) or PAST_VERB.search(text))),
        "reporting": float(bool(REPORTING.search(text))),
        "backward": float(connective in BACKWARD),
        "reason_phrase": float(bool(REASON_PHRASES.search(text))),
        "additive": float(connective in ADDITIVE),
        "forward": float(connective in FORWARD or text.lower().startswith(("this means", "that means"))),
        "contrast": float(connective in CONTRAST),
        "modal": float(bool(MODALS.search(text))),
        "evaluative": float(bool(EVALUATIVE.search(text))),
        "first_person": float(bool(FIRST_PERSON.search(text))),
        "generic": float(bool(GENERIC.search(text))),
        "thesis": float(bool(THESIS.search(text))),
        "relative": float(text.lower().startswith(("which", "of which"))),
        "length": min(len(text.split()) / 40.0, 1.0),
    }


# --- scorers ------------------------------------------------------------------------------

def rule_scores(features: dict[str, float]) -> dict[str, float]:
    """Role probabilities from the hand-set weights: a transparent baseline."""
    evidence = sum(w * features.get(name, 0.0) for name, w in PREMISE_WEIGHTS.items())
    p_premise = _sigmoid(8.0 * (evidence - PREMISE_THRESHOLD))
    thesis = features["thesis"] and (features["intro"] or features["conclusion"])
    p_major = (0.85 if thesis else 0.02) * (1.0 - p_premise)
    return {MAJOR_CLAIM: p_major, CLAIM: 1.0 - p_premise - p_major, PREMISE: p_premise}


def logreg_scores(features: dict[str, float], model: dict[str, Any]) -> dict[str, float]:
    """Role probabilities from a multinomial logistic regression stored as plain JSON."""
    x = [features.get(name, 0.0) for name in model["features"]]
    logits = [b + sum(w * v for w, v in zip(row, x)) for row, b in zip(model["coef"], model["intercept"])]
    if len(model["classes"]) == 2:  # scikit-learn stores one row for a binary problem
        logits = [0.0, logits[0]]
    top = max(logits)
    exp = [math.exp(v - top) for v in logits]
    total = sum(exp)
    scores = {label: 0.0 for label in CLAIM_ROLES}
    scores.update({label: e / total for label, e in zip(model["classes"], exp)})
    return scores


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


@lru_cache(maxsize=1)
def load_role_model() -> dict[str, Any]:
    """The shipped logistic-regression coefficients (pipeline/data/claim_roles.json)."""
    text = resources.files(__package__).joinpath(ROLE_MODEL_FILE).read_text("utf-8")
    model = json.loads(text)
    missing = {"classes", "features", "coef", "intercept"} - model.keys()
    if missing:
        raise ValueError(f"{ROLE_MODEL_FILE}: missing field(s) {sorted(missing)}; retrain with "
                         "`python -m benchmarks.claim_roles --save`")
    return model


def role_probabilities(features: Sequence[dict[str, float]],
                       model: str | dict[str, Any] = RULES) -> list[dict[str, float]]:
    """Probabilities of each role per unit; `model` is "rules", "logreg" or a coefficient dict."""
    if model == RULES:
        return [rule_scores(f) for f in features]
    coefficients = load_role_model() if model == LOGREG else model
    if not isinstance(coefficients, dict):
        raise ValueError(f"role model {model!r}; expected one of {', '.join(ROLE_MODELS)}")
    return [logreg_scores(f, coefficients) for f in features]


def predict_roles(features: Sequence[dict[str, float]], model: str | dict[str, Any] = RULES) -> list[tuple[str, float]]:
    """(role, score) per unit: the most probable role and its probability."""
    return [max(p.items(), key=lambda kv: kv[1]) for p in role_probabilities(features, model)]


def assign_roles(records: list[dict], text: str, model: str | dict[str, Any] = DEFAULT_ROLE_MODEL) -> None:
    """Set role, role_score and supports on claim records, in place."""
    if not records:
        return
    probabilities = role_probabilities(unit_features(records, text), model)
    for record, p in zip(records, probabilities):
        role, score = max(p.items(), key=lambda kv: kv[1])
        record["role"], record["role_score"] = role, round(min(max(score, 0.0), 1.0), 3)
    link_premises(records, paragraph_index(text, records))


# --- support links ------------------------------------------------------------------------

def link_premises(records: list[dict], paragraphs: Sequence[int]) -> None:
    """Set `supports` of each premise to a claim id, in place (GUIDELINES §4).

    A premise supports the unit its forward marker points to ("X, so Y", "X. This means Y":
    X supports Y). Otherwise it supports the nearest preceding claim of its paragraph: the
    adjacent clause when both are in one sentence ("X because Y"); from a later sentence, the
    unit that claim adds to, since evidence backs a sentence's assertion rather than an
    `and`-coordinated or relative addendum ("X is accelerating, and its status is rising.
    Leaders have visited …" supports X). A premise with no claim before it in its paragraph
    supports the last claim of the previous paragraph (the claim the paragraph develops),
    failing that the next claim of its paragraph. Premises never support premises; claims
    support nothing.
    """
    for i, record in enumerate(records):
        record["supports"] = None
        if record["role"] != PREMISE:
            continue
        target = _forward_target(records, paragraphs, i)
        if target is None:
            j = _preceding_claim(records, paragraphs, i)
            if j is None:
                j = _nearest_claim(records, range(i + 1, len(records)), lambda k: paragraphs[k] == paragraphs[i])
            target = records[j]["id"] if j is not None else None
        record["supports"] = target


def _preceding_claim(records: list[dict], paragraphs: Sequence[int], i: int) -> int | None:
    j = _nearest_claim(records, range(i - 1, -1, -1), lambda k: paragraphs[k] == paragraphs[i])
    if j is not None:
        return j if records[j].get("sentence") == records[i].get("sentence") else _main_unit(records, j)
    first = min(k for k in range(i + 1) if paragraphs[k] == paragraphs[i])
    if first == 0:
        return None
    return _nearest_claim(records, range(first - 1, -1, -1), lambda k: paragraphs[k] == paragraphs[first - 1])


def _main_unit(records: list[dict], j: int) -> int:
    """The unit that j adds to: back over units joined by `and` or a relative pronoun.

    In "X, but Y" the contrasted Y is the assertion that stands, so it is kept.
    """
    sentence = records[j].get("sentence")
    while j > 0 and records[j - 1].get("sentence") == sentence and records[j - 1]["role"] != PREMISE \
            and ((records[j].get("connective") or "") in ADDITIVE_JOINS or _is_relative(records[j])):
        j -= 1
    return j


def _is_relative(record: dict) -> bool:
    return record["text"].lower().startswith(("which", "of which"))


def _forward_target(records: list[dict], paragraphs: Sequence[int], i: int) -> str | None:
    """The next unit when it opens with a forward marker ("X, so Y"; "X. This means Y")."""
    j = i + 1
    if j >= len(records) or paragraphs[j] != paragraphs[i] or records[j]["role"] == PREMISE:
        return None
    nxt = records[j]
    forward = (nxt.get("connective") or "") in FORWARD or nxt["text"].lower().startswith(("this means", "that means"))
    return nxt["id"] if forward else None


def _nearest_claim(records: list[dict], order, keep) -> int | None:
    """The first non-premise unit in `order`, while `keep` holds."""
    for j in order:
        if not keep(j):
            return None
        if records[j]["role"] != PREMISE:
            return j
    return None
