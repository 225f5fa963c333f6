"""The click group class of every `regen` command group (apart, so sub-command modules can import it)."""

import click

from regen.errors import RegenError


class Group(click.Group):
    """A click group that turns RegenError into a one-line message instead of a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except RegenError as e:
            raise click.ClickException(str(e)) from e
