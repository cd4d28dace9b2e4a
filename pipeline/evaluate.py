"""Score pipeline output against gold annotations, task by task.

All scorers are pure functions over plain records, so each can be tested on hand-computed
cases. Claims are paired one-to-one (greedy, in text order) when both ends lie within the
tolerance; roles, stance and dyads are scored on those pairs, so a segmentation miss shows up
once, in the segmentation table, and not again as a stance error.
"""
from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from .io import read_jsonl_records
from .schema import CLAIM_ROLES, FACT_KINDS, STANCE_LABELS


def prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float]:
    """Precision, recall and F1 from counts (0.0 where undefined)."""
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4),
            "tp": tp, "pred": n_pred, "gold": n_gold}


def set_prf(pred: Iterable[Any], gold: Iterable[Any]) -> dict[str, float]:
    pred, gold = set(pred), set(gold)
    return prf(len(pred & gold), len(pred), len(gold))


def match_spans(pred: Sequence[dict], gold: Sequence[dict], tolerance: int) -> list[tuple[int, int]]:
    """One-to-one pairs (pred index, gold index) whose starts and ends differ by <= tolerance."""
    pairs, used = [], set()
    for gi, g in enumerate(gold):
        best = None
        for pi, p in enumerate(pred):
            if pi in used:
                continue
            distance = max(abs(p["start"] - g["start"]), abs(p["end"] - g["end"]))
            if distance <= tolerance and (best is None or distance < best[0]):
                best = (distance, pi)
        if best is not None:
            used.add(best[1])
            pairs.append((best[1], gi))
    return pairs


def label_scores(gold: Sequence[str], pred: Sequence[str], labels: Sequence[str]) -> dict[str, Any]:
    """Accuracy, macro-F1 over `labels`, per-label P/R/F1 and the confusion matrix (rows = gold)."""
    per_label = {}
    for label in labels:
        tp = sum(1 for g, p in zip(gold, pred) if g == p == label)
        per_label[label] = prf(tp, sum(1 for p in pred if p == label), sum(1 for g in gold if g == label))
    present = [lab for lab in labels if per_label[lab]["gold"] or per_label[lab]["pred"]]
    macro = sum(per_label[lab]["f1"] for lab in present) / len(present) if present else 0.0
    matrix = [[sum(1 for g, p in zip(gold, pred) if g == gl and p == pl) for pl in labels] for gl in labels]
    accuracy = sum(1 for g, p in zip(gold, pred) if g == p) / len(gold) if gold else 0.0
    return {"n": len(gold), "accuracy": round(accuracy, 4), "macro_f1": round(macro, 4),
            "per_label": per_label, "confusion": {"labels": list(labels), "matrix": matrix}}


# --- tasks --------------------------------------------------------------------------------

def score_claims(pred_docs: Sequence[dict], gold_docs: Sequence[dict], tolerance: int) -> dict[str, Any]:
    exact = tolerant = n_pred = n_gold = 0
    roles_gold, roles_pred = [], []
    for pred, gold in zip(pred_docs, gold_docs):
        n_pred += len(pred["claims"])
        n_gold += len(gold["claims"])
        exact += len(match_spans(pred["claims"], gold["claims"], 0))
        pairs = match_spans(pred["claims"], gold["claims"], tolerance)
        tolerant += len(pairs)
        for pi, gi in pairs:
            roles_gold.append(gold["claims"][gi]["role"])
            roles_pred.append(pred["claims"][pi]["role"])
    return {"exact": prf(exact, n_pred, n_gold), f"within_{tolerance}": prf(tolerant, n_pred, n_gold),
            "roles": label_scores(roles_gold, roles_pred, CLAIM_ROLES)}


