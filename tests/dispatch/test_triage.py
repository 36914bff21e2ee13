"""Ticket triage (DOMAIN.md "Dispatch"): labels, normalisation, the emergency rules, the
model's determinism, the review threshold and the two commands. No database."""

from __future__ import annotations

import json
import threading
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from dispatch import triage as triage_pkg
from dispatch.triage import CATEGORIES, URGENCIES, Triage, triage, triager
from dispatch.triage import model as triage_model
from dispatch.triage.normalize import views
from dispatch.triage.rules import EMERGENCY_RULES, RULE_KINDS, emergency_rule

DATA = Path(triager.DATA_PATH)


@pytest.fixture(scope="module")
def model() -> triage_model.TriageModel:
    """The model trained on the real training file, once for the module."""
    return triage_model.train(triage_model.read_records(DATA))


@pytest.fixture
def served(model, settings, tmp_path):
    """`triage()` serves the trained model (no file is read or written)."""
    settings.TRIAGE_MODEL_PATH = str(tmp_path / "model.joblib")
    triager.use_model(model)
    yield model
    triager.use_model(None)


class StubModel:
    """A model that is sure of one answer, to test the rule layer alone."""

    def __init__(self, category: str, urgency: str, p: float = 0.95) -> None:
        self.category, self.urgency, self.p = category, urgency, p

    def proba(self, docs):
        rest = (1 - self.p) / (len(CATEGORIES) - 1)
        cats = {c: (self.p if c == self.category else rest) for c in CATEGORIES}
        rest = (1 - self.p) / (len(URGENCIES) - 1)
        urgs = {u: (self.p if u == self.urgency else rest) for u in URGENCIES}
        return [cats for _ in docs], [urgs for _ in docs]

    emergency_threshold = 0.5

    def scores(self, docs):
        cats, urgs = self.proba(docs)
        return cats, urgs, [u["emergency"] for u in urgs]

    def knows(self, doc) -> bool:
        return True


def test_label_sets_are_domain_md():
    assert CATEGORIES == (
        "plumbing",
        "heating",
        "electricity",
        "elevator",
        "gas",
        "roof",
        "cleaning",
        "other",
    )
    assert URGENCIES == ("emergency", "urgent", "normal")
    assert set(triage_pkg.__all__) >= {"triage", "Triage", "CATEGORIES", "URGENCIES"}


def test_triage_is_a_frozen_dataclass():
    result = Triage(category="gas", urgency="emergency", confidence=1.0, needs_review=False)
    with pytest.raises(AttributeError):
        result.category = "other"  # type: ignore[misc]


# --- normalisation ------------------------------------------------------------------------


@pytest.mark.parametrize("apostrophe", ["'", "ʻ", "ʼ", "`", "’", "‘"])
def test_apostrophe_variants_normalise_alike(apostrophe):
    text = f"Yo{apostrophe}q, to{apostrophe}rtinchi qavatda g{apostrophe}isht devor"
    assert views(text) == views("Yo'q, to'rtinchi qavatda g'isht devor")


def test_missing_apostrophe_meets_written_one_in_latin_view():
    assert views("to'rtinchi qavat").latin == views("tortinchi qavat").latin


def test_cyrillic_uzbek_transliterates_to_latin():
    assert views("Подъездда газ ҳиди келяпти").latin == "podezda gaz hidi kelyapti"
    assert views("Podyezdda gaz hidi kelyapti").latin == "podyezda gaz hidi kelyapti"


def test_repeated_letters_collapse():
    assert views("Сроооочно!!!").native == "срочно !"
    assert views("muammo").latin == views("muamo").latin == "muamo"


def test_latin_lookalikes_inside_a_cyrillic_word_become_cyrillic():
    # "гaз" with a Latin a, "пaхнeт" with Latin a and e
    assert views("пaхнeт гaзом").native == "пахнет газом"


# --- the emergency rules ------------------------------------------------------------------

