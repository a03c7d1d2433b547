"""The inspector beside the chat (issue 20, item 5 and the inspector's side of item 3): Explain shows the verdict
the refill was decided on and, apart from it, what asking again now would get; the tables say local times and
kinds in words; every panel is in the session's language and shows no code name; the whole machine is drawn
in words. Render functions over a real conversation, and Chromium on a page built from the same functions."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from rxflow.flow import replies
from rxflow.flow.context import KEEP_DECIDED, Conversation
from rxflow.flow.states import State
from rxflow.ui import render

NOW = dt.datetime(2026, 11, 24, 11, 5)  # a Tuesday, Costco (PH004) open
ORDER = ("refill my lisinopril", "yes", "the cheapest", "yes")  # P001: ORD-30001 at Costco, pickup, ready 11:55
RENEWAL = ("refill omeprazole", "send the renewal request", "yes")  # P003: expired, REQ-40001 to the prescriber
DAY = 24 * 60
UPPER_SNAKE = re.compile(r"\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b")  # CONFIRM_ORDER, NOT_ELIGIBLE...


@pytest.fixture
def world(store):
    """A demo-mode assistant over conftest's fresh world, its clock pinned at NOW (world-local time, rxflow/clock.py)."""
    from rxflow.environment import build

    return build(store=store, program="offline", mode="demo", now=NOW)


def session(a, patient, *messages, lang=None):
    sid = a.start(patient)
    turn = None
    for m in messages:
        turn = a.handle(sid, m)
    if lang:
        a.choose(sid, language=lang)
    return sid, turn


# ----------------------------------------------------------------------------- Explain: the decision, then now
@pytest.mark.parametrize("lang, decided, now", [
    ("en", "verdict when decided (Tue Nov 24, 11:05): **allowed**", "If you asked again now (Tue Nov 24, 11:05): "
                                                                    "**not allowed**"),
    ("es", "veredicto al decidir (mar 24 nov, 11:05): **permitido**", "Si lo pidiera de nuevo ahora (mar 24 nov, "
                                                                      "11:05): **no permitido**"),
])
def test_explain_after_an_order_shows_the_decisions_verdict_and_apart_from_it_todays(world, lang, decided, now):
    sid, turn = session(world, "P001", *ORDER, lang=lang)
    explain = render.explain_md(world.view(sid, turn))
    then, later = explain.split(now)  # the decision first, then (apart) what asking again now gets
    assert decided in then and "lisinopril 10 mg** (RX1001)" in then
    rule = replies.say(lang, "page.rule.check_no_open_order")
    assert f"| 5 | {rule} | {replies.say(lang, 'page.rule_stage.eligibility')} | ✅ " in then  # no order then
    assert "❌" not in then
    # Now the order just placed is in progress: that rule fails, and it is the one shown as changed.
    assert replies.say(lang, "page.explain_changed") in later
    assert f"| 5 | {rule} | {replies.say(lang, 'page.rule_stage.eligibility')} | ❌ " in later and "ORD-30001" in later
    assert later.count("\n| ") == 2  # the header and that one rule: those not reached now are left out


def test_the_decision_is_kept_on_the_conversation_and_the_panel_draws_it_without_running_the_rules(world,
                                                                                                 monkeypatch):
    sid, _ = session(world, "P001", *ORDER)
    world.move_clock(sid, DAY)  # a day on: the record keeps its own time; "now" is the new one
    view = world.view(sid)  # a page load: no turn, the conversation as stored
    [record] = view.conversation.decided
    assert (record.rx_id, record.allowed, record.at) == ("RX1001", True, NOW)
    assert all(c.outcome == "pass" for c in record.checks) and len(record.checks) == 12

    def no_rules(*_):
        raise AssertionError("the panel ran the refill rules")

    monkeypatch.setattr("rxflow.policy.evaluate", no_rules)
    explain = render.explain_md(view)
    assert "verdict when decided (Tue Nov 24, 11:05): **allowed**" in explain
    assert "If you asked again now (Wed Nov 25, 11:05): **not allowed**" in explain


