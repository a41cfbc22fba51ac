"""Reference codes of DOMAIN §2: population types, sex, age groups, regions, districts, countries.

These are the controlled vocabularies imports are validated against. They are seeded into the
reference tables by `hamkori init` so that SQL joins and pages can read names from the warehouse.

Names are kept in English here (the warehouse and the files speak English); the screen shows them
in the current language through `region_name`, `district_name`, `country_name` and `label`
(regions, population types, categories and areas are gettext messages; districts use the
gazetteer's Russian and Tajik names below; countries Babel's CLDR names).
"""

from __future__ import annotations

from functools import cache

import pycountry

import locales
from locales import N_, _

POPULATION_TYPES: dict[str, str] = {
    "REF": N_("Refugees"),
    "ASY": N_("Asylum-seekers"),
    "OIP": N_("Other people in need of international protection"),
    "STA": N_("Stateless persons"),
    "OOC": N_("Others of concern"),
    "RET": N_("Returned refugees"),
    "IDP": N_("Internally displaced persons"),
    "HST": N_("Host community"),
}
#: "Persons of concern" = these types (DOMAIN §2).
PERSONS_OF_CONCERN: tuple[str, ...] = ("REF", "ASY", "OIP", "STA", "OOC")

SEXES: dict[str, str] = {"F": N_("Female"), "M": N_("Male")}
#: The sexes of children at school, as the education pages and slides name them.
CHILD_SEXES: dict[str, str] = {"F": N_("Girls"), "M": N_("Boys")}
#: Levels of education (ISCED), in their order (the education dataset's `level`).
EDUCATION_LEVELS: dict[str, str] = {
    "preschool": N_("Pre-primary"), "primary": N_("Primary"),
    "lower_secondary": N_("Lower secondary"), "upper_secondary": N_("Upper secondary"),
    "tertiary": N_("Tertiary")}
AGE_GROUPS: tuple[str, ...] = ("0-4", "5-11", "12-17", "18-59", "60+", "unknown")
CHILD_AGE_GROUPS: tuple[str, ...] = ("0-4", "5-11", "12-17")

REGIONS: dict[str, str] = {
    "TJ-DU": N_("Dushanbe"),
    "TJ-SU": N_("Sughd"),
    "TJ-KT": N_("Khatlon"),
    "TJ-GB": N_("Gorno-Badakhshan (GBAO)"),
    "TJ-RA": N_("Districts of Republican Subordination (DRS)"),
}

#: Where a region's circle is drawn on the map when no boundary file has been imported:
#: (longitude, latitude) of the region's centre (mean of its outline's vertices).
REGION_CENTRES: dict[str, tuple[float, float]] = {
    "TJ-DU": (68.80, 38.56),
    "TJ-SU": (69.47, 39.95),
    "TJ-KT": (69.25, 37.66),
    "TJ-GB": (72.85, 38.06),
    "TJ-RA": (69.88, 38.79),
}

