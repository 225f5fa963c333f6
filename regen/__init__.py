"""Regen Atlas: the core package (settings, database, migrations, Persian text and dates, CLI)."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SQL_DIR = ROOT / "sql"
DATA_DIR = ROOT / "data"
