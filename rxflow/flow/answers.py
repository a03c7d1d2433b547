"""Questions answered mid-flow or at rest, from the tools, without losing the place.

Each answer reads the tools and says what they returned; the caller then asks the pending
question again (the stage's `reprompt`). An answer returns False when there is nothing to answer
it about, and the message goes on to the stage.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rxflow.domain import AlertCode
from rxflow.flow import refilling, replies
from rxflow.flow.writes.order import pending_offer
from rxflow.offers import MAX_OFFER_KM, pick_offers
from rxflow.tools import ToolFailed

if TYPE_CHECKING:
    from rxflow.flow.turn import TurnWork


def attempt(call, **args):
    """A tool's answer, or None when it could not answer (a drug it does not know)."""
    try:
        return call(**args)
    except ToolFailed:
        return None


def subject_rx(w: TurnWork, ext) -> str | None:
    """The prescription a question is about: one it names, else the one in play, else the last one."""
    if ext.mentions:
        res = w.programs.identify(mention=ext.mentions[0].text, medications=w.med_options())
        if len(res.matches) == 1:
            refilling.note_brand(w, res.matches[0], ext.mentions[0].text)
            return res.matches[0]
        if res.matches:
            return None
    return w.conv.slots.rx_id or w.conv.focus_rx or w.conv.cash_rx


def answer(w: TurnWork, ext) -> bool:
    """Answer a question from the tools. False when there is nothing to answer it about."""
    handler = ANSWERS.get(ext.topic)
    return bool(handler and handler(w, ext) is not False)


def a_price(w: TurnWork, ext) -> bool | None:
    conv = w.conv
    cash = ext.topic == "cash_price"
    offer = pending_offer(w)
    p = conv.pending
    if p is not None and p.kind == "basket" and not ext.mentions:
        w.line(p.summary)  # everything due: each item's price and the total, as shown (still open)
        return None
    if offer is not None and not ext.mentions:
        if not cash:
            w.say("order_price", price=replies.money(offer.price, w.lang),
                  price_type=replies.price_type(offer.price_type, w.lang), pharmacy=offer.pharmacy_name)
            return None
        # At the summary: this order's pharmacy without insurance. The summary stays as it was shown.
        quotes = w.tools.price_lookup(rx_id=conv.slots.rx_id, pharmacy_id=offer.pharmacy_id, pay_cash=True).quotes
        if quotes:
            q = quotes[0]
            w.say("order_cash", pharmacy=q.pharmacy_name, cash=replies.money(q.cash_price, w.lang),
                  card=replies.money(q.card_price, w.lang) if q.card_price is not None else "—",
                  price=replies.money(offer.price, w.lang), price_type=replies.price_type(offer.price_type, w.lang))
            return None
    if w.stage.asks == "pharmacy" and not cash and not ext.mentions:
        w.line(replies.offer_lines(conv.offers, w.lang))
        return None
    rx_id = subject_rx(w, ext)
    if rx_id is None:
        if w.stage.mid_flow:
            return False
        w.say("price_which")
        w.line(refilling.med_list(w))
        return None
    conv.focus_rx = rx_id  # "is there a cheaper alternative?" next is about this one
    d = w.tools.price_lookup(rx_id=rx_id, pay_cash=cash)
    offers, _ = pick_offers(d.quotes)
    if not offers:
        w.say("no_stock")
        return None
    w.say("prices_cash" if cash else "prices", medication=d.medication, strength=d.strength, quantity=d.quantity,
          days=d.days_supply)
    w.add("\n" + (replies.cash_lines if cash else replies.offer_lines)(offers, w.lang))
    if w.stage.idle:
        w.add("\n" + replies.say(w.lang, "prices_hint", medication=d.medication))
    return None