#: Districts (ADM2) as in the national gazetteer: name -> (region, Russian/Cyrillic name).
#: Government partners send Cyrillic names (often in Windows-1251 files); both spellings are
#: accepted on import and stored under the English gazetteer name.
DISTRICTS: dict[str, tuple[str, str]] = {
    # Dushanbe city and its districts
    "Dushanbe": ("TJ-DU", "Душанбе"),
    "Sino": ("TJ-DU", "Сино"),
    "Firdavsi": ("TJ-DU", "Фирдавси"),
    "Ismoili Somoni": ("TJ-DU", "Исмоили Сомони"),
    "Shohmansur": ("TJ-DU", "Шохмансур"),
    # Districts of Republican Subordination
    "Vahdat": ("TJ-RA", "Вахдат"),
    "Rudaki": ("TJ-RA", "Рудаки"),
    "Hisor": ("TJ-RA", "Гиссар"),
    "Tursunzoda": ("TJ-RA", "Турсунзаде"),
    "Shahrinav": ("TJ-RA", "Шахринав"),
    "Varzob": ("TJ-RA", "Варзоб"),
    "Fayzobod": ("TJ-RA", "Файзабад"),
    "Rasht": ("TJ-RA", "Рашт"),
    "Nurobod": ("TJ-RA", "Нурабад"),
    "Tojikobod": ("TJ-RA", "Таджикабад"),
    "Lakhsh": ("TJ-RA", "Лахш"),
    "Sangvor": ("TJ-RA", "Сангвор"),
    "Roghun": ("TJ-RA", "Рогун"),
    # Khatlon
    "Bokhtar": ("TJ-KT", "Бохтар"),
    "Kulob": ("TJ-KT", "Куляб"),
    "Panj": ("TJ-KT", "Пяндж"),
    "Vose": ("TJ-KT", "Восе"),
    "Danghara": ("TJ-KT", "Дангара"),
    "Farkhor": ("TJ-KT", "Фархор"),
    "Hamadoni": ("TJ-KT", "Хамадони"),
    "Jaihun": ("TJ-KT", "Джайхун"),
    "Jomi": ("TJ-KT", "Джами"),
    "Kubodiyon": ("TJ-KT", "Кабодиён"),
    "Levakant": ("TJ-KT", "Леваканд"),
    "Muminobod": ("TJ-KT", "Муминабад"),
    "Norak": ("TJ-KT", "Нурек"),
    "Nosiri Khusrav": ("TJ-KT", "Носири Хусрав"),
    "Shahritus": ("TJ-KT", "Шаартуз"),
    "Shamsiddin Shohin": ("TJ-KT", "Шамсиддин Шохин"),
    "Temurmalik": ("TJ-KT", "Темурмалик"),
    "Vakhsh": ("TJ-KT", "Вахш"),
    "Khovaling": ("TJ-KT", "Ховалинг"),
    "Baljuvon": ("TJ-KT", "Бальджуван"),
    "Dusti": ("TJ-KT", "Дусти"),
    "Yovon": ("TJ-KT", "Яван"),
    "Kushoniyon": ("TJ-KT", "Кушониён"),
    # Sughd
    "Khujand": ("TJ-SU", "Худжанд"),
    "Istaravshan": ("TJ-SU", "Истаравшан"),
    "Isfara": ("TJ-SU", "Исфара"),
    "Konibodom": ("TJ-SU", "Канибадам"),
    "Panjakent": ("TJ-SU", "Пенджикент"),
    "Bobojon Ghafurov": ("TJ-SU", "Бободжон Гафуров"),
    "Spitamen": ("TJ-SU", "Спитамен"),
    "Zafarobod": ("TJ-SU", "Зафарабад"),
    "Mastchoh": ("TJ-SU", "Матча"),
    "Asht": ("TJ-SU", "Ашт"),
    "Ghonchi": ("TJ-SU", "Ганчи"),
    "Shahriston": ("TJ-SU", "Шахристан"),
    "Ayni": ("TJ-SU", "Айни"),
    "Kuhistoni Mastchoh": ("TJ-SU", "Кухистони Мастчох"),
    "Jabbor Rasulov": ("TJ-SU", "Джаббор Расулов"),
    "Guliston": ("TJ-SU", "Гулистон"),
    "Buston": ("TJ-SU", "Бустон"),
    "Istiqlol": ("TJ-SU", "Истиклол"),
    # Gorno-Badakhshan
    "Khorugh": ("TJ-GB", "Хорог"),
    "Ishkoshim": ("TJ-GB", "Ишкашим"),
    "Darvoz": ("TJ-GB", "Дарваз"),
    "Vanj": ("TJ-GB", "Ванч"),
    "Rushon": ("TJ-GB", "Рушан"),
    "Shughnon": ("TJ-GB", "Шугнан"),
    "Roshtqal'a": ("TJ-GB", "Рошткала"),
    "Murghob": ("TJ-GB", "Мургаб"),
}

