"""The offline predictors: deterministic answers to each signature, with no LM.

Each function takes the signature's inputs and returns its outputs plus a `confidence`
(0..1) that the hybrid program uses to decide when to ask the LM instead. rapidfuzz does the
approximate matching; the phrasing it recognises lives in programs/lexicon.py.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from typing import Any

from rapidfuzz import fuzz

from programs import lexicon as lx
from programs.language import conversation_language
from programs.lexicon import norm
from programs.normalize import (
    find_bare_number,
    find_count,
    find_frequency,
    find_strengths,
    format_strength,
    parse_strength,
)
from programs.types import MID_FLOW_ASKS, MedicationOption, OfferOption, PharmacyPlace

# Everyday names for drug classes. Resolution maps a nickname to the patient's drugs of
# these classes; several matches are ambiguous and go to a clarifying question.
_BP = {"ace_inhibitor", "angiotensin_receptor_blocker", "dihydropyridine_ccb", "non_dihydropyridine_ccb",
       "thiazide_diuretic", "beta_blocker"}
_DIURETIC = {"thiazide_diuretic", "loop_diuretic", "potassium_sparing_diuretic"}
_DIABETES = {"biguanide", "sulfonylurea", "dpp4_inhibitor", "sglt2_inhibitor", "glp1_agonist", "long_acting_insulin"}
_ACID = {"proton_pump_inhibitor", "h2_blocker"}
NICKNAMES: dict[str, set[str]] = {
    "water pill": _DIURETIC, "fluid pill": _DIURETIC, "diuretic": _DIURETIC,
    "blood pressure": _BP, "bp": _BP, "cholesterol": {"statin"}, "statin": {"statin"},
    "thyroid": {"thyroid_hormone"}, "diabetes": _DIABETES, "sugar": _DIABETES,
    "sleeping pill": {"sedative_hypnotic"}, "sleep": {"sedative_hypnotic"},
    "blood thinner": {"vitamin_k_antagonist", "factor_xa_inhibitor", "p2y12_antiplatelet"},
    "antidepressant": {"ssri", "snri", "ndri_antidepressant", "sari_antidepressant"},
    "depression": {"ssri", "snri", "ndri_antidepressant", "sari_antidepressant"},
    "anxiety": {"benzodiazepine", "anxiolytic", "ssri"},
    "acid reflux": _ACID, "heartburn": _ACID, "reflux": _ACID, "stomach": _ACID, "acid": _ACID,
    "pain": {"opioid", "nsaid"}, "painkiller": {"opioid", "nsaid"},
    "antibiotic": {"aminopenicillin", "macrolide", "first_gen_cephalosporin", "third_gen_cephalosporin",
                   "fluoroquinolone", "sulfonamide_antibiotic", "urinary_antibacterial"},
    "inhaler": {"short_acting_beta_agonist"}, "asthma": {"short_acting_beta_agonist", "leukotriene_antagonist"},
    "nerve": {"gabapentinoid"}, "prostate": {"alpha_blocker", "5_alpha_reductase_inhibitor"},
    "arthritis": {"nsaid"}, "heart": {"beta_blocker", "ace_inhibitor", "p2y12_antiplatelet", "dihydropyridine_ccb"},
}
# "blood pressure pill", "my cholesterol med", "the water pills", "thyroid medicine"...
_NICK_TAIL = r"(?:\s+(?:pills?|meds?|medicines?|medications?|tablets?|drugs?|prescriptions?|shots?|ones?|one))?"
_NICK_RE = re.compile(
    r"\b(" + "|".join(sorted((re.escape(k) for k in NICKNAMES), key=len, reverse=True)) + r")s?" + _NICK_TAIL + r"\b")
# A nickname alone ("pain", "sugar") is only a mention when it names a medicine.
_NEEDS_TAIL = {"pain", "sugar", "acid", "stomach", "heart", "sleep", "nerve", "anxiety", "depression", "bp",
               "blood pressure", "cholesterol", "thyroid", "diabetes", "asthma", "prostate", "arthritis"}

# Words never read as a drug name, however close a fuzzy match comes. The world's place words (its
# pharmacies' names, chains, streets and towns) come from the store: Vocabulary.places.
_STOP = {
    "refill", "refills", "please", "thanks", "thank", "need", "want", "would", "could", "should", "my", "the",
    "and", "with", "for", "can", "you", "your", "about", "again", "also", "order", "orders", "track", "cancel",
    "tambien",  # Spanish "also": never the Ambien it is one letter from
    "leave",  # "leave the synthroid off": never the Aleve it is one letter from
    "status", "pharmacy", "pharmacies", "cheapest", "closest", "fastest", "nearest", "cheaper", "price", "cost",
    "much", "how", "what", "which", "when", "where", "this", "that", "those", "these", "them", "they", "there",
    "their", "have", "has", "had", "get", "got", "take", "taking", "takes", "daily", "once", "twice", "times",
    "day", "days", "week", "weekly", "morning", "night", "bedtime", "tablet", "tablets", "pill", "pills", "capsule",
    "capsules", "meds", "med", "medicine", "medication", "medications", "prescription", "prescriptions", "yes",
    "yeah", "sure", "okay", "go", "ahead", "one", "other", "first", "second", "third", "last", "hello", "hi", "hey",
    "out", "ran", "running", "almost", "more", "some", "just", "like", "mg", "mcg", "milligrams", "new", "same",
    "usual", "another", "time", "today", "tomorrow", "now", "soon", "ready", "pick", "pickup", "up", "it", "is",
    "are", "was", "be", "been", "to", "of", "in", "on", "at", "by", "from", "a", "an", "i", "im", "i'm", "me", "do",
    "does", "not", "no", "don't", "dont", "instead", "actually", "meant", "mean", "both", "all", "every", "each",
    "refilled", "filled", "fill", "renew", "reorder", "send", "sent", "store", "location", "change", "good",
    "great", "fine", "well", "right", "correct", "wrong", "still", "only", "many", "rules", "admin", "mode",
    "ignore", "pharmacist", "doctor", "said", "says", "tell", "show", "give", "list", "insurance", "plan", "copay",
    "cash", "card", "discount", "generic", "brand", "street", "drug", "water", "blood", "pressure", "sugar", "pain",
    "sleep", "heart", "stomach", "acid", "thyroid", "cholesterol", "nerve", "never", "mind", "forget", "later",
    "skip", "start", "over", "help", "hours", "open", "late", "close", "drive", "thru", "through", "hour",
    "authorization", "prior", "approval", "due", "covered", "stock", "allergic", "allergy", "interaction", "safe",
    "happens", "wait", "long", "while", "minutes", "way", "blvd", "ave", "road", "lane", "dollars", "bucks",
    "expensive", "cheap", "thing", "things", "stuff", "changed", "upped"
}

# Words that name no one pharmacy (with the world's home town: Vocabulary.town).
_GENERIC_PLACE_WORDS = {"pharmacy", "store", "the", "one", "independent", "please", "that", "want", "like", "would",
                        "pick", "go", "with", "choose", "take", "use", "let's", "lets", "street", "st",
                        "ave", "avenue", "road", "rd", "dr", "drive", "way", "blvd", "lane", "ln", "pkwy", "ct",
                        "and", "for", "its", "it's", "thru", "through", "open", "hours", "hour", "late", "24h"}



def _place_words(text: str) -> list[str]:
    return re.findall(r"\b[a-z][a-z0-9']*", norm(text))


class Vocabulary:
    """What the offline readers know of the world, read from the store by the runtime
    (rxflow.assistant.vocabulary_of): the drug names they recognise (generic, brand and abbreviation
    -> generic) and the world's pharmacies, whose words are places, never drugs.

    From the pharmacies: `places`, every word of their names, chains, streets and towns (never read
    as a drug name); `town`, the words of the town most of them are in (a word that picks none of
    them out); `own_names`, the independent pharmacies' own names without the kind of shop
    ("main street", "harbor"), which a patient may name in passing."""

    def __init__(self, names: dict[str, str] | None = None, pharmacies: Iterable[PharmacyPlace | dict] = ()):
        self.names = {k.lower(): v for k, v in (names or {}).items()}
        self.pharmacies = ph = tuple(PharmacyPlace.model_validate(p) for p in pharmacies)
        self.places = frozenset(w for p in ph for w in _place_words(f"{p.name} {p.chain} {p.street} {p.town}"))
        towns = Counter(norm(p.town) for p in ph if p.town.strip())
        self.town = frozenset(_place_words(towns.most_common(1)[0][0])) if towns else frozenset()
        self.own_names = tuple(dict.fromkeys(" ".join(w for w in _place_words(p.name) if w not in lx.PHARMACY_KINDS)
                                             for p in ph if norm(p.chain) == "independent"))
        self.pharmacy_named = lx.pharmacy_named(self.own_names)

    def with_medications(self, meds: Iterable[MedicationOption]) -> dict[str, str]:
        names = dict(self.names)
        generics = {v.lower(): v for v in names.values()}
        for es, en in lx.SPANISH_NAMES.items():  # "metformina" is metformin
            if en in generics:
                names.setdefault(es, generics[en])
        for m in meds:
            names[m.name.lower()] = m.name
            for b in m.brands:
                names[b.lower()] = m.name
            es = next((k for k, v in lx.SPANISH_NAMES.items() if v == m.name.lower()), None)
            if es:
                names[es] = m.name
        return names


def _best_name(token: str, names: dict[str, str]) -> tuple[str, float] | None:
    """The name a token most likely spells, with its score; short tokens must match exactly."""
    if token in names:
        return token, 100.0
    if len(token) < 5:
        return None
    best, score = None, 0.0
    for name in names:
        if abs(len(name) - len(token)) > 3 or " " in name:
            continue
        s = fuzz.ratio(token, name)
        if s > score:
            best, score = name, s
    return (best, score) if best and score >= 80 else None


def find_mentions(message: str, names: dict[str, str], places: frozenset[str] = frozenset()) -> list[tuple[int, str, str]]:
    """(position, text as written, canonical generic or nickname) for every drug mention; `places`:
    the world's place words, never a drug (Vocabulary.places)."""
    low = norm(message)
    found: list[tuple[int, str, str]] = []
    taken: list[tuple[int, int]] = []

    def free(a: int, b: int) -> bool:
        return all(b <= x or a >= y for x, y in taken)

    for m in lx.SPANISH_NICK.finditer(low):  # "la pastilla de la presion", "mi inhalador"
        key = lx.SPANISH_NICKNAMES[m.group(1) or m.group(2)]
        found.append((m.start(), m.group(0).strip(), f"nickname:{key}"))
        taken.append(m.span())
    for m in _NICK_RE.finditer(low):
        key, whole = m.group(1), m.group(0)
        if (key in _NEEDS_TAIL and whole.strip() == key) or not free(*m.span()):
            continue
        found.append((m.start(), whole.strip(), f"nickname:{key}"))
        taken.append(m.span())
    for name in [n for n in names if " " in n or "-" in n]:
        for m in re.finditer(r"(?<!\w)" + re.escape(name) + r"(?!\w)", low):
            if free(*m.span()):
                found.append((m.start(), low[m.start():m.end()], names[name]))
                taken.append(m.span())
    for m in re.finditer(r"[a-z][a-z0-9'-]*", low):
        token = m.group(0).strip("'-")
        if token in _STOP or token in places or len(token) < 3 or not free(*m.span()):
            continue
        hit = _best_name(token, names)
        if hit:
            found.append((m.start(), low[m.start():m.end()], names[hit[0]]))
            taken.append(m.span())
    found.sort()
    out, seen = [], set()
    for pos, text, canon in found:
        if canon not in seen:
            seen.add(canon)
            out.append((pos, text, canon))
    return out


