"""The brief's words: dashboard/i18n.py holds them (keys "b_…"), like every word of the dashboard."""

from __future__ import annotations

from dashboard.i18n import t


def w(key: str, lang: str) -> str:
    """Gives the brief's word for `key` in `lang`."""
    return t(f"b_{key}", lang)
