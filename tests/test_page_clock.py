"""The demo page's world (issue 19, items 5, 7 and 9): the world's time above the chat and its clock control,
the Phone tab (the texts the outbox has sent by the session's clock), whose record is in use, and the orders
table's fulfilment and status at the clock. Render functions in English and Spanish, the page's events as the
page calls them, and Chromium."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from helpers import page_functions

from rxflow.ratelimit import RateLimiter
from rxflow.ui import render

NOW = dt.datetime(2026, 11, 24, 11, 5)  # a Tuesday, Costco (PH004) open: 50 min to ready
ORDER = ("refill my lisinopril", "yes", "the cheapest", "yes")  # P001: Costco, pickup, ready 11:55
DELIVERY = ("refill my lisinopril", "yes", "deliver it", "1", "yes")  # P001: CVS Market St, courier 16:00-20:00
DAY = 24 * 60


@pytest.fixture
def world(store):
    """A demo-mode assistant over conftest's fresh world, its clock pinned at NOW."""
    from rxflow.environment import build

    return build(store=store, program="offline", mode="demo", now=NOW)


def session(a, patient="P001", *messages, lang=None):
    sid = a.start(patient)
    if lang:
        a.choose(sid, language=lang)
    for m in messages:
        a.handle(sid, m)
    return sid


# ----------------------------------------------------------------------------- render, English and Spanish
def test_the_worlds_time_above_the_chat_in_the_pages_language(world):
    sid = session(world)
    assert render.world_md(world.view(sid), "Riverton") == "🕒 Tue Nov 24, 11:05 (Riverton time)"
    world.choose(sid, language="es")
    assert render.world_md(world.view(sid), "Riverton") == "🕒 mar 24 nov, 11:05 (hora de Riverton)"
    assert render.clock_labels("en") == {"hour": "+1 hour", "day": "+1 day", "week": "+1 week"}
    assert render.clock_labels("es") == {"hour": "+1 hora", "day": "+1 día", "week": "+1 semana"}


@pytest.mark.parametrize("lang, sent, scheduled, none_left, head", [
    ("en", "RxFlow: your lisinopril 10 mg is ready for pickup at Costco Pharmacy - Riverton, 900 Commerce Way, "
           "Riverton.", "1 more text scheduled (next: Tue Nov 24, 11:55).", "No more texts scheduled.",
     "555-2001 · texts on"),
    ("es", "RxFlow: su lisinopril 10 mg ya está listo para recoger en Costco Pharmacy - Riverton, 900 Commerce Way, "
           "Riverton.", "1 mensaje más programado (el próximo: mar 24 nov, 11:55).", "No hay más mensajes programados.",
     "555-2001 · mensajes activados"),
])
def test_the_phone_shows_the_ready_text_once_the_clock_reaches_it(world, lang, sent, scheduled, none_left, head):
    sid = session(world, "P001", *ORDER)
    world.choose(sid, language=lang)
    phone = render.phone_html(world.view(sid))
    assert head in phone and scheduled in phone and "sms-body" not in phone  # ordered: nothing sent yet
    world.move_clock(sid, 60)  # 12:05: past the ready time
    phone = render.phone_html(world.view(sid))
    assert sent in phone and none_left in phone
    assert ("Tue Nov 24, 11:55" if lang == "en" else "mar 24 nov, 11:55") in phone  # the text's own world time


def test_every_kind_of_text_is_said_from_its_facts_and_the_body_is_the_fallback():
    at = dt.datetime(2026, 11, 24, 11, 43)
    text = lambda kind, **facts: SimpleNamespace(kind=kind, facts=facts, body="the English body", send_at=at)  # noqa: E731
    base = {"medication": "lisinopril", "strength": "10 mg"}
    on_its_way = text("on_its_way", **base, delivery_address="14 Chestnut St, Riverton",
                      arrives_from="2026-11-24 16:00:00", arrives_until="2026-11-24 20:00:00")
    reminder = text("reminder", **base, basis="supply_ends", remind_on="2026-11-27")
    auto = text("auto_refill", **base, pharmacy_name="CVS Pharmacy - Market St", fill_date="2026-11-24")
    assert render.text_message(on_its_way, "en") == ("RxFlow: your lisinopril 10 mg is on its way to 14 Chestnut St, "
                                                     "Riverton; it should arrive today between 16:00 and 20:00.")
    assert render.text_message(on_its_way, "es") == ("RxFlow: su lisinopril 10 mg va en camino a 14 Chestnut St, "
                                                     "Riverton; debería llegar hoy entre las 16:00 y las 20:00.")
    assert render.text_message(reminder, "en") == ("RxFlow reminder: your lisinopril 10 mg runs out today. Reply or open "
                                                   "RxFlow to refill it.")
    assert render.text_message(reminder, "es").startswith("Recordatorio de RxFlow: su lisinopril 10 mg se acaba hoy.")
    assert "auto refill at CVS Pharmacy - Market St today" in render.text_message(auto, "en")
    assert "resurtido automático de su lisinopril 10 mg en CVS Pharmacy - Market St" in render.text_message(auto, "es")
    assert render.text_message(text("ready", medication="lisinopril"), "es") == "the English body"  # facts missing
    assert render.text_message(text("reminder", **base, basis="someday"), "en") == "the English body"


