"""Spanish and Spanglish: the language is read from the patient, every reply follows it, every fact
is the tools' fact said in Spanish, and the consent gate is as strict in Spanish as in English."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from programs.language import conversation_language, detect, switch_request
from rxflow.config import get_settings
from rxflow.domain import AlertCode
from rxflow.flow import replies, spanish
from rxflow.flow.states import State

MOCK = get_settings().mock_dir
TO_SUMMARY_ES = ("necesito resurtir mi lisinopril", "sí", "la más barata")


def new_orders(store, patient="P001"):
    return [o for o in store.orders(patient) if not o.idempotency_key.startswith("seed-")]


# ----------------------------------------------------------------------------- reading the language
@pytest.mark.parametrize("text, lang", [
    ("necesito resurtir mi lisinopril", "es"), ("me hace falta mi Prinivil", "es"),
    ("¿cuánto cuesta?", "es"), ("cuanto cuesta my lisinopril?", "es"),
    ("i need to refill my lisinopril", "en"), ("what does it cost", "en"),
    ("ok", None), ("2", None), ("lisinopril", None), ("yes", "en"),  # alone it is English; mid-conversation it keeps Spanish (below)
])
def test_detect_reads_what_a_message_is_evidently_in(text, lang):
    assert detect(text) == lang


def test_a_short_answer_keeps_the_conversation_language_and_a_request_switches_it():
    assert conversation_language("es", "ok") == "es"
    assert conversation_language("es", "yes") == "es"
    assert conversation_language("es", "ok dale, place it") == "es"  # Spanglish keeps Spanish
    assert conversation_language("es", "in English please") == "en"
    assert conversation_language("en", "en español por favor") == "es"
    assert conversation_language("en", "necesito mi lisinopril", first=True) == "es"
    assert switch_request("can we do this in english") == "en" and switch_request("refill it") is None


# ----------------------------------------------------------------------------- whole conversations
def test_a_refill_in_spanish_from_request_to_order_answers_in_spanish(talk, store):
    turns = talk("P001", *TO_SUMMARY_ES, "sí")
    assert [t.state for t in turns] == [State.CONFIRM_DOSAGE, State.SELECT_PHARMACY, State.CONFIRM_ORDER,
                                        State.COMPLETE]
    assert all(t.language == "es" for t in turns)
    assert "Tome 1 tableta por vía oral una vez al día" in turns[0].reply  # the sig, said in Spanish
    assert "la más cercana" in turns[1].reply and "precio más bajo" in turns[1].reply
    assert "¿Hago el pedido?" in turns[2].reply and "$2.10" in turns[2].reply
    assert "ORD-" in turns[3].reply and "Listo" in turns[3].reply
    assert len(new_orders(store)) == 1


def test_tracking_and_cancelling_in_spanish_need_a_spanish_yes(talk, store):
    turns = talk("P001", *TO_SUMMARY_ES, "sí", "dónde está mi pedido?", "cancélalo", "mmm no sé", "cancélalo", "sí")
    assert "fue recibido" in turns[4].reply
    assert turns[5].state == State.CONFIRM_CANCEL and "¿Cancelo el pedido" in turns[5].reply
    assert turns[6].state != State.CONFIRM_CANCEL and "cancelado" not in turns[6].reply  # a hedge is not a yes
    assert "está cancelado" in turns[8].reply
    assert [o.status for o in new_orders(store)] == ["cancelled"]


@pytest.mark.parametrize("not_a_yes", [
    "no sé", "todavía no", "¿y si digo que sí?", "sí pero solo si está lista hoy", "déjeme pensarlo",
    "mmm no estoy segura",
])
def test_a_spanish_hedge_question_or_condition_at_the_summary_writes_nothing(talk, store, not_a_yes):
    turns = talk("P001", *TO_SUMMARY_ES, not_a_yes)
    assert turns[-1].state != State.COMPLETE and turns[-1].order is None
    assert new_orders(store) == []


@pytest.mark.parametrize("patient, messages, code, words", [
    ("P003", ("necesito mi sertralina",), AlertCode.REFILL_TOO_SOON, "la fecha más próxima para resurtir"),
    ("P003", ("quiero resurtir la simvastatina",), AlertCode.NO_REFILLS, "resurtido"),
    ("P004", ("necesito mi oxicodona",), AlertCode.CONTROLLED_C2, "lista II"),
    ("P005", ("necesito mi warfarina",), AlertCode.DRUG_INTERACTION, "sangrado"),
    ("P005", ("necesito la amoxicilina",), AlertCode.DRUG_ALLERGY, "alerg"),
])
def test_a_refusal_in_spanish_says_why_and_the_rule_in_spanish(talk, store, patient, messages, code, words):
    turn = talk(patient, *messages)[-1]
    assert turn.state in (State.NOT_ELIGIBLE, State.REFER_PRESCRIBER, State.REFER_PHARMACIST)
    assert turn.language == "es"
    assert code in {a.code for a in turn.alerts}
    assert words in turn.reply.lower() or words in turn.reply
    assert "No puedo resurtir" in turn.reply or "farmacéutic" in turn.reply
    assert new_orders(store, patient) == []


def test_switching_to_english_mid_way_reshows_the_summary_in_english_and_needs_a_new_yes(talk, store):
    turns = talk("P001", *TO_SUMMARY_ES, "in English please", "yes")
    assert turns[3].language == "en" and turns[3].state == State.CONFIRM_ORDER
    assert "Shall I place the order?" in turns[3].reply and "$2.10" in turns[3].reply
    assert turns[4].state == State.COMPLETE and len(new_orders(store)) == 1


def test_english_speakers_are_answered_in_english(talk):
    turns = talk("P001", "refill my lisinopril", "yes")
    assert all(t.language == "en" for t in turns)
    assert "Take 1 tablet by mouth once daily" in turns[0].reply


# ----------------------------------------------------------------------------- the Spanish texts themselves
def test_every_reply_key_exists_in_both_languages_with_the_same_placeholders():
    en, es = replies.CATALOGUE["en"], replies.CATALOGUE["es"]
    assert set(en) == set(es)
    fields = re.compile(r"{(\w+)")
    for key in en:
        assert set(fields.findall(en[key])) == set(fields.findall(es[key])), key


def test_every_rule_has_its_spanish_and_every_blocking_reason_a_spanish_why():
    assert set(spanish.RULES_ES) == set(AlertCode)
    assert set(spanish.WHY_ES) >= set(AlertCode) - {AlertCode.DOSE_MISMATCH}


def _world_texts() -> dict[str, list[str]]:
    """The world's texts a reply can show (an interaction's management note goes to the pharmacist
    and the inspector, not to the patient)."""
    read = lambda name: pd.read_csv(MOCK / f"{name}.csv", dtype=str).fillna("")  # noqa: E731
    rx, products = read("prescriptions"), read("products")
    return {
        "sig": sorted(set(rx.sig)), "frequency": sorted(set(rx.frequency)),
        "interaction effect": sorted(set(read("interactions").effect) - {""}),
        "allergy note": sorted(set(read("allergy_cross_sensitivity").note) - {""}),
        "prior-auth criteria": sorted(set(read("formulary").pa_criteria) - {""}),
        "dose form": sorted(set(products.dose_form) | set(read("drugs").dose_form)),
    }


@pytest.mark.parametrize("kind", list(_world_texts()))
def test_every_text_of_the_seeded_world_has_its_spanish(kind):
    missing = [t for t in _world_texts()[kind] if spanish.world(t) == t]
    assert missing == [], f"{kind} with no Spanish: {missing}"


def test_directions_are_translated_by_their_parts_not_only_the_seeded_ones():
    assert spanish.directions("Take 2 tablets by mouth twice daily") == "Tome 2 tabletas por vía oral dos veces al día"
    assert spanish.directions("Recite a poem daily") is None  # unknown words: no guess
