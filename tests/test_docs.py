"""The README documents every setting, and the compose file stays consistent with the code."""

from pathlib import Path

from regen.settings import Settings

ROOT = Path(__file__).resolve().parent.parent


def test_every_setting_is_documented():
    readme = (ROOT / "README.md").read_text()
    for env, help_text in Settings.documented():
        assert f"| `{env}` | {help_text} |" in readme, f"{env} is not documented as declared in README.md"


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
