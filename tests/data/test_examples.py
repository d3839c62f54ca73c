"""Training examples: slates, history without leakage, labels in the window, retrieval pairs, splits."""

from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest

from foryou.core import Action, EventAction, ProductSurface, make_snowflake
from foryou.data.examples import ExampleConfig, build_examples, label_matrix
from foryou.events import RawAction, UasConfig, aggregate, engagement, pb, post_created, raw_actions, read_event_dir
from foryou.params import Params
from foryou.world import EVENTS_DIR, WorldConfig, generate_world

T0 = 1_768_910_400_000
P1, P2 = make_snowflake(T0), make_snowflake(T0 + 1)
REPOST = make_snowflake(T0 + 2)


def _eng(user: int, post: int, action: EventAction, t: int, *, req: str = "", dwell: int = 0) -> pb.Event:
    imp = action == EventAction.IMPRESSION
    return engagement(
        user_id=user,
        post_id=post,
        author_id=9,
        action=action,
        impression_time_ms=t,
        engaged_time_ms=0 if imp else t,
        dwell_ms=dwell,
        request_id=req,
        product_surface=ProductSurface.HOME_FOR_YOU,
    )


def _stream() -> list[pb.Event]:
    h = 3_600_000
    return [
        post_created(post_id=P1, author_id=9),
        post_created(post_id=P2, author_id=9),
        post_created(post_id=REPOST, author_id=8, repost_of_post_id=P2, repost_of_user_id=9),
        _eng(5, P1, EventAction.IMPRESSION, T0 + h, req="r1", dwell=3000),
        _eng(5, REPOST, EventAction.IMPRESSION, T0 + h + 10, req="r1", dwell=100),
        _eng(5, P1, EventAction.FAVORITE, T0 + h + 20),
        _eng(5, REPOST, EventAction.REPLY, T0 + 30 * h),  # outside the 24 h label window
        _eng(5, P2, EventAction.IMPRESSION, T0 + 40 * h, req="r2"),
        _eng(5, P2, EventAction.CLICK, T0 + 40 * h),  # at the impression time: a label, not history
    ]


def _read(directory: Path) -> list[dict]:  # type: ignore[type-arg]
    files = sorted(directory.glob("*.parquet"))
    return [row for f in files for row in pq.read_table(f).to_pylist()]


def test_slates_history_labels_and_reattribution(tmp_path: Path) -> None:
    counts = build_examples(_stream(), tmp_path, ExampleConfig())
    assert counts.ranking == {"train": 1, "validation": 0, "test": 1}
    rows = _read(tmp_path / "ranking")
    first, second = sorted(rows, key=lambda r: r["time_ms"])
    assert first["request_id"] == "r1" and first["history_post_ids"] == []
    assert first["candidate_post_ids"] == [P1, P2]  # the repost scored as its original
    assert first["candidate_served_ids"] == [P1, REPOST]
    assert first["candidate_author_ids"] == [9, 9]
    fav, dwell, reply = 1 << Action.FAVORITE, 1 << Action.DWELL, 1 << Action.REPLY
    assert first["labels"] == [fav | dwell, 0]  # the reply came after the 24 h window
    assert first["dwell_s"] == pytest.approx([3.0, 0.1])
    # The second slate sees everything strictly before it: P1 {favourite, dwell}, P2 {reply}.
    assert second["history_post_ids"] == [P1, P2]
    assert second["history_actions"] == [fav | dwell, reply]
    assert second["labels"] == [1 << Action.CLICK]
    retrieval = _read(tmp_path / "retrieval")
    assert [(r["post_id"], r["history_post_ids"]) for r in retrieval] == [(P1, [])]


def test_label_matrix() -> None:
    m = label_matrix([0b101, 1 << 17])
    assert m.shape == (2, 18) and m[0].tolist()[:3] == [1, 0, 1] and m[1, 17] == 1


def test_config_from_params() -> None:
    cfg = ExampleConfig.from_params(Params())
    assert cfg.uas.max_sequence_length == 128 and cfg.candidate_len == 32
    assert cfg.label_window_ms == 86_400_000 and cfg.positive_bits == 1 << Action.FAVORITE


@pytest.fixture(scope="module")
def world_examples(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    world = tmp_path_factory.mktemp("w")
    generate_world(WorldConfig(users=300, days=2, seed=3), world, progress=False)
    out = tmp_path_factory.mktemp("ex")
    build_examples(read_event_dir(world / EVENTS_DIR), out, ExampleConfig(shard_rows=500))
    return world, out


def test_world_examples_have_no_future_leakage(world_examples: tuple[Path, Path]) -> None:
    world, out = world_examples
    per_user: dict[int, list[RawAction]] = {}
    originals: dict[int, tuple[int, int]] = {}
    for e in read_event_dir(world / EVENTS_DIR):
        if e.HasField("post_created") and e.post_created.repost_of_post_id:
            originals[e.post_created.post_id] = (e.post_created.repost_of_post_id, e.post_created.repost_of_user_id)
        user, acts = raw_actions(e)
        for a in acts:
            post, author = originals.get(a.post_id, (a.post_id, a.author_id))
            per_user.setdefault(user, []).append(
                RawAction(post, author, a.action, a.product_surface, engaged_time_ms=a.time_ms, dwell_ms=a.dwell_ms)
            )
    rows = _read(out / "ranking")
    assert len(rows) > 100
    uas = UasConfig(max_sequence_length=128)
    for row in rows[::7]:
        before = [a for a in per_user[row["user_id"]] if a.time_ms < row["time_ms"]]
        expected = aggregate(row["user_id"], before, config=uas).actions
        assert row["history_post_ids"] == [a.post_id for a in expected]
        assert row["history_actions"] == [a.bits for a in expected]
        assert min(row["candidate_times_ms"]) >= row["time_ms"]
        assert 1 <= len(row["candidate_post_ids"]) <= 32


def test_world_examples_are_split_by_time(world_examples: tuple[Path, Path]) -> None:
    _, out = world_examples
    spans = {}
    for split in ("train", "validation", "test"):
        times = [
            r["time_ms"]
            for f in sorted((out / "ranking").glob(f"{split}-*.parquet"))
            for r in pq.read_table(f, columns=["time_ms"]).to_pylist()
        ]
        assert times, split
        spans[split] = (min(times), max(times))
    assert spans["train"][1] < spans["validation"][0] and spans["validation"][1] < spans["test"][0]
    labels = np.concatenate([label_matrix(b) for r in _read(out / "ranking") for b in [r["labels"]]])
    assert labels[:, Action.FAVORITE].mean() > 0.02  # the world yields positives to learn from
    assert len(_read(out / "retrieval")) > 0