def pharmacies_meant(w: TurnWork, ext) -> list:
    """The pharmacies a question is about: the one it names, else the one in focus, else those on offer."""
    conv = w.conv
    pool = conv.offers + conv.others
    if not pool:
        found = w.tools.pharmacy_locator(limit=12)
        return [p.pharmacy_id for p in found.pharmacies if ext.pharmacy and _names(ext.pharmacy, p.name, p.chain)][:1]
    if ext.pharmacy:
        # The offers shown first, then the others; a full name before a chain's name.
        # The offers shown first, then the others (nearest first); a full name before a chain's name:
        # "the walgreens" is the nearest Walgreens.
        said = ext.pharmacy.lower()
        for group in (conv.offers, conv.others):
            for test in (lambda o: said == o.pharmacy_name.lower(), lambda o: _names(said, o.pharmacy_name, o.chain)):
                hits = [o.pharmacy_id for o in group if test(o)]
                if hits:
                    return hits[:1]
    p = w.programs.select_pharmacy(message=w.message, offers=w.offer_options(pool))
    if p.pharmacy_id:
        return [p.pharmacy_id]
    if conv.focus_pharmacy:
        return [conv.focus_pharmacy]
    return [o.pharmacy_id for o in conv.offers]


def _names(said: str, name: str, chain: str) -> bool:
    said = said.lower().removeprefix("the ").strip()
    words = set(said.split()) - {"pharmacy", "drug", "store", "the", "farmacia"}
    return said in name.lower() or (chain != "independent" and chain.lower() in said) or \
        bool(words) and words <= set(name.lower().replace("-", " ").split())  # "harbor pharmacy"


def a_hours(w: TurnWork, ext) -> bool | None:
    ids = pharmacies_meant(w, ext)
    if not ids:
        return False
    found = [w.tools.pharmacy_details(pharmacy_id=pid) for pid in ids[:3]]
    for d in found:
        w.say("hours", pharmacy=d.name, address=d.address, hours=d.hours,
              drive=replies.say(w.lang, "hours_drive" if d.drive_thru else "hours_no_drive"), phone=d.phone)
    if len(ids) == 1:
        focus(w, ids[0])
        return None
    # "which ones have a drive-thru?" when none of those listed has: the nearest that has, with stock.
    p = w.programs.select_pharmacy(message=w.message, offers=[])
    wants = {"drive_thru": lambda d: d.drive_thru, "open_24h": lambda d: d.is_24h}.get(p.criterion)
    if wants and not any(wants(d) for d in found):
        extra = next((o for o in w.conv.others if wants(o)), None)
        if extra is not None:
            d = w.tools.pharmacy_details(pharmacy_id=extra.pharmacy_id)
            w.say("nearest_with", pharmacy=d.name, km=f"{d.distance_km:.1f}", hours=d.hours,
                  drive=replies.say(w.lang, "hours_drive" if d.drive_thru else "hours_no_drive"))
            focus(w, extra.pharmacy_id)
    return None


def a_delivery(w: TurnWork, ext) -> bool | None:
    """"does costco deliver?", "which ones deliver?": how each delivers (courier or mail), its fee and when."""
    ids = pharmacies_meant(w, ext)
    if not ids:
        w.say("delivery_ask_which")
        return None
    for pid in ids[:3]:
        d = w.tools.pharmacy_details(pharmacy_id=pid)
        if not d.delivery:
            w.say("delivery_no", pharmacy=d.name)
            continue
        fee = replies.money(d.delivery_fee, w.lang) if d.delivery_fee else replies.say(w.lang, "delivery_free")
        w.say(f"delivery_yes.{d.delivery}", pharmacy=d.name, fee=fee, cutoff=d.delivery_cutoff,
              window=d.delivery_window)
    if len(ids) == 1:
        focus(w, ids[0])
    return None


def focus(w: TurnWork, pharmacy_id: str) -> None:
    """Remember the pharmacy just asked about ("that one"); offer it if it has stock but wasn't listed."""
    conv = w.conv
    conv.focus_pharmacy = pharmacy_id
    extra = next((o for o in conv.others if o.pharmacy_id == pharmacy_id), None)
    if extra is not None and w.stage.choosing:
        conv.offers.append(extra)
        conv.others = [o for o in conv.others if o.pharmacy_id != pharmacy_id]


