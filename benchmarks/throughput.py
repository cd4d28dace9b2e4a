"""Throughput, scaling and memory of `argmine process` against bare spaCy, on one generated corpus.

Run from the repository root (`make bench` does):

    .venv/bin/python -m benchmarks.throughput [--docs 2000] [--quick] [--seed 0]

The corpus recombines the repository's texts: the paragraphs of `corpus/*.txt` and the texts
of `annotations/stance/*.jsonl` (grouped into paragraphs), drawn with a fixed seed into
documents of 300-700 words, with their numbers re-drawn so that new strings keep arriving as
they do in a news archive. It is generated deterministically and cached under
`benchmarks/.cache/` (not tracked). Every run below reads the same texts in the same process:

- bare `en_core_web_sm` (`nlp.pipe`, in memory zones of 256 documents as the job has) and our
  `full` profile as the whole job does it (`batch.stream`: read JSONL, annotate in memory
  zones, validate, write JSONL);
- bare `spacy.blank("en")` tokenization and our `fast` profile, the same way;
- the `fast` job again, keeping no corpus words in the tokenizer's cache: the words this corpus
  repeats are few (see "distinct"), so the job soon keeps them all, and a news archive falls
  between the two `fast` runs;
- the `full` job again with `--n-process 2`.

Speed ratios compare CPU time, which does not grow when other processes share the machine:
a run's CPU time is that of this process and of the worker processes it waited for, and
its pipeline time is the CPU time spent in the tokenizer and the components, charged per
component by wrapping each one (exclusive: a component's `pipe` is charged only for its own
work, not for pulling documents from the components before it). `--n-process 2` against 1 is
a wall-clock ratio and needs both CPUs free: the table shows the load average beside it.
RSS is sampled every 50 ms while the `full` job streams, and after every chunk with the
number of documents done; growth is measured from the chunk that passes document 1,000 (half
the corpus with fewer documents) to the last one.

Results are printed as a table and written to `benchmarks/results.json` (not tracked).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import platform
import random
import re
import sys
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
CACHE = REPO / "benchmarks" / ".cache"
RESULTS_PATH = REPO / "benchmarks" / "results.json"
GENERATOR_VERSION = 1  # bump when the corpus recipe changes, to invalidate the cache
MIN_WORDS, MAX_WORDS = 300, 700
DEFAULT_DOCS, QUICK_DOCS = 2000, 200
BATCH_SIZE = 32  # the CLI's --batch-size default, for every run
CHUNK_SIZE = 256  # documents per memory zone, as batch.process streams them
GROWTH_FROM_DOC = 1000
TARGETS = {"full_vs_bare": 0.75, "fast_vs_full": 10.0, "n_process_2_vs_1": 1.6, "rss_growth_mb": 100.0}

logger = logging.getLogger("benchmarks.throughput")


# --- the corpus ------------------------------------------------------------------------------

def source_units(repo: Path, rng: random.Random) -> tuple[list[str], dict[str, int]]:
    """Paragraphs to recombine: corpus paragraphs, and stance texts grouped 3-6 to a paragraph."""
    paragraphs = [line.strip() for path in sorted((repo / "corpus").glob("*.txt"))
                  for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    stance = [json.loads(line)["text"] for path in sorted((repo / "annotations" / "stance").glob("*.jsonl"))
              for line in path.read_text(encoding="utf-8").splitlines()
              if line.strip() and isinstance(json.loads(line).get("text"), str)]
    rng.shuffle(stance)
    grouped = []
    while stance:
        size = rng.randint(3, 6)
        grouped.append(" ".join(stance[:size]))
        stance = stance[size:]
    if not paragraphs and not grouped:
        raise SystemExit(f"no texts to build a corpus from in {repo / 'corpus'} or {repo / 'annotations/stance'}")
    return paragraphs + grouped, {"corpus_paragraphs": len(paragraphs), "stance_paragraphs": len(grouped)}


def _redraw_number(match: re.Match[str], rng: random.Random) -> str:
    digits = match.group()
    if len(digits) == 4 and digits[:2] in ("19", "20"):
        return str(rng.randint(1991, 2025))
    return digits[0] + "".join(rng.choice("0123456789") for _ in digits[1:])


def _cut_to_words(text: str, words: int) -> str:
    """The first sentences of `text` that hold at most `words` words (at least one sentence)."""
    sentences = re.split(r"(?<=[.!?])\s+", text)
    kept, count = [], 0
    for sentence in sentences:
        n = len(sentence.split())
        if kept and count + n > words:
            break
        kept.append(sentence)
        count += n
    return " ".join(kept)


def generate_corpus(n_docs: int, seed: int, repo: Path = REPO) -> tuple[list[dict[str, str]], dict[str, int]]:
    """`n_docs` documents of 300-700 words recombined from the repository's texts."""
    rng = random.Random(seed)
    units, sources = source_units(repo, rng)
    number = re.compile(r"\d+")
    docs = []
    for i in range(n_docs):
        target = rng.randint(MIN_WORDS, MAX_WORDS)
        paragraphs, words = [], 0
        while words < MIN_WORDS or (words < target and len(paragraphs) < 40):
            unit = number.sub(lambda m: _redraw_number(m, rng), rng.choice(units))
            n = len(unit.split())
            if words + n > MAX_WORDS:
                unit = _cut_to_words(unit, MAX_WORDS - words)
                n = len(unit.split())
                if words + n > MAX_WORDS:
                    break
            paragraphs.append(unit)
            words += n
        docs.append({"id": f"bench-{i:05d}", "text": "\n\n".join(paragraphs)})
    return docs, sources


