"""What every `regen load …` command shares: the options of its run (--dry-run, --max-rejects, --json)
and how it prints the run's report."""

from __future__ import annotations

import json
from collections.abc import Callable

import click

from etl.runs import RunReport


def run_options(command: Callable) -> Callable:
    """Adds --dry-run, --max-rejects and --json to a loader's command."""
    for option in reversed(
        (
            click.option("--dry-run", is_flag=True, help="Do everything but commit; print the same report."),
            click.option(
                "--max-rejects",
                type=click.IntRange(min=0),
                default=0,
                show_default=True,
                help="Rejected rows or features allowed (and left out) before the whole run is abandoned.",
            ),
            click.option("--json", "as_json", is_flag=True, help="Print the run report as one JSON object."),
        )
    ):
        command = option(command)
    return command


def echo_report(report: RunReport, as_json: bool) -> None:
    """Prints the run's report: its summary, or one JSON object with --json."""
    if as_json:
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False, default=str))
    else:
        click.echo(report.summary())
