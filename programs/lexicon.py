"""Phrasing the offline predictors recognise, as data: one named pattern per thing a patient
can mean. Every pattern here reads normalised text (`norm`: lower case, accents stripped, curly
quotes straightened), so Spanish and English alternatives sit side by side in one pattern and a
Spanglish message matches both. Nothing here decides anything: the predictors in offline.py turn
matches into typed fields, and the runtime decides.

The consent gate (programs/consent.py) keeps its own, stricter word lists on purpose: it must
not inherit a loosening made here for the predictors' sake.
"""

from __future__ import annotations

import functools
import re
import unicodedata


def norm(text: str) -> str:
    """Lower case, accents stripped (si / sí), curly quotes straightened, spaces collapsed."""
    t = unicodedata.normalize("NFKD", text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"'))
    t = "".join(c for c in t if not unicodedata.combining(c)).lower()
    return re.sub(r"\s+", " ", t).strip()


def rx(*alternatives: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{a})" for a in alternatives))


# ----------------------------------------------------------------------------- dialogue acts
# "nvm" opening a message that goes on to say what instead ("nvm cvs instead", "never mind, the cheapest one"):
# the rest is the answer, not leaving.
NEVER_MIND_THEN = re.compile(r"^\s*(?:(?:oh|ok|okay|wait|actually|hmm+|sorry),? )*(?:nvm|nevermind|never ?mind|nevrmind|nvmd)"
                             r"\b[\s,.!:;-]*")
LEAVE = rx(
    r"\b(?:nvm|nevermind|never ?mind|nevrmind|nvmd)\b",
    r"\bforget (?:it|about it|this|that|the whole thing|all that|everything)\b",
    r"\bchanged? my mind\b|\bchange of plans?\b",
    r"\bnot (?:today|tonight|anymore|any more|right now|now)\b",
    r"\b(?:maybe|perhaps|i'?ll do it|do it|try) (?:later|another time|some other time|tomorrow|next week)\b",
    r"\b(?:i'?ll|ill|i will|gonna|going to) (?:just )?(?:call|phone|ring|come in|go in|stop by|swing by|"
    r"walk in|handle it|deal with it|sort it|ask (?:my|the)|think about it|check with)\b",
    r"\b(?:that'?s|thats|that is) (?:all|everything|it for (?:now|today))\b|\b(?:i'?m|im) (?:all set|done)\b",
    r"\ball set\b|\bi'?m good(?!\s*with)\b|\bim good(?!\s*with)\b",
    r"\b(?:bye|goodbye|good bye|byee+|cya|see ya|see you|ttyl|take care)\b",
    r"^\s*(?:stop|quit|exit|end|cancel|nothing|enough)\s*[.!]*\s*$|\bstop (?:it|this|that|please|now)\b|"
    r"^\s*(?:please )?stop\b",
    r"\bcancel (?:the|this|that|my) (?:refill|request)\b",  # mid-refill; elsewhere a request is withdrawn
    r"^\s*(?:oh |wait |ok |okay |actually |nah |no )*cancel (?:it|that|this)(?: please| pls)?\s*[.!]*$",
    r"\b(?:i )?(?:don'?t|dont|do not) (?:want|need) (?:it|this|that|them|to|the refill|anything|a refill)\b",
    r"\bno longer need\b|\bdon'?t bother\b|\bleave it\b|\bdrop it\b|\bscrap (?:it|that)\b",
    # Spanish ("alto" is what every Spanish prompt tells the patient to say to leave)
    r"^\s*(?:alto|basta|ya basta|alto ahi|alto por favor)\s*[.!]*\s*$",
    r"\b(?:olvidalo|olvidala|olvidate|olvida eso|olvidalo todo|dejalo(?: asi)?|dejala(?: asi)?|deja(?:lo)? asi|"
    r"ya no|mejor no|ahorita no|hoy no|ahora no|mejor (?:luego|despues|otro dia|mañana|manana)|"
    r"luego (?:lo hago|te digo|veo)|eso es todo|es todo|nada mas|adios|hasta luego|chao|chau|no importa|"
    r"ya no (?:lo|la) (?:quiero|necesito)|no (?:lo|la) (?:quiero|necesito)|(?:voy a|mejor) llamar|"
    r"cancela(?:r)? (?:el|la|este|esta) (?:resurtido|surtido|receta|solicitud|refill)|"
    r"(?:mejor )?lo dejo (?:para )?(?:despues|luego|otro dia|mas tarde|asi)|mejor lo dejo)\b",
)
# "thanks" once a task is done: a goodbye (read only where no question is open, and never with a "?").
THANKS = rx(r"(?:^|[\s,.!])(?:thanks?|thank you|thank u|thx|thnx|ty|tysm|gracias|grax|muchas gracias)"
            r"(?: (?:so much|a lot|again|bye|mucho|a todo))?[\s!.,]*(?:bye|adios|:\)|lol)?[\s!.]*$")
# A message that points back at what was just shown instead of naming it ("just refill it", "esa").
REFERS = re.compile(r"\b(?:it|that|this|that one|this one|them|the one you (?:just )?(?:placed|showed|mentioned)|"
                    r"esa|ese|eso|esta|este|la misma|el mismo|surtelo|surtela|pidelo|pidela|resurtelo|resurtela|"
                    r"cancelalo|cancelala|cancelelo|cancelela)\b")
# Right after a refusal offered its next step (a request to a human): taking it.
ACCEPT = rx(r"\b(?:do (?:that|it)|send (?:it|that|the request|one)|go ahead|please do|let'?s do (?:it|that)|"
            r"sounds good|yes please|yes pls|sure|ok(?:ay)? then|that works|hazlo|mandal[oa]|mandela|envial[oa]|"
            r"si,? por favor|dale|va pues|esta bien)\b")
# Only leaves when it is the whole message and no question is open whose answer "no" would be.
NO_THANKS = re.compile(r"^\s*(?:no|nah|nope)[ ,.!]*(?:thanks?|thank you|ty|gracias|grax)[ .!]*$")
SKIP = rx(r"\bskip (?:this|that|it|the \w+)(?: one)?\b", r"^\s*skip\s*[.!]*$", r"\bmove on\b",
          r"\b(?:do|go to) the next one\b", r"\bnext (?:one|med\w*) please\b",
          r"\b(?:saltate|salta|omite|brincate) (?:esta|este|esa|ese)\b", r"\bsigue con (?:la|el) (?:otra|otro|siguiente)\b")
START_OVER = rx(r"\b(?:start (?:over|again|from scratch)|restart|let'?s start again|begin again|"
                r"from the (?:top|beginning)|reset)\b",
                r"\b(?:empezar|empecemos|empezamos|comenzar|comencemos) (?:de nuevo|otra vez|desde el principio)\b",
                r"\bvolver a empezar\b|\bdesde el principio\b")
HELP = rx(r"^\s*(?:help|help me|help please|\?+|options|menu)\s*[.!?]*\s*$",
          r"\bwhat (?:can|do) you do\b|\bhow does this work\b|\bi'?m (?:so |kind of |kinda )?confused\b",
          r"\bim (?:so )?confused\b|\bwhat do i (?:say|type|do now)\b|\bwhat are my options\b",
          r"\bi don'?t (?:understand|get it)\b",
          r"^\s*ayuda\s*[.!?]*$|\bque (?:puedes|sabes) hacer\b|\bno (?:entiendo|le entiendo)\b|"
          r"\bestoy confundid[oa]\b|\bcomo funciona\b")
GREETING = rx(r"^\s*(?:hi+|hello+|hey+|good (?:morning|afternoon|evening)|howdy|greetings|yo|hiya|hola|"
              r"buenos dias|buenas tardes|buenas noches|buenas|que tal)\b[\s!.,]*$")
PAY_CASH = rx(r"\b(?:pay|paying|pay for it|pagar|pago)\b.*\b(?:cash|myself|out of pocket|discount card|"
              r"without (?:my )?insurance|self-?pay)\b",
              r"^\s*(?:ok |okay |yes |yeah |fine |i'?ll |i will |then )*(?:cash|discount card|self-?pay)"
              r"(?: (?:is fine|then|please|it is|works))?\s*[.!]*$",
              r"\bi'?ll (?:just )?pay (?:it )?(?:myself|cash)\b",
              r"\b(?:pago|pagar|pagaria|pagarlo|lo pago|la pago)\b.*\b(?:efectivo|cash|sin (?:el )?seguro|de mi bolsa|"
              r"tarjeta de descuento|cupon)\b", r"^\s*(?:ok |bueno |entonces |si )*(?:en )?efectivo\s*[.!]*$",
              r"\b(?:lo|la) pago (?:yo|en efectivo|cash)\b")

# A price asked for ("costco" is not a cost): with PAY_CASH's words it is a question about the cash price, not the decision to pay it.
PRICE_WORDS = re.compile(r"\b(?:prices?|priced|pricing|costs?|costing|how'?s? much|what (?:will|would|do) i (?:pay|owe)|precio|cuesta|cuanto|"
                         r"costo)\b")

# ----------------------------------------------------------------------------- orders
TRACK = rx(r"\btrack\w*\b", r"\bstatus\b", r"\bwhere(?:'s| is|s)? (?:my|the) (?:order|refill|prescription|meds|"
           r"medicine|stuff|pills|package)\b", r"\bis (?:my|it|the|that) (?:\w+ )?(?:order )?ready\b",
           r"\bready yet\b|\bready for pick ?up\b", r"\bhas (?:it|my order) (?:been|shipped|gone)\b",
           r"\bdid (?:it|my order) go through\b", r"\border ord-?\d+|\bord-?\d+",
           r"\bwhen\b[^.?!]{0,40}\b(?:be|gonna be|going to be|b)\s+ready\b", r"\bwhen will mine\b",
           r"\bwhen (?:can|could|do) i (?:go )?pick (?:it|them|that|mine|\w+) up\b",
           r"\bwhere\w*\b[^.?!]{0,25}\border\b", r"\bwhere(?:'s| is|s| are)? my\b", r"\besta(?:n)? ready\b", r"\bcuando (?:esta|estara|va a estar) list[oa]\b",
           r"\bdonde (?:esta|anda|va|quedo) (?:mi|el) (?:pedido|orden|receta|medicina|refill)\b",
           r"\b(?:ya )?esta(?:n)? (?:lista|listo|listas|listos)\b", r"\bestado de (?:mi|el) pedido\b",
           r"\bcomo va (?:mi|el) pedido\b")
CANCEL_ORDER = rx(r"\bcancel\w*\b.*\b(?:order|ord-?\d+|pick ?up|pedido|orden)\b",
                  r"\b(?:call off|scrap|kill) (?:my|the|that) order\b", r"\bya no quiero (?:el|mi) pedido\b")
# In an idle state "cancel it" / "cancel that" means the order just placed or shown.
CANCEL_IT = rx(r"^\s*(?:please |pls |can you |could you )?cancel(?: it| that| this)?(?: one)?(?: please| pls)?\s*[.!]*$",
               r"^\s*(?:si |por favor )?cancel(?:alo|ala|a|ar)(?: por favor| porfa)?\s*[.!]*$",
               r"\bcancel (?:it|that|this)\b(?! (?:refill|request|renewal))", r"\bcancel(?:alo|ala|elo|ela)\b",
               r"\bcancela (?:eso|ese|esa)\b")
# "cancel my montelukast": cancelling wins over the medication named (unless a refill or a request is named).
CANCEL_NAMED = re.compile(r"\b(?:cancel\w*|call off)\b(?![^.?!]{0,30}\b(?:refill|request|renewal|solicitud|resurtido|"
                          r"renovacion)\b)")
ORDER_ID = re.compile(r"\bord(?:er)?[\s#:-]*(\d{3,9})\b")

# ----------------------------------------------------------------------------- requests to a human
# A request already sent is named by its number ("REQ-40001"), or by the words request / renewal /
# call back / solicitud: "cancel my order" stays an order.
REQUEST_ID = re.compile(r"\breq[\s#:-]*(\d{3,9})\b")
_REQ = r"(?:request|renewal|call ?back|req[\s#:-]*\d{3,9}|solicitud|renovacion)"
TRACK_REQUEST = rx(
    r"\b(?:status|track\w*|where(?:'s| is|s)?|wheres|update|news|progress|what happened|hear\w* back|any word)\b"
    r".*\b" + _REQ + r"\b",
    r"\b(?:request|renewal|req[\s#:-]*\d{3,9})\b.*\b(?:status|go through|gone through|been sent|answered|approved)\b",
    r"^\s*req[\s#:-]*\d{3,9}\s*[?.!]*$",
    r"\b(?:estado|como va|donde (?:esta|va|quedo)|que paso con|seguimiento)\b.*\b(?:solicitud|renovacion|req[\s#:-]*\d+)\b",
)
WITHDRAW_REQUEST = rx(
    r"\b(?:withdraw\w*|retract|revoke|rescind|take back|pull back|call off|cancel\w*)\b.*\b" + _REQ + r"\b",
    r"^\s*(?:please |yes |ok )?withdraw(?: it| that| this| the request| my request)?(?: please)?\s*[.!]*$",
    r"\b(?:cancel\w*|retir\w*|anul\w*)\b.*\b(?:solicitud|renovacion|req[\s#:-]*\d+)\b",
)
# Said while a refill is in flight, "cancel the request" leaves the refill; it withdraws a request
# only when the words say which (a number, a renewal, a call back).
REQUEST_NAMED = rx(r"\breq[\s#:-]*\d{3,9}\b", r"\brenewal\b|\bcall ?back\b|\brenovacion\b")
REQUEST_HELP = rx(
    # send / file the request (to the prescriber, the plan)
    r"\b(?:send|submit|file|fax|put in|start)\b[^.?!]{0,20}\b(?:renewal|request|prior[- ]?auth\w*|authori[sz]ation)\b",
    r"\bsend (?:it|that|this|them|one)?\s*(?:over |off |in )?to (?:my|the|your|dr\b|doctor|prescriber)",
    r"\b(?:request|ask for|need|want)\b (?:a |the |my )?(?:renewal|new prescription)\b",
    r"\b(?:can|could|would|will|please)\b[^.?!]{0,15}\b(?:ask|contact|message|email|fax|call|tell|reach out to)\b "
    r"(?:my|the) (?:doctor|doc|prescriber|dr)\b",
    r"^\s*(?:please )?(?:ask|contact|message|fax|tell) (?:my|the) (?:doctor|doc|prescriber)\b",
    r"\b(?:have|get|let|ask) (?:my|the) (?:doctor|doc|prescriber|dr)\b[^.?!]{0,25}\b(?:renew|send|approve|authori[sz]e|"
    r"call|write|new (?:one|prescription|script))",
    # a pharmacist
    r"\b(?:talk|speak|chat|consult)\w* (?:to|with) (?:a |an |the |your |some )?(?:pharmacist|pharmacy team)\b",
    r"\bpharmacist\b[^.?!]{0,20}\b(?:call|contact|phone|ring|reach)\b",
    r"\b(?:call|contact|phone|ring)\b[^.?!]{0,10}\bfrom (?:a|the) pharmacist\b",
    r"\b(?:have|get|need|want|request) (?:a|the|an) pharmacist\b",
    # Spanish
    r"\b(?:mande|mandele|mandeselo|mandesela|mandar|mandarle|mandela|envie|enviele|enviar|enviarle|enviela|manda|"
    r"mandale|envia|enviale|pida|pidale|pedir|pedirle|solicite|tramite|tramitar)\b[^.?!]{0,30}"
    r"\b(?:solicitud|renovacion|autorizacion|receta nueva|nueva receta|doctor|doctora|medico|medica|dra?)\b",
    r"\b(?:hablar|platicar|consultar|comunicarme)(?:le)? con (?:un |una |el |la |algun |alguna |su )?farmaceutic[oa]s?\b",
    r"\b(?:llame|hable|marque|contacte|llamen)\b[^.?!]{0,15}\bfarmaceutic[oa]\b",
    r"\bfarmaceutic[oa]\b[^.?!]{0,20}\b(?:me )?(?:llame|hable|marque|contacte)\b",
    r"\bllamada de (?:un|una|el|la) farmaceutic[oa]\b",
)
# Who the patient asks for (the topic of a request): the runtime decides what the rules allow.
REQUEST_FOR = [
    ("pharmacist", rx(r"\bpharmacist|\bfarmaceutic|\bcall ?back\b")),
    ("prior_auth", rx(r"\bprior[- ]?auth\w*|\bauthori[sz]ation\b|\bpa\b|\bautorizacion\b")),
    ("renewal", rx(r"\brenew\w*|\brenovacion\b|\brenueve\b|\brenovar\b|\bdoctor|\bdoc\b|\bprescriber\b|\bmedic[oa]\b",
                   r"\bdra?\b|\bnew prescription\b|\breceta nueva\b|\bnueva receta\b")),
]

# ----------------------------------------------------------------------------- the medication list and refills
LIST = rx(r"\bwhat (?:are|is) my (?:meds|medications|medicines|prescriptions|pills)\b", r"\blist (?:of )?my\b",
          r"\bwhat (?:meds|medications|medicines|prescriptions|pills) (?:do i|am i)\b",
          r"\bwhich (?:meds|medications)\b(?! (?:can|are due|need))", r"\bshow (?:me )?my (?:meds|medications|prescriptions|list)\b",
          r"\bmy (?:medication|med) list\b", r"\bwhat do i take\b", r"\bwhat am i (?:on|taking)\b",
          r"\b(?:cuales|que) son mis (?:medicinas|medicamentos|recetas|pastillas)\b",
          r"\bque (?:medicinas|medicamentos|pastillas|recetas) (?:tomo|tengo)\b", r"\blista de (?:mis )?(?:medicinas|medicamentos)\b")
REFILL = rx(r"\b(?:refill\w*|re-fill|renew\w*|reorder|re-order|need (?:more|a new|another|some)|run(?:ning)? (?:out|low)|"
            r"ran out|out of (?:my )?\w+|fill (?:my|the|it)|get (?:my|more|some)|more of (?:my|the)|order (?:my|more|some)|"
            r"send (?:my|a)|another (?:bottle|month|supply|round|batch)|re ?up|almost out|low on)\b",
            r"\b(?:necesito|ocupo|quiero|quisiera|surte(?:me)?|surtir|resurtir|rellenar|renovar|me (?:quede|estoy quedando) sin|"
            r"se me (?:acabo|acabaron|esta acabando|estan acabando)|ya casi no tengo|otra caja|mas de mi|refill de|"
            r"me (?:puede|puedes|podria|podrias) (?:surtir|mandar|dar|resurtir))\b")

# ----------------------------------------------------------------------------- questions (topic)
ASKS = re.compile(r"\?|^\s*(?:(?:hmm+|um+|uh+|ok|okay|so|and|but|well|oh|hey|yeah|yes|wait|also|sorry)[,.!]*\s+)*"
                  r"(?:is|are|does|do|did|what|whats|what'?s|when|how|hows|which|can|could|will|would|where|wheres|"
                  r"any|anyone|should|may|why|whys|que|cuanto|cuanta|cuando|donde|como|cual|cuales|hay|tiene|tienen|"
                  r"puedo|se puede|por que)\b|¿")
TOPICS: list[tuple[str, re.Pattern[str]]] = [
    ("what_happens", rx(r"\bque pasa (?:si|cuando) (?:digo|le digo|pongo|contesto) (?:que )?si\b", r"\bwhat happens (?:if|when|after|once) (?:i )?(?:say |type |answer )?(?:yes|confirm|ok)\b",
                        r"\bwhat happens (?:next|then|now)\b", r"\bthen what\b",
                        r"\bwhat (?:does|will) (?:yes|saying yes|confirming) do\b")),
    ("prior_auth", rx(r"\b(?:autorizacion|pre-?autorizacion|aprobacion|aprobar|la aprueben)\b", r"\b(?:prior auth\w*|pre-?auth\w*|authori[sz]ation|the pa|a pa|approval|approve)\b")),
    ("refill_date", rx(r"\bcuando (?:puedo|podre|se puede|me toca|toca) (?:surtir|pedir|recoger|resurtir|volver|tenerla|obtener|pedirla|la)?\b",
        r"\bque (?:dia|fecha)\b",
        r"\bwhen (?:can|could|will|may|do) (?:i|she|he|they|we) (?:go )?(?:get|refill|fill|pick|have|order|come back|try again|reorder)\b",
                       r"\bwhen (?:is|will) (?:it|my \w+) (?:be )?(?:due|refillable|ready to refill)\b",
                       r"\bhow (?:long|many days) (?:do i have to|until i can|till i can|before i can)\b",
                       r"\bwhat (?:date|day)\b", r"\bearliest (?:date|day)\b", r"\bwhen (?:is|will) it due\b")),
    ("due", rx(r"\bque (?:me )?(?:toca|puedo) (?:surtir|pedir|resurtir)\b",
        r"\bque (?:medicinas|recetas|pastillas) (?:me )?tocan\b",
        r"\bwhat'?s due\b|\bwhats due\b|\bwhat (?:is|are) due\b", r"\bdue for (?:a )?refill\b",
               r"\bwhat (?:else )?can i (?:refill|get|order)\b", r"\banything (?:else )?(?:due|to refill)\b",
               r"\bwhich (?:ones?|meds|medications|pills) (?:can i|are due|need|do i need)\b",
               r"\bwhat (?:do|should) i (?:need to )?refill\b")),
    # A cheaper or covered drug instead of the one prescribed (answered from the formulary, never a switch).
    ("alternatives", rx(r"\balt\w*n\w*t\w*v\w*\b(?! (?:pharmac|store|location|place|farmacia|tienda))",
                        r"\b(?:substitut\w*|sustitut\w*|equivalent\w*)\b",
                        r"\b(?:something|anything|a drug|a med\w*|medicine|drug|algo|otro medicamento|otra medicina)"
                        r" (?:else )?(?:cheaper|less expensive|more affordable|mas barat[oa]|menos car[oa])\b",
                        r"\b(?:cheaper|less expensive|more affordable|lower[- ]cost|mas barat[oa]|menos car[oa])\b"
                        r".*\b(?:my plan|my insurance|insurance covers|plan covers|formulary|cubr\w*|cubiert\w*)\b",
                        r"\b(?:cover\w*|cubre|cubra)\b.*\b(?:instead|en (?:vez|lugar) de)\b",
                        r"\b(?:other|another|different) (?:drug|medication|medicine|med)s? (?:that )?(?:my )?"
                        r"(?:plan|insurance) (?:covers|pays)\b")),
    # The price without insurance: cash and discount card. Typos of "insurance" are common ("insurence", "ins").
    ("cash_price", rx(r"\b(?:sin (?:el |mi |usar (?:el |mi )?)?(?:seguro|aseguranza|plan)|en efectivo|de mi bolsa|"
                      r"precio en efectivo|con tarjeta de descuento)\b",
                      r"(?:\bwithout|\bw/o|\bw/out|\bwo|\bno|\bnot (?:using|with)) (?:my |any |the |using (?:my )?)?"
                      r"(?:ins[ua]r\w*|insu?r\w*|ins\b)",
                      r"\b(?:cash price|cash prices|cash cost|price in cash|out of pocket|self ?pay|uninsured|"
                      r"if i (?:pay|paid|paying) (?:cash|myself|out of pocket|in cash)|paying cash|discount card price|"
                      r"goodrx)\b",
                      r"\b(?:don'?t|dont|do not|didn'?t|did not) (?:use|go through|bill|run it through) (?:my |the )?"
                      r"(?:insurance|plan)\b")),
    ("coverage", rx(r"\b(?:lo |la )?cubre (?:mi )?(?:seguro|plan)\b|\bcubiert[oa]\b|\bcobertura\b", r"\b(?:covered|cover it|cover this|does (?:my )?(?:insurance|plan) (?:cover|pay)|formulary)\b")),
    ("generic", rx(r"\bgeneric[oa]\b", r"\bde marca\b", r"\bgeneric\b", r"\bbrand(?: name)?\b")),
    ("interaction", rx(r"\bpuedo tomar(?:lo|la)? (?:con|junto con)\b", r"\bmezclar(?:lo|la)? con\b", r"\bcan i (?:take|mix|have) (?:it|this|that|them|\w+) (?:with|and)\b",
                       r"\b(?:interact\w*|mix|combine)\b.*\bwith\b", r"\bsafe (?:to take )?with\b")),
    ("allergy", rx(r"\balergi\w*\b", r"\b(?:am i|i'?m|im) allergic\b", r"\ballerg\w*\b")),
    ("adherence", rx(r"\b(?:have i been|am i) (?:taking|filling|refilling) (?:it|them|my \w+) (?:on time|regularly|right|enough)\b",
                     r"\badherence\b", r"\bmissed (?:any )?(?:doses|refills)\b")),
    ("wait", rx(r"\bcuanto (?:tarda|se tarda|tiempo)\b", r"\ba que hora (?:esta|estara) lista\b",
        r"\bcuando estara lista\b",
        r"\bhow long (?:will|till|until|before|does|is) (?:it|that|the order|the wait)?\s*(?:take|be ready|be)?\b",
                r"\bwhen (?:will|would) (?:it|that|the order) be ready\b", r"\bwait time\b", r"\bhow soon\b")),
    ("stock", rx(r"\b(?:lo|la) tienen\b", r"\ben existencia\b", r"\bdisponible\b", r"\bin stock\b", r"\bdo they have (?:it|enough|my)\b", r"\bis it available\b", r"\bhave it\b",
                 r"\b(?:listed|on the list|offered|not there|missing)\b")),
    # Finding a pharmacy near the patient, by a service or not ("nearest 24 hour pharmacy", "la farmacia 24
    # horas mas cercana"); a named pharmacy's hours are `hours`. The offline reader drops this topic when a
    # pharmacy is named, and while choosing reads it as a choice unless it is asked.
    ("nearby", rx(r"\bfarmacia (?:cerca|cercana)\b", r"\b(?:nearest|closest|any) (?:24 ?(?:hour|hr|h)|all night|open late|drive[ -]?(?:thru|through))\b",
                  r"\bpharmac\w* (?:near me|nearby|around here|close by)\b",
                  r"\b(?:pharmac\w*|drug ?stores?|farmacias?)\b.{0,40}\b(?:24 ?(?:hours?|hrs?|h|/7|horas)|all night|"
                  r"toda la noche)\b",
                  r"\b(?:24 ?(?:hours?|hrs?|h|/7|horas)|all night|toda la noche)\b.{0,20}\b(?:pharmac\w*|drug ?stores?|"
                  r"farmacias?)\b")),
    ("hours", rx(r"\babre\b|\babiert[oa]\b|\bcierra\b|\bhorario\b|\b24 horas\b|\btoda la noche\b|\bautoservicio\b|\bventanilla\b|\bdonde (?:esta|queda)\b",
        r"\bopen\b", r"\bclos(?:e|es|ing)\b", r"\bhours?\b", r"\b24 ?(?:hours?|hrs?|h|/7)\b", r"\ball night\b",
                 r"\baddress\b", r"\bwhere(?:'s| is|s)? (?:it|that|the (?:store|pharmacy|one)|they)\b", r"\bphone\b",
                 r"\blate\b", r"\bdrive[ -]?(?:thru|through|up|in)\b|\bdrivethr?u\b")),
    ("price", rx(r"\bcuanto (?:cuesta|cuestan|sale|es|me sale|me cobran|cobran|vale|seria)\b",
        r"\bprecio\b|\bcosto\b|\bcuesta\b|\bcopago\b", r"\bhow'?s? much\b", r"\bprice\w*\b", r"\bcost(?!co)\w*\b",
        r"\bco-?pay\b", r"\bwhat (?:will|do) i (?:pay|owe)\b",
                 r"\bwhat'?ll it (?:be|cost)\b", r"\$")),
    # Following up a refusal: why it was refused, whether it is safe, what to do next.
    ("safe", rx(r"\bis (?:it|this|that) (?:safe|ok|okay) (?:for me|to take)\b", r"\bis (?:it|this|that) safe\b",
                r"\bsafe for me\b", r"\bes (?:seguro|peligroso)\b", r"\b(?:is it|es) dangerous\b|\bpeligros[oa]\b")),
    ("next_step", rx(r"\bwhat (?:should|can|do) i do\b", r"\bwhat now\b|\bnow what\b|\bwhat'?s next\b",
                     r"\bque (?:hago|puedo hacer|debo hacer)\b|\by ahora que\b")),
    ("reminder", rx(r"\bremind\w*\b", r"\breminder\b", r"\b(?:recuerdame|recordarme|recordatorio|avisame|avisarme)\b",
                    r"\blet me know when (?:it'?s|its|my \w+ is) due\b")),
    ("auto_refill", rx(r"\bauto[- ]?(?:refill\w*|renew\w*|ship\w*)\b", r"\bautomatic(?:ally)?\b", r"\bautomatic[oa]s?\b",
                       r"\b(?:resurtido|surtido) automatico\b|\bautomaticamente\b")),
    ("transfer", rx(r"\btransfer\w*\b", r"\btransferir\b|\btraspasar\b|\bpasar mi receta\b",
                    r"\b(?:move|moving|switch|bring|get) (?:my |the |a |this )?[\w-]+(?: prescription| rx| script)? "
                    r"(?:over )?(?:here |over )?from (?:the |a |my )?(?!you\b|your\b)",
                    r"\b(?:pasar|mover|cambiar|traer) (?:mi |la |el )?[\w-]+ (?:aqui |aca )?(?:de|desde) (?:la|el|otra|mi)\b",
                    r"\b(?:cambia|pasa|trae|mueve)me (?:la |mi )?(?:receta|prescripcion)\b.{0,40}\b(?:de|desde)\b")),
    ("dose", rx(r"\bque dosis\b", r"\bcuantos (?:miligramos|mg)\b", r"\bcual es (?:mi|la) dosis\b", r"\bwhat (?:dose|strength|mg)\b", r"\bhow (?:many|much) (?:do i|should i) take\b",
                r"\bwhat(?:'s| is) (?:my|the) (?:dose|strength)\b")),
    ("why", rx(r"^\s*(?:but |ok |okay |so |and |wait |um+ |hm+ |oh )*why\b", r"\bhow come\b", r"\bwhy not\b",
                r"^\s*[¿¡]?\s*(?:pero |y |ok )*por ?que\b(?! (?:no )?(?:me|lo|la)\b)", r"\bpor que no\b",
                r"^\s*[¿¡]?\s*y eso\b")),
]
# Questions that are about a pharmacy's service: answered from pharmacy_details, not taken as a choice.
PHARMACY_TOPICS = ("hours", "wait", "stock")

# ----------------------------------------------------------------------------- dose answers
DOSE_CHANGED = rx(
    r"\b(?:doctor|doc|dr|prescriber|md|physician|nurse|they|he|she|pcp|cardiologist|endo\w*)\b[^.?!]{0,30}?"
    r"\b(?:changed|upped|raised|increased|lowered|decreased|reduced|bumped|switched|adjusted|doubled|halved|cut|"
    r"moved|put me on|went up|upped me)\b",
    r"\b(?:changed|upped|raised|increased|lowered|decreased|reduced|bumped|adjusted|doubled)\b[^.?!]{0,20}?"
    r"\b(?:my|the|it|me)\b[^.?!]{0,15}?\b(?:dose|dosage|strength|mg|mcg|to|up|down)\b",
    r"\b(?:new|different|higher|lower|updated) (?:dose|dosage|strength|prescription|amount)\b",
    r"\bit'?s \d+(?:\.\d+)? ?\w* now\b|\bnow (?:i take|i'?m on|im on|it'?s|its)\b",
    r"\b(?:it|dose|dosage|strength)\b.{0,12}\b(?:was |got |has been |been |is )?(?:changed|increased|decreased|"
    r"upped|lowered|raised|different now)\b",
    r"\bnot (?:the|that) (?:dose|strength) any ?more\b|\bno longer (?:take|on) (?:the|that)\b",
    r"\b(?:doctor|doctora|medico|medica|dr|dra|doc)\b[^.?!]{0,30}?\b(?:cambio|subio|bajo|aumento|duplico|cambiaron|"
    r"subieron|bajaron|aumentaron)\b",
    r"\bme (?:lo |la )?(?:cambio|cambiaron|subio|subieron|bajo|bajaron|aumento|aumentaron)\b",
    r"\b(?:nueva|otra) dosis\b|\bahora (?:tomo|son|es de)\b|\bya no (?:es|tomo) (?:esa|la de|el de)\b",
)
AFFIRM = rx(r"^\s*(?:[yk]|ya|ye|yes+|yeah+|yea|yep+|yup+|sure|ok+|okay|okey|correct|right|exactly|absolutely|"
            r"definitely|affirmative|perfect|great|fine|that'?s (?:right|correct|it|the one)|thats (?:right|it)|"
            r"that is (?:right|correct)|sounds (?:good|right)|looks (?:good|right)|please do|do it|go ahead|"
            r"go for it|confirm\w*|si+|sip|simon|claro|correcto|exacto|asi es|eso es|esa es|dale|va|vale|orale|"
            r"andale|de acuerdo|perfecto|bueno|listo)\b",
            r"\b(?:yes|yeah|yep|yup|correct|that'?s right|thats right|that'?s correct|looks right|sounds right|"
            r"same as always|as usual|like always|the usual|si|correcto|es correcto|asi es|eso es|la de siempre)\b")
DENY = rx(r"\b(?:no|nope|nah|not|don'?t|dont|do not|wrong|incorrect|negative|never|nel|incorrecto|"
          r"equivocad[oa]|nunca)\b")
NO_PROBLEM = re.compile(r"\bno (?:problem|worries|prob)\b")
# Units of a dose, and words that make a lone number a count of them ("1 every morning", "2 pills").
COUNT_UNITS = r"(?:pills?|tablets?|tabs?|capsules?|caps?|puffs?|sprays?|shots?|injections?|ones?|of them|each)"
NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "half": 0.5, "a half": 0.5, "1/2": 0.5, "a": 1}

