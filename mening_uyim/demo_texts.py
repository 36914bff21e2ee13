"""The Uzbek texts of the demo's general meetings (mening_uyim.demo_voting): data, as
owners and companies would write them, not translated interface strings."""

from __future__ import annotations

from voting.meetings import AgendaItem
from voting.models import QuestionKind

# The closed meeting of building A, called by the district council.
CLOSED_AGENDA = (
    AgendaItem(
        "Yertoladagi 18 m² boʻsh xonani «Usta Bobur» xususiy korxonasiga poyabzal taʼmirlash "
        "ustaxonasi uchun 3 yil muddatga ijaraga berish (oyiga 1 500 000 soʻm, tushum uyning "
        "taʼmir jamgʻarmasiga oʻtkaziladi).",
        QuestionKind.LEASE,
    ),
    AgendaItem("Uy kengashining uch kishilik tarkibini tasdiqlash.", QuestionKind.OTHER),
    AgendaItem(
        "Tomni 2027-yilda kapital taʼmirlash: smeta 420 000 000 soʻm, mulkdorlarning "
        "qoʻshimcha badali har kvadrat metrga 6 000 soʻmdan.",
        QuestionKind.CAPITAL_REPAIR,
    ),
)
CLOSED_COMMENTS = (
    "Ijara shartnomasining loyihasini koʻrsating: ijarachi kim, xona qanday holatda?",
    "Yertolada suv quvurlari oʻtadi. Ustaxona ularga zarar yetkazmasligi shartnomada yozilsin.",
    "Tom taʼmiri zarur, lekin qoʻshimcha badal juda katta. Avval lot dasturidan mablagʻ soʻraylik.",
    "Ijaradan tushgan pul qayerga sarflanishini har chorakda eʼlon qilib turinglar.",
)

# The open meeting of building A, called by its management company.
OPEN_AGENDA = (
    AgendaItem(
        "Birinchi qavatdagi 24 m² texnik xonani «Shifo-Farm» MChJga dorixona uchun 5 yil "
        "muddatga ijaraga berish (oyiga 2 400 000 soʻm).",
        QuestionKind.LEASE,
    ),
    AgendaItem(
        "Ikkala podyezddagi liftlarni 2027-yilda almashtirish (lotning besh yillik dasturi "
        "boʻyicha); ishlarni boshqaruv kompaniyasi tashkil etadi.",
        QuestionKind.CAPITAL_REPAIR,
    ),
    AgendaItem(
        "Podyezdlar va hovlini tozalash jadvalini tasdiqlash: haftasiga uch marta.",
        QuestionKind.OTHER,
    ),
)
OPEN_COMMENTS = (
    "Dorixona yaxshi fikr, lekin yukni qaysi eshikdan olib kirishadi? Kechasi shovqin boʻlmasin.",
    "Liftlar 1984-yildan beri almashtirilmagan, ishni tezroq boshlash lozim.",
    "Tozalash jadvali maʼqul, faqat shanba kunini ham qoʻshing.",
)

# The owners' initiative collecting signatures in building A.
INITIATIVE_AGENDA = (
    AgendaItem(
        "Hovlining sharqiy qismida 12 oʻrinli avtoturargoh tashkil etish va undan foydalanish "
        "tartibini belgilash.",
        QuestionKind.COMMON_PROPERTY_USE,
    ),
    AgendaItem(
        "Bolalar maydonchasini obodonlashtirish uchun ixtiyoriy yigʻim oʻtkazish.",
        QuestionKind.OTHER,
    ),
)