# ----------------------------------------------------------------------------- extract: what does the patient want?
def _topic(low: str, asks: str, vocabulary: Vocabulary) -> str | None:
    """The question's topic, when the message asks something (or names a topic only questions have)."""
    question = bool(lx.ASKS.search(low))
    for topic, pattern in lx.TOPICS:
        if not pattern.search(low):
            continue
        if topic == "nearby" and vocabulary.pharmacy_named.search(low):
            continue  # "is the walgreens open 24 hours": that pharmacy's hours
        if topic == "nearby" and not question and asks in ("pharmacy", "order_yes"):
            continue  # "nearest 24 hour pharmacy" while choosing: a choice by a service, not a question
        if question or topic in ("what_happens", "due", "prior_auth", "refill_date", "coverage", "interaction",
                             "allergy", "adherence", "nearby", "alternatives", "safe", "next_step", "reminder", "auto_refill",
                             "transfer"):
            return topic
        if topic in ("price", "cash_price") and (asks not in MID_FLOW_ASKS or lx.PRICE_WORDS.search(low)):
            return topic  # "price of my metformin", "cost w/o insurance": a price request, not an answer
    if question and asks == "dose":
        return "dose"  # "is it 10 mg?": read the prescription back, don't take it as a confirmation
    return None


def _request_for(low: str) -> str:
    """Who a request is for, when the message says: renewal, prior_auth, pharmacist (else none)."""
    return next((who for who, pattern in lx.REQUEST_FOR if pattern.search(low)), "none")


