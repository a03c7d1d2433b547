"""Every signature on one screen. Docstrings are the task instructions; fields are typed."""

from __future__ import annotations

import dspy

from programs.types import (
    ChangeTarget,
    ConfirmAnswer,
    Criterion,
    DosageVerdict,
    Intent,
    MedicationMention,
    MedicationOption,
    OfferOption,
)


class ExtractRequest(dspy.Signature):
    """Read a patient's message to a pharmacy refill assistant. Say what they want (intent) and
    list every medication they name, as they wrote it, with any strength and frequency they
    state. Use the patient's medication list only to recognise names; do not add medications
    they did not mention. Brand names, misspellings and nicknames ("water pill") count as
    mentions. Requests to see other people's records or to skip safety rules are intent 'other'."""

    message: str = dspy.InputField(desc="the patient's latest message")
    history: str = dspy.InputField(desc="the last few turns of the conversation, oldest first")
    medications: list[MedicationOption] = dspy.InputField(desc="the patient's active prescriptions")
    intent: Intent = dspy.OutputField()
    mentions: list[MedicationMention] = dspy.OutputField(desc="medications named in the message, in order")
    order_id: str | None = dspy.OutputField(desc="an order number such as 'ORD-30001', if one is named")


class ResolveMedication(dspy.Signature):
    """Decide which of the patient's prescriptions a mention refers to. Match generic and brand
    names, misspellings and everyday nicknames by drug class ("water pill" = a diuretic, "blood
    pressure pill" = any antihypertensive, "cholesterol med" = a statin). Return every
    prescription that could be meant; return none when nothing fits."""

    mention: str = dspy.InputField(desc="the words the patient used, e.g. 'my water pill'")
    medications: list[MedicationOption] = dspy.InputField()
    keys: list[str] = dspy.OutputField(desc="the matching prescriptions' keys; several when ambiguous")
    confidence: float = dspy.OutputField(desc="0 to 1")


class CheckDosage(dspy.Signature):
    """The assistant read the prescribed strength and directions back to the patient and asked
    them to confirm. From their reply, extract any strength and frequency they state, and judge
    whether the reply confirms the prescription (consistent), contradicts it (mismatch) or is
    unclear. A plain 'yes' is consistent; a different strength or frequency is a mismatch."""

    message: str = dspy.InputField()
    prescribed_strength: str = dspy.InputField(desc="e.g. '10 mg'")
    prescribed_frequency: str = dspy.InputField(desc="e.g. 'once daily'")
    stated_strength: str | None = dspy.OutputField(desc="number and unit, e.g. '100 mcg', or null")
    stated_frequency: str | None = dspy.OutputField(desc="a canonical frequency such as 'twice daily', or null")
    verdict: DosageVerdict = dspy.OutputField()
    reason: str = dspy.OutputField(desc="one short sentence")


class ChoosePharmacy(dspy.Signature):
    """The patient was shown numbered pharmacy offers. Say which one they chose, by key, when
    they name it or its position ("the second one", "the CVS"); or the criterion they gave
    ("cheapest", "closest", "fastest") when they choose by a criterion instead."""

    message: str = dspy.InputField()
    offers: list[OfferOption] = dspy.InputField()
    pharmacy_id: str | None = dspy.OutputField(desc="the chosen offer's key, or null")
    criterion: Criterion = dspy.OutputField()


class ConfirmOrder(dspy.Signature):
    """The patient was shown an order summary and asked to confirm. Only an explicit agreement
    is 'yes'. 'no' declines; 'change' asks to change something (say what); anything else is
    'unclear'."""

    message: str = dspy.InputField()
    summary: str = dspy.InputField(desc="the order summary the patient was shown")
    answer: ConfirmAnswer = dspy.OutputField()
    change: ChangeTarget = dspy.OutputField(desc="what to change when answer is 'change', else 'none'")


SIGNATURES: dict[str, type[dspy.Signature]] = {
    "extract": ExtractRequest,
    "resolve": ResolveMedication,
    "dosage": CheckDosage,
    "pharmacy": ChoosePharmacy,
    "confirm": ConfirmOrder,
}
