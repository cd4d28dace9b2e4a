"""Labels out to Label Studio, doccano and Prodigy, and back into training data."""
from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import pytest
import typer
from typer.testing import CliRunner

from pipeline import labels as L
from pipeline.cli_labels import export_labels_command, import_labels_command
from pipeline.schema import STANCE_LABELS, schema_errors
from pipeline.train import data_files, dyad_dataset, load_examples, train

from .conftest import DATA

SAMPLE = DATA / "labels_sample.jsonl"
SMALL = DATA / "stance_small.jsonl"
NO_MENTIONS = lambda texts: [[] for _ in texts]  # noqa: E731

# What the simulated annotator answers, by (document, claim); claims not listed are left alone.
HUMAN = {("essay-a", "c5"): "competitive", ("essay-a", "c3"): "neutral", ("essay-b", "c2"): "neutral",
         ("essay-a", "c2"): "competitive", ("essay-c", "c2"): "competitive", ("essay-a", "c4"): "cooperative",
         ("essay-b", "c3"): "cooperative", ("essay-c", "c3"): "neutral"}
SKIP = ("essay-a", "c1")  # the annotator skips this one
DISAGREE = ("essay-b", "c1")  # two annotators disagree on this one

# A stand-in for the actor recognizer, so training does not depend on the gazetteer.
ACTOR_NAMES = {"China": "CHN", "Beijing": "CHN", "Russia": "RUS", "Moscow": "RUS", "Washington": "USA",
               "US": "USA", "Kazakhstan": "KAZ", "Astana": "KAZ", "EU": "EU", "Uzbekistan": "UZB", "Tashkent": "UZB",
               "Turkey": "TUR", "Azerbaijan": "AZE", "Iran": "IRN", "Japan": "JPN", "India": "IND", "NATO": "NATO",
               "Saudi Arabia": "SAU", "Pakistan": "PAK", "Germany": "DEU", "France": "FRA", "Manila": "PHL"}
ACTOR_PATTERN = re.compile(r"\b(" + "|".join(map(re.escape, ACTOR_NAMES)) + r")\b")


def find_mentions(texts):
    return [[(m.start(), m.end(), ACTOR_NAMES[m.group()]) for m in ACTOR_PATTERN.finditer(t)] for t in texts]


# Extra labelled lines, each class of claim and pair in each of four documents, so that every
# training fold of `train(folds=2)` has enough examples of each class for its calibrated candidates.
TEMPLATES = {"cooperative": "{a} and {b} signed a new cooperation agreement.",
             "competitive": "{a} accused {b} of hostile moves near the border.",
             "neutral": "{a} and {b} both published their trade statistics."}
PAIRS = [("China", "Kazakhstan"), ("Russia", "Uzbekistan"), ("Iran", "Turkey"), ("India", "Japan"),
         ("EU", "Russia"), ("Pakistan", "China"), ("Azerbaijan", "Iran"), ("Germany", "France")]


def _extra_line(n, a, b, label):
    code_a, code_b = sorted((ACTOR_NAMES[a], ACTOR_NAMES[b]))
    return {"doc": f"x{n % 4}", "text": TEMPLATES[label].format(a=a, b=b), "label": label,
            "dyads": [{"a": code_a, "b": code_b, "stance": label}]}


EXTRA = [_extra_line(n, a, b, label) for n, (a, b) in enumerate(PAIRS) for label in TEMPLATES]


@pytest.fixture(scope="module")
def records():
    return list(L.read_records(SAMPLE))


def test_labels_sample_records_are_schema_valid(records):
    assert [schema_errors(r) for r in records] == [[], [], []]


@pytest.mark.parametrize("scores, strategy, expected", [
    ({"cooperative": 0.8, "competitive": 0.1, "neutral": 0.1}, "least-confident", 0.2),
    ({"cooperative": 0.5, "competitive": 0.4, "neutral": 0.1}, "margin", 0.9),
    ({"cooperative": 1 / 3, "competitive": 1 / 3, "neutral": 1 / 3}, "entropy", 1.0),
    ({"cooperative": 1.0, "competitive": 0.0, "neutral": 0.0}, "entropy", 0.0),
])
def test_labels_uncertainty(scores, strategy, expected):
    assert L.uncertainty(scores, strategy) == pytest.approx(expected)


