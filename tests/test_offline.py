"""The offline predictors behind the signatures, and the program registry."""

from __future__ import annotations

import pytest

import programs
from programs import offline
from programs.modules import STEPS
from programs.normalize import find_frequency, find_strengths
from programs.types import INTENTS, MedicationOption, OfferOption

P002 = [MedicationOption(key="RX2001", name="amlodipine", brands=["Norvasc"], drug_class="dihydropyridine_ccb"),
        MedicationOption(key="RX2002", name="hydrochlorothiazide", brands=["Microzide"], drug_class="thiazide_diuretic"),
        MedicationOption(key="RX2003", name="levothyroxine", brands=["Synthroid"], drug_class="thyroid_hormone")]
VOCAB = offline.Vocabulary({"lisinopril": "lisinopril", "atorvastatin": "atorvastatin", "lipitor": "atorvastatin",
                            "hctz": "hydrochlorothiazide", "metformin": "metformin", "metformin er": "metformin ER",
                            "ibuprofen": "ibuprofen", "oxycodone": "oxycodone"})


@pytest.mark.parametrize("message,intent,names", [
    ("hi, I need to refill my lisinipril", "refill", ["lisinipril"]),
    ("refill my lisinopril and atorvastatin", "refill", ["lisinopril", "atorvastatin"]),
    ("can you refill my Lipitor", "refill", ["lipitor"]),
    ("I'm running low on my HCTZ", "refill", ["hctz"]),
    ("my metformin ER please", "refill", ["metformin er"]),
    ("I need my water pill", "refill", ["water pill"]),
    ("where is order ORD-30001?", "track_order", []),
    ("cancel my order", "cancel_order", []),
    ("what are my medications?", "list_medications", []),
    ("how much does my synthroid cost?", "ask_price", ["synthroid"]),
    ("hello", "greeting", []),
    ("what's the weather like?", "question", []),
])
def test_extract(message, intent, names):
    out = offline.extract(message, "", "nothing", P002, [], VOCAB)
    assert out["intent"] == intent and [m["text"] for m in out["mentions"]] == names
    assert out["intent"] in INTENTS


def test_extract_assigns_strengths_to_their_medication():
    out = offline.extract("refill lisinopril 10mg and atorvastatin 20 mg", "", "nothing", [], [], VOCAB)
    assert [(m["text"], m["strength"]) for m in out["mentions"]] == [("lisinopril", "10 mg"), ("atorvastatin", "20 mg")]


@pytest.mark.parametrize("mention,keys", [
    ("blood pressure pill", ["RX2001", "RX2002"]), ("water pill", ["RX2002"]), ("synthroid", ["RX2003"]),
    ("amlodopine", ["RX2001"]), ("the second one", ["RX2002"]), ("lisinopril", []), ("thyroid medicine", ["RX2003"]),
    ("HCTZ", ["RX2002"]), ("my hctz please", ["RX2002"]),
])
def test_resolve(mention, keys):
    assert offline.resolve(mention, P002, VOCAB)["matches"] == keys


@pytest.mark.parametrize("text,strengths", [
    ("10mg", ["10 mg"]), ("10 milligrams", ["10 mg"]), ("half a milligram", ["0.5 mg"]), ("0.5 mg", ["0.5 mg"]),
    ("75 mcg", ["75 mcg"]), ("I take ten mg", ["10 mg"]), ("500mcg twice", ["500 mcg"]), ("nothing here", []),
])
def test_strengths(text, strengths):
    assert [f"{s.value:g} {s.unit}" for s in find_strengths(text)] == strengths


@pytest.mark.parametrize("text,freq", [
    ("once a day", "once daily"), ("daily", "once daily"), ("bid", "twice daily"), ("2x a day", "twice daily"),
    ("every 12 hours", "twice daily"), ("at bedtime", "once daily"), ("tid", "three times daily"),
    ("every morning", "once daily"), ("once a week", "once weekly"), ("whenever", None),
])
def test_frequencies(text, freq):
    assert find_frequency(text) == freq


@pytest.mark.parametrize("message,verdict", [
    ("yes", "consistent"), ("yes, 10 mg once a day", "consistent"), ("yep 10", "consistent"), ("20 mg", "mismatch"),
    ("no", "mismatch"), ("hmm", "unclear"), ("0.01 g", "consistent"),
])
def test_check_dosage(message, verdict):
    assert offline.check_dosage(message, "10 mg", "once daily")["verdict"] == verdict