def test_reminder_and_auto_refill_texts_arrive_on_the_phone_through_the_conversation(world):
    sid = session(world, "P001", "remind me when my atorvastatin is due", "yes",
                  "set up auto refill for my metformin", "yes")
    phone = render.phone_html(world.view(sid))
    assert "due for its auto refill at CVS Pharmacy - Market St today" in phone  # sent at once: today's fill
    assert "1 more text scheduled (next: Fri Nov 27, 09:00)." in phone
    world.move_clock(sid, 3 * DAY)
    phone = render.phone_html(world.view(sid))
    assert phone.index("auto refill") < phone.index("RxFlow reminder: your atorvastatin 20 mg")  # newest last


def test_a_phone_with_texts_off_says_so(world):
    sid = session(world, "P003")  # texts off (the world sheet)
    phone = render.phone_html(world.view(sid))
    assert "texts off: nothing is sent to this phone" in phone and "No texts yet." in phone
    world.choose(sid, language="es")
    assert "mensajes desactivados" in render.phone_html(world.view(sid))


def test_the_orders_table_shows_pickup_or_delivery_and_the_status_at_the_worlds_clock(world):
    # The table's headers are in the session's language (issue 20); pickup or delivery follows the pharmacy.
    en, es = render.inspector_labels("en"), render.inspector_labels("es")
    cell = lambda row, lang, column: row[lang[f"order_col.{column}"]]  # noqa: E731
    sid = session(world, "P001", *DELIVERY)
    row = render.orders_table(world.view(sid)).iloc[0]
    assert list(render.orders_table(world.view(sid)).columns) == [en[f"order_col.{c}"] for c in render.ORDER_COLUMNS]
    assert cell(row, en, "pharmacy").endswith(" · delivery, Tue Nov 24 16:00–20:00") and cell(row, en, "status") == "received"
    world.move_clock(sid, 60)  # 12:05: ready, so on its way (a delivery)
    assert cell(render.orders_table(world.view(sid)).iloc[0], en, "status") == "on its way"
    world.move_clock(sid, DAY)
    view = world.view(sid)
    assert cell(render.orders_table(view).iloc[0], en, "status") == "delivered"
    receipt, _ = render.order_md(view)
    assert "delivery, Tue Nov 24 16:00–20:00" in receipt and "status **delivered**" in receipt
    world.choose(sid, language="es")
    row = render.orders_table(world.view(sid)).iloc[0]
    assert cell(row, es, "pharmacy").endswith(" · a domicilio, mar 24 nov 16:00–20:00")
    assert cell(row, es, "status") == "entregado"
    pickup = session(world, "P001", *ORDER)
    row = render.orders_table(world.view(pickup)).iloc[0]
    assert (cell(row, en, "pharmacy"), cell(row, en, "status"), cell(row, en, "ready")) == (
        "Costco Pharmacy - Riverton · pickup", "received", "Tue Nov 24, 11:55")
    world.move_clock(pickup, 60)
    view = world.view(pickup)
    assert cell(render.orders_table(view).iloc[0], en, "status") == "ready for pickup"
    assert "ORD-30001 lisinopril (ready for pickup)" in render.patient_card(view)  # the card agrees


@pytest.mark.parametrize("lang, acting", [("en", "👤 Acting for Eleanor Carter (your mother)"),
                                          ("es", "👤 En nombre de Eleanor Carter (su mamá)")])
