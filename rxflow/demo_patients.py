"""The demo patients a visitor picks from, with what to try for each. In demo mode (the public Space)
they are the only patients a session can be started for."""

from __future__ import annotations

DEMO_PATIENTS: dict[str, tuple[str, list[str]]] = {
    "P001": ("Maria Gonzalez — every refill allowed (lisinopril, atorvastatin, metformin)",
             ["I need to refill my lisinipril", "refill my lisinopril and atorvastatin", "what are my medications?",
              "how much is my metformin?"]),
    "P002": ("James Carter — ambiguity and brand: two blood-pressure pills, Synthroid dispense-as-written",
             ["I need my blood pressure pill", "refill my water pill", "refill my synthroid"]),
    "P003": ("Linda Park — the rules say no: too soon, no refills left, expired",
             ["refill my sertraline", "refill simvastatin", "can I get my omeprazole refilled?"]),
    "P004": ("Robert Chen — controlled substances: Schedule II, the six-month limit, an allowed refill",
             ["refill my oxycodone", "refill alprazolam", "zolpidem please"]),
    "P005": ("Aisha Mohammed — allergy and interactions: penicillin allergy, warfarin + NSAID",
             ["refill my amoxicillin", "I need my warfarin", "refill lisinopril"]),
    "P006": ("David Kim — insurance: prior authorization (Eliquis), non-formulary (Ozempic)",
             ["refill eliquis", "refill my ozempic", "refill rosuvastatin"]),
    "P007": ("Susan Miller — duplicate therapy (two PPIs) and an out-of-stock pharmacy",
             ["refill omeprazole", "refill my lexapro"]),
    "P008": ("Thomas Wright — a dose mismatch, then several medications at once",
             ["refill my levothyroxine", "I need levothyroxine, gabapentin and tamsulosin"]),
}

# The same things to try, the way a Spanish-speaking patient writes them (shown when the page is in Spanish).
EXAMPLES_ES: dict[str, list[str]] = {
    "P001": ["necesito resurtir mi lisinopril", "¿cuánto cuesta mi metformina?", "¿cuáles son mis medicinas?"],
    "P002": ["necesito la pastilla de la presión", "resurtir mi pastilla del agua", "necesito mi synthroid"],
    "P003": ["necesito mi sertralina", "quiero resurtir la simvastatina", "¿me pueden resurtir el omeprazol?"],
    "P004": ["necesito mi oxicodona", "resurtir el alprazolam", "el zolpidem por favor"],
    "P005": ["necesito la amoxicilina", "necesito mi warfarina", "resurtir el lisinopril"],
    "P006": ["necesito el eliquis", "necesito mi ozempic", "resurtir la rosuvastatina"],
    "P007": ["resurtir el omeprazol", "necesito mi lexapro"],
    "P008": ["necesito mi levotiroxina", "necesito levotiroxina, gabapentina y tamsulosina"],
}

# What each demo patient shows, in Spanish (the examples' label when the page is in Spanish).
ABOUT_ES: dict[str, str] = {
    "P001": "Maria Gonzalez — todos los resurtidos permitidos (lisinopril, atorvastatina, metformina)",
    "P002": "James Carter — ambigüedad y marca: dos pastillas para la presión, Synthroid sin sustitución",
    "P003": "Linda Park — las reglas dicen que no: demasiado pronto, sin resurtidos, vencida",
    "P004": "Robert Chen — sustancias controladas: Lista II, el límite de seis meses, un resurtido permitido",
    "P005": "Aisha Mohammed — alergia e interacciones: alergia a la penicilina, warfarina + AINE",
    "P006": "David Kim — seguro: autorización previa (Eliquis), fuera del formulario (Ozempic)",
    "P007": "Susan Miller — terapia duplicada (dos IBP) y una farmacia sin existencias",
    "P008": "Thomas Wright — una dosis que no coincide, y luego varias medicinas a la vez",
}
