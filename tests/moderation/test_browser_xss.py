"""Every XSS vector in ../shared/testdata/xss/, loaded raw and sanitised in a real Chromium.

Each vector goes into its own iframe (srcdoc), a hundred to a page. Before the vector, the
frame gets a hook that reports any call of alert/confirm/prompt/print to the test page, which
is how the vectors show that their script ran. Then each frame gets the vector's own trigger
(h5sc), and every element is hovered, focused and clicked; navigation away is cancelled unless
it is to a javascript: URL. Most raw vectors no longer run in a modern Chromium: the raw count
is there to prove the harness detects the ones that do; after sanitising it must be 0.
"""

import json

import pytest

from cms.moderation.sanitiser import sanitise_html
from tests.browser import block_outside_requests

from .conftest import xss_vectors

BATCH = 100

HOOK = """<script>(function(){
  var id = %d;
  function hit(){ parent.postMessage({kepuHit: id}, "*"); }
  window.alert = window.confirm = window.prompt = window.print = hit;
  function scriptUrl(u){ return /^[\\x00-\\x20]*javascript:/i.test((u || "").replace(/[\\t\\n\\r]/g, "")); }
  document.addEventListener("click", function(e){
    var a = e.target.closest && e.target.closest("a[href], area[href]");
    if (a && !scriptUrl(a.getAttribute("href"))) e.preventDefault();
  }, true);
  document.addEventListener("submit", function(e){
    var action = (e.submitter && e.submitter.getAttribute("formaction")) || e.target.getAttribute("action");
    if (!scriptUrl(action)) e.preventDefault();
  }, true);
})();</script>"""

HARNESS = """async ({vectors, hook}) => {
  const hits = new Set(), done = new Set();
  window.addEventListener("message", (e) => {
    const d = e.data || {};
    if (d.kepuHit !== undefined) hits.add(d.kepuHit);
    if (d.kepuDone !== undefined) done.add(d.kepuDone);
  });
  const frames = await Promise.all(vectors.map((v) => new Promise((resolve) => {
    const frame = document.createElement("iframe");
    frame.onload = () => resolve([v, frame]);
    frame.srcdoc = hook.replace("%d", String(v.id)) + v.html;
    document.body.appendChild(frame);
  })));
  for (const [v, frame] of frames) {
    const win = frame.contentWindow, doc = frame.contentDocument;
    if (!win || !doc) continue;
    if (v.trigger) { try { win.eval(v.trigger); } catch (e) {} }
    for (const el of Array.from(doc.querySelectorAll("*"))) {
      try {
        el.dispatchEvent(new MouseEvent("mouseover", {bubbles: true}));
        el.dispatchEvent(new FocusEvent("focus"));
        if (el.matches("a, area, button, input, summary, details")) el.click();
      } catch (e) {}
    }
  }
  // Every frame answers once the tasks its vector queued so far have run, or has navigated
  // away (its timers then never fire: the new document's load event stands in).
  const settled = Promise.all(frames.map(([v, frame]) => new Promise((resolve) => {
    frame.addEventListener("load", resolve);
    const win = frame.contentWindow;
    try {
      win.setTimeout(() => win.setTimeout(() => parent.postMessage({kepuDone: v.id}, "*"), 0), 0);
    } catch (e) { resolve(); }
    const check = () => done.has(v.id) ? resolve() : requestAnimationFrame(check);
    check();
  })));
  const guard = new Promise((_, reject) => setTimeout(
    () => reject(new Error("frames did not settle: " + frames.filter(([v]) => !done.has(v.id)).map(([v]) => v.id))),
    30000));
  await Promise.race([settled, guard]);
  return Array.from(hits);
}"""


def run_vectors(page, vectors):
    """Load vectors [(id, html, trigger)]; return the ids whose script called the hook, and the
    number of real dialogs (script in a frame the vector made itself, where the hook is not)."""
    ran, dialogs = set(), []

    def on_dialog(dialog):
        dialogs.append(dialog.message)
        try:
            dialog.dismiss()
        except Exception:  # the frame that opened it may be gone already
            pass

    page.on("dialog", on_dialog)
    for start in range(0, len(vectors), BATCH):
        page.set_content("<!doctype html><title>xss</title>")
        batch = [{"id": i, "html": html, "trigger": trigger} for i, html, trigger in vectors[start : start + BATCH]]
        ran.update(page.evaluate(HARNESS, {"vectors": batch, "hook": HOOK}))
    page.remove_listener("dialog", on_dialog)
    return ran, len(dialogs)


@pytest.fixture
def page(browser):
    context = browser.new_context(java_script_enabled=True)
    block_outside_requests(context, [])
    page = context.new_page()
    yield page
    context.close()


def test_no_vector_runs_script_after_sanitising(page, capsys):
    records = [record for _stem, _index, record in xss_vectors()]
    raw = [(i, r["payload"], r.get("trigger")) for i, r in enumerate(records)]
    clean = [(i, sanitise_html(r["payload"]), r.get("trigger")) for i, r in enumerate(records)]

    ran_raw, dialogs_raw = run_vectors(page, raw)
    ran_clean, dialogs_clean = run_vectors(page, clean)

    with capsys.disabled():
        print(
            f"\nXSS in Chromium: {len(records)} vectors; script ran for {len(ran_raw)} raw "
            f"(+{dialogs_raw} dialogs from frames they made), {len(ran_clean)} after sanitising "
            f"(+{dialogs_clean} dialogs)"
        )
    assert len(ran_raw) > 20, "the harness should catch the raw vectors that still run in Chromium"
    assert ran_clean == set(), [json.dumps(records[i]["payload"], ensure_ascii=False) for i in sorted(ran_clean)]
    assert dialogs_clean == 0