# one phrase per emergency kind and language (uz Latin, uz Cyrillic, Russian, English)
RULE_CASES: dict[str, dict[str, str]] = {
    "gas_smell": {
        "uz": "Uchinchi podyezdda kuchli gaz hidi bor",
        "uz_cyrl": "Учинчи подъездда кучли газ ҳиди бор",
        "ru": "В подъезде сильно пахнет газом",
        "en": "There is a strong smell of gas on the stairs",
    },
    "water_on_wiring": {
        "uz": "Elektr shchitiga yuqoridan suv tomyapti",
        "uz_cyrl": "Электр щитига тепадан сув томяпти",
        "ru": "Вода капает на электрощиток в подъезде",
        "en": "Water is dripping into the switchboard on our landing",
    },
    "flooding": {
        "uz": "Yuqoridan suv bosdi, hamma xonada suv",
        "uz_cyrl": "Юқоридан сув босди, ҳамма хонада сув",
        "ru": "Соседи затопили, вода по лестнице",
        "en": "The flat is flooding from above",
    },
    "sparking_smoke": {
        "uz": "Elektr shchitidan uchqun va tutun chiqyapti",
        "uz_cyrl": "Электр щитидан учқун ва тутун чиқяпти",
        "ru": "Щиток искрит, идёт дым",
        "en": "The socket is sparking and there is smoke",
    },
    "lift_stuck": {
        "uz": "Liftda bola qolib ketdi, yordam bering",
        "uz_cyrl": "Лифтда бола қолиб кетди, ёрдам беринг",
        "ru": "Ребёнок застрял в лифте между этажами",
        "en": "My neighbour is stuck in the lift",
    },
    "structural_crack": {
        "uz": "Yuk ko'taruvchi devorda katta yoriq paydo bo'ldi",
        "uz_cyrl": "Юк кўтарувчи деворда катта ёриқ пайдо бўлди",
        "ru": "Трещина по несущей стене, растёт",
        "en": "A crack in the load-bearing wall is getting wider",
    },
    "falling_debris": {
        "uz": "Tomdan muz bo'laklari tushyapti, odamlar o'tadi",
        "uz_cyrl": "Томдан муз бўлаклари тушяпти, одамлар ўтади",
        "ru": "С крыши падает лёд прямо на тротуар",
        "en": "Big chunks of ice falling from the roof onto the path",
    },
    "no_heating_building": {
        "uz": "Butun uyda isitish yo'q, qish, bolalar sovqotyapti",
        "uz_cyrl": "Бутун уйда иситиш йўқ, қиш, болалар совқотяпти",
        "ru": "Во всём доме нет отопления, на улице минус",
        "en": "No heating in the whole building, it is freezing",
    },
}


def test_every_rule_kind_has_cases():
    assert set(RULE_CASES) == set(RULE_KINDS)


@pytest.mark.parametrize(
    ("kind", "lang"), [(kind, lang) for kind, cases in RULE_CASES.items() for lang in cases]
)
def test_emergency_rule_fires_and_raises_urgency(kind, lang):
    text = RULE_CASES[kind][lang]
    rule = emergency_rule(views(text))
    assert rule is not None, text
    assert rule.kind == kind
    for urgency in ("normal", "urgent"):
        result = triage(text, model=StubModel("cleaning", urgency))  # type: ignore[arg-type]
        assert result.urgency == "emergency"
        assert result.rule == kind
        assert result.category == "cleaning"  # the model was sure of its category


@pytest.mark.parametrize("kind", [rule.kind for rule in EMERGENCY_RULES if rule.category])
def test_rule_sets_the_category_only_when_the_model_is_unsure(kind):
    rule = next(r for r in EMERGENCY_RULES if r.kind == kind)
    text = RULE_CASES[kind]["ru"]
    unsure = triage(text, model=StubModel("cleaning", "normal", p=0.3))  # type: ignore[arg-type]
    assert (unsure.category, unsure.urgency) == (rule.category, "emergency")
    assert unsure.needs_review  # the model did not say that category: a dispatcher checks


