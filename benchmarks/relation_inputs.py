"""What the relation model needs to read of a claim: dyad macro-F1 of three inputs, by grouped CV.

Run: `python -m benchmarks.relation_inputs [--data annotations/stance/] [--parse]`.

The relation model reads one string per actor pair: the claim, then the pair's own tokens
(`stance_features.relation_parts`). This measures how the claim should be read, with the
training protocol of `argmine train` (grouped 5-fold by document; the claim model's
out-of-fold probabilities, complement NB; named conflicts competitive):

- `pair marked`: the pair's mentions ACTA/ACTB, other actors ACTOR (what `full` reads);
- `claim masked alike`: every actor ACTOR, as the claim model reads it, the same for all pairs
  of a claim, so it is vectorized once per claim (what `fast` reads);
- `pair tokens only`: the actor count, the claim's cues and the pair's tokens, no claim words.

`--parse` adds the dependency path (the full profile's relation model) to each input; it parses
the corpus with en_core_web_sm first.
"""
from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence

from pipeline import train
from pipeline.cues import ACTOR, cue_tokens, mask_actors
from pipeline.stance_features import (Mention, actor_count_token, closest_mentions, dependency_tokens,
                                      pair_tokens, relation_input)

RelationInput = Callable[[str, Sequence[Mention], str, str], str]


def pair_tokens_only(text: str, mentions: Sequence[Mention], a: str, b: str) -> str:
    masked = mask_actors(text, [(s, e, ACTOR) for s, e, _ in mentions])
    return " ".join([actor_count_token(mentions), *cue_tokens(masked), *pair_tokens(text, mentions, a, b)])


VARIANTS: dict[str, RelationInput] = {
    "pair marked": lambda text, mentions, a, b: relation_input(text, mentions, a, b, mark_pair=True),
    "claim masked alike": lambda text, mentions, a, b: relation_input(text, mentions, a, b, mark_pair=False),
    "pair tokens only": pair_tokens_only,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", nargs="+", default=["annotations/stance/"])
    parser.add_argument("--parse", action="store_true", help="add the dependency path (full profile)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    examples = train.load_examples(train.data_files(args.data), train.recognize_actors)
    texts, labels, groups = train.claim_dataset(examples)
    splits = train.document_folds(groups)
    candidates = train.candidate_models(args.seed)
    _, claim_probabilities = train.claim_cv(candidates["complement_nb"], texts, labels, splits)
    pairs = train.pair_index(examples)
    gold = train.pair_labels(examples)
    claim_labels = [e.label for e in examples]
    conflicts = train.named_conflicts(examples)
    parses = train.parse_texts([e.text for e in examples]) if args.parse else None
    if args.parse and parses is None:
        parser.error("--parse needs en_core_web_sm installed")

    print(f"{len(examples)} claims in {len(set(groups))} documents, {len(pairs)} actor pairs; "
          f"dyad macro-F1, grouped {len(splits)}-fold CV{' with dependency paths' if parses else ''}")
    print(f"{'input':22s}" + "".join(f"{name:>22s}" for name in ("logistic_regression", "linear_svm")))
    for name, variant in VARIANTS.items():
        inputs = []
        for i, a, b in pairs:
            example = examples[i]
            text = variant(example.text, example.mentions, a, b)
            if parses is not None:
                spans = closest_mentions(example.mentions, a, b)
                text = " ".join([text, *dependency_tokens(parses[i], 0, spans)])
            inputs.append(text)
        scores = [train.dyad_cv(candidates[model], pairs, inputs, gold, claim_labels, claim_probabilities,
                                splits, conflicts)["macro_f1"] for model in ("logistic_regression", "linear_svm")]
        print(f"{name:22s}" + "".join(f"{score:>22.3f}" for score in scores), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
