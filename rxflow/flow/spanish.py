"""Spanish for the world's facts: the refill rules and why each applies (from an alert's
details), the world's own texts (interaction effects, allergy notes, prior-authorization
criteria, opening hours, dose forms) and a prescription's directions.

The English lives with the data (rxflow/alerts.py, the policy's reasons, the mock world); what is
here says the same facts in Spanish. A text with no translation stays as the world wrote it,
which the tests check never happens for the seeded world.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from rxflow.domain import AlertCode

# ----------------------------------------------------------------------------- Spanish for the rules' facts
# Each rule in Spanish (rxflow/alerts.py holds the English).
RULES_ES: dict[AlertCode, str] = {
    AlertCode.DISCONTINUED: "Solo se pueden resurtir recetas activas.",
    AlertCode.EXPIRED: "Las recetas vencen un año después de la fecha en que se escribieron.",
    AlertCode.NO_REFILLS: "Para resurtir hace falta que quede al menos un resurtido.",
    AlertCode.ORDER_IN_PROGRESS: "Una receta se surte una vez a la vez.",
    AlertCode.REFILL_TOO_SOON: "Se puede resurtir cuando ha pasado el {threshold:.0%} de los días del último surtido.",
    AlertCode.CONTROLLED_C2: "Las sustancias controladas de la lista II no se pueden resurtir (21 CFR 1306.12).",
    AlertCode.CONTROLLED_SUBSTANCE: "Las sustancias controladas no se resurten automáticamente: cada resurtido se pide.",
    AlertCode.CONTROLLED_LIMIT: "Las recetas de las listas III y IV permiten como máximo 5 resurtidos y ninguno más de "
                                "6 meses después de escritas (21 CFR 1306.22).",
    AlertCode.RENEWAL_NEEDED: "Al usar el último resurtido, el médico tiene que renovar la receta.",
    AlertCode.DRUG_ALLERGY: "Un medicamento al que el paciente es alérgico, o uno con reacción cruzada, necesita a un "
                            "farmacéutico.",
    AlertCode.DRUG_INTERACTION: "Cada resurtido se revisa contra todos los medicamentos activos del paciente.",
    AlertCode.DUPLICATE_THERAPY: "Dos medicamentos activos que hacen lo mismo los revisa un farmacéutico.",
    AlertCode.MAX_DOSE_EXCEEDED: "Una dosis diaria por encima del máximo habitual pasa a un farmacéutico.",
    AlertCode.DOSE_MISMATCH: "Solo se resurte la concentración y las indicaciones recetadas; una dosis distinta se "
                             "confirma primero.",
    AlertCode.DOSE_CHANGED: "Una dosis que el médico cambió se verifica con el médico antes de surtir nada.",
    AlertCode.PRIOR_AUTH_REQUIRED: "El plan paga solo después de aprobar una solicitud de autorización previa.",
    AlertCode.STEP_THERAPY: "Terapia escalonada: el plan exige probar primero un medicamento de primera línea.",
    AlertCode.QUANTITY_LIMIT: "El plan cubre una cantidad limitada cada 30 días.",
    AlertCode.NON_FORMULARY: "Los medicamentos fuera del formulario del plan no están cubiertos.",
    AlertCode.OUT_OF_STOCK: "Solo se ofrecen farmacias con suficiente existencia.",
}

_DOSE_PART_ES = {"strength": "la receta es de", "frequency": "las indicaciones son", "count": "las indicaciones dicen"}
# Why each rule applies, in Spanish, from the alert's facts (details).
WHY_ES: dict[AlertCode, str | Callable[[dict[str, Any]], str]] = {
    AlertCode.DISCONTINUED: lambda d: f"Esta receta de {d['drug']} "
                                      + ("está en espera." if d.get("status") == "on_hold" else "fue suspendida."),
    AlertCode.EXPIRED: lambda d: f"Venció el {d['expired_on']} (hace {d['days_ago']} días); "
                                 + ("se puede pedir una renovación al médico." if d["days_ago"] <= 120
                                    else "se necesita una receta nueva."),
    AlertCode.NO_REFILLS: "Ya se usaron los {refills} resurtidos autorizados.",
    AlertCode.ORDER_IN_PROGRESS: lambda d: f"El pedido {d['order_id']} de esta receta ya está "
                                           + {"received": "recibido", "in_progress": "en proceso",
                                              "ready": "listo"}.get(d["status"], d["status"]) + ".",
    AlertCode.REFILL_TOO_SOON: "Se surtió el {last_fill} para {days_supply} días (hace {days_elapsed} días); la fecha "
                               "más próxima para resurtir es el {earliest_date}.",
    AlertCode.CONTROLLED_C2: "{drug} es de la lista II: cada surtido necesita una receta nueva.",
    AlertCode.CONTROLLED_SUBSTANCE: "{drug} es una sustancia controlada de la lista {schedule}.",
    AlertCode.CONTROLLED_LIMIT: lambda d: (f"Se escribió el {d['written']}; los resurtidos terminaron el "
                                           f"{d['limit_date']}.") if d.get("limit_date")
                                          else f"Ya se usaron los {d['refills']} resurtidos.",
    AlertCode.RENEWAL_NEEDED: "Es el último resurtido de esta receta; pida a su médico que la renueve.",
    AlertCode.DRUG_ALLERGY: "Alergia registrada a {allergen} ({reaction}). {note}",
    AlertCode.DRUG_INTERACTION: "{drug} con {with_drug}: {effect}",
    AlertCode.DUPLICATE_THERAPY: lambda d: f"{d['drug']} y {d['with_drug']} "
                                           + ("son de la misma clase." if d.get("same_class") else "se traslapan."),
    AlertCode.MAX_DOSE_EXCEEDED: "{daily:g} {unit} al día está por encima del máximo habitual de {usual_max:g} {unit}.",
    AlertCode.PRIOR_AUTH_REQUIRED: "{plan} exige autorización previa para {drug}.",
    AlertCode.STEP_THERAPY: "{plan} exige probar {required} primero; no hay registro de ello.",
    AlertCode.QUANTITY_LIMIT: "{plan} cubre hasta {limit} cada 30 días; esta receta es de {per_30:g} cada 30 días.",
    AlertCode.NON_FORMULARY: "{plan} no cubre {drug}; se puede pagar en efectivo o con tarjeta de descuento.",
    AlertCode.DOSE_MISMATCH: lambda d: (f"Usted dijo {d['stated']}, pero {_DOSE_PART_ES[d['part']]} "
                                        f"{d['prescribed']}.") if d.get("part") else "Usted dijo que la dosis no es correcta.",
    AlertCode.DOSE_CHANGED: lambda d: "El paciente dice que el médico le cambió la dosis"
                                      + (f" a {d['stated_strength']}." if d.get("stated_strength") else "."),
    AlertCode.OUT_OF_STOCK: "{pharmacy} ({km} km) tiene {on_hand}; se necesitan {needed}.",
}

# The world's texts (the interaction table, the cross-sensitivity notes, the plans' criteria) in Spanish.
WORLD_ES: dict[str, str] = {
    "one business day": "un día hábil",
    "NSAIDs blunt the blood-pressure effect of ACE inhibitors and raise the risk of kidney injury and high potassium.":
        "Los AINE reducen el efecto de los inhibidores de la ECA sobre la presión y aumentan el riesgo de daño renal y "
        "de potasio alto.",
    "Together they can raise potassium to dangerous levels.": "Juntos pueden subir el potasio a niveles peligrosos.",
    "NSAIDs blunt the blood-pressure effect of ARBs and raise the risk of kidney injury.":
        "Los AINE reducen el efecto de los ARA II sobre la presión y aumentan el riesgo de daño renal.",
    "Clarithromycin raises atorvastatin levels.": "La claritromicina aumenta los niveles de atorvastatina.",
    "Two sedatives together add to drowsiness and fall risk.":
        "Dos sedantes juntos suman somnolencia y riesgo de caídas.",
    "Both prolong the QT interval.": "Ambos prolongan el intervalo QT.",
    "Omeprazole reduces clopidogrel's activation and its protective effect.":
        "El omeprazol reduce la activación del clopidogrel y su efecto protector.",
    "A factor Xa inhibitor with an NSAID raises the risk of serious bleeding.":
        "Un inhibidor del factor Xa con un AINE aumenta el riesgo de sangrado grave.",
    "Acid suppression can reduce levothyroxine absorption.":
        "Reducir el ácido del estómago puede disminuir la absorción de la levotiroxina.",
    "Topiramate can raise metformin levels and the risk of acidosis.":
        "El topiramato puede aumentar los niveles de metformina y el riesgo de acidosis.",
    "Opioids with benzodiazepines can cause profound sedation, slowed breathing, coma and death (FDA boxed warning).":
        "Los opioides con benzodiacepinas pueden causar sedación profunda, respiración lenta, coma y muerte "
        "(advertencia de recuadro de la FDA).",
    "Opioids with sleep medicines can cause dangerous sedation and slowed breathing.":
        "Los opioides con medicamentos para dormir pueden causar sedación peligrosa y respiración lenta.",
    "Clarithromycin blocks simvastatin's breakdown, raising the risk of muscle injury (rhabdomyolysis).":
        "La claritromicina bloquea la eliminación de la simvastatina y aumenta el riesgo de daño muscular "
        "(rabdomiólisis).",
    "SNRIs with tramadol raise the risk of serotonin syndrome and seizures.":
        "Los IRSN con tramadol aumentan el riesgo de síndrome serotoninérgico y convulsiones.",
    "SSRIs with NSAIDs raise the risk of stomach bleeding.":
        "Los ISRS con AINE aumentan el riesgo de sangrado del estómago.",
    "SSRIs with tramadol raise the risk of serotonin syndrome and seizures.":
        "Los ISRS con tramadol aumentan el riesgo de síndrome serotoninérgico y convulsiones.",
    "Listed for completeness: two alpha blockers add to low blood pressure on standing.":
        "Por completitud: dos alfabloqueantes suman presión baja al ponerse de pie.",
    "Warfarin with an NSAID sharply raises the risk of serious bleeding.":
        "La warfarina con un AINE aumenta mucho el riesgo de sangrado grave.",
    "Warfarin with clopidogrel raises the risk of serious bleeding.":
        "La warfarina con clopidogrel aumenta el riesgo de sangrado grave.",
    "Ciprofloxacin can raise the warfarin effect (INR).": "La ciprofloxacina puede aumentar el efecto de la warfarina (INR).",
    "Sulfamethoxazole-trimethoprim markedly raises the warfarin effect (INR) and bleeding risk.":
        "El sulfametoxazol con trimetoprima aumenta mucho el efecto de la warfarina (INR) y el riesgo de sangrado.",
    "ACE-inhibitor reactions (angioedema) recur across the class.":
        "Las reacciones a los inhibidores de la ECA (angioedema) se repiten en toda la clase.",
    "Many 'codeine allergies' are intolerance; other opioids may still react.":
        "Muchas \"alergias a la codeína\" son intolerancia; otros opioides todavía pueden causar reacción.",
    "A fluoroquinolone: the same allergy class.": "Una fluoroquinolona: la misma clase de alergia.",
    "A macrolide: the same allergy class.": "Un macrólido: la misma clase de alergia.",
    "An NSAID: the same allergy class.": "Un AINE: la misma clase de alergia.",
    "A penicillin: the same allergy.": "Una penicilina: la misma alergia.",
    "Cephalexin shares a side chain with amoxicillin and ampicillin; cross-reactions are possible.":
        "La cefalexina comparte una cadena lateral con la amoxicilina y la ampicilina; puede haber reacción cruzada.",
    "Ceftriaxone's side chain differs; cross-reaction risk is low.":
        "La cadena lateral de la ceftriaxona es distinta; el riesgo de reacción cruzada es bajo.",
    "Statin intolerance often recurs with another statin.": "La intolerancia a una estatina suele repetirse con otra.",
    "A sulfonamide antibiotic: the same allergy.": "Un antibiótico sulfonamida: la misma alergia.",
    "The same drug.": "El mismo medicamento.",
    "Type 2 diabetes diagnosis on file (not covered for weight loss).":
        "Diagnóstico de diabetes tipo 2 en el expediente (no se cubre para bajar de peso).",
    "Diagnosis of schizophrenia, bipolar I or adjunct for depression.":
        "Diagnóstico de esquizofrenia, trastorno bipolar I o tratamiento adjunto para depresión.",
    "Type 2 diabetes with HbA1c above goal after 3 months of metformin.":
        "Diabetes tipo 2 con HbA1c por encima de la meta después de 3 meses de metformina.",
    "Documented atrial fibrillation or VTE, with warfarin tried or contraindicated.":
        "Fibrilación auricular o tromboembolismo venoso documentados, con warfarina probada o contraindicada.",
    "Type 2 diabetes with metformin tried for 90 days.": "Diabetes tipo 2 con metformina probada durante 90 días.",
    # directions
    "once daily": "una vez al día",
    "once daily in the evening": "una vez al día por la tarde",
    "once daily in the morning": "una vez al día por la mañana",
    "once daily at bedtime": "una vez al día al acostarse",
    "once daily at bedtime as needed": "una vez al día al acostarse si hace falta",
    "once daily before breakfast": "una vez al día antes del desayuno",
    "once daily with the evening meal": "una vez al día con la cena",
    "twice daily": "dos veces al día",
    "twice daily as needed": "dos veces al día si hace falta",
    "three times daily": "tres veces al día",
    "three times daily as needed": "tres veces al día si hace falta",
    "four times daily": "cuatro veces al día",
    "four times daily as needed": "cuatro veces al día si hace falta",
    "every 6 hours as needed": "cada 6 horas si hace falta",
    "every 8 hours as needed": "cada 8 horas si hace falta",
    "every 4 to 6 hours as needed": "cada 4 a 6 horas si hace falta",
    "once weekly": "una vez a la semana",
    "every 2 weeks": "cada 2 semanas",
    # opening hours
    "open 24 hours": "abierta las 24 horas",
}

WORLD_ES.update({
    # dose forms
    "tablet": "tableta", "capsule": "cápsula", "inhaler": "inhalador", "nasal spray": "aerosol nasal",
    "extended-release tablet": "tableta de liberación prolongada",
    "extended-release capsule": "cápsula de liberación prolongada",
    "delayed-release tablet": "tableta de liberación retardada",
    "delayed-release capsule": "cápsula de liberación retardada",
    "injection pen": "pluma inyectora", "injection vial": "frasco para inyección",
    # the offers' labels
    "closest": "la más cercana", "lowest price": "precio más bajo", "shortest wait": "espera más corta",
})

# ----------------------------------------------------------------------------- directions (the sig)
# A prescription's directions are read left to right as a verb and amount, then phrases; each
# phrase must be one of these, or the directions stay in English (never a half translation).
_UNITS = {"tablet": ("tableta", "tabletas"), "capsule": ("cápsula", "cápsulas"), "puff": ("inhalación", "inhalaciones"),
          "spray": ("atomización", "atomizaciones"), "unit": ("unidad", "unidades"), "mg": ("mg", "mg"),
          "ml": ("mL", "mL")}
_VERBS = {"take": "Tome", "inject": "Inyecte", "inhale": "Haga", "use": "Use"}
_FOR = {"anxiety": "la ansiedad", "pain": "el dolor", "wheezing": "la respiración con silbidos",
        "nausea": "las náuseas", "spasm": "los espasmos", "itching": "la comezón", "sleep": "dormir"}
_PHRASES: list[tuple[str, str | Callable[[re.Match], str]]] = [
    (r"by mouth", "por vía oral"),
    (r"under the skin", "debajo de la piel"),
    (r"into the muscle", "en el músculo"),
    (r"in each nostril", "en cada fosa nasal"),
    (r"once daily", "una vez al día"),
    (r"twice daily", "dos veces al día"),
    (r"three times daily", "tres veces al día"),
    (r"four times daily", "cuatro veces al día"),
    (r"once weekly", "una vez a la semana"),
    (r"every (\d+) to (\d+) hours", lambda m: f"cada {m[1]} a {m[2]} horas"),
    (r"every (\d+) hours", lambda m: f"cada {m[1]} horas"),
    (r"every (\d+) weeks", lambda m: f"cada {m[1]} semanas"),
    (r"as needed for (\w+)", lambda m: f"si hace falta para {_FOR[m[1]]}" if m[1] in _FOR else ""),
    (r"as needed", "si hace falta"),
    (r"at bedtime", "al acostarse"),
    (r"in the morning", "por la mañana"),
    (r"in the evening", "por la noche"),
    (r"on an empty stomach", "en ayunas"),
    (r"before breakfast", "antes del desayuno"),
    (r"with the evening meal", "con la cena"),
    (r"with meals", "con las comidas"),
    (r"with food", "con comida"),
    (r"(\d+) minutes after the same meal", lambda m: f"{m[1]} minutos después de la misma comida"),
    (r"for (\d+) days", lambda m: f"durante {m[1]} días"),
]
_START = re.compile(r"(take|inject|inhale|use) (\d+(?:\.\d+)?) (tablet|capsule|puff|spray|unit|mg|ml)s?\b", re.I)


def directions(sig: str) -> str | None:
    """A prescription's directions in Spanish, or None when a phrase is not one this knows."""
    m = _START.match(sig.strip())
    if not m:
        return None
    amount = m[2]
    unit = _UNITS[m[3].lower()][0 if amount == "1" else 1]
    out = [f"{_VERBS[m[1].lower()]} {amount} {unit}"]
    rest = sig.strip()[m.end():].strip()
    while rest:
        for pattern, spanish in _PHRASES:
            hit = re.match(pattern + r"\b", rest, re.I)
            if hit:
                said = spanish(hit) if callable(spanish) else spanish
                if not said:
                    return None
                out.append(said)
                rest = rest[hit.end():].strip()
                break
        else:
            return None
    return " ".join(out)


def world(text: str) -> str:
    """One of the world's texts in Spanish (unchanged when it has no translation)."""
    return WORLD_ES.get(text) or directions(text) or text