# ----------------------------------------------------------------------------- pharmacy choice
ORDINALS = [
    (r"\b(?:first|1st|number (?:one|1)|no\.? ?1|#\s*1|option (?:1|one)|top one|the 1|primer[oa]|1r[oa]|"
     r"la (?:uno|1)|el (?:uno|1)|opcion (?:1|uno)|(?:la |el )?numero (?:1|uno))\b|^\s*1\s*[.!]*$", 1),
    (r"\b(?:second|2nd|number (?:two|2)|no\.? ?2|#\s*2|option (?:2|two)|middle one|the 2|segund[oa]|2d[oa]|"
     r"la (?:dos|2)|el (?:dos|2)|opcion (?:2|dos)|(?:la |el )?numero (?:2|dos))\b|^\s*2\s*[.!]*$", 2),
    (r"\b(?:third|3rd|number (?:three|3)|no\.? ?3|#\s*3|option (?:3|three)|the 3|tercer[oa]?|3r[oa]|"
     r"la (?:tres|3)|el (?:tres|3)|opcion (?:3|tres)|(?:la |el )?numero (?:3|tres))\b|^\s*3\s*[.!]*$", 3),
    (r"\b(?:fourth|4th|number (?:four|4)|option (?:4|four)|cuart[oa])\b|^\s*4\s*[.!]*$", 4),
    (r"\b(?:last one|the last|bottom one|(?:la |el )?ultim[oa])\b", -1),
]
CRITERIA: list[tuple[str, re.Pattern[str]]] = [
    ("same_as_before", rx(r"\bsame (?:one|place|pharmacy|store|spot|as (?:the )?(?:other|before|that one|the first)|"
                          r"for (?:all|both|everything|the rest|them all))\b", r"^\s*(?:yes |yeah |ok )?same\s*[.!]*$",
                          r"\bthe other one'?s pharmacy\b",
                          r"\b(?:la|el) mism[oa](?: farmacia| lugar)?\b|\bigual que (?:la|el) otr[oa]\b")),
    ("last_time", rx(r"\b(?:same as|like) last time\b", r"\bwhere i (?:always|usually|normally) (?:go|get it|pick)\b",
                     r"\b(?:my usual|the usual|usual one|usual place|usual pharmacy|regular one|my regular)\b",
                     r"\bthe one i (?:used|went to) (?:last|before)\b|\blast time\b",
                     r"\b(?:la|el) de siempre\b|\bdonde siempre\b|\bcomo la (?:otra|ultima) vez\b|\bla (?:vez )?pasada\b")),
    ("open_24h", rx(r"\b24 ?(?:hours?|hrs?|h|/7|horas)\b", r"\ball night\b", r"\balways open\b", r"\bnever clos\w*\b",
                    r"\btoda la noche\b|\bsiempre abierta\b")),
    ("drive_thru", rx(r"\bdrive[ -]?(?:thru|through|up|in)\b|\bdrivethr?u\b", r"\bautoservicio\b|\bventanilla\b")),
    ("open_late", rx(r"\b(?:open|opens|stays open) (?:the )?lat(?:e|est)\b", r"\blatest\b", r"\bclos\w* (?:the )?latest\b",
                     r"\blate\b", r"\b(?:abre|cierra) (?:hasta )?(?:mas )?tarde\b|\bhasta tarde\b")),
    ("cheapest", rx(r"\bcheap\w*\b|\blowest (?:price|cost)\b|\bleast expensive\b|\bless expensive\b|\binexpensive\b",
                    r"\bsave (?:some )?money\b|\bbest price\b|\bmost affordable\b|\baffordable\b|\bcosts? less\b|\bbudget\b",
                    r"\bbarat[oa]s?\b|\beconomic[oa]\b|\bmenos car[oa]\b")),
    # "near my gym" / "by my work" is near somewhere else, not the closest to the patient
    ("closest", rx(r"\bclos(?:est|er|e to (?:me|home|my house))\b|\bnear\w*\b(?! (?:my|the|our|his|her) "
                   r"(?!house|home|place|apartment|apt)\w+)|\bnearby\b|\bshortest drive\b",
                   r"\bwalking distance\b|\bdown the street\b|\baround the corner\b",
                   r"\bcercan[oa]\b|\bmas cerca\b|\bcerca de (?:mi )?casa\b")),
    ("fastest", rx(r"\bfast\w*\b|\bquick\w*\b|\bsoonest\b|\bshortest wait\b|\bleast wait\b|\bno wait\b|\basap\b",
                   r"\bright away\b|\bin a hurry\b|\bhurry\b|\bready first\b",
                   r"\brapid[oa]\b|\bmas pronto\b|\blo antes posible\b|\bmenos espera\b|\bprisa\b")),
]
FOR_ALL = rx(r"\bfor (?:all|both|everything|the rest|all of them|them all|all three|each)\b", r"\ball (?:of them|three) there\b",
             r"\bpara (?:todas|todos|las dos|los dos|ambas|ambos|el resto|las demas|los demas)\b")
