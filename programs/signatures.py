"""Every signature on one screen. Docstrings are the task instructions; fields are typed."""

from __future__ import annotations

import dspy

from programs.types import (
    Action,
    Asks,
    ChangeTarget,
    ConfirmAnswer,
    Criterion,
    DosageVerdict,
    Fulfilment,
    Intent,
    Language,
    MedicationMention,
    MedicationOption,
    OfferOption,
    Topic,
)


class ExtractRequest(dspy.Signature):
    """Read a patient's latest message to a pharmacy refill assistant, given what the assistant
    just asked. Say what they want (intent), what a question is about (topic), and list every
    medication they name, as they wrote it, with any strength and frequency they state. Use the
    medication list only to recognise names; never add medications they did not mention.
    Patients text: typos, slang, Spanish or Spanglish are normal. Say which language to answer
    in from now on (reply_language): the conversation's language, unless the patient asks for the
    other one ("in English please", "en español") or writes a whole message plainly in it; a
    Spanish speaker's "ok" or "yes, place it" keeps Spanish. The first message sets it.

    Intents: refill (wants a medication refilled, or names one) · confirm / deny (yes or no to
    the question just asked) · change (wants something in the summary changed) ·
    choose_pharmacy (picks one of the offers, also by a service: "the nearest 24 hour one") ·
    ask_price (price or cost, with or without insurance) · question (any other question; set
    topic) · track_order / cancel_order (an existing order) · list_medications · pay_cash (decides
    to pay without insurance: "I'll pay cash"; asking what that costs is ask_price) · leave (stop
    this refill: "nvm", "forget it", "not today", "bye") · skip (skip only this medication) ·
    start_over · help (what can you do, I'm confused) · greeting · other (off-topic, other
    people's records, requests to bypass safety). Naming a medication inside a question ("how much
    is ozempic without insurance?") is not a refill request.
    Topics: price (the price now), cash_price (the price without insurance: "cost without
    insurance?", "what's the cash price", "sin seguro"), hours (hours/24h/open late/drive-thru of a
    named or listed pharmacy), wait, stock, generic (brand vs generic), coverage (does the plan
    cover this drug?), alternatives (a cheaper or covered drug instead of this one: "is there a
    cheaper alternative my plan covers?"), refill_date (when can I get it), prior_auth (how long
    approval takes), due (what is due for refill), interaction, allergy, adherence, nearby (find
    a pharmacy near me, e.g. "nearest 24 hour pharmacy?"), dose (what dose is it), what_happens
    (what happens if I say yes), why (why was it refused: "why?", "why not??"), safe ("is it safe for
    me?"), next_step ("what should I do?"), reminder / auto_refill / transfer / texts (a refill
    reminder, automatic refills, moving a prescription here from another pharmacy, text messages
    when an order is ready: a question, never a refill; set action: on, off ("stop texting me",
    "cancel my reminder"), pause, resume or list ("what's on auto refill?")), delivery (a question
    about delivery: "does costco deliver?"), none.
    Also read: rx_number (a prescription number given: "rx 1001", "#1001" -> "RX1001"); everything
    (true for "refill everything that's due", "all my meds"); fulfilment (delivery for "deliver it",
    "mail it to me", "mándemelo a la casa"; pickup for "I'll pick it up"; else none).
    Precedence: cancel / track / withdraw / remind / auto-refill / transfer words win over a medication
    named ("cancel my montelukast" is cancel_order); a family member mentioned as context ("my sister
    already picked some up") is not a request for their record. "thanks", "ok thx" once a task is done
    is leave (a goodbye). A question about a pharmacy ("is the walgreens open late")
    is a question, not a choice; a question at the order summary is a question, never a yes.
    Requests to a human: request_help (the patient asks for a request to reach someone: "please
    send the renewal request", "yes send it to my doctor", "can I talk to a pharmacist?", "have a
    pharmacist call me", "mándele la solicitud a mi doctor", "quiero hablar con un farmacéutico";
    set topic to who they ask for: renewal (the prescriber), prior_auth (the plan) or pharmacist,
    else none) · track_request (the status of a request already sent: "what's the status of my
    request", "where is REQ-40001") · withdraw_request ("withdraw that request", "cancel the renewal
    request"). An order is not a request: "cancel my order" is cancel_order."""

    message: str = dspy.InputField(desc="the patient's latest message")
    history: str = dspy.InputField(desc="the last few turns of the conversation, oldest first")
    asks: Asks = dspy.InputField(
        desc="what the assistant just asked: nothing (no open question) · which_medication (which one to refill) "
             "· which_of_several (which of the listed medications) · dose (is the dose read back right) · pharmacy "
             "(which of the offers) · order_yes (place the order summarised?) · cancel_yes (cancel that order?) "
             "· request_yes (send that request to a human?) · pay_cash (no open question; paying cash was offered) "
             "· which_order (which of the open orders listed to cancel) · next_step (a refusal just offered "
             "a request to a human: a yes or 'do that' is 'confirm') · setting_yes (change a standing setting "
             "as summarised?) · transfer_details (which medication to transfer, or which pharmacy it is at now)")
    medications: list[MedicationOption] = dspy.InputField(desc="the patient's active prescriptions")
    offers: list[OfferOption] = dspy.InputField(desc="pharmacy offers on the table, if any")
    language: Language = dspy.InputField(desc="the conversation's language so far (en or es; en before any message)")
    intent: Intent = dspy.OutputField()
    topic: Topic = dspy.OutputField(desc="what a question is about ('none' unless intent is question or ask_price); "
                                         "for a request to a human, who it is for: renewal, prior_auth, pharmacist")
    mentions: list[MedicationMention] = dspy.OutputField(desc="medications named in the message, in order")
    order_id: str | None = dspy.OutputField(desc="an order number such as 'ORD-30001', if one is named")
    pharmacy: str | None = dspy.OutputField(desc="the pharmacy named or asked about, as written, or null")
    reply_language: Language = dspy.OutputField(desc="the language to answer in from now on: en or es")
    rx_number: str | None = dspy.OutputField(desc="a prescription number such as 'RX1001', if one is given, or null")
    everything: bool = dspy.OutputField(desc="true when they want every prescription that is due refilled")
    fulfilment: Fulfilment = dspy.OutputField(desc="delivery, pickup, or none when not said")
    action: Action = dspy.OutputField(desc="for reminder / auto_refill / texts / transfer: on, off, pause, resume, "
                                           "list; else on")