def _act(low: str, asks: str, mentions: bool, offers: list[OfferOption],
         vocabulary: Vocabulary) -> tuple[str, str, float]:
    """(intent, topic, confidence) from the acts every state shares, then the answers to what was asked."""
    mid = asks in MID_FLOW_ASKS
    if lx.START_OVER.search(low):
        return "start_over", "none", 0.95
    if lx.SKIP.search(low) and mid:
        return "skip", "none", 0.9
    # A request to a human is named by its words (request, renewal, REQ-40001): "cancel my order" is an order.
    if lx.WITHDRAW_REQUEST.search(low) and (not mid or asks == "request_yes" or lx.REQUEST_NAMED.search(low)):
        return "withdraw_request", _request_for(low), 0.9
    if lx.TRACK_REQUEST.search(low):
        return "track_request", _request_for(low), 0.9
    if lx.WHAT_IF.search(low) and asks in ("order_yes", "setting_yes", "request_yes", "cancel_yes"):
        return "question", "what_happens", 0.8  # "what if i want to stop it later": asked, not said
    service = _service(low)
    if service:  # "stop auto refill", "cancel my reminder", "stop texting me": a setting, not leaving or an order
        return "question", service, 0.9
    if lx.CANCEL_ORDER.search(low) or (not mid and lx.CANCEL_IT.search(low)) or \
            (mentions and lx.CANCEL_NAMED.search(low)):  # "cancel my montelukast": cancelling wins over the name
        return "cancel_order", "none", 0.95
    if asks in ("setting_yes", "request_yes") and lx.THANKS_ONLY.search(low):
        return "leave", "none", 0.85  # "ok thx" at a setting's or a request's summary: nothing changes
    nvm = lx.NEVER_MIND_THEN.match(low) if mid else None
    rest = low[nvm.end():].strip() if nvm else ""
    if rest and not lx.LEAVE.search(rest) and (lx.CHANGE.search(rest) or _match_offer_words(rest, offers, vocabulary)
                                               or vocabulary.pharmacy_named.search(rest)
                                               or any(c.search(rest) for name, c in lx.CRITERIA
                                                      if name in ("cheapest", "closest", "fastest"))):
        return _act(rest, asks, mentions, offers, vocabulary)  # "nvm cvs instead": a change, read without the "nvm"
    if lx.LEAVE.search(low) or (mid and asks != "order_yes" and lx.NO_THANKS.search(low)):
        return "leave", "none", 0.95
    if lx.REQUEST_HELP.search(low):
        return "request_help", _request_for(low), 0.9
    if lx.TRACK.search(low) and (not mid or re.search(r"\border\b|\bord-?\d", low) or (mentions and "ready" in low)):
        return "track_order", "none", 0.95
    if lx.HELP.search(low):
        return "help", "none", 0.9
    if lx.LIST.search(low):
        return "list_medications", "none", 0.95
    if lx.PAY_CASH.search(low) and (asks == "pay_cash" or not (lx.ASKS.search(low) or lx.PRICE_WORDS.search(low))):
        return "pay_cash", "none", 0.9
    if not mid and "?" not in low and lx.THANKS.search(low):
        return "leave", "none", 0.9  # "ok thanks" once nothing is in flight: a goodbye, not the help menu
    if asks in ("next_step", "pay_cash") and "?" not in low and (lx.ACCEPT.search(low) or lx.AFFIRM.search(low)) \
            and not (lx.DENY.search(low) and not lx.NO_PROBLEM.search(low)):
        return "confirm", "none", 0.85  # "ok then do that": the next step the refusal offered
    if lx.EVERYTHING.search(low) and (lx.EVERYTHING_VERB.search(low) or asks == "which_medication") \
            and not lx.FOR_ALL.search(low) and asks not in ("pharmacy", "order_yes"):
        return "refill", "none", 0.85  # "refill everything that's due" (Extraction.everything)
    if lx.DELIVERY_QUESTION.search(low) and "?" in low:
        return "question", "delivery", 0.85  # "does costco deliver?"
    if _fulfilment(low) != "none" and not mentions and not lx.REFILL.search(low):
        return "change", "none", 0.85  # "deliver it", "actually I'll pick it up": how, not what
    topic = _topic(low, asks, vocabulary)
    if topic in lx.PHARMACY_TOPICS and mentions and lx.REFILL.search(low) and "?" not in low:
        return "refill", "none", 0.85  # "refill my HCTZ and have it ready at main street": where, not a question
    if topic in ("price", "cash_price"):
        return "ask_price", topic, 0.9
    if topic:
        return "question", topic, 0.9
    if lx.REFILL.search(low) or mentions:
        return "refill", "none", 0.9 if mentions else 0.8
    if lx.GREETING.search(low):
        return "greeting", "none", 1.0
    if asks == "pharmacy":
        picked = _choose_pharmacy(low, offers, vocabulary)
        return "choose_pharmacy", "none", 0.9 if picked["pharmacy_id"] or picked["criterion"] != "none" else 0.6
    if asks == "order_yes" and lx.CHANGE.search(low):
        return "change", "none", 0.8
    denies = bool(lx.DENY.search(low)) and not lx.NO_PROBLEM.search(low)
    if denies:
        return "deny", "none", 0.8
    if lx.AFFIRM.search(low):
        return "confirm", "none", 0.85
    if lx.ASKS.search(low):
        return "question", "none", 0.5
    return "other", "none", 0.4