def a_wait(w: TurnWork, ext) -> bool | None:
    ids = pharmacies_meant(w, ext)
    if not ids:
        return False
    for pid in ids[:3]:
        d = w.tools.wait_time(pharmacy_id=pid)
        name = w.tools.pharmacy_details(pharmacy_id=pid).name
        w.say("wait", pharmacy=name, minutes=d.minutes, weekday=replies.weekday(w.ctx.today, w.lang))
    return None


def a_stock(w: TurnWork, ext) -> bool | None:
    rx_id, ids = subject_rx(w, ext), pharmacies_meant(w, ext)
    if not rx_id or not ids:
        return False
    for pid in ids[:3]:
        d = w.tools.inventory_check(pharmacy_id=pid, rx_id=rx_id)
        name = w.tools.pharmacy_details(pharmacy_id=pid).name
        w.say("stock_yes" if d.in_stock else "stock_no", pharmacy=name, on_hand=d.on_hand, strength=d.strength,
              needed=d.needed)
    return None


def a_generic(w: TurnWork, ext) -> bool | None:
    rx_id = subject_rx(w, ext)
    if not rx_id:
        return False
    offer = pending_offer(w)
    pid = offer.pharmacy_id if offer else (w.conv.offers[0].pharmacy_id if w.conv.offers else None)
    if pid is None:
        q = w.tools.price_lookup(rx_id=rx_id).quotes
        pid = q[0].pharmacy_id if q else None
    if pid is None:
        return False
    d = w.tools.brand_generic_compare(rx_id=rx_id, pharmacy_id=pid)
    name = w.tools.pharmacy_details(pharmacy_id=pid).name
    note = "daw" if d.dispense_as_written else "brand_only" if not d.generic_available else "dispensed"
    w.say("generic_note", note=replies.say(w.lang, f"generic.{note}", medication=d.medication), generic=replies.money(d.generic_cash, w.lang) if d.generic_cash else "—",
          brand=replies.money(d.brand_cash, w.lang), pharmacy=name)
    return None


def a_coverage(w: TurnWork, ext) -> bool | None:
    rx_id = subject_rx(w, ext)
    drug = w.med(rx_id).name if rx_id else (ext.mentions[0].text if ext.mentions else None)
    if not drug:
        return False
    r = attempt(w.tools.formulary_check, drug=drug)
    if r is None:
        return False
    f = r
    if f.plan is None:
        w.say("no_plan")
    elif not f.covered:
        w.say("not_covered", plan=f.plan, drug=f.drug)
    else:
        restrictions = (replies.say(w.lang, "covered_pa") if f.prior_auth else "") + (
            replies.say(w.lang, "covered_step", step=f.step_therapy) if f.step_therapy else "")
        w.say("covered", plan=f.plan, drug=f.drug, tier=f.tier, copay=replies.money(f.copay_30 or 0, w.lang),
              restrictions=restrictions)
    return None


def a_refill_date(w: TurnWork, ext) -> bool | None:
    rx_id = subject_rx(w, ext)
    if not rx_id:
        return a_due(w, ext)
    m = w.med(rx_id)
    r = m.refill
    if r.allowed or r.cash_only:
        w.say("due_now", medication=m.name, refills=m.refills_remaining)
    elif r.status == "too_soon":
        w.say("due_on", medication=m.name, date=replies.date(r.due_date, w.lang))
    else:
        first = next((a for a in r.alerts if a.blocking), None)
        w.say("not_refillable", medication=m.name, reason=replies.why(first, w.lang) if first else r.reason)
    return None


def a_prior_auth(w: TurnWork, ext) -> bool | None:
    rx_id = subject_rx(w, ext)
    if not rx_id:
        return False
    pa = w.tools.prior_auth_lookup(rx_id=rx_id)
    if not pa.required:
        w.say("pa_not_needed", plan=pa.plan or "", medication=pa.medication)
    else:
        w.say("pa_time", plan=pa.plan, medication=pa.medication, days=pa.turnaround_days or "a few",
              prescriber=pa.prescriber, phone=pa.prescriber_phone)
    return None