def corpus_file(n_docs: int, seed: int) -> tuple[Path, dict[str, int]]:
    """The cached JSONL corpus for (n_docs, seed, sources), generated if missing."""
    digest = hashlib.sha256(f"v{GENERATOR_VERSION} {n_docs} {seed}".encode())
    for path in sorted((REPO / "corpus").glob("*.txt")) + sorted((REPO / "annotations" / "stance").glob("*.jsonl")):
        digest.update(path.name.encode() + path.read_bytes())
    path = CACHE / f"corpus-{n_docs}-s{seed}-{digest.hexdigest()[:12]}.jsonl"
    meta_path = path.with_suffix(".json")
    if path.exists() and meta_path.exists():
        return path, json.loads(meta_path.read_text())
    docs, sources = generate_corpus(n_docs, seed)
    CACHE.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")
    os.replace(tmp, path)
    meta_path.write_text(json.dumps(sources))
    return path, sources


def read_texts(path: Path) -> list[str]:
    return [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines()]


def count_words(texts: Iterable[str]) -> int:
    return sum(len(text.split()) for text in texts)  # as batch.Summary counts them


# --- per-component time ----------------------------------------------------------------------

# Components are charged CPU time of the calling thread, not wall-clock time: it does not grow
# when other processes share the CPUs, so ratios stay comparable on a busy machine.
CLOCK = time.thread_time


class _Timed:
    """A pipeline component (or the tokenizer) that adds its own CPU time to `seconds[name]`."""

    def __init__(self, inner: Any, name: str, seconds: dict[str, float]) -> None:
        self._inner, self._name, self._seconds = inner, name, seconds
        seconds.setdefault(name, 0.0)

    def __call__(self, doc_or_text, **kwargs):
        start = CLOCK()
        try:
            return self._inner(doc_or_text, **kwargs)
        finally:
            self._seconds[self._name] += CLOCK() - start

    def __getattr__(self, attr: str) -> Any:
        if attr == "pipe":
            raise AttributeError(attr)  # spaCy then calls us document by document, as it would the inner one
        return getattr(self._inner, attr)


class _TimedPipe(_Timed):
    """A component with `pipe`: charged for the time in its generator minus the time pulling its input."""

    def pipe(self, docs: Iterable[Any], **kwargs) -> Iterator[Any]:
        pulling = [0.0]

        def pulled() -> Iterator[Any]:
            upstream = iter(docs)
            while True:
                start = CLOCK()
                try:
                    doc = next(upstream)
                except StopIteration:
                    return
                finally:
                    pulling[0] += CLOCK() - start
                yield doc

        results = self._inner.pipe(pulled(), **kwargs)
        while True:
            start = CLOCK()
            pulling[0] = 0.0
            try:
                doc = next(results)
            except StopIteration:
                return
            finally:
                self._seconds[self._name] += CLOCK() - start - pulling[0]
            yield doc


