"""The consent gate: the one piece of code that decides whether a message agrees to a write.

It answers one question: is this message an unconditional agreement to the summary the patient
was last shown? It is deliberately not a language predictor and never an LM; the predictors
and an LM may *read* a message, but only this function lets an order, a cancellation, a request
to a human or its withdrawal be written (rxflow/flow/writes.py calls it before every write).

How it decides (an allow-list, not a guess):
1. Anything that is not agreement makes it no: a question mark, a negation, a hedge, a
   condition, a change request, sarcasm — anywhere in the message.
2. What is left must be only agreement words ("yes", "go ahead", "place it", "sí", "dale"),
   polite filler ("please", "thanks", "now") and words of the summary itself ("yes, the
   lisinopril at Costco"), with at least one agreement word. An unknown word is not consent:
   the assistant asks again, which costs a turn; guessing would cost an order.
Binding to the summary (its digest) is the caller's half: consent counts only for the summary
whose digest was shown (rxflow/flow/writes.py).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

WriteKind = Literal["order", "cancel", "request", "withdraw", "setting", "setting_off"]


def _fold(text: str) -> str:
    t = unicodedata.normalize("NFKD", text.replace("’", "'").replace("‘", "'"))
    t = "".join(c for c in t if not unicodedata.combining(c)).lower()
    t = re.sub(r"(.)\1{2,}", r"\1\1", t)  # "yesss" -> "yess", "okkkk" -> "okk"
    return re.sub(r"\s+", " ", t).strip()


# Whole phrases that agree (checked after folding; longest first). Typos patients really send
# ("yess", "yse", "ys" are not here: a yes we cannot read for sure is asked for again).
_AGREE_EN = [
    "yes", "yess", "yes yes", "yeah", "yeahh", "yea", "yep", "yepp", "yup", "yupp", "ya", "yah", "y", "sure",
    "sure thing", "ok", "okk", "okay", "okey", "k", "kk", "alright", "all right", "confirm", "confirmed",
    "i confirm", "correct", "that's correct", "thats correct", "that is correct", "that's right", "thats right",
    "that is right", "absolutely", "definitely", "of course", "affirmative", "go ahead", "go for it",
    "please do", "do it", "do that", "sounds good", "sounds great", "looks good", "looks great", "perfect",
    "great", "good", "fine", "works for me", "that works", "yes please", "let's do it", "lets do it",
    "let's do that", "place it", "place the order", "place my order", "place order", "put it in",
    "put the order in", "order it", "send it", "send it in", "book it", "submit it", "submit",
    "proceed", "go on", "i agree", "agreed", "deal", "yes i do", "i do", "will do", "👍", "✅", "👌",
]
_AGREE_ES = [
    "si", "sii", "si si", "claro", "claro que si", "dale", "ok dale", "va", "vale", "correcto", "esta bien",
    "de acuerdo", "adelante", "hazlo", "hagalo", "confirmo", "confirmado", "por supuesto", "perfecto",
    "listo", "asi es", "eso es", "orale", "sale", "pidelo", "ordenalo", "mandalo", "envialo", "andale", "simon",
    "mandelo", "pidalo", "hagale", "de una",
]
# For a cancellation summary, "cancel it" agrees; for an order it would be a refusal.
_AGREE_CANCEL = ["cancel", "cancel it", "cancel that", "cancel the order", "cancel my order", "cancel this order",
                 "cancel this", "yes cancel", "cancelalo", "cancela", "cancelar", "cancelalo por favor"]
# For a request to a human: sending it, to whom ("yes, send it to my doctor", "sí, mándele la solicitud").
_AGREE_REQUEST = ["send", "send it", "send that", "send the request", "submit the request", "send the renewal",
                  "send the renewal request", "mandela", "mandala", "mandelo", "enviela", "enviala", "envielo",
                  "mandesela", "mandele", "enviele", "mandale", "enviale", "send it over", "send it in"]
# For withdrawing a request, "withdraw it" and "cancel it" agree.
_AGREE_WITHDRAW = ["withdraw", "withdraw it", "withdraw that", "withdraw the request", "yes withdraw", "take it back",
                   "retirela", "retirala", "retirala por favor", "retirar", "anulela", "anulala", "cancelela"]
# For a standing setting: turning it on or off, pausing, resuming ("yes turn it on", "sí, actívelo").
_AGREE_SETTING = ["turn it on", "turn them on", "turn it off", "turn them off", "set it up", "sign me up", "pause it",
                  "resume it", "schedule it", "activelo", "activalo", "activala", "activela", "apaguelo", "apagalo",
                  "desactivelo", "desactivalo", "pauselo", "pausalo", "programelo", "programalo"]

_AGREE_STOP = ["stop", "stop it", "stop them", "stop that", "yes stop", "yes stop it", "detengalo", "detenlo",
               "paralo", "parelo", "cancel the reminder", "stop auto refill", "stop the auto refill"]

# "ok thanks" acknowledges what was said; at a summary it is no yes to it (a goodbye, or a question ahead).
_ACKNOWLEDGE = {"ok", "okay", "k", "kk", "okk", "alright", "fine", "cool", "great", "vale", "bueno", "va", "oh", "ah",
                "oic", "got", "it", "sure"}
_THANKS = {"thanks", "thank", "you", "thx", "ty", "tysm", "thnx", "thanx", "gracias", "muchas", "grax"}

# Words around a yes to a request ("send it to my doctor"). Who it goes to ("doctor", "pharmacist")
# must be a word of the summary shown (its facts): "send it to the pharmacist" is no yes to a renewal.
_FILLER_REQUEST = {"to", "dr", "dra", "request", "solicitud", "a", "al", "mi", "le", "de"}
# Words that may surround a yes without changing it.
_FILLER = {
    "please", "pls", "plz", "thanks", "thank", "you", "thx", "ty", "now", "then", "it", "that", "the", "order",
    "a", "and", "go", "ahead", "just", "oh", "right", "away", "at", "for", "me", "my", "is", "thats",
    "that's", "all", "good", "great", "lol", "haha", "😊", "🙂", "🙏", "gracias", "por", "favor", "porfa", "xfa",
    "ya", "pues", "el", "la", "pedido", "orden", "lo", "eso", "bueno", "muchas", "muy", "bien", "esa", "ese",
    "misma", "mismo",
    # A grudging or apologetic yes is a yes when nothing else in it hedges, conditions, asks or changes:
    # "ugh fine yes", "sorry, yes go ahead" (after a retracted yes), "ay sí, dale".
    "ugh", "ugh,", "sorry", "oops", "whoops", "perdon", "ay", "uy", "ah",
}
# "sure, why not" is an idiom of agreement, not a question or a negation: read as its first word.
_WHY_NOT_YES = re.compile(r"^(sure|ok|okay|yeah|yes|alright|fine|si|claro)[ ,]+why not[ .!]*$")
# Anywhere in the message, any of these makes it a no (checked on whole words after folding).
_NOT_CONSENT = [
    # negation, refusal
    r"\bno\b", r"\bnope\b", r"\bnah\b", r"\bnot\b", r"n't\b", r"\bnt\b", r"\bdont\b", r"\bcant\b", r"\bwont\b",
    r"\bnever\b", r"\bcancel\w*\b", r"\bkeep\b", r"\bstop\b", r"\bwait\b", r"\bhold\b", r"\bhang on\b",
    r"\bnunca\b", r"\bjamas\b", r"\btodavia\b", r"\bmejor no\b", r"\bespera\w*\b", r"\bdeja\w*\b",
    # hedge, doubt
    r"\bmaybe\b", r"\bperhaps\b", r"\bguess\b", r"\bthink\b", r"\bprobably\b", r"\bidk\b", r"\bdunno\b",
    r"\bunsure\b", r"\bsure\?", r"\bhm+\b", r"\bum+\b", r"\buh+\b", r"\beh\b", r"\bmeh\b", r"\bkinda\b",
    r"\bsort of\b", r"\blater\b", r"\byet\b", r"\bquiza\w*\b", r"\btal vez\b", r"\bno se\b", r"\bcreo\b",
    # condition
    r"\bif\b", r"\bunless\b", r"\bonly\b", r"\bbut\b", r"\bexcept\b", r"\bas long as\b", r"\bprovided\b",
    r"\bassuming\b", r"\bpresuming\b", r"\bsupposing\b",
    r"\bsi es\b", r"\bsolo si\b", r"\bpero\b", r"\bcon tal\b",
    # change
    r"\bchange\b", r"\bdifferent\b", r"\banother\b", r"\bother\b", r"\binstead\b", r"\bactually\b",
    r"\brather\b", r"\bswitch\b", r"\bcheaper\b", r"\bclosest\b", r"\bcheapest\b", r"\bfastest\b",
    r"\bmake it\b", r"\bcambi\w*\b", r"\botra\b", r"\botro\b", r"\bmejor\b",
    # sarcasm and jokes
    r"\byeah right\b", r"\bsure sure\b", r"\boh sure\b", r"\bas if\b", r"\bsarcas\w*\b", r"/s\b", r"🙄", r"😒",
    r"\bwhatever\b", r"\blmao\b", r"\bjk\b", r"\bkidding\b", r"\bseriously\b",
    # asking, not answering
    r"\?", r"¿", r"\bwhat\b", r"\bhow\b", r"\bwhy\b", r"\bwould\b", r"\bcould\b", r"\bshould\b", r"\bmight\b",
    r"\bwhen\b",
]
_NOT_CONSENT_RE = re.compile("|".join(_NOT_CONSENT))


def _phrase_tokens(phrases: list[str]) -> list[list[str]]:
    return sorted((p.split() for p in phrases), key=len, reverse=True)


_PHRASES = {
    "order": _phrase_tokens(_AGREE_EN + _AGREE_ES),
    "request": _phrase_tokens(_AGREE_EN + _AGREE_ES + _AGREE_REQUEST),
    "cancel": _phrase_tokens(_AGREE_EN + _AGREE_ES + _AGREE_CANCEL),
    "withdraw": _phrase_tokens(_AGREE_EN + _AGREE_ES + _AGREE_CANCEL + _AGREE_WITHDRAW),
    "setting": _phrase_tokens(_AGREE_EN + _AGREE_ES + _AGREE_SETTING),
    # Stopping, pausing or cancelling a setting: "yes stop it", "yes cancel it" agree (as "cancel it" does to a
    # cancellation); "don't stop it" still refuses.
    "setting_off": _phrase_tokens(_AGREE_EN + _AGREE_ES + _AGREE_CANCEL + _AGREE_SETTING + _AGREE_STOP),
}


@dataclass(frozen=True)
class Consent:
    given: bool
    reason: str


def decide(message: str, summary: str = "", kind: WriteKind = "order") -> Consent:
    """Whether `message` is an unconditional yes to `summary`: the facts last shown (drug, strength,
    pharmacy...), whose words a yes may restate ("yes, the lisinopril at Costco")."""
    text = _WHY_NOT_YES.sub(r"\1", _fold(message))
    if not text:
        return Consent(False, "empty")
    scan = text
    if kind in ("cancel", "withdraw", "setting_off"):
        # "yes, cancel it" agrees to a cancellation (or a withdrawal); "don't cancel" or "keep it" still refuse.
        scan = re.sub(r"\bcancel(?:alo|ala|ela|ar|a)?\b", "xx", text)
    if kind == "setting_off":  # "yes stop it": stopping is what is asked
        scan = re.sub(r"\bstop\b", "xx", scan)
    hit = _NOT_CONSENT_RE.search(scan)
    if hit:
        return Consent(False, f"not an unconditional yes: '{hit.group(0)}'")
    # Words, and every other symbol but plain punctuation: an emoji we don't know is not a yes.
    tokens = re.findall(r"[\w']+|[^\w\s.,!;:'\"()-]", text)
    if set(tokens) <= _ACKNOWLEDGE | _THANKS and set(tokens) & _THANKS:
        return Consent(False, "an acknowledgement ('ok thanks'), not a yes to the summary")
    summary_words = {w for w in re.findall(r"[\w']+", _fold(summary)) if len(w) > 2 and not w.isdigit()}
    summary_words -= {"yes", "no", "not", "stop", "cancel", "change", "other", "another", "instead"}
    agreed, i = False, 0
    phrases = _PHRASES[kind]
    while i < len(tokens):
        for p in phrases:
            if tokens[i:i + len(p)] == p:
                agreed, i = True, i + len(p)
                break
        else:
            t = tokens[i]
            if t in _FILLER or t in summary_words or (kind == "request" and t in _FILLER_REQUEST):
                i += 1
                continue
            return Consent(False, f"not only agreement: '{t}'")
    return Consent(agreed, "an unconditional yes" if agreed else "no agreement word")


def agrees(message: str, summary: str = "", kind: WriteKind = "order") -> bool:
    return decide(message, summary, kind).given