def extract(message: str, history: str, asks: str, medications: list[MedicationOption],
            offers: list[OfferOption], vocabulary: Vocabulary, language: str = "en") -> dict[str, Any]:
    names = vocabulary.with_medications(medications)
    mentions = find_mentions(message, names, vocabulary.places)
    low = norm(message)
    intent, topic, confidence = _act(low, asks, bool(mentions), offers, vocabulary)
    out = []
    for i, (pos, text, _canon) in enumerate(mentions):
        end = mentions[i + 1][0] if i + 1 < len(mentions) else len(low)
        window = low[pos:end] if len(mentions) > 1 else low
        strengths = find_strengths(window)
        out.append({"text": text,  # as written: which prescription it means is the resolve step's job
                    "strength": format_strength(strengths[0]) if strengths else None,
                    "frequency": find_frequency(window)})
    m = lx.ORDER_ID.search(low)
    rx_number = lx.RX_NUMBER.search(low) if not m else None
    if rx_number and not out:
        # "RX1002 20mg at bedtime, costco": the patient's own prescription by its number is a mention of it, with
        # the dose said beside it (one on no list of theirs stays a number: the runtime says it isn't theirs).
        key = f"RX{next(g for g in rx_number.groups() if g)}"
        own = next((o for o in medications if o.key.upper() == key), None)
        if own is not None:
            strengths = find_strengths(low)
            out.append({"text": own.name, "strength": format_strength(strengths[0]) if strengths else None,
                        "frequency": find_frequency(low)})
    if rx_number and intent in ("other", "question", "greeting", "confirm"):
        intent = "refill"  # "rx 1001 pls": the number names the prescription
    return {"intent": intent, "topic": topic, "mentions": out, "order_id": f"ORD-{m.group(1)}" if m else None,
            "refers": bool(lx.REFERS.search(low)),
            "rx_number": f"RX{next(g for g in rx_number.groups() if g)}" if rx_number else None,
            "everything": intent == "refill" and bool(lx.EVERYTHING.search(low)) and not lx.FOR_ALL.search(low),
            "fulfilment": _fulfilment(low), "action": _action(low),
            "pharmacy": _transfer_from(low) if topic == "transfer" else _named_pharmacy(low, offers, vocabulary),
            "confidence": confidence,
            "reply_language": conversation_language(language, message, first=not history.strip())}


