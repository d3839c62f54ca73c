"""MovieLens-100K, obtained from the `recbole==1.2.1` wheel on PyPI and converted into foryou events.

The wheel is downloaded with pip (never installed) into a temporary directory; the four atomic files
of `recbole/dataset_example/ml-100k/` are extracted into `<home>/ml-100k/` after the md5 of
`ml-100k.inter` is checked. `load_ratings` returns the raw (user, item, rating, timestamp) arrays in
file order for the evaluation protocol; `ml100k_events` maps the data onto the event schema:

- each movie → a PostCreated by a per-genre "studio" author (author id 1 000 000 + first genre index),
  created one second before its first rating, text "Title (year) Genre Genre";
- each user → a UserProfileChanged `ml_user_<id>`, created one second before their first rating;
- each rating r at time t → an IMPRESSION at t on HOME_FOR_YOU with dwell_ms = 1000·r (request id
  `ml100k-<user>-<t>`), plus FAVORITE at t when r ≥ 4 and NOT_INTERESTED at t when r ≤ 2.

Times are shifted by a constant `TIME_SHIFT_MS` (8 400 days, 1997 → 2020) because snowflake ids cannot
encode times before 2010; the order of ratings is unchanged.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from foryou._proto.foryou.events.v1 import events_pb2 as pb
from foryou.core.actions import EventAction, ProductSurface
from foryou.core.errors import CorruptDataError, UnavailableError
from foryou.core.snowflake import make_snowflake
from foryou.events import engagement, post_created, user_profile

RECBOLE_REQUIREMENT = "recbole==1.2.1"
WHEEL_PREFIX = "recbole/dataset_example/ml-100k/"
FILES = ("ml-100k.inter", "ml-100k.item", "ml-100k.user")
INTER_MD5 = "a8a8c3f165aedc53f63b5dc0a0463b14"
EXPECTED = {"ratings": 100_000, "users": 943, "items": 1682}
TIME_SHIFT_MS = 8400 * 86_400_000
STUDIO_AUTHOR_BASE = 1_000_000
PRODUCER = "ml100k-converter"
ML_WORKER = 2  # snowflake worker id of converted movies
_PIP_TIMEOUT_S = 300


def default_home(environ: Mapping[str, str]) -> Path:
    """`$FORYOU_HOME`, else `~/.cache/foryou` (the caller passes the environment in)."""
    home = environ.get("FORYOU_HOME")
    return Path(home) if home else Path.home() / ".cache" / "foryou"


def md5_of(path: Path) -> str:
    digest = hashlib.md5()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def check_md5(path: Path, expected: str = INTER_MD5) -> None:
    actual = md5_of(path)
    if actual != expected:
        raise CorruptDataError(f"{path}: md5 {actual} does not match the expected {expected}")


def download_wheel(dest: Path) -> Path:
    """`pip download --no-deps recbole==1.2.1` into `dest`; UnavailableError when PyPI is unreachable."""
    cmd = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--no-deps",
        "--only-binary",
        ":all:",
        "--disable-pip-version-check",
        "-q",
        RECBOLE_REQUIREMENT,
        "-d",
        str(dest),
    ]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=_PIP_TIMEOUT_S, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise UnavailableError(f"could not run pip to download {RECBOLE_REQUIREMENT}: {exc}") from exc
    wheels = sorted(dest.glob("recbole-*.whl"))
    if proc.returncode != 0 or not wheels:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
        raise UnavailableError(
            f"could not download {RECBOLE_REQUIREMENT} from PyPI (offline or no index reachable?): " + " | ".join(tail)
        )
    return wheels[0]


def extract_wheel(wheel: Path, target: Path) -> Path:
    """Extract the ML-100K files of `wheel` into `target` after checking the ratings file's md5."""
    staging = Path(tempfile.mkdtemp(prefix=".ml-100k-", dir=target.parent))
    try:
        with zipfile.ZipFile(wheel) as zf:
            for name in FILES:
                try:
                    data = zf.read(WHEEL_PREFIX + name)
                except KeyError:
                    raise CorruptDataError(f"{wheel}: {WHEEL_PREFIX + name} is missing") from None
                (staging / name).write_bytes(data)
        check_md5(staging / "ml-100k.inter")
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def fetch_ml100k(home: Path, *, wheel: Path | None = None) -> Path:
    """The dataset directory under `home`, downloading and extracting it on first use."""
    target = home / "ml-100k"
    inter = target / "ml-100k.inter"
    if inter.exists() and all((target / f).exists() for f in FILES) and md5_of(inter) == INTER_MD5:
        return target
    home.mkdir(parents=True, exist_ok=True)
    if wheel is not None:
        return extract_wheel(wheel, target)
    with tempfile.TemporaryDirectory(prefix="foryou-recbole-") as tmp:
        return extract_wheel(download_wheel(Path(tmp)), target)


@dataclass(frozen=True)
class Ratings:
    """Raw ratings in file order."""

    user: np.ndarray  # int64 MovieLens user id
    item: np.ndarray  # int64 MovieLens item id
    rating: np.ndarray  # float32
    timestamp: np.ndarray  # int64 Unix seconds

    def summary(self) -> dict[str, int]:
        return {
            "ratings": len(self.user),
            "users": len(np.unique(self.user)),
            "items": len(np.unique(self.item)),
        }