# the broader pattern families: one phrase (or more) per family, written for the test
RULE_FAMILY_CASES: list[tuple[str, str]] = [
    # gas: coming out, a detector going off, rotten eggs, a pipe hit or holed, kolonka symptoms
    ("gas_smell", "Plitadan gaz chiqyapti, yopolmayapmiz"),
    ("gas_smell", "Gaz datchigi chinqiryapti oshxonada"),
    ("gas_smell", "Сработал датчик газа на кухне"),
    ("gas_smell", "The gas detector went off in the hall"),
    ("gas_smell", "На площадке запах тухлых яиц"),
    ("gas_smell", "It smells of rotten eggs near the meters"),
    ("gas_smell", "Yuk mashinasi hovlidagi gaz quvurini urib ketdi"),
    ("gas_smell", "Во дворе грузовик въехал в газовую трубу"),
    ("gas_smell", "Gaz trubasi teshilib qolgan, 2-podyezd oldida"),
    ("gas_smell", "Kolonkani yoqsam boshim aylanyapti"),
    ("gas_smell", "От колонки голова кружится у всей семьи"),
    ("gas_smell", "I get a headache every time the water heater runs"),
    ("gas_smell", "В коридоре газом несёт"),
    ("gas_smell", "The old gas pipe in the kitchen is hissing"),
    # flooding: pouring, ankle-deep, everything wet, the chandelier, water into the switchboard
    ("flooding", "Shiftdan suv quyilyapti, qo'shnilar uyda emas"),
    ("flooding", "Oshxonada suv to'piqqacha"),
    ("flooding", "Вода в подвале по колено"),
    ("flooding", "Hammayoq suv, tepadan kelyapti"),
    ("flooding", "Из люстры течёт вода"),
    ("flooding", "С потолка бежит вода"),
    ("flooding", "Water is coming through the ceiling light"),
    ("flooding", "The whole ground floor is under water"),
    ("flooding", "Vodomer yorilib ketdi"),
    ("flooding", "Проснулись, вся квартира в воде"),
    ("flooding", "Под раковиной труба порвалась"),
    ("flooding", "Вода попала в электрощит на площадке"),
    # sparking: crackling or smouldering equipment, a line down, a burnt smell, a bang
    ("sparking_smoke", "Shchit chirsillayapti, qo'rqinchli"),
    ("sparking_smoke", "Kabel tutab turibdi yerto'lada"),
    ("sparking_smoke", "Elektr simi uzilib yerga tushib yotibdi"),
    ("sparking_smoke", "A power line is down in the yard"),
    ("sparking_smoke", "The meter box crackles and flashes"),
    ("sparking_smoke", "В подъезде пахнет палёным"),
    ("sparking_smoke", "Розетка расплавилась"),
    ("sparking_smoke", "В щитке бахнуло"),
    ("sparking_smoke", "Во дворе оборвался провод"),
    # lift: a cabin with people, relatives, first person, stuck with kids, a falling cabin
    ("lift_stuck", "Kabinada keksa ayol qolib ketdi"),
    ("lift_stuck", "Liftda nogiron qo'shnimiz tiqilib qoldi"),
    ("lift_stuck", "Men liftdaman, eshik ochilmayapti"),
    ("lift_stuck", "Я в лифте, он не едет"),
    ("lift_stuck", "I'm in the elevator and it stopped"),
    ("lift_stuck", "The elevator is stuck with kids in it"),
    ("lift_stuck", "Муж в лифте уже полчаса"),
    ("lift_stuck", "В кабине женщина, лифт стоит"),
    ("lift_stuck", "Кабина встала, внутри дети"),
    ("lift_stuck", "Лифт сорвался и полетел вниз"),
    ("lift_stuck", "The lift dropped two floors"),
    # structure: a growing crack, sagging slabs, about to fall, an earthquake
    ("structural_crack", "Devordagi yoriq kattalashyapti"),
    ("structural_crack", "Balkon plitasi egilib qoldi"),
    ("structural_crack", "Podyezd soyabonida darz ketdi"),
    ("structural_crack", "Lodjiya romi tushib ketishi mumkin"),
    ("structural_crack", "Zilziladan keyin devorda yoriq"),
    ("structural_crack", "Балкон соседа рухнул"),
    ("structural_crack", "Потолочная плита провисла"),
    ("structural_crack", "Лестница шатается"),
    ("structural_crack", "Козырёк треснул и висит"),
    ("structural_crack", "Трещина на фасаде растёт"),
    ("structural_crack", "The crack in the wall is getting wider"),
    ("structural_crack", "The balcony is about to fall"),
    ("structural_crack", "Pieces of the balcony fall down"),
    # falling: facade, insulation, snow sliding, chimney bricks, roof sheets torn off
    ("falling_debris", "Fasaddan bo'laklar tushyapti"),
    ("falling_debris", "Fasad penoplasti shamolda uchib ketyapti"),
    ("falling_debris", "Tomdagi qor sirpanib tushdi"),
    ("falling_debris", "Mo'ridan g'isht tushdi"),
    ("falling_debris", "Глыбы льда на краю крыши"),
    ("falling_debris", "С крыши съезжает снег на людей"),
    ("falling_debris", "Во дворе летят листы железа"),
    ("falling_debris", "Slabs of snow slide off the roof"),
    ("falling_debris", "The wind is blowing the roof sheets off"),
    # heating: the boiler house stopped; a whole building, in other words
    ("no_heating_building", "Qozonxona to'xtab qoldi"),
    ("no_heating_building", "Котельная встала ночью"),
    ("no_heating_building", "The boiler house broke down"),
    ("no_heating_building", "Отопления нет по всему дому"),
    ("no_heating_building", "Бутун бинода иссиклик йук"),
    # the negations ("не пахнет", "нет дыма") start a word: "на кухне пахнет" is no negation
    ("gas_smell", "на кухне пахнет газом"),
    ("gas_smell", "Gaz datchigi pi-pi qilyapti"),
    # a hose come off or burst, with water: it pours until someone shuts it off
    ("flooding", "Стиральная машина: шланг сорвало, вода льётся на пол"),
    ("flooding", "Kir yuvish mashinasining shlangi uzilib ketdi, suv oqyapti"),
    ("flooding", "The washing machine hose burst, water everywhere"),
    # told by a relative: someone is in the lift
    ("lift_stuck", "My dad is in the lift, it stopped"),
    # the fourth batch's vetoes stop short of these: a detector needs no smell, a repair
    # the smell came back after, smoke from a socket, a cigarette with a fire, a flame seen
    ("gas_smell", "Gaz detektori chinqiryapti, hid sezmadim lekin o'chmayapti"),
    ("gas_smell", "Gaz hidi kecha tuzatildi deyishdi, lekin bugun yana gaz hidi kelyapti"),
    ("sparking_smoke", "Socket on the landing is smoking and melting"),
    ("sparking_smoke", "Кто-то бросил сигарету в мусоропровод, там горит, дым на весь подъезд"),
    ("sparking_smoke", "Hisoblagich ustida kichkina olov ko'rindi, hid bor"),
    # gas hissing in Uzbek ("shivillayapti"), a smell said to be "like gas", water gushing
    # like a fountain, a crack that keeps growing, water collecting in a light fitting
    ("gas_smell", "Podvalda gaz trubasi shivillayapti"),
    ("gas_smell", "В подъезде пахнет чем-то, похоже на газ"),
    ("flooding", "Vodomer yorilib favvora bo'lib urib turibdi"),
    ("structural_crack", "Трещина в наружной стене растёт каждый день"),
    ("structural_crack", "Tashqi devordagi yoriq kundan kunga uzayyapti"),
    ("water_on_wiring", "Lampochka ichida suv yig'ilib qolgan"),
]


