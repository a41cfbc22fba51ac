"""Reference codes of DOMAIN §2: population types, sex, age groups, regions, districts, countries.

These are the controlled vocabularies imports are validated against. They are seeded into the
reference tables by `hamkori init` so that SQL joins and pages can read names from the warehouse.
"""

from __future__ import annotations

from functools import cache

import pycountry

POPULATION_TYPES: dict[str, str] = {
    "REF": "Refugees",
    "ASY": "Asylum-seekers",
    "OIP": "Other people in need of international protection",
    "STA": "Stateless persons",
    "OOC": "Others of concern",
    "RET": "Returned refugees",
    "IDP": "Internally displaced persons",
    "HST": "Host community",
}
#: "Persons of concern" = these types (DOMAIN §2).
PERSONS_OF_CONCERN: tuple[str, ...] = ("REF", "ASY", "OIP", "STA", "OOC")

SEXES: dict[str, str] = {"F": "Female", "M": "Male"}
AGE_GROUPS: tuple[str, ...] = ("0-4", "5-11", "12-17", "18-59", "60+", "unknown")
CHILD_AGE_GROUPS: tuple[str, ...] = ("0-4", "5-11", "12-17")

REGIONS: dict[str, str] = {
    "TJ-DU": "Dushanbe",
    "TJ-SU": "Sughd",
    "TJ-KT": "Khatlon",
    "TJ-GB": "Gorno-Badakhshan (GBAO)",
    "TJ-RA": "Districts of Republican Subordination (DRS)",
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
    "UKN": "Unknown origin",
    "UNK": "Unknown origin (UNHCR)",
    "STA": "Stateless",
    "XXA": "Stateless (UNHCR)",
}

RESETTLEMENT_CATEGORIES: dict[str, str] = {
    "LPN": "Legal and/or physical protection needs",
    "SVT": "Survivors of violence and/or torture",
    "MED": "Medical needs",
    "WAR": "Women and girls at risk",
    "FAM": "Family reunification",
    "CAR": "Children and adolescents at risk",
    "LAI": "Lack of foreseeable alternative durable solutions",
}

JOINT_PLAN_AREAS: dict[str, str] = {
    "education": "Education",
    "health_nutrition": "Health and nutrition",
    "child_protection": "Child protection",
    "social_protection": "Social protection",
    "birth_registration_nationality": "Birth registration and the right to a nationality",
    "advocacy": "Joint advocacy and awareness",
    "preparedness": "Risk assessment, contingency planning and preparedness",
    "information_sharing": "Information sharing and joint data collection",
    "resource_mobilisation": "Resource mobilisation",
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
    for alias, name in DISTRICT_ALIASES.items():
        lookup[_fold(alias)] = name
    return lookup


def canonical_district(spelling: str) -> str | None:
    return district_lookup().get(_fold(spelling))


def region_of_district(district: str) -> str:
    return DISTRICTS[district][0]
