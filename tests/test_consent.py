"""The consent gate (programs/consent.py) against a table of phrases, and the evaluator's own check
(evals/scoring.py) against the same table: the evaluator is never looser than the gate."""

from __future__ import annotations

import pytest

from evals.scoring import explicit_yes
from programs.consent import decide

# What a yes may restate: the facts of the summary shown (rxflow/flow/writes.py builds them).
SUMMARY = "lisinopril 10 mg tablet generic Costco Pharmacy - Riverton Costco"
CANCEL = "ORD-30001 lisinopril 10 mg Costco Pharmacy - Riverton"

AGREE = [
    # English, plain and with filler
    "yes", "Yes", "YES", "yes.", "Yes!", "yes!!", "yes please", "Yes please.", "yes go ahead", "Yes, go ahead.",
    "yep", "yup", "yeah", "yea", "ya", "y", "Y", "sure", "sure thing", "ok", "OK", "okay", "k", "kk", "alright",
    "all right", "go ahead", "go for it", "do it", "please do", "place it", "place the order", "place my order",
    "confirm", "confirmed", "I confirm", "correct", "that's correct", "that's right", "thats right", "sounds good",
    "sounds great", "looks good", "perfect", "great", "absolutely", "definitely", "of course", "yes, thank you",
    "yes thanks", "yes please place it", "ok place it", "yup go ahead", "yeah go for it",
    "yes send it", "send it", "book it", "order it", "yes do it now", "yes, please go ahead", "sure, go ahead",
    "alright go ahead", "ok go ahead", "yes confirm", "yes i confirm", "that works", "works for me", "deal",
    "lets do it", "let's do it", "yes yes", "Perfect, please go ahead and send it", "submit it", "proceed",
    # typos patients send
    "yess", "yesss", "yeahh", "okk", "yepp", "yupp", "okey", "yes pls", "yess plz", "yes ty",
    # restating the summary
    "yes, costco", "yes the lisinopril", "yes at costco please", "yes, the generic",
    # emoji
    "👍", "yes 👍", "✅", "yes please 🙏",
    # Spanish and Spanglish
    "sí", "si", "Sí, por favor", "claro", "claro que sí", "dale", "ok dale", "correcto", "hazlo", "de acuerdo",
    "adelante", "está bien", "confirmo", "perfecto", "listo", "sí gracias", "sí, adelante", "yes, dale",
    "va", "órale", "ándale, sí", "sí, hágalo", "sí, pídelo", "sí, esa", "simón", "sí, mándelo", "de una",    # grudging or apologetic, with nothing that hedges, conditions, asks or changes (issue 18)
    "ugh fine yes", "sorry, yes go ahead", "sure why not", "sure, why not", "ok then yes", "fine yes", "ay sí, dale",
]
NOT_CONSENT = [
    # an acknowledgement, not a yes to the summary (issue 19: "set up auto refill" -> summary -> "oh ok, thx")
    "ok thanks", "ok thx", "oh ok, thx", "thanks!", "gracias", "ok gracias",
    # grudging but not agreeing, or a "why not" that asks
    "why not?", "sure, why not?", "ugh no", "sorry no", "sorry what?", "ugh whatever", "sorry, which one?",
    # refusals
    "no", "No.", "nope", "nah", "no thanks", "not now", "don't", "do not place it", "no wait", "wait", "stop",
    "cancel", "cancel it", "never mind", "nvm", "forget it", "not yet", "I don't want it", "don't order it",
    "hold on", "hold off", "no gracias", "todavía no", "mejor no", "no lo pidas", "espera", "ya no",
    # hedges
    "maybe", "i guess", "I think so", "probably", "hmm", "hmm ok", "idk", "not sure", "kinda", "sort of",
    "I can't say yes yet", "let me think", "later", "maybe later", "perhaps", "guess so", "eh", "meh",
    "yes... i think", "ok i guess", "no sé", "creo que sí", "tal vez", "quizás", "yes I think", "um yes",
    "uh ok",
    # questions
    "yes?", "What happens if I say yes?", "is that correct? I thought it was generic", "is it the generic?",
    "how much?", "can I pick it up tomorrow?", "what time will it be ready?", "ok?", "sure?", "really?",
    "are you sure?", "yes? is it ready today", "why?", "¿y si digo que sí?", "¿sí?", "¿cuánto cuesta?",
    "can you make it 90 days?", "what's the total", "how long will it take", "yes what about the price",
    # conditions
    "I'd say yes if it were cheaper", "yes if it's ready by 5", "ok but only if it's generic", "yes unless it's brand",
    "yes as long as it's under $5", "only if insurance covers it", "if it's the cheapest then yes",
    "yes provided it's ready today", "sí si está lista antes de las 5", "sí pero más barato",
    "sí, con tal que sea genérico", "yes but cheaper", "yes, but", "would be yes",
    # changes
    "actually the closest one", "yes but at the closest one", "make it cvs", "can I change the pharmacy",
    "yes but a different pharmacy", "switch to CVS", "the cheapest instead", "yes, but make it 90 days",
    "other one please", "I'd rather go to walgreens", "yes at cvs", "change the dose", "otra farmacia",
    "mejor la más cercana", "cámbiala", "yes, another pharmacy", "the fastest one", "yes the second one",
    "yes for 90 days",
    # sarcasm and jokes
    "oh yeah sure, at that price", "yeah right", "sure sure", "yes 🙄", "oh sure", "totally /s", "yeah as if",
    "yes lol jk", "sí cómo no 🙄", "whatever", "fine whatever", "yes 😒", "seriously?", "yes 🤔",
    # garbled or mixed
    "y-e-s", "yse", "ys", "yesno", "y e s", "1", "ok so", "sure but", "yes and no", "yes no", "no yes",
    "yes. no.", "yes, wait", "ok wait", "yes yes no", "yes cancel", "ok but", "yes, although",
    "", "   ", "???", "yes\nno", "sí, cuando esté lista", "ahorita no", "sí, solo si está lista",
    "sí... bueno no sé", "esa no", "sí, la otra",
]