def time_components(nlp) -> dict[str, float]:
    """Wrap the tokenizer and every component of `nlp`; returns the dict their seconds accumulate in."""
    seconds: dict[str, float] = {}
    nlp.tokenizer = _Timed(nlp.tokenizer, "tokenizer", seconds)
    # Language keeps (name, component) pairs in _components; there is no public way to wrap one.
    nlp._components = [(name, (_TimedPipe if hasattr(proc, "pipe") else _Timed)(proc, name, seconds))
                       for name, proc in nlp._components]
    return seconds


# --- memory ----------------------------------------------------------------------------------

class RssSampler(threading.Thread):
    """Resident set size of this process (and its children) every `interval` seconds, and the peak."""

    def __init__(self, interval: float = 0.05, children: bool = False) -> None:
        super().__init__(daemon=True)
        import psutil

        self.process, self.interval, self.children = psutil.Process(), interval, children
        self.peak = 0
        self._finished = threading.Event()

    def rss(self) -> int:
        total = self.process.memory_info().rss
        if self.children:
            for child in self.process.children(recursive=True):
                try:
                    total += child.memory_info().rss
                except Exception:  # a child that just ended has no memory to count
                    continue
        return total

    def run(self) -> None:
        while not self._finished.is_set():
            self.peak = max(self.peak, self.rss())
            self._finished.wait(self.interval)

    def stop(self) -> None:
        self._finished.set()
        self.join()
        self.peak = max(self.peak, self.rss())


# --- the runs --------------------------------------------------------------------------------

@dataclass
class Run:
    """One measured run over the corpus."""

    name: str
    docs: int
    words: int
    wall: float  # seconds, wall-clock
    cpu: float  # CPU seconds of this process and the worker processes it waited for
    pipeline_cpu: float | None = None  # CPU seconds in the tokenizer and the components
    components: dict[str, float] = field(default_factory=dict)  # CPU seconds each
    peak_rss_mb: float | None = None
    rss_after_chunk: list[tuple[int, float]] = field(default_factory=list)  # (docs done, MB)
    load_average: tuple[float, float] = (0.0, 0.0)  # 1-minute load average at start and end

    @property
    def words_per_second(self) -> float:
        return self.words / self.wall

    @property
    def words_per_cpu_second(self) -> float:
        return self.words / self.cpu

    @property
    def pipeline_words_per_cpu_second(self) -> float:
        return self.words / (self.pipeline_cpu or self.cpu)


class _Stopwatch:
    """Wall-clock and CPU time (this process and its reaped children) of a block."""

    def __enter__(self) -> _Stopwatch:
        self._wall, self._cpu = time.perf_counter(), self._cpu_now()
        return self

    def __exit__(self, *exc) -> None:
        self.wall, self.cpu = time.perf_counter() - self._wall, self._cpu_now() - self._cpu

    @staticmethod
    def _cpu_now() -> float:
        t = os.times()
        return t.user + t.system + t.children_user + t.children_system


def _warm_up(nlp, texts: list[str]) -> None:
    _forget_cached_results()
    for _ in nlp.pipe(texts[:8], batch_size=BATCH_SIZE):
        pass


def _forget_cached_results() -> None:
    """Clear the functools caches of the pipeline package, so that a run does not find the claims
    of an earlier run already read: this corpus repeats its paragraphs, a job reads once."""
    for module in [m for name, m in sys.modules.items() if name.startswith("pipeline.")]:
        for value in vars(module).values():
            for cached in [value, *vars(value).values()] if isinstance(value, type) else [value]:
                cached = getattr(cached, "__func__", cached)  # a cached staticmethod
                if callable(getattr(cached, "cache_clear", None)):
                    cached.cache_clear()


