"""Issue 20 in a real browser: the conversation is the first screen (desktop and phone), tool calls leave
the chat, nothing sent is lost (the page's outbox), the page speaks the patient's language, one reset.

Every test drives headless Chromium against the app served in this process (demo mode, as on the Space)."""

from __future__ import annotations

import contextlib
import time

import pytest
from conftest import serve
from test_app import Page, _browser, _need_chromium

from rxflow.ui.app import SWITCH_WORDS

pytestmark = pytest.mark.slow
SLOW = 0.8  # seconds a turn takes, so a second message is sent while the first is pending (an LM's speed)


@pytest.fixture(scope="module")
def app():
    url, assistant, close = serve("demo")
    yield url, assistant
    close()


@pytest.fixture
def slow_turns(app):
    """Every turn takes SLOW seconds (the program is slow, as an LM is)."""
    _, assistant = app
    real = assistant.programs_for

    def slow(conv):
        time.sleep(SLOW)
        return real(conv)

    assistant.programs_for = slow
    yield
    assistant.programs_for = real


@contextlib.contextmanager
def opened(url: str, width: int = 1440, height: int = 900, **kw):
    """The page in headless Chromium at this size, as a patient uses it (test_app.Page); no page error on the way."""
    _need_chromium()
    from chromium import sync_playwright

    with sync_playwright() as p:
        browser, page = _browser(p, width, height, **kw)
        ui = Page(page, url)
        yield ui
        browser.close()
    assert not ui.errors, ui.errors


def rect(page, selector: str) -> dict:
    return page.evaluate("(s) => { const r = document.querySelector(s).getBoundingClientRect(); "
                         "return {top: r.top, bottom: r.bottom, left: r.left, right: r.right, height: r.height}; }",
                         selector)


def first_screen(page) -> dict:
    """Where the chat, a quick reply and the message box are with the page scrolled to its top."""
    page.evaluate("window.scrollTo(0, 0)")
    page.wait_for_timeout(200)
    return {"chat": rect(page, "#chat"), "quick": rect(page, "#quick button:not([hidden])"),
            "box": rect(page, "#message textarea"), "send": rect(page, "#send"),
            "inspector": rect(page, "#inspector"), "scroll": page.evaluate("window.scrollY")}


def user_messages(page) -> list[str]:
    return page.evaluate("() => [...document.querySelectorAll('#chat .user-row .message-content')]"
                         ".map((r) => r.innerText.trim())")


def wait(page, js: str, timeout: int = 30_000):
    page.wait_for_function(js, timeout=timeout)


def chat_has(text: str) -> str:
    return f"document.querySelector('#chat').innerText.includes({text!r})"


def test_on_a_desktop_the_chat_the_quick_replies_and_the_box_are_the_first_screen_beside_the_inspector(app):
    url, _ = app
    with opened(url, 1440, 900) as ui:
        page = ui.page
        for at in ("start", "pharmacies"):  # the pharmacy step has the longest quick replies
            s = first_screen(page)
            assert s["scroll"] == 0 and s["chat"]["height"] >= 400, (at, s)
            assert s["quick"]["bottom"] <= 900 and s["box"]["bottom"] <= 900 and s["send"]["bottom"] <= 900, (at, s)
            assert s["inspector"]["left"] >= s["chat"]["right"] - 1, (at, s)  # beside the chat, not under it
            if at == "start":
                ui.say("refill my lisinopril", "CONFIRM_DOSAGE")
                ui.say("yes", "SELECT_PHARMACY")
        # The chat grows with the window.
        page.set_viewport_size({"width": 1440, "height": 1200})
        page.wait_for_timeout(300)
        assert first_screen(page)["chat"]["height"] >= 400 + 250


def test_on_a_phone_the_chat_the_quick_replies_and_the_box_come_first_and_the_inspector_folds_under(app):
    """One phone page (a page load is most of a browser test's cost): the first screen before and after a turn,
    the inspector folded under the chat, and its path diagram drawn when it is opened (it was blank until the
    next turn)."""
    from test_app import ARTIFACTS

    url, _ = app
    with opened(url, 390, 844, is_mobile=True, has_touch=True) as ui:
        page = ui.page
        page.wait_for_timeout(500)  # the fold-on-phone script runs after load
        s = first_screen(page)
        assert s["box"]["bottom"] <= 844 and s["quick"]["top"] < s["box"]["bottom"], s
        assert not page.locator("#slots").is_visible()  # the inspector starts folded under the chat
        ui.tap("Refill my lisinopril", "CONFIRM_DOSAGE")
        s = first_screen(page)
        assert s["quick"]["bottom"] <= 844 and s["box"]["bottom"] <= 844 and s["chat"]["height"] >= 240, s
        assert s["inspector"]["top"] >= s["box"]["bottom"], s  # under the chat
        assert page.locator("#inspector-acc .label-wrap, #inspector-acc > button").first.get_attribute(
            "aria-expanded") != "true" or not page.locator("#slots").is_visible()  # folded
        ui.say("yes", "SELECT_PHARMACY")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "phone.png"))
        page.locator("#inspector-acc .label-wrap, #inspector-acc > button").first.click()
        wait(page, "(() => { const s = document.querySelector('#path svg'); return s && s.getBoundingClientRect().height > 50 "
                   "&& [...s.querySelectorAll('text')].some((t) => t.textContent === 'Confirm the dose'); })()")