def test_a_refusal_is_a_decision_too_and_asking_again_unchanged_says_so(world):
    sid, turn = session(world, "P003", "refill my sertraline")  # too soon: refused at once
    explain = render.explain_md(world.view(sid, turn))
    assert "**sertraline 50 mg** (RX3001)" in explain
    assert "verdict when decided (Tue Nov 24, 11:05): **not allowed**" in explain
    assert "If you asked again now (Tue Nov 24, 11:05): **not allowed**, as when decided." in explain
    assert "| Not too soon | eligibility | ❌ fail |" in explain and "earliest: December 7, 2026" in explain
    assert explain.count("| Not too soon |") == 1  # nothing changed: the rules are not listed twice


def test_before_any_decision_explain_says_so_and_shows_the_rules_as_they_stand(world):
    sid, turn = session(world, "P001", "refill my lisinopril")  # at the dose question: not decided yet
    explain = render.explain_md(world.view(sid, turn))
    assert "not decided in this conversation yet" in explain and "If you asked again now" in explain
    assert "| Not too soon | eligibility | ✅ pass |" in explain
    assert render.explain_md(world.view(world.start("P003"))) == replies.say("en", "page.explain_none")


def test_the_record_holds_one_verdict_per_prescription_and_stays_bounded():
    conv = Conversation(session_id="s", patient_id="P001", today=NOW.date())
    verdict = type("Refill", (), {"allowed": True, "cash_only": False, "checks": []})
    for i in range(KEEP_DECIDED + 3):
        conv.decide(f"RX{i}", verdict, NOW)
    conv.decide("RX5", verdict, NOW + dt.timedelta(hours=1))  # decided again: the newer one replaces it
    assert len(conv.decided) == KEEP_DECIDED and [d.rx_id for d in conv.decided].count("RX5") == 1
    assert conv.decision("RX5").at == NOW + dt.timedelta(hours=1) and conv.decision("RX0") is None


# ----------------------------------------------------------------------------- the tables, in words
def test_the_requests_table_says_kinds_in_words_and_local_times_in_the_sessions_language(world):
    sid, turn = session(world, "P003", *RENEWAL)
    assert "REQ-40001" in turn.reply
    en = render.requests_table(world.view(sid)).iloc[0].to_dict()
    assert en == {"Request": "REQ-40001 · omeprazole 20 mg", "What": "renewal request to your prescriber",
                  "Status": "sent, waiting for an answer", "To": en["To"], "Why": "expired",
                  "Sent": replies.moment(world.view(sid).now)}  # the world's clock, not the server's
    assert en["Sent"] == "Tue Nov 24, 11:05"
    world.choose(sid, language="es")
    es = render.requests_table(world.view(sid))
    assert list(es.columns) == ["Solicitud", "Qué", "Estado", "A quién", "Por qué", "Enviada"]
    assert list(es.iloc[0])[1:3] == ["solicitud de renovación a su médico", "enviada, esperando respuesta"]
    assert list(es.iloc[0])[4:] == ["vencida", "mar 24 nov, 11:05"]
    page = render.requests_html(world.view(sid))
    assert "<th>A quién</th>" in page and "Solicitudes a una persona" in page and "renovación" in page


def test_the_orders_table_is_words_in_the_sessions_language(world):
    sid, _ = session(world, "P001", *ORDER, lang="es")
    table = render.orders_table(world.view(sid))
    assert list(table.columns) == ["Pedido", "Estado", "Precio", "Farmacia", "Listo"]
    assert list(table.iloc[0]) == ["ORD-30001 · lisinopril 10 mg × 30", "recibido", "$2.10 (con tarjeta de descuento)",
                                   "Costco Pharmacy - Riverton · recoger en la farmacia", "mar 24 nov, 11:55"]
    cells = [str(v) for v in table.to_numpy().ravel()]
    assert not any(re.search(r"\d{4}-\d{2}-\d{2}|_", c) for c in cells), cells  # no ISO times, no codes
    page = render.orders_html(world.view(sid))
    assert "<th>Estado</th>" in page and "Pedidos de este paciente" in page and "recibido" in page
    none = render.table_html(table.iloc[0:0], "Pedidos de este paciente", "Todavía no hay pedidos.", "rx-orders")
    assert "<table" not in none and "<p class='rx-empty'>Todavía no hay pedidos.</p>" in none


