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
    r"|neighbou?r)"
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
            r"\bgaz.{0,60}(?:vishil|shipit|шипит|hiss|zaharlan|отрав)",
            r"(?:vishil|шипит|hiss|zaharlan|отрав).{0,60}\bgaz",
            # en: gas smell / smells of gas / gas leak / leaking gas
            rf"\bgas\s+{_W2}(?:smel|odou?r|leak|stink)",
            rf"\b(?:smel|odou?r|stink|reek)\w*\s+{_W2}gas\b",
            r"\bleak\w*\s+(?:of\s+)?gas\b",
            # ru: запах газа / пахнет газом / утечка газа / газом воняет (also typed in Latin)
            rf"\b(?:запах|пахн|воня|утечк|утечет|утекает)\w*\s+{_W2}газ",
            rf"\bгаз\w*\s+{_W2}(?:пахн|воня|запах|утечк|утека|трав)",
            rf"\b(?:pa[hx]n|zapa[hx]|vonya|utech)\w*\s+{_W2}gaz",
        ),
        unless=(
            r"\b[hx]id\w*\s+yo[qk]",
            r"\b(?:no|not|without)\s+(?:\w+\s+)?(?:smel|odou?r)",
            r"запаха\s+(?:\w+\s+)?нет|нет\s+запаха|без\s+запаха|не\s+пахнет",
        ),
    ),
    EmergencyRule(
        kind="flooding",
        category="plumbing",
        patterns=(
            # uz: truba (quvur, stoyak) yorildi / portladi; suv otilyapti; suv bosdi; sharillab
            rf"\b(?:truba|[qk]uvur|stoyak|batare|radiator)\w*\s+{_W3}(?:yoril|portla|lopn|prorv|uzil)",
            rf"\b(?:yoril|portla|teshib)\w*\s+{_W2}(?:truba|[qk]uvur|stoyak|batare|radiator)",
            r"\b(?:yu[qk]ori|tepa|shift|potolok|сверху|потолок)\w*\s+(?:\w+\s+){0,2}(?:suv|сув|вода|voda)\s+(?:\w+\s+)?(?:o[qk](?:ya|ib|mo)|tokil|kel(?:ya|mo)|tush(?:ya|mo)|ль|идет|идёт)",
            r"\b(?:shift|potolok)\w*dan\s+(?:\w+\s+)?(?:tokil|o[qk]ya)",
            r"\bsuv\s+(?:!\s*)*(?:tepadan|yu[qk]oridan)",
            r"\b(?:suv|kipyat|[qk]aynok|[qk]aynoq|voda)\w*\s+(?:\w+\s+)?(?:otil|sharil|shari[qk]|fontan)",
            r"\bshari(?:l|[qk])",
            rf"\bsuv\s+{_W2}bos(?:di|ib|yap|mo[qk]|gan|ay|ti)",
            r"\bbizni\s+(?:ham\s+)?bos",
            r"\bto[sh]+[qk]in",
            r"\bham+a\s+(?:yo[qk]|xona\w*|joy\w*|[qk]avat\w*)\s+(?:\w+\s+)?(?:suv|bug)",
            r"\b(?:zina|podyezd|podezd|koridor|liftga|podval)\w*\s+(?:\w+\s+){0,2}suv\s+(?:\w+\s+)?(?:o[qk]|tush|ket|chi[qk])",
            r"\bsuv\w*\s+(?:\w+\s+){0,2}(?:zina|podyezd|podezd|koridor)\w*\s*(?:ga|dan)?\s+(?:o[qk]|tush|chi[qk])",
            r"\b[qk]avat\w*\s+(?:ho|xo|[hx]o)l\b",
            r"\bpodval\w*\s+suvga\s+tol",
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
            r"kanaliz|канализ",
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
            r"\bolov\b",
            rf"\bkuy(?:gan|ish|ayot|yap|ib)\w*\s+{_W2}[hx]id",
            rf"\b(?:shchit|shit|sim|simlar|rozetka|provod|kabel|schyotchik|hisoblagich)\w*\s+{_W2}yon(?:yap|ib|di|mo[qk])",
            r"iskr",
            # en: sparks / sparking / smoke / on fire / burning smell
            r"\bspark",
            r"\bsmok(?:e|ing)\b",
            r"\b(?:on\s+)?fire\b(?!\s+(?:extingu|exit|escape|door|safety|inspect))",
            rf"\bburn\w*\s+{_W2}(?:smel|odou?r|wire|cable|socket|outlet|panel|plastic)",
            rf"\b(?:smel|odou?r)\w*\s+{_W2}burn",
            r"\bmelt\w*\s+(?:\w+\s+)?(?:wire|cable|socket|outlet|plastic)",
            # ru: искрит / искры / дым / задымление / пожар / запах гари / проводка горит
            r"искр",
            r"\b(?:за)?дым",
            r"\bпожар",
            r"\bгар[иьюь]\b",
            r"\bгорел",
            r"\bзагорел",
            r"\bплав(?:ит|ят|ил|ятся|ится|лен)",
            rf"\b(?:провод|проводк|щит|электрощит|розетк|кабел|счетчик|счётчик)\w*\s+{_W2}гор",
            rf"\bгор(?:ит|ят|ел)\s+{_W2}(?:провод|проводк|щит|электрощит|розетк|кабел|счетчик|счётчик)",
        ),
    ),
    EmergencyRule(
        kind="lift_stuck",
        category="elevator",
        patterns=(
            # uz: liftda qolib ketdi / liftda odam (bola) qamalib qoldi / lift to'xtadi, ichida onam
            rf"\blift(?:da|ning\s+ichida|\s+ichida)\s+{_W3}(?:[qk]ol|[qk]amal|[qk]ama|застр|zastr)",
            rf"\blift(?:da|\s+ichida)\s+{_W2}(?:odam|bola|kishi|[qk]ariya|ayol|erkak|buvi|bobo|[qk]o[sh]+ni)",
            rf"^(?=.*(?:\blift|\belevator|лифт)).*(?:\bichida|\bichkarida|\binside|внутри|\bтам)\b.{{0,40}}{_PERSON}",
            rf"^(?=.*(?:\blift|\belevator|лифт)).*{_PERSON}.{{0,40}}(?:\bichida|\bichkarida|\binside|внутри)",
            # en: stuck/trapped in the lift; the lift is stuck with people inside
            r"\b(?:stuck|trap+ed|locked|shut)\s+in(?:side)?\s+(?:the\s+|a\s+|an\s+|our\s+)?(?:lift|elevator)",
            r"(?=.*\b(?:lift|elevator))\b(?:someone|somebody|people|person|child|kid|man|woman|grandm\w*|neighbou?r|passengers?)\b.{0,30}\b(?:stuck|trap+ed)",
            # ru: застрял в лифте / в лифте застряли люди (заперт ребёнок) / лифт с человеком
            rf"\b(?:застр|заперт|заблокир)\w*\s+{_W2}в\s+лифт",
            rf"\bв\s+лифте\s+{_W3}(?:застр|заперт|заблокир|сид|люди|человек|реб[её]н|дет)",
            r"\b(?:люди|дети|реб[её]н\w*|человек)\s+в\s+лифте",
            rf"\bлифт\w*\s+{_W3}с\s+(?:человек|людьми|реб|детьми|пассажир)",
        ),
        unless=(
            r"\b(?:nobody|no\s+one|noone)\b",
            r"\bichida\s+(?:\w+\s+)?hech\s+kim",
            r"никого",
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
            r"\bchokib\s+(?:ket|[qk]ol)",
            r"\b[qk]iy[sh]ay",
            r"\bbalkon\w*\s+(?:\w+\s+)?devordan\s+ajral",
            # en: load-bearing wall; collapse; structural crack
            r"\bload\s*bearing",
            r"\bbearing\s+wal",
            r"\bcol+aps",
            r"\bstructural\w*\s+(?:\w+\s+)?(?:crack|damage|danger|failure)",
            r"\bfoundation\w*\s+(?:\w+\s+)?crack",
            # ru: несущая стена; обрушение; обвал; рушится; трещина в стене; просела
            r"\bнесущ|\bnesush",
            r"\bобруш",
            r"\bобвал",
            r"\bрушит",
            r"\bтрещин\w*\s+(?:\w+\s+){0,3}(?:стен|фундамент|перекрыт|несущ)",
            r"\btreshin.{0,30}(?:devor|sten)|(?:devor|sten)\w*\s+(?:\w+\s+){0,2}treshin",
            r"(?:козыр|балкон|плит|кирпич|парапет)\w*.{0,40}(?:упад[её]т|может\s+упасть|вот-вот)",
            r"\b(?:стен|по\s+стене)\w*\s+(?:\w+\s+){0,3}трещин",
            r"\bпросел",
            r"\bотош[её]л\s+от\s+стен|\bотходит\s+от\s+стен",
        ),
    ),
    EmergencyRule(
        kind="falling_debris",
        category=None,
        patterns=(
            # uz: tomdan muz (sosulka, tunuka) tushyapti; fasaddan plitka tushyapti
            r"\b(?:muz|sosulk|сосул|tunuka|plitk|beton|gisht|kirpich|shifer|kozirek|balkon|лёд|лед)\w*\s+(?:\w+\s+){0,3}(?:tush(?!ma)|uchib|uchyap|[qk]ulab)",
            r"\b(?:beton|plitk|muz|sosulk|tunuka|gisht|kirpich)\w*\s+(?:\w+\s+)?(?:пада|упал)",
            r"\bshamol\w*\s+(?:\w+\s+){0,2}(?:tom|krovl|tunuka)\w*\s+(?:\w+\s+){0,2}(?:uz|uch|och)",
            # en: ice (icicles, tiles, concrete, roof sheets) falling; tearing off the roof
            r"\b(?:ice|icicles?|tiles?|concrete|bricks?|sheets?|plaster|chunks)\s+(?:\w+\s+){0,1}(?:fal+ing|fel+|fal+s)\b",
            r"\b(?:fal+ing|fel+)\s+(?:of+|from)\s+(?:the\s+)?(?:roof|facade|balcony)",
            r"\btearing\s+(?:of+\s+)?(?:the\s+)?roof|\broof\s+(?:\w+\s+)?torn",
            # ru: с крыши падает лёд; сосульки падают; сорвало кровлю; с фасада падает плитка
            r"\b(?:пада|упал|сорвал|срыва|отвалива|разваливает|сорвало)\w*\s+(?:\w+\s+)?(?:л[её]д|льда|кровл|лист|плитк|бетон|кирпич|балкон|козыр|парапет|крыш|сосул|куск)",
            r"\b(?:л[её]д|льда|кровл|лист|плитк|бетон|кирпич|балкон|козыр|парапет|сосул)\w*\s+(?:\w+\s+)?(?:пада|упал|сорвал|срыва|отвалива|разваливает|упад)",
            r"\bс\s+(?:крыши|фасада|балкона|кровли)\s+(?:\w+\s+)?(?:пада|сорва|лет)",
        ),
    ),
    EmergencyRule(
        kind="no_heating_building",
        category="heating",
        patterns=(
            # heating (or the radiators) said to be off in the whole building
            # (uz: butun uyda isitish yo'q; ru: во всём доме нет отопления; en: whole building)
            r"^(?=.*(?:\bisit|\bisi[qk]lik|\botoplen|\bbatare|\bradiator|\bheat|отоплен|\bтепл|батаре))"
            r"(?=.*(?:\byo[qk]\b|\bishlamay|\bo[cč]h?i[qk]|\bochib|\bsovu[qk]|\bsovib|\bberilmay|\bkelmay|\bsiz\b|isitishsiz|\bbez\b|\bno\b|\bnot\b|\bnone\b|\boff\b|\bcold\b|\bwithout\b|\bнет\b|\bбез\b|\bне\s+(?:работ|гре|да[её]т|дают|включ)|холод|отключ|ледян|\bmuzdek))"
            r"(?=.*(?:\bbutun|\bbarcha\s+(?:uy|kvartir|xonadon)|\bham+a\s+(?:[qk]oshni|kvartir|xonadon)|\bwhole|\bentire|\bour\s+building|\bвесь\s+(?:дом|подъезд)|\bвс[её]м\s+(?:доме|подъезде)|\bвсему\s+дому|\bвсего\s+дома|\bвсех\s+квартир|\bполностью|\bв\s+доме\s+нет))",
            # no heating at all, in winter (uz: qish, isitish yo'q; ru: зима, нет отопления)
            r"^(?=.*(?:\bisitish\s+yo[qk]|isitishsiz|\bisitish\s+(?:\w+\s+)?ochib|\botoplen\w*\s+yo[qk]|\bbez\s+otoplen|\bno\s+heat|\bwithout\s+heat|\bheating\s+(?:is\s+)?(?:off|gone)|отоплен\w*\s+(?:\w+\s+){0,3}нет|нет\s+(?:\w+\s+)?отоплен|без\s+(?:отоплен|тепл)|отключили\s+отоплен))"
            r"(?=.*(?:\bqish|\bkish\b|\bchil+a|\byanvar|\bdekabr|\bfevral|\bmoroz|\bmuzla|\bminus|\bзим|\bянвар|\bфеврал|\bдекабр|\bмороз|\bминус|\bмерзн|\bмёрзн|\bwinter|\bfreezing|\bjanuary|\bfebruary|\bdecember|\bbelow\s+zero))",
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