@pytest.mark.parametrize("strategy, first", [
    ("least-confident", ("essay-a", "c5")),  # 0.34 / 0.33 / 0.33: the flattest distribution
    ("margin", ("essay-a", "c5")),
    ("entropy", ("essay-a", "c5")),
])
def test_labels_tasks_are_least_confident_first(records, strategy, first):
    tasks = L.claim_tasks(records, strategy=strategy)
    assert (tasks[0].doc, tasks[0].claim) == first
    assert [t.uncertainty for t in tasks] == sorted((t.uncertainty for t in tasks), reverse=True)
    assert len(tasks) == sum(len(r["claims"]) for r in records)


def test_labels_random_order_is_reproducible(records):
    once = [(t.doc, t.claim) for t in L.claim_tasks(records, strategy="random", seed=3)]
    again = [(t.doc, t.claim) for t in L.claim_tasks(records, strategy="random", seed=3)]
    other = [(t.doc, t.claim) for t in L.claim_tasks(records, strategy="random", seed=4)]
    assert once == again and sorted(once) == sorted(other) and once != other


@pytest.mark.parametrize("kwargs, expected", [
    ({"stances": ["competitive"]}, {("essay-a", "c2"), ("essay-b", "c1"), ("essay-c", "c2")}),
    ({"actors": ["UZB"]}, {("essay-b", "c1"), ("essay-b", "c2"), ("essay-b", "c3")}),
    ({"actors": ["irn", "AZE"]}, {("essay-c", "c1"), ("essay-c", "c2")}),
    ({"stances": ["neutral"], "actors": ["RUS"]}, {("essay-a", "c5"), ("essay-c", "c3")}),
    ({"limit": 2}, {("essay-a", "c5"), ("essay-a", "c3")}),
])
def test_labels_filters_and_limit(records, kwargs, expected):
    assert {(t.doc, t.claim) for t in L.claim_tasks(records, **kwargs)} == expected


@pytest.mark.parametrize("kwargs, message", [
    ({"strategy": "confidence"}, "strategy = 'confidence'"),
    ({"stances": ["pro"]}, "stance = 'pro'; expected one of cooperative"),
])
def test_labels_bad_options_are_named(records, kwargs, message):
    with pytest.raises(ValueError, match=message):
        L.claim_tasks(records, **kwargs)


def test_labels_task_carries_context_suggestion_and_mapping(records):
    task = next(t for t in L.claim_tasks(records) if (t.doc, t.claim) == ("essay-a", "c4"))
    assert task.context == "Although the EU invests heavily in the region, Russia remains the main security partner."
    assert (task.suggestion, task.score, task.actors) == ("cooperative", 0.52, ("EU",))
    document = records[0]
    assert document["text"][task.start:task.end] == task.text
    assert task.model == "stance.skops@0123456789ab"


def test_labels_labelstudio_config_matches_the_tasks(records):
    config = ET.fromstring(L.labelstudio_config())
    choices = config.find("Choices")
    assert choices.get("name") == L.LS_CHOICES and choices.get("toName") == L.LS_TEXT
    assert [c.get("value") for c in choices.findall("Choice")] == list(STANCE_LABELS)
    data = L.to_labelstudio(L.claim_tasks(records, limit=1))[0]["data"]
    for text in config.iter("Text"):
        assert text.get("value").lstrip("$") in data
    prediction = L.to_labelstudio(L.claim_tasks(records, limit=1))[0]["predictions"][0]
    assert prediction["result"][0]["from_name"] == L.LS_CHOICES and prediction["score"] == 0.34