# A pharmacy named in passing ("is the walgreens open late"): a chain patients name anywhere, or one of
# the world's own pharmacies, "<own name> pharmacy/drug" (its names come from the store: offline.Vocabulary).
_CHAINS = r"\b(?:cvs|walgreens?|costco|wal-?mart|kroger|rite ?aid|target|safeway|publix|heb|sam'?s club)\b"
PHARMACY_KINDS = ("community", "pharmacy", "drug", "apothecary")  # what a pharmacy's own name ends with


@functools.lru_cache(maxsize=16)
def pharmacy_named(own_names: tuple[str, ...]) -> re.Pattern[str]:
    """A chain, or one of `own_names` ("main street", "harbor") with the kind of shop it is, if said."""
    if not own_names:
        return rx(_CHAINS)
    names = "|".join(re.escape(n) for n in own_names)
    return rx(_CHAINS, rf"\b(?:{names})(?: community)?(?: pharmacy| drug| apothecary)?\b")


THAT_ONE = rx(r"^\s*(?:ok |okay |yes |yeah |then |great |perfect |good )*(?:that one|that pharmacy|that place|"
              r"go with that|there|that)\b(?: one)?(?: then| please| pls)?\s*[.!]*$",
              r"^\s*(?:ok |si |bueno |entonces |va |dale )*(?:esa|ese|esa misma|esa farmacia|ahi|alli)\b"
              r"(?: entonces| por favor| porfa| xfa)?\s*[.!]*$")