def score_actors(pred_docs: Sequence[dict], gold_docs: Sequence[dict], tolerance: int) -> dict[str, Any]:
    mention_pred, mention_gold, span_pred, span_gold = set(), set(), set(), set()
    code_pred, code_gold, doc_pred, doc_gold = set(), set(), set(), set()
    by_mention_type: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for d, (pred, gold) in enumerate(zip(pred_docs, gold_docs)):
        coded = [e for e in pred["entities"] if e.get("code")]
        mention_pred |= {(d, e["start"], e["end"], e["code"]) for e in coded}
        mention_gold |= {(d, e["start"], e["end"], e["code"]) for e in gold["entities"]}
        span_pred |= {(d, e["start"], e["end"]) for e in coded}
        span_gold |= {(d, e["start"], e["end"]) for e in gold["entities"]}
        doc_pred |= {(d, e["code"]) for e in coded}
        doc_gold |= {(d, e["code"]) for e in gold["entities"]}
        for e in gold["entities"]:
            by_mention_type[e["mention"]][1] += 1
            by_mention_type[e["mention"]][0] += (d, e["start"], e["end"], e["code"]) in mention_pred
        for pi, gi in match_spans(pred["claims"], gold["claims"], tolerance):
            code_pred |= {(d, gi, c) for c in pred["claims"][pi]["actors"]}
            code_gold |= {(d, gi, c) for c in gold["claims"][gi]["actors"]}
    return {
        "mentions": set_prf(mention_pred, mention_gold),
        "mention_spans": set_prf(span_pred, span_gold),
        "codes_per_claim": set_prf(code_pred, code_gold),
        "codes_per_document": set_prf(doc_pred, doc_gold),
        "recall_by_mention_type": {k: round(v[0] / v[1], 4) for k, v in sorted(by_mention_type.items())},
        "missed": sorted({(gold_docs[d]["text"][s:e], c) for d, s, e, c in mention_gold - mention_pred}),
        "spurious": sorted({(pred_docs[d]["text"][s:e], c) for d, s, e, c in mention_pred - mention_gold}),
    }


def same_value(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-9)


_ARTICLES = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)


def same_subject(pred: str | None, gold: str | None) -> bool:
    """Subjects agree when equal after case and articles, or when they share most content words."""
    if not pred or not gold:
        return pred == gold
    norm_p, norm_g = (_ARTICLES.sub("", s.strip().lower()) for s in (pred, gold))
    if norm_p == norm_g:
        return True
    words_p, words_g = set(re.findall(r"\w+", norm_p)), set(re.findall(r"\w+", norm_g))
    return len(words_p & words_g) / len(words_p | words_g) >= 0.5 if words_p | words_g else False


def score_facts(pred_docs: Sequence[dict], gold_docs: Sequence[dict]) -> dict[str, Any]:
    span_pred, span_gold, value_pred, value_gold = set(), set(), [], []
    kind_counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # tp, pred, gold
    year_ok = subject_ok = matched = 0
    wrong = []
    for d, (pred, gold) in enumerate(zip(pred_docs, gold_docs)):
        span_pred |= {(d, f["start"], f["end"]) for f in pred["facts"]}
        span_gold |= {(d, f["start"], f["end"]) for f in gold["facts"]}
        value_pred += [(d, f) for f in pred["facts"]]
        value_gold += [(d, f) for f in gold["facts"]]
        for f in pred["facts"]:
            kind_counts[f["kind"]][1] += 1
        for f in gold["facts"]:
            kind_counts[f["kind"]][2] += 1
    # value+unit: a prediction counts when it overlaps a gold fact with the same value and unit
    used: set[int] = set()
    value_tp = 0
    for d, g in value_gold:
        hit = next((i for i, (dp, p) in enumerate(value_pred) if i not in used and dp == d
                    and p["start"] < g["end"] and g["start"] < p["end"]
                    and same_value(p["value"], g["value"]) and p["unit"] == g["unit"]), None)
        if hit is None:
            wrong.append(gold_docs[d]["text"][g["start"]:g["end"]])
            continue
        used.add(hit)
        value_tp += 1
        p = value_pred[hit][1]
        if p["kind"] == g["kind"]:
            kind_counts[g["kind"]][0] += 1
        matched += 1
        year_ok += p["year"] == g["year"]
        subject_ok += same_subject(p["subject"], g["subject"])
    return {
        "spans": set_prf(span_pred, span_gold),
        "value_unit": prf(value_tp, len(value_pred), len(value_gold)),
        "by_kind": {k: prf(*kind_counts[k]) for k in FACT_KINDS if any(kind_counts[k])},
        "year_accuracy": round(year_ok / matched, 4) if matched else 0.0,
        "subject_accuracy": round(subject_ok / matched, 4) if matched else 0.0,
        "missed_or_wrong": wrong,
    }