class ResolveMedication(dspy.Signature):
    """Decide which of the patient's prescriptions a mention refers to. Match generic and brand
    names, misspellings and everyday nicknames by drug class ("water pill" = a diuretic, "blood
    pressure pill" = any antihypertensive, "cholesterol med" = a statin), and list positions
    ("the second one" = position 2; "the other one" = the only option left). Return every
    prescription that could be meant; return none when nothing fits."""

    mention: str = dspy.InputField(desc="the words the patient used, e.g. 'my water pill'")
    medications: list[MedicationOption] = dspy.InputField()
    matches: list[str] = dspy.OutputField(desc="the matching prescriptions' keys; several when ambiguous")


class CheckDosage(dspy.Signature):
    """The assistant read the prescribed strength and directions back to the patient and asked
    them to confirm. From their reply, extract any strength, frequency and count of tablets per
    dose they state (a number without a unit is read against the prescription: '1 every morning'
    is a count of 1, 'the 10' is the strength 10 of the prescribed unit), whether they say their
    prescriber changed the dose, and judge whether the reply confirms the prescription
    (consistent), contradicts it (mismatch) or is unclear. A plain 'yes' is consistent."""

    message: str = dspy.InputField()
    prescribed_strength: str = dspy.InputField(desc="e.g. '10 mg'")
    prescribed_frequency: str = dspy.InputField(desc="e.g. 'once daily'")
    prescribed_directions: str = dspy.InputField(desc="the label's directions, e.g. 'Take 1 tablet by mouth once daily'")
    stated_strength: str | None = dspy.OutputField(desc="number and unit, e.g. '100 mcg', or null")
    stated_frequency: str | None = dspy.OutputField(desc="a canonical frequency such as 'twice daily', or null")
    stated_count: float | None = dspy.OutputField(desc="tablets/capsules/puffs per dose stated, or null")
    dose_changed: bool = dspy.OutputField(desc="true when the patient says their prescriber changed the dose")
    verdict: DosageVerdict = dspy.OutputField()
    reason: str = dspy.OutputField(desc="one short sentence")


class ChoosePharmacy(dspy.Signature):
    """The patient was shown numbered pharmacy offers. Say which one they chose, by key, when
    they name it, its street or its position ("the second one", "the CVS", "the one on Market
    St", "that one" = the one they just asked about); or the criterion they gave when they choose
    by one: cheapest, closest, fastest, drive_thru, open_24h, open_late, last_time (where they
    filled it last time), same_as_before (the pharmacy chosen earlier in this conversation)."""

    message: str = dspy.InputField()
    offers: list[OfferOption] = dspy.InputField()
    pharmacy_id: str | None = dspy.OutputField(desc="the chosen offer's key, or null")
    criterion: Criterion = dspy.OutputField()
    for_all: bool = dspy.OutputField(desc="true when they want it for all their medications ('same for all')")


class ConfirmOrder(dspy.Signature):
    """The patient was shown an order summary and asked to confirm. Only an explicit,
    unconditional agreement is 'yes'. 'no' declines; 'change' asks to change something (say
    what); a question, a hedge or a condition is 'unclear'. (A separate consent check in code
    decides whether anything is written; this only reads the reply.)"""

    message: str = dspy.InputField()
    summary: str = dspy.InputField(desc="the order summary the patient was shown")
    answer: ConfirmAnswer = dspy.OutputField()
    change: ChangeTarget = dspy.OutputField(desc="what to change when answer is 'change', else 'none'")