def a_due(w: TurnWork, ext) -> bool | None:
    meds = w.history().medications
    if not meds:
        w.say("no_medications")
        return None
    w.say("due_list")
    w.add("\n" + "\n".join(f"- {m.name} {m.strength}: {refilling.status_text(w, m)}" for m in meds))
    return None


def a_interaction(w: TurnWork, ext) -> bool | None:
    rx_id = subject_rx(w, ext)
    current = w.conv.slots.medication or (w.med(rx_id).name if rx_id else None)
    names = [m.text for m in ext.mentions if m.text != current] or ([current] if current else [])
    if not names:
        return False
    r = attempt(w.tools.interaction_check, drug=names[0])
    if r is None:
        return False
    d = r
    if not d.alerts:
        w.say("interactions_none", drug=d.drug, others=", ".join(d.checked_against) or "—")
    else:
        w.say("interactions", drug=d.drug.capitalize())
        w.add("\n" + "\n".join(replies.alert_line(a, w.lang) for a in d.alerts))
    return None


def a_allergy(w: TurnWork, ext) -> bool | None:
    names = [m.text for m in ext.mentions] or ([w.conv.slots.medication] if w.conv.slots.medication else [])
    if not names:
        return False
    r = attempt(w.tools.allergy_check, drug=names[0])
    if r is None:
        return False
    d = r
    if d.safe:
        w.say("allergy_none", allergies=", ".join(d.allergies_on_record) or "—", drug=d.drug)
    else:
        w.say("allergy_hits", drug=d.drug.capitalize())
        w.add("\n" + "\n".join(replies.alert_line(a, w.lang) for a in d.alerts))
    return None


def a_adherence(w: TurnWork, ext) -> bool | None:
    rx_id = subject_rx(w, ext)
    if not rx_id:
        return False
    r = attempt(w.tools.adherence_check, rx_id=rx_id)
    if r is None:
        return False
    d = r
    w.say("adherence", window=d.window_days, medication=w.med(rx_id).name, pdc=f"{d.proportion_days_covered:.0%}",
          fills=d.fills)
    return None


def a_nearby(w: TurnWork, ext) -> bool | None:
    """The nearest pharmacy (with a service, when one is asked for) from the locator; with a
    medication in play, whether it has it in stock, and else the nearest of that kind that has."""
    conv = w.conv
    p = w.programs.select_pharmacy(message=w.message, offers=[])
    feature = p.criterion if p.criterion in ("open_24h", "drive_thru") else None
    what = replies.say(w.lang, f"nearby_what.{feature}") if feature else ""
    rx_id = conv.slots.rx_id or conv.focus_rx
    found = w.tools.pharmacy_locator(limit=12, **({feature: True} if feature else {})).pharmacies
    if not found:
        w.say("nearby_none", what=what)
        return None
    if feature is None and rx_id is None:
        w.say("nearby", what="")
        w.add("\n" + "\n".join(nearby_line(w, x) for x in found[:3]))
        return None
    first, chosen = found[0], found[0]
    w.say("nearest_one", what=what, pharmacy=first.name, address=first.address, km=f"{first.distance_km:.1f}",
          hours=first.hours, drive=drive_words(w, first.drive_thru))
    if rx_id is not None:
        m = w.med(rx_id)
        chosen = None
        for x in [x for x in found if x.distance_km <= MAX_OFFER_KM]:
            stock = w.tools.inventory_check(pharmacy_id=x.pharmacy_id, rx_id=rx_id)
            if x is first:
                w.add(" " + replies.say(w.lang, "nearby_stock_yes" if stock.in_stock else "nearby_stock_no",
                                        medication=m.name, strength=m.strength, on_hand=stock.on_hand,
                                        needed=stock.needed))
            if stock.in_stock:
                chosen = x
                break
        if chosen is None:
            w.add("\n" + replies.say(w.lang, "nearby_none_stock", what=what))
        elif chosen is not first:
            w.add("\n" + replies.say(w.lang, "nearby_stock_alt", what=what, pharmacy=chosen.name,
                                     km=f"{chosen.distance_km:.1f}", hours=chosen.hours,
                                     drive=drive_words(w, chosen.drive_thru)))
    else:
        also = [f"{x.name} ({x.distance_km:.1f} km)" for x in found[1:3]]
        if also:
            w.add("\n" + replies.say(w.lang, "nearby_also", what=what, names=", ".join(also)))
    if chosen is not None:
        focus(w, chosen.pharmacy_id)  # "that one" now means it; while choosing it joins the offers
        if w.stage.choosing and \
                any(o.pharmacy_id == chosen.pharmacy_id for o in conv.offers):
            w.add("\n" + replies.say(w.lang, "nearby_pick"))
    return None