SERVICE_TOPICS = ("reminder", "auto_refill", "texts", "transfer")
# A settings word beside a verb of its own: "turn on texts", "stop my reminders". Texts when it's ready come
# before reminders ("avisame cuando este lista" is a text, "avisame cuando toque" a reminder).
_SERVICE_ORDER = (("reminder", lx.REMINDER_DUE), *((t, p) for t, p in lx.TOPICS if t == "auto_refill"), ("texts", lx.TEXTS),
                  *((t, p) for t, p in lx.TOPICS if t in ("reminder", "transfer")))


def _service(low: str) -> str | None:
    """Which standing setting or transfer the message is about, if any."""
    return next((topic for topic, pattern in _SERVICE_ORDER if pattern.search(low)), None)


def _action(low: str) -> str:
    for action, pattern in (("list", lx.ACTION_LIST), ("pause", lx.ACTION_PAUSE), ("resume", lx.ACTION_RESUME),
                            ("off", lx.ACTION_OFF)):
        if pattern.search(low):
            return action
    return "on"


def _fulfilment(low: str) -> str:
    if lx.PICKUP.search(low):
        return "pickup"
    return "delivery" if lx.DELIVERY.search(low) and not lx.DELIVERY_QUESTION.search(low) else "none"


_FROM = re.compile(r"\b(?:from|at|de|desde|en)\s+(?:the\s+|la\s+|el\s+|una?\s+|my\s+|mi\s+)?"
                   r"([a-z0-9][a-z0-9' &.-]{1,50}?)(?=\s+(?:to|here|over|into|a|al|para|aqui|aca|please|pls|"
                   r"because|since|bc|cuz)\b|\s*[.,!?;]|$)")