def test_labels_doccano_tasks_carry_no_prefilled_label(records):
    lines = L.to_doccano(L.claim_tasks(records))
    assert all("label" not in line and "labels" not in line for line in lines)
    assert lines[0]["suggestion"] == "neutral" and lines[0]["suggestion_score"] == 0.34


# --- the round trip: export -> simulated labelling in each tool -> import -> train ----------

def _label_in_labelstudio(tasks_path, export_path):
    tasks = json.loads(tasks_path.read_text())
    exported = []
    for number, task in enumerate(tasks, start=1):
        key = (task["data"]["doc"], task["data"]["claim"])
        annotations = []
        if key == SKIP:
            annotations.append({"id": 900, "result": [], "was_cancelled": True, "completed_by": 1})
        elif key == DISAGREE:
            annotations += [_ls_annotation(901, "competitive"), _ls_annotation(902, "neutral")]
        elif key in HUMAN:
            annotations.append(_ls_annotation(number, HUMAN[key]))
        exported.append({"id": 100 + number, "data": task["data"], "annotations": annotations,
                         "predictions": task["predictions"], "file_upload": "tasks.json"})
    export_path.write_text(json.dumps(exported))


def _ls_annotation(annotation_id, label):
    return {"id": annotation_id, "completed_by": 1, "was_cancelled": False, "ground_truth": False, "lead_time": 4.2,
            "result": [{"id": "r1", "from_name": "stance", "to_name": "text", "type": "choices",
                        "value": {"choices": [label]}, "origin": "manual"}]}


def _label_in_doccano(tasks_path, export_path):
    lines = []
    for number, line in enumerate(map(json.loads, tasks_path.read_text().splitlines()), start=1):
        key = (line["doc"], line["claim"])
        meta = {k: v for k, v in line.items() if k != "text"}
        if key == DISAGREE:  # two annotators, not collaborative: one line each
            lines += [{"id": number, "text": line["text"], **meta, "label": ["competitive"]},
                      {"id": number, "text": line["text"], **meta, "label": ["neutral"]}]
        elif key == ("essay-b", "c3"):  # an older export keeps the columns under "meta"
            lines.append({"id": number, "text": line["text"], "meta": meta, "label": [HUMAN[key]]})
        else:  # skipped and unlabelled examples come out with an empty label list
            lines.append({"id": number, "text": line["text"], **meta, "label": [HUMAN[key]] if key in HUMAN else []})
    export_path.write_text("".join(json.dumps(line) + "\n" for line in lines))


def _label_in_prodigy(tasks_path, export_path):
    lines = []
    for number, task in enumerate(map(json.loads, tasks_path.read_text().splitlines()), start=1):
        key = (task["meta"]["doc"], task["meta"]["claim"])
        answered = dict(task, _input_hash=number, _task_hash=-number, _view_id="choice", _session_id="s-ann",
                        _annotator_id="s-ann", _timestamp=1700000000 + number)
        if key == SKIP:
            lines.append(dict(answered, answer="ignore"))
        elif key == DISAGREE:
            lines += [dict(answered, accept=["competitive"], answer="accept"),
                      dict(answered, accept=["neutral"], answer="accept", _annotator_id="s-b")]
        elif key in HUMAN:
            lines.append(dict(answered, accept=[HUMAN[key]], answer="accept"))
        # tasks never reached in the session are not in `prodigy db-out` at all
    export_path.write_text("".join(json.dumps(line) + "\n" for line in lines))


SIMULATE = {"labelstudio": _label_in_labelstudio, "doccano": _label_in_doccano, "prodigy": _label_in_prodigy}
EXPECTED_REASONS = {
    "labelstudio": {L.SKIPPED: 1, L.CONFLICT: 1, L.UNLABELLED: 1},
    "doccano": {L.UNLABELLED: 2, L.CONFLICT: 1, L.DUPLICATE: 1},
    "prodigy": {L.SKIPPED: 1, L.CONFLICT: 1, L.DUPLICATE: 1},
}