# ----------------------------------------------------------------------------- no code names, either language
SCENARIOS = {
    "ordered": ("P001", ORDER),
    "refused": ("P003", ("refill my sertraline",)),
    "interaction": ("P005", ("I need my warfarin",)),
    "prior_auth": ("P006", ("refill eliquis", "yes")),
    "request_sent": ("P003", RENEWAL),
    "cancelling": ("P001", (*ORDER, "cancel my order")),
    "choosing": ("P001", ("refill my lisinopril", "yes")),
}
# Codes that are words in the data but must reach a panel said in words (tool-call data keeps them as data).
RAW = ("discount_card", "in_progress", "pharmacist_callback", "refill_too_soon", "drug_interaction", "prior_auth",
       "not_reached", "on_hold", "renewal_needed")


def panels(a, sid, turn) -> dict[str, str]:
    view = a.view(sid, turn)
    conv = view.conversation
    return {"card": render.patient_card(view), "path": render.path_diagram(conv), "machine": render.diagram(conv),
            "machine_detail": render.machine_diagram(conv.lang, conv.state, conv.visited, detail=True),
            "slots": json.dumps(render.slots_json(conv), ensure_ascii=False, default=str),
            "alerts": render.alerts_md(conv), "receipt": render.order_md(view)[0],
            "program": render.program_md(turn, conv, view.program), "explain": render.explain_md(view),
            "orders": render.orders_table(view).to_csv(), "requests": render.requests_table(view).to_csv(),
            "orders_html": render.orders_html(view), "requests_html": render.requests_html(view),
            "tools": render.tools_html(turn, conv.lang), "labels": json.dumps(render.inspector_labels(conv.lang))}


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_no_panel_shows_a_code_name_in_either_language(world, scenario):
    patient, messages = SCENARIOS[scenario]
    sid, turn = session(world, patient, *messages)
    for lang in ("en", "es"):
        world.choose(sid, language=lang)
        shown = panels(world, sid, turn)
        for name, text in shown.items():
            assert not UPPER_SNAKE.findall(text), (lang, name, UPPER_SNAKE.findall(text))
            if name != "tools":  # the tool-call table shows each call's data as the tool returned it
                assert not [w for w in RAW if w in text], (lang, name, [w for w in RAW if w in text])
        if lang == "es":  # the headings and words are Spanish, not English left over
            assert "Alertas" in shown["alerts"] and "Programa" in shown["program"]
            assert "herramienta" in shown["tools"] or "No hubo llamadas" in shown["tools"]
            assert "etapa" in shown["slots"] and "stage" not in shown["slots"]


def test_the_spanish_panels_say_the_patient_card_alerts_and_receipt_in_spanish(world):
    sid, turn = session(world, "P005", "I need my warfarin", lang="es")
    view = world.view(sid, turn)
    card, alerts = render.patient_card(view), render.alerts_md(view.conversation)
    assert "| medicamento | estado | resurtidos restantes |" in card and "alergias:" in card
    assert "*Seguridad*" in alerts and "interacción de medicamentos con ibuprofen" in alerts
    assert "impide el resurtido" in alerts and "Regla:" in alerts and "siguiente: un farmacéutico" in alerts
    sid, _ = session(world, "P001", *ORDER, lang="es")
    receipt, oid = render.order_md(world.view(sid))
    assert oid == "ORD-30001" and "(genérico)" in receipt and "estado **recibido**" in receipt
    assert "listo hacia mar 24 nov, 11:55" in receipt and "(30 días)" in receipt


# ----------------------------------------------------------------------------- labels and the catalogue
SAME_WORD = {"tab_inspector"}  # "Inspector" is the Spanish word too