_VAGUE_PHARMACY = re.compile(r"^(?:(?:an?|the|my|mi|la|el|una?|otra|another|other|different|old|previous|former|"
                             r"anterior|vieja)\s+)*(?:pharmacy|pharmacies|store|drugstore|farmacia|place|one|lugar)$")


def _transfer_from(low: str) -> str | None:
    """The pharmacy a prescription is to be transferred from, as written ("from the rite aid on 5th"); not a
    vague one ("from another pharmacy", "de otra farmacia": which one is still to be asked)."""
    m = _FROM.search(low)
    said = m.group(1).strip() if m else None
    return None if said is None or _VAGUE_PHARMACY.match(said) else said


def _named_pharmacy(low: str, offers: list[OfferOption], vocabulary: Vocabulary) -> str | None:
    """The pharmacy a message names: an offer's full name when it is one, else the words as written."""
    hit = _match_offer_words(low, offers, vocabulary)
    if hit:
        return hit.name
    m = vocabulary.pharmacy_named.search(low)
    return m.group(0) if m else None


# ----------------------------------------------------------------------------- resolve: which prescription?
def _option_names(m: MedicationOption) -> list[str]:
    return [m.name.lower(), *(b.lower() for b in m.brands)]


def resolve(mention: str, medications: list[MedicationOption], vocabulary: Vocabulary | None = None) -> dict[str, Any]:
    low = norm(mention)
    vocabulary = vocabulary or Vocabulary()
    names = vocabulary.with_medications(medications)
    found = find_mentions(mention, names, vocabulary.places)
    if len(found) == 1 and not found[0][2].startswith("nickname:"):
        # A catalogue name, brand, abbreviation or misspelling ("HCTZ", "lisinipril"): its generic.
        hits = [m.key for m in medications if m.name.lower() == found[0][2].lower()]
        if hits:
            return {"matches": hits, "confidence": 1.0 if found[0][1] == found[0][2].lower() else 0.9}
    if lx.OTHER_ONE.search(low) and len(medications) == 1:
        return {"matches": [medications[0].key], "confidence": 0.9}
    ordered = sorted(medications, key=lambda m: m.position or 0) if all(m.position for m in medications) \
        else medications
    for pattern, pos in lx.ORDINALS:
        if re.search(pattern, low) and ordered:
            idx = pos - 1 if pos > 0 else len(ordered) - 1
            if 0 <= idx < len(ordered):
                return {"matches": [ordered[idx].key], "confidence": 0.95}
    es_nick = lx.SPANISH_NICK.search(low)
    nick = _NICK_RE.search(low)
    key = lx.SPANISH_NICKNAMES[es_nick.group(1) or es_nick.group(2)] if es_nick else nick.group(1) if nick else None
    if key:
        classes = NICKNAMES[key]
        keys = [m.key for m in medications if m.drug_class in classes]
        if keys:
            return {"matches": keys, "confidence": 0.95 if len(keys) == 1 else 0.9}
    exact = [m.key for m in medications if low in _option_names(m)]
    if exact:
        return {"matches": exact, "confidence": 1.0}
    scored = []
    for m in medications:
        s = max(max(fuzz.ratio(low, n), fuzz.partial_ratio(n, low) if len(n) >= 5 else 0) for n in _option_names(m))
        if s >= 85:
            scored.append((s, m.key))
    scored.sort(reverse=True)
    if not scored:
        return {"matches": [], "confidence": 0.7}
    top = [k for s, k in scored if s >= scored[0][0] - 3]
    return {"matches": top, "confidence": 0.85 if len(top) == 1 else 0.6}