def test_the_page_says_whose_record_is_in_use_and_goes_back(world, lang, acting):
    sid = session(world, "P002", lang=lang)
    turn = world.handle(sid, "refill my mom's blood pressure pill" if lang == "en" else
                        "la medicina de la presión de mi mamá, porfa")
    view = world.view(sid, turn)
    assert view.record_name == "Eleanor Carter" and view.record_relation == "mother"
    assert render.acting_line(view) == acting
    assert render.world_md(view, "Riverton").endswith(f" · **{acting}**")
    assert render.patient_card(view).startswith(f"**{acting}**") and "**Eleanor Carter**" in render.patient_card(view)
    assert "555-2027" in render.phone_html(view)  # her phone on file, not his
    back = world.handle(sid, "back to me" if lang == "en" else "ahora las mías")
    view = world.view(sid, back)
    assert render.acting_line(view) == "" and "👤" not in render.world_md(view, "Riverton")
    assert "James Carter" in render.patient_card(view) and "👤" not in render.patient_card(view)


# ----------------------------------------------------------------------------- the page's events
def page(a, limiter=None):
    from rxflow.ui.app import build_demo

    demo = build_demo(a, limiter or RateLimiter(0, 1))
    fns = {f.name: f for f in demo.fns.values() if f.name}
    fns["reply"] = SimpleNamespace(fn=page_functions(demo)["reply"])  # a typed message, as the page sends it
    return demo, fns


def tab(host="203.0.113.20"):
    return SimpleNamespace(client=SimpleNamespace(host=host), headers={})


def output(fn, out, elem_id):
    """What an event returned for the component with this elem_id."""
    return out[[getattr(b, "elem_id", None) for b in fn.outputs].index(elem_id)]


def test_ordering_then_one_day_on_shows_the_ready_text_on_the_phone(world, capsys):
    _, fns = page(world)
    req = tab()
    sid, token = fns["start"].fn("P001", "", "Auto", req)[:2]
    for m in ORDER:
        out = fns["reply"].fn(m, sid, token, "", req)
    drawn = fns["after"].fn(sid, token, out[3], out[4], req)
    assert "No texts yet." in output(fns["after"], drawn, "phone")
    assert output(fns["after"], drawn, "world") == "🕒 Tue Nov 24, 11:05 (Riverton time)"
    moved = fns["clock_day"].fn(sid, token, "Auto", req)
    assert "📱 1 new text on the phone." in capsys.readouterr().out  # gr.Info, printed outside a request
    phone = output(fns["clock_day"], moved, "phone")
    assert "RxFlow: your lisinopril 10 mg is ready for pickup at Costco Pharmacy - Riverton" in phone
    assert output(fns["clock_day"], moved, "world") == "🕒 Wed Nov 25, 11:05 (Riverton time)"
    assert "<td>ready for pickup</td>" in output(fns["clock_day"], moved, "orders")  # the order's status by the clock
    assert world.view(sid).now == NOW + dt.timedelta(days=1)
    assert output(fns["clock_day"], moved, "tools") == {"__type__": "update"}  # the last turn's calls stay shown
    tabs = [b for b in fns["clock_day"].outputs if type(b).__name__ == "Tabs"][0]
    assert moved[fns["clock_day"].outputs.index(tabs)].selected == "phone"  # the Phone tab comes forward
    quiet = fns["clock_hour"].fn(sid, token, "Auto", req)  # nothing new arrives: the tab stays where it is
    assert quiet[fns["clock_hour"].outputs.index(tabs)] == {"__type__": "update"}
    assert world.view(sid).now == NOW + dt.timedelta(days=1, hours=1)


