"""Extracting the catalogue's messages and keeping the .po files in step with the code.

    python -m locales update   # write locales/hamkori.pot; add new messages to every hamkori.po
    python -m locales check    # list messages without a translation and entries no longer used

Messages come from two places: the Python code (`_()`, `N_()`, `ngettext()`, `pgettext()`, found by
Babel's extractor) and the indicator catalogue `metrics/catalogue.toml` (each indicator's name,
definition and unit, each audience's title), which `metrics.catalogue` translates when it is read.
"""

from __future__ import annotations

import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract
from babel.messages.pofile import read_po, write_po

from locales import DIRECTORY, DOMAIN, LANGUAGES, catalogue_files

ROOT = DIRECTORY.parent
#: Where the code's messages live (tests, bench and migrations speak to developers, not users).
SOURCES = ("app.py", "pages", "metrics", "data_access", "locales", "briefing")
SKIP = ("data_access/migrations", "data_access/demo")
KEYWORDS = {"_": None, "gettext": None, "N_": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2)}
CATALOGUE = ROOT / "metrics" / "catalogue.toml"

#: (msgctxt or None, msgid), msgid being (singular, plural) for a plural message.
Message = tuple[str | None, str | tuple[str, str]]


def _python_files() -> Iterator[Path]:
    for source in SOURCES:
        path = ROOT / source
        files = [path] if path.is_file() else sorted(path.rglob("*.py"))
        for file in files:
            relative = file.relative_to(ROOT).as_posix()
            if not relative.startswith(SKIP):
                yield file


def code_messages() -> dict[Message, set[str]]:
    """Every message marked in the code -> the places (file:line) that use it."""
    found: dict[Message, set[str]] = {}
    for file in _python_files():
        relative = file.relative_to(ROOT).as_posix()
        with file.open("rb") as handle:
            for lineno, message, _comments, context in extract(
                    "python", handle, keywords=KEYWORDS, options={"encoding": "utf-8"}):
                key = (context or None, tuple(message) if isinstance(message, tuple) else message)
                found.setdefault(key, set()).add(f"{relative}:{lineno}")
    return found


def catalogue_messages() -> dict[Message, set[str]]:
    """The indicator catalogue's names, definitions and units, and the audiences' titles."""
    data = tomllib.loads(CATALOGUE.read_text(encoding="utf-8"))
    found: dict[Message, set[str]] = {}
    for indicator in data.get("indicator", []):
        for field in ("name", "definition", "unit"):
            if text := indicator.get(field):
                found.setdefault((None, text), set()).add(
                    f"metrics/catalogue.toml:{indicator['code']}.{field}")
    for code, audience in data.get("audiences", {}).items():
        found.setdefault((None, audience["title"]), set()).add(f"metrics/catalogue.toml:audiences.{code}")
    return found


def all_messages() -> dict[Message, set[str]]:
    merged = code_messages()
    for key, places in catalogue_messages().items():
        merged.setdefault(key, set()).update(places)
    return merged


def read_catalogue(code: str) -> dict[Message, str | tuple[str, ...]]:
    """One language's entries (all its .po files): message -> translation ('' when missing)."""
    entries: dict[Message, str | tuple[str, ...]] = {}
    for path in catalogue_files(code):
        with path.open("rb") as handle:
            catalogue = read_po(handle, locale=code)
        for entry in catalogue:
            if not entry.id:
                continue
            key = (entry.context or None,
                   tuple(entry.id) if isinstance(entry.id, list | tuple) else entry.id)
            entries[key] = "" if entry.fuzzy else entry.string
    return entries


def missing_and_unused() -> dict[str, tuple[list[Message], list[Message]]]:
    """Per language: messages the code uses without a translation, entries the code no longer uses."""
    used = all_messages()
    report = {}
    for code in LANGUAGES:
        entries = read_catalogue(code)
        missing = [m for m in used if not _translated(entries.get(m))]
        unused = [m for m in entries if m not in used]
        report[code] = (sorted(missing, key=str), sorted(unused, key=str))
    return report


def _translated(value) -> bool:
    if value is None:
        return False
    if isinstance(value, tuple | list):
        return all(value)
    return bool(value)


def template() -> Catalog:
    catalogue = Catalog(project="Hamkori", domain=DOMAIN, charset="utf-8")
    for key, places in sorted(all_messages().items(), key=lambda item: str(item[0])):
        locations = [(p.rsplit(":", 1)[0], _line(p)) for p in sorted(places)]
        context, message = key
        catalogue.add(message, context=context, locations=locations)
    return catalogue


def _line(place: str) -> int:
    tail = place.rsplit(":", 1)[-1]
    return int(tail) if tail.isdigit() else 0


def update() -> None:
    """Write the template and bring every language's hamkori.po up to date with it."""
    pot = template()
    with (DIRECTORY / f"{DOMAIN}.pot").open("wb") as handle:
        write_po(handle, pot, omit_header=False, width=100)
    for code in LANGUAGES:
        pot = template()  # a fresh one: `update` shares its messages, and English fills them in
        path = DIRECTORY / code / "LC_MESSAGES" / f"{DOMAIN}.po"
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            with path.open("rb") as handle:
                catalogue = read_po(handle, locale=code)
        else:
            catalogue = Catalog(locale=code, project="Hamkori", domain=DOMAIN, charset="utf-8")
        catalogue.update(pot, no_fuzzy_matching=True)
        catalogue.obsolete.clear()
        # A message kept in another of the language's files (e.g. review.po) stays there only.
        elsewhere = _entries_outside(code, path)
        for entry in list(catalogue):
            if entry.id and (entry.context or None, _id(entry)) in elsewhere:
                catalogue.delete(entry.id, context=entry.context)
        if code == "en":  # the source language: its entries start as the code's own words
            for entry in catalogue:
                if entry.id and isinstance(entry.id, list | tuple):
                    if not all(entry.string):
                        entry.string = tuple(entry.id)
                elif entry.id and not entry.string:
                    entry.string = entry.id
        catalogue.fuzzy = False
        with path.open("wb") as handle:
            write_po(handle, catalogue, width=100, include_previous=False)


def _id(entry):
    return tuple(entry.id) if isinstance(entry.id, list | tuple) else entry.id


def _entries_outside(code: str, keep: Path) -> set[Message]:
    found = set()
    for path in catalogue_files(code):
        if path != keep:
            with path.open("rb") as handle:
                found |= {(e.context or None, _id(e)) for e in read_po(handle, locale=code) if e.id}
    return found


def duplicates(code: str) -> list[Message]:
    """Messages that appear in more than one of a language's files."""
    seen: dict[Message, Path] = {}
    doubled = []
    for path in catalogue_files(code):
        with path.open("rb") as handle:
            for entry in read_po(handle, locale=code):
                key = (entry.context or None, _id(entry))
                if entry.id and key in seen:
                    doubled.append(key)
                seen.setdefault(key, path)
    return doubled


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "check"
    if command == "update":
        update()
        return 0
    failed = False
    for code, (missing, unused) in missing_and_unused().items():
        for context, message in missing:
            print(f"{code}: no translation: {message!r}" + (f" ({context})" if context else ""))
        for context, message in unused:
            print(f"{code}: not used by the code: {message!r}" + (f" ({context})" if context else ""))
        failed = failed or bool(missing or unused)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
