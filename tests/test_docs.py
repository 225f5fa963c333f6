"""The docs document every setting, the README leads to them, and the compose file stays consistent."""

import re
from pathlib import Path

from regen.settings import Settings

ROOT = Path(__file__).resolve().parent.parent


def test_every_setting_is_documented():
    docs = (ROOT / "docs" / "database.md").read_text()
    for env, help_text in Settings.documented():
        assert f"| `{env}` | {help_text} |" in docs, (
            f"{env} is not documented as declared in docs/database.md"
        )


def test_the_readme_is_a_front_door_to_docs_that_exist():
    readme = (ROOT / "README.md").read_text()
    assert len(readme.splitlines()) <= 300
    linked = re.findall(r"\]\((docs/[\w.-]+\.md)\)", readme)
    assert linked and all((ROOT / p).exists() for p in linked), linked
    assert {p.name for p in (ROOT / "docs").glob("*.md")} == {p.split("/")[1] for p in linked}
    for doc in (ROOT / "docs").glob("*.md"):  # links between the docs land on a file that exists
        for target in re.findall(r"\]\(([\w./-]+?\.md)(?:#[\w-]+)?\)", doc.read_text()):
            assert (doc.parent / target).exists(), (doc.name, target)


def test_compose_wires_database_url_and_port():
    compose = (ROOT / "docker-compose.yml").read_text()
    assert "DATABASE_URL: postgresql://" in compose
    assert "postgis/postgis:" in compose and ":latest" not in compose
    assert "8050:8050" in compose
    assert "regen db migrate" in compose
    assert "REGEN_HOST: 0.0.0.0" in compose


def test_readme_puts_the_two_commands_first():
    readme = (ROOT / "README.md").read_text()
    assert readme.index("make run") < readme.index("DATABASE_URL") < readme.index("docker compose")