CHANGE = rx(r"\b(?:change|different|another|switch|instead|other (?:pharmacy|store|location|place)|somewhere else|"
            r"elsewhere|rather|actually|make it|prefer)\b",
            r"\b(?:cambi\w*|otra (?:farmacia|tienda)|en vez de|en lugar de|prefiero|mejor (?:la|el|en))\b")
CHANGE_PHARMACY = rx(r"\b(?:pharmacy|store|location|place|somewhere|elsewhere|one|farmacia|tienda|lugar|otra)\b")
CHANGE_DOSE = rx(r"\b(?:dose|dosage|strength|mg|mcg|milligram|dosis|miligramos|microgramos)\b")
CHANGE_MEDICATION = rx(r"\b(?:medication|medicine|drug|prescription|med|medicina|medicamento|pastilla|receta)\b")
CONDITION = rx(r"\bif\b", r"\bunless\b", r"\bonly (?:if|when)\b", r"\bas long as\b", r"\bprovided\b",
               r"\bassuming\b|\bpresuming\b|\bsupposing\b|\bon condition\b",
               r"\bsolo si\b|\bsiempre y cuando\b|\bcon tal\b|\ba menos que\b",
               r"\bsi (?:esta|es|me|sale|cuesta|tiene|la|lo)\b")
