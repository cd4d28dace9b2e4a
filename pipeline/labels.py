"""Claims out to annotation tools (Label Studio, doccano, Prodigy) and human stance labels back in.

Export writes one task per claim: the claim's text, the sentence around it as context, its
actors, and the model's stance as a suggestion with its score. Tasks are ordered so that the
first labels teach the model the most: by uncertainty sampling (least confidence, margin or
entropy; Settles 2009, *Active Learning Literature Survey*, section 3.1), or at random as a
baseline. Every task carries what is needed to map its label back: document id, claim id,
character offsets and text.

Import reads the tool's own export, keeps only labels a human accepted, maps them back to
claims by (document, start, end), and returns records that `argmine train --data` reads
(`text`, `label`, `doc`, plus `claim`, `start`, `end`, `actors`, `source`). Whatever cannot be
mapped is returned with where it was (file and line, or task number) and why.

Import labels claims only. The records carry no `dyads`: a human who labelled the claim said
nothing about the pairs of actors in it, and `train.dyad_dataset` reads a missing pair as
"neutral".
"""
from __future__ import annotations

import json
import math
import os
import random
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

from .io import JsonlSink, iter_jsonl_records
from .schema import STANCE_LABELS, schema_errors

LABELSTUDIO, DOCCANO, PRODIGY = "labelstudio", "doccano", "prodigy"
FORMATS: tuple[str, ...] = (LABELSTUDIO, DOCCANO, PRODIGY)

LEAST_CONFIDENT, MARGIN, ENTROPY, RANDOM = "least-confident", "margin", "entropy", "random"
STRATEGIES: tuple[str, ...] = (LEAST_CONFIDENT, MARGIN, ENTROPY, RANDOM)

# Names in the Label Studio labelling config; results come back under these names.
LS_CHOICES = "stance"
LS_TEXT = "text"
# The fields every task carries (in the place each tool keeps them) to map its label back.
MAPPING_FIELDS = ("doc", "claim", "start", "end")

# Reasons for not importing an item; the report counts them by these names.
UNLABELLED = "not labelled"
SKIPPED = "skipped by the annotator"
REJECTED = "rejected by the annotator"
CONFLICT = "conflicting labels"
BAD_LABEL = "unknown label"
NOT_A_TASK = "not an argmine task"
BAD_OFFSETS = "offsets do not match the text"
UNKNOWN_DOC = "document not in the records"
NO_CLAIM = "no claim at these offsets"
TEXT_CHANGED = "document text differs at these offsets"
DUPLICATE = "duplicate"


# --- export -------------------------------------------------------------------------------

@dataclass(frozen=True)
class ClaimTask:
    """One claim to label, with the model's suggestion and everything needed to map it back."""

    doc: str
    claim: str
    start: int
    end: int
    text: str
    context: str
    actors: tuple[str, ...]
    suggestion: str
    score: float
    scores: dict[str, float]
    uncertainty: float
    model: str | None = None


def uncertainty(scores: dict[str, float], strategy: str) -> float:
    """How unsure the model is about a claim, in [0, 1]; higher means label it sooner.

    least-confident: 1 - max p. margin: 1 - (p1 - p2), the gap between the two best labels.
    entropy: -sum p log p, divided by log(number of labels).
    """
    probabilities = sorted((max(float(p), 0.0) for p in scores.values()), reverse=True)
    if not probabilities:
        return 1.0
    if strategy == LEAST_CONFIDENT:
        return 1.0 - probabilities[0]
    if strategy == MARGIN:
        second = probabilities[1] if len(probabilities) > 1 else 0.0
        return 1.0 - (probabilities[0] - second)
    if strategy == ENTROPY:
        total = sum(probabilities) or 1.0
        entropy = -sum(p / total * math.log(p / total) for p in probabilities if p > 0)
        return entropy / math.log(len(probabilities)) if len(probabilities) > 1 else 0.0
    raise ValueError(f"strategy = {strategy!r}; expected one of {', '.join(STRATEGIES)}")


