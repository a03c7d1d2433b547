"""Text normalisation shared by the offline predictors and the runtime's dose rule.

Strengths become (value, unit) with canonical units; frequency phrasing becomes one of the
canonical names in programs.types.FREQUENCY_PER_DAY.
"""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple

from programs.types import FREQUENCY_PER_DAY

_UNIT_ALIASES = {
    "milligram": "mg", "milligrams": "mg", "mgs": "mg", "mg": "mg", "milligramme": "mg",
    "microgram": "mcg", "micrograms": "mcg", "mcg": "mcg", "µg": "mcg", "ug": "mcg", "mcgs": "mcg",
    "gram": "g", "grams": "g", "g": "g", "gm": "g",
    "ml": "mL", "milliliter": "mL", "milliliters": "mL", "millilitre": "mL",
    "unit": "units", "units": "units", "iu": "units", "meq": "mEq",
    "miligramo": "mg", "miligramos": "mg", "microgramo": "mcg", "microgramos": "mcg", "gramo": "g", "gramos": "g",
    "mililitro": "mL", "mililitros": "mL", "unidades": "units",
}
_TO_MG = {"mg": 1.0, "mcg": 0.001, "g": 1000.0}
_STRENGTH = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([a-zA-Zµ]+)?(?:/[\w]+)?\s*$")

UNIT_PATTERN = "|".join(sorted((re.escape(u) for u in _UNIT_ALIASES), key=len, reverse=True))


class Strength(NamedTuple):
    value: float
    unit: str

    @property
    def in_base(self) -> tuple[float, str]:
        """(value, unit) in a comparable base: milligrams for mass units."""
        if self.unit in _TO_MG:
            return round(self.value * _TO_MG[self.unit], 6), "mg"
        return self.value, self.unit

    def __str__(self) -> str:
        return f"{self.value:g} {self.unit}"


def canonical_unit(word: str) -> str | None:
    return _UNIT_ALIASES.get(word.lower())


def parse_strength(text: str | None) -> Strength | None:
    """'10 mg' -> Strength(10, 'mg'); '500mcg' -> (500, 'mcg'). None when it is not a strength."""
    if not text:
        return None
    m = _STRENGTH.match(text)
    if not m:
        return None
    unit = canonical_unit(m.group(2) or "")
    if unit is None:
        return None
    return Strength(float(m.group(1)), unit)


def doses_per_day(frequency: str | None) -> float | None:
    """The doses a day a frequency means: a canonical name, or a prescription's own wording."""
    if not frequency:
        return None
    f = frequency.lower()
    if f in FREQUENCY_PER_DAY:
        return FREQUENCY_PER_DAY[f]
    # Prescription wordings add timing ("once daily at bedtime"): the count is what matters.
    for name in sorted(FREQUENCY_PER_DAY, key=len, reverse=True):
        if f.startswith(name) and name != "as needed":
            return FREQUENCY_PER_DAY[name]
    if "every 4 to 6 hours" in f:
        return FREQUENCY_PER_DAY["every 4 hours"]
    return None


