"""The click group class of every `regen` command group (apart, so sub-command modules can import it)."""

import importlib

import click

from regen.errors import RegenError


class Group(click.Group):
    """A click group that turns RegenError into a one-line message instead of a traceback.

    `lazy` names sub-commands ("name": "module:attribute") imported only when they are used or listed
    for help: the exports' pandas and geopandas took 0.6 s of every `regen` command, `regen db url` too."""

    def __init__(self, *args, lazy: dict[str, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.lazy = dict(lazy or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in self.lazy and name not in self.commands:
            module, attribute = self.lazy[name].split(":")
            self.add_command(getattr(importlib.import_module(module), attribute), name)
        return super().get_command(ctx, name)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except RegenError as e:
            raise click.ClickException(str(e)) from e
