"""Every next step a reply offers has its button, each button does what its label says (in English and
Spanish), the buttons survive a question asked mid-step, and replies say what they understood: issue 20,
"the conversation's next steps" (rxflow/ui/render.py: quick_replies; rxflow/flow/stages/refusals.py).

A button sends the words a patient would type: each test presses one by sending exactly those words through
the Assistant, as the page does, and checks where the conversation went and what was written."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from markdown_it import MarkdownIt

from rxflow.flow import replies
from rxflow.flow.states import State
from rxflow.ui import render

ELEVEN = dt.datetime(2026, 11, 24, 11, 0)  # a weekday morning: every pharmacy open


def buttons(assistant, sid) -> list[tuple[str, str]]:
    return render.quick_replies(assistant.view(sid))


def button(key: str, lang: str, **kw) -> tuple[str, str]:
    """A quick reply as the page draws it: (label, the words it sends)."""
    return render.QUICK[lang][key].format(**kw), render.SENDS[lang][key].format(**kw)


def offered(assistant, sid, key: str, lang: str, **kw) -> str:
    """The words of the button `key`, which must be on the page now."""
    pair = button(key, lang, **kw)
    assert pair in buttons(assistant, sid), (key, buttons(assistant, sid))
    return pair[1]


def go(assistant, patient: str, *messages: str) -> str:
    sid = assistant.start(patient, now=ELEVEN)
    for m in messages:
        assistant.handle(sid, m)
    return sid


def new_orders(store, patient="P001"):
    return [o for o in store.orders(patient) if not o.idempotency_key.startswith("seed-")]


def requests(store, patient):
    return [(q.kind, q.status) for q in store.requests(patient)]


# ----------------------------------------------------------------------------- after a refusal
# (patient, the request refused, the state it rests in, the next steps it offers as buttons)
REFUSALS = [
    ("P006", "i need my eliquis", "en", State.ESCALATE_PA, ("prior_auth", "cash", "pharmacist")),
    ("P006", "necesito mi eliquis", "es", State.ESCALATE_PA, ("prior_auth", "cash", "pharmacist")),
    ("P003", "refill my simvastatin", "en", State.REFER_PRESCRIBER, ("renewal", "pharmacist")),
    ("P003", "necesito mi simvastatina", "es", State.REFER_PRESCRIBER, ("renewal", "pharmacist")),
    ("P003", "refill my sertraline", "en", State.NOT_ELIGIBLE, ("pharmacist", "when")),
    ("P003", "necesito mi sertralina", "es", State.NOT_ELIGIBLE, ("pharmacist", "when")),
    ("P005", "i need my warfarin", "en", State.REFER_PHARMACIST, ("pharmacist",)),
    ("P005", "necesito mi warfarina", "es", State.REFER_PHARMACIST, ("pharmacist",)),
]
REQUEST_OF = {"renewal": "renewal", "prior_auth": "prior_auth", "pharmacist": "pharmacist_callback"}


@pytest.mark.parametrize(("patient", "ask", "lang", "refused", "steps"), REFUSALS)
def test_a_refusal_offers_each_next_step_it_names_as_a_button_first(assistant, patient, ask, lang, refused, steps):
    sid = go(assistant, patient, ask)
    conv = assistant.conversation(sid)
    assert conv.state == refused and conv.lang == lang
    pairs = buttons(assistant, sid)
    assert pairs[:len(steps)] == [button(k, lang) for k in steps]  # the next steps lead, in the reply's order
    assert len(pairs) <= 6  # the page has six quick-reply slots: none of them is cut off
    if "cash" in steps:  # the reply says how to pay cash: its button sends those words
        assert f'"{render.SENDS[lang]["cash"]}"'.lower() in conv.history[-1][1].lower()


@pytest.mark.parametrize(("patient", "ask", "lang", "refused", "steps"), REFUSALS)
def test_each_next_step_button_does_what_its_label_says(assistant, store, patient, ask, lang, refused, steps):
    for key in steps:
        sid = go(assistant, patient, ask)
        turn = assistant.handle(sid, offered(assistant, sid, key, lang))
        conv = assistant.conversation(sid)
        assert turn.language == lang, key
        if key in REQUEST_OF:  # a request to a human: its summary, and only a yes sends it
            assert turn.state == State.CONFIRM_REQUEST and conv.pending.request_kind == REQUEST_OF[key], key
            before = requests(store, patient)
            assert (REQUEST_OF[key], "sent") not in before
            done = assistant.handle(sid, offered(assistant, sid, "yes_request", lang))
            assert requests(store, patient) == [(REQUEST_OF[key], "sent"), *before] and done.state == State.START
        elif key == "cash":  # the pharmacies at their cash or discount-card price, said back first
            assert turn.state == State.SELECT_PHARMACY and conv.pay_cash and conv.offers
            assert turn.reply.startswith(replies.say(lang, "cash_ok", medication="Eliquis (apixaban)"))
            assert all(o.price_type in ("cash", "discount_card") for o in conv.offers)
        elif key == "when":  # the date, and the refusal still stands with its buttons
            m = assistant.view(sid).medication(conv.focus_rx)
            assert turn.state == refused and replies.date(m.refill.due_date, lang) in turn.reply
            assert buttons(assistant, sid)[:len(steps)] == [button(k, lang) for k in steps]


def test_the_prior_authorization_refusal_says_pay_cash_and_do_that_asks_which_with_both_buttons(assistant):
    sid = go(assistant, "P006", "refill eliquis")
    assert 'Say "pay cash"' in assistant.conversation(sid).history[-1][1]
    t = assistant.handle(sid, "ok do that")  # two steps were offered: it asks which, and both stay one tap away
    assert t.state == State.ESCALATE_PA and "pay cash" in t.reply and "send the request" in t.reply
    assert [button("prior_auth", "en"), button("cash", "en")] == buttons(assistant, sid)[:2]


# ----------------------------------------------------------------------------- the buttons survive a digression
DIGRESSIONS = {"en": ("what are the hours of the costco?", "how much is it?", "what are my medications?"),
               "es": ("¿a qué hora abre costco?", "¿cuánto cuesta?")}


@pytest.mark.parametrize(("patient", "ask", "lang", "refused", "steps"), REFUSALS)
def test_after_a_question_at_a_refusal_its_next_steps_are_offered_again(assistant, patient, ask, lang, refused, steps):
    for question in DIGRESSIONS[lang]:
        sid = go(assistant, patient, ask)
        before = buttons(assistant, sid)
        t = assistant.handle(sid, question)
        assert t.state == refused, (question, t.reply)  # the step is still open: the place is kept
        assert buttons(assistant, sid) == before, question
        f = assistant.conversation(sid).focus
        if f.offer:  # and the reply says the step again, as the buttons do
            assert replies.say(lang, replies.OFFER[f.offer], prescriber="X").split("X")[0] in t.reply


# Each step that asks something, reached in English and in Spanish.
STEPS = {
    "dose": ("P001", {"en": ("refill my lisinopril",), "es": ("necesito resurtir mi lisinopril",)}),
    "pharmacy": ("P001", {"en": ("refill my lisinopril and atorvastatin", "yes"),
                          "es": ("necesito resurtir mi lisinopril y mi atorvastatina", "sí")}),
    "order": ("P001", {"en": ("refill my lisinopril", "yes", "costco"),
                       "es": ("necesito resurtir mi lisinopril", "sí", "costco")}),
    "basket": ("P001", {"en": ("refill everything that's due", "costco"),
                        "es": ("renueva todas mis medicinas", "costco")}),
    "cancel": ("P001", {"en": ("refill my lisinopril", "yes", "costco", "yes", "cancel that"),
                        "es": ("necesito resurtir mi lisinopril", "sí", "costco", "sí", "cancélelo")}),
    "request": ("P003", {"en": ("refill my simvastatin", "send the renewal request"),
                         "es": ("necesito mi simvastatina", "mándele la solicitud de renovación a mi doctor")}),
    "transfer": ("P001", {"en": ("transfer my prescription from rite aid", "atorvastatin"),
                          "es": ("transferir mi receta de otra farmacia", "atorvastatina", "de la rite aid")}),
    "auto_refill": ("P001", {"en": ("set up auto refill for my metformin",),
                             "es": ("refill automático para mi metformina",)}),
    "reminder": ("P001", {"en": ("remind me when my lisinopril is due",),
                          "es": ("recuérdame cuando toque mi metformina",)}),
    "texts_off": ("P001", {"en": ("stop texting me",), "es": ("por favor ya no me mande mensajes",)}),
}
AT = {"dose": State.CONFIRM_DOSAGE, "pharmacy": State.SELECT_PHARMACY, "order": State.CONFIRM_ORDER,
      "basket": State.CONFIRM_ORDER, "cancel": State.CONFIRM_CANCEL, "request": State.CONFIRM_REQUEST,
      "transfer": State.CONFIRM_REQUEST, "auto_refill": State.CONFIRM_SETTING, "reminder": State.CONFIRM_SETTING,
      "texts_off": State.CONFIRM_SETTING}


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("step", list(STEPS))
def test_a_question_mid_step_keeps_the_step_and_its_buttons(assistant, step, lang):
    patient, said = STEPS[step]
    for question in DIGRESSIONS[lang][:2]:
        sid = go(assistant, patient, *said[lang])
        assert assistant.conversation(sid).state == AT[step] and assistant.conversation(sid).lang == lang
        before = buttons(assistant, sid)
        t = assistant.handle(sid, question)
        assert t.state == AT[step] and buttons(assistant, sid) == before, (step, question, t.reply)


# ----------------------------------------------------------------------------- yes and no at every summary
YES = {"order": "yes_order", "basket": "yes_basket", "cancel": "yes_cancel", "request": "yes_request",
       "transfer": "yes_transfer", "auto_refill": "yes_setting.auto_refill_on",
       "reminder": "yes_setting.reminder_on", "texts_off": "yes_setting.texts_off"}
NO = {"order": "no_order", "basket": "no_order", "cancel": "no_cancel", "request": "no_order", "transfer": "no_order",
      "auto_refill": "no_setting", "reminder": "no_setting", "texts_off": "no_setting"}


def written(store, step: str, patient: str):
    """What the summary of `step` writes, as the store holds it now."""
    if step in ("order", "basket"):
        return sorted(o.order_id for o in new_orders(store, patient))
    if step == "cancel":
        return [o.status for o in new_orders(store, patient)]
    if step in ("request", "transfer"):
        return requests(store, patient)
    if step == "auto_refill":
        return [(e.status, e.rx_id) for e in store.enrolments(patient)]
    if step == "reminder":
        return [(r.status, r.rx_id) for r in store.reminders(patient)]
    return store.sms_opt_in(patient)


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("step", list(YES))
def test_every_summary_has_a_yes_that_writes_it_and_a_no_that_writes_nothing(assistant, store, step, lang):
    patient, said = STEPS[step]
    sid = go(assistant, patient, *said[lang])
    before = written(store, step, patient)
    t = assistant.handle(sid, offered(assistant, sid, NO[step], lang))
    assert t.state != AT[step], t.reply  # declined (an order's "no" goes back to the pharmacies)
    assert written(store, step, patient) == before and assistant.conversation(sid).pending is None
    sid = go(assistant, patient, *said[lang])
    before = written(store, step, patient)
    t = assistant.handle(sid, offered(assistant, sid, YES[step], lang))
    after = written(store, step, patient)
    assert after != before and assistant.conversation(sid).pending is None, (step, t.reply)
    assert t.language == lang
    if step == "basket":
        assert len(t.placed) == 3
    if step == "cancel":
        assert "cancelled" in after
    if step in ("request", "transfer"):
        assert {"renewal" if step == "request" else "transfer"} == {k for k, s in after if s == "sent"}


@pytest.mark.parametrize("lang", ["en", "es"])
def test_a_sent_request_can_be_withdrawn_or_kept_by_its_buttons(assistant, store, lang):
    _, said = STEPS["request"]
    withdraw = {"en": "withdraw that request", "es": "cancela la solicitud"}[lang]
    sid = go(assistant, "P003", *said[lang], render.SENDS[lang]["yes_request"])
    for key, status in (("no_keep", "sent"), ("yes_withdraw", "withdrawn")):
        assistant.handle(sid, withdraw)
        assert assistant.conversation(sid).pending.kind == "withdraw"
        assistant.handle(sid, offered(assistant, sid, key, lang))
        assert requests(store, "P003") == [("renewal", status)], key


@pytest.mark.parametrize("lang", ["en", "es"])
def test_everything_due_offers_leaving_each_item_out(assistant, lang):
    _, said = STEPS["basket"]
    sid = go(assistant, "P001", *said[lang])
    t = assistant.handle(sid, offered(assistant, sid, "without", lang, m="metformin"))
    assert t.state == State.CONFIRM_ORDER and len(assistant.conversation(sid).pending.rx_ids) == 2
    assert button("without", lang, m="metformin") not in buttons(assistant, sid)
    assert button("without", lang, m="lisinopril") in buttons(assistant, sid)


def test_which_order_to_cancel_offers_each_open_order(assistant, store):
    sid = go(assistant, "P001", "refill my lisinopril", "yes", "costco", "yes", "refill my atorvastatin", "yes",
             "cvs", "yes", "where's my order?", "cancel my order")
    assert assistant.conversation(sid).state == State.CHOOSE_ORDER
    first = min(new_orders(store), key=lambda o: o.order_id)  # the lisinopril, ordered first
    t = assistant.handle(sid, offered(assistant, sid, "cancel_which", "en", m="lisinopril", o=first.order_id))
    assert t.state == State.CONFIRM_CANCEL and assistant.conversation(sid).pending.order_id == first.order_id


# ----------------------------------------------------------------------------- acknowledgements
@pytest.mark.parametrize(("lang", "said", "all_three"), [
    ("en", ("refill my lisinopril, atorvastatin and metformin", "yes"), "all three"),
    ("es", ("necesito resurtir mi lisinopril, mi atorvastatina y mi metformina", "sí"), "las tres"),
])
def test_same_pharmacy_for_all_is_said_back_then_kept_for_the_next_ones(assistant, store, lang, said, all_three):
    sid = go(assistant, "P001", *said)
    t = assistant.handle(sid, offered(assistant, sid, "same_all", lang))
    assert t.state == State.SELECT_PHARMACY and all_three in t.reply  # understood: one pharmacy for the three
    assert t.reply.startswith(replies.say(lang, "same_for_all_which", all=all_three))
    assert button("same_all", lang) not in buttons(assistant, sid)  # said once: no button to say it again
    t = assistant.handle(sid, "costco")
    assert t.state == State.CONFIRM_ORDER
    assert t.reply.startswith(replies.say(lang, "same_for_all_chosen", pharmacy="Costco Pharmacy - Riverton",
                                          all=all_three))
    yes = render.SENDS[lang]["yes_order"]
    assistant.handle(sid, yes)
    t = assistant.handle(sid, yes)  # the next one's dose: straight to its summary at the same pharmacy, said so
    assert t.state == State.CONFIRM_ORDER and replies.say(lang, "same_for_all_again", medication="atorvastatin",
                                                          pharmacy="Costco Pharmacy - Riverton") in t.reply
    assert assistant.conversation(sid).pending.pharmacy_id == new_orders(store)[0].pharmacy_id


@pytest.mark.parametrize(("lang", "said"), [("en", "refill my lisinopril"), ("es", "necesito resurtir mi lisinopril")])
def test_the_dose_agreed_is_said_back_before_the_pharmacies(assistant, lang, said):
    sid = go(assistant, "P001", said)
    t = assistant.handle(sid, offered(assistant, sid, "yes_dose", lang))
    assert t.state == State.SELECT_PHARMACY and t.reply.startswith(replies.say(lang, "dose_ok", medication="lisinopril",
                                                                               strength="10 mg",
                                                                               frequency=replies.world("once daily", lang)))


# ----------------------------------------------------------------------------- brands the patient used
@pytest.mark.parametrize(("patient", "said", "lang"), [
    ("P006", ("i need my eliquis",), "en"), ("P006", ("necesito mi eliquis",), "es"),
    ("P006", ("refill my eliqis",), "en"),  # a near miss of the brand is still the brand
    ("P007", ("refill my lexapro",), "en"), ("P007", ("refill my lexapro", "yes 10mg daily"), "en"),
])
def test_a_brand_the_patient_used_is_said_with_the_generic(assistant, patient, said, lang):
    sid = go(assistant, patient, *said)
    reply = assistant.conversation(sid).history[-1][1]
    m = assistant.view(sid).medication(assistant.conversation(sid).focus_rx)
    brand = next(b for b in m.brand_names if b.lower()[:4] in said[0])  # the catalogue's spelling, from the data
    assert f"{brand} ({m.name})" in reply, reply


def test_the_brand_is_in_the_order_summary_and_a_generic_named_stays_generic(assistant):
    t = assistant.handle(go(assistant, "P007", "refill my lexapro", "yes"), "costco")
    assert t.state == State.CONFIRM_ORDER and "Lexapro (escitalopram) 10 mg" in t.reply
    sid = go(assistant, "P006", "refill my apixaban")
    assert "Eliquis" not in assistant.conversation(sid).history[-1][1]


# ----------------------------------------------------------------------------- a closing line after a list
def test_paragraphs_puts_a_blank_line_before_a_line_that_follows_a_list_only():
    text = "Please confirm:\n- one\n- two\n  still two\nShall I?\n1. a\n2. b\nSay a name.\n\nDone."
    assert replies.paragraphs(text) == ("Please confirm:\n- one\n- two\n  still two\n\nShall I?\n1. a\n2. b\n\n"
                                        "Say a name.\n\nDone.")
    assert replies.paragraphs(replies.paragraphs(text)) == replies.paragraphs(text)  # once is enough


LIST_LINE = re.compile(r"^\s{0,3}(?:[-*+]|\d{1,3}[.)])\s")


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("step", ["order", "basket", "request", "transfer", "auto_refill", "reminder", "pharmacy"])
def test_a_closing_line_after_a_list_is_its_own_paragraph_in_the_chat(assistant, step, lang):
    patient, said = STEPS[step]
    sid = go(assistant, patient, *said[lang])
    reply = assistant.conversation(sid).history[-1][1]
    lines = reply.split("\n")
    assert any(LIST_LINE.match(x) for x in lines)
    for prev, line in zip(lines, lines[1:], strict=False):
        assert not (LIST_LINE.match(prev) and line.strip() and not LIST_LINE.match(line)
                    and not line.startswith("  ")), (prev, line)
    # As the chat draws it (markdown): the closing question is a paragraph, not inside the last bullet.
    html = MarkdownIt("commonmark").render(reply)
    last = " ".join(lines[-1].split()[:2])
    assert html.rindex("</li>") < html.rindex("<p>" + last), html[-400:]


@pytest.mark.parametrize(("lang", "said"), [("en", ("refill my lisinopril", "I take 20 mg")),
                                             ("es", ("necesito resurtir mi lisinopril", "tomo 20 mg"))])
def test_after_a_dose_that_differs_the_buttons_are_the_two_ways_on_the_reply_names(assistant, lang, said):
    """A plain yes is no dose after a mismatch (it would refer the refill): the buttons restate the label's
    dose, or ask for a pharmacist's check, the two things the reply tells the patient to say."""
    sid = go(assistant, "P001", *said)
    assert button("yes_dose", lang) not in buttons(assistant, sid)
    assert f'"{render.SENDS[lang]["check_dose"]}"' in assistant.conversation(sid).history[-1][1]
    t = assistant.handle(sid, offered(assistant, sid, "restate", lang, s="10 mg"))
    assert t.state == State.SELECT_PHARMACY
    sid = go(assistant, "P001", *said)
    t = assistant.handle(sid, offered(assistant, sid, "check_dose", lang))
    assert t.state == State.REFER_PHARMACIST and t.outcome == "referred_to_pharmacist"