def run_bare(name: str, nlp, texts: list[str]) -> Run:
    """Bare spaCy: `nlp.pipe` over the texts, nothing kept.

    Streamed as the job streams, in chunks of CHUNK_SIZE inside memory zones: both sides then
    pay the same tokenizer-cache and string-store costs, which on a corpus recombined from a
    few hundred paragraphs would otherwise favour a run that caches every paragraph it saw.
    """
    _warm_up(nlp, texts)
    seconds = time_components(nlp)
    with _Stopwatch() as clock:
        for start in range(0, len(texts), CHUNK_SIZE):
            with nlp.memory_zone():
                for _ in nlp.pipe(texts[start:start + CHUNK_SIZE], batch_size=BATCH_SIZE):
                    pass
    return Run(name, len(texts), count_words(texts), clock.wall, clock.cpu, sum(seconds.values()), dict(seconds))


def run_job(name: str, nlp, corpus: Path, texts: list[str], *, n_process: int = 1, timed: bool = True) -> Run:
    """The `argmine process` job on the corpus file, into a temporary output."""
    from pipeline.batch import local_runner, stream
    from pipeline.record import pipeline_info

    stance_id = nlp.get_pipe("argmine_stance").model_id  # loads the model now, as the CLI does
    _warm_up(nlp, texts)
    seconds = time_components(nlp) if timed else {}
    sampler = RssSampler(children=n_process > 1)
    after_chunk: list[tuple[int, float]] = []
    runner = local_runner(nlp, pipeline_info(nlp, stance_id), n_process=n_process, batch_size=BATCH_SIZE)

    def run(chunks):
        done = 0
        for results in runner(chunks):
            done += len(results)
            after_chunk.append((done, sampler.rss() / 2**20))
            yield results

    with tempfile.TemporaryDirectory(prefix="argmine-bench-") as tmp:
        sampler.start()
        with _Stopwatch() as clock:
            summary = stream([corpus], Path(tmp) / "out.jsonl", run, chunk_size=CHUNK_SIZE)
        sampler.stop()
    if summary.errors:
        logger.warning("%s: %d documents failed (see the errors file of a real run)", name, summary.errors)
    return Run(name, summary.docs, summary.words, clock.wall, clock.cpu, sum(seconds.values()) if timed else None,
               dict(seconds), sampler.peak / 2**20, after_chunk)


def rss_growth(run: Run, from_doc: int) -> tuple[int, float, float]:
    """(first doc count >= from_doc, RSS there, RSS after the last chunk), in MB."""
    start = next((d, mb) for d, mb in run.rss_after_chunk if d >= from_doc)
    return start[0], start[1], run.rss_after_chunk[-1][1]


# --- report ----------------------------------------------------------------------------------

def _ok(met: bool) -> str:
    return "met" if met else "NOT MET"