@pytest.fixture(scope="module", params=L.FORMATS)
def round_trip(request, records, tmp_path_factory):
    fmt = request.param
    folder = tmp_path_factory.mktemp(fmt)
    tasks_path = folder / ("tasks.json" if fmt == "labelstudio" else "tasks.jsonl")
    written = L.write_tasks(L.claim_tasks(records), tasks_path, fmt)
    export_path = folder / "export.json"
    SIMULATE[fmt](tasks_path, export_path)
    result = L.import_labels(export_path, fmt, records=records)
    out = folder / "annotations" / f"{fmt}.jsonl"
    L.write_records(result, out)
    return fmt, written, result, out


def test_labels_round_trip_imports_exactly_the_human_labels(round_trip):
    fmt, written, result, out = round_trip
    assert {(r["doc"], r["claim"]): r["label"] for r in result.records} == HUMAN
    assert result.counts() == EXPECTED_REASONS[fmt]
    assert len(out.read_text().splitlines()) == len(HUMAN)
    if fmt == "labelstudio":
        assert written[1].name == "tasks.config.xml" and written[1].exists()


def test_labels_round_trip_records_are_mapped_by_offsets(round_trip, records):
    _, _, result, _ = round_trip
    texts = {r["id"]: r["text"] for r in records}
    for record in result.records:
        assert texts[record["doc"]][record["start"]:record["end"]] == record["text"]
        assert "dyads" not in record  # a claim label says nothing about the actor pairs
    by_key = {(r["doc"], r["claim"]): r for r in result.records}
    assert by_key[("essay-a", "c4")]["actors"] == ["EU"]


def test_labels_round_trip_feeds_load_examples(round_trip):
    _, _, _, out = round_trip
    examples = load_examples([out], NO_MENTIONS)
    assert sorted((e.group, e.label) for e in examples) == sorted((doc, label) for (doc, _), label in HUMAN.items())
    assert {e.source for e in examples} == {f"{out}:{n}" for n in range(1, len(HUMAN) + 1)}


def test_labels_imported_claims_do_not_teach_the_dyad_model(round_trip):
    _, _, _, out = round_trip
    examples = load_examples([out], find_mentions)
    assert any(len(e.codes) > 1 for e in examples)  # there are pairs the annotator said nothing about
    assert dyad_dataset(examples)[1] == []


def test_labels_round_trip_trains_a_model(round_trip, tmp_path):
    _, _, _, out = round_trip
    extra = _write(tmp_path, "extra.jsonl", EXTRA)
    card = train([out, SMALL, extra], tmp_path / "m.skops", folds=2, find_mentions=find_mentions)
    small = load_examples([SMALL], NO_MENTIONS)
    assert card["examples"]["claims"] == len(HUMAN) + len(small) + len(EXTRA)
    assert card["examples"]["documents"] == 3 + len({e.group for e in small}) + len({e["doc"] for e in EXTRA})
    assert (tmp_path / "m.skops").exists()


def test_labels_round_trip_with_the_real_actor_recognizer(round_trip, tmp_path):
    pytest.importorskip("pipeline.actors", reason="the actor recognizer (pipeline.actors) is not installed yet")
    from pipeline.train import recognize_actors

    try:
        recognize_actors(["China and Russia."])
    except ValueError as err:  # factory not registered until pipeline/__init__.py imports it
        pytest.skip(f"the actor recognizer does not load yet: {err}".splitlines()[0][:200])
    _, _, _, out = round_trip
    card = train([out, SMALL, _write(tmp_path, "extra.jsonl", EXTRA)], tmp_path / "m.skops", folds=2)
    assert card["examples"]["claims"] == len(HUMAN) + len(load_examples([SMALL], NO_MENTIONS)) + len(EXTRA)


# --- import checks: everything rejected is named with its place and reason -----------------

def _write(tmp_path, name, lines):
    path = tmp_path / name
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    return path


GOOD = {"text": "Tashkent keeps both at arm's length", "doc": "essay-b", "claim": "c2", "start": 63, "end": 98}
OTHER = {"text": "Russia stays silent", "doc": "essay-c", "claim": "c3", "start": 100, "end": 119}