# ----------------------------------------------------------------------------- the dose
def check_dosage(message: str, prescribed_strength: str, prescribed_frequency: str,
                 prescribed_directions: str = "") -> dict[str, Any]:
    """Read what the patient says of their dose. The verdict is this reader's guess; the runtime
    compares every strength, frequency and count any reader found with the prescription."""
    low = norm(message)
    prescribed = parse_strength(prescribed_strength)
    strengths = find_strengths(low)
    stated = strengths[0] if strengths else None
    count = find_count(low)
    if stated is None and prescribed is not None:
        bare = find_bare_number(low)
        if bare is not None and (count is None or bare != count):
            if abs(bare - prescribed.value) < 1e-9 or bare > 4:
                stated = type(prescribed)(bare, prescribed.unit)  # "yes, 10" / "the 75s": the prescribed unit
            else:
                count = bare  # "I take 2": tablets, not 2 mg
        elif bare is not None and abs(bare - prescribed.value) < 1e-9 and count == bare and "every" not in low:
            stated, count = type(prescribed)(bare, prescribed.unit), None
    frequency = find_frequency(low)
    changed = bool(lx.DOSE_CHANGED.search(low))
    denies = bool(lx.DENY.search(low)) and not lx.NO_PROBLEM.search(low)
    affirms = bool(lx.AFFIRM.search(low))
    verdict, reason, confidence = "unclear", "The reply neither confirms nor states a dose.", 0.4
    if changed:
        verdict, reason, confidence = "mismatch", "The patient says the dose was changed.", 0.9
    elif stated is not None and prescribed is not None:
        if stated.in_base == prescribed.in_base:
            verdict, reason, confidence = "consistent", "The stated strength matches.", 0.95
        else:
            verdict, reason, confidence = "mismatch", f"Stated {format_strength(stated)}, prescribed {prescribed_strength}.", 0.95
    elif denies:
        verdict, reason, confidence = "mismatch", "The patient says the dose is not right.", 0.8
    elif affirms or count is not None or frequency:
        verdict, reason, confidence = "consistent", "The patient confirmed.", 0.9 if affirms else 0.75
    return {"stated_strength": format_strength(stated) if stated else None, "stated_frequency": frequency,
            "stated_count": count, "dose_changed": changed, "verdict": verdict, "reason": reason,
            "confidence": confidence}


# ----------------------------------------------------------------------------- the pharmacy
def _words(text: str, vocabulary: Vocabulary) -> set[str]:
    return set(re.findall(r"[a-z]{3,}", norm(text))) - _GENERIC_PLACE_WORDS - vocabulary.town


def _match_offer_words(low: str, offers: list[OfferOption], vocabulary: Vocabulary) -> OfferOption | None:
    """The one offer whose name, chain or street the message names; a tie between offers (two
    of one chain) is broken by the other words, and an unbroken tie is no answer."""
    said = _words(low, vocabulary)
    if not said or not offers:
        return None
    scores = []
    for o in offers:
        words = _words(f"{o.name} {o.chain} {o.address.split(',')[0]}", vocabulary)
        hits = sum(1 for t in said if any(fuzz.ratio(t, w) >= 85 for w in words))
        scores.append((hits, o))
    best = max(h for h, _ in scores)
    tops = [o for h, o in scores if h == best]
    if best > 0 and len(tops) > 1 and len({o.chain for o in tops}) == 1 and tops[0].chain != "independent":
        return min(tops, key=lambda o: o.distance_km)  # "the walmart": the nearest of that chain
    return tops[0] if best > 0 and len(tops) == 1 else None


