"""Wire ↔ domain conversion for the For You API (protobuf and the HTTP JSON shape).

64-bit ids travel as strings in JSON (JavaScript numbers lose precision above 2^53), as in the
protobuf JSON mapping.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from foryou._proto.foryou.mixer.v1 import scored_posts_pb2 as pb
from foryou.core.errors import InvalidInputError
from foryou.core.predictions import as_plain
from foryou.home_mixer.bloom import BloomFilter
from foryou.home_mixer.candidate import PostCandidate, VisibilityAction
from foryou.home_mixer.explain import score_terms
from foryou.home_mixer.service import FeedRequest, FeedResponse
from foryou.params import Params


def request_from_proto(msg: pb.ScoredPostsRequest) -> FeedRequest:
    return FeedRequest(
        viewer_id=msg.viewer_id,
        client_app_id=msg.client_app_id,
        country_code=msg.country_code,
        language_code=msg.language_code,
        seen_ids=tuple(msg.seen_ids),
        served_ids=tuple(msg.served_ids),
        in_network_only=msg.in_network_only,
        is_bottom_request=msg.is_bottom_request,
        bloom_filters=tuple(
            _bloom(list(e.words), e.num_hashes, e.size_cap, e.false_positive_rate) for e in msg.bloom_filter_entries
        ),
        include_trace=msg.include_trace,
        scoring_overrides=dict(msg.scoring_overrides),
    )


def response_to_proto(resp: FeedResponse) -> pb.ScoredPostsResponse:
    return pb.ScoredPostsResponse(
        request_id=resp.request_id,
        degraded=resp.degraded,
        degraded_reasons=resp.degraded_reasons,
        trace=resp.trace.to_json() if resp.include_trace else "",
        scored_posts=[_post_proto(c) for c in resp.posts],
    )


def _post_proto(c: PostCandidate) -> pb.ScoredPost:
    post = pb.ScoredPost(
        tweet_id=c.tweet_id,
        author_id=c.author_id,
        retweeted_tweet_id=c.retweeted_tweet_id or 0,
        retweeted_user_id=c.retweeted_user_id or 0,
        in_reply_to_tweet_id=c.in_reply_to_tweet_id or 0,
        score=c.score if c.score is not None else 0.0,
        in_network=bool(c.in_network),
        served_type=int(c.served_type),
        last_scored_timestamp_ms=c.last_scored_at_ms or 0,
        prediction_request_id=c.prediction_request_id or 0,
        ancestors=c.ancestors,
        screen_names=screen_names(c),
    )
    if c.visibility is not None and c.visibility.action == VisibilityAction.INTERSTITIAL:
        post.visibility.action = c.visibility.action.name
        post.visibility.labels.extend(c.visibility.labels)
    return post


def screen_names(c: PostCandidate) -> dict[int, str]:
    names: dict[int, str] = {}
    if c.author_screen_name:
        names[c.author_id] = c.author_screen_name
    if c.retweeted_user_id and c.retweeted_screen_name:
        names[c.retweeted_user_id] = c.retweeted_screen_name
    return names


def request_from_json(body: Mapping[str, Any]) -> FeedRequest:
    """The HTTP body: the proto fields in snake_case; ids as integers or decimal strings."""
    viewer = _id(body.get("viewer_id", 0), "viewer_id")
    entries = body.get("bloom_filter_entries") or []
    if not isinstance(entries, list):
        raise InvalidInputError("bloom_filter_entries must be a list")
    overrides = body.get("scoring_overrides") or {}
    if not isinstance(overrides, dict) or not all(isinstance(v, int | float) for v in overrides.values()):
        raise InvalidInputError("scoring_overrides must map parameter names to numbers")
    return FeedRequest(
        viewer_id=viewer,
        client_app_id=_id(body.get("client_app_id", 0), "client_app_id"),
        country_code=str(body.get("country_code", "")),
        language_code=str(body.get("language_code", "")),
        seen_ids=_ids(body.get("seen_ids"), "seen_ids"),
        served_ids=_ids(body.get("served_ids"), "served_ids"),
        in_network_only=bool(body.get("in_network_only", False)),
        is_bottom_request=bool(body.get("is_bottom_request", False)),
        bloom_filters=tuple(_bloom_json(e) for e in entries),
        include_trace=bool(body.get("include_trace", False)),
        scoring_overrides={str(k): float(v) for k, v in overrides.items()},
        dry_run=bool(body.get("dry_run", False)),
    )


def response_to_json(resp: FeedResponse, *, terms_params: Params | None = None) -> dict[str, Any]:
    """With `terms_params` each post also carries `score_terms`: each head's weight × value and their sum."""
    posts = [post_json(c) for c in resp.posts]
    if terms_params is not None:
        for out_post, c in zip(posts, resp.posts, strict=True):
            out_post["score_terms"] = score_terms(c.phoenix_scores, c.video_duration_ms, terms_params)
    out: dict[str, Any] = {
        "request_id": resp.request_id,
        "degraded": resp.degraded,
        "degraded_reasons": resp.degraded_reasons,
        "scored_posts": posts,
    }
    if resp.include_trace:
        out["trace"] = resp.trace.to_dict()
    return out


