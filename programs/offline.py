"""The offline predictors: deterministic answers to each signature, with no LM.

Each function takes the signature's inputs and returns its outputs plus a `confidence`
(0..1) that the hybrid program uses to decide when to ask the LM instead. rapidfuzz does the
approximate matching; regular expressions read strengths, frequencies and yes/no phrasing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from rapidfuzz import fuzz

from programs.normalize import (
    find_bare_number,
    find_frequency,
    find_strengths,
    format_strength,
    parse_strength,
)
from programs.types import MedicationOption, OfferOption

# Everyday names for drug classes. Resolution maps a nickname to the patient's drugs of
# these classes; several matches are ambiguous and go to a clarifying question.
NICKNAMES: dict[str, set[str]] = {
    "water pill": {"thiazide_diuretic", "loop_diuretic", "potassium_sparing_diuretic"},
    "fluid pill": {"thiazide_diuretic", "loop_diuretic", "potassium_sparing_diuretic"},
    "diuretic": {"thiazide_diuretic", "loop_diuretic", "potassium_sparing_diuretic"},
    "blood pressure": {"ace_inhibitor", "angiotensin_receptor_blocker", "dihydropyridine_ccb",
                       "non_dihydropyridine_ccb", "thiazide_diuretic", "beta_blocker"},
    "bp": {"ace_inhibitor", "angiotensin_receptor_blocker", "dihydropyridine_ccb", "non_dihydropyridine_ccb",
           "thiazide_diuretic", "beta_blocker"},
    "cholesterol": {"statin"},
    "statin": {"statin"},
    "thyroid": {"thyroid_hormone"},
    "diabetes": {"biguanide", "sulfonylurea", "dpp4_inhibitor", "sglt2_inhibitor", "glp1_agonist", "long_acting_insulin"},
    "sugar": {"biguanide", "sulfonylurea", "dpp4_inhibitor", "sglt2_inhibitor", "glp1_agonist", "long_acting_insulin"},
    "sleeping pill": {"sedative_hypnotic"},
    "sleep": {"sedative_hypnotic"},
    "blood thinner": {"vitamin_k_antagonist", "factor_xa_inhibitor", "p2y12_antiplatelet"},
    "antidepressant": {"ssri", "snri", "ndri_antidepressant", "sari_antidepressant"},
    "depression": {"ssri", "snri", "ndri_antidepressant", "sari_antidepressant"},
    "anxiety": {"benzodiazepine", "anxiolytic", "ssri"},
    "acid reflux": {"proton_pump_inhibitor", "h2_blocker"},
    "heartburn": {"proton_pump_inhibitor", "h2_blocker"},
    "reflux": {"proton_pump_inhibitor", "h2_blocker"},
    "stomach": {"proton_pump_inhibitor", "h2_blocker"},
    "acid": {"proton_pump_inhibitor", "h2_blocker"},
    "pain": {"opioid", "nsaid"},
    "painkiller": {"opioid", "nsaid"},
    "antibiotic": {"aminopenicillin", "macrolide", "first_gen_cephalosporin", "third_gen_cephalosporin",
                   "fluoroquinolone", "sulfonamide_antibiotic", "urinary_antibacterial"},
    "inhaler": {"short_acting_beta_agonist"},
    "asthma": {"short_acting_beta_agonist", "leukotriene_antagonist"},
    "nerve": {"gabapentinoid"},
    "prostate": {"alpha_blocker", "5_alpha_reductase_inhibitor"},
    "arthritis": {"nsaid"},
    "heart": {"beta_blocker", "ace_inhibitor", "p2y12_antiplatelet", "dihydropyridine_ccb"},
}
# "blood pressure pill", "my cholesterol med", "the water pills", "thyroid medicine"...
_NICK_TAIL = r"(?:\s+(?:pills?|meds?|medicines?|medications?|tablets?|drugs?|prescriptions?|shots?|ones?|one))?"
_NICK_RE = re.compile(
    r"\b(" + "|".join(sorted((re.escape(k) for k in NICKNAMES), key=len, reverse=True)) + r")s?" + _NICK_TAIL + r"\b")
# A nickname alone ("pain", "sugar") is only a mention when it names a medicine.
_NEEDS_TAIL = {"pain", "sugar", "acid", "stomach", "heart", "sleep", "nerve", "anxiety", "depression", "bp",
               "blood pressure", "cholesterol", "thyroid", "diabetes", "asthma", "prostate", "arthritis"}

_STOP = {
    "refill", "refills", "please", "thanks", "thank", "need", "want", "would", "could", "should", "my", "the", "and",
    "with", "for", "can", "you", "your", "about", "again", "also", "order", "orders", "track", "cancel", "status",
    "pharmacy", "pharmacies", "cheapest", "closest", "fastest", "nearest", "cheaper", "price", "cost", "much",
    "how", "what", "which", "when", "where", "this", "that", "those", "these", "them", "they", "there", "their",
    "have", "has", "had", "get", "got", "take", "taking", "takes", "daily", "once", "twice", "times", "day", "days",
    "week", "weekly", "morning", "night", "bedtime", "tablet", "tablets", "pill", "pills", "capsule", "capsules",
    "meds", "med", "medicine", "medication", "medications", "prescription", "prescriptions", "yes", "yeah", "sure",
    "okay", "go", "ahead", "one", "other", "first", "second", "third", "last", "hello", "hi", "hey", "out", "ran",
    "running", "almost", "more", "some", "just", "like", "mg", "mcg", "milligrams", "new", "same", "usual",
    "another", "time", "today", "tomorrow", "now", "soon", "ready", "pick", "pickup", "up", "it", "is", "are", "was",
    "be", "been", "to", "of", "in", "on", "at", "by", "from", "a", "an", "i", "im", "i'm", "me", "do", "does",
    "not", "no", "don't", "dont", "instead", "actually", "meant", "mean", "both", "all", "every", "each",
    "refilled", "filled", "fill", "renew", "reorder", "send", "sent", "store", "location", "change",
    "good", "great", "fine", "well", "right", "correct", "wrong", "still", "only", "many", "rules", "admin", "mode", "ignore", "pharmacist", "doctor", "said", "says", "tell", "show", "give", "list",
    "insurance", "plan", "copay", "cash", "card", "discount", "generic", "brand", "cvs", "walgreens", "costco",
    "walmart", "kroger", "main", "street", "harbor", "riverside", "apothecary", "oak", "hill", "drug", "water",
    "blood", "pressure", "sugar", "pain", "sleep", "heart", "stomach", "acid", "thyroid", "cholesterol", "nerve",
}

_YES = re.compile(
    r"^\s*(?:[yk]\s*[.!]*\s*$|yes|yeah|yea|yep|yup|ya|sure|ok|okay|correct|confirm(?:ed)?|absolutely|definitely|affirmative|"
    r"right|exactly|please do|do it|go ahead|go for it|sounds good|that's right|thats right|that is right|"
    r"that's correct|that is correct|place (?:it|the order|my order)|order it|perfect|great|yes please|"
    r"please|send it|book it|let'?s do it|works for me|fine)\b", re.IGNORECASE)
_YES_ANYWHERE = re.compile(r"\b(?:yes|yeah|yep|correct|go ahead|confirm|that's right|place the order|do it)\b",
                           re.IGNORECASE)
_NO = re.compile(
    r"\b(?:no|nope|nah|don'?t|do not|not|cancel|stop|wait|never ?mind|hold on|wrong|incorrect|negative|"
    r"changed my mind|forget it)\b", re.IGNORECASE)
_CHANGE = re.compile(
    r"\b(?:change|different|another|switch|instead|other (?:pharmacy|store|location|one)|somewhere else|"
    r"elsewhere|rather)\b", re.IGNORECASE)

_ORDINALS = [
    (r"\b(?:first|1st|number (?:one|1)|no\.? ?1|#\s*1|option (?:1|one)|top one|the 1)\b|^\s*1\s*$", 1),
    (r"\b(?:second|2nd|number (?:two|2)|no\.? ?2|#\s*2|option (?:2|two)|middle one|the 2)\b|^\s*2\s*$", 2),
    (r"\b(?:third|3rd|number (?:three|3)|no\.? ?3|#\s*3|option (?:3|three)|the 3)\b|^\s*3\s*$", 3),
    (r"\b(?:last one|the last|bottom one)\b", -1),
]
_CRITERIA = [
    (r"\b(?:cheap\w*|lowest (?:price|cost)|least expensive|less expensive|inexpensive|save (?:some )?money|"
     r"best price|lowest price|most affordable|affordable|cost less|costs less|budget)\b", "cheapest"),
    (r"\b(?:clos\w+|near\w*|nearby|shortest drive|distance|walking distance|close to (?:me|home)|down the street)\b",
     "closest"),
    (r"\b(?:fast\w*|quick\w*|soonest|shortest wait|least wait|no wait|asap|right away|in a hurry|hurry|ready first)\b",
     "fastest"),
]

_INTENTS: list[tuple[str, str]] = [
    ("cancel_order", r"\bcancel\w*\b.*\b(?:order|ord-?\d+|refill|it|that)\b|\bcancel\b\s*(?:ord-?\d+)|^\s*cancel\b"),
    ("track_order", r"\b(?:track\w*|status|where(?:'s| is) my (?:order|refill|prescription)|is (?:my|it|the) \w+ ready|"
                    r"ready yet|ready for pickup|has (?:it|my order) been|when will (?:it|my \w+) be ready|"
                    r"order ord-?\d+|ord-?\d+)\b"),
    ("list_medications", r"\b(?:what (?:are|is) my (?:meds|medications|medicines|prescriptions)|list (?:of )?my|"
                         r"what (?:meds|medications|medicines|prescriptions) (?:do i|am i)|which (?:meds|medications)|"
                         r"show (?:me )?my (?:meds|medications|prescriptions|list)|my (?:medication|med) list|"
                         r"what do i take|what am i taking)\b"),
    ("refill", r"\b(?:refill\w*|re-fill|renew\w*|reorder|re-order|need (?:more|a new|another)|run(?:ning)? (?:out|low)|"
               r"ran out|out of (?:my )?\w+|fill (?:my|the|it)|get (?:my|more)|more of (?:my|the)|order (?:my|more|some)|"
               r"send (?:my|a)|another (?:bottle|month|supply|round)|re ?up)\b"),
    ("ask_price", r"\b(?:how much|price\w*|cost\w*|copay|co-pay|afford|expensive|cheaper|coupon|discount)\b"),
    ("greeting", r"^\s*(?:hi|hello|hey|good (?:morning|afternoon|evening)|howdy|greetings|yo)\b[\s!.,]*$"),
]

_GENERIC_PLACE_WORDS = {"pharmacy", "store", "the", "one", "independent", "please", "that",
                        "want", "like", "would", "pick", "go", "with", "choose", "take", "use", "let's", "lets"}

_ORDER_ID = re.compile(r"\bord(?:er)?[\s#:-]*(\d{3,9})\b", re.IGNORECASE)


class Vocabulary:
    """Drug names the offline extractor recognises: generic, brand and abbreviation -> generic."""

    def __init__(self, names: dict[str, str] | None = None):
        self.names = {k.lower(): v for k, v in (names or {}).items()}
        self.multiword = sorted((n for n in self.names if " " in n or "-" in n), key=len, reverse=True)

    def with_medications(self, meds: Iterable[MedicationOption]) -> dict[str, str]:
        names = dict(self.names)
        for m in meds:
            names[m.name.lower()] = m.name
            for b in m.brands:
                names[b.lower()] = m.name
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


def find_mentions(message: str, names: dict[str, str]) -> list[tuple[int, str, str]]:
    """(position, text as written, canonical generic or nickname) for every drug mention."""
    low = message.lower()
    found: list[tuple[int, str, str]] = []
    taken: list[tuple[int, int]] = []

    def free(a: int, b: int) -> bool:
        return all(b <= x or a >= y for x, y in taken)

    for m in _NICK_RE.finditer(low):
        key, whole = m.group(1), m.group(0)
        if key in _NEEDS_TAIL and whole.strip() == key:
            continue
        found.append((m.start(), whole.strip(), f"nickname:{key}"))
        taken.append(m.span())
    for name in [n for n in names if " " in n or "-" in n]:
        for m in re.finditer(r"(?<!\w)" + re.escape(name) + r"(?!\w)", low):
            if free(*m.span()):
                found.append((m.start(), message[m.start():m.end()], names[name]))
                taken.append(m.span())
    for m in re.finditer(r"[a-z][a-z0-9'-]*", low):
        token = m.group(0).strip("'-")
        if token in _STOP or len(token) < 3 or not free(*m.span()):
            continue
        hit = _best_name(token, names)
        if hit:
            found.append((m.start(), message[m.start():m.end()], names[hit[0]]))
            taken.append(m.span())
    found.sort()
    out, seen = [], set()
    for pos, text, canon in found:
        if canon not in seen:
            seen.add(canon)
            out.append((pos, text, canon))
    return out


def _intent(message: str, has_mentions: bool) -> tuple[str, float]:
    low = message.lower()
    for intent, pattern in _INTENTS:
        if re.search(pattern, low):
            if intent == "ask_price" and has_mentions and re.search(_INTENTS[3][1], low):
                return "refill", 0.9
            return intent, 1.0
    if has_mentions:
        return "refill", 0.8  # "lisinopril please", "my metformin"
    if _YES.search(low):
        return "confirm", 0.8
    if re.match(r"^\s*(?:no|nope|nah)\b", low):
        return "deny", 0.8
    if "?" in low:
        return "question", 0.5
    return "other", 0.4


def extract(message: str, history: str, medications: list[MedicationOption], vocabulary: Vocabulary) -> dict[str, Any]:
    names = vocabulary.with_medications(medications)
    mentions = find_mentions(message, names)
    intent, confidence = _intent(message, bool(mentions))
    out = []
    for i, (pos, text, canon) in enumerate(mentions):
        end = mentions[i + 1][0] if i + 1 < len(mentions) else len(message)
        start = pos if len(mentions) > 1 else 0
        window = message[start:end] if len(mentions) > 1 else message
        strengths = find_strengths(window)
        out.append({"text": text if canon.startswith("nickname:") else canon,
                    "strength": format_strength(strengths[0]) if strengths else None,
                    "frequency": find_frequency(window)})
    m = _ORDER_ID.search(message)
    return {"intent": intent, "mentions": out, "order_id": f"ORD-{m.group(1)}" if m else None,
            "confidence": confidence}


def _option_names(m: MedicationOption) -> list[str]:
    return [m.name.lower(), *(b.lower() for b in m.brands)]


def resolve(mention: str, medications: list[MedicationOption]) -> dict[str, Any]:
    low = mention.lower().strip()
    for pattern, pos in _ORDINALS:
        if re.search(pattern, low) and medications:
            idx = pos - 1 if pos > 0 else len(medications) - 1
            if 0 <= idx < len(medications):
                return {"keys": [medications[idx].key], "confidence": 0.95}
    nick = _NICK_RE.search(low)
    if nick:
        classes = NICKNAMES[nick.group(1)]
        keys = [m.key for m in medications if m.drug_class in classes]
        if keys:
            return {"keys": keys, "confidence": 0.95 if len(keys) == 1 else 0.9}
    exact = [m.key for m in medications if low in _option_names(m)]
    if exact:
        return {"keys": exact, "confidence": 1.0}
    scored = []
    for m in medications:
        s = max(max(fuzz.ratio(low, n), fuzz.partial_ratio(n, low) if len(n) >= 5 else 0) for n in _option_names(m))
        if s >= 85:
            scored.append((s, m.key))
    scored.sort(reverse=True)
    if not scored:
        return {"keys": [], "confidence": 0.7}
    top = [k for s, k in scored if s >= scored[0][0] - 3]
    return {"keys": top, "confidence": 0.85 if len(top) == 1 else 0.6}


def check_dosage(message: str, prescribed_strength: str, prescribed_frequency: str) -> dict[str, Any]:
    prescribed = parse_strength(prescribed_strength)
    strengths = find_strengths(message)
    stated = strengths[0] if strengths else None
    if stated is None and prescribed is not None:
        bare = find_bare_number(message)
        if bare is not None:
            stated = type(prescribed)(bare, prescribed.unit)  # "yes, 10" means the prescribed unit
    frequency = find_frequency(message)
    low = message.lower()
    denies = bool(_NO.search(low)) and not re.search(r"\bno problem\b", low)
    affirms = bool(_YES.search(low) or _YES_ANYWHERE.search(low))
    verdict, reason, confidence = "unclear", "The reply neither confirms nor states a dose.", 0.4
    if stated is not None and prescribed is not None:
        if stated.in_base == prescribed.in_base:
            verdict, reason, confidence = "consistent", "The stated strength matches.", 0.95
        else:
            verdict, reason, confidence = "mismatch", f"Stated {format_strength(stated)}, prescribed {prescribed_strength}.", 0.95
    elif denies:
        verdict, reason, confidence = "mismatch", "The patient says the dose is not right.", 0.8
    elif affirms:
        verdict, reason, confidence = "consistent", "The patient confirmed.", 0.9
    elif frequency:
        verdict, reason, confidence = "consistent", "The patient stated the frequency.", 0.7
    return {"stated_strength": format_strength(stated) if stated else None, "stated_frequency": frequency,
            "verdict": verdict, "reason": reason, "confidence": confidence}


def choose_pharmacy(message: str, offers: list[OfferOption]) -> dict[str, Any]:
    low = message.lower()
    ids = re.findall(r"\bph\s*-?0*(\d{1,3})\b", low)
    for i in ids:
        key = f"PH{int(i):03d}"
        if any(o.key == key for o in offers):
            return {"pharmacy_id": key, "criterion": "none", "confidence": 1.0}
    # Names match word by word ("the CVS", "walgreens on oak hill"); a tie between two offers
    # of one chain is broken by the place words, and an unbroken tie is no answer.
    said = set(re.findall(r"[a-z]{3,}", low)) - _GENERIC_PLACE_WORDS
    scores = []
    for o in offers:
        words = set(re.findall(r"[a-z]{3,}", f"{o.name} {o.chain}".lower())) - _GENERIC_PLACE_WORDS
        hits = sum(1 for t in said if any(fuzz.ratio(t, w) >= 85 for w in words))
        scores.append((hits, o))
    best = max((h for h, _ in scores), default=0)
    tops = [o for h, o in scores if h == best]
    if best > 0 and len(tops) == 1:
        return {"pharmacy_id": tops[0].key, "criterion": "none", "confidence": 0.95}
    for pattern, pos in _ORDINALS:
        if re.search(pattern, low):
            ordered = sorted(offers, key=lambda o: o.position)
            idx = pos - 1 if pos > 0 else len(ordered) - 1
            if 0 <= idx < len(ordered):
                return {"pharmacy_id": ordered[idx].key, "criterion": "none", "confidence": 0.95}
    for pattern, criterion in _CRITERIA:
        if re.search(pattern, low):
            return {"pharmacy_id": None, "criterion": criterion, "confidence": 0.95}
    return {"pharmacy_id": None, "criterion": "none", "confidence": 0.3}


def confirm(message: str, summary: str) -> dict[str, Any]:
    low = message.lower().strip()
    if _CHANGE.search(low):
        if re.search(r"\b(?:pharmacy|store|location|place|cvs|walgreens|costco|walmart|kroger|somewhere|elsewhere)\b", low):
            target = "pharmacy"
        elif re.search(r"\b(?:dose|strength|mg|mcg|milligram)\b", low):
            target = "dose"
        elif re.search(r"\b(?:medication|medicine|drug|prescription|med)\b", low):
            target = "medication"
        else:
            target = "pharmacy"  # in a summary, "another one" most often means another pharmacy
        return {"answer": "change", "change": target, "confidence": 0.9}
    denies = bool(_NO.search(low)) and not re.search(r"\bno problem\b", low)
    if denies:
        return {"answer": "no", "change": "none", "confidence": 0.9}
    if _YES.search(low) or _YES_ANYWHERE.search(low):
        return {"answer": "yes", "change": "none", "confidence": 0.95}
    return {"answer": "unclear", "change": "none", "confidence": 0.3}


def is_explicit_yes(message: str) -> bool:
    """The code-side check before any write: the message itself must say yes, whatever a model read."""
    return confirm(message, "")["answer"] == "yes"