OFFERS = [OfferOption(key="PH001", name="CVS Pharmacy - Market St", chain="CVS", position=1, price=3.09, distance_km=0.2, wait_minutes=38),
          OfferOption(key="PH004", name="Costco Pharmacy - Riverton", chain="Costco", position=2, price=2.10, distance_km=1.4, wait_minutes=50),
          OfferOption(key="PH009", name="Harbor Community Pharmacy", chain="independent", position=3, price=3.42, distance_km=4.2, wait_minutes=16)]


@pytest.mark.parametrize("message,pid,criterion", [
    ("the cheapest one please", None, "cheapest"), ("closest", None, "closest"), ("the quickest", None, "fastest"),
    ("the second one", "PH004", "none"), ("3", "PH009", "none"), ("the CVS", "PH001", "none"),
    ("costco", "PH004", "none"), ("harbor please", "PH009", "none"), ("PH004", "PH004", "none"), ("hmm", None, "none"),
])
def test_choose_pharmacy(message, pid, criterion):
    out = offline.choose_pharmacy(message, OFFERS)
    assert (out["pharmacy_id"], out["criterion"]) == (pid, criterion)


@pytest.mark.parametrize("message,answer,change", [
    ("yes go ahead", "yes", "none"), ("yep", "yes", "none"), ("sounds good", "yes", "none"), ("no", "no", "none"),
    ("not now", "no", "none"), ("can I use a different pharmacy", "change", "pharmacy"),
    ("change the dose", "change", "dose"), ("maybe", "unclear", "none"), ("yes, no problem", "yes", "none"),
    ("I can't say yes yet", "unclear", "none"), ("I'd say yes if it were cheaper", "unclear", "none"),
    ("actually the closest one", "change", "pharmacy"), ("what happens if I say yes?", "unclear", "none"),
])
def test_confirm(message, answer, change):
    out = offline.confirm(message, "")
    assert (out["answer"], out["change"]) == (answer, change)


def test_registry_and_signatures():
    p = programs.load("offline")
    assert p.mode == "offline" and p.label == "offline"
    assert [n for n, _ in p.named_predictors()] == [f"{k}.predict" for k in STEPS]
    with pytest.raises(ValueError):
        programs.load("zero-shot")  # needs an LM
    with pytest.raises(ValueError):
        programs.load("no-such-program")


@pytest.mark.parametrize(("message", "strength", "frequency", "verdict"), [
    ("1 in the morning and 1 with dinner", "500 mg", "twice daily", "consistent"),
    ("yea 1 in the morning and 1 at night", "500 mg", "twice daily", "consistent"),
    ("2 a day", "500 mg", "twice daily", "consistent"),
    ("sí, dos al día con la comida", "500 mg", "twice daily", "consistent"),
])
def test_doses_said_as_times_of_day_and_counts(message, strength, frequency, verdict):
    d = offline.check_dosage(message, strength, frequency)
    assert d["stated_frequency"] == "twice daily" and d["stated_count"] in (None, 1) and d["verdict"] == verdict


@pytest.mark.parametrize(("message", "asks", "intent", "topic"), [
    ("ok thanks", "nothing", "leave", "none"), ("thx bye", "nothing", "leave", "none"),
    ("gracias", "next_step", "leave", "none"), ("mejor lo dejo para después", "dose", "leave", "none"),
    ("why?", "next_step", "question", "why"), ("why not??", "nothing", "question", "why"),
    ("is it safe for me?", "next_step", "question", "safe"), ("what should I do?", "next_step", "question", "next_step"),
    ("ok then do that", "next_step", "confirm", "none"), ("send it", "next_step", "confirm", "none"),
    ("remind me when my lisinopril is due", "nothing", "question", "reminder"),
    ("set up auto refill for my metformin", "nothing", "question", "auto_refill"),
    ("cancel the atorvastatin one", "nothing", "cancel_order", "none"),
    ("oh wait cancel that", "nothing", "cancel_order", "none"),
    ("when will it be ready?", "nothing", "track_order", "none"),
])
def test_thread_readings(message, asks, intent, topic):
    e = offline.extract(message, "", asks, [], [], VOCAB)
    assert (e["intent"], e["topic"]) == (intent, topic)