def claim_tasks(records: Iterable[dict[str, Any]], *, strategy: str = LEAST_CONFIDENT, limit: int | None = None,
                stances: Sequence[str] = (), actors: Sequence[str] = (), seed: int = 0) -> list[ClaimTask]:
    """The claims of `records` as tasks, most informative first.

    Args:
        records: argmine document records (pipeline output or gold).
        strategy: least-confident, margin, entropy, or random (a baseline; reproducible with `seed`).
        limit: keep only the first `limit` tasks.
        stances: keep claims whose predicted stance is one of these.
        actors: keep claims that mention at least one of these actor codes.
        seed: seed of the random order (and of nothing else).
    """
    if strategy not in STRATEGIES:
        raise ValueError(f"strategy = {strategy!r}; expected one of {', '.join(STRATEGIES)}")
    for stance in stances:
        if stance not in STANCE_LABELS:
            raise ValueError(f"stance = {stance!r}; expected one of {', '.join(STANCE_LABELS)}")
    wanted_actors = {a.upper() for a in actors}
    tasks = []
    for record in records:
        model = (record.get("pipeline") or {}).get("stance_model")
        for claim in record["claims"]:
            if stances and claim["stance"] not in stances:
                continue
            if wanted_actors and not wanted_actors & set(claim["actors"]):
                continue
            tasks.append(_task(record, claim, strategy, model))
    if strategy == RANDOM:
        tasks.sort(key=lambda t: (t.doc, t.start))
        random.Random(seed).shuffle(tasks)
    else:
        tasks.sort(key=lambda t: (-t.uncertainty, t.doc, t.start))
    return tasks[:limit] if limit is not None else tasks


def _task(record: dict[str, Any], claim: dict[str, Any], strategy: str, model: str | None) -> ClaimTask:
    scores = {label: float(claim["stance_scores"][label]) for label in STANCE_LABELS}
    return ClaimTask(
        doc=str(record["id"]), claim=claim["id"], start=claim["start"], end=claim["end"], text=claim["text"],
        context=sentence_text(record, claim), actors=tuple(claim["actors"]), suggestion=claim["stance"],
        score=round(scores[claim["stance"]], 4), scores=scores,
        uncertainty=round(uncertainty(scores, LEAST_CONFIDENT if strategy == RANDOM else strategy), 4),
        model=model)


def sentence_text(record: dict[str, Any], claim: dict[str, Any]) -> str:
    """The sentence that holds `claim` (the claim itself when the record has no sentences)."""
    sentences = record.get("sentences") or []
    index = claim.get("sentence", -1)
    if 0 <= index < len(sentences):
        sent = sentences[index]
        if sent["start"] <= claim["start"] and claim["end"] <= sent["end"]:
            return record["text"][sent["start"]:sent["end"]]
    for sent in sentences:  # the index may be stale after hand edits: fall back to offsets
        if sent["start"] <= claim["start"] and claim["end"] <= sent["end"]:
            return record["text"][sent["start"]:sent["end"]]
    return claim["text"]


def read_records(path: str | Path) -> Iterator[dict[str, Any]]:
    """The document records of a JSONL file, each checked against the schema."""
    for number, record in enumerate(iter_jsonl_records(path), start=1):
        problems = schema_errors(record)
        if problems:
            raise ValueError(f"{path} line {number}: not an argmine record ({problems[0]}); "
                             f"check it with `argmine validate {path}`")
        yield record


def to_labelstudio(tasks: Sequence[ClaimTask]) -> list[dict[str, Any]]:
    """Label Studio tasks: data to show, and the model's stance as a prediction with its score."""
    return [{
        "data": {LS_TEXT: t.text, "context": t.context, "actors": list(t.actors),
                 "actors_text": ", ".join(t.actors) or "none", "doc": t.doc, "claim": t.claim,
                 "start": t.start, "end": t.end, "rank": rank, "uncertainty": t.uncertainty},
        "predictions": [{
            "model_version": t.model or "argmine",
            "score": t.score,
            "result": [{"from_name": LS_CHOICES, "to_name": LS_TEXT, "type": "choices",
                        "value": {"choices": [t.suggestion]}}],
        }],
    } for rank, t in enumerate(tasks, start=1)]


def labelstudio_config() -> str:
    """The labelling interface for the tasks of `to_labelstudio`: context, claim, actors, one stance."""
    choices = "\n".join(f"    <Choice value={quoteattr(label)} hotkey=\"{i}\"/>"
                        for i, label in enumerate(STANCE_LABELS, start=1))
    return (
        "<View>\n"
        "  <Header value=\"Sentence\" size=\"5\"/>\n"
        "  <Text name=\"context\" value=\"$context\"/>\n"
        "  <Header value=\"Claim to label\" size=\"5\"/>\n"
        f"  <Text name=\"{LS_TEXT}\" value=\"${LS_TEXT}\"/>\n"
        "  <Header value=\"Actors\" size=\"6\"/>\n"
        "  <Text name=\"actors\" value=\"$actors_text\"/>\n"
        f"  <Choices name=\"{LS_CHOICES}\" toName=\"{LS_TEXT}\" choice=\"single-radio\" "
        "showInline=\"true\" required=\"true\">\n"
        f"{choices}\n"
        "  </Choices>\n"
        "</View>\n")