# Phrasings -> canonical frequency. Order matters: longer, more specific phrases first.
_FREQ_PATTERNS: list[tuple[str, str]] = [
    (r"\b(?:every|q|cada)\s*4\s*(?:h|hrs?|hours?|horas)\b|\bq4h\b", "every 4 hours"),
    (r"\b(?:every|q|cada)\s*6\s*(?:h|hrs?|hours?|horas)\b|\bq6h\b", "every 6 hours"),
    (r"\b(?:every|q|cada)\s*8\s*(?:h|hrs?|hours?|horas)\b|\bq8h\b", "every 8 hours"),
    (r"\b(?:every|q|cada)\s*12\s*(?:h|hrs?|hours?|horas)\b|\bq12h\b", "twice daily"),
    (r"\b(?:every|q|cada)\s*24\s*(?:h|hrs?|hours?|horas)\b", "once daily"),
    (r"\b(?:once|one time|1 time|1x)\s*(?:a|per|each)\s*week\b|\bweekly\b|\bevery week\b|\buna vez (?:a la|a|por|cada) semana\b|"
     r"\bsemanal\b|\bcada semana\b|\bcada (?:domingo|lunes|martes|miercoles|jueves|viernes|sabado)\b", "once weekly"),
    (r"\bevery (?:2|two|other) weeks\b|\bbiweekly\b", "every 2 weeks"),
    (r"\b(?:four|4)\s*(?:times|x)\s*(?:a|per|each)?\s*day\b|\bqid\b|\bfour times daily\b|\b(?:four|4) (?:a|per) day\b|"
     r"\b(?:cuatro|4) veces (?:al|por|cada) dia\b", "four times daily"),
    (r"\b(?:three|3)\s*(?:times|x)\s*(?:a|per|each)?\s*day\b|\btid\b|\bthree times daily\b|\bwith (?:each|every) meal\b|\b(?:three|3) (?:a|per) day\b|"
     r"\b(?:tres|3) veces (?:al|por|cada) dia\b|\bcon cada comida\b", "three times daily"),
    # Times of day and counts: "1 in the morning and 1 with dinner", "one at breakfast and one at night".
    (r"\b(?:morning|breakfast|am|manana|desayuno)\b[^.?!]{0,30}\band\b[^.?!]{0,25}\b(?:night|evening|dinner|supper|"
     r"bedtime|bed|pm|lunch)\b|\b(?:manana|desayuno)\b[^.?!]{0,30}\by\b[^.?!]{0,25}\b(?:noche|cena|comida)\b|"
     r"\b(?:dos|2) (?:al|por|cada) dia\b", "twice daily"),
    (r"\b(?:twice|two times|2 times|2x)\s*(?:a|per|each)?\s*(?:day|daily)\b|\bbid\b|\bb\.i\.d\b|\btwice\b|\bmorning and (?:night|evening)\b|\b(?:two|2) (?:a|per) day\b|"
     r"\b(?:dos|2) veces (?:al|por|cada) dia\b|\b(?:en la )?manana y (?:en la |por la )?noche\b|\buna en la manana y otra\b|"
     r"\bcon el desayuno y (?:la|con la) cena\b", "twice daily"),
    (r"\b(?:once|one time|1 time|1x)\s*(?:a|per|each)?\s*(?:day|daily)\b|\bdaily\b|"
     r"\bevery (?:day|morning|night|evening)\b|\bqd\b|\bqam\b|\bqhs\b|\bat bedtime\b|\bbefore bed\b|\beach (?:day|morning|night)\b|"
     r"\bat night\b|\bin the (?:morning|evening|am)\b|\buna vez (?:al|por|cada) dia\b|\buna (?:al|por) dia\b|"
     r"\bdiari[oa]\b|\bcada (?:dia|manana|noche)\b|\btodos los dias\b|\b(?:en|por) la (?:manana|noche)\b|"
     r"\bantes de dormir\b|\bal acostarme\b|\ben ayunas\b|\bonce\b|\bevery single day\b|\ba day\b", "once daily"),
    (r"\bas needed\b|\bprn\b|\bwhen (?:i|needed)\b|\bcuando (?:la |lo )?necesit\w*\b|\bsi (?:la |lo )?necesito\b|"
     r"\ben caso necesario\b", "as needed"),
]


def _fold(text: str) -> str:
    """Lower case without accents (Spanish with or without them reads the same)."""
    t = unicodedata.normalize("NFKD", text)
    return "".join(c for c in t if not unicodedata.combining(c)).lower()


def find_frequency(text: str) -> str | None:
    t = _fold(text)
    for pattern, name in _FREQ_PATTERNS:
        if re.search(pattern, t):
            return name
    return None