@pytest.mark.parametrize(("kind", "text"), RULE_FAMILY_CASES)
def test_every_rule_family_fires(kind, text):
    rule = emergency_rule(views(text))
    assert rule is not None, text
    assert rule.kind == kind, text


@pytest.mark.parametrize(
    "text",
    [
        "Podyezdda simlar osilib turibdi, uchqun yo'q",
        "Голые провода в подъезде, не искрят",
        "Bare wires on the landing, no sparks",
        "Lift bo'sh turibdi, ishlamayapti",
        "Лифт пустой, стоит на первом",
        "The lift is empty but stuck on the 3rd floor",
        "Peregorodkada mayda yoriq, yuk ko'tarmaydigan devor",
        "Трещина в штукатурке на перегородке",
        "A hairline crack in the plaster",
        "Insulation on the basement pipes is coming loose",
        "Gaz quvuri devordan chiqib ketgan, osilib turibdi",
        "Gaz trubasi qulf qutisi ochiq",
        "Душ шланги ёрилган",
        "Podyezd zinalari muzlab qolgan, sirpanchiq",
        "A small piece of roofing felt came off",
        "Gaz bosimi past, olov juda kichkina",
        # a hose with no water said, a frozen pipe said not to have burst, no sparks nor smoke
        "Shlang uzildi",
        "Трубу не прорвало, просто замёрзла",
        "Искры нет, дыма нет, просто провод висит",
        # the fourth batch's contrasts: no smell said otherwise, a stove's igniter with no
        # flame, no sparks said otherwise, a cigarette or fire safety, a smell already
        # repaired, what to do if it smells, a lift checked empty, a cabin's litter,
        # icicles or a handrail that may fall, people slipping on ice, a flood that is
        # over, a drip
        "Plitada olov chiqmayapti, gaz hidi sezilmayapti",
        "Конфорка щёлкает искрой, но пламя не появляется, запаха никакого нет",
        "Simlar osilib turibdi, uchqun ham yo'q",
        "Провода торчат из стены, искр нет",
        "Podyezdda kimdir sigaret chekadi, tutun butun qavatda",
        "Someone smokes in the stairwell every night, smoke under our door",
        "Когда проверка пожарной безопасности? Огнетушители пустые",
        "Kecha gaz hidi bor edi, gaz xizmati tuzatib ketdi, endi trubani bo'yash kerak",
        "Agar gaz hidi kelsa qaysi raqamga qo'ng'iroq qilaman?",
        "Lift joyidan siljimaydi, ichkarida odam yo'q, tekshirdik",
        "Lift kabinasida sigaret qoldiqlari, tozalab qo'yinglar",
        "Kirish eshigi ustida katta sumalaklar osilib turibdi, tushib ketishi mumkin",
        "Zinapoya panjarasi qimirlab qolgan, suyansa tushib ketadi",
        "Podyezd oldi muz, пожилые падают, qum sepinglar",
        "Kecha podvalni suv bosgan edi, bugun quridi",
        "С потолка по капле, раз в минуту, не льётся",
        # a water meter's reading, a switchboard door, a dead socket
        "Suv hisoblagichi ko'rsatkichini qanday yuboraman?",
        "Shchitok eshigi ochiq qolgan, qulfi buzilgan",
        "Розетка на кухне не работает",
    ],
)
def test_no_rule_fires_on_the_families_near_misses(text):
    assert emergency_rule(views(text)) is None


