from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class HistoryAction(_message.Message):
    __slots__ = ("post_id", "author_id", "action_bits", "product_surface", "start_ms", "end_ms", "dwell_ms")
    POST_ID_FIELD_NUMBER: _ClassVar[int]
    AUTHOR_ID_FIELD_NUMBER: _ClassVar[int]
    ACTION_BITS_FIELD_NUMBER: _ClassVar[int]
    PRODUCT_SURFACE_FIELD_NUMBER: _ClassVar[int]
    START_MS_FIELD_NUMBER: _ClassVar[int]
    END_MS_FIELD_NUMBER: _ClassVar[int]
    DWELL_MS_FIELD_NUMBER: _ClassVar[int]
    post_id: int
    author_id: int
    action_bits: int
    product_surface: int
    start_ms: int
    end_ms: int
    dwell_ms: int
    def __init__(self, post_id: _Optional[int] = ..., author_id: _Optional[int] = ..., action_bits: _Optional[int] = ..., product_surface: _Optional[int] = ..., start_ms: _Optional[int] = ..., end_ms: _Optional[int] = ..., dwell_ms: _Optional[int] = ...) -> None: ...

class RetrieveRequest(_message.Message):
    __slots__ = ("user_id", "history", "max_results", "table_response")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    HISTORY_FIELD_NUMBER: _ClassVar[int]
    MAX_RESULTS_FIELD_NUMBER: _ClassVar[int]
    TABLE_RESPONSE_FIELD_NUMBER: _ClassVar[int]
    user_id: int
    history: _containers.RepeatedCompositeFieldContainer[HistoryAction]
    max_results: int
    table_response: bool
    def __init__(self, user_id: _Optional[int] = ..., history: _Optional[_Iterable[_Union[HistoryAction, _Mapping]]] = ..., max_results: _Optional[int] = ..., table_response: _Optional[bool] = ...) -> None: ...

class RetrievedPost(_message.Message):
    __slots__ = ("post_id", "author_id", "in_reply_to_post_id", "score")
    POST_ID_FIELD_NUMBER: _ClassVar[int]
    AUTHOR_ID_FIELD_NUMBER: _ClassVar[int]
    IN_REPLY_TO_POST_ID_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    post_id: int
    author_id: int
    in_reply_to_post_id: int
    score: float
    def __init__(self, post_id: _Optional[int] = ..., author_id: _Optional[int] = ..., in_reply_to_post_id: _Optional[int] = ..., score: _Optional[float] = ...) -> None: ...

class RetrieveResponse(_message.Message):
    __slots__ = ("posts", "post_table", "score_table")
    POSTS_FIELD_NUMBER: _ClassVar[int]
    POST_TABLE_FIELD_NUMBER: _ClassVar[int]
    SCORE_TABLE_FIELD_NUMBER: _ClassVar[int]
    posts: _containers.RepeatedCompositeFieldContainer[RetrievedPost]
    post_table: bytes
    score_table: bytes
    def __init__(self, posts: _Optional[_Iterable[_Union[RetrievedPost, _Mapping]]] = ..., post_table: _Optional[bytes] = ..., score_table: _Optional[bytes] = ...) -> None: ...

class PredictCandidate(_message.Message):
    __slots__ = ("post_id", "author_id")
    POST_ID_FIELD_NUMBER: _ClassVar[int]
    AUTHOR_ID_FIELD_NUMBER: _ClassVar[int]
    post_id: int
    author_id: int
    def __init__(self, post_id: _Optional[int] = ..., author_id: _Optional[int] = ...) -> None: ...

class PredictRequest(_message.Message):
    __slots__ = ("user_id", "history", "candidates", "product_surface", "candidate_table", "table_response")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    HISTORY_FIELD_NUMBER: _ClassVar[int]
    CANDIDATES_FIELD_NUMBER: _ClassVar[int]
    PRODUCT_SURFACE_FIELD_NUMBER: _ClassVar[int]
    CANDIDATE_TABLE_FIELD_NUMBER: _ClassVar[int]
    TABLE_RESPONSE_FIELD_NUMBER: _ClassVar[int]
    user_id: int
    history: _containers.RepeatedCompositeFieldContainer[HistoryAction]
    candidates: _containers.RepeatedCompositeFieldContainer[PredictCandidate]
    product_surface: int
    candidate_table: bytes
    table_response: bool
    def __init__(self, user_id: _Optional[int] = ..., history: _Optional[_Iterable[_Union[HistoryAction, _Mapping]]] = ..., candidates: _Optional[_Iterable[_Union[PredictCandidate, _Mapping]]] = ..., product_surface: _Optional[int] = ..., candidate_table: _Optional[bytes] = ..., table_response: _Optional[bool] = ...) -> None: ...

class ActionPredictions(_message.Message):
    __slots__ = ("probabilities", "dwell_time_s")
    PROBABILITIES_FIELD_NUMBER: _ClassVar[int]
    DWELL_TIME_S_FIELD_NUMBER: _ClassVar[int]
    probabilities: _containers.RepeatedScalarFieldContainer[float]
    dwell_time_s: float
    def __init__(self, probabilities: _Optional[_Iterable[float]] = ..., dwell_time_s: _Optional[float] = ...) -> None: ...

class PredictResponse(_message.Message):
    __slots__ = ("predictions", "prediction_table")
    PREDICTIONS_FIELD_NUMBER: _ClassVar[int]
    PREDICTION_TABLE_FIELD_NUMBER: _ClassVar[int]
    predictions: _containers.RepeatedCompositeFieldContainer[ActionPredictions]
    prediction_table: bytes
    def __init__(self, predictions: _Optional[_Iterable[_Union[ActionPredictions, _Mapping]]] = ..., prediction_table: _Optional[bytes] = ...) -> None: ...