def to_doccano(tasks: Sequence[ClaimTask]) -> list[dict[str, Any]]:
    """doccano text-classification lines. doccano has no suggestion channel apart from its
    labels, and a pre-filled label would come back looking like a human one, so the model's
    stance goes into metadata (shown beside the text), never into `label`."""
    return [{"text": t.text, "context": t.context, "actors": list(t.actors), "suggestion": t.suggestion,
             "suggestion_score": t.score, "doc": t.doc, "claim": t.claim, "start": t.start, "end": t.end,
             "rank": rank} for rank, t in enumerate(tasks, start=1)]


def to_prodigy(tasks: Sequence[ClaimTask]) -> list[dict[str, Any]]:
    """Prodigy `choice` tasks with the model's stance pre-selected in `accept`; the annotator
    confirms or changes it, and only tasks answered "accept" count as labels."""
    options = [{"id": label, "text": label} for label in STANCE_LABELS]
    return [{"text": t.text, "options": options, "accept": [t.suggestion],
             "meta": {"context": t.context, "actors": list(t.actors), "suggestion": t.suggestion,
                      "score": t.score, "doc": t.doc, "claim": t.claim, "start": t.start, "end": t.end,
                      "rank": rank}} for rank, t in enumerate(tasks, start=1)]


def config_path(tasks_path: str | Path) -> Path:
    """Where the Label Studio labelling config is written: beside the tasks, `<stem>.config.xml`."""
    path = Path(tasks_path)
    return path.with_name(path.stem + ".config.xml")


def write_tasks(tasks: Sequence[ClaimTask], path: str | Path, fmt: str) -> list[Path]:
    """Write `tasks` for tool `fmt`; returns the files written (tasks, and config for Label Studio).

    Label Studio gets a JSON array (what its importer and exporter use); doccano and Prodigy
    get JSONL. Files appear only when complete.
    """
    path = Path(path)
    if fmt == LABELSTUDIO:
        _write_atomic(path, json.dumps(to_labelstudio(tasks), ensure_ascii=False, indent=1) + "\n")
        _write_atomic(config_path(path), labelstudio_config())
        return [path, config_path(path)]
    if fmt not in FORMATS:
        raise ValueError(f"format = {fmt!r}; expected one of {', '.join(FORMATS)}")
    sink = JsonlSink(path)
    for item in (to_doccano if fmt == DOCCANO else to_prodigy)(tasks):
        sink.write(item)
    sink.commit()
    return [path]


def _write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, path)


# --- import -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Rejection:
    """An item of the tool's export that did not become a training record."""

    where: str  # "db-out.jsonl line 4", or "export.json task 3 (id 17)" in a JSON array
    reason: str  # one of the reason constants above
    detail: str = ""

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}" + (f" ({self.detail})" if self.detail else "")


@dataclass
class ImportResult:
    """Training records made from accepted human labels, and what was left out."""

    records: list[dict[str, Any]] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)

    @property
    def problems(self) -> list[Rejection]:
        """Rejections a user should look at (unlabelled and skipped tasks are expected)."""
        return [r for r in self.rejected if r.reason not in (UNLABELLED, SKIPPED, REJECTED)]

    def counts(self) -> dict[str, int]:
        return dict(Counter(r.reason for r in self.rejected).most_common())

    def summary(self) -> str:
        labels = sorted(Counter(r["label"] for r in self.records).items())
        line = f"imported {len(self.records)} labels ({', '.join(f'{k} {v}' for k, v in labels) or 'none'})"
        if self.rejected:
            line += f"; not imported {len(self.rejected)}: " + ", ".join(f"{n} {k}" for k, n in self.counts().items())
        return line


@dataclass(frozen=True)
class _Item:
    where: str
    mapping: dict[str, Any]
    text: Any
    labels: tuple[str, ...]
    status: str | None  # None: labelled; else UNLABELLED / SKIPPED / a reason with detail
    detail: str = ""


