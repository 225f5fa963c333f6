"""`regen` imports a command's libraries only when that command runs: pandas and geopandas (the
exports') cost 0.6 s, which `regen db url` or `regen settings` should not pay."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("pandas", "geopandas", "pyogrio", "dash")


def _imported_by(*args: str) -> set[str]:
    code = (
        "import sys\n"
        "from regen.cli import cli\n"
        f"try:\n    cli.main({list(args)!r}, prog_name='regen')\n"
        "except SystemExit:\n    pass\n"
        f"print(' '.join(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(out.stdout.split("\n")[-2].split())


def test_light_commands_leave_the_etl_libraries_alone():
    assert _imported_by("settings") == set()
    assert _imported_by("db", "--help") == set()
    assert _imported_by("users", "--help") == set()


def test_commands_that_need_them_still_find_them():
    assert {"pandas", "geopandas"} <= _imported_by("export", "offices", "--help")
    assert {"pandas", "geopandas"} <= _imported_by("--help")  # the list of commands loads every group