def test_inspector_labels_are_complete_and_spanish():
    en, es = render.inspector_labels("en"), render.inspector_labels("es")
    assert set(es) == set(en) and all(v.strip() for v in (*en.values(), *es.values()))
    assert {"tab_inspector", "tab_phone", "tab_explain", "tab_orders", "tab_about", "path", "machine", "slots",
            "tools", "track", "cancel", "orders", "requests", "order_col.status", "order_col.price"} <= set(en)
    assert [k for k in en if k not in SAME_WORD and es[k] == en[k]] == []
    assert (en["path"], es["path"]) == ("This conversation's path", "El camino de esta conversación")
    assert (en["track"], es["cancel"]) == ("Track order", "Cancelar el pedido")


def test_every_rule_stage_and_datum_the_rules_use_has_words():
    from rxflow.policy import RULES, STAGES

    assert {r.name: r.title for r in RULES} == {k[len("page.rule."):]: v for k, v in replies.EN.items()
                                                 if k.startswith("page.rule.")}  # the policy's own titles
    assert all(f"page.rule_stage.{s}" in replies.EN for s in STAGES)
    assert set(render.GROUP_OF) | {State.START} == set(State)  # every stage is in a group of the machine


def test_every_datum_a_rule_showed_a_demo_patient_has_a_name(world):
    keys = set()
    for pid in world.offered_patients():
        h = world.view(world.start(pid)).history
        keys |= {k for m in h.medications for c in m.refill.checks for k in c.facts}
    assert keys and not [k for k in keys if f"page.fact.{k}" not in replies.EN]


def test_the_whole_machine_is_drawn_in_words_with_the_conversation_marked():
    visited = [State.START, State.CONFIRM_DOSAGE, State.CHECK_AUTHORIZATION, State.SELECT_PHARMACY,
               State.CONFIRM_ORDER, State.COMPLETE]
    for lang in ("en", "es"):
        drawn = render.machine_diagram(lang, State.COMPLETE, visited)
        assert all(render.stage_name(s, lang) in drawn for s in State)
        assert f"▶ {render.stage_name(State.COMPLETE, lang)}" in drawn and "class g_end current" in drawn
        assert "class g_check visited" in drawn and "class g_cancel" not in drawn
        assert all(replies.say(lang, f"page.group.{g}") in drawn for g in render.STAGE_GROUPS)
        ids = set(re.findall(r"^\s+(s\d+|g_\w+)[\[(]", drawn, re.M))
        ends = {x for a, b in re.findall(r"(\S+) --> (\S+)", drawn) for x in (a, b)}
        assert ends and ends <= ids  # every arrow joins boxes that are drawn
        detail = render.machine_diagram(lang, detail=True)
        assert all(f's{i}["{render.stage_name(s, lang)}"]' in detail for i, s in enumerate(State) if s != State.START)
    assert render.zoom_js(1.25).startswith("() =>") and "#machine svg" in render.FULL_SIZE_JS


# ----------------------------------------------------------------------------- Chromium: the tables fit
# What a browser test of the wired page checks (tests/test_app.py after the integrator uses orders_html and
# INSPECTOR_CSS): at 1440x900 the Orders tab's tables scroll nowhere sideways, their Status and Price columns lie
# inside the inspector column, and no word is broken across lines. Until then, a page built from the same render
# functions and CSS in the page's own layout (chat scale 3, inspector scale 2) stands in for it.
MEASURE = """(sel) => {
  const box = document.querySelector(sel); const col = document.querySelector('#inspector').getBoundingClientRect();
  const sideways = [...box.querySelectorAll('*')].filter((e) => e.scrollWidth > e.clientWidth + 1
    && !['visible', 'hidden'].includes(getComputedStyle(e).overflowX)).length;
  const broken = [], outside = [];
  for (const cell of box.querySelectorAll('td, th')) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT); let n;
    while ((n = walker.nextNode())) {
      for (const m of n.data.matchAll(/\\S+/g)) {
        const r = document.createRange(); r.setStart(n, m.index); r.setEnd(n, m.index + m[0].length);
        const rects = [...r.getClientRects()].filter((x) => x.width > 0);
        if (rects.length > 1) { broken.push(m[0]); }
        if (rects.some((x) => x.right > col.right + 1)) { outside.push(m[0]); } } } }
  const heads = Object.fromEntries([...box.querySelectorAll('th')].map((h) => [h.innerText.trim(),
    h.getBoundingClientRect().right <= col.right + 1]));
  return {sideways, broken, outside, heads};
}"""