#: The gazetteer's Tajik names of the districts (Russian ones: `DISTRICTS`).
DISTRICTS_TG: dict[str, str] = {
    "Dushanbe": "Душанбе", "Sino": "Сино", "Firdavsi": "Фирдавсӣ",
    "Ismoili Somoni": "Исмоили Сомонӣ", "Shohmansur": "Шоҳмансур",
    "Vahdat": "Ваҳдат", "Rudaki": "Рӯдакӣ", "Hisor": "Ҳисор", "Tursunzoda": "Турсунзода",
    "Shahrinav": "Шаҳринав", "Varzob": "Варзоб", "Fayzobod": "Файзобод", "Rasht": "Рашт",
    "Nurobod": "Нуробод", "Tojikobod": "Тоҷикобод", "Lakhsh": "Лахш", "Sangvor": "Сангвор",
    "Roghun": "Роғун",
    "Bokhtar": "Бохтар", "Kulob": "Кӯлоб", "Panj": "Панҷ", "Vose": "Восеъ",
    "Danghara": "Данғара", "Farkhor": "Фархор", "Hamadoni": "Ҳамадонӣ", "Jaihun": "Ҷайҳун",
    "Jomi": "Ҷомӣ", "Kubodiyon": "Қубодиён", "Levakant": "Леваканд", "Muminobod": "Мӯъминобод",
    "Norak": "Норак", "Nosiri Khusrav": "Носири Хусрав", "Shahritus": "Шаҳритус",
    "Shamsiddin Shohin": "Шамсиддин Шоҳин", "Temurmalik": "Темурмалик", "Vakhsh": "Вахш",
    "Khovaling": "Ховалинг", "Baljuvon": "Балҷувон", "Dusti": "Дӯстӣ", "Yovon": "Ёвон",
    "Kushoniyon": "Кушониён",
    "Khujand": "Хуҷанд", "Istaravshan": "Истаравшан", "Isfara": "Исфара",
    "Konibodom": "Конибодом", "Panjakent": "Панҷакент", "Bobojon Ghafurov": "Бобоҷон Ғафуров",
    "Spitamen": "Спитамен", "Zafarobod": "Зафаробод", "Mastchoh": "Мастчоҳ", "Asht": "Ашт",
    "Ghonchi": "Ғончӣ", "Shahriston": "Шаҳристон", "Ayni": "Айнӣ",
    "Kuhistoni Mastchoh": "Кӯҳистони Мастчоҳ", "Jabbor Rasulov": "Ҷаббор Расулов",
    "Guliston": "Гулистон", "Buston": "Бӯстон", "Istiqlol": "Истиқлол",
    "Khorugh": "Хоруғ", "Ishkoshim": "Ишкошим", "Darvoz": "Дарвоз", "Vanj": "Ванҷ",
    "Rushon": "Рӯшон", "Shughnon": "Шуғнон", "Roshtqal'a": "Роштқалъа", "Murghob": "Мурғоб",
}

#: Former names and other transliterations of gazetteer districts (renamed 2016–2018, or spelt
#: so in international boundary files such as geoBoundaries'), accepted wherever a district is.
DISTRICT_ALIASES: dict[str, str] = {
    "Ghafurov": "Bobojon Ghafurov",
    "Jilikul": "Dusti",
    "Shuro-obod": "Shamsiddin Shohin",
    "Sarband": "Levakant",
    "Dzhami": "Jomi",
    "Vose'": "Vose",
    "Qumsangir": "Jaihun",
    "Shahrtuz": "Shahritus",
    "Sharinav": "Shahrinav",
    "Faizobod": "Fayzobod",
    "Qabodiyon": "Kubodiyon",
    "Tavildara": "Sangvor",
    "Jirgatol": "Lakhsh",
}