@pytest.mark.parametrize("lang", ["en", "es"])
def test_a_request_just_sent_offers_following_and_withdrawing_it(assistant, store, lang):
    _, said = STEPS["request"]
    sid = go(assistant, "P003", *said[lang], render.SENDS[lang]["yes_request"])
    (q,) = store.requests("P003")
    assert f'"{render.SENDS[lang]["withdraw"].format(r=q.request_id)}"'.lower() in \
        assistant.conversation(sid).history[-1][1].lower()  # the reply says these words: the button sends them
    t = assistant.handle(sid, offered(assistant, sid, "withdraw", lang, r=q.request_id))
    assert t.state == State.CONFIRM_REQUEST and assistant.conversation(sid).pending.request_id == q.request_id
    assert requests(store, "P003") == [("renewal", "sent")]  # nothing before its own yes


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("step", ["dose", "pharmacy", "order", "basket", "request", "transfer"])
def test_the_stop_button_leaves_the_step_and_writes_nothing(assistant, store, step, lang):
    patient, said = STEPS[step]
    sid = go(assistant, patient, *said[lang])
    before = written(store, "order", patient), written(store, "request", patient)
    t = assistant.handle(sid, offered(assistant, sid, "stop", lang))
    conv = assistant.conversation(sid)
    assert t.state == State.START and conv.pending is None and not conv.slots.rx_id, (step, t.reply)
    assert (written(store, "order", patient), written(store, "request", patient)) == before


