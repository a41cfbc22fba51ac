"""`hamkori` — the command line for everything that is not the dashboard.

    hamkori init [--demo [--seed N] [--scale N]]
    hamkori import DATASET FILE [--replace] [--user NAME]
    hamkori batches [--dataset DATASET]
    hamkori rollback BATCH
    hamkori datasets

The warehouse is `HAMKORI_WAREHOUSE_URL` (default: the SQLite file under data/). Exit status is
non-zero on any refusal, and the warehouse is then unchanged.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from sqlalchemy.exc import SQLAlchemyError

from data_access import config, importer, warehouse
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
    click.echo(f"importing {file.name} into {dataset} …", err=True)
    try:
        result = importer.import_file(engine, dataset, file, user=user or config.current_user(),
                                      replace=replace, progress=_progress)
    except importer.ImportRefused as exc:
        if report is not None and exc.problems is not None:
            exc.problems.write_csv(report)
            click.echo(f"all {exc.problems.height:,} problems written to {report}", err=True)
        _fail(exc.report(max_problems))
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
    try:
        result = importer.rollback(_engine(ctx), batch, user=user or config.current_user())
    except importer.ImportRefused as exc:
        _fail(str(exc))
    click.echo(result.message)


@main.command()
def datasets() -> None:
    """List the import templates and their columns (? = may be empty)."""
    for spec in ds.DATASETS.values():
        columns = ", ".join(c.name + ("" if c.required else "?") for c in spec.columns)
        click.echo(f"{spec.name}: {spec.title}\n    {columns}")


__all__ = ["main", "format_problems"]
