"""Retraining the stance model: grouped CV, a card, skops files that load only with known types."""
from __future__ import annotations

import json

import pytest

from pipeline.errors import ArgmineError
from pipeline.train import MASKS_ALIKE_KEY, TRUSTED_TYPES, card_path, load_examples, load_model, relation_rows, train

from .conftest import DATA

SMALL = DATA / "stance_small.jsonl"


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    out = tmp_path_factory.mktemp("model") / "stance.skops"
    card = train([SMALL], out, seed=0, folds=2)
    return out, card


def test_train_writes_model_and_card(trained):
    out, card = trained
    assert out.exists() and card_path(out).exists()
    saved = json.loads(card_path(out).read_text())
    assert saved["data_sha256"] == card["data_sha256"] and len(saved["data_sha256"]) == 64
    assert saved["label_counts"]["claims"] == {"competitive": 14, "cooperative": 14, "neutral": 12}
    assert set(saved["claim_model"]["cv"]) == {"logistic_regression", "linear_svm", "complement_nb"}
    assert saved["claim_model"]["chosen"] in saved["claim_model"]["cv"]
    assert saved["versions"]["scikit-learn"]


def test_train_is_reproducible_with_a_seed(trained, tmp_path):
    _, card = trained
    again = train([SMALL], tmp_path / "again.skops", seed=0, folds=2)
    assert again["claim_model"] == card["claim_model"] and again["dyad_model"] == card["dyad_model"]


def test_train_card_compares_relation_models_with_and_without_a_parse(trained):
    out, card = trained
    dyad = card["dyad_model"]
    names = {"logistic_regression", "linear_svm", "complement_nb"}
    assert set(dyad["cv"]) == names | {f"{n}+dep" for n in names}
    assert dyad["chosen_fast"] in names and dyad["chosen"] in dyad["cv"]
    models, _ = load_model(out)
    assert ("relation_parsed" in models) == dyad["chosen"].endswith("+dep")


@pytest.mark.parametrize("claim_labels, relations, expected", [
    # pairs of neutral claims (the last three) are left out
    (["cooperative"] * 3 + ["competitive"] * 3 + ["neutral"] * 3, ["same"] * 3 + ["opposite"] * 3 + ["none"] * 3,
     [0, 1, 2, 3, 4, 5]),
    # a single relation among claims with a stance: all pairs
    (["cooperative"] * 6 + ["neutral"] * 3, ["same"] * 6 + ["none"] * 3, list(range(9))),
    # a relation seen twice cannot be calibrated with three folds
    (["cooperative"] * 9, ["same"] * 4 + ["opposite"] * 2 + ["none"] * 3, [0, 1, 2, 3, 6, 7, 8]),
])
def test_train_relation_rows_skip_neutral_claims_and_rare_relations(claim_labels, relations, expected):
    pairs = [(i, "CHN", "RUS") for i in range(9)]
    assert relation_rows(list(range(9)), pairs, claim_labels, relations) == expected


def test_train_load_refuses_a_model_without_the_relation_model(trained, tmp_path):
    import skops.io as sio

    models, _ = load_model(trained[0])
    old = tmp_path / "old.skops"
    sio.dump({"claim": models["claim"], "dyad": models["relation"], "labels": models["labels"]}, old)
    with pytest.raises(ArgmineError, match="missing relation.*retrain"):
        load_model(old)


def test_train_model_loads_and_predicts_probabilities(trained):
    out, _ = trained
    models, card = load_model(out)
    probabilities = models["claim"].predict_proba(["ACTOR and ACTOR signed a cooperation agreement. NACT2 COOPCUE"])
    assert probabilities.shape == (1, 3) and abs(probabilities.sum() - 1) < 1e-6


def test_train_load_refuses_unknown_types(tmp_path):
    import skops.io as sio
    from sklearn.preprocessing import FunctionTransformer

    path = tmp_path / "evil.skops"
    sio.dump({"claim": FunctionTransformer(print)}, path)
    with pytest.raises(ArgmineError, match="not on argmine's allowlist"):
        load_model(path)


def test_train_load_refuses_a_model_from_another_sklearn(trained, tmp_path):
    out, _ = trained
    copy = tmp_path / "old.skops"
    copy.write_bytes(out.read_bytes())
    card = json.loads(card_path(out).read_text())
    card["versions"]["scikit-learn"] = "0.24.2"
    card_path(copy).write_text(json.dumps(card))
    with pytest.raises(ArgmineError, match="trained with scikit-learn 0.24.2"):
        load_model(copy)


def test_train_missing_model_says_how_to_train(tmp_path):
    with pytest.raises(ArgmineError, match="make model"):
        load_model(tmp_path / "none.skops")


@pytest.mark.parametrize("line, message", [
    ('{"text": "x", "label": "pro"}', "line 1: label = 'pro'"),
    ('{"label": "neutral"}', "line 1: missing field 'text'"),
])
def test_train_bad_labels_name_file_and_line(tmp_path, line, message):
    bad = tmp_path / "bad.jsonl"
    bad.write_text(line + "\n")
    with pytest.raises(ArgmineError, match=message):
        load_examples([bad], lambda texts: [[] for _ in texts])


def test_train_allowlist_has_no_code_executing_types():
    assert not [t for t in TRUSTED_TYPES if t.startswith(("builtins.eval", "builtins.exec", "os.", "subprocess."))]


def test_train_marks_models_whose_unparsed_relation_model_reads_claims_masked_alike(trained):
    from pipeline.stance import reads_marked_pair

    models, _ = load_model(trained[0])
    assert models[MASKS_ALIKE_KEY] is True
    assert not reads_marked_pair(models, "relation") and reads_marked_pair(models, "relation_parsed")
    older = {key: value for key, value in models.items() if key != MASKS_ALIKE_KEY}
    assert reads_marked_pair(older, "relation")  # files saved before the flag read the pair marked
