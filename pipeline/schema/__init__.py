"""Labels, codes and the JSON Schema of the output record: the one place they are spelled."""
from __future__ import annotations

import json
import logging
from functools import lru_cache
from importlib import resources
from typing import Any

logger = logging.getLogger(__name__)

COOPERATIVE, COMPETITIVE, NEUTRAL = "cooperative", "competitive", "neutral"
STANCE_LABELS: tuple[str, ...] = (COOPERATIVE, COMPETITIVE, NEUTRAL)

MAJOR_CLAIM, CLAIM, PREMISE = "major_claim", "claim", "premise"
CLAIM_ROLES: tuple[str, ...] = (MAJOR_CLAIM, CLAIM, PREMISE)

COUNTRY, ORGANIZATION, REGION, UNCODED = "COUNTRY", "ORGANIZATION", "REGION", "UNCODED"
ACTOR_LABELS: tuple[str, ...] = (COUNTRY, ORGANIZATION, REGION, UNCODED)

MENTION_TYPES: tuple[str, ...] = ("name", "abbreviation", "demonym", "metonym", "leader")

FACT_KINDS: tuple[str, ...] = ("money", "percent", "ratio", "quantity", "count")

PROFILES: tuple[str, ...] = ("full", "fast")

# Span group keys on the Doc; the label of each span carries its role/code.
CLAIMS_KEY = "argmine_claims"
ACTORS_KEY = "argmine_actors"
FACTS_KEY = "argmine_facts"


@lru_cache(maxsize=1)
def document_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) every output record satisfies."""
    text = resources.files(__package__).joinpath("document.schema.json").read_text("utf-8")
    return json.loads(text)


@lru_cache(maxsize=1)
def _validator():
    import jsonschema  # imported lazily: only validation needs it

    schema = document_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@lru_cache(maxsize=1)
def _quick_check():
    """The compiled yes/no test of the schema, or None if it uses a keyword the test lacks."""
    from .quick_check import UnsupportedSchema, compile_check

    _validator()  # checks the schema itself, once
    try:
        return compile_check(document_schema())
    except UnsupportedSchema as err:
        logger.warning("document schema: %s; every record is checked by jsonschema", err)
        return None


def schema_errors(record: dict[str, Any]) -> list[str]:
    """All schema violations and offset mismatches of one record, as readable strings."""
    quick = _quick_check()
    # jsonschema takes longer per record than the fast profile per document: it only runs
    # (and words the problems) when the quick test does not vouch for the record.
    if quick is None or not quick(record):
        errors = [f"{'/'.join(map(str, e.path)) or '<root>'}: {e.message}"
                  for e in _validator().iter_errors(record)]
        if errors:
            return errors
    errors = []
    text = record["text"]
    spans = [("claims", c) for c in record["claims"]]
    spans += [("entities", e) for e in record["entities"]]
    spans += [("facts", f) for f in record["facts"]]
    for field, span in spans:
        if text[span["start"]:span["end"]] != span["text"]:
            errors.append(f"{field}: text[{span['start']}:{span['end']}] != {span['text']!r}")
    for i, sent in enumerate(record["sentences"]):
        if not 0 <= sent["start"] <= sent["end"] <= len(text):
            errors.append(f"sentences/{i}: offsets outside the text")
    return errors