@pytest.mark.parametrize("line, reason, detail", [
    (dict(GOOD, label=["pro"]), L.BAD_LABEL, "label = 'pro'; expected one of cooperative"),
    (dict(GOOD, label=[[0, 5, "ACTOR"]]), L.BAD_LABEL, "text-classification export"),
    ({"text": GOOD["text"], "label": ["neutral"]}, L.NOT_A_TASK, "missing 'doc', 'claim', 'start', 'end'"),
    (dict(GOOD, end=99, label=["neutral"]), L.BAD_OFFSETS, "end 99"),
    (dict(GOOD, doc="essay-z", label=["neutral"]), L.UNKNOWN_DOC, "essay-z"),
    (dict(GOOD, start=0, end=35, label=["neutral"]), L.TEXT_CHANGED, "essay-b text[0:35]"),
    (dict(GOOD, text="Washington and Moscow compete", start=0, end=29, label=["neutral"]), L.NO_CLAIM,
     "no claim spanning 0-29"),
    (dict(GOOD, label=["neutral", "competitive"]), L.CONFLICT, "competitive vs neutral"),
    (dict(OTHER, label=["competitive"]), L.DUPLICATE, "same claim as"),
])
def test_labels_import_rejections_name_line_and_reason(tmp_path, records, line, reason, detail):
    path = _write(tmp_path, "doccano.jsonl", [dict(OTHER, label=["neutral"]), line])
    result = L.import_labels(path, "doccano", records=records)
    (rejection,) = [r for r in result.rejected if r.where == f"{path} line 2"]
    assert rejection.reason == reason and detail in rejection.detail
    if reason == L.DUPLICATE:  # two lines disagree about one claim: neither is imported
        assert result.records == [] and L.CONFLICT in result.counts()
    else:
        assert [(r["doc"], r["claim"], r["label"]) for r in result.records] == [("essay-c", "c3", "neutral")]


def test_labels_import_without_records_checks_each_task_by_itself(tmp_path):
    path = _write(tmp_path, "doccano.jsonl", [dict(GOOD, label=["neutral"]), dict(GOOD, doc="essay-z", label=["neutral"]),
                                              dict(GOOD, end=60, label=["neutral"])])
    result = L.import_labels(path, "doccano")
    assert [(r["doc"], r["label"]) for r in result.records] == [("essay-b", "neutral"), ("essay-z", "neutral")]
    assert [(r.where, r.reason) for r in result.rejected] == [(f"{path} line 3", L.BAD_OFFSETS)]


@pytest.mark.parametrize("content, message", [
    ('{"text": "a"}\n{not json\n', "line 2: not valid JSON"),
    ('{"text": "a"}\n[1, 2]\n', "line 2: expected a JSON object"),
    ('[{"data": {}}, 7]', "task 2: expected a JSON object"),
    ('[{"data": {}},\n oops]', "line 2: not valid JSON"),
])
def test_labels_import_unreadable_files_name_the_place(tmp_path, content, message):
    path = tmp_path / "export.json"
    path.write_text(content)
    with pytest.raises(ValueError, match=re.escape(f"{path} {message}")):
        L.import_labels(path, "labelstudio")


def test_labels_import_labelstudio_json_min_and_multiple_choices(tmp_path):
    path = tmp_path / "min.json"
    path.write_text(json.dumps([
        dict(GOOD, id=1, stance="competitive", annotator="a@b", annotation_id=5),
        dict(GOOD, id=2, doc="essay-c", stance={"choices": ["neutral", "competitive"]}),
    ]))
    result = L.import_labels(path, "labelstudio")
    assert [(r["doc"], r["label"]) for r in result.records] == [("essay-b", "competitive")]
    assert [(r.where, r.reason) for r in result.rejected] == [(f"{path} task 2 (id 2)", L.CONFLICT)]


