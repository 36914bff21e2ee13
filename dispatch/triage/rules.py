"""The emergency rule layer: phrases that make a ticket an emergency whatever the model says.

DOMAIN.md "Dispatch": emergencies (gas smell, flooding, fire or sparking, people stuck in a
lift, structural danger) must never be triaged lower. The model can miss a phrasing it has
not seen, so these phrases are written down, per kind, in the four languages. A rule only
ever raises the urgency to emergency; it sets the category only when the model is unsure.

Each pattern is searched in both views of normalize.py, one per line (``native`` then
``latin``; ``.`` does not cross the line, ``^`` starts either): Uzbek (Latin or Cyrillic) and
English are written for the latin view (no apostrophes, doubled letters cut to one, so
"smell" is "smel", "issiq" is "isiq"), Russian for the native Cyrillic view. Where a Russian
letter stands in for an Uzbek one (х for ҳ, к for қ, у for ў) the pattern takes both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from dispatch.triage.normalize import Views

# up to n words between two parts of a phrase
_W2 = r"(?:\w+\s+){0,2}"
_W3 = r"(?:\w+\s+){0,3}"
# someone who can be inside a lift, in the four languages
_PERSON = (
    r"\b(?:odam|bola|ona|onam|ayol|erkak|buvi|bobo|[qk]o[sh]+ni|kishi|keksa|[qk]ariya|farzand"
    r"|ogl|[qk]iz|bor\b|люди|человек|реб|дет|дедушк|бабушк|женщин|мужчин|пожил|мам|мать|сосед"
    r"|people|someone|somebody|person|child|kid|mother|mom|father|dad|lady|man|woman|grand|baby"
    r"|neighbou?r|nogiron|aravach|otam\b|otasi\b|dadam|akam|ukam|opam|singlim|[qk]izim"
    r"|колясоч|инвалид|муж|сын|доч|пап|отец|wheelchair|husband|wife|son\b|daughter|disabled)"
)
# a lift, in the four languages
_LIFT = r"(?:\blift|\belevator|лифт|\bkabina|кабин)"
# an emergency told as past and repaired ("kecha gaz hidi bor edi, tuzatib ketishdi"), with
# no word that it is back ("yana", "снова", "again")
_FIXED = (
    r"^(?!.*(?:\byana\b|[qk]ayta|yangidan|снова|опять|\bagain\b|\bback\b|\bstil+\b"
    r"|всё +ещё|до +сих))"
    r".*(?:tuzatib +ket|tuzat(?:di|ishdi|ib +ber)|почин(?:ил|или)|устранил|\b(?:fixed|repaired)\b)"
)


@dataclass(frozen=True)
class EmergencyRule:
    kind: str
    category: str | None  # set when the model is unsure of the category
    patterns: tuple[str, ...]
    unless: tuple[str, ...] = ()  # a negation ("no smell", "nobody inside") that stops it
    compiled: tuple[re.Pattern[str], ...] = field(init=False, repr=False, compare=False)
    negations: tuple[re.Pattern[str], ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "compiled", tuple(re.compile(p, re.MULTILINE) for p in self.patterns)
        )
        object.__setattr__(
            self, "negations", tuple(re.compile(p, re.MULTILINE) for p in self.unless)
        )

    def search(self, views: Views) -> str | None:
        """The first pattern that matches, or None."""
        text = f"{views.native}\n{views.latin}"
        if any(negation.search(text) for negation in self.negations):
            return None
        for pattern in self.compiled:
            if pattern.search(text):
                return pattern.pattern
        return None


EMERGENCY_RULES: tuple[EmergencyRule, ...] = (
    EmergencyRule(
        kind="gas_smell",
        category="gas",
        patterns=(
            # uz: gaz hidi / gaz isi / hid gazdan / gaz sizib chiqyapti / vishillayapti
            rf"\bgaz\w*\s+{_W2}[hx]id",
            rf"\b[hx]id\w*\s+{_W2}gaz",
            rf"\bgaz\w*\s+{_W2}isi?\b",
            rf"\bgaz\w*\s+{_W2}(?:sizib|sizyap|sizish|sizay|sizmo[qk]|sizgan)",
            r"\bgaz.{0,60}(?:vishil|shivil|shipit|шипит|hiss|zaharlan|отрав)",
            r"(?:vishil|shivil|шипит|shipit|hiss|zaharlan|отрав).{0,60}\bgaz",
            # a smell "like gas", said unsure
            r"похож\w* +на +газ|\bвроде +(?:бы +)?газ|gazga +o[xh]sha|\b(?:smel\w*"
            r"|odou?r) +like +gas\b",
            r"\bgas\b.{0,60}\bhis+",
            # en: gas smell / smells of gas / gas leak / leaking gas
            rf"\bgas\s+{_W2}(?:smel|odou?r|leak|stink)",
            rf"\b(?:smel|odou?r|stink|reek)\w*\s+{_W2}gas\b",
            r"\bleak\w*\s+(?:of\s+)?gas\b",
            # ru: запах газа / пахнет газом / утечка газа / газом воняет (also typed in Latin)
            rf"\b(?:запах|пахн|воня|утечк|утечет|утекает)\w*\s+{_W2}газ",
            rf"\bгаз\w*\s+{_W2}(?:пахн|воня|запах|утечк|утека|трав|нес[её]т|тян)",
            rf"\b(?:pa[hx]n|zapa[hx]|vonya|utech)\w*\s+{_W2}gaz",
            # gas coming out, a detector going off, rotten eggs, a pipe hit, kolonka symptoms
            r"\bgaz\s+(?:ham\s+)?chi[qk](?:yap|ayot|mo[qk]da|ib\s+tur)",
            rf"\bgaz\w*\s+(?:truba|[qk]uvur)\w*\s+{_W2}(?:teshil|yoril|sin(?:ib|di|gan))",
            rf"\bgas\s+{_W2}(?:leak|escap|coming\s+out|hiss)",
            r"(?:gaz\w*\s+(?:datchi|signaliz|analiz|sensor)|газов\w*\s+(?:датчик|сигнализ|анализ)"
            r"|датчик\w*\s+газа|газоанализ|gas\s+(?:alarm|detector|sensor))"
            r".{0,60}(?:ovoz|chin[qk]ir|signal|pi[sh]|pi\s?pi|pipil|[qk]ichqir|сработ|пищ"
            r"|орет|орёт|звен|гуд"
            r"|beep|go(?:es|ing|ne)?\s+off|ring|sound|alarm|went\s+off)",
            r"(?:сработ|пищ|\bbeep|went\s+off|chin[qk]ir)\w*.{0,40}(?:датчик\w*\s+газа"
            r"|газов\w*\s+датчик"
            r"|gas\s+(?:alarm|detector|sensor)|gaz\w*\s+datchi)",
            r"\bтухл\w*\s+я[ий]ц|\brotten\s+eggs?|\b(?:chirigan|palagda)\s+tuxum",
            r"\b(?:urib|urdi|urilib|врез|въех|сбил|снес|\bhit\b|crash|drove\s+into|ran\s+into)"
            r".{0,40}(?:gaz\w*\s+(?:truba|[qk]uvur)|газов\w*\s+труб|gas\s+pipe)",
            r"(?:gaz\w*\s+(?:truba|[qk]uvur)|газов\w*\s+труб|gas\s+pipe)\w*.{0,40}\b(?:urib"
            r"|urdi|врез|въех"
            r"|сбил|\bhit\b|crash)",
            r"(?:kolonk|колонк|water\s+heater|geyser).{0,60}(?:bosh\w*\s+(?:\w+\s+)?aylan"
            r"|kong\w*\s+ayn"
            r"|голов\w*\s+(?:\w+\s+)?круж|тошн|угар|dizz|nause|headache|carbon\s+monox|\bugar)",
            r"(?:bosh\w*\s+(?:\w+\s+)?aylan|kong\w*\s+ayn|голов\w*\s+(?:\w+\s+)?круж|тошн"
            r"|dizz|nause|headache)"
            r".{0,60}(?:kolonk|колонк|water\s+heater|geyser)",
            rf"\b(?:нес[её]т|чую|чувствую|тянет)\s+{_W2}газ",
        ),
        unless=(
            r"\b[hx]id\w*\s+yo[qk]",
            r"\b(?:no|not|without)\s+(?:\w+\s+)?(?:smel|odou?r)",
            r"запаха\s+(?:\w+\s+)?нет|\bнет\s+запаха|\bбез\s+запаха|\bне\s+пахнет",
            # no smell, said otherwise: "hidi sezilmayapti", "hid esa umuman yo'q", "hech
            # qanday hid", "nobody smells anything", "запаха никакого"
            # (not when a detector goes off or the gas hisses: those need no smell)
            r"^(?!.*(?:datchi|detektor|detector|sensor|датчик|сигнализ|analiz|анализ|shipit|шипит"
            r"|vishil|\bhis+))(?:.*)(?:\b[hx]id\w* +(?:\w+ +){0,2}(?:sez\w*m[ae]|yo[qk]\b)"
            r"|\bhech +[qk]anday +[hx]id|\b(?:nobody|no +one) +(?:\w+ +)?smel|никакого +запаха"
            r"|запаха +никакого)",
            # a question of what to do if it ever smells
            r"^(?:agar\b|что +делать +если|как +(?:быть|действовать) +если"
            r"|what +(?:to +do|should +i +do|do +i +do|do +we +do) +if|if +i +smel)",
            _FIXED,
        ),
    ),
    EmergencyRule(
        kind="flooding",
        category="plumbing",
        patterns=(
            # uz: truba (quvur, stoyak) yorildi / portladi; suv otilyapti; suv bosdi; sharillab
            rf"\b(?:truba|[qk]uvur|stoyak|batare|radiator|vodomer|jomrak|mufta)\w*\s+{_W3}(?:yoril|portla|lopn|prorv|uzil)",
            rf"\b(?:yoril|portla|teshib)\w*\s+{_W2}(?:truba|[qk]uvur|stoyak|batare|radiator)",
            # water gushing like a fountain (from a pipe, a meter, a tap)
            r"(?:suv|вод|water|truba|[qk]uvur|vodomer|счётчик|счетчик|kran|кран|pipe|meter)\w*"
            r".{0,60}(?:favvora|фонтан|fountain)|(?:favvora|фонтан|fountain).{0,40}(?:suv|вод"
            r"|water)",
            # a washing-machine (or any) hose come off or burst: water pours until it is shut off
            r"^(?=.*(?:\bsuv|\bсув|\bвод|\bwater|\bo[qk](?:ib|yap|moq)|\bль[её]т|\bхлещ"
            r"|\bтеч[её]т|\bpour|\bgush|\bflood|затоп|\bтопит|\bbos(?:di|yap)))"
            r".*(?:shlang|шланг|\bhose).{0,30}(?:uzil|yoril|chi[qk]ib\s+ket|sorv|сорва|лопн"
            r"|прорв|оторв|слетел|burst|came\s+of|pop+ed\s+of|split)",
            r"\b(?:yu[qk]ori|tepa|shift|potolok|сверху|потолок)\w*\s+(?:\w+\s+){0,2}(?:suv"
            r"|сув|вода|voda)\s+(?:\w+\s+)?(?:o[qk](?:ya|ib|mo)|tokil|kel(?:ya|mo)|tush(?:ya|mo)|ль|идет|идёт)",
            r"\b(?:shift|potolok)\w*dan\s+(?:\w+\s+)?(?:tokil|o[qk]ya)",
            r"^(?=.*\bsuv).*\b(?:shift|potolok)\w*dan\s+(?:\w+\s+)?tush(?:ya|ib)",
            r"\b(?:etaj|[qk]avat|xona|kvartira|podval|yertola|oshxona|hamma\s*yo[qk])\w*\s+suvda\b",
            r"(?:вся|весь|вс[её]|квартир\w*|этаж\w*|подвал\w*|комнат\w*)\s+(?:\w+\s+)?в\s+воде\b",
            r"\bтеч[её]т\s+(?:\w+\s+)?сильно|\bсильно\s+теч[её]т",
            r"(?:труб|шланг|кран)\w*\s+(?:\w+\s+){0,3}(?:порвал|разорв|треснул)"
            r"|\bразорв\w*\s+(?:\w+\s+){0,2}труб",
            r"\bfull\s+of\s+water|\bwater\s+(?:\w+\s+)?(?:come|coming"
            r"|comes)\s+(?:\w+\s+)?from\s+(?:the\s+)?(?:top|above|upstairs|ceiling)",
            r"\bwater\b.{0,40}\b(?:on|onto|into)\s+(?:the\s+)?(?:electric\w*\s+)?(?:panel"
            r"|switchboard|meter\s+box)",
            r"\bвод\w*.{0,40}\b(?:в|на)\s+(?:электро)?щит|\b(?:shchit"
            r"|shit)\w*\s+(?:\w+\s+){0,2}suv\s+(?:\w+\s+)?(?:tush|o[qk]|kir)",
            r"\bsuv\s+(?:!\s*)*(?:tepadan|yu[qk]oridan)",
            r"\b(?:suv|kipyat|[qk]aynok|[qk]aynoq|voda)\w*\s+(?:\w+\s+)?(?:otil|sharil"
            r"|shari[qk]|fontan)",
            r"\bshari(?:l|[qk])",
            rf"\bsuv\s+{_W2}bos(?:di|ib|yap|mo[qk]|gan|ay|ti)",
            r"\bbizni\s+(?:ham\s+)?bos",
            r"\bto[sh]+[qk]in",
            r"\bham+a\s+(?:yo[qk]|xona\w*|joy\w*|[qk]avat\w*)\s+(?:\w+\s+)?(?:suv|bug)",
            r"\b(?:zina|podyezd|podezd|koridor|liftga"
            r"|podval)\w*\s+(?:\w+\s+){0,2}suv\s+(?:\w+\s+)?(?:o[qk]|tush|ket|chi[qk])",
            r"\bsuv\w*\s+(?:\w+\s+){0,2}(?:zina|podyezd|podezd|koridor)\w*\s*(?:ga"
            r"|dan)?\s+(?:o[qk]|tush|chi[qk])",
            r"\b[qk]avat\w*\s+(?:ho|xo|[hx]o)l\b",
            r"\bpodval\w*\s+suvga\s+tol",
            # water pouring in, standing ankle- or knee-deep, everything wet, the chandelier
            rf"\bsuv\w*\s+{_W2}[qk]uyil",
            rf"\b(?:shift|potolok|tepa|yu[qk]ori|lyustra)\w*dan\s+{_W2}suv\s+{_W2}(?:[qk]uyil|o[qk]ib|tush|kel)",
            rf"\b(?:podval|yertola|lift|shaxta|podyezd|zina|xona|oshxona|kvartira)\w*\s+{_W2}suv(?:ga)?\s+tol",
            r"\b(?:topi[qk]|tiza)\w*acha|по\s+щиколотк|по\s+колен|\bankle|\bknee",
            r"\bham+a\s*yo[qk]\s+(?:\w+\s+)?(?:suv|hol\b)",
            r"\blyustra\w*\s+{_W2}suv|люстр\w*.{0,30}вод|\bвод\w*.{0,30}люстр|\bchandelier".replace(
                "{_W2}", _W2
            ),
            r"\bруч[ьеё]",
            r"\bс\s+потолка\s+(?:\w+\s+)?(?:теч|беж|хлещ|ль)",
            r"\bwater\b.{0,40}\b(?:coming|running|leaking)\s+(?:\w+\s+)?(?:from|through"
            r"|down)\s+(?:the\s+)?"
            r"(?:ceiling|above|upstairs|walls?|stairs|light)",
            r"\bunder\s+water\b",
            # en: burst pipe; flooding; water everywhere; boiling water spraying
            r"\bburst",
            r"\bflo+d",
            r"\bwater\s+(?:is\s+)?everywhere",
            r"\bpipe\w*\s+(?:\w+\s+)?(?:broke|burst|split)",
            r"\b(?:boiling|scalding)\s+water",
            r"\bwater\b.{0,40}\b(?:pour|gush|stream|rush|spray|cascad|running\s+down)\w*",
            r"\b(?:pour|gush|stream|rush|cascad|spray)\w*.{0,30}\b(?:ceiling|above|upstairs)",
            r"\bsteam\s+everywhere",
            # ru: прорвало; лопнула труба; затопило; топит; хлещет; кипяток; вода по лестнице
            r"\bпрорв|\bпроры|\bprorv|\bprori",
            r"\bлопн|\blopn",
            r"\bзатоп|\bzatop",
            r"\bпотоп",
            r"\bтопит|\btopit\b",
            r"\bхлещ",
            r"\bфонтан",
            r"кипят",
            r"\bзалил\w*\s+(?:\w+\s+)?(?:тр[иеё]|\d|вс|этаж|квартир)",
            r"\bзаливает\s+(?:уже\s+)?(?:\d|тр[иеё]|вс|квартир|этаж)",
            r"\b(?:сорвало|оторвало)\s+(?:\w+\s+)?(?:кран|смесител|шланг|трубу|вентил)",
            r"\bвода\s+(?:\w+\s+)?по\s+(?:всем\s+|всей\s+)?(?:этаж|лестниц|ступен|комнат|подъезд)",
            r"\bвода\s+(?:\w+\s+)?(?:пош|везде)",
            rf"\bзалива\w*\s+{_W2}сверху|\bсверху\s+{_W2}залива|\bzalivaet",
            r"\bль[её]т(?:ся)?\b|\bкак\s+из\s+ведра",
            r"\b(?:льет|льёт|льется|льётся|хлещет)\w*\s+{_W2}(?:сверху|с\s+потолк|потолк|к\s+сосед)".replace(
                "{_W2}", _W2
            ),
            r"\b(?:все|всё)\s+в\s+пару",
        ),
        unless=(
            # a trickle, a drip, the sewer, rain or snow through the roof: urgent, not flooding
            r"\b(?:kichkina|ozgina|sal)\s+o[qk]|\bumumiy\s+emas",
            r"капа|\btomchi|\btomya|\btomyap|\bdrip",
            r"\bкапл|по +капле|\bне +л[ье][её]?т|not +flood",
            # a flood that is over ("bugun quridi", "высохло"), a gutter, a scalding tap
            r"\b[qk]uri(?:di|b +[qk]ol)|высох|\bdried|tarnov|vodostok|водосток|gutter|drainpipe"
            r"|кипят\w* +из +крана|из +крана +(?:\w+ +)?кипят",
            r"kanaliz|канализ",
            # a pipe said not to have burst (frozen, not yet burst): urgent
            r"\byorilma(?:gan|di)|\bне\s+(?:прорвал|лопнул)|\bnot\s+burst|\bhas\s*n[o']?t\s+burst",
            r"\byom[gq]ir|дожд|\brain|\bqor\b|снег",
        ),
    ),
    EmergencyRule(
        kind="sparking_smoke",
        category="electricity",
        patterns=(
            # uz: uchqun (spark), tutun (smoke), yong'in (fire), olov, kuygan hid, shchit yonyapti
            r"\buch[qk]un",
            r"\btutun",
            r"\byon[gq]in",
            r"\bolov\b(?!\s+(?:\w+\s+)?(?:kichkina|kichik|past|zaif|yonmay))",  # not a gas flame
            rf"\bkuy(?:gan|ish|ayot|yap|ib)\w*\s+{_W2}[hx]id",
            rf"\b(?:shchit|shit|sim|simlar|rozetka|provod|kabel|schyotchik|hisoblagich)\w*\s+{_W2}yon(?:yap|ib|di|mo[qk])",
            r"iskr",
            # crackling, smouldering or melting equipment; a live line down
            r"(?:shchit|\bshit|rozetka|\bsim|kabel|provod|hisoblagich|schyotchik"
            r"|transformator|vikluchatel|vyklyuchatel)"
            r"\w*.{0,40}(?:chirsil|[qk]arsil|tuta(?:b|yap|yot|di)|\berib|\beridi|kuy(?:yap"
            r"|ayot|ib\s+ket))",
            r"\btuta(?:b\s+tur|yap|yot)",
            rf"\bprovod\w*\s+{_W2}oborv|\boborv\w*\s+{_W2}provod",
            rf"\b(?:sim|provod|kabel)\w*\s+{_W2}uzil\w*\s+{_W3}(?:yer|panjara|tush|yot)",
            # en: sparks / sparking / smoke / on fire / burning smell
            r"\bspark",
            r"\bsmok(?:e|ing)\b",
            r"\b(?:on\s+)?fire\b(?!\s+(?:extingu|exit|escape|door|safety|inspect))",
            rf"\bburn\w*\s+{_W2}(?:smel|odou?r|wire|cable|socket|outlet|panel|plastic)",
            rf"\b(?:smel|odou?r)\w*\s+{_W2}burn",
            r"\bmelt\w*\s+(?:\w+\s+)?(?:wire|cable|socket|outlet|plastic)",
            r"\b(?:power\s+line|live\s+wire|cable|wire)s?\s+(?:\w+\s+){0,2}(?:down\b|fell"
            r"|fal+en|lying|on\s+the\s+(?:ground|fence))",
            r"(?:panel|switchboard|socket|outlet|meter\s+box|wires?)\b.{0,40}\b(?:crackl|bang"
            r"|flash)",
            r"\b(?:crackl|bang|flash)\w*.{0,40}(?:panel|switchboard|socket|outlet|meter\s+box"
            r"|wires?)\b",
            # ru: искрит / искры / дым / задымление / пожар / запах гари / проводка горит
            r"искр",
            r"\b(?:за)?дым",
            r"\bпожар",
            r"\bгар[иьюь]\b",
            r"\bгорел",
            r"\bзагорел",
            r"\bплав(?:ит|ят|ил|ятся|ится|лен)",
            r"\b(?:пал[её]н|жж[её]н)",
            r"\bрасплав",
            r"(?:щит|розетк|сч[её]тчик|провод)\w*.{0,40}(?:бахн|хлоп|вспышк|трещ)",
            r"(?:бахн|хлоп|вспышк)\w*.{0,40}(?:щит|розетк|сч[её]тчик|провод)",
            rf"\bоборва\w*\s+{_W2}провод|\bпровод\w*\s+{_W2}(?:оборва|лежит\s+на|упал)",
            rf"\b(?:провод|проводк|щит|электрощит|розетк|кабел|счетчик|счётчик)\w*\s+{_W2}гор",
            rf"\bгор(?:ит|ят|ел)\s+{_W2}(?:провод|проводк|щит|электрощит|розетк|кабел|счетчик|счётчик)",
        ),
        unless=(
            # bare wires with no sparks and no smoke: urgent, not an emergency
            r"\buch[qk]un\s+yo[qk]|\bне\s+искр|\bno\s+sparks?|without\s+sparks?"
            r"|\btutun\s+yo[qk]|\bнет\s+дыма|дыма\s+нет|\bбез\s+дыма"
            r"|\bno\s+smoke",
            # "uchqun ham yo'q", "uchqun chiqmayapti", "tutun-hid yo'q", "iskra yo'q",
            # "искр нет", "дыма не видно", "not sparking"
            r"\buch[qk]un\w* +(?:ham +)?(?:yo[qk]\b|yuk\b|chi[qk]ma)"
            r"|\btutun\w* +(?:ham +|hid +)?yo[qk]\b"
            r"|\biskr\w* +yo[qk]\b|\bискр\w* +нет|\bнет +искр|\bбез +искр"
            r"|\bдыма? +(?:\w+ +)?не +(?:видно|вижу|было|чувств)|\bnot +spark",
            # smoke from a cigarette, a barbecue or a hookah, with no fire said
            r"^(?!.*(?:горит|пожар|огон|пламя|gorit|pojar|ogon|plamya|yonyap|yonib|yon[gq]in|olov"
            r"|burning|\bfire\b|flame|melt|плав|eri(?:b|y))).*(?:sigaret|cigaret|курит|курят"
            r"|chek(?:adi|yap|ish)"
            r"|(?:someone|somebody|people|neighbou?r\w*|smb) +(?:\w+ +)?smok|mangal|шашлык|barbecue"
            r"|\bbbq\b|кальян|[qk]alyon)",
            # fire safety: an inspection, an extinguisher, an alarm test
            r"yon[gq]in\w* +xavfsizlig|пожарн\w* +(?:безопасн|провер)|огнетушит|\bot +ochirgich"
            r"|fire +(?:alarm +test|safety|drill|extinguisher|inspection)",
            # a gas stove or water heater that sparks (its igniter) but gives no flame, or a
            # weak gas flame
            r"(?:konfork|plita|kolonk|duxovk|конфорк|плит|колонк|духовк|stove|burner|oven"
            r"|water +heater).{0,80}(?:olov\w* +(?:\w+ +)?(?:chi[qk]ma|yo[qk]\b)"
            r"|пламя +(?:\w+ +)?не"
            r"|не +(?:загора|заж)|won.?t +light|doesn.?t +light|not +light)",
            r"(?:gaz|газ|\bgas|plita|konfork|плит|конфорк|stove|burner|kolonk|колонк|cook"
            r"|ovqat|готов)"
            r".{0,60}(?:small|weak|kichkina|kichik|zaif|слаб|маленьк)\w* +(?:\w+ +){0,2}(?:fire"
            r"|flame|olov|пламя|огон)",
            _FIXED,
        ),
    ),
    EmergencyRule(
        kind="lift_stuck",
        category="elevator",
        patterns=(
            # uz: liftda qolib ketdi / liftda odam (bola) qamalib qoldi / lift to'xtadi, ichida onam
            rf"\blift(?:da|ning\s+ichida|\s+ichida)\s+{_W3}(?:[qk]ol|[qk]amal|[qk]ama|застр|zastr)",
            rf"\blift(?:da|\s+ichida)\s+{_W2}(?:odam|bola|kishi|[qk]ariya|ayol|erkak|buvi|bobo|[qk]o[sh]+ni)",
            rf"\bkabina\w* +{_W3}(?:{_PERSON}|[qk]amal|[qk]ol(?:ib|di|gan)(?![qk]))",
            rf"^(?=.*{_LIFT}).*\btiqil",
            r"\bliftda(?:man|miz)\b|\bя\s+в\s+лифте|\b(?:i\s+am|i'm|im"
            r"|we\s+are)\s+(?:\w+\s+)?in\s+(?:the\s+)?(?:lift|elevator)\b",
            rf"\bлифт\w*\s+{_W2}(?:сорвал|упал|полетел|рухнул)|\b(?:lift|elevator)\s+{_W2}(?:fell|dropped|crashed|fal+ing)",
            rf"\blift\w*\s+{_W2}(?:pastga\s+)?(?:[qk]ulab|uchib\s+ket|tushib\s+ket)",
            rf"^(?=.*{_LIFT}).*(?:\bichida|\bichkarida|\binside|внутри|\bтам)\b.{{0,40}}{_PERSON}",
            rf"^(?=.*{_LIFT}).*{_PERSON}.{{0,40}}(?:\bichida|\bichkarida|\binside|внутри)",
            r"^(?=.*(?:\blift|\belevator)).*\bstuck\b.{0,30}\b(?:kids|children|people|someone"
            r"|child|person|passengers|baby)",
            rf"\bв\s+кабин\w*\s+{_W2}(?:человек|люди|реб|дет|муж|женщин|бабушк|дедушк|пассажир)",
            rf"{_PERSON}\w*\s+(?:\w+\s+)?в\s+лифте",
            # en: stuck/trapped in the lift; the lift is stuck with people inside
            r"\b(?:stuck|trap+ed|locked|shut)\s+in(?:side)?\s+(?:the\s+|a\s+|an\s+"
            r"|our\s+)?(?:lift|elevator)",
            # en: (a person) is in the lift, told by a relative or a dispatcher
            rf"{_PERSON}\w*\s+(?:is|are|was|were)\s+(?:still\s+)?in(?:side)?\s+(?:the\s+|a\s+|an\s+|our\s+)?(?:lift|elevator|cabin)\b",
            r"(?=.*\b(?:lift|elevator))\b(?:someone|somebody|people|person|child|kid|man"
            r"|woman|grandm\w*|neighbou?r|passengers?)\b.{0,30}\b(?:stuck|trap+ed)",
            # ru: застрял в лифте / в лифте застряли люди (заперт ребёнок) / лифт с человеком
            rf"\b(?:застр|заперт|заблокир)\w*\s+{_W2}в\s+лифт",
            rf"\bв\s+лифте\s+{_W3}(?:застр|заперт|заблокир|сид|люди|человек|реб[её]н|дет)",
            r"\b(?:люди|дети|реб[её]н\w*|человек)\s+в\s+лифте",
            rf"\bлифт\w*\s+{_W3}с\s+(?:человек|людьми|реб|детьми|пассажир)",
        ),
        unless=(
            r"\b(?:nobody|no\s+one|noone)\b",
            r"\bichida\s+(?:\w+\s+)?hech\s+kim",
            r"\bich(?:k[ae]rida|ida) +(?:\w+ +)?(?:odam|kishi|hech +kim) +yo[qk]\b",
            r"никого",
            r"\bпуст(?:ой|ая|ое)\b|\bempty\b|\bbosh\s+(?:turibdi|edi|lift|kabina)",
        ),
    ),
    EmergencyRule(
        kind="structural_crack",
        category=None,
        patterns=(
            # uz: yuk ko'taruvchi devor; qulab tushyapti; devor yorilib ketdi; zinasi cho'kib ketdi
            r"\byuk\s*k[ou]taruvchi",
            r"\b[qk]ulab\s+tush",
            r"\b[qk]ulash\w*\s+[xh]avf",
            r"\b[qk]ula(?:yap|mo[qk]da|yotgan|ydi)\b",
            r"\bdevor\w*\s+(?:\w+\s+)?yoril",
            r"\byori[qk]\w*\s+(?:\w+\s+)?katta",
            # a crack that keeps growing ("yoriq uzayyapti", "трещина растёт", "crack is growing")
            r"(?:yori[qk]|трещин|crack)\w* +(?:\w+ +){0,4}(?:uzay|kattalash|kengay"
            r"|рас[тс]т[её]т|расширя"
            r"|увеличива|growing|getting +(?:bigger|wider|longer)|widening)",
            r"\bchokib\s+(?:ket|[qk]ol)",
            r"\b[qk]iy[sh]ay",
            r"\bbalkon\w*\s+(?:\w+\s+)?devordan\s+ajral",
            # a crack that grows, a slab sagging or moving, something about to come down
            rf"\byori[qg]\w*\s+{_W2}(?:kattalash|kengay|osyap|ko?payap)",
            rf"\b(?:devor|shift|plita|balkon|zina|poydevor|fundament|soyabon|kozirek|marsh)\w*\s+{_W3}darz",
            rf"\b(?:shift|plita|soyabon|kozirek|balkon|potolok|marsh|zinapoya)\w*\s+{_W3}(?:egil|osil\w*\s+[qk]ol|[qk]imirla|[qk]iysh)",
            r"\b[qk]ula(?:y\s+deb|shi\s+mumkin|b\s+ket)",
            r"\btushib\s+ketishi\s+mumkin|\btushishi\s+mumkin|\btushay\s+deb|\bhozir\s+tushadi",
            r"\byori[qg]\w*\s+or[qk]ali",
            r"\b(?:может|могут)\s+(?:\w+\s+)?(?:упасть|рухнуть|обвалиться|выпасть|оторваться)",
            r"(?:козыр|плит|балкон)\w*.{0,40}(?:тресн|висит|накренил)",
            r"трещин\w*.{0,60}(?:раст[её]т|увелич|расшир)",
            r"(?:zilzil|землетряс|earthquake).{0,60}(?:yori|трещ|crack)",
            r"(?:yori|трещ|crack).{0,60}(?:zilzil|землетряс|earthquake)",
            # en: load-bearing wall; collapse; structural crack
            r"\bload\s*bearing",
            r"\bbearing\s+wal",
            r"\bcol+aps",
            r"\bstructural\w*\s+(?:\w+\s+)?(?:crack|damage|danger|failure)",
            r"\bfoundation\w*\s+(?:\w+\s+)?crack",
            r"\bcracks?\b.{0,60}\b(?:grow|wider|widen|bigger|spread|getting)",
            r"\b(?:balcon|ceiling|stair|canopy|slab|step|loggia)\w*.{0,40}\b(?:sag+ing|shak"
            r"|wobbl|about\s+to\s+fall"
            r"|could\s+fall|may\s+fall|going\s+to\s+fall|crumbl|cave\s+in|caving|sinking"
            r"|crack\w*\s+and\s+hang|hanging\s+loose)",
            r"\b(?:pieces?|chunks?|bits)\s+(?:of\s+(?!ice|snow)\w+\s+)?(?:\w+\s+)?(?:fal+(?:s"
            r"|ing|en)?|fel+|drop\w*|fly\w*)\b",
            # ru: несущая стена; обрушение; обвал; рушится; трещина в стене; просела
            r"\bнесущ|\bnesush",
            r"\bобруш",
            r"\bобвал",
            r"\bрух(?:нул|нет|ну|ает)",
            r"(?:плит|потол|балкон|лестниц|пролет|пролёт|козыр|ступен)\w*.{0,40}(?:провис"
            r"|трещит|шата|кача|кроши)",
            r"(?:провис|трещит|шата|кача|кроши)\w*.{0,40}(?:плит|потол|балкон|лестниц|пролет"
            r"|пролёт|козыр)",
            r"\bрушит",
            r"\bтрещин\w*\s+(?:\w+\s+){0,3}(?:стен|фундамент|перекрыт|несущ)",
            r"\btreshin.{0,30}(?:devor|sten)|(?:devor|sten)\w*\s+(?:\w+\s+){0,2}treshin",
            r"(?:козыр|балкон|плит|кирпич|парапет)\w*.{0,40}(?:упад[её]т|может\s+упасть|вот-вот)",
            r"\b(?:стен|по\s+стене)\w*\s+(?:\w+\s+){0,3}трещин",
            r"\bпросел",
            r"\bотош[её]л\s+от\s+стен|\bотходит\s+от\s+стен",
        ),
        unless=(
            # a hairline crack in the plaster of a wall that carries nothing: normal
            r"\bmayda\s+yori|\bingichka|штукатур|hairline|\bне\s+несущ|not\s+load"
            r"|kotarmaydigan|перегородк|partition",
            # not the building's structure: a partition (written in Latin), icicles, a
            # handrail, a swing, a gutter (urgent or normal under the labelling rules)
            r"peregorodk|\bsumala|сосул|icicle|\bpanjara|перил|handrail|railing|belanchak|качел"
            r"|\bswing|tarnov|vodostok|водосток|gutter",
        ),
    ),
    EmergencyRule(
        # water onto a switchboard, a meter box, a socket or a light fitting: a short
        # circuit and a fire follow, whether it pours or drips (plumbing, by the labelling
        # conventions: the cause is a pipe)
        kind="water_on_wiring",
        category="plumbing",
        patterns=(
            r"(?:suv|вод[аыу]|water)\w*\b.{0,50}(?:shchit|\bshit(?:ok|ig|ga|da)|щит"
            r"|switchboard|fuse +box"
            r"|meter +box"
            r"|elektr +shit|rozetk|розетк|socket|provod|провод|wiring|lampochk|люстр"
            r"|светильн|плафон"
            r"|light +fitting|chandelier)",
            r"(?:shchit|\bshit(?:ok|ig|ga|da)|щит|switchboard|fuse +box|meter +box"
            r"|rozetk|розетк|socket"
            r"|lampochk|люстр"
            r"|светильн|плафон|light +fitting|chandelier)\w*\b.{0,50}(?:suv|вод[аыу]|water)\w* +"
            r"(?:\w+ +)?(?:tush|tom|o[qk]|kir|yi[gq]|капа|ль[её]т|теч|идет|идёт|drip|leak"
            r"|pour|com|run)",
        ),
        unless=(
            r"\bsuv\w* +yo[qk]\b|\bнет +воды|\bno +water|\bbez +suv|воды +нет",
            r"(?:suv|вод[аыу]|water)\w* +(?:\w+ +)?(?:hisoblagich|счётчик|счетчик"
            r"|meter)\b(?! +box)",
        ),
    ),
    EmergencyRule(
        kind="falling_debris",
        category=None,
        patterns=(
            # uz: tomdan muz (sosulka, tunuka) tushyapti; fasaddan plitka tushyapti
            r"\b(?:muz|sosulk|сосул|tunuka|plitk|beton|gisht|kirpich|shifer|kozirek|balkon"
            r"|lodjiy|ruberoid|bolak|лёд|лед)\w*\s+(?:\w+\s+){0,3}(?:tush(?!ma)|uchib|uchyap|[qk]ulab)",
            r"\b(?:beton|plitk|muz|sosulk|tunuka|gisht|kirpich)\w*\s+(?:\w+\s+)?(?:пада|упал)",
            r"\bshamol\w*\s+(?:\w+\s+){0,2}(?:tom|krovl|tunuka)\w*\s+(?:\w+\s+){0,2}(?:uz|uch|och)",
            rf"\bfasad\w*\s+{_W3}(?:tush(?!ma)|uch(?:ib|yap)|[qk]ulab|kochib)",
            r"^(?=.*(?:fasad|фасад|facade|\bwall|стен|devor))(?:.*)(?:penoplast|uteplitel"
            r"|утеплител|insulation|izolyatsi)\w*.{0,40}(?:uch(?:ib|yap)|tush(?!ma)|лет|пада|отвал"
            r"|fly|flying|fall)",
            rf"\b(?:[qk]or|muz)\w*\s+{_W3}(?:sirpanib\s+(?:tush|ket)|siljib|kochib\s+tush)",
            rf"\bmori\w*\s+{_W2}gisht",
            # en: ice (icicles, tiles, concrete, roof sheets) falling; tearing off the roof
            r"\b(?:ice|icicles?|tiles?|concrete|bricks?|sheets?|plaster"
            r"|chunks)\s+(?:\w+\s+){0,1}(?:fal+ing|fel+|fal+s)\b",
            r"\b(?:fal+ing|fel+)\s+(?:of+|from)\s+(?:the\s+)?(?:roof|facade|balcony)",
            r"\btearing\s+(?:of+\s+)?(?:the\s+)?roof|\broof\s+(?:\w+\s+)?torn",
            r"\b(?:rip|tear|blow)\w*\s+(?:\w+\s+){0,3}(?:roof|sheets?)\w*\s+off\b",
            r"\b(?:slabs?|chunks?|pieces?|blocks?|lumps?)\s+of\s+(?:snow|ice|concrete|plaster"
            r"|brick)\w*.{0,30}"
            r"(?:fal+|fel+|slid|drop|com\w*\s+(?:off|down))",
            r"\b(?:fal+|fel+|drop|slid)\w*\s+(?:\w+\s+)?(?:off|from)\s+(?:the\s+)?(?:roof"
            r"|facade|chimney|balcon|building)",
            r"\b(?:ice|icicles?|tiles?|concrete|bricks?|sheets?|plaster"
            r"|chunks)\s+(?:\w+\s+)?(?:dropping|drop\s+from|flying)",
            # ru: с крыши падает лёд; сосульки падают; сорвало кровлю; с фасада падает плитка
            r"\b(?:пада|упал|сорвал|срыва|отвалива|разваливает"
            r"|сорвало)\w*\s+(?:\w+\s+)?(?:л[её]д|льда|кровл|лист|плитк|бетон|кирпич|балкон|козыр|парапет|крыш|сосул|куск)",
            r"\b(?:л[её]д|льда|кровл|лист|плитк|бетон|кирпич|балкон|козыр|парапет"
            r"|сосул)\w*\s+(?:\w+\s+)?(?:пада|упал|сорвал|срыва|отвалива|разваливает|упад)",
            r"\bс\s+(?:крыши|фасада|балкона|кровли)\s+(?:\w+\s+)?(?:пада|сорва|лет)",
            rf"\b(?:глыб|пласт)\w*\s+{_W2}(?:снег|льд|л[её]д)",
            rf"\bснег\w*\s+{_W2}(?:съезжа|сход|сполза|обрушил)|(?:съезжа|сход|сполза)\w*\s+{_W2}снег",
            r"\bлет(?:ят|ит)\s+(?:\w+\s+)?(?:куск|лист|кирпич|плитк)",
        ),
        unless=(
            # people slipping and falling on an icy yard: cleaning, not debris
            r"(?:пожил|люди|бабушк|старик|odamlar|keksa|people|someone)\w* +(?:\w+ +)?"
            r"(?:пада|yi[qk]il|slip|fal+)",
        ),
    ),
    EmergencyRule(
        kind="no_heating_building",
        category="heating",
        patterns=(
            # heating (or the radiators) said to be off in the whole building
            # (uz: butun uyda isitish yo'q; ru: во всём доме нет от[ао]пления; en: whole building)
            r"^(?=.*(?:\bisit|\bisi[qk]lik|\bot[ao]plen|\bbatare|\bradiator|\bheat|от[ао]плен"
            r"|\bтепл|батаре))"
            r"(?=.*(?:\byo[qk]\b|\byu[qk]\b|\bishlamay|\bo[cč]h?i[qk]|\bochir|\bochib"
            r"|\bsovu[qk]|\bsovib|\bberilmay|\bkelmay|\bsiz\b|isitishsiz|\bbez\b|\bno\b|\bnot\b|\bnone\b|\boff\b|\bcold\b|\bwithout\b|\bнет\b|\bбез\b|\bне\s+(?:работ|гре|да[её]т|дают|включ)|холод|отключ|ледян|\bmuzdek))"
            r"(?=.*(?:\bbutun|\bbarcha\s+(?:uy|kvartir|xonadon)|\bham+a\s+(?:[qk]oshni"
            r"|kvartir|xonadon)|\bwhole|\bentire|\bour\s+building|\bвесь\s+(?:дом|подъезд)|\bвс[её]м\s+(?:доме|подъезде)|\bвсему\s+дому|\bвсего\s+дома|\bвсех\s+квартир|\bполностью|\bв\s+доме\s+нет|\bпо\s+всему\s+(?:дому|подъезду|стояку)|\bво\s+всех\s+квартирах|\bhamma\s*(?:xonadon|kvartira|uy)\w*da|\bbinoda))",
            # no heating at all, in winter (uz: qish, isitish yo'q; ru: зима, нет от[ао]пления)
            r"^(?=.*(?:\bisitish\s+yo[qk]|isitishsiz|\bisitish\s+(?:\w+\s+)?ochib"
            r"|\bot[ao]plen\w*\s+yo[qk]|\bbez\s+ot[ao]plen|\bno\s+heat|\bwithout\s+heat|\bheating\s+(?:is\s+)?(?:off|gone)|от[ао]плен\w*\s+(?:\w+\s+){0,3}нет|нет\s+(?:\w+\s+)?от[ао]плен|без\s+(?:от[ао]плен|тепл)|отключили\s+от[ао]плен))"
            r"(?=.*(?:\bqish|\bkish\b|\bchil+a|\byanvar|\bdekabr|\bfevral|\bmoroz|\bmuzla"
            r"|\bminus|\bзим|\bянвар|\bфеврал|\bдекабр|\bмороз|\bминус|\bмерзн|\bмёрзн|\bwinter|\bfreezing|\bjanuary|\bfebruary|\bdecember|\bbelow\s+zero))",
            # the boiler house (or the heating main) stopped: every flat it feeds goes cold
            r"(?:kotelna|котельн|[qk]ozonxona|boiler\s*(?:house|room)|teplotras"
            r"|теплотрасс)\w*.{0,60}"
            r"(?:toxta|ishlamay|avari|авари|встал|останов|не\s+работ|stop|broke|fail|down\b)",
            r"(?:toxta|ishlamay|avari|авари|встал|останов|stop|broke|fail)\w*.{0,40}"
            r"(?:kotelna|котельн|[qk]ozonxona|boiler\s*(?:house|room)|teplotras|теплотрасс)",
        ),
    ),
)

RULE_KINDS: tuple[str, ...] = tuple(rule.kind for rule in EMERGENCY_RULES)


def emergency_rule(views: Views) -> EmergencyRule | None:
    """The first emergency rule whose pattern matches the ticket's text, or None."""
    for rule in EMERGENCY_RULES:
        if rule.search(views) is not None:
            return rule
    return None