HEDGE = rx(r"\bmaybe\b|\bperhaps\b|\bi guess\b|\bi think\b|\bnot sure\b|\bidk\b|\bdunno\b|\bhmm+\b|\bhm+\b|\bum+\b",
           r"\bcan'?t (?:say|decide|confirm)\b|\bnot yet\b|\byet\b|\blet me (?:think|check|see)\b|\bhold on\b",
           r"(?<!shortest )(?<!least )(?<!less )(?<!no )(?<!short )\bwait\b(?! time)",  # not "the shortest wait"
           r"\bhang on\b|\bone (?:sec|second|moment)\b|\bnot ready\b|\bprobably\b|\bkinda\b|\bsort of\b",
           r"\bno se\b|\btal vez\b|\bquiza\w*\b|\ba lo mejor\b|\bcreo\b|\bdejame (?:pensar|ver)\b|\btodavia\b|\baun no\b|"
           r"\bespera\b|\bun momento\b|\bno estoy segur[oa]\b|\bm{2,}\b")
OTHER_ONE = rx(r"\b(?:the )?other (?:one|pill|med\w*)\b", r"\bnot (?:that|this) one\b",
               r"\b(?:la|el) otr[oa]\b|\bno (?:esa|ese)\b")

# ----------------------------------------------------------------------------- Spanish names
# Spanish generic names -> the English generic (as the catalogue has it).
SPANISH_NAMES = {
    "amlodipino": "amlodipine", "hidroclorotiazida": "hydrochlorothiazide", "levotiroxina": "levothyroxine",
    "warfarina": "warfarin", "metformina": "metformin", "atorvastatina": "atorvastatin", "lisinoprilo": "lisinopril",
    "sertralina": "sertraline", "simvastatina": "simvastatin", "omeprazol": "omeprazole", "oxicodona": "oxycodone",
    "amoxicilina": "amoxicillin", "ibuprofeno": "ibuprofen", "semaglutida": "semaglutide",
    "rosuvastatina": "rosuvastatin", "pantoprazol": "pantoprazole", "gabapentina": "gabapentin",
    "tamsulosina": "tamsulosin", "salbutamol": "albuterol", "fluticasona": "fluticasone nasal",
    "furosemida": "furosemide", "prednisona": "prednisone",
}
# Everyday Spanish descriptions ("la pastilla de la presion") -> the English nickname they mean.
SPANISH_NICKNAMES = {
    "presion": "blood pressure", "presion alta": "blood pressure", "colesterol": "cholesterol",
    "tiroides": "thyroid", "dormir": "sleep", "sueno": "sleep", "agua": "water pill", "orinar": "water pill",
    "diuretico": "diuretic", "azucar": "sugar", "diabetes": "diabetes", "nervios": "anxiety", "ansiedad": "anxiety",
    "acidez": "acid", "estomago": "stomach", "gastritis": "acid", "reflujo": "reflux", "dolor": "pain",
    "corazon": "heart", "depresion": "depression", "asma": "asthma", "inhalador": "inhaler", "bomba": "inhaler",
    "prostata": "prostate", "sangre": "blood thinner", "anticoagulante": "blood thinner", "artritis": "arthritis",
    "antibiotico": "antibiotic", "infeccion": "antibiotic",
}
SPANISH_NICK = re.compile(
    r"\b(?:pastillas?|pildoras?|tabletas?|medicinas?|medicamentos?|capsulas?|remedios?|inyeccion|inyecciones)"
    r"(?: (?:de|del|para|pa)(?: la| el| los| las| mi| mis)?)? (" +
    "|".join(sorted((re.escape(k) for k in SPANISH_NICKNAMES), key=len, reverse=True)) + r")\b"
    r"|\b(?:mi |el |la )?(inhalador|diuretico|anticoagulante|antibiotico)\b")