def test_the_table_is_big_enough():
    assert len(AGREE) + len(NOT_CONSENT) >= 200
    assert not set(AGREE) & set(NOT_CONSENT)


@pytest.mark.parametrize("phrase", AGREE)
def test_agreements_are_consent(phrase):
    assert decide(phrase, SUMMARY).given, decide(phrase, SUMMARY)


@pytest.mark.parametrize("phrase", NOT_CONSENT)
def test_everything_else_is_not(phrase):
    assert not decide(phrase, SUMMARY).given


@pytest.mark.parametrize("phrase", AGREE + NOT_CONSENT)
def test_the_evaluator_is_never_looser_than_the_gate(phrase):
    if explicit_yes(phrase, SUMMARY):
        assert decide(phrase, SUMMARY).given


@pytest.mark.parametrize("phrase", NOT_CONSENT)
def test_the_evaluator_refuses_every_non_consent(phrase):
    assert not explicit_yes(phrase, SUMMARY)


def test_the_evaluator_accepts_the_usual_agreements():
    accepted = [p for p in AGREE if explicit_yes(p, SUMMARY)]
    assert len(accepted) / len(AGREE) >= 0.85, sorted(set(AGREE) - set(accepted))


@pytest.mark.parametrize("phrase,given", [
    ("yes cancel it", True), ("cancel it", True), ("yes please", True), ("yes", True), ("sí, cancélalo", True),
    ("yes, cancel the order", True), ("no keep it", False), ("don't cancel", False), ("yes keep it", False),
    ("wait", False), ("cancel?", False), ("no", False), ("hmm", False), ("keep it", False), ("mejor no", False),
])
def test_cancellation_consent(phrase, given):
    assert decide(phrase, CANCEL, kind="cancel").given is given
    if explicit_yes(phrase, CANCEL, kind="cancel"):
        assert given


def test_summary_words_count_only_for_their_summary():
    other = SUMMARY.replace("Costco Pharmacy - Riverton Costco", "CVS Pharmacy - Market St CVS")
    assert decide("yes, costco", SUMMARY).given
    assert not decide("yes, costco", other).given  # a pharmacy not on this summary is a change