def load_ratings(path: Path, *, expected_md5: str | None = INTER_MD5) -> Ratings:
    """Parse `ml-100k.inter` (or a directory holding it), refusing a file whose md5 differs."""
    if path.is_dir():
        path = path / "ml-100k.inter"
    if expected_md5 is not None:
        check_md5(path, expected_md5)
    with path.open() as f:
        header = f.readline().rstrip("\n").split("\t")
        if header[:4] != ["user_id:token", "item_id:token", "rating:float", "timestamp:float"]:
            raise CorruptDataError(f"{path}: offset 0: unexpected header {header}")
        try:
            data = np.loadtxt(f, delimiter="\t", dtype=np.float64, ndmin=2)
        except ValueError as exc:
            raise CorruptDataError(f"{path}: malformed ratings ({exc})") from exc
    return Ratings(
        user=data[:, 0].astype(np.int64),
        item=data[:, 1].astype(np.int64),
        rating=data[:, 2].astype(np.float32),
        timestamp=data[:, 3].astype(np.int64),
    )


@dataclass(frozen=True)
class Movie:
    item_id: int
    title: str
    year: str
    genres: tuple[str, ...]


def load_items(path: Path) -> dict[int, Movie]:
    if path.is_dir():
        path = path / "ml-100k.item"
    movies: dict[int, Movie] = {}
    with path.open(encoding="utf-8") as f:
        f.readline()
        for line in f:
            parts = line.rstrip("\n").split("\t")
            parts += [""] * (4 - len(parts))
            movies[int(parts[0])] = Movie(int(parts[0]), parts[1], parts[2], tuple(parts[3].split()))
    return movies


def genre_index(movies: Mapping[int, Movie]) -> dict[str, int]:
    """Genres numbered in sorted order (the studio author of a movie is its first genre)."""
    return {g: i + 1 for i, g in enumerate(sorted({g for m in movies.values() for g in m.genres}))}


def movie_post_id(item_id: int, created_ms: int) -> int:
    return make_snowflake(created_ms, worker=ML_WORKER + (item_id >> 12), sequence=item_id & 0xFFF)


def ml100k_events(ratings: Ratings, movies: Mapping[int, Movie]) -> Iterator[pb.Event]:
    """The dataset as a time-ordered event stream (see the module docstring for the mapping)."""
    genres = genre_index(movies)
    t_ms = ratings.timestamp * 1000 + TIME_SHIFT_MS
    order = np.argsort(t_ms, kind="stable")
    first_item: dict[int, int] = {}
    first_user: dict[int, int] = {}
    for i in order.tolist():
        first_item.setdefault(int(ratings.item[i]), int(t_ms[i]))
        first_user.setdefault(int(ratings.user[i]), int(t_ms[i]))
    post_ids: dict[int, int] = {}
    authors: dict[int, int] = {}
    pending: list[tuple[int, int, pb.Event]] = []
    for item, t in first_item.items():
        m = movies.get(item, Movie(item, f"movie {item}", "", ()))
        post_ids[item] = movie_post_id(item, t - 1000)
        authors[item] = STUDIO_AUTHOR_BASE + (genres[m.genres[0]] if m.genres else 0)
        text = " ".join(x for x in (m.title, f"({m.year})" if m.year else "", *m.genres) if x)
        pending.append(
            (t - 1000, 1, post_created(post_id=post_ids[item], author_id=authors[item], text=text, producer=PRODUCER))
        )
    for user, t in first_user.items():
        pending.append(
            (
                t - 1000,
                0,
                user_profile(user_id=user, screen_name=f"ml_user_{user}", created_at_ms=t - 1000, producer=PRODUCER),
            )
        )
    pending.sort(key=lambda x: (x[0], x[1], x[2].event_id))
    ratings_iter = iter(order.tolist())
    nxt = next(ratings_iter, None)
    for when, _, event in pending:
        while nxt is not None and t_ms[nxt] < when:
            yield from _rating_events(ratings, nxt, int(t_ms[nxt]), post_ids, authors)
            nxt = next(ratings_iter, None)
        yield event
    while nxt is not None:
        yield from _rating_events(ratings, nxt, int(t_ms[nxt]), post_ids, authors)
        nxt = next(ratings_iter, None)


def _rating_events(
    r: Ratings, i: int, t: int, post_ids: Mapping[int, int], authors: Mapping[int, int]
) -> Iterator[pb.Event]:
    user, item, rating = int(r.user[i]), int(r.item[i]), float(r.rating[i])

    def make(action: EventAction, engaged_ms: int, dwell_ms: int) -> pb.Event:
        return engagement(
            user_id=user,
            post_id=post_ids[item],
            author_id=authors[item],
            action=action,
            product_surface=ProductSurface.HOME_FOR_YOU,
            impression_time_ms=t,
            engaged_time_ms=engaged_ms,
            dwell_ms=dwell_ms,
            request_id=f"ml100k-{user}-{t}",
            producer=PRODUCER,
        )

    yield make(EventAction.IMPRESSION, 0, int(1000 * rating))
    if rating >= 4:
        yield make(EventAction.FAVORITE, t, 0)
    elif rating <= 2:
        yield make(EventAction.NOT_INTERESTED, t, 0)