# ----------------------------------------------------------------------------- what pharmacy apps do (issue 19)
# A prescription by its number: "rx 1001", "RX1001", "#1001", "prescription number 1001", "receta 1001".
RX_NUMBER = rx(r"\brx[\s#:-]*(\d{3,6})\b",
               r"\b(?:prescription|script|receta|rx)\s*(?:number|no\.?|num\.?|numero|nro\.?)?\s*[#:]?\s*(\d{3,6})\b",
               r"(?:^|\s)#\s?(\d{3,6})\b")
# Everything that is due: "refill everything that's due", "all my meds", "renueva todas mis medicinas".
EVERYTHING = rx(r"\b(?:everything|every ?thing|all of (?:them|those|these|my \w+)|all (?:my|the|3|three|those|these) "
                r"(?:meds?|medications?|medicines?|prescriptions?|refills?|pills|scripts?|ones)|all (?:that'?s|that is|thats) due|"
                r"whatever'?s due|what ?ever is due|all (?:of )?them|them all|"
                r"all my (?:stuff|meds?|scripts?|prescriptions?|refills?)|all my due)\b",
                r"\b(?:tod[oa]s? (?:mis|las|los) (?:medicinas|medicamentos|recetas|pastillas|resurtidos|meds|medications|pills)|"
                r"todo lo que (?:ya )?(?:me |le )?(?:toca|falta|se pueda|se puede)|todas?\b(?= (?:las|lo) que (?:me )?toca)|todas las que)")