def report(runs: dict[str, Run], corpus: dict[str, Any], growth_from: int) -> tuple[str, dict[str, Any]]:
    bare_sm, full, full2 = runs["bare_sm"], runs["full"], runs["full_n2"]
    blank, fast, fast_unwarmed = runs["bare_blank"], runs["fast"], runs["fast_unwarmed"]
    ratios = {  # speed ratios; CPU-based except for --n-process, which is about wall-clock time
        "full_vs_bare": full.pipeline_words_per_cpu_second / bare_sm.pipeline_words_per_cpu_second,
        "full_job_vs_bare": full.words_per_cpu_second / bare_sm.words_per_cpu_second,
        "fast_vs_full": fast.pipeline_words_per_cpu_second / full.pipeline_words_per_cpu_second,
        "fast_job_vs_full_job": fast.words_per_cpu_second / full.words_per_cpu_second,
        "fast_unwarmed_vs_full": fast_unwarmed.pipeline_words_per_cpu_second / full.pipeline_words_per_cpu_second,
        "fast_vs_blank": fast.pipeline_words_per_cpu_second / blank.pipeline_words_per_cpu_second,
        "n_process_2_vs_1": full2.words_per_second / full.words_per_second,
    }
    wall_ratios = {
        "full_job_vs_bare": full.words_per_second / bare_sm.words_per_second,
        "fast_job_vs_full_job": fast.words_per_second / full.words_per_second,
        "n_process_2_vs_1": ratios["n_process_2_vs_1"],
    }
    met = {"full_vs_bare": ratios["full_vs_bare"] >= TARGETS["full_vs_bare"],
           "fast_vs_full": ratios["fast_vs_full"] >= TARGETS["fast_vs_full"],
           "n_process_2_vs_1": ratios["n_process_2_vs_1"] >= TARGETS["n_process_2_vs_1"]}
    at_doc, rss_start, rss_end = rss_growth(full, growth_from)
    last_doc = full.rss_after_chunk[-1][0]
    growth = rss_end - rss_start
    met["rss_growth_mb"] = growth < TARGETS["rss_growth_mb"]
    load = f"load average {corpus['load_average_at_start']:.1f} at start, {corpus['load_average_at_end']:.1f} at end"
    lines = [
        f"argmine throughput: {corpus['docs']:,} docs, {corpus['words']:,} words "
        f"({corpus['words'] / corpus['docs']:.0f} words/doc, {corpus['distinct_words']:,} distinct, seed "
        f"{corpus['seed']}), batch size {BATCH_SIZE}, "
        f"{os.cpu_count()} CPUs ({load}), Python {platform.python_version()}, spaCy {corpus['spacy']}",
        "",
        f"{'run':<40} {'wall s':>7} {'CPU s':>7} {'words/s':>9} {'words/CPU-s':>12} {'pipeline words/CPU-s':>21}",
    ]
    for run in (bare_sm, full, full2, blank, fast, fast_unwarmed):
        pipeline = f"{run.pipeline_words_per_cpu_second:21,.0f}" if run.pipeline_cpu else f"{'':>21}"
        lines.append(f"{run.name:<40} {run.wall:7.1f} {run.cpu:7.1f} {run.words_per_second:9,.0f} "
                     f"{run.words_per_cpu_second:12,.0f} {pipeline}")
    lines += [
        "",
        f"{'speed ratio':<56} {'value':>7}  {'target':>8}",
        f"{'full pipeline / bare en_core_web_sm (CPU)':<56} {ratios['full_vs_bare']:6.2f}x  {'>= 0.75x':>8}  "
        f"{_ok(met['full_vs_bare'])}",
        f"{'  full job (read, annotate, validate, write) / bare (CPU)':<56} {ratios['full_job_vs_bare']:6.2f}x",
        f"{'fast pipeline / full pipeline (CPU)':<56} {ratios['fast_vs_full']:6.1f}x  {'>= 10x':>8}  "
        f"{_ok(met['fast_vs_full'])}",
        f"{'  fast job / full job (CPU)':<56} {ratios['fast_job_vs_full_job']:6.1f}x",
        f"{'  fast pipeline, no words kept / full pipeline (CPU)':<56} {ratios['fast_unwarmed_vs_full']:6.1f}x",
        f"{'fast pipeline / bare blank(en) tokenization (CPU)':<56} {ratios['fast_vs_blank']:6.3f}x",
        f"{'full job --n-process 2 / --n-process 1 (wall)':<56} {ratios['n_process_2_vs_1']:6.2f}x  {'>= 1.6x':>8}  "
        f"{_ok(met['n_process_2_vs_1'])}  (load average {full.load_average[0]:.1f}-{full.load_average[1]:.1f} "
        f"and {full2.load_average[0]:.1f}-{full2.load_average[1]:.1f})",
        "",
        f"memory, full job in one process: peak RSS {full.peak_rss_mb:,.0f} MB; {rss_start:,.0f} MB after doc "
        f"{at_doc:,}, {rss_end:,.0f} MB after doc {last_doc:,}: growth {growth:+.0f} MB "
        f"(target < {TARGETS['rss_growth_mb']:.0f} MB: {_ok(met['rss_growth_mb'])})",
        f"memory, full job with --n-process 2, all processes: peak RSS {full2.peak_rss_mb:,.0f} MB",
        "",
    ]
    for run in (full, fast):
        total = sum(run.components.values())
        shares = ", ".join(f"{name} {100 * s / total:.1f}%" for name, s in
                           sorted(run.components.items(), key=lambda item: -item[1]))
        lines.append(f"CPU share in the {run.name.split(' (')[0]} pipeline ({total:.1f} CPU s; the job spent "
                     f"{run.cpu - total:.1f} CPU s more reading, converting, validating, writing): {shares}")
    base = set(bare_sm.components)
    ours = sum(s for name, s in full.components.items() if name not in base)
    total = sum(full.components.values())
    lines.append(f"our components in the full pipeline: {ours:.1f} of {total:.1f} CPU s ({100 * ours / total:.1f}%); "
                 f"the base components took {total - ours:.1f} CPU s there and {sum(bare_sm.components.values()):.1f} "
                 f"CPU s bare")
    results = {
        "corpus": corpus,
        "environment": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
                        "spacy": corpus["spacy"], "batch_size": BATCH_SIZE, "component_clock": "thread CPU time"},
        "runs": {key: asdict(run) | {"words_per_second": run.words_per_second,
                                     "words_per_cpu_second": run.words_per_cpu_second,
                                     "pipeline_words_per_cpu_second": run.pipeline_words_per_cpu_second}
                 for key, run in runs.items()},
        "ratios": ratios,
        "wall_ratios": wall_ratios,
        "memory": {"peak_rss_mb": full.peak_rss_mb, "growth_from_doc": at_doc, "rss_at_from_doc_mb": rss_start,
                   "to_doc": last_doc, "rss_at_last_doc_mb": rss_end, "growth_mb": growth,
                   "peak_rss_n_process_2_mb": full2.peak_rss_mb},
        "targets": TARGETS,
        "met": met,
    }
    return "\n".join(lines), results