_NUMBER_WORDS = {
    "half": 0.5, "a half": 0.5, "one half": 0.5, "quarter": 0.25, "a quarter": 0.25, "one": 1, "two": 2, "three": 3,
    "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "twelve": 12, "fifteen": 15,
    "twenty": 20, "twenty five": 25, "twenty-five": 25, "thirty": 30, "forty": 40, "fifty": 50, "seventy five": 75,
    "seventy-five": 75, "one hundred": 100, "a hundred": 100, "hundred": 100,
    "media": 0.5, "medio": 0.5, "un cuarto": 0.25, "una": 1, "uno": 1, "dos": 2, "tres": 3, "cuatro": 4,
    "cinco": 5, "diez": 10, "veinte": 20, "veinticinco": 25, "cuarenta": 40, "cincuenta": 50,
    "setenta y cinco": 75, "cien": 100, "ciento": 100, "doscientos": 200, "trescientos": 300,
    "cuatrocientos": 400, "quinientos": 500, "seiscientos": 600, "mil": 1000,
}
_NUM_WORD_PATTERN = "|".join(sorted((re.escape(w) for w in _NUMBER_WORDS), key=len, reverse=True))
_STRENGTH_IN_TEXT = re.compile(
    rf"(?<![\w.])(\d+(?:\.\d+)?|\.\d+|{_NUM_WORD_PATTERN})(?:\s*(?:a|of a))?\s*(?:-\s*)?({UNIT_PATTERN})\b"
    r"(?:\s*/\s*(?:actuation|spray|puff|dose|ml|mL))?",
    re.IGNORECASE)
# A lone number, but not a count of times, hours, days or tablets ("3 times a day", "2 pills").
_BARE_NUMBER = re.compile(
    r"(?<![\w.:/(<\[=-])(\d+(?:\.\d+)?|\.\d+)(?:'?s\b)?(?![\w.:/%)>\]=-])"
    r"(?!\s*(?:times?|x\b|hours?|hrs?|days?|weeks?|months?|tablets?|tabs?|pills?|capsules?|caps?|puffs?|"
    r"am\b|pm\b|o'?clock|refills?|veces|vez\b|horas?|dias?|semanas?|meses|pastillas?|tabletas?|capsulas?|"
    r"(?:a|per|each|al|por) (?:day|dia)\b))",
    re.IGNORECASE)


def find_strengths(text: str) -> list[Strength]:
    """Every 'number unit' in free text: '10mg', '10 milligrams', 'half a milligram', '0.5 mg',
    'diez miligramos', '0,4 mg' (a decimal comma)."""
    out = []
    text = re.sub(r"(\d),(\d)", r"\1.\2", _fold(text))
    for m in _STRENGTH_IN_TEXT.finditer(text):
        raw, unit = m.group(1).lower(), canonical_unit(m.group(2))
        value = _NUMBER_WORDS.get(raw)
        if value is None:
            try:
                value = float(raw)
            except ValueError:
                continue
        if unit:
            out.append(Strength(float(value), unit))
    return out


def find_bare_number(text: str) -> float | None:
    """A lone number with no unit ('yes, 10', 'the 0.5 ones', 'la de 20'), for when the unit is implied."""
    for m in _BARE_NUMBER.finditer(re.sub(r"(\d),(\d)", r"\1.\2", text)):
        return float(m.group(1))
    return None


# A count of dose units: "2 pills", "1 every morning", "one tablet", "half a tab".
_COUNT = re.compile(
    r"(?<![\w.:/-])(\d+(?:\.\d+)?|one|two|three|four|half|a half|1/2|una|uno|dos|tres|cuatro|media)\s*(?:a\s+)?"
    r"(?:(?:pills?|tablets?|tabs?|capsules?|caps?|puffs?|sprays?|shots?|injections?|of them|pastillas?|tabletas?|"
    r"capsulas?|pildoras?|disparos?|inhalaciones?)\b"
    # ("dos al día" is how often, not how many: a frequency, read by find_frequency)
    r"|(?=(?:every|each|in the|at (?:night|bedtime)|before|after|with|daily|twice|once|en la|en el|por la|"
    r"cada|con el|con la|diaria)\b))",
    re.IGNORECASE)
_COUNT_WORDS = {"one": 1.0, "two": 2.0, "three": 3.0, "four": 4.0, "half": 0.5, "a half": 0.5, "1/2": 0.5,
                "una": 1.0, "uno": 1.0, "dos": 2.0, "tres": 3.0, "cuatro": 4.0, "media": 0.5}


def find_count(text: str) -> float | None:
    """How many tablets (capsules, puffs...) per dose the text states, if any."""
    m = _COUNT.search(_fold(text))
    if not m:
        return None
    raw = m.group(1).lower()
    return _COUNT_WORDS.get(raw) or float(raw)


def format_strength(s: Strength) -> str:
    return f"{s.value:g} {s.unit}"
