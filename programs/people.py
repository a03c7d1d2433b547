"""Does a message ask about someone other than the signed-in patient?

A session may read and change only its own patient's records, so a request naming anyone else is
refused before anything runs. The refusal must read the same whether or not that person exists:
otherwise asking is a way to learn who the patients are. So the patterns here are mostly generic
(a patient id of any number, "<Name>'s meds", "Mr X", "patient X", "<First Last>", "for my mom",
"her prescription", "calling for ..."), and the list of known people only adds what a generic
pattern might miss; names that are not people (drugs, pharmacies, prescribers, plans) and the
patient's own names never count.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from programs.lexicon import norm


@dataclass(frozen=True)
class Person:
    id: str
    first: str
    last: str


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


RELATIONS = (r"(?:husband|wife|spouse|partner|hubby|mom|mum|mommy|mother|dad|daddy|father|parents?|son|daughter|"
             r"kids?|child|children|baby|sister|brother|siblings?|grandma|grandmother|granny|grandpa|grandfather|"
             r"grandson|granddaughter|aunt|uncle|cousin|niece|nephew|friend|neighbou?r|roommate|boyfriend|"
             r"girlfriend|fiancee?|boss|coworker|colleague|client|caregiver|in-law|mother-in-law|father-in-law)")
RECORD = (r"(?:meds?|medications?|medicines?|prescriptions?|scripts?|pills?|refills?|orders?|records?|list|chart|"
          r"history|allerg\w*|doses?|dosage|insurance|account|rx|file|info\w*|details|drugs?|tablets?|inhaler)")
# Words that take "'s" without being a person: "that's", "today's refill", "the doctor's orders".
NOT_A_NAME = _words("""
    it that what there here where who he she let how when why everyone everybody someone somebody anyone anybody
    one today tonight tomorrow yesterday week weekend month year day morning night time doctor doc dr pharmacist
    pharmacy prescriber nurse plan insurance store this name mine his her their our your my i me we you they
    patient else nobody other another last next same drug brand generic company refill order medication
    medicine prescription walgreen walgreens cvs costco kroger target walmart publix safeway
""")
# Capitalised words that are not names ("Good Morning", "Thank You", "Blood Pressure").
NOT_A_FIRST_NAME = _words("""
    hi hello hey thanks thank you yes yeah no nope ok okay please good morning afternoon evening night the my i
    can could would will what when where how is are do does did refill refills cancel track order orders need
    want get send just also and but so well oh great perfect sure fine sorry pharmacy drug street main new
    blood pressure water pill pills sugar cholesterol thyroid pain sleep anxiety acid reflux stomach heart insulin
    nasal spray eye drops cream inhaler generic brand price cost mg mcg daily twice once
""")
# After "calling for" / "on behalf of": words that are not a person ("calling for a refill").
NOT_A_BENEFICIARY = _words("""
    me myself my a an the some more help info information refill refills prescription prescriptions medication
    medications order orders it that this them us price prices pickup delivery
""")

_ID = re.compile(r"\bp-?(\d{1,6})\b")  # P017, p17, P-017, P999: any patient id, whether it exists or not
_POSSESSIVE = re.compile(rf"\b([a-z][a-z-]*)(?:'s|s')\s+(?:[\w-]+\s+){{0,2}}{RECORD}\b")
_TITLE = re.compile(r"\b(?:mr|mrs|ms|miss|mx|mister|missus)\.?\s+([a-z][a-z'-]*)")
_PATIENT = re.compile(r"\b(?:patient|pt)\s+(?:named\s+|called\s+|id\s+|number\s+|no\.?\s+|#\s*)?"
                      r"(?!(?:portal|assistance|support|information|info|care|services?|advocate|center|line|here|"
                      r"myself|me|now|too|and|or|with|at|to|in|on|for|is|was|who|that|which|a|an|the|of|"
                      r"i|am)\b)([a-z][\w-]*)")
_RELATION = re.compile(rf"\b(?:for|of|about)\s+(?:my|our|his|her|their|a)\s+{RELATIONS}\b"
                       rf"|\b(?:my|our|his|her|their)\s+{RELATIONS}(?:'s|s')"
                       rf"|\b{RELATIONS}(?:'s|s')\s+(?:[\w-]+\s+){{0,2}}{RECORD}\b")
_HIS_HER = re.compile(r"\b(?:his|her)\s+([\w-]+)(?:\s+([\w-]+))?")  # "her order", "check her lisinopril"
_THEIR = re.compile(rf"\b(?:their|theirs)\s+(?:[\w-]+\s+)?{RECORD}\b")  # not "their hours" (a pharmacy's)
_RECORD_WORD = re.compile(rf"{RECORD}")
_ON_BEHALF = re.compile(r"\b(?:on behalf of|(?:calling|asking|ordering) for)\s+([a-z][\w-]*)")
_NAME_PAIR = re.compile(r"\b([A-Z][a-z]+(?:-[A-Z][a-z]+)?)\s+([A-Z][a-z]+(?:-[A-Z][a-z]+)?)\b")


class People:
    """Built once from the known people and the names that are not people (drugs, pharmacies,
    prescribers, plans); asked once per message."""

    def __init__(self, people: Iterable[Person], not_people: Iterable[str] = ()):
        self.people = list(people)
        self.by_id = {p.id: p for p in self.people}
        self.not_people = {norm(n) for n in not_people if n}
        self._words = {w for n in self.not_people for w in re.findall(r"[\w-]+", n)}

    def someone_else(self, message: str, me_id: str) -> bool:
        """True when `message` asks about a person other than patient `me_id`."""
        me = self.by_id.get(me_id)
        own = {norm(me.first), norm(me.last)} if me else set()
        own_number = int(me.id[1:]) if me and me.id[1:].isdigit() else None
        low = norm(message)
        if any(int(m.group(1)) != own_number for m in _ID.finditer(low)):
            return True
        for pattern in (_POSSESSIVE, _TITLE, _PATIENT):
            for m in pattern.finditer(low):
                word = m.group(1).strip("'-")
                if word not in own and word not in NOT_A_NAME and word not in self._words \
                        and not (own_number is not None and _ID.fullmatch(word)
                                 and int(_ID.fullmatch(word).group(1)) == own_number):
                    return True
        for m in _ON_BEHALF.finditer(low):
            if m.group(1) not in NOT_A_BENEFICIARY and m.group(1) not in own and m.group(1) not in self._words:
                return True
        for m in _HIS_HER.finditer(low):
            if any(w and (_RECORD_WORD.fullmatch(w) or w in self._words) for w in m.groups()):
                return True
        if _RELATION.search(low) or _THEIR.search(low):
            return True
        for m in _NAME_PAIR.finditer(message):
            first, last = norm(m.group(1)), norm(m.group(2))
            if first in NOT_A_FIRST_NAME or last in NOT_A_FIRST_NAME or {first, last} <= own:
                continue
            if not any(f"{first} {last}" in n for n in self.not_people) and not {first, last} <= self._words:
                return True
        return self._known(low, me, own)

    def names_other(self, message: str, ids: set[str]) -> bool:
        """True when `message` names a person by id or by name who is none of `ids` (a caregiver acting for
        a dependant says "her pills": only a name or an id points at anyone else)."""
        low = norm(message)
        numbers = {int(i[1:]) for i in ids if i[1:].isdigit()}
        if any(int(m.group(1)) not in numbers for m in _ID.finditer(low)):
            return True
        own = {norm(n) for i in ids if i in self.by_id for n in (self.by_id[i].first, self.by_id[i].last)}
        return any(self._known(low, p, own) for p in [self.by_id[i] for i in ids if i in self.by_id][:1])

    def _known(self, low: str, me: Person | None, own: set[str]) -> bool:
        """A known person's full name anywhere, or their first or last name as a possessive."""
        for p in self.people:
            if me and p.id == me.id:
                continue
            first, last = norm(p.first), norm(p.last)
            if f"{first} {last}" in low and {first, last} != own:
                return True
            for name in {first, last} - own:
                if re.search(rf"\b{re.escape(name)}(?:'s|s')(?!\w)", low):
                    return True
        return False