def _keeping_no_words(nlp):
    """`nlp` with no corpus words tokenized outside the job's memory zones (pipeline/tokenizer_cache.py).

    This corpus repeats a small vocabulary, so the job soon keeps every word it has; a news
    archive keeps only its frequent ones. Its speed lies between this run's and the `fast` run's.
    """
    from pipeline.tokenizer_cache import frequent_words

    frequent_words(nlp, limit=0)
    return nlp


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=None, help=f"documents to generate ({DEFAULT_DOCS:,} by default)")
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_DOCS} documents, for development")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--output", type=Path, default=RESULTS_PATH)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    n_docs = args.docs or (QUICK_DOCS if args.quick else DEFAULT_DOCS)

    import spacy

    from pipeline.profiles import find_base_model, load_pipeline

    path, sources = corpus_file(n_docs, args.seed)
    texts = read_texts(path)
    load = os.getloadavg()[0]
    if load > 1.0:
        logger.warning("load average is %.1f: other processes share the CPUs and will slow every run", load)
    corpus = {"docs": len(texts), "words": count_words(texts), "seed": args.seed, "file": path.name,
              "distinct_words": len({word for text in texts for word in text.split()}),
              "sources": sources, "spacy": spacy.__version__, "load_average_at_start": load}
    logger.info("corpus %s: %d docs, %d words", path.name, corpus["docs"], corpus["words"])
    runs: dict[str, Run] = {}
    steps = [
        ("bare_sm", lambda: run_bare(f"bare {find_base_model()} (nlp.pipe)", spacy.load(find_base_model()), texts)),
        ("full", lambda: run_job("argmine full (job)", load_pipeline("full"), path, texts)),
        ("full_n2", lambda: run_job("argmine full (job, --n-process 2)", load_pipeline("full"), path, texts,
                                    n_process=2, timed=False)),
        ("bare_blank", lambda: run_bare('bare spacy.blank("en") (nlp.pipe)', spacy.blank("en"), texts)),
        ("fast", lambda: run_job("argmine fast (job)", load_pipeline("fast"), path, texts)),
        ("fast_unwarmed", lambda: run_job("argmine fast (job, no words kept)", _keeping_no_words(load_pipeline("fast")),
                                          path, texts)),
    ]
    for key, measure in steps:
        logger.info("running %s ...", key)
        load_before = os.getloadavg()[0]
        runs[key] = measure()
        runs[key].load_average = (load_before, os.getloadavg()[0])
        logger.info("  %.1f s, %.1f CPU s, %s words/s", runs[key].wall, runs[key].cpu,
                    f"{runs[key].words_per_second:,.0f}")
    corpus["load_average_at_end"] = os.getloadavg()[0]
    growth_from = GROWTH_FROM_DOC if n_docs > GROWTH_FROM_DOC else n_docs // 2
    table, results = report(runs, corpus, growth_from)
    print(table)
    args.output.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {args.output.relative_to(REPO) if args.output.is_relative_to(REPO) else args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