EVERYTHING_VERB = rx(r"\b(?:refill\w*|refil\w*|rfill\w*|re-?fill|renew\w*|reorder|order|fill|do|get|send|resurt\w+|renuev\w+|"
                     r"surt\w+|pid\w+|pedir|quiero)\b")
# Delivery instead of pickup; back to pickup.
DELIVERY = rx(r"\bdeliver(?:y|ed|ing|s)?\b(?! (?:window|fee))", r"\bmail (?:it|them|my|me)\b|\bby mail\b|\bmailed\b",
              r"\bship (?:it|them)\b|\bshipped\b",
              r"\bsend (?:it|them|my \w+) (?:to (?:my|the) (?:house|home|place|address|door)|home|over)\b",
              r"\b(?:bring|drop) (?:it|them) (?:to|by|off)\b",
              r"\b(?:deliver\w*|send|ship|mail|bring|get) (?:it |them |my \w+ )?(?:straight )?to my (?:house|home|door|address|apartment|apt)\b",
              r"\bentrega\w*\b|\ba domicilio\b|\benvi\w+ a (?:mi |la )?casa\b|\bmand\w+ a (?:mi |la )?casa\b|"
              r"\ba (?:mi|la|su) casa\b|\bpor correo\b|\bllev\w+ a (?:mi |la |su )?casa\b")