def score_stance(pred_docs: Sequence[dict], gold_docs: Sequence[dict], tolerance: int) -> dict[str, Any]:
    gold_labels, pred_labels = [], []
    dyad_pred, dyad_gold = set(), set()
    pair_table: dict[tuple[str, str], dict[str, Counter]] = defaultdict(lambda: {"gold": Counter(), "pred": Counter()})
    for d, (pred, gold) in enumerate(zip(pred_docs, gold_docs)):
        for pi, gi in match_spans(pred["claims"], gold["claims"], tolerance):
            pc, gc = pred["claims"][pi], gold["claims"][gi]
            gold_labels.append(gc["stance"])
            pred_labels.append(pc["stance"])
            dyad_pred |= {(d, gi, x["a"], x["b"], x["stance"]) for x in pc["dyads"]}
            dyad_gold |= {(d, gi, x["a"], x["b"], x["stance"]) for x in gc["dyads"]}
        for side, doc in (("gold", gold), ("pred", pred)):
            for claim in doc["claims"]:
                for x in claim["dyads"]:
                    pair_table[(x["a"], x["b"])][side][x["stance"]] += 1
    pairs = {f"{a}-{b}": {side: dict(counts) for side, counts in sides.items()}
             for (a, b), sides in sorted(pair_table.items())}
    return {"claims": label_scores(gold_labels, pred_labels, STANCE_LABELS),
            "dyads": set_prf(dyad_pred, dyad_gold),
            "dyad_pairs": set_prf({x[:4] for x in dyad_pred}, {x[:4] for x in dyad_gold}),
            "pair_table": pairs}


def evaluate_records(pred_docs: Sequence[dict], gold_docs: Sequence[dict], tolerance: int = 2) -> dict[str, Any]:
    """The full report: one section per task."""
    return {
        "documents": len(gold_docs),
        "tolerance": tolerance,
        "claims": score_claims(pred_docs, gold_docs, tolerance),
        "actors": score_actors(pred_docs, gold_docs, tolerance),
        "facts": score_facts(pred_docs, gold_docs),
        "stance": score_stance(pred_docs, gold_docs, tolerance),
    }


def evaluate_files(gold_path: Path, pred_path: Path | None, *, profile: str = "full",
                   stance_model: Path | None = None, tolerance: int = 2) -> dict[str, Any]:
    """Score `pred_path`, or the pipeline's output for the gold texts, against `gold_path`."""
    gold_docs = read_jsonl_records(gold_path)
    if pred_path is not None:
        by_id = {r["id"]: r for r in read_jsonl_records(pred_path)}
        missing = [g["id"] for g in gold_docs if g["id"] not in by_id]
        if missing:
            raise ValueError(f"{pred_path}: no prediction for gold document(s) {missing}")
        pred_docs = [by_id[g["id"]] for g in gold_docs]
        meta = {"predictions": str(pred_path)}
    else:
        pred_docs, meta = _run_pipeline(gold_docs, profile, stance_model)
    for pred, gold in zip(pred_docs, gold_docs):
        if pred["text"] != gold["text"]:
            raise ValueError(f"document {gold['id']}: predicted text differs from the gold text")
    report = evaluate_records(pred_docs, gold_docs, tolerance)
    report["gold"] = str(gold_path)
    report.update(meta)
    return report


def _run_pipeline(gold_docs: Sequence[dict], profile: str, stance_model: Path | None):
    from .profiles import load_pipeline
    from .record import doc_to_record, pipeline_info

    nlp = load_pipeline(profile, stance_model=stance_model)
    stance = nlp.get_pipe("argmine_stance")
    info = pipeline_info(nlp, stance.model_id)
    trained_on = set(stance.card.get("trained_on", []))
    leaked = sorted(g["source"] for g in gold_docs if any(Path(t).name in g.get("source", "") for t in trained_on))
    docs = nlp.pipe((g["text"] for g in gold_docs))
    preds = [doc_to_record(doc, doc_id=g["id"], source=g["source"], meta={}, pipeline=info)
             for doc, g in zip(docs, gold_docs)]
    return preds, {"profile": profile, "stance_model": info["stance_model"],
                   "stance_trained_on": sorted(trained_on), "stance_model_saw_gold": bool(leaked)}