#: Codes that are not ISO countries but stand where a country does (DOMAIN §2, UNHCR practice).
SPECIAL_COUNTRIES: dict[str, str] = {
    "UKN": N_("Unknown origin"),
    "UNK": N_("Unknown origin (UNHCR)"),
    "STA": N_("Stateless"),
    "XXA": N_("Stateless (UNHCR)"),
}

RESETTLEMENT_CATEGORIES: dict[str, str] = {
    "LPN": N_("Legal and/or physical protection needs"),
    "SVT": N_("Survivors of violence and/or torture"),
    "MED": N_("Medical needs"),
    "WAR": N_("Women and girls at risk"),
    "FAM": N_("Family reunification"),
    "CAR": N_("Children and adolescents at risk"),
    "LAI": N_("Lack of foreseeable alternative durable solutions"),
}

JOINT_PLAN_AREAS: dict[str, str] = {
    "education": N_("Education"),
    "health_nutrition": N_("Health and nutrition"),
    "child_protection": N_("Child protection"),
    "social_protection": N_("Social protection"),
    "birth_registration_nationality": N_("Birth registration and the right to a nationality"),
    "advocacy": N_("Joint advocacy and awareness"),
    "preparedness": N_("Risk assessment, contingency planning and preparedness"),
    "information_sharing": N_("Information sharing and joint data collection"),
    "resource_mobilisation": N_("Resource mobilisation"),
}


@cache
def countries() -> dict[str, str]:
    """ISO 3166-1 alpha-3 code -> name, plus the special codes above."""
    names = {c.alpha_3: getattr(c, "common_name", None) or c.name for c in pycountry.countries}
    names.update(SPECIAL_COUNTRIES)
    return names


def _fold(name: str) -> str:
    return " ".join(name.casefold().replace("’", "'").split())


@cache
def district_lookup() -> dict[str, str]:
    """Case-insensitive spelling (English or Cyrillic) -> gazetteer district name."""
    lookup: dict[str, str] = {}
    for name, (_region, cyrillic) in DISTRICTS.items():
        lookup[_fold(name)] = name
        lookup[_fold(cyrillic)] = name
        lookup.setdefault(_fold(DISTRICTS_TG.get(name, name)), name)
    for alias, name in DISTRICT_ALIASES.items():
        lookup[_fold(alias)] = name
    return lookup


# ------------------------------------------------------------------------------ in the language
def label(names: dict[str, str], code: str) -> str:
    """`code`'s name from one of the tables above (marked with `N_`) in the current language."""
    name = names.get(code)
    return _(name) if name else code


def region_name(code: str) -> str:
    """'TJ-GB' -> 'Gorno-Badakhshan (GBAO)' / 'Горно-Бадахшанская АО (ГБАО)' / '… (ВМКБ)'."""
    return label(REGIONS, code)


def district_name(name: str) -> str:
    """A gazetteer district ('Vahdat') in the current language ('Вахдат', 'Ваҳдат')."""
    language = locales.language()
    if language == "ru" and name in DISTRICTS:
        return DISTRICTS[name][1]
    if language == "tg" and name in DISTRICTS_TG:
        return DISTRICTS_TG[name]
    return name


@cache
def _alpha2() -> dict[str, str]:
    return {c.alpha_3: c.alpha_2 for c in pycountry.countries}


def country_name(code: str) -> str:
    """An ISO 3166-1 alpha-3 code (or a special code) as a name of the current language:
    Babel's CLDR names ('AFG' -> 'Афганистан', 'Афғонистон'); English keeps `countries()`."""
    if code in SPECIAL_COUNTRIES:
        return _(SPECIAL_COUNTRIES[code])
    if locales.language() != locales.DEFAULT:
        alpha2 = _alpha2().get(code)
        name = locales.babel_locale().territories.get(alpha2) if alpha2 else None
        if name:
            return name
    return countries().get(code, code)


def canonical_district(spelling: str) -> str | None:
    return district_lookup().get(_fold(spelling))


def region_of_district(district: str) -> str:
    return DISTRICTS[district][0]
