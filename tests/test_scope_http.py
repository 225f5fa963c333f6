"""Crafted requests of a provincial officer for what belongs to another province: the ETL runs and
rejected rows of `/data`, and the city view and downloads, which must answer an unknown code and
another province's code alike (no existence oracle)."""

from __future__ import annotations

import json

import pytest

from etl.load_tables import load_table
from tests.test_auth_http import app, callback_body, client, download_of, page_of, post_callback, sign_in  # noqa: F401


def write(path, text: str):
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def runs(app, db, tmp_path):  # noqa: F811
    """Two real loads of the cities table: one touching Tehran and Isfahan with a rejected row of each,
    one touching Isfahan only with a rejected row of Isfahan's. Gives their run ids."""
    both = write(
        tmp_path / "both.csv",
        "code,name_fa,name_en,province,lat,lon,population\n"
        "tehran,تهران,Tehran,IR-23,35.69,51.39,9000000\n"
        "shahreza,شهرضا,Shahreza,IR-10,32.01,51.86,160000\n"
        "rey-bad,ری‌رد,Rey,IR-23,35.6,51.4,-5\n"
        "najaf-bad,نجف‌رد,Najafabad,IR-10,32.6,51.3,-5\n",
    )
    isf = write(
        tmp_path / "isfahan-only.csv",
        "code,name_fa,name_en,province,lat,lon,population\n"
        "kashan,کاشان,Kashan,IR-10,33.98,51.43,300000\n"
        "nain-bad,نائین‌رد,Nain,IR-10,32.86,53.08,-5\n",
    )
    first = load_table(db, "cities", both, max_rejects=2)
    second = load_table(db, "cities", isf, max_rejects=1)
    assert first.rejected == 2 and second.rejected == 1
    return first.run_id, second.run_id


def answer(client, body) -> str:  # noqa: F811
    resp = post_callback(client, body)
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
    return json.dumps(resp.get_json(), ensure_ascii=False)


def rejects_of(client, run_id: int) -> str:  # noqa: F811
    return answer(
        client,
        callback_body(
            "data-rejects.children",
            [("data-runs", "cellClicked", {"rowIndex": 0, "colId": "file", "rowId": str(run_id)})],
            [("url", "search", "")],
        ),
    )


def test_data_view_shows_a_provincial_officer_its_own_runs_and_rejects_only(client, runs):  # noqa: F811
    both, isfahan_only = runs
    sign_in(client, "teh")
    page = page_of(client, "/data")
    assert "both.csv" in page  # it touched Tehran
    assert "isfahan-only.csv" not in page
    text = rejects_of(client, both)
    assert "rey-bad" in text  # Tehran's rejected row
    assert "najaf-bad" not in text  # Isfahan's, of the same run
    assert "nain-bad" not in rejects_of(client, isfahan_only)  # a run it cannot see, asked for by id


def test_data_view_shows_national_every_run_and_reject(client, runs):  # noqa: F811
    both, isfahan_only = runs
    sign_in(client, "view")
    page = page_of(client, "/data")
    assert "both.csv" in page and "isfahan-only.csv" in page
    text = rejects_of(client, both)
    assert "rey-bad" in text and "najaf-bad" in text
    assert "nain-bad" in rejects_of(client, isfahan_only)


def test_runs_and_rejects_as_regen_app_under_a_provincial_scope(db, runs):
    from tests.auth_seed import ISFAHAN, TEHRAN

    both, isfahan_only = runs
    as_tehran = db.query("SELECT id FROM etl_runs ORDER BY id", scope=TEHRAN)
    assert [r["id"] for r in as_tehran] == [both]
    assert [r["id"] for r in db.query("SELECT id FROM etl_runs ORDER BY id", scope=ISFAHAN)] == [
        both,
        isfahan_only,
    ]
    raw = db.query("SELECT name, raw FROM etl_rejects ORDER BY id", scope=TEHRAN)
    assert [r["name"] for r in raw] == ["rey-bad"]
    assert raw[0]["raw"]["province"] == "IR-23"
    assert [r["name"] for r in db.query("SELECT name FROM etl_rejects ORDER BY id", scope=ISFAHAN)] == [
        "najaf-bad",
        "nain-bad",
    ]


# -- no existence oracle --------------------------------------------------------------------------------
def _alike(text: str, code: str) -> str:
    return text.replace(code, "CODE")


def test_city_of_another_province_reads_like_an_unknown_city(client):  # noqa: F811
    sign_in(client, "teh")
    other, unknown = page_of(client, "/city/isfahan"), page_of(client, "/city/no-such-city")
    assert "اصفهان" not in other and "IR-10" not in other
    assert "شهری با کد «isfahan» وجود ندارد." in other  # in the page's language
    assert _alike(other, "isfahan") == _alike(unknown, "no-such-city")
    own = page_of(client, "/city/tehran")
    assert "نارمک" in own  # the same request for its own city answers (the test can tell)


@pytest.mark.parametrize(
    "path",
    ["/city/{}", "/actions?city={}"],
)
@pytest.mark.parametrize("fmt", ["csv", "xlsx", "geojson"])
def test_downloads_of_another_provinces_city_read_like_an_unknown_city(client, path, fmt):  # noqa: F811
    sign_in(client, "teh")

    def download(code: str) -> tuple[int, str]:
        pathname, _, search = path.format(code).partition("?")
        clicks = [(f"dl-{f}", "n_clicks", 1 if f == fmt else None) for f in ("csv", "xlsx", "geojson")]
        body = callback_body(
            "download.data",
            clicks,
            [("url", "pathname", pathname), ("url", "search", "?" + search if search else "")],
        )
        body["changedPropIds"] = [f"dl-{fmt}.n_clicks"]
        body["output"] = "..download.data...dl-msg.children.."
        body["outputs"] = [{"id": "download", "property": "data"}, {"id": "dl-msg", "property": "children"}]
        resp = post_callback(client, body)
        return resp.status_code, resp.get_data(as_text=True)

    other_status, other = download("isfahan")
    unknown_status, unknown = download("no-such-city")
    assert other_status == unknown_status
    assert "IR-10" not in other and "اصفهان" not in other and "Isfahan" not in other
    assert _alike(other, "isfahan") == _alike(unknown, "no-such-city"), (other[:300], unknown[:300])
