"""Claim roles and support links on the gold essay: hand-set rules against a logistic regression.

Run: `python -m benchmarks.claim_roles [--gold annotations/gold/….jsonl] [--folds 5] [--save]`.
Prints tables and writes benchmarks/claim_roles_results.json. `--save` also fits the logistic
regression on all gold units and writes its coefficients, with a model card, to
pipeline/data/claim_roles.json (plain JSON, no pickle), which the `logreg` role model loads.

Protocol. There is one gold essay, so the classifier is scored only by grouped K-fold over
its paragraphs (GroupKFold: every unit of a paragraph is held out together, so neither a
paragraph's neighbouring units nor the lead's repeated sentences leak across the split
within a paragraph). The rule scorer has nothing to fit and is scored on the same held-out
folds. Macro-F1 is over major_claim, claim and premise, on the pooled out-of-fold
predictions; the mean of per-fold macro-F1 is given too.

- Roles on gold units: features from the gold spans and connectives, so segmentation errors
  do not enter.
- End to end, per profile: the claim segmenter's units, matched one-to-one to gold units
  when both ends are within 2 characters (`pipeline.evaluate.match_spans`); the classifier
  of each fold labels the predicted units of that fold's held-out paragraphs.
- Support links: of the gold premises matched to a predicted unit, the share whose predicted
  `supports` is the predicted unit matched to the gold target. Also given with gold units
  and gold roles, which isolates the linking rule.

Caveat: the rules and their weights were written with this essay in view (from the
guidelines' definitions, but checked against its errors), so their score is not a held-out
estimate either; the lead paragraph repeats body sentences, which makes any fit on it look
a little better than it is.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
DEFAULT_GOLD = REPO / "annotations" / "gold" / "great-powers-central-asia.jsonl"
RESULTS_PATH = REPO / "benchmarks" / "claim_roles_results.json"
MODEL_PATH = REPO / "pipeline" / "data" / "claim_roles.json"
TOLERANCE = 2


def build_classifier(seed: int = 0):
    """The role classifier: multinomial logistic regression on the transparent features."""
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=1.0, class_weight="balanced", max_iter=2000, random_state=seed)


def feature_matrix(features: Sequence[dict[str, float]]) -> list[list[float]]:
    from pipeline.roles import FEATURES

    return [[f.get(name, 0.0) for name in FEATURES] for f in features]


def coefficients(model) -> dict[str, Any]:
    """A fitted LogisticRegression as plain JSON data for `pipeline.roles.logreg_scores`."""
    from pipeline.roles import FEATURES

    return {"classes": [str(c) for c in model.classes_], "features": list(FEATURES),
            "coef": [[round(float(w), 6) for w in row] for row in model.coef_],
            "intercept": [round(float(b), 6) for b in model.intercept_]}


def folds(groups: Sequence[int], n_folds: int) -> list[tuple[list[int], list[int]]]:
    from sklearn.model_selection import GroupKFold

    indices = list(range(len(groups)))
    return [(list(tr), list(te)) for tr, te in GroupKFold(n_splits=n_folds).split(indices, groups=groups)]


def cv_roles_on_gold(gold: dict, n_folds: int) -> dict[str, Any]:
    """Out-of-fold role predictions for the gold units, rules and classifier, same folds."""
    from pipeline.evaluate import label_scores
    from pipeline.roles import RULES, paragraph_index, predict_roles, unit_features
    from pipeline.schema import CLAIM_ROLES

    claims = gold["claims"]
    features = unit_features(claims, gold["text"])
    groups = paragraph_index(gold["text"], claims)
    truth = [c["role"] for c in claims]
    X = feature_matrix(features)
    out = {"rules": [None] * len(claims), "logreg": [None] * len(claims)}
    per_fold = {"rules": [], "logreg": []}
    for train, test in folds(groups, n_folds):
        model = build_classifier().fit([X[i] for i in train], [truth[i] for i in train])
        learned = predict_roles([features[i] for i in test], coefficients(model))
        rules = predict_roles([features[i] for i in test], RULES)
        for name, predicted in (("rules", rules), ("logreg", learned)):
            for i, (role, _) in zip(test, predicted):
                out[name][i] = role
            per_fold[name].append(label_scores([truth[i] for i in test], [r for r, _ in predicted], CLAIM_ROLES)["macro_f1"])
    return {name: {"pooled": label_scores(truth, out[name], CLAIM_ROLES),
                   "fold_macro_f1": per_fold[name],
                   "mean_fold_macro_f1": round(sum(per_fold[name]) / len(per_fold[name]), 4)}
            for name in out}


def link_accuracy(pred: dict, gold: dict, pairs: Sequence[tuple[int, int]]) -> dict[str, Any]:
    """Share of matched gold premises whose predicted `supports` is the match of the gold target."""
    pred_of_gold = {gi: pi for pi, gi in pairs}
    gold_index = {c["id"]: i for i, c in enumerate(gold["claims"])}
    correct = total = found = 0
    for pi, gi in pairs:
        g = gold["claims"][gi]
        if g["role"] != "premise":
            continue
        total += 1
        found += pred["claims"][pi]["role"] == "premise"
        target = pred_of_gold.get(gold_index.get(g["supports"], -1))
        predicted = pred["claims"][pi].get("supports")
        correct += target is not None and predicted == pred["claims"][target]["id"]
    return {"correct": correct, "matched_premises": total, "accuracy": round(correct / total, 4) if total else 0.0,
            "labelled_premise": found, "accuracy_when_labelled_premise": round(correct / found, 4) if found else 0.0}


def gold_links(gold: dict) -> dict[str, Any]:
    """The linking rule alone: gold units with gold roles."""
    from pipeline.roles import link_premises, paragraph_index

    records = [dict(c) for c in gold["claims"]]
    link_premises(records, paragraph_index(gold["text"], records))
    pairs = [(i, i) for i in range(len(records))]
    return link_accuracy({"claims": records}, gold, pairs)


def run_profile(profile: str, gold: dict):
    """The claim segmenter alone (rules for roles) on the gold text, as an output record."""
    import spacy

    import pipeline.claims  # noqa: F401  (registers the factory)
    from pipeline.profiles import find_base_model
    from pipeline.record import doc_to_record

    if profile == "full":
        nlp = spacy.load(find_base_model())
    else:
        nlp = spacy.blank("en")
        nlp.add_pipe("sentencizer")
    nlp.add_pipe("argmine_claims")
    return doc_to_record(nlp(gold["text"]), doc_id=gold["id"], source=gold["source"], meta={}, pipeline={})


def end_to_end(profile: str, gold: dict, n_folds: int) -> dict[str, Any]:
    from pipeline.evaluate import label_scores, match_spans, score_claims
    from pipeline.roles import link_premises, paragraph_index, role_probabilities, unit_features
    from pipeline.schema import CLAIM_ROLES

    record = run_profile(profile, gold)
    pairs = match_spans(record["claims"], gold["claims"], TOLERANCE)
    segmentation = score_claims([record], [gold], TOLERANCE)
    result = {"exact": segmentation["exact"], f"within_{TOLERANCE}": segmentation[f"within_{TOLERANCE}"],
              "rules": {"roles": segmentation["roles"], "links": link_accuracy(record, gold, pairs)}}

    # classifier: fit on gold units of the training paragraphs, label predicted units of the test paragraphs
    gold_features = unit_features(gold["claims"], gold["text"])
    gold_groups = paragraph_index(gold["text"], gold["claims"])
    truth = [c["role"] for c in gold["claims"]]
    X = feature_matrix(gold_features)
    pred_claims = [dict(c) for c in record["claims"]]
    pred_features = unit_features(pred_claims, gold["text"])
    pred_groups = paragraph_index(gold["text"], pred_claims)
    for train, test in folds(gold_groups, n_folds):
        held_out = {gold_groups[i] for i in test}
        model = coefficients(build_classifier().fit([X[i] for i in train], [truth[i] for i in train]))
        targets = [i for i, g in enumerate(pred_groups) if g in held_out]
        for i, p in zip(targets, role_probabilities([pred_features[i] for i in targets], model)):
            role, score = max(p.items(), key=lambda kv: kv[1])
            pred_claims[i]["role"], pred_claims[i]["role_score"] = role, round(score, 3)
    link_premises(pred_claims, pred_groups)
    cv_record = {"claims": pred_claims}
    result["logreg_cv"] = {
        "roles": label_scores([gold["claims"][gi]["role"] for _, gi in pairs],
                              [pred_claims[pi]["role"] for pi, _ in pairs], CLAIM_ROLES),
        "links": link_accuracy(cv_record, gold, pairs)}
    return result


def save_model(gold: dict, gold_path: Path, cv: dict[str, Any], path: Path = MODEL_PATH) -> dict[str, Any]:
    """Fit on all gold units; write coefficients and a model card as JSON."""
    import platform

    import sklearn

    from pipeline.roles import unit_features

    features = unit_features(gold["claims"], gold["text"])
    model = build_classifier().fit(feature_matrix(features), [c["role"] for c in gold["claims"]])
    data = coefficients(model)
    data["card"] = {
        "model": "sklearn.linear_model.LogisticRegression(C=1.0, class_weight='balanced')",
        "sklearn_version": sklearn.__version__, "python_version": platform.python_version(),
        "trained_on": str(gold_path.relative_to(REPO)) if gold_path.is_relative_to(REPO) else str(gold_path),
        "trained_on_sha256": hashlib.sha256(gold_path.read_bytes()).hexdigest(),
        "git_commit": _git_commit(), "units": len(gold["claims"]),
        "cv": "GroupKFold by paragraph over the gold essay, gold units",
        "cv_macro_f1": cv["logreg"]["pooled"]["macro_f1"],
        "cv_macro_f1_rules_same_folds": cv["rules"]["pooled"]["macro_f1"],
        "note": "Scores on the training essay itself are not reported: they are not estimates.",
    }
    path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    return data


def _git_commit() -> str | None:
    try:
        return subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def format_tables(results: dict[str, Any]) -> str:
    lines = [f"gold: {results['gold']} ({results['units']} units, {results['paragraphs']} paragraphs, "
             f"{results['folds']}-fold GroupKFold by paragraph)", "",
             "roles on gold units (out-of-fold)      macro-F1  mean-fold  major   claim   premise"]
    for name, s in results["gold_units"].items():
        per = s["pooled"]["per_label"]
        lines.append(f"  {name:<36} {s['pooled']['macro_f1']:8.3f} {s['mean_fold_macro_f1']:9.3f} "
                     f"{per['major_claim']['f1']:6.3f} {per['claim']['f1']:7.3f} {per['premise']['f1']:8.3f}")
    lines += ["", f"support links, gold units and gold roles: {results['gold_links']['correct']}/"
              f"{results['gold_links']['matched_premises']} = {results['gold_links']['accuracy']:.3f}", ""]
    lines.append("end to end      boundaries exact P/R/F1     within 2 F1   roles    macro-F1  links (of matched gold "
                 "premises; of those labelled premise)")
    for profile, r in results["end_to_end"].items():
        e, w = r["exact"], r[f"within_{TOLERANCE}"]
        for i, name in enumerate(("rules", "logreg_cv")):
            head = f"  {profile:<5} {e['precision']:.3f} {e['recall']:.3f} {e['f1']:.3f}            {w['f1']:.3f}" if i == 0 \
                else " " * 49
            links = r[name]["links"]
            lines.append(f"{head:<49}   {name:<9} {r[name]['roles']['macro_f1']:.3f}   "
                         f"{links['correct']}/{links['matched_premises']} = {links['accuracy']:.3f}; "
                         f"{links['correct']}/{links['labelled_premise']} = {links['accuracy_when_labelled_premise']:.3f}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, default=DEFAULT_GOLD)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--profiles", nargs="*", default=["full", "fast"])
    parser.add_argument("--save", action="store_true", help=f"write the fitted coefficients to {MODEL_PATH}")
    args = parser.parse_args(argv)

    from pipeline.roles import paragraph_index

    gold = json.loads(args.gold.read_text(encoding="utf-8").splitlines()[0])
    cv = cv_roles_on_gold(gold, args.folds)
    shown = args.gold.resolve()
    shown = shown.relative_to(REPO) if shown.is_relative_to(REPO) else shown
    results = {"gold": str(shown), "units": len(gold["claims"]), "folds": args.folds,
               "paragraphs": len(set(paragraph_index(gold["text"], gold["claims"]))),
               "gold_units": cv, "gold_links": gold_links(gold),
               "end_to_end": {p: end_to_end(p, gold, args.folds) for p in args.profiles}}
    if args.save:
        results["saved_model"] = save_model(gold, args.gold.resolve(), cv)["card"]
    RESULTS_PATH.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    print(format_tables(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