def test_another_tabs_token_cannot_move_this_tabs_clock(world):
    _, fns = page(world)
    mine, theirs = tab("203.0.113.21"), tab("198.51.100.22")
    sid, token = fns["start"].fn("P001", "", "Auto", mine)[:2]
    other_sid, other_token = fns["start"].fn("P001", "", "Auto", theirs)[:2]
    move = fns["clock_week"].fn
    for given in ("", "x" * 32):  # no token, a made-up one
        with pytest.warns(UserWarning, match="The clock did not move"):
            out = move(sid, given, "Auto", theirs)
        assert all(x == {"__type__": "update"} for x in out)  # nothing drawn
    with pytest.warns(UserWarning, match="El reloj no se movió"):  # said in the page's language
        move(sid, "y" * 32, "Español", theirs)
    assert world.view(sid).now == NOW and world.view(other_sid).now == NOW  # neither world moved
    # Another tab's token with this tab's session id: the token is the credential, so it moves that tab's
    # own clock (and hands it its next token), never this one's.
    out = move(sid, other_token, "Auto", theirs)
    assert out[-2] == other_sid and out[-1] not in ("", other_token)
    assert world.view(other_sid).now == NOW + dt.timedelta(days=7) and world.view(sid).now == NOW
    out = move("", token, "Auto", mine)  # a tab whose server state was dropped moves its own, by its token
    assert out[-2] == sid and world.view(sid).now == NOW + dt.timedelta(days=7)


def test_the_clock_control_passes_the_rate_limit_and_a_refusal_moves_nothing(world):
    limiter = RateLimiter(per_minute=1, burst=2)
    _, fns = page(world, limiter)
    req = tab("192.0.2.30")
    sid, token = fns["start"].fn("P001", "", "Auto", req)[:2]  # 1 place of 2
    fns["clock_hour"].fn(sid, token, "Auto", req)  # 2
    assert world.view(sid).now == NOW + dt.timedelta(hours=1)
    with pytest.warns(UserWarning, match="The clock did not move: Too many requests"):
        out = fns["clock_day"].fn(sid, token, "Auto", req)
    assert all(x == {"__type__": "update"} for x in out) and world.view(sid).now == NOW + dt.timedelta(hours=1)


def test_the_clock_control_is_no_api_and_the_language_switch_redraws_the_pages_words(world):
    _, fns = page(world)
    assert all(fns[f"clock_{step}"].api_visibility == "private" for step in render.CLOCK_STEPS)
    req = tab("203.0.113.23")
    sid, token = fns["start"].fn("P001", "", "Auto", req)[:2]
    out = fns["choose_language"].fn("Español", sid, token, req)
    assert output(fns["choose_language"], out, "world") == "🕒 mar 24 nov, 11:05 (hora de Riverton)"
    # The page's words follow the language it now says they are to be in (relabel, on that field's change).
    assert out[-1] == "es" and fns["choose_language"].outputs[-1] is fns["relabel"].inputs[0]
    words = fns["relabel"].fn(out[-1])
    assert output(fns["relabel"], words, "clock-day") == {"value": "+1 día", "__type__": "update"}
    assert output(fns["relabel"], words, "phone-tab") == {"label": "📱 Teléfono", "__type__": "update"}
    assert "Todavía no hay mensajes." in output(fns["choose_language"], out, "phone")


# ----------------------------------------------------------------------------- Chromium, desktop size
@pytest.mark.slow
def test_in_chromium_one_day_on_after_an_order_the_ready_text_arrives_on_the_phone(served_demo):
    """A stakeholder's demo: order by quick replies, press "+1 day" above the chat, and the Phone tab comes
    forward with the "ready for pickup" text; the world's time above the chat moves on a day."""
    from test_app import ARTIFACTS, Page, _browser, _need_chromium

    _need_chromium()
    from chromium import sync_playwright

    url, _ = served_demo
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser, page = _browser(p)  # 1440 x 900
        ui = Page(page, url)
        before = page.inner_text("#world")
        assert "(Riverton time)" in before and page.locator("#clock-day").is_visible()
        ui.tap("Refill my lisinopril", "CONFIRM_DOSAGE")
        ui.tap("Yes, that's my dose", "SELECT_PHARMACY")
        ui.tap("Costco Pharmacy - Riverton", "CONFIRM_ORDER")
        ui.tap("Yes, place the order", "COMPLETE")
        ui.wait_chat("Order ORD-30001 is placed")
        assert not page.locator("#phone").is_visible()  # the Inspector tab is in front
        page.click("#clock-day")
        page.wait_for_function("document.querySelector('#phone') && document.querySelector('#phone').innerText"
                               ".includes('is ready for pickup at Costco Pharmacy - Riverton')", timeout=30_000)
        assert page.locator("#phone").is_visible()  # the Phone tab came forward
        after = page.inner_text("#world")
        assert after != before and "(Riverton time)" in after
        page.screenshot(path=str(ARTIFACTS / "phone_tab.png"))
        browser.close()
    assert not ui.errors, ui.errors
