"""`hamkori` — the command line for everything that is not the dashboard.

    hamkori init [--demo [--seed N] [--scale N]]
    hamkori import DATASET FILE [--replace] [--user NAME]
    hamkori batches [--dataset DATASET]
    hamkori rollback BATCH
    hamkori datasets
    hamkori report [--period P] [--as-of DATE] [--by DIM[,DIM]] [--audience ROLE] [--country ISO3]
                   [--region CODE] [--indicator CODE[,CODE]] [--format json|csv] [--lang en|ru|tg]
    hamkori docs [--check]
    hamkori workplan export FILE.xlsx | hamkori workplan import FILE.xlsx [--replace]
    hamkori brief --out FILE [--format pptx|pdf] [--audience ROLE] [--period YEAR] [--lang en|ru|tg]
                  [--region CODE] [--user NAME]
    hamkori check

Imports, rollbacks, workplan exports/imports and briefing decks are written to the audit log
(mode `cli`).

The warehouse is `HAMKORI_WAREHOUSE_URL` (default: the SQLite file under data/). Exit status is
non-zero on any refusal, and the warehouse is then unchanged.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from sqlalchemy.exc import SQLAlchemyError

from data_access import audit, auth, config, importer, warehouse
from data_access import datasets as ds
from data_access.engine import make_engine, safe_url
from data_access.validation import format_problems

EXIT_REFUSED = 1
EXIT_UNAVAILABLE = 2


def _engine(ctx: click.Context, *, must_exist: bool = True):
    url = ctx.obj["url"]
    try:
        engine = make_engine(url)
        if must_exist and not warehouse.is_initialised(engine):
            _fail(f"the warehouse at {safe_url(url)} is not initialised: run `hamkori init` first",
                  EXIT_UNAVAILABLE)
        return engine
    except SQLAlchemyError as exc:
        _fail(f"cannot open the warehouse at {safe_url(url)}: {exc.__class__.__name__}: "
              f"{str(exc).splitlines()[0]}", EXIT_UNAVAILABLE)


def _fail(message: str, code: int = EXIT_REFUSED):
    click.echo(f"hamkori: {message}", err=True)
    sys.exit(code)


def _actor(user: str | None) -> audit.Actor:
    """Who acts on the command line, for the import log and the audit log (no audience)."""
    return audit.Actor(user or config.current_user(), None, "cli")


def _progress(stage: str, done: int, total: int) -> None:
    if stage == "validated":
        click.echo(f"  validated {done:,} rows", err=True)
    elif total > importer.WRITE_CHUNK:
        click.echo(f"  written {done:,} / {total:,} rows", err=True)


@click.group()
@click.option("--warehouse", "url", envvar="HAMKORI_WAREHOUSE_URL", default=None,
              help="SQLAlchemy URL of the warehouse (default: data/hamkori.sqlite).")
@click.pass_context
def main(ctx: click.Context, url: str | None) -> None:
    """Hamkori: the joint UNHCR–UNICEF reporting warehouse for Tajikistan."""
    ctx.obj = {"url": url or config.warehouse_url()}


@main.command()
@click.option("--demo", is_flag=True, help="Also load the deterministic demo warehouse.")
@click.option("--seed", default=1, show_default=True, help="Seed of the demo data.")
@click.option("--scale", type=int, default=None, help="Rows per large table (benchmarks).")
@click.pass_context
def init(ctx: click.Context, demo: bool, seed: int, scale: int | None) -> None:
    """Create or upgrade the warehouse schema; with --demo, load the demo data."""
    engine = _engine(ctx, must_exist=False)
    try:
        warehouse.upgrade(engine)
    except SQLAlchemyError as exc:
        _fail(f"could not create the schema: {str(exc).splitlines()[0]}", EXIT_UNAVAILABLE)
    click.echo(f"warehouse ready at {safe_url(ctx.obj['url'])}")
    if demo:
        from data_access import demo as demo_data

        try:
            results = demo_data.load_demo(engine, seed=seed, scale=scale, progress=_progress)
        except importer.ImportRefused as exc:
            _fail(f"demo data not loaded: {exc.report(20)}")
        for result in results:
            click.echo(f"  {result.dataset}: {result.message}")


@main.command("import")
@click.argument("dataset", type=click.Choice(sorted(ds.DATASETS)), metavar="DATASET")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--replace", is_flag=True,
              help="Replace rows already in the warehouse for the same periods/keys.")
@click.option("--user", default=None, help="Who is importing (default: $HAMKORI_USER or login).")
@click.option("--max-problems", default=200, show_default=True,
              help="How many problems to print (all are counted).")
@click.option("--report", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write every problem to this CSV (row, column, value, reason) for the partner.")
@click.pass_context
def import_(ctx: click.Context, dataset: str, file: Path, replace: bool, user: str | None,
            max_problems: int, report: Path | None) -> None:
    """Validate FILE whole and import it into DATASET in one transaction."""
    engine = _engine(ctx)
    actor = _actor(user)
    click.echo(f"importing {file.name} into {dataset} …", err=True)
    try:
        result = importer.import_file(engine, dataset, file, user=actor.user,
                                      replace=replace, progress=_progress)
    except importer.ImportRefused as exc:
        audit.record_safely(engine, actor, "import_refused", dataset,
                            f"{file.name}: {str(exc).splitlines()[0]}")
        if report is not None and exc.problems is not None:
            from data_access import uploads

            report.write_bytes(uploads.problem_report(exc.problems))  # formulas neutralised
            click.echo(f"all {exc.problems.height:,} problems written to {report}", err=True)
        _fail(exc.report(max_problems))
    if result.status == "imported":
        audit.record_safely(engine, actor, "import", dataset,
                            f"batch {result.batch_id}: {file.name}, {result.rows:,} rows")
    click.echo(result.message)


@main.command()
@click.option("--dataset", default=None, help="Only batches of this dataset.")
@click.pass_context
def batches(ctx: click.Context, dataset: str | None) -> None:
    """List import batches (the import log)."""
    frame = importer.list_batches(_engine(ctx), dataset)
    if frame.height == 0:
        click.echo("no imports yet")
        return
    click.echo(f"{'batch':>5}  {'dataset':<26} {'status':<11} {'rows':>9}  {'imported':<16}  "
               f"{'user':<12} file / sha256")
    for row in frame.iter_rows(named=True):
        click.echo(
            f"{row['id']:>5}  {row['dataset']:<26} {row['status']:<11} {row['rows']:>9,}  "
            f"{row['imported_at']:%Y-%m-%d %H:%M}  {row['user_name'][:12]:<12} "
            f"{row['file_name']} {row['sha256'][:12]}"
        )


@main.command()
@click.argument("batch", type=int)
@click.option("--user", default=None, help="Who is rolling back (default: $HAMKORI_USER or login).")
@click.pass_context
def rollback(ctx: click.Context, batch: int, user: str | None) -> None:
    """Remove import BATCH exactly (the rows it replaced come back)."""
    engine = _engine(ctx)
    actor = _actor(user)
    try:
        result = importer.rollback(engine, batch, user=actor.user)
    except importer.ImportRefused as exc:
        _fail(str(exc))
    audit.record_safely(engine, actor, "rollback", result.dataset, result.message)
    click.echo(result.message)


@main.command()
@click.option("--period", default=None,
              help="2025 | 2025-Q3 | 2025-07 | 2024/25 (default: the last complete year).")
@click.option("--as-of", "as_of", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Read stocks and cut flows at this date (default: the period's last day).")
@click.option("--by", default="", help="Disaggregate by these dimensions, e.g. region,sex.")
@click.option("--audience", default="donor", show_default=True,
              help="Whose view: unhcr | unicef | donor | admin (disclosure control applies).")
@click.option("--country", default="TJK", show_default=True,
              help="Country of asylum of the official statistics (ISO3).")
@click.option("--region", default=None, help="Only this region (ISO 3166-2:TJ code).")
@click.option("--indicator", "indicators", default="",
              help="Only these indicator codes (default: all the audience may see).")
@click.option("--format", "fmt", type=click.Choice(["json", "csv"]), default="json",
              show_default=True)
@click.option("--no-compare", is_flag=True, help="Skip the previous-period comparisons.")
@click.option("--lang", "language", type=click.Choice(["en", "ru", "tg"]), default="en",
              show_default=True,
              help="Language of the names, display values and notes (values and codes stay).")
@click.pass_context
def report(ctx: click.Context, period: str | None, as_of, by: str, audience: str, country: str,
           region: str | None, indicators: str, fmt: str, no_compare: bool,
           language: str) -> None:
    """Print every indicator for a period, as AUDIENCE may see it."""
    from datetime import date

    import locales
    from data_access import indicators as ind
    from metrics import engine
    from metrics import report as rpt
    from metrics.periods import Period, PeriodError

    try:
        chosen = Period.parse(period) if period else Period.parse(str(date.today().year - 1))
    except PeriodError as exc:
        _fail(str(exc))
    dims = tuple(d.strip() for d in by.split(",") if d.strip())
    codes = [c.strip() for c in indicators.split(",") if c.strip()] or None
    if region:
        from data_access.reference import REGIONS

        region = region.strip().upper()
        if region not in REGIONS:
            _fail(f"unknown region {region!r}; one of {', '.join(REGIONS)}")
    filters = {"region": (region,)} if region else {}
    try:
        request = engine.Request(chosen, audience, as_of=as_of.date() if as_of else None, by=dims,
                                 filters=filters, country=country.upper(),
                                 thresholds=config.disclosure_thresholds(),
                                 compare=not no_compare)
        with _engine(ctx).connect() as connection, locales.using(language):
            results = ind.compute(connection, request, codes)
    except (engine.RequestError, KeyError, ValueError) as exc:
        _fail(str(exc).strip('"'))
    except SQLAlchemyError as exc:
        _fail(f"cannot read the warehouse: {str(exc).splitlines()[0]}", EXIT_UNAVAILABLE)
    shaped = rpt.shape(results, dims)
    click.echo(rpt.to_json(shaped) if fmt == "json" else rpt.to_csv(shaped), nl=fmt == "json")


@main.command()
@click.option("--check", is_flag=True, help="Fail if docs/indicators.md is out of date.")
def docs(check: bool) -> None:
    """Write the indicator reference (docs/indicators.md) from the catalogue."""
    from metrics.docs import render

    target = config.PROJECT_ROOT / "docs" / "indicators.md"
    text = render()
    if check:
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            _fail(f"{target} is out of date: run `hamkori docs`")
        click.echo(f"{target} is up to date")
        return
    target.parent.mkdir(exist_ok=True)
    target.write_text(text, encoding="utf-8")
    click.echo(f"wrote {target}")


@main.group()
def workplan() -> None:
    """The Joint Plan of Action as the XLSX workplan (sheets `activities` and `updates`)."""


@workplan.command("export")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def workplan_export(ctx: click.Context, file: Path) -> None:
    """Write the current plan and its updates to FILE (.xlsx)."""
    from data_access import plan

    engine = _engine(ctx.parent)
    with engine.connect() as connection:
        file.write_bytes(plan.export_workplan(connection))
    audit.record_safely(engine, _actor(None), "export", "workplan", f"wrote {file.name}")
    click.echo(f"wrote {file}")


@workplan.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--replace", is_flag=True, help="Replace activities and updates already there.")
@click.option("--user", default=None, help="Who is importing (default: $HAMKORI_USER or login).")
@click.pass_context
def workplan_import(ctx: click.Context, file: Path, replace: bool, user: str | None) -> None:
    """Import both sheets of FILE in one transaction (all or nothing)."""
    from data_access import plan

    engine = _engine(ctx.parent)
    actor = _actor(user)
    try:
        results = plan.import_workplan(engine, file, user=actor.user, replace=replace)
    except importer.ImportRefused as exc:
        _fail(exc.report(200))
    for result in results:
        if result.status == "imported":
            audit.record_safely(engine, actor, "import", result.dataset,
                                f"batch {result.batch_id}: {file.name}, {result.rows:,} rows")
        click.echo(result.message)


@main.command()
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The file to write (.pptx or .pdf).")
@click.option("--format", "fmt", type=click.Choice(["pptx", "pdf"]), default=None,
              help="pptx | pdf (default: from the suffix of --out).")
@click.option("--audience", default="donor", show_default=True,
              help="Whose view: donor | unicef | unhcr | admin (disclosure control applies).")
@click.option("--period", default=None,
              help="The reporting year, e.g. 2025 (default: the last complete year).")
@click.option("--lang", "language", type=click.Choice(["en", "ru", "tg"]), default="en",
              show_default=True, help="Language of the deck.")
@click.option("--region", default=None, help="Only this region (ISO 3166-2:TJ code).")
@click.option("--user", default=None, help="Who is exporting (default: $HAMKORI_USER or login).")
@click.pass_context
def brief(ctx: click.Context, out: Path, fmt: str | None, audience: str, period: str | None,
          language: str, region: str | None, user: str | None) -> None:
    """Write the briefing deck (PPTX or PDF) for AUDIENCE and a reporting year.

    The slides are the app's briefing, with the audience's disclosure control applied; the charts
    are drawn offline by the system Chromium. The export is written to the audit log."""
    import re
    import time
    from datetime import date

    fmt = fmt or out.suffix.lower().lstrip(".")
    if fmt not in ("pptx", "pdf"):
        _fail(f"cannot tell the format from {out.name!r}: give --format pptx or --format pdf")
    audience = audience.strip().lower()
    if audience not in auth.ROLES:
        _fail(f"unknown audience {audience!r}; one of {', '.join(auth.ROLES)}")
    text = (period or str(date.today().year - 1)).strip()
    if not re.fullmatch(r"\d{4}", text) or not 1990 <= int(text) <= date.today().year:
        _fail(f"a briefing covers a reporting year from 1990 to {date.today().year} "
              f"(--period 2025); not {text!r}")
    year = int(text)
    if region:
        from data_access.reference import REGIONS

        region = region.strip().upper()
        if region not in REGIONS:
            _fail(f"unknown region {region!r}; one of {', '.join(REGIONS)}")
    if not out.parent.is_dir():
        _fail(f"the folder {out.parent} does not exist")

    engine = _engine(ctx)
    # briefing sits above data_access (it reads the engine and draws the pages' charts).
    from briefing import content
    from briefing.images import ChartRenderError, render_deck
    from briefing.layout import FontMissing, fonts

    started = time.perf_counter()
    try:
        source = content.WarehouseSource(engine)  # reads HAMKORI_DISCLOSURE_THRESHOLDS
    except ValueError as exc:
        _fail(str(exc), EXIT_UNAVAILABLE)
    try:
        if not importer.list_batches(engine).height:
            _fail("the warehouse holds no data yet: import some (hamkori import …) or load the "
                  "demo (hamkori init --demo)")
        # The year's headline indicators (read once: the deck reuses the frames). Nothing but
        # zeros (e.g. no joint-plan activity running) is no figure either (the page's rule too).
        if not content.has_figures(content.year_values(source, audience, year, region)):
            _fail(f"the warehouse has no figures for {year}{f' in {region}' if region else ''}"
                  ": choose another --period")
        deck = content.build_deck(source, audience=audience, year=year, language=language,
                                  region=region)
    except SQLAlchemyError as exc:
        _fail(f"cannot read the warehouse: {str(exc).splitlines()[0]}", EXIT_UNAVAILABLE)
    try:
        fonts()
    except FontMissing as exc:
        _fail(f"the deck's text cannot be drawn: {exc}", EXIT_UNAVAILABLE)
    try:
        images = render_deck(deck)
    except ChartRenderError as exc:
        _fail(f"the charts could not be drawn: {exc}", EXIT_UNAVAILABLE)
    click.echo(f"  {images.summary()}", err=True)
    if fmt == "pptx":
        from briefing.pptx_deck import write_pptx as write
    else:
        from briefing.pdf_deck import write_pdf as write
    data = write(deck, images)
    partial = out.with_name(f".{out.name}.partial")
    try:
        partial.write_bytes(data)
        partial.replace(out)  # a deck is written whole or not at all
    except OSError as exc:
        partial.unlink(missing_ok=True)
        _fail(f"cannot write {out}: {exc.strerror or exc}")
    where = f", region {region}" if region else ""
    audit.record_safely(engine, audit.Actor(user or config.current_user(), audience, "cli"),
                        "export", f"briefing {year}",
                        f"wrote {out.name}: {fmt}, {len(deck.slides)} slides, {language}{where}")
    click.echo(f"wrote {out} ({fmt}, {len(deck.slides)} slides, {audience}, {year}, {language}"
               f"{where}) in {time.perf_counter() - started:.1f} s")


@main.command()
def check() -> None:
    """Check the sign-in settings; refuse (exit 2) demo mode outside development, test or demo
    environments, or beside a configured sign-in."""
    try:
        secrets = config.PROJECT_ROOT / ".streamlit" / "secrets.toml"
        current = auth.check(auth.settings(), auth.sign_in_in_file(secrets))
        role_map = auth.role_map_from_file(secrets)
    except auth.ConfigurationError as exc:
        _fail(str(exc), EXIT_UNAVAILABLE)
    if current.demo:
        click.echo("demo mode: an audience switch, no sign-in — NOT secured "
                   f"(environment {current.environment})")
    elif role_map.empty:
        click.echo("sign-in mode, but .streamlit/secrets.toml has no [roles] rule: everyone who "
                   "signs in will see 'no access'")
    else:
        click.echo(f"sign-in mode: {len(role_map.emails)} address, {len(role_map.groups)} "
                   f"group and {len(role_map.domains)} domain rule(s)")


@main.command()
def datasets() -> None:
    """List the import templates and their columns (? = may be empty)."""
    for spec in ds.DATASETS.values():
        columns = ", ".join(c.name + ("" if c.required else "?") for c in spec.columns)
        click.echo(f"{spec.name}: {spec.title}\n    {columns}")


__all__ = ["main", "format_problems"]
