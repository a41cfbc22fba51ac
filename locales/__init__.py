"""Languages: English, Russian and Tajik, through standard gettext catalogues.

Every user-facing string in the code is written in English inside `_()` (or `N_()` where it is
only marked, to be translated later, e.g. in a module-level table) and looked up in the catalogue
of the *current language*: `locales/<lang>/LC_MESSAGES/*.po`, compiled in memory with Babel when
first used (no binary .mo files in the repository). The language is a context variable: the app
sets it at the start of every script run from the URL (`?lang=ru`), the command line from
`--lang`; code that runs in between (metrics text, figures, the deck) just calls `_()`.

Numbers, percentages and dates are formatted for the current language with Babel (`8 620` and
`87,5 %` in Russian). English keeps the app's own style (`8,620`, `87.5 %`).

This package imports nothing of the app: metrics, data_access and pages all use it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
from collections.abc import Iterator
from contextvars import ContextVar
from functools import cache
from pathlib import Path

from babel import Locale
from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations

DIRECTORY = Path(__file__).resolve().parent
DOMAIN = "hamkori"

#: Language code -> its own name (what the language picker shows).
LANGUAGES: dict[str, str] = {"en": "English", "ru": "Русский", "tg": "Тоҷикӣ"}
DEFAULT = "en"

_current: ContextVar[str] = ContextVar("hamkori_language", default=DEFAULT)


def normalise(code: str | None) -> str | None:
    """'ru-RU', 'ru_RU', 'RU' -> 'ru'; a language we do not have -> None."""
    if not code:
        return None
    base = str(code).strip().replace("_", "-").split("-")[0].lower()
    return base if base in LANGUAGES else None


def from_accept_language(header: str | None) -> str | None:
    """The first language of a browser's Accept-Language header that we have, by its q order."""
    if not header:
        return None
    choices = []
    for position, part in enumerate(header.split(",")):
        code, _sep, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        choices.append((-quality, position, code))
    for _q, _p, code in sorted(choices):
        if (found := normalise(code)) is not None:
            return found
    return None


def language() -> str:
    """The current language code."""
    return _current.get()


def set_language(code: str | None) -> str:
    """Make `code` (or the default, when unknown) the current language; return what was set."""
    chosen = normalise(code) or DEFAULT
    _current.set(chosen)
    return chosen


@contextlib.contextmanager
def using(code: str | None) -> Iterator[str]:
    """Run a block in another language (the deck in Russian from an English session)."""
    token = _current.set(normalise(code) or DEFAULT)
    try:
        yield _current.get()
    finally:
        _current.reset(token)


def catalogue_files(code: str) -> list[Path]:
    """The .po files that make up one language's catalogue: hamkori.po first (its header's
    plural rule is the one the merged catalogue keeps), then the others in name order."""
    files = (DIRECTORY / code / "LC_MESSAGES").glob("*.po")
    return sorted(files, key=lambda path: (path.stem != DOMAIN, path.name))


@cache
def translations(code: str) -> NullTranslations:
    """One language's catalogue, compiled in memory from its .po files."""
    merged: NullTranslations | None = None
    for path in catalogue_files(code):
        with path.open("rb") as handle:
            catalogue = read_po(handle, locale=code, domain=DOMAIN)
        buffer = io.BytesIO()
        write_mo(buffer, catalogue, use_fuzzy=False)
        buffer.seek(0)
        compiled = Translations(buffer, domain=DOMAIN)
        if merged is None:
            merged = compiled
        else:
            merged.merge(compiled)
    return merged if merged is not None else NullTranslations()


def gettext(message: str) -> str:
    """`message` in the current language (itself where the catalogue has no entry)."""
    return translations(_current.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The plural form for `n` in the current language (Russian and Tajik rules included)."""
    return translations(_current.get()).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """`message` in a context (one English word, two meanings)."""
    return translations(_current.get()).pgettext(context, message)


def N_(message: str) -> str:
    """Mark `message` for the catalogue without translating it now (translate where shown)."""
    return message


_ = gettext


def babel_locale(code: str | None = None) -> Locale:
    return Locale.parse(code or _current.get())


def number(value: float | int, digits: int = 0) -> str:
    """A number with the language's grouping and decimal signs: 8,620 / 8 620; 2.5 / 2,5."""
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=babel_locale())


def percent(value: float, digits: int = 1) -> str:
    """A percentage given in percent (87.5 -> '87.5 %', '87,5 %' in Russian)."""
    text = number(value, digits)
    if _current.get() == "en":
        return f"{text} %"
    # CLDR's pattern says where the sign goes and with which space (Russian: no-break space).
    pattern = babel_locale().percent_formats[None].pattern
    spaced = "\u00a0" if ("\u00a0%" in pattern or " %" in pattern) else ""
    return f"{text}{spaced}%"


def date(value: dt.date | str, format: str = "medium") -> str:
    """A date in the language's style: 'Mar 1, 2025' / '1 мар. 2025 г.'."""
    day = dt.date.fromisoformat(value) if isinstance(value, str) else value
    return format_date(day, format=format, locale=babel_locale())


def day(value: dt.date) -> str:
    """A date as Hamkori writes it in tables and sentences: ISO in English (2025-12-31), the
    language's long form otherwise ('31 декабря 2025', no 'г.' before a full stop)."""
    if isinstance(value, dt.datetime):  # a pandas Timestamp too
        value = value.date()
    if language() == DEFAULT:
        return value.isoformat()
    return format_date(value, format="d MMMM y", locale=babel_locale())


def month(value: dt.date | str) -> str:
    """A reporting month by name: 'March 2025' / 'март 2025' ('YYYY-MM' or a date)."""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:7] + "-01")
    return format_date(value, format="LLLL y", locale=babel_locale())


def month_short(value: dt.date | str) -> str:
    """A month's short name without the year: 'Mar' / 'март' (chart ticks)."""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:7] + "-01")
    return format_date(value, format="LLL", locale=babel_locale())