def nearby_line(w: TurnWork, x) -> str:
    return replies.say(w.lang, "nearby_line", pharmacy=x.name, km=f"{x.distance_km:.1f}", hours=x.hours,
                       drive=replies.say(w.lang, "hours_drive") if x.drive_thru else "")


def drive_words(w: TurnWork, drive_thru: bool) -> str:
    return replies.say(w.lang, "hours_drive" if drive_thru else "hours_no_drive")


def a_alternatives(w: TurnWork, ext) -> bool | None:
    """Covered drugs of the same class, from the plan's formulary, for the medication asked about
    (or, with none in play, for each of the patient's). Only the prescriber can switch drugs:
    nothing is changed here, and an order summary on the table stays as it was shown."""
    rx_id = subject_rx(w, ext)
    meds = w.history().medications
    if rx_id is not None:
        subjects = [(w.med(rx_id).name, w.med(rx_id))]
        w.conv.focus_rx = rx_id
    elif ext.mentions:
        subjects = [(ext.mentions[0].text, None)]  # a drug that is not one of theirs: the formulary still answers
    else:
        subjects = [(m.name, m) for m in meds]
    found = [(r, m) for r, m in ((attempt(w.tools.covered_alternatives, drug=name[:100]), m) for name, m in subjects)
             if r is not None]
    if not found:
        return False
    if found[0][0].plan is None:
        w.say("no_plan")
        return None
    w.say("alt_head", plan=found[0][0].plan)
    w.add("\n" + "\n".join(alternatives_line(w, a, m) for a, m in found))
    prescribers = {(m.prescriber, m.prescriber_phone) for _, m in found if m is not None and m.prescriber}
    who = replies.say(w.lang, "prescriber_contact", prescriber=next(iter(prescribers))[0],
                      phone=next(iter(prescribers))[1]) if len(prescribers) == 1 else ""
    w.add("\n" + replies.say(w.lang, "alt_prescriber", who=who))
    return None


def alternatives_line(w: TurnWork, a, m) -> str:
    cur, lang = a.current, w.lang
    cash = ""
    if m is not None and (cur is None or cur.prior_auth):
        offers, _ = pick_offers(w.tools.price_lookup(rx_id=m.rx_id, pay_cash=True).quotes)
        if offers:
            best = min(offers, key=lambda o: (o.price, o.distance_km))
            cash = replies.say(lang, "alt.cash", price=replies.money(best.price, lang),
                               price_type=replies.price_type(best.price_type, lang), pharmacy=best.pharmacy_name)
    if cur is None:
        status = replies.say(lang, "alt.not_covered", cash=cash)
    elif cur.prior_auth:
        status = replies.say(lang, "alt.prior_auth", tier=cur.tier, copay=replies.money(cur.copay_30, lang), cash=cash)
    else:
        status = replies.say(lang, "alt.covered", tier=cur.tier, copay=replies.money(cur.copay_30, lang))
    lower = [x for x in a.alternatives if x.lower_cost]
    if lower:
        options = replies.say(lang, "alt.options", options="; ".join(
            replies.say(lang, "alt.option", drug=x.drug, brands=f" ({', '.join(x.brand_names)})" if x.brand_names else "",
                        tier=x.tier, copay=replies.money(x.copay_30, lang),
                        restrictions=(replies.say(lang, "covered_pa") if x.prior_auth else "")
                        + (replies.say(lang, "covered_step", step=x.step_therapy) if x.step_therapy else ""))
            for x in lower))
    else:
        options = replies.say(lang, "alt.none_cheaper" if a.alternatives else "alt.none_in_class")
    return replies.say(lang, "alt_line", drug=a.drug, status=status, options=options)