# --- printing -----------------------------------------------------------------------------

def _prf_row(name: str, s: dict[str, float]) -> str:
    return f"  {name:<28} {s['precision']:6.3f} {s['recall']:6.3f} {s['f1']:6.3f}  ({s['tp']}/{s['pred']} pred, {s['gold']} gold)"


def _labels_block(title: str, s: dict[str, Any]) -> list[str]:
    lines = [f"  {title}: accuracy {s['accuracy']:.3f}, macro-F1 {s['macro_f1']:.3f} (n={s['n']})"]
    lines += [_prf_row(f"  {label}", row) for label, row in s["per_label"].items()]
    labels = s["confusion"]["labels"]
    lines.append("    confusion (rows gold, columns predicted): " + " ".join(f"{lab[:11]:>11}" for lab in labels))
    for label, row in zip(labels, s["confusion"]["matrix"]):
        lines.append(f"    {label:<41}" + " ".join(f"{v:>11}" for v in row))
    return lines


def format_report(report: dict[str, Any]) -> str:
    """The report as tables a person reads."""
    head = f"  {'':<28} {'P':>6} {'R':>6} {'F1':>6}"
    c, a, f, s = report["claims"], report["actors"], report["facts"], report["stance"]
    source = report.get("predictions") or f"profile {report.get('profile')}, stance model {report.get('stance_model')}"
    lines = [f"gold: {report['gold']} ({report['documents']} documents); predictions: {source}"]
    if report.get("stance_model_saw_gold"):
        lines.append("WARNING: the stance model was trained on this gold data; its stance scores are not held-out.")
    lines += ["", "claim segmentation", head, _prf_row("boundaries exact", c["exact"]),
              _prf_row(f"boundaries within {report['tolerance']} chars", c[f"within_{report['tolerance']}"])]
    lines += ["", "claim roles (on matched claims)", *_labels_block("roles", c["roles"])]
    lines += ["", "actors", head, _prf_row("mentions (span + code)", a["mentions"]),
              _prf_row("mention spans", a["mention_spans"]), _prf_row("codes per claim", a["codes_per_claim"]),
              _prf_row("codes per document", a["codes_per_document"]),
              "  recall by mention type: " + ", ".join(f"{k} {v:.2f}" for k, v in a["recall_by_mention_type"].items())]
    if a["missed"]:
        lines.append("  missed: " + "; ".join(f"{t} {code}" for t, code in a["missed"][:20]))
    if a["spurious"]:
        lines.append("  spurious: " + "; ".join(f"{t} {code}" for t, code in a["spurious"][:20]))
    lines += ["", "numeric facts", head, _prf_row("spans exact", f["spans"]), _prf_row("value + unit", f["value_unit"])]
    lines += [_prf_row(f"  {kind}", row) for kind, row in f["by_kind"].items()]
    lines.append(f"  year right {f['year_accuracy']:.3f}, subject right {f['subject_accuracy']:.3f} (of value-matched facts)")
    if f["missed_or_wrong"]:
        lines.append("  missed or wrong value: " + "; ".join(f["missed_or_wrong"][:15]))
    lines += ["", "stance (on matched claims)", *_labels_block("claims", s["claims"]), "", "dyads", head,
              _prf_row("(a, b, stance)", s["dyads"]), _prf_row("(a, b) pairs", s["dyad_pairs"]),
              "  pair           gold                                  predicted"]
    for pair, sides in s["pair_table"].items():
        gold = ", ".join(f"{k} {v}" for k, v in sorted(sides["gold"].items())) or "-"
        pred = ", ".join(f"{k} {v}" for k, v in sorted(sides["pred"].items())) or "-"
        lines.append(f"  {pair:<14} {gold:<37} {pred}")
    return "\n".join(lines)