def test_tool_calls_leave_the_chat_one_checked_line_per_turn_and_the_inspector_has_them(app):
    url, _ = app
    with opened(url) as ui:
        page = ui.page
        ui.say("refill my lisinopril", "CONFIRM_DOSAGE")
        ui.say("yes", "SELECT_PHARMACY")
        chat = page.inner_text("#chat")
        assert "🔧" not in chat and "ms)" not in chat
        assert chat.count("checked: ") == 2 and "checked: patient history, price lookup" in chat
        wait(page, "document.querySelector('#tools').innerText.includes('price_lookup')")


def test_two_messages_sent_back_to_back_are_both_answered_in_order(app, slow_turns):
    url, _ = app
    with opened(url) as ui:
        page = ui.page
        page.fill("#message textarea", "what are my medications?")
        page.press("#message textarea", "Enter")
        page.wait_for_timeout(50)  # the first is on its way (a turn takes SLOW s)
        page.fill("#message textarea", "refill my lisinopril")
        page.click("#send")
        # Both show at once, in the order sent, and the box is free again.
        wait(page, chat_has("refill my lisinopril"), 5_000)
        assert user_messages(page) == ["what are my medications?", "refill my lisinopril"]
        assert page.input_value("#message textarea") == ""
        ui.wait_state("CONFIRM_DOSAGE")
        wait(page, chat_has("Is that the dose you take?"))
        chat = page.inner_text("#chat")
        first, second = chat.index("what are my medications?"), chat.index("refill my lisinopril")
        assert first < chat.index("Your active prescriptions") < second < chat.index("Is that the dose you take?")
        assert user_messages(page) == ["what are my medications?", "refill my lisinopril"]  # each once
        wait(page, "!document.querySelector('#quick').classList.contains('rx-pending')")


def test_a_quick_reply_and_a_typed_message_in_the_same_moment_are_both_answered(app, slow_turns):
    url, _ = app
    with opened(url) as ui:
        page = ui.page
        page.locator("#quick button", has_text="My medications").first.click()
        page.fill("#message textarea", "what's due?")
        page.press("#message textarea", "Enter")
        wait(page, chat_has("what's due?"), 5_000)
        assert user_messages(page) == ["what are my medications?", "what's due?"]
        wait(page, "document.querySelectorAll('#chat .message-row.bot-row').length >= 3")
        wait(page, "!document.querySelector('#quick').classList.contains('rx-pending')")
        chat = page.inner_text("#chat")
        assert chat.index("Your active prescriptions") < chat.index("what's due?")
        assert user_messages(page) == ["what are my medications?", "what's due?"]
        assert "earlier step" not in page.inner_text("body")


def test_espanol_turns_the_whole_patient_side_spanish(app):
    url, _ = app
    with opened(url) as ui:
        page = ui.page
        page.click("#language input")
        page.get_by_role("option", name="Español").click()
        wait(page, chat_has("¡Hola, Maria!"))
        wait(page, "document.querySelector('#strip').innerText.includes('alergias')")
        # The page's words come in their own step, right after (relabel, when their language changed).
        wait(page, "document.querySelector('#message textarea').placeholder.startsWith('Escriba aquí')")
        assert page.inner_text("#send").strip() == "Enviar" and "Nueva conversación" in page.inner_text("#reset")
        assert "Resurtir" in page.inner_text("#quick") and "Pruebe" in page.inner_text("#examples")
        assert "asistente de resurtido" in page.inner_text("#title")
        assert "Hello" not in page.inner_text("#chat") and "allergies" not in page.inner_text("#strip")
        # The inspector too: its tabs and labels, and the patient card.
        for tab in ("Paciente", "Explicación"):  # relabelled with the rest, drawn maybe a frame later
            page.get_by_role("tab", name=tab).wait_for(timeout=10_000)
        assert "Seguir el pedido" in page.inner_text("#track") and "Datos de la conversación" in page.inner_text(
            "#inspector")
        page.get_by_role("tab", name="Paciente").click()
        wait(page, "document.querySelector('#card') && document.querySelector('#card').innerText.includes('alergias')")
        page.get_by_role("tab", name="Inspector").click()
        ui.say("necesito resurtir mi lisinopril", "CONFIRM_DOSAGE")
        wait(page, chat_has("consultado: patient history"))


