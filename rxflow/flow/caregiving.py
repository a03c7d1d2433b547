"""Whose record a turn works on: the signed-in patient's own, or a dependant's who authorised them
(a caregiver: P002 James Carter for his mother). Decided before anything else runs, in code:

    keep     the record in use stays
    switch   the message asks about an authorised dependant ("my mom's blood pressure pill")
    back     "back to me", "my own meds": the patient's own record again
    refuse   anyone else (P001 asking for "my husband's" meds, or for James Carter's): refused in the
             same words whether or not that person exists (rxflow/assistant.py)

The programs read who is meant (programs/people.py); the caregivers table says who may act for whom
(the my_dependants tool, and ToolContext.acting checks it again for every tool call).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from programs.people import People, back_to_self, relation_meant
from rxflow.flow import refilling, replies

if TYPE_CHECKING:
    from rxflow.flow.turn import TurnWork


@dataclass(frozen=True)
class Dependant:
    patient_id: str
    first_name: str
    last_name: str
    relationship: str

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclass(frozen=True)
class Record:
    kind: Literal["keep", "switch", "back", "refuse"]
    dependant: Dependant | None = None


def meant(people: People, text: str, me: str, acting_for: str | None,
          dependants: Callable[[], list[Dependant]]) -> Record:
    """Whose record `text` asks about, for patient `me` now acting for `acting_for` (None: themself).
    `dependants` is asked only when the message names someone (most turns never read the table)."""
    relation = relation_meant(text)
    if relation is not None:
        dep = next((d for d in dependants() if d.relationship == relation), None)
        return Record("switch", dep) if dep is not None else Record("refuse")
    if acting_for and back_to_self(text):
        return Record("back")
    if not people.someone_else(text, me):
        return Record("keep")
    low = text.lower()
    named = next((d for d in dependants() if f"{d.first_name} {d.last_name}".lower() in low
                  or f"{d.first_name.lower()}'s" in low), None)
    if named is not None:
        return Record("switch", named)
    if acting_for and not people.names_other(text, {me, acting_for}):
        return Record("keep")  # "her losartan" while acting for her: she is the one meant
    return Record("refuse")


def say_record(w: TurnWork, record: Record) -> None:
    """The reply opens by saying whose record is in use from now on."""
    if record.kind == "switch" and record.dependant is not None:
        d = record.dependant
        w.say("record_for", name=d.name, relation=replies.say(w.lang, f"relation.{d.relationship}"))
    elif record.kind == "back":
        w.say("record_own", first=w.first_name)


def settle(w: TurnWork) -> None:
    """Only the record changed: show what is on it (a dependant's medications), and rest."""
    if w.switched is not None and w.switched.kind == "switch":
        w.line(refilling.med_list(w))
    w.stage.settle(w)