DELIVERY_QUESTION = rx(r"\b(?:do|does|can) (?:you|they|it|the [\w -]{2,30}?|[\w-]+) (?:do )?deliver\b(?! (?:it|them|my))",
                       r"\bdelivery (?:fee|cost|charge|window|time)\b|\bhow much (?:is|for|does) (?:the )?delivery\b",
                       r"\bwho delivers\b|\bwhich (?:ones?|pharmac\w+) deliver\b|\b(?:hacen|tienen) entregas?\b")
PICKUP = rx(r"\b(?:i'?ll|i will|ill|i can|let me|i'?d rather|i want to|gonna) (?:just )?(?:go )?pick (?:it |them )?up\b",
            r"\bpick ?up instead\b|\bpickup (?:is fine|instead|please)\b|\bno delivery\b|\bin person\b|\bin store\b",
            r"\b(?:i'?ll|i will|ill|let me|i can) (?:just )?(?:come|go|swing by|stop by) (?:and )?(?:get|grab|pick up) (?:it|them)\b",
            r"\b(?:get|grab) (?:it|them) myself\b",
            r"\b(?:paso|pasare|voy) a (?:recogerl\w+|buscarl\w+)\b|\blo recojo\b|\bla recojo\b|\brecoger(?:lo|la)? yo\b|"
            r"\bsin entrega\b")
# Standing settings and transfers: which one, and what to do with it (on is the default).
TEXTS = rx(r"\b(?:text|txt) (?:me|us)\b|\btexts?\b|\btxts?\b|\btexting\b|\bsms\b|\bnotif\w*\b|\btext messages?\b|\bmensaje\w*\b|"
           r"\bmensajito\w*\b|\btextos?\b|\bwhatsapp\b",
           r"\b(?:let me know|tell me|ping me|message me|avisame|me avisan?|me avisas)\b.{0,25}\b(?:ready|lista?o?s?)\b")
ACTION_LIST = rx(r"\bwhat(?:'s| is| are|s)? (?:on|set up|scheduled|enrolled)\b", r"\bwhich (?:ones?|meds?|of my)\b",
                 r"\bwhere(?:'s| is|s| are)\b|\bstatus\b|\bhow(?:'s| is) (?:my|the)\b|\bcomo va\b|\bdonde (?:esta|va)\b",
                 r"\b(?:list|show me)\b", r"\bdo i have (?:any|an?)\b", r"\bam i (?:on|enrolled|signed up)\b",
                 r"\bque (?:tengo|hay)\b|\bcuales\b|\btengo (?:algun|alguna)\b")
ACTION_PAUSE = rx(r"\bpause\w*\b|\bput (?:it |them )?on hold\b|\bhold off\b|\bsuspend\w*\b|\bpausa\w*\b|\bsuspend\w+\b")
ACTION_RESUME = rx(r"\bresume\b|\bunpause\b|\bre-?start (?:my |the )?auto\b|\bturn (?:it |them )?back on\b|\breanud\w+\b|"
                   r"\breactiv\w+\b")
ACTION_OFF = rx(r"\b(?:stop|cancel\w*|turn off|switch off|shut off|end|disable|quit|remove|unsubscribe|opt ?out|"
                r"no more|don'?t|dont|do not|delete|unenroll|un-enroll|take (?:me|it) off|without|leave out|drop|skip)\b",
                r"\btake (?:the |my )?[\w-]+ (?:one )?off\b|\bleave (?:the |my )?[\w-]+ (?:one )?(?:out|off)\b",
                r"\b(?:sin|quita\w*|saca\w*|menos)\b",
                r"\b(?:quit\w+|cancel\w+|desactiv\w+|apag\w+|elimin\w+|borr\w+|ya no|deja de|dejen de|no me)\b")
# Someone back to their own record: "back to me", "my own meds".
BACK_TO_ME = rx(r"\bback to (?:me|mine|my (?:own|meds|stuff|prescriptions))\b", r"\bmy own\b|\bfor me (?:now|instead)\b",
                r"\bnow (?:mine|me|my (?:own )?(?:meds?|stuff|prescriptions))\b|\bmyself\b",
                r"\blas mias\b|\blo mio\b|\bpara mi\b(?! (?:mama|madre|papa|padre|esposo|esposa|hij))|\bmis propias\b|"
                r"\bde vuelta a mi\b")
# A reminder when a refill comes due, however it is asked ("text me when i can refill my gabapentin"): read before
# texts, whose words it shares.
REMINDER_DUE = rx(r"\bwhen (?:i|we|she|he) (?:can|could|should|need to) (?:re-?fill|get|order|reorder)\b",
                  r"\bwhen (?:it'?s|its|it is|my [\w-]+ (?:is|are)|they'?re|they are) (?:due|time)\b|\bwhen (?:it|they) (?:comes?|come) due\b",
                  r"\bcuando (?:pueda|podamos|toque|me toque|le toque|se pueda|sea hora de) (?:resurtir|pedir|surtir)?")
# A question about what a yes would lead to, not a leave or an answer: "what if i want to stop it later".
WHAT_IF = rx(r"^\s*(?:and |but |so |ok |okay |hmm |wait )*(?:what if|what happens (?:if|when)|how (?:do|would|can|could) i "
             r"(?:stop|cancel|turn (?:it )?off|change|undo)|que pasa si|y si|como (?:lo )?(?:detengo|cancelo|paro))\b",
             r"\b(?:can|could) i (?:still )?(?:stop|cancel|turn (?:it )?off|change|undo)\b.*\?")
# Only thanks, at a summary: a goodbye that changes nothing ("ok thx", "thanks!", "gracias").
THANKS_ONLY = rx(r"^\s*(?:ok(?:ay)?|k+|alright|cool|great|fine|vale|bueno)?[\s,!.]*(?:thanks?|thank you|thx|ty|tysm|"
                 r"gracias|muchas gracias)[\s!.]*$")