# ----------------------------------------------------------------------------- caregivers
# A relation, as patients write it in English and Spanish -> its canonical name (the caregivers table's
# `relationship`). "mi mamá" is "mi mama" once accents are folded (norm).
RELATION_NAMES: dict[str, str] = {
    "mom": "mother", "mum": "mother", "mommy": "mother", "mother": "mother", "ma": "mother", "mama": "mother",
    "madre": "mother", "mami": "mother", "mamita": "mother",
    "dad": "father", "daddy": "father", "father": "father", "pa": "father", "papa": "father", "padre": "father",
    "papi": "father",
    "husband": "husband", "hubby": "husband", "esposo": "husband", "marido": "husband",
    "wife": "wife", "esposa": "wife", "mujer": "wife",
    "son": "son", "hijo": "son", "daughter": "daughter", "hija": "daughter",
    "grandma": "grandmother", "grandmother": "grandmother", "granny": "grandmother", "abuela": "grandmother",
    "abuelita": "grandmother", "grandpa": "grandfather", "grandfather": "grandfather", "abuelo": "grandfather",
    "sister": "sister", "hermana": "sister", "brother": "brother", "hermano": "brother",
    "partner": "partner", "spouse": "spouse", "kid": "child", "child": "child",
}
_REL = r"(" + "|".join(sorted(map(re.escape, RELATION_NAMES), key=len, reverse=True)) + r")"
# Whose record a message asks about: "my mom's pills", "for my mother", "my mother needs her losartan",
# "la medicina de mi mamá", "mi mamá necesita". A relative only as context ("my sister already picked
# some up") is not: it names no record of theirs.
_FOR_RELATION = re.compile(
    rf"\b(?:my|our)\s+{_REL}(?:'s|s'|s)(?!\w)"
    rf"|(?<![\w'])(?<!your )(?<!his )(?<!her )(?<!their ){_REL}'s\s+(?:[\w-]+\s+){{0,2}}?[\w-]+"
    rf"|\b(?:for|of|about)\s+(?:my|our)\s+{_REL}\b"
    rf"|\b(?:my|our)\s+{_REL}\s+(?:needs?|wants?|is out of|ran out|runs out|is running|has run|takes)\b"
    rf"|\b(?:de|para|a)\s+mi\s+{_REL}\b"
    rf"|\bmi\s+{_REL}\s+(?:necesita|quiere|ya no tiene|se quedo sin|toma)\b")
_BACK_TO_ME = re.compile(r"\bback to (?:me|mine|my (?:own|meds|stuff|prescriptions|account))\b|\bmy own\b"
                         r"|\b(?:now|and) (?:for )?me\b|\bfor myself\b|\bmine now\b"
                         r"|\b(?:las|lo|las medicinas) mias?\b|\bmis propias\b|\bahora (?:para )?mi\b|\bde vuelta a mi\b")


def relation_meant(message: str) -> str | None:
    """The relation whose record the message asks about ('mother' for "my mom's blood pressure pill"), or None."""
    m = _FOR_RELATION.search(norm(message))
    if not m:
        return None
    return RELATION_NAMES[next(g for g in m.groups() if g)]


def back_to_self(message: str) -> bool:
    """"back to me", "my own meds", "ahora las mías": the signed-in patient's own record again."""
    return bool(_BACK_TO_ME.search(norm(message)))