def read_export(path: str | Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """(where, object) for each task of a tool export: a JSON array (Label Studio) or JSONL."""
    path = Path(path)
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise ValueError(f"{path}: not valid UTF-8 at byte {err.start} ({err.reason}).") from None
    if text.lstrip().startswith("["):
        try:
            items = json.loads(text)
        except json.JSONDecodeError as err:
            raise ValueError(f"{path} line {err.lineno}: not valid JSON ({err.msg}).") from None
        for number, item in enumerate(items, start=1):
            if not isinstance(item, dict):
                raise ValueError(f"{path} task {number}: expected a JSON object, got {type(item).__name__}.")
            task_id = f" (id {item['id']})" if isinstance(item.get("id"), (int, str)) else ""
            yield f"{path} task {number}{task_id}", item
        return
    yield from ((f"{path} line {n}", r) for n, r in _numbered_jsonl(path))


def _numbered_jsonl(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    with path.open("rb") as lines:
        for number, raw in enumerate(lines, start=1):
            if not raw.strip():
                continue
            try:
                item = json.loads(raw.decode("utf-8-sig"))
            except (UnicodeDecodeError, json.JSONDecodeError) as err:
                raise ValueError(f"{path} line {number}: not valid JSON ({err}).") from None
            if not isinstance(item, dict):
                raise ValueError(f"{path} line {number}: expected a JSON object, got {type(item).__name__}.")
            yield number, item


def import_labels(path: str | Path, fmt: str, *, records: Iterable[dict[str, Any]] | None = None) -> ImportResult:
    """Training records from the accepted human labels in a tool's export.

    Args:
        path: the export file (Label Studio JSON or JSON-MIN, doccano JSONL, Prodigy `db-out` JSONL).
        fmt: labelstudio, doccano or prodigy.
        records: the document records the tasks were made from. With them, each label is mapped
            to the claim at its offsets and checked against the document text (claim ids may
            differ after a rerun; offsets are the key). Without them, each task is checked
            against itself.
    """
    readers = {LABELSTUDIO: _labelstudio_item, DOCCANO: _doccano_item, PRODIGY: _prodigy_item}
    if fmt not in readers:
        raise ValueError(f"format = {fmt!r}; expected one of {', '.join(FORMATS)}")
    documents = {str(r["id"]): r for r in records} if records is not None else None
    result = ImportResult()
    kept: dict[tuple[str, int, int], int] = {}  # (doc, start, end) -> index in result.records
    for where, obj in read_export(path):
        item = readers[fmt](where, obj)
        record_or_rejection = _to_record(item, documents)
        if isinstance(record_or_rejection, Rejection):
            result.rejected.append(record_or_rejection)
            continue
        record = record_or_rejection
        key = (record["doc"], record["start"], record["end"])
        if key in kept:
            first = result.records[kept[key]]
            if first["label"] != record["label"] and first["label"] is not None:
                result.rejected.append(Rejection(first["source"], CONFLICT,
                                                 f"{first['label']} here, {record['label']} at {where}"))
                first["label"] = None  # dropped below: two people disagree about one claim
            result.rejected.append(Rejection(where, DUPLICATE, f"same claim as {first['source']}"))
            continue
        kept[key] = len(result.records)
        result.records.append(record)
    result.records = [r for r in result.records if r["label"] is not None]
    return result


def _to_record(item: _Item, documents: dict[str, dict[str, Any]] | None) -> dict[str, Any] | Rejection:
    if item.status is not None:
        return Rejection(item.where, item.status, item.detail)
    missing = [name for name in MAPPING_FIELDS if name not in item.mapping]
    if missing or not isinstance(item.text, str):
        what = f"missing {', '.join(map(repr, missing))}" if missing else "missing 'text'"
        return Rejection(item.where, NOT_A_TASK, f"{what}; export tasks with `argmine export-labels`")
    doc, claim_id, start, end = (item.mapping[name] for name in MAPPING_FIELDS)
    if not (isinstance(start, int) and isinstance(end, int) and 0 <= start <= end) or end - start != len(item.text):
        return Rejection(item.where, BAD_OFFSETS, f"start {start!r}, end {end!r}, text of {len(item.text)} characters")
    labels = set(item.labels)
    if len(labels) > 1:
        return Rejection(item.where, CONFLICT, " vs ".join(sorted(labels)))
    (label,) = labels
    if label not in STANCE_LABELS:
        return Rejection(item.where, BAD_LABEL, f"label = {label!r}; expected one of {', '.join(STANCE_LABELS)}")
    actors = item.mapping.get("actors")
    if documents is not None:
        document = documents.get(str(doc))
        if document is None:
            return Rejection(item.where, UNKNOWN_DOC, f"doc = {doc!r}")
        if document["text"][start:end] != item.text:
            return Rejection(item.where, TEXT_CHANGED, f"{doc} text[{start}:{end}] != {item.text[:40]!r}")
        claim = next((c for c in document["claims"] if c["start"] == start and c["end"] == end), None)
        if claim is None:
            return Rejection(item.where, NO_CLAIM, f"{doc} has no claim spanning {start}-{end}")
        claim_id, actors = claim["id"], claim["actors"]
    record = {"id": f"{doc}#{claim_id}", "doc": str(doc), "claim": str(claim_id), "start": start, "end": end,
              "text": item.text, "label": label, "source": item.where}
    if isinstance(actors, list) and all(isinstance(a, str) for a in actors):
        record["actors"] = list(actors)
    return record


def _labelstudio_item(where: str, task: dict[str, Any]) -> _Item:
    if "data" not in task:  # JSON-MIN: data fields and one value per control, flat
        value = task.get(LS_CHOICES)
        labels = _choice_values(value)
        status = None if labels else UNLABELLED
        return _Item(where, task, task.get(LS_TEXT), labels, status)
    data = task["data"] if isinstance(task["data"], dict) else {}
    annotations = task.get("annotations") or task.get("completions") or []
    labels: list[str] = []
    cancelled = 0
    for annotation in annotations:
        if not isinstance(annotation, dict):
            continue
        if annotation.get("was_cancelled"):
            cancelled += 1
            continue
        for result in annotation.get("result") or []:
            if isinstance(result, dict) and result.get("from_name") == LS_CHOICES:
                chosen = _choice_values((result.get("value") or {}).get("choices"))
                if len(chosen) != 1:
                    return _Item(where, data, data.get(LS_TEXT), (), CONFLICT,
                                 f"annotation {annotation.get('id')} chose {list(chosen)}; one stance expected")
                labels += chosen
    status = None if labels else SKIPPED if cancelled else UNLABELLED
    return _Item(where, data, data.get(LS_TEXT), tuple(labels), status)


def _choice_values(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, dict):
        value = value.get("choices")
    if isinstance(value, list):
        return tuple(v for v in value if isinstance(v, str))
    return ()


def _doccano_item(where: str, line: dict[str, Any]) -> _Item:
    mapping: dict[str, Any] = {}
    for nested in ("meta", "metadata"):  # older exports keep the extra columns here
        if isinstance(line.get(nested), dict):
            mapping.update(line[nested])
    mapping.update(line)  # newer exports put them at the top level
    raw = next((line[k] for k in ("label", "labels", "cats") if k in line), None)
    if raw is None and isinstance(line.get("annotations"), list):
        raw = [a.get("label") for a in line["annotations"] if isinstance(a, dict)]
    raw = raw or []
    if not isinstance(raw, list) or any(not isinstance(v, str) for v in raw):
        return _Item(where, mapping, line.get("text"), (), BAD_LABEL,
                     f"label = {raw!r}; expected a list of class names (a text-classification export)")
    status = None if raw else UNLABELLED
    return _Item(where, mapping, line.get("text", line.get("data")), tuple(raw), status)


def _prodigy_item(where: str, task: dict[str, Any]) -> _Item:
    mapping = task.get("meta") if isinstance(task.get("meta"), dict) else task
    answer = task.get("answer")
    if answer is None:
        return _Item(where, mapping, task.get("text"), (), UNLABELLED)
    if answer in ("ignore", "reject"):
        return _Item(where, mapping, task.get("text"), (), SKIPPED if answer == "ignore" else REJECTED)
    if answer != "accept":
        return _Item(where, mapping, task.get("text"), (), BAD_LABEL, f"answer = {answer!r}")
    if "options" in task:  # choice view: the selected option ids
        chosen = tuple(task.get("accept") or ())
        if len(chosen) != 1:
            return _Item(where, mapping, task.get("text"), (), CONFLICT if chosen else UNLABELLED,
                         f"accepted {list(chosen)}; one stance expected")
        return _Item(where, mapping, task.get("text"), tuple(map(str, chosen)), None)
    if isinstance(task.get("label"), str):  # binary classification view: the label was accepted
        return _Item(where, mapping, task.get("text"), (task["label"],), None)
    return _Item(where, mapping, task.get("text"), (), UNLABELLED)


def write_records(result: ImportResult, path: str | Path) -> Path | None:
    """Write the training records to `path` and the rejections, if any, to `<path>.errors.jsonl`.

    The errors file follows `argmine process` (`OUT.errors.jsonl`), whose name `argmine train`
    skips when it reads a folder. Returns the errors file, or None.
    """
    sink = JsonlSink(path)
    for record in result.records:
        sink.write(record)
    sink.commit()
    errors_path = Path(f"{path}.errors.jsonl")
    if not result.rejected:
        if errors_path.exists():
            errors_path.unlink()  # a stale list from an earlier import would mislead
        return None
    errors = JsonlSink(errors_path)
    for rejection in result.rejected:
        errors.write({"where": rejection.where, "reason": rejection.reason, "detail": rejection.detail})
    errors.commit()
    return errors_path