def post_json(c: PostCandidate) -> dict[str, Any]:
    return {
        "tweet_id": str(c.tweet_id),
        "author_id": str(c.author_id),
        "retweeted_tweet_id": str(c.retweeted_tweet_id or 0),
        "retweeted_user_id": str(c.retweeted_user_id or 0),
        "in_reply_to_tweet_id": str(c.in_reply_to_tweet_id or 0),
        "score": c.score if c.score is not None else 0.0,
        "weighted_score": c.weighted_score,
        "diversity_position": c.diversity_position,
        "diversity_multiplier": c.diversity_multiplier,
        "oon_factor": c.oon_factor,
        "in_network": bool(c.in_network),
        "served_type": int(c.served_type),
        "last_scored_timestamp_ms": c.last_scored_at_ms or 0,
        "prediction_request_id": str(c.prediction_request_id or 0),
        "ancestors": [str(a) for a in c.ancestors],
        "screen_names": {str(k): v for k, v in screen_names(c).items()},
        "text": c.tweet_text,
        "video_duration_ms": c.video_duration_ms,
        "phoenix_scores": as_plain(c.phoenix_scores),
        "visibility": None
        if c.visibility is None
        else {"action": c.visibility.action.name, "labels": list(c.visibility.labels)},
    }


def _id(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise InvalidInputError(f"{name} must be an integer or a decimal string")
    try:
        number = int(value)
    except ValueError:
        raise InvalidInputError(f"{name} must be an integer or a decimal string") from None
    if not 0 <= number < 1 << 64:
        raise InvalidInputError(f"{name} must be an unsigned 64-bit integer")
    return number


def _ids(values: Any, name: str) -> tuple[int, ...]:
    if values is None:
        return ()
    if not isinstance(values, list):
        raise InvalidInputError(f"{name} must be a list")
    return tuple(_id(v, name) for v in values)


def _bloom_json(entry: Any) -> BloomFilter:
    if not isinstance(entry, dict):
        raise InvalidInputError("each bloom_filter_entries item must be an object")
    words = _ids(entry.get("words"), "bloom_filter_entries.words")
    num_hashes = entry.get("num_hashes", 0)
    if isinstance(num_hashes, bool) or not isinstance(num_hashes, int):
        raise InvalidInputError("bloom_filter_entries.num_hashes must be an integer")
    return _bloom(
        list(words), num_hashes, int(entry.get("size_cap", 0) or 0), float(entry.get("false_positive_rate", 0.0) or 0.0)
    )


def _bloom(words: Sequence[int], num_hashes: int, size_cap: int, fpr: float) -> BloomFilter:
    return BloomFilter(tuple(words), num_hashes, size_cap, fpr)  # validates; raises InvalidInputError
