"""Which language a patient writes in: English or Spanish (Spanglish counts by its Spanish).

`detect(message)` gives the language a message is evidently in, or None when it is too short or
mixed to tell ("ok", "2", "lisinopril"); `switch_request(message)` the language the patient asks
for ("in English please", "en español"). The runtime keeps the conversation's language until a
message is evidently in the other one: a Spanish speaker's "yes" or "ok dale, place it" keeps
Spanish.
"""

from __future__ import annotations

import re

from programs.lexicon import norm


def _words(text: str) -> set[str]:
    return {norm(w) for w in text.split()}


# Words that mark a language (function words and the ones patients use here), never drug names.
_ES = _words("""
el la los las un una unos unas de del al que qué y o pero por para con sin mi mis tu su sus es son está esta estan están
estoy soy hay muy más mas menos ya no sí si también tambien necesito necesita quiero quisiera puedo puede pueden
cuando cuándo donde dónde como cómo cuanto cuánto cuanta cuesta cuestan precio pastilla pastillas medicina medicinas
medicamento medicamentos receta recetas farmacia farmacias pedido pedidos orden surtir rellenar resurtir gracias hola
buenos buenas dias días tardes noches favor porfa xfa claro dale vale gracias olvídalo olvidalo déjalo dejalo
cancela cancelar cancélalo cancelalo dónde esta mañana manana noche día dia semana vez veces cada una dos tres
hace falta hacer hago ocupamos miligramos microgramos presión presion azúcar azucar colesterol tiroides dormir agua nervios dolor estómago estomago
acidez barata barato cercana cercano rápida rapida abre abierta abierto horas hora segunda segundo primera primero
tercera última ultima ocupo quiero mande cuál cual cuáles esa ese eso esto este lo le te se nos ahora hoy mañana
todavía todavia mejor nada nunca bueno órale orale ándale andale ahorita listo hazlo hágalo pídelo pidelo
lista listo tengo tomo toma tomar tomo doctor doctora médico medico cambió cambio subió bajó receta
""")
_EN = _words("""
the an of to and or but for with without my your his her its is are am was were be been do does did have has had
need needs want would could can please thanks thank hello hi hey yes no not what when where how much many which
who why refill refills order orders pharmacy pharmacies medication medications pill pills price cost cheapest
closest fastest nearest open late hours morning night day daily once twice times week take taking took changed
doctor said this that these those it i me you we they there here now today tomorrow just also again only okay ok
sure go ahead place cancel track ready pick up get give show list my is it please thanks
""") - {"no", "ok"}
_SWITCH_EN = re.compile(r"\b(?:in english|english please|speak english|en ingles|habla ingles|english\b)")
_SWITCH_ES = re.compile(r"\b(?:en espanol|in spanish|spanish please|habla espanol|hablas espanol|espanol\b)")


def _scores(message: str) -> tuple[int, int, int]:
    words = re.findall(r"[a-zñ']+", norm(message))
    es = sum(w in _ES for w in words) + 2 * bool(re.search(r"[¿¡ñ]|ción\b", message.lower()))
    return es, sum(w in _EN for w in words), len(words)


def detect(message: str) -> str | None:
    """'es', 'en', or None when the message does not say (too short, or as much of both)."""
    es, en, n = _scores(message)
    if es >= 2 and es > en or n <= 3 and es == 1 and en == 0:
        return "es"
    if en >= 2 and en > es or n <= 3 and en == 1 and es == 0:
        return "en"
    return None


def switch_request(message: str) -> str | None:
    """The language the patient asks to be answered in, if they ask."""
    low = norm(message)
    if _SWITCH_ES.search(low):
        return "es"
    if _SWITCH_EN.search(low):
        return "en"
    return None


def conversation_language(current: str, message: str, first: bool = False) -> str:
    """The conversation's language after this message: switched on request; on the first message,
    what it is in; later, only when a message is evidently in the other language and longer than a
    word or two (a Spanish speaker's "ok" or "yes" keeps Spanish)."""
    asked = switch_request(message)
    if asked:
        return asked
    found = detect(message)
    if found is None or found == current:
        return current
    if first:
        return found
    # Mid-conversation, only a message plainly in the other language switches: several of its
    # words and none of the current language's ("ok dale, place it" keeps Spanish).
    es, en, _ = _scores(message)
    other, mine = (es, en) if found == "es" else (en, es)
    return found if other >= 3 and mine == 0 else current
