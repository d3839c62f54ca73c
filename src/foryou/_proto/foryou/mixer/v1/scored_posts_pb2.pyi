from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ImpressionBloomFilterEntry(_message.Message):
    __slots__ = ("words", "num_hashes", "size_cap", "false_positive_rate")
    WORDS_FIELD_NUMBER: _ClassVar[int]
    NUM_HASHES_FIELD_NUMBER: _ClassVar[int]
    SIZE_CAP_FIELD_NUMBER: _ClassVar[int]
    FALSE_POSITIVE_RATE_FIELD_NUMBER: _ClassVar[int]
    words: _containers.RepeatedScalarFieldContainer[int]
    num_hashes: int
    size_cap: int
    false_positive_rate: float
    def __init__(self, words: _Optional[_Iterable[int]] = ..., num_hashes: _Optional[int] = ..., size_cap: _Optional[int] = ..., false_positive_rate: _Optional[float] = ...) -> None: ...

class ScoredPostsRequest(_message.Message):
    __slots__ = ("viewer_id", "client_app_id", "country_code", "language_code", "seen_ids", "served_ids", "in_network_only", "is_bottom_request", "bloom_filter_entries", "include_trace", "scoring_overrides")
    class ScoringOverridesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: float
        def __init__(self, key: _Optional[str] = ..., value: _Optional[float] = ...) -> None: ...
    VIEWER_ID_FIELD_NUMBER: _ClassVar[int]
    CLIENT_APP_ID_FIELD_NUMBER: _ClassVar[int]
    COUNTRY_CODE_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_CODE_FIELD_NUMBER: _ClassVar[int]
    SEEN_IDS_FIELD_NUMBER: _ClassVar[int]
    SERVED_IDS_FIELD_NUMBER: _ClassVar[int]
    IN_NETWORK_ONLY_FIELD_NUMBER: _ClassVar[int]
    IS_BOTTOM_REQUEST_FIELD_NUMBER: _ClassVar[int]
    BLOOM_FILTER_ENTRIES_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_TRACE_FIELD_NUMBER: _ClassVar[int]
    SCORING_OVERRIDES_FIELD_NUMBER: _ClassVar[int]
    viewer_id: int
    client_app_id: int
    country_code: str
    language_code: str
    seen_ids: _containers.RepeatedScalarFieldContainer[int]
    served_ids: _containers.RepeatedScalarFieldContainer[int]
    in_network_only: bool
    is_bottom_request: bool
    bloom_filter_entries: _containers.RepeatedCompositeFieldContainer[ImpressionBloomFilterEntry]
    include_trace: bool
    scoring_overrides: _containers.ScalarMap[str, float]
    def __init__(self, viewer_id: _Optional[int] = ..., client_app_id: _Optional[int] = ..., country_code: _Optional[str] = ..., language_code: _Optional[str] = ..., seen_ids: _Optional[_Iterable[int]] = ..., served_ids: _Optional[_Iterable[int]] = ..., in_network_only: _Optional[bool] = ..., is_bottom_request: _Optional[bool] = ..., bloom_filter_entries: _Optional[_Iterable[_Union[ImpressionBloomFilterEntry, _Mapping]]] = ..., include_trace: _Optional[bool] = ..., scoring_overrides: _Optional[_Mapping[str, float]] = ...) -> None: ...

class VisibilityInfo(_message.Message):
    __slots__ = ("action", "labels")
    ACTION_FIELD_NUMBER: _ClassVar[int]
    LABELS_FIELD_NUMBER: _ClassVar[int]
    action: str
    labels: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, action: _Optional[str] = ..., labels: _Optional[_Iterable[str]] = ...) -> None: ...

class ScoredPost(_message.Message):
    __slots__ = ("tweet_id", "author_id", "retweeted_tweet_id", "retweeted_user_id", "in_reply_to_tweet_id", "score", "in_network", "served_type", "last_scored_timestamp_ms", "prediction_request_id", "ancestors", "screen_names", "visibility")
    class ScreenNamesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: int
        value: str
        def __init__(self, key: _Optional[int] = ..., value: _Optional[str] = ...) -> None: ...
    TWEET_ID_FIELD_NUMBER: _ClassVar[int]
    AUTHOR_ID_FIELD_NUMBER: _ClassVar[int]
    RETWEETED_TWEET_ID_FIELD_NUMBER: _ClassVar[int]
    RETWEETED_USER_ID_FIELD_NUMBER: _ClassVar[int]
    IN_REPLY_TO_TWEET_ID_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    IN_NETWORK_FIELD_NUMBER: _ClassVar[int]
    SERVED_TYPE_FIELD_NUMBER: _ClassVar[int]
    LAST_SCORED_TIMESTAMP_MS_FIELD_NUMBER: _ClassVar[int]
    PREDICTION_REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    ANCESTORS_FIELD_NUMBER: _ClassVar[int]
    SCREEN_NAMES_FIELD_NUMBER: _ClassVar[int]
    VISIBILITY_FIELD_NUMBER: _ClassVar[int]
    tweet_id: int
    author_id: int
    retweeted_tweet_id: int
    retweeted_user_id: int
    in_reply_to_tweet_id: int
    score: float
    in_network: bool
    served_type: int
    last_scored_timestamp_ms: int
    prediction_request_id: int
    ancestors: _containers.RepeatedScalarFieldContainer[int]
    screen_names: _containers.ScalarMap[int, str]
    visibility: VisibilityInfo
    def __init__(self, tweet_id: _Optional[int] = ..., author_id: _Optional[int] = ..., retweeted_tweet_id: _Optional[int] = ..., retweeted_user_id: _Optional[int] = ..., in_reply_to_tweet_id: _Optional[int] = ..., score: _Optional[float] = ..., in_network: _Optional[bool] = ..., served_type: _Optional[int] = ..., last_scored_timestamp_ms: _Optional[int] = ..., prediction_request_id: _Optional[int] = ..., ancestors: _Optional[_Iterable[int]] = ..., screen_names: _Optional[_Mapping[int, str]] = ..., visibility: _Optional[_Union[VisibilityInfo, _Mapping]] = ...) -> None: ...

class ScoredPostsResponse(_message.Message):
    __slots__ = ("request_id", "degraded", "degraded_reasons", "trace", "scored_posts")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    DEGRADED_FIELD_NUMBER: _ClassVar[int]
    DEGRADED_REASONS_FIELD_NUMBER: _ClassVar[int]
    TRACE_FIELD_NUMBER: _ClassVar[int]
    SCORED_POSTS_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    degraded: bool
    degraded_reasons: _containers.RepeatedScalarFieldContainer[str]
    trace: str
    scored_posts: _containers.RepeatedCompositeFieldContainer[ScoredPost]
    def __init__(self, request_id: _Optional[str] = ..., degraded: _Optional[bool] = ..., degraded_reasons: _Optional[_Iterable[str]] = ..., trace: _Optional[str] = ..., scored_posts: _Optional[_Iterable[_Union[ScoredPost, _Mapping]]] = ...) -> None: ...