@pytest.mark.parametrize(("lang", "said"), [("en", "refill my mom's blood pressure pill"),
                                             ("es", "necesito la medicina de mi mamá")])
def test_a_caregiver_on_a_dependants_record_is_told_so_in_the_language_and_has_the_way_back(assistant, lang, said):
    sid = go(assistant, "P002", said, render.SENDS[lang]["stop"])
    first = assistant.conversation(sid).history[0][1]
    assert first.startswith(replies.say(lang, "record_for", name="Eleanor Carter",
                                        relation=replies.say(lang, "relation.mother")))
    t = assistant.handle(sid, offered(assistant, sid, "back_to_me", lang))
    assert t.record == "P002" and button("back_to_me", lang) not in buttons(assistant, sid)


@pytest.mark.parametrize(("lang", "said"), [("en", "put my oxycodone on auto refill"),
                                             ("es", "refill automático para mi oxicodona")])
def test_auto_refill_refused_offers_the_reminder_it_suggests_for_one_turn(assistant, lang, said):
    sid = go(assistant, "P004", said)
    assert assistant.conversation(sid).state == State.START
    t = assistant.handle(sid, offered(assistant, sid, "remind", lang, m="oxycodone"))
    p = assistant.conversation(sid).pending
    assert t.state == State.CONFIRM_SETTING and p.setting == "reminder_on" and t.language == lang
    assistant.handle(sid, render.SENDS[lang]["no_setting"])
    assert button("remind", lang, m="oxycodone") not in buttons(assistant, sid)  # offered by that reply only


@pytest.mark.parametrize(("lang", "said", "answer"), [("en", "i need a refill", "eliquis"),
                                                       ("es", "necesito resurtir una receta", "eliquis")])
def test_which_medication_answered_with_one_the_rules_refuse_is_refused_with_its_next_steps(assistant, lang, said,
                                                                                            answer):
    """(It failed with an error: no transition from IDENTIFY_MEDICATION on refill_blocked.)"""
    sid = go(assistant, "P006", said)
    assert assistant.conversation(sid).state == State.IDENTIFY_MEDICATION
    assert button("stop", lang) in buttons(assistant, sid)  # the question says how to leave: so does a button
    t = assistant.handle(sid, answer)
    assert t.state == State.ESCALATE_PA and "Eliquis (apixaban)" in t.reply
    assert buttons(assistant, sid)[:3] == [button(k, lang) for k in ("prior_auth", "cash", "pharmacist")]
