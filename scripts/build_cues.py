"""Build pipeline/data/stance_cues.tsv, the cooperation/conflict cue lexicon of the stance model.

Verbs come from the CAMEO verb dictionary in ../shared/lexicons/cameo_verbs.tsv (MIT; see
pipeline/data/README.md): roots 03-08 (intend to cooperate ... provide aid, yield) are
cooperative cues, roots 10-20 (demand ... use unconventional mass violence) competitive cues;
roots 01, 02 and 09 (statements, appeals, investigations) carry no stance. Nouns and
adjectives that commentary uses for relations are curated in stance_cues_curated.tsv.

Run: python scripts/build_cues.py   (deterministic; rewrites the output file)
"""
from __future__ import annotations

import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LEXICONS = ROOT.parent / "shared" / "lexicons"
DATA = ROOT / "pipeline" / "data"
COOPERATIVE_ROOTS = {f"{i:02d}" for i in range(3, 9)}
COMPETITIVE_ROOTS = {f"{i:02d}" for i in range(10, 21)}
# Verbs CAMEO files under a stance that in commentary mostly carry none.
AMBIGUOUS = {"meet", "visit", "host", "say", "call", "ask", "go", "take", "give", "make", "get",
             "hold", "run", "set", "put", "bring", "keep", "leave", "turn", "move", "work", "return",
             "use", "open", "close", "increase", "reduce", "raise", "drop", "cut", "grow", "shape",
             "seek", "want", "plan", "hope", "try", "need", "expect", "consider", "intend", "show", "see"}
# Found by reading every sentence of the stance corpus in which a CAMEO cue fires: their common
# senses in commentary are not the CAMEO event, or carry either stance ("according to", "March",
# "entered into force", "export controls", "combined population", "imports from", "voted for").
AMBIGUOUS |= {"accord", "march", "unite", "enter", "force", "control", "rule", "order", "found", "combine",
              "link", "direct", "serve", "face", "back", "guard", "pass", "aim", "expose", "claim", "contrast",
              "release", "travel", "tax", "influence", "import", "fund", "finance", "join", "vote", "attend",
              "recognise", "recognize", "favour", "favor", "challenge", "affirm"}


def inflections(verb: str) -> list[str]:
    """Regular English inflections of a one-word verb (enough for cue matching)."""
    if " " in verb:
        return [verb]
    if verb.endswith("e"):
        forms = [verb, verb + "s", verb + "d", verb[:-1] + "ing"]
    elif verb.endswith("y") and len(verb) > 2 and verb[-2] not in "aeiou":
        forms = [verb, verb[:-1] + "ies", verb[:-1] + "ied", verb + "ing"]
    elif verb.endswith(("s", "sh", "ch", "x", "z")):
        forms = [verb, verb + "es", verb + "ed", verb + "ing"]
    else:
        forms = [verb, verb + "s", verb + "ed", verb + "ing"]
    return forms


def cameo_cues(path: Path) -> dict[str, tuple[str, str]]:
    cues: dict[str, tuple[str, str]] = {}
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            root = row["root_code"]
            polarity = ("cooperative" if root in COOPERATIVE_ROOTS
                        else "competitive" if root in COMPETITIVE_ROOTS else None)
            if polarity is None:
                continue
            for verb in filter(None, row["verbs"].split("|")):
                verb = verb.strip().lower()
                if verb in AMBIGUOUS or len(verb) < 3:
                    continue
                for form in inflections(verb):
                    cues.setdefault(form, (polarity, f"cameo:{row['cameo_code']}"))
    return cues


def main() -> int:
    cues = cameo_cues(LEXICONS / "cameo_verbs.tsv")
    with (DATA / "stance_cues_curated.tsv").open(encoding="utf-8") as handle:
        for row in csv.DictReader((line for line in handle if not line.startswith("#")), delimiter="\t"):
            cues[row["form"].lower()] = (row["polarity"], "curated")  # curated entries win
    out = DATA / "stance_cues.tsv"
    with out.open("w", encoding="utf-8", newline="") as handle:
        handle.write("form\tpolarity\tsource\n")
        for form in sorted(cues):
            polarity, source = cues[form]
            handle.write(f"{form}\t{polarity}\t{source}\n")
    print(f"wrote {len(cues)} cues to {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