def a_dose(w: TurnWork, ext) -> bool | None:
    rx_id = subject_rx(w, ext)
    if not rx_id:
        return False
    m = w.med(rx_id)
    w.say("dose_info", medication=m.name, strength=m.strength, sig=m.sig)
    return None


def a_what_happens(w: TurnWork, ext) -> bool | None:
    offer = pending_offer(w)
    if offer is None:
        w.stage.help(w)
        return None
    s = w.conv.slots
    w.say("what_happens", pharmacy=offer.pharmacy_name, medication=s.medication, strength=s.strength,
          quantity=s.quantity, price=replies.money(offer.price, w.lang), wait=offer.wait_minutes)
    return None


def blocked_by(w: TurnWork, rx_id: str | None):
    """(the prescription, the rules that block it); when none blocks it, that is said and the list is
    empty. None when there is no prescription to answer about."""
    if not rx_id:
        return None
    m = w.med(rx_id)
    blocking = [a for a in m.refill.alerts if a.blocking]
    if not blocking:
        w.say("not_blocked", medication=m.name, status=refilling.status_text(w, m))
    return m, blocking


def a_why(w: TurnWork, ext) -> bool | None:
    """"why?" / "why not??": the rules that block the prescription in play, and the rule each applies."""
    found = blocked_by(w, subject_rx(w, ext))
    if found is None:
        return False
    m, blocking = found
    if not blocking:
        return None
    w.say("why_blocked", medication=m.name)
    w.add(" " + " ".join(replies.why(a, w.lang) for a in blocking))
    w.add("\n" + replies.say(w.lang, "the_rule", rule=replies.rule(blocking[0], w.lang)))
    return None


def a_safe(w: TurnWork, ext) -> bool | None:
    """"is it safe for me?": what the drug-use review found (allergies, interactions, duplicates), never advice."""
    rx_id = subject_rx(w, ext)
    if not rx_id:
        return False
    m = w.med(rx_id)
    found = [a for a in m.refill.alerts if a.code in SAFETY_CODES]
    if found:
        w.say("safety_found", medication=m.name)
        w.add("\n" + "\n".join(replies.alert_line(a, w.lang) for a in found))
    else:
        w.say("safety_none", medication=m.name)
    w.add("\n" + replies.say(w.lang, "safety_pharmacist"))
    return None


def a_next_step(w: TurnWork, ext) -> bool | None:
    """"what should I do?": the next step the rules name for the prescription in play, with whom to contact."""
    return next_step(w, subject_rx(w, ext))


def next_step(w: TurnWork, rx_id: str | None) -> bool | None:
    """The next step the rules name for `rx_id`, with whom to contact (False: no prescription to say it of)."""
    found = blocked_by(w, rx_id)
    if found is None:
        return False
    m, blocking = found
    if not blocking:
        return None
    step = replies.next_step(blocking[0].next_step, w.lang)
    w.say("next_step_is", medication=m.name, step=step or replies.say(w.lang, "offer.pharmacist"),
          prescriber=m.prescriber, phone=m.prescriber_phone)
    return None


ANSWERS = {
    "price": a_price, "cash_price": a_price, "hours": a_hours, "wait": a_wait, "stock": a_stock,
    "generic": a_generic, "coverage": a_coverage, "refill_date": a_refill_date, "prior_auth": a_prior_auth,
    "due": a_due, "interaction": a_interaction, "allergy": a_allergy, "adherence": a_adherence,
    "nearby": a_nearby, "dose": a_dose, "what_happens": a_what_happens, "alternatives": a_alternatives,
    "why": a_why, "safe": a_safe, "next_step": a_next_step, "delivery": a_delivery,
}
SAFETY_CODES = (AlertCode.DRUG_ALLERGY, AlertCode.DRUG_INTERACTION, AlertCode.DUPLICATE_THERAPY)