@pytest.mark.slow
def test_in_chromium_the_orders_tables_fit_the_inspector_without_scrolling_or_broken_words(world):
    """Both languages' tables in one inspector column (one page: a page load is most of a browser test's
    cost), then the machine's zoom, which a redraw keeps (the redraw draws the Spanish machine)."""
    from test_app import _browser, _need_chromium

    _need_chromium()
    import gradio as gr
    from chromium import sync_playwright
    from conftest import free_port

    from rxflow.ui.app import page_options

    ordered, asked = {}, {}
    for lang in ("en", "es"):  # demo mode: each session orders in a sandbox of its own
        ordered[lang], _ = session(world, "P001", "refill my lisinopril", "yes", "deliver it", "1", "yes", lang=lang)
        asked[lang], _ = session(world, "P003", *RENEWAL, lang=lang)
    options = page_options()
    options["css"] += render.INSPECTOR_CSS
    with gr.Blocks() as demo, gr.Row():
        with gr.Column(scale=3, min_width=340):
            gr.Chatbot(height=480)
        with gr.Column(scale=2, min_width=340, elem_id="inspector"):
            for lang in ("en", "es"):
                gr.HTML(render.orders_html(world.view(ordered[lang])), elem_id=f"orders-{lang}")
                gr.HTML(render.requests_html(world.view(asked[lang])), elem_id=f"requests-{lang}")
            machine = gr.Markdown(render.diagram(world.view(ordered["en"]).conversation), elem_id="machine")
            zoom = gr.Button(render.inspector_labels("en")["zoom_in"], elem_id="zoom-in")
            zoom.click(None, js=render.zoom_js(1.25))
            # what every turn does to the page: the machine drawn again (here the Spanish conversation's)
            redraw = gr.Button("redraw", elem_id="redraw")
            redraw.click(lambda: render.diagram(world.view(ordered["es"]).conversation), None, [machine])
    port = free_port()
    demo.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True, **options)
    try:
        with sync_playwright() as p:
            browser, page = _browser(p)
            page.goto(f"http://127.0.0.1:{port}/")
            page.wait_for_selector("#orders-es td", timeout=30_000)
            page.wait_for_selector("#machine svg", timeout=30_000)
            for lang in ("en", "es"):
                for box in (f"#orders-{lang}", f"#requests-{lang}"):
                    got = page.evaluate(MEASURE, box)
                    assert got["sideways"] == 0 and got["broken"] == [] and got["outside"] == [], (box, got)
                labels = render.inspector_labels(lang)
                heads = page.evaluate(MEASURE, f"#orders-{lang}")["heads"]
                assert heads[labels["order_col.status"]] and heads[labels["order_col.price"]], (lang, heads)
            width = lambda: page.evaluate("() => document.querySelector('#machine svg').getBoundingClientRect().width")  # noqa: E731
            before = width()
            assert before >= 640  # drawn legible (INSPECTOR_CSS), the box scrolls instead of shrinking it
            page.click("#zoom-in")
            # (Gradio draws a diagram more than once: the <svg> found may be replaced at any moment)
            def zoomed(svg: str) -> str:
                return (f"(() => {{ const s = document.querySelector('{svg}'); "
                        f"return !!s && s.getBoundingClientRect().width > {before + 50}; }})()")

            page.wait_for_function(zoomed("#machine svg"), timeout=5_000)
            # the zoom is the patient's, not the drawing's: the next turn's diagram is drawn at the same scale
            page.evaluate("() => document.querySelector('#machine svg').setAttribute('data-old', '1')")
            page.click("#redraw")
            # the Spanish machine drawn (an <svg> without the mark can show a moment before it), as legibly
            page.wait_for_function("(() => { const s = document.querySelector('#machine svg:not([data-old])'); "
                                   "return !!s && s.textContent.includes('Confirmar la dosis'); })()", timeout=10_000)
            page.wait_for_timeout(300)
            assert page.evaluate(zoomed("#machine svg:not([data-old])")), (before, width())
            browser.close()
    finally:
        demo.close()