def choose_pharmacy(message: str, offers: list[OfferOption], vocabulary: Vocabulary | None = None) -> dict[str, Any]:
    low = norm(message)
    out = _choose_pharmacy(low, offers, vocabulary or Vocabulary())
    out["for_all"] = bool(lx.FOR_ALL.search(low))
    return out


def _choose_pharmacy(low: str, offers: list[OfferOption], vocabulary: Vocabulary) -> dict[str, Any]:
    for i in re.findall(r"\bph\s*-?0*(\d{1,3})\b", low):
        key = f"PH{int(i):03d}"
        if any(o.key == key for o in offers):
            return {"pharmacy_id": key, "criterion": "none", "confidence": 1.0}
    named = _match_offer_words(low, offers, vocabulary)
    if named is not None:
        return {"pharmacy_id": named.key, "criterion": "none", "confidence": 0.95}
    for pattern, pos in lx.ORDINALS:
        if re.search(pattern, low):
            ordered = sorted(offers, key=lambda o: o.position)
            idx = pos - 1 if pos > 0 else len(ordered) - 1
            if 0 <= idx < len(ordered):
                return {"pharmacy_id": ordered[idx].key, "criterion": "none", "confidence": 0.95}
    for criterion, pattern in lx.CRITERIA:
        if pattern.search(low):
            return {"pharmacy_id": None, "criterion": criterion, "confidence": 0.95}
    asked = [o for o in offers if o.asked_about]
    if lx.THAT_ONE.search(low) and len(asked) == 1:
        return {"pharmacy_id": asked[0].key, "criterion": "none", "confidence": 0.9}
    before = [o for o in offers if o.chosen_before]
    if before and lx.AFFIRM.search(low) and not lx.DENY.search(low):
        return {"pharmacy_id": None, "criterion": "same_as_before", "confidence": 0.85}  # "same pharmacy as before?" "yes"
    return {"pharmacy_id": None, "criterion": "none", "confidence": 0.3}


# ----------------------------------------------------------------------------- the answer to an order summary
def confirm(message: str, summary: str, vocabulary: Vocabulary | None = None) -> dict[str, Any]:
    """How the patient answered a summary: yes / no / change / unclear. A reading only: whether
    anything is written is decided by the consent gate (programs/consent.py), not here."""
    low = norm(message)
    # A condition is never an answer; a hedge or a question is not, unless it asks for a change
    # ("can I pick a different pharmacy?", "hmm switch it to the one near my gym": a change, even unresolved).
    if lx.CONDITION.search(low) or (lx.HEDGE.search(low) or "?" in low) and not lx.CHANGE.search(low):
        return {"answer": "unclear", "change": "none", "confidence": 0.85}
    picks = any(p.search(low) for _, p in lx.CRITERIA) or any(re.search(p, low) for p, _ in lx.ORDINALS)
    named = (vocabulary or Vocabulary()).pharmacy_named.search(low)
    picks = picks or bool(named and named.group(0) not in norm(summary))  # "ok the walmart" at a CVS summary
    picks = picks or bool(lx.THAT_ONE.search(low) and not lx.AFFIRM.fullmatch(low))  # "that one": the one asked about
    if lx.CHANGE.search(low) or picks:
        if lx.CHANGE_DOSE.search(low):
            target = "dose"
        elif lx.CHANGE_MEDICATION.search(low) and not lx.CHANGE_PHARMACY.search(low) and not named:  # "Oak Hill Drug"
            target = "medication"
        else:
            target = "pharmacy"  # in a summary, "another one" / "the closest" means another pharmacy
        return {"answer": "change", "change": target, "confidence": 0.9}
    if lx.DENY.search(low) and not lx.NO_PROBLEM.search(low):
        return {"answer": "no", "change": "none", "confidence": 0.9}
    if lx.AFFIRM.search(low):
        return {"answer": "yes", "change": "none", "confidence": 0.9}
    return {"answer": "unclear", "change": "none", "confidence": 0.3}