def test_the_language_dropdown_at_a_summary_shows_it_again_and_needs_a_new_yes(app):
    url, assistant = app
    with opened(url) as ui:
        page = ui.page
        ui.say("refill my lisinopril", "CONFIRM_DOSAGE")
        ui.say("yes", "SELECT_PHARMACY")
        ui.say("the cheapest", "CONFIRM_ORDER")
        page.click("#language input")
        page.get_by_role("option", name="Español").click()
        wait(page, chat_has(SWITCH_WORDS["Español"]))  # said in the chat, as the patient would type it
        wait(page, chat_has("Por favor confirme este pedido"))
        ui.wait_state("CONFIRM_ORDER")  # shown again: nothing placed
        wait(page, "document.querySelector('#quick').innerText.includes('Sí, haga el pedido')")
        # The page's words follow the turn that switched (drawn once the language they are in changed).
        wait(page, "document.querySelector('#send').innerText.trim() === 'Enviar' && "
                   "document.querySelector('#clock-day').innerText.includes('día')")
        page.get_by_role("tab", name="Paciente").wait_for(timeout=10_000)
        assert "ORD-" not in page.inner_text("#chat")
        ui.tap("Sí, haga el pedido", "COMPLETE")
        ui.wait_chat("¡Listo! El pedido ORD-")


def test_one_reset_the_chats_own_clear_is_hidden_and_new_conversation_starts_over(app):
    url, _ = app
    with opened(url) as ui:
        page = ui.page
        ui.say("refill my lisinopril", "CONFIRM_DOSAGE")
        assert page.locator("#chat button[aria-label='Clear']").count() == 0 or not page.locator(
            "#chat button[aria-label='Clear']").first.is_visible()
        page.click("#reset")
        ui.wait_state("START")
        wait(page, "!" + chat_has("refill my lisinopril"))
        assert user_messages(page) == [] and "Hello Maria" in page.inner_text("#chat")


def test_explain_after_an_order_shows_the_verdict_it_was_decided_on_and_apart_what_asking_again_gets(app):
    url, _ = app
    with opened(url) as ui:
        page = ui.page
        for m, state in (("refill my lisinopril", "CONFIRM_DOSAGE"), ("yes", "SELECT_PHARMACY"),
                         ("the cheapest", "CONFIRM_ORDER"), ("yes", "COMPLETE")):
            ui.say(m, state)
        page.get_by_role("tab", name="Explain").click()
        wait(page, "document.querySelector('#explain') && document.querySelector('#explain').innerText.includes('ORD-')")
        explain = page.inner_text("#explain")
        decided, _, now = explain.partition("If you asked again now")
        assert "allowed" in decided and "not allowed" not in decided, explain
        assert "not allowed" in now, explain


def test_a_refusals_next_steps_are_buttons_that_survive_a_question_and_replies_keep_the_brand_and_paragraphs(app):
    """The prior-authorization refusal names "pay cash" and a request: both are buttons, still there after
    "why?"; the reply says the brand the patient used; a closing line after a list is its own paragraph."""
    url, _ = app
    with opened(url) as ui:
        page = ui.page
        ui.say("refill my lisinopril", "CONFIRM_DOSAGE")
        ui.say("yes", "SELECT_PHARMACY")
        ui.wait_chat("Say a name")
        items = page.evaluate("() => [...document.querySelectorAll('#chat .bot-row li')].map((li) => li.innerText)")
        assert items and not any("Say a name" in li for li in items), items  # the closing line is no bullet
        ui.say("stop", "START")
        ui.pick_patient("P006 · David Kim")
        wait(page, "document.querySelector('#strip').innerText.includes('David Kim')")
        ui.say("refill eliquis", "ESCALATE_PA")
        ui.wait_chat("Eliquis (apixaban)")
        for label in ("I'll pay cash", "Request prior authorization"):
            wait(page, f"document.querySelector('#quick').innerText.includes({label!r})")
        ui.say("why?", "ESCALATE_PA")
        wait(page, "!document.querySelector('#quick').classList.contains('rx-pending')")
        assert "I'll pay cash" in page.inner_text("#quick") and "Request prior authorization" in page.inner_text("#quick")
        ui.tap("I'll pay cash", "SELECT_PHARMACY")


def test_a_message_sent_while_a_new_conversation_starts_goes_to_the_new_one(app, slow_turns):
    """Found by a flaky run: the outbox was emptied after the new conversation was drawn, dropping a message
    sent in between. Now it is emptied at the press, and a message sent meanwhile waits for the new one."""
    url, assistant = app
    with opened(url) as ui:
        page = ui.page
        ui.say("refill my lisinopril", "CONFIRM_DOSAGE")
        page.click("#reset")
        page.fill("#message textarea", "what are my medications?")
        page.press("#message textarea", "Enter")
        ui.wait_chat("Your active prescriptions")
        wait(page, "!document.querySelector('#quick').classList.contains('rx-pending')")
        assert user_messages(page) == ["what are my medications?"]  # in the new conversation, once
        assert "refill my lisinopril" not in page.inner_text("#chat")
