"""`pipeline.report`: the HTML report, checked as markup and in headless Chromium."""
from __future__ import annotations

import base64
import contextlib
import copy
import fcntl
import json
import os
import re
import select
import subprocess
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest

from pipeline.inspect import load
from pipeline.io import read_jsonl_records
from pipeline.report import render_document, render_text, select_actors, write_report
from pipeline.schema import schema_errors

from .conftest import DATA

SAMPLE = DATA / "inspect_sample.jsonl"
RECORDS = read_jsonl_records(SAMPLE)
CHROMIUM = Path("/usr/bin/chromium")
PAYLOAD = ("<script>window.__pwned=true;document.title='PWNED'</script> "
           "<img src=x onerror=\"window.__pwned=true;document.title='PWNED'\">")
DECORATIONS = {"tag", "code", "kind"}  # spans the report adds to the text: claim tags, actor codes, fact kinds


def hostile_record() -> dict:
    """A schema-valid record whose text, id, title, link and fields carry markup and script."""
    record = copy.deepcopy(next(r for r in RECORDS if r["id"] == "oped-india-china"))
    start = len(record["text"]) + 1
    record["text"] += " " + PAYLOAD
    record["id"] = "hostile <b>id</b>"
    record["meta"] = {"title": "<script>window.__pwned=true</script>Hostile <i>title</i>",
                      "url": "javascript:window.__pwned=true", "outlet": "<img src=x onerror=alert(1)>"}
    record["claims"].append({
        "id": "c6", "start": start, "end": len(record["text"]), "text": PAYLOAD, "sentence": 3, "role": "premise",
        "role_score": 0.5, "supports": "c4", "connective": "<i>and</i>", "actors": [], "stance": "competitive",
        "stance_scores": {"cooperative": 0.1, "competitive": 0.8, "neutral": 0.1}, "dyads": [], "facts": []})
    record["sentences"].append({"start": start, "end": len(record["text"])})
    record["facts"][0]["subject"] = "<b onmouseover=alert(1)>states</b>"
    assert schema_errors(record) == []
    return record


@pytest.fixture
def hostile_output(tmp_path) -> Path:
    path = tmp_path / "hostile.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        for record in RECORDS + [hostile_record()]:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


