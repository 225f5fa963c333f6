"""Runs the dashboard: gunicorn with N workers, or Flask's development server with --debug."""

from __future__ import annotations

from gunicorn.app.base import BaseApplication


class _Gunicorn(BaseApplication):
    def __init__(self, options: dict):
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        from dashboard.app import create_app

        return create_app().server


def serve(host: str, port: int, debug: bool = False, workers: int = 2) -> None:
    """Serves until interrupted."""
    if debug:
        from dashboard.app import create_app

        create_app().run(host=host, port=port, debug=True, dev_tools_disable_version_check=True)
        return
    from dashboard import wire

    wire.warm()  # static files in brotli at its best level, once per machine and version: no visitor waits
    _Gunicorn({"bind": f"{host}:{port}", "workers": workers, "timeout": 60, "accesslog": None}).run()