@pytest.mark.parametrize(
    "text",
    [
        "Gaz hidi yo'q, lekin plita yonmayapti",
        "Плита не горит, запаха газа нет",
        "Lift stuck on the 5th floor, nobody inside",
        "Tepadagi qo'shnidan tomchilab suv tushyapti",
        "Podyezdni supurish kerak",
        "Свет в подъезде тусклый",
    ],
)
def test_no_rule_fires_on_an_ordinary_or_negated_ticket(text):
    assert emergency_rule(views(text)) is None


def test_a_rule_never_lowers_a_predicted_emergency():
    stub = StubModel("plumbing", "emergency")
    result = triage("Podyezdni supurish kerak", model=stub)  # type: ignore[arg-type]
    assert (result.urgency, result.rule) == ("emergency", None)
    result = triage(RULE_CASES["gas_smell"]["en"], model=stub)  # type: ignore[arg-type]
    assert result.urgency == "emergency"


SAMPLE = "Yuk ko{a}taruvchi devorda yoriq, qo{a}shnilar qo{a}rqyapti"


@pytest.mark.parametrize("apostrophe", ["'", "ʻ", "ʼ", "`", "’", "‘"])
def test_apostrophe_variants_give_the_same_triage(served, apostrophe):
    assert triage(SAMPLE.format(a=apostrophe)) == triage(SAMPLE.format(a="'"))
    assert triage(SAMPLE.format(a=apostrophe)).urgency == "emergency"


def test_a_missing_apostrophe_gives_the_same_labels(served):
    written, missing = triage(SAMPLE.format(a="'")), triage(SAMPLE.format(a=""))
    assert (missing.category, missing.urgency, missing.rule) == (
        written.category,
        written.urgency,
        written.rule,
    )


# --- the model ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["", "   ", "!!!???", "12345 678", "\x00\x01", "asdfghjkl", "zxqvbnmwy qwrtplkj"]
)
def test_empty_or_garbage_is_other_normal_for_review(served, text):
    result = triage(text)
    assert (result.category, result.urgency, result.needs_review) == ("other", "normal", True)
    assert result.rule is None


def test_non_string_input_does_not_fail(served):
    result = triage(None)  # type: ignore[arg-type]
    assert (result.category, result.urgency, result.needs_review) == ("other", "normal", True)


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("Oshxonada kran oqyapti, iltimos chilangar yuboring", "plumbing"),
        ("Лифт не работает второй день", "elevator"),
        ("The stairwell has not been cleaned for weeks", "cleaning"),
    ],
)
def test_the_model_reads_the_languages(served, text, category):
    assert triage(text).category == category