@pytest.mark.parametrize("task, reason", [
    ({"text": GOOD["text"], "label": "cooperative", "answer": "accept", "meta": GOOD}, None),  # binary view
    ({"text": GOOD["text"], "label": "cooperative", "answer": "reject", "meta": GOOD}, L.REJECTED),
    ({"text": GOOD["text"], "options": [], "accept": ["neutral", "competitive"], "answer": "accept", "meta": GOOD},
     L.CONFLICT),
    ({"text": GOOD["text"], "options": [], "accept": [], "answer": "accept", "meta": GOOD}, L.UNLABELLED),
    ({"text": GOOD["text"], "options": [], "accept": ["neutral"], "answer": "maybe", "meta": GOOD}, L.BAD_LABEL),
])
def test_labels_import_prodigy_answers(tmp_path, task, reason):
    result = L.import_labels(_write(tmp_path, "db-out.jsonl", [task]), "prodigy")
    assert [r.reason for r in result.rejected] == ([reason] if reason else [])
    assert len(result.records) == (0 if reason else 1)


def test_labels_errors_file_is_skipped_by_train(tmp_path, records):
    path = _write(tmp_path, "export.jsonl", [dict(GOOD, label=["neutral"]), dict(GOOD, label=["pro"], start=1)])
    out = tmp_path / "annotations" / "round1.jsonl"
    errors = L.write_records(L.import_labels(path, "doccano"), out)
    assert errors == tmp_path / "annotations" / "round1.jsonl.errors.jsonl"
    assert json.loads(errors.read_text())["reason"] in (L.BAD_LABEL, L.BAD_OFFSETS)
    assert data_files([tmp_path / "annotations"]) == [out]


# --- the commands ---------------------------------------------------------------------------

@pytest.fixture()
def cli():
    app = typer.Typer()
    app.command("export-labels")(export_labels_command)
    app.command("import-labels")(import_labels_command)
    return lambda *args: CliRunner().invoke(app, [str(a) for a in args])


def test_labels_cli_round_trip(cli, tmp_path):
    tasks = tmp_path / "tasks.jsonl"
    result = cli("export-labels", SAMPLE, "--format", "prodigy", "-o", tasks, "--limit", "4", "--actor", "RUS")
    assert result.exit_code == 0, result.output
    assert "4 tasks from 2 documents (least-confident)" in result.output
    _label_in_prodigy(tasks, tmp_path / "db-out.jsonl")
    out = tmp_path / "annotations" / "round1.jsonl"
    result = cli("import-labels", tmp_path / "db-out.jsonl", "--format", "prodigy", "-o", out, "--records", SAMPLE)
    assert result.exit_code == 0, result.output
    assert "imported 3 labels (competitive 2, neutral 1); not imported 1: 1 skipped" in result.output
    assert len(load_examples([out], NO_MENTIONS)) == 3


@pytest.mark.parametrize("args, message", [
    (["export-labels", SAMPLE, "-o", "{tmp}/t.json", "--format", "excel"], "format = 'excel'"),
    (["export-labels", SAMPLE, "-o", "{tmp}/t.json", "--stance", "pro"], "stance = 'pro'"),
    (["export-labels", "{tmp}/none.jsonl", "-o", "{tmp}/t.json"], "No such file"),
    (["import-labels", SMALL, "-o", "{tmp}/o.jsonl", "--records", SMALL], "line 1: not an argmine record"),
])
def test_labels_cli_errors_fail_in_one_line(cli, tmp_path, args, message):
    result = cli(*[str(a).format(tmp=tmp_path) for a in args])
    assert result.exit_code == 2 and message in result.output


def test_labels_cli_import_with_nothing_accepted_exits_1(cli, tmp_path):
    path = _write(tmp_path, "db-out.jsonl", [dict(text=GOOD["text"], meta=GOOD, answer="ignore")])
    result = cli("import-labels", path, "--format", "prodigy", "-o", tmp_path / "o.jsonl")
    assert result.exit_code == 1 and "no accepted labels" in result.output