class _TextOfDoc(HTMLParser):
    """The characters of rendered text minus the report's decorations; checks that tags nest."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []
        self.text: list[str] = []
        self.elements: list[str] = []

    def handle_starttag(self, tag, attrs):
        classes = set((dict(attrs).get("class") or "").split())
        hidden = bool(classes & DECORATIONS) or any(h for _, h in self.stack)
        self.stack.append((tag, hidden))
        self.elements.append(tag)

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1][0] == tag, f"</{tag}> closes {self.stack[-1:] or 'nothing'}"
        self.stack.pop()

    def handle_data(self, data):
        if not any(h for _, h in self.stack):
            self.text.append(data)


@pytest.mark.parametrize("record", RECORDS + [hostile_record()], ids=lambda r: r["id"])
def test_report_text_keeps_every_character_and_nests(record):
    parser = _TextOfDoc()
    parser.feed(render_text(record, "d1"))
    parser.close()
    assert "".join(parser.text) == record["text"]
    assert not parser.stack
    assert set(parser.elements) <= {"span", "a"}  # no markup from the article survives as markup


def test_report_marks_crossing_a_claim_boundary_are_split_not_broken():
    record = {"id": "x", "text": "China and Russia agree. Kazakhstan waits.",
              "claims": [{"id": "c1", "start": 0, "end": 23, "text": "China and Russia agree.", "role": "claim",
                          "stance": "cooperative", "stance_scores": {"cooperative": 0.9, "competitive": 0.05, "neutral": 0.05},
                          "dyads": [], "facts": []}],
              "entities": [{"start": 10, "end": 28, "text": "Russia agree. Kaza", "label": "UNCODED", "code": None,
                            "mention": "name"}],
              "facts": []}
    parser = _TextOfDoc()
    parser.feed(render_text(record, "d1"))
    assert "".join(parser.text) == record["text"] and not parser.stack
    assert render_text(record, "d1").count('class="ent uncoded"') == 2


def test_report_claims_show_stance_role_support_and_scores():
    record = next(r for r in RECORDS if r["id"] == "gpca-eu-trade")
    html = render_document(record, 2)
    claim = re.search(r'<span class="claim s-cooperative r-premise" id="d2-c3" data-supports="d2-c1" title="([^"]*)">', html)
    assert claim, html[:2000]
    assert "c3 · premise (0.78) → supports c1" in claim.group(1)
    assert "cooperative 0.69 | competitive 0.19 | neutral 0.12" in claim.group(1)
    assert "facts: $39.9 billion (USD 39.9 bn); $12.5 billion (USD 12.5 bn)" in claim.group(1)
    assert '<span class="tag">c3 P <a href="#d2-c1">→c1</a></span>' in html
    assert '<span class="fact" title="f2 · money: USD 39.9 bn · year 2022 · subject: Kazakh-European trade' in html
    assert '<span class="ent" title="KAZ · COUNTRY · name">Kazakhstan<span class="code">KAZ</span></span>' in html


def test_report_escapes_everything_from_records(hostile_output, tmp_path):
    result = write_report(hostile_output, tmp_path / "report.html")
    html = result.path.read_text(encoding="utf-8")
    body = html.split("<main>", 1)[1].split("</main>", 1)[0]
    assert "<script" not in body and "<img" not in body and "<b>id" not in body and "<i>" not in body
    assert "&lt;script&gt;window.__pwned=true;document.title=&#x27;PWNED&#x27;&lt;/script&gt;" in body
    assert "&lt;img src=x onerror=&quot;window.__pwned=true" in body
    assert "javascript:" not in body  # meta.url is linked only when it is http(s)
    assert html.count("<script>") == 1  # the report's own script, allowed by hash in the CSP
    assert "Content-Security-Policy" in html and "script-src 'sha256-" in html


def test_report_is_self_contained(tmp_path):
    html = write_report(SAMPLE, tmp_path / "r.html").path.read_text(encoding="utf-8")
    assert not re.search(r"<(script|link|img|iframe)[^>]+(src|href)=\"(https?:)?//", html)
    assert "@import" not in html and "url(http" not in html
    external = re.findall(r'href="(https?://[^"]+)"', html)  # only the articles' own links, opened on click
    assert external and all(u.startswith("https://valdaiclub.com/") for u in external)


def test_report_pages_and_index(tmp_path):
    result = write_report(SAMPLE, tmp_path / "report.html", per_page=4)
    assert (result.documents, result.pages) == (11, 3)
    files = sorted(p.name for p in result.pages_dir.iterdir())
    assert files == ["page-0002.html", "page-0003.html"]
    first = result.path.read_text(encoding="utf-8")
    assert first.count('<article class="doc card"') == 4
    assert 'href="report_pages/page-0002.html#d5"' in first and 'href="report_pages/page-0003.html#d11"' in first
    third = (result.pages_dir / "page-0003.html").read_text(encoding="utf-8")
    assert third.count('<article class="doc card"') == 3 and 'href="../report.html#overview"' in third
    assert 'href="page-0002.html" rel="prev"' in third
    # a shorter report later removes the pages it no longer has
    assert write_report(SAMPLE, tmp_path / "report.html", per_page=50).pages == 1
    assert not list(result.pages_dir.glob("page-*.html"))


def test_report_selected_documents(tmp_path):
    result = write_report(SAMPLE, tmp_path / "r.html", docs=["brief-japan", "note-markets"])
    html = result.path.read_text(encoding="utf-8")
    assert result.documents == 2 and html.count('<article class="doc card"') == 2
    with pytest.raises(ValueError, match="no document with id 'nope'"):
        write_report(SAMPLE, tmp_path / "r.html", docs=["nope"])


def test_report_of_an_empty_output(tmp_path):
    empty = tmp_path / "empty.jsonl"
    empty.write_text("", encoding="utf-8")
    result = write_report(empty, tmp_path / "r.html")
    html = result.path.read_text(encoding="utf-8")
    assert (result.documents, result.pages) == (0, 1)
    assert "No dyads in this output." in html and "No facts in this output." in html


def test_report_heatmap_and_network(tmp_path):
    html = write_report(SAMPLE, tmp_path / "r.html", top_actors=5).path.read_text(encoding="utf-8")
    heatmap = html.split('<svg id="heatmap"', 1)[1].split("</svg>", 1)[0]
    cells = re.findall(r'<g class="cell" data-dyad="([A-Z-]+)" data-net="([-0-9.]+)" data-claims="(\d+)"', heatmap)
    assert ("CHN-RUS", "0.833", "6") in cells and ("RUS-USA", "-0.800", "5") in cells
    actors = select_actors(load(SAMPLE).summary(), 5)
    assert actors == ["RUS", "USA", "CHN", "KAZ", "CAS"]  # in most dyad claims (ties by code)
    among = [r for r in load(SAMPLE).relations().itertuples() if r.a in actors and r.b in actors]
    assert len(cells) == 2 * len(among) == 10  # both halves of the matrix
    network = html.split('<svg id="network"', 1)[1].split("</svg>", 1)[0]
    assert network.count('<line class="edge"') == 5 and network.count('<g class="node"') == 5


# --------------------------------------------------------------------------- in a real browser

def _above_4(fd: int) -> int:
    """The same pipe end on a number above 4 (close-on-exec), so dup2 onto 3 and 4 cannot clobber it."""
    high = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
    os.close(fd)
    return high


class DevTools:
    """A minimal Chrome DevTools Protocol client over --remote-debugging-pipe (fds 3 and 4)."""

    def __init__(self, profile: Path, log: Path, timeout: float = 30.0) -> None:
        to_child, self._commands = map(_above_4, os.pipe())
        self._events_fd, from_child = map(_above_4, os.pipe())

        def wire() -> None:  # in the child: Chromium reads commands on fd 3 and answers on fd 4
            os.dup2(to_child, 3)  # dup2 onto another number clears close-on-exec on 3 and 4
            os.dup2(from_child, 4)

        args = [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-extensions", "--hide-scrollbars", "--remote-debugging-pipe",
                f"--user-data-dir={profile}", "about:blank"]
        with log.open("wb") as stderr:
            self.process = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=stderr,
                                            preexec_fn=wire, close_fds=False)
        os.close(to_child)
        os.close(from_child)
        self.timeout, self.buffer, self.events, self.last_id = timeout, b"", [], 0

    def _read(self) -> dict:
        deadline = time.monotonic() + self.timeout
        while b"\0" not in self.buffer:
            ready, _, _ = select.select([self._events_fd], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                raise TimeoutError("Chromium did not answer")
            chunk = os.read(self._events_fd, 1 << 20)
            if not chunk:
                raise EOFError("Chromium closed the DevTools pipe")
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def send(self, method: str, params: dict | None = None, session: str | None = None) -> dict:
        self.last_id += 1
        message = {"id": self.last_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._commands, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._read()
            if reply.get("id") == self.last_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply["result"]
            self.events.append(reply)

    def wait_for(self, method: str) -> dict:
        while True:
            for event in self.events:
                if event.get("method") == method:
                    self.events.remove(event)
                    return event
            self.events.append(self._read())

    def evaluate(self, session: str, expression: str):
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True}, session)
        assert "exceptionDetails" not in result, result
        return result["result"].get("value")

    def close(self) -> None:
        with contextlib.suppress(EOFError, TimeoutError, OSError):  # it may be gone already
            self.send("Browser.close")
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self._commands)
        os.close(self._events_fd)


def _problems(events: list[dict]) -> list[str]:
    """Uncaught exceptions, console errors and browser log errors (CSP violations, failed loads)."""
    found = []
    for event in events:
        method, params = event.get("method"), event.get("params", {})
        if method == "Runtime.exceptionThrown":
            found.append(params["exceptionDetails"].get("exception", {}).get("description")
                         or params["exceptionDetails"].get("text"))
        elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert", "warning"):
            found.append(" ".join(str(a.get("value", a.get("description"))) for a in params.get("args", [])))
        elif method == "Log.entryAdded" and params["entry"].get("level") in ("error", "warning"):
            found.append(params["entry"].get("text"))
    return found


CHECKS = """(() => {
  const q = (s) => document.querySelectorAll(s);
  const hostile = [...q('article.doc')].find(a => a.querySelector('code').textContent === 'hostile <b>id</b>');
  const facts = document.getElementById('facts-table');
  facts.tHead.rows[0].cells[3].click();
  const values = [...facts.tBodies[0].rows].map(r => r.cells[3].getAttribute('data-sort')).filter(v => v !== '').map(Number);
  const premise = document.getElementById('d6-c2');
  premise.dispatchEvent(new MouseEvent('mouseover', {bubbles: true}));
  const linked = document.getElementById('d6-c1').classList.contains('linked');
  premise.dispatchEvent(new MouseEvent('mouseout', {bubbles: true}));
  const major = document.getElementById('d6-c1');
  const bare = (element) => {  // text without the report's claim tags, actor codes and fact kinds
    const copy = element.cloneNode(true);
    copy.querySelectorAll('.tag, .code, .kind').forEach(e => e.remove());
    return copy.textContent;
  };
  return {
    title: document.title, pwned: window.__pwned === true,
    scriptsInMain: q('main script').length, imagesInMain: q('main img').length,
    hostileText: hostile ? hostile.querySelector('.doc-text').textContent : null,
    hostileTitle: hostile ? hostile.querySelector('h3').textContent : null,
    hostileLinks: hostile ? [...hostile.querySelectorAll('a[href^="javascript"]')].length : -1,
    claims: q('.claim[id]').length,
    major: major ? [major.className, bare(major)] : null,
    heatmapCells: q('svg#heatmap g.cell').length,
    heatmapVisible: document.getElementById('heatmap').getBoundingClientRect().width > 300,
    edges: q('svg#network line.edge').length,
    factRows: facts.tBodies[0].rows.length, valuesSorted: values.every((v, i) => i === 0 || values[i - 1] <= v),
    linked: linked,
    hostileTop: hostile ? hostile.getBoundingClientRect().top + window.scrollY : null,
    hostileHeight: hostile ? hostile.getBoundingClientRect().height : null,
  };
})()"""


@pytest.fixture
def browser(tmp_path):
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not found: run scripts/ensure_chromium.sh (make test does) to install Debian's chromium")
    tools = DevTools(tmp_path / "chromium-profile", tmp_path / "chromium.log")
    yield tools
    tools.close()


def test_report_in_headless_chromium(browser, hostile_output, tmp_path):
    report = write_report(hostile_output, tmp_path / "report.html").path
    target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
    session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
    for domain in ("Page", "Runtime", "Log"):
        browser.send(f"{domain}.enable", session=session)
    browser.send("Emulation.setDeviceMetricsOverride",
                 {"width": 1280, "height": 2000, "deviceScaleFactor": 1, "mobile": False}, session)
    browser.send("Page.navigate", {"url": report.as_uri()}, session)
    browser.wait_for("Page.loadEventFired")
    seen = browser.evaluate(session, CHECKS)

    shot = browser.send("Page.captureScreenshot", {"format": "png"}, session)
    (tmp_path / "report.png").write_bytes(base64.b64decode(shot["data"]))
    clip = {"x": 0, "y": seen["hostileTop"] - 10, "width": 1280, "height": min(seen["hostileHeight"] + 20, 1400), "scale": 1}
    shot = browser.send("Page.captureScreenshot", {"format": "png", "clip": clip, "captureBeyondViewport": True}, session)
    (tmp_path / "report-hostile-document.png").write_bytes(base64.b64decode(shot["data"]))
    time.sleep(0.2)  # let late console messages arrive before looking
    browser.evaluate(session, "1")

    assert _problems(browser.events) == []
    assert seen["title"] == "argmine report: hostile.jsonl" and not seen["pwned"]
    assert seen["scriptsInMain"] == 0 and seen["imagesInMain"] == 0 and seen["hostileLinks"] == 0
    assert PAYLOAD in seen["hostileText"]
    assert seen["hostileTitle"].endswith("<script>window.__pwned=true</script>Hostile <i>title</i>")
    assert seen["claims"] == 52 + 6
    assert seen["major"][0] == "claim s-competitive r-major_claim"
    assert seen["major"][1] == "India and China compete for influence across Central Asia,"
    assert seen["heatmapCells"] == 2 * 18 and seen["heatmapVisible"] and seen["edges"] == 18
    assert seen["factRows"] == 21 + 3 and seen["valuesSorted"] and seen["linked"]
    png = (tmp_path / "report.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 50_000