def test_below_the_threshold_a_ticket_needs_review(served, settings):
    text = "Лифт не работает второй день"
    settings.TRIAGE_REVIEW_BELOW = 0.0
    assert triage(text).needs_review is False
    settings.TRIAGE_REVIEW_BELOW = 1.01
    result = triage(text)
    assert result.needs_review is True
    assert result.confidence < 1.01


def test_the_review_threshold_defaults_to_0_6(settings):
    del settings.TRIAGE_REVIEW_BELOW
    assert triager.review_below() == 0.6


def test_two_trainings_predict_identically():
    records = triage_model.read_records(DATA)[::4]
    first = triage_model.train(records)
    second = triage_model.train(list(reversed(records)))  # training sorts the data
    docs = [views(r.text) for r in triage_model.read_records(DATA)[1::40]]
    assert first.proba(docs) == second.proba(docs)


def test_a_bad_training_line_names_its_line(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text(
        '{"text": "gaz", "category": "gas", "urgency": "emergency"}\n'
        '{"text": "x", "category": "sewer", "urgency": "normal"}\n',
        encoding="utf-8",
    )
    with pytest.raises(triage_model.DataError, match=r"bad.jsonl:2: unknown category 'sewer'"):
        triage_model.read_records(path)


def test_first_use_trains_once_under_a_lock_and_saves(settings, tmp_path, monkeypatch):
    small = tmp_path / "small.jsonl"
    small.write_text(
        "\n".join(DATA.read_text(encoding="utf-8").splitlines()[::10]), encoding="utf-8"
    )
    settings.TRIAGE_MODEL_PATH = str(tmp_path / "lazy" / "model.joblib")
    monkeypatch.setattr(triager, "DATA_PATH", small)
    calls = []
    real_train = triage_model.train

    def counted_train(records):
        calls.append(1)
        return real_train(records)

    monkeypatch.setattr(triage_model, "train", counted_train)
    triager.use_model(None)
    results: list[Triage] = []
    threads = [
        threading.Thread(target=lambda: results.append(triage("Lift ishlamayapti")))
        for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(calls) == 1
    assert len(set(results)) == 1
    assert (tmp_path / "lazy" / "model.joblib").exists()
    triager.use_model(None)
    assert triage("Lift ishlamayapti") == results[0]  # loaded from the file, not retrained
    assert len(calls) == 1
    triager.use_model(None)


# --- the commands ---------------------------------------------------------------------------


def test_triage_command_writes_one_json_line_per_input(served):
    stdin = StringIO(
        '{"text": "В подъезде пахнет газом"}\n'
        "\n"
        "not json\n"
        '{"txt": "no text key"}\n'
        '["a list"]\n'
        '{"text": ""}\n'
    )
    out = StringIO()
    call_command("triage", "--json", stdin=stdin, stdout=out)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len(lines) == 5
    first = lines[0]
    assert {"category", "urgency", "confidence", "needs_review"} <= set(first)
    assert (first["category"], first["urgency"]) == ("gas", "emergency")
    assert lines[1]["line"] == 3
    assert "error" in lines[1]
    assert "error" in lines[2]
    assert "error" in lines[3]
    assert (lines[4]["category"], lines[4]["urgency"], lines[4]["needs_review"]) == (
        "other",
        "normal",
        True,
    )


def test_triage_command_needs_json():
    with pytest.raises(CommandError, match="--json"):
        call_command("triage", stdin=StringIO(""), stdout=StringIO())


def test_train_triage_command_saves_the_model_and_reports(settings, tmp_path):
    small = tmp_path / "small.jsonl"
    small.write_text(
        "\n".join(DATA.read_text(encoding="utf-8").splitlines()[::10]), encoding="utf-8"
    )
    path = tmp_path / "out" / "model.joblib"
    settings.TRIAGE_MODEL_PATH = str(path)
    out = StringIO()
    call_command("train_triage", "--json", "--data", str(small), stdout=out)
    summary = json.loads(out.getvalue())
    assert set(summary) == {"samples", "seconds", "path"}
    assert summary["path"] == str(path)
    assert summary["samples"] == len(small.read_text(encoding="utf-8").splitlines())
    assert isinstance(triage_model.load(path), triage_model.TriageModel)
    triager.use_model(None)


def test_train_triage_command_rejects_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match=r"missing\.jsonl"):
        call_command("train_triage", "--data", str(tmp_path / "missing.jsonl"))
