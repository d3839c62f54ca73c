from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class GetInNetworkPostsRequest(_message.Message):
    __slots__ = ("user_id", "following_user_ids", "max_results", "exclude_tweet_ids", "algorithm", "debug", "is_video_request")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    FOLLOWING_USER_IDS_FIELD_NUMBER: _ClassVar[int]
    MAX_RESULTS_FIELD_NUMBER: _ClassVar[int]
    EXCLUDE_TWEET_IDS_FIELD_NUMBER: _ClassVar[int]
    ALGORITHM_FIELD_NUMBER: _ClassVar[int]
    DEBUG_FIELD_NUMBER: _ClassVar[int]
    IS_VIDEO_REQUEST_FIELD_NUMBER: _ClassVar[int]
    user_id: int
    following_user_ids: _containers.RepeatedScalarFieldContainer[int]
    max_results: int
    exclude_tweet_ids: _containers.RepeatedScalarFieldContainer[int]
    algorithm: str
    debug: bool
    is_video_request: bool
    def __init__(self, user_id: _Optional[int] = ..., following_user_ids: _Optional[_Iterable[int]] = ..., max_results: _Optional[int] = ..., exclude_tweet_ids: _Optional[_Iterable[int]] = ..., algorithm: _Optional[str] = ..., debug: _Optional[bool] = ..., is_video_request: _Optional[bool] = ...) -> None: ...

class LightPost(_message.Message):
    __slots__ = ("post_id", "author_id", "created_at_s", "in_reply_to_post_id", "in_reply_to_user_id", "is_retweet", "is_reply", "source_post_id", "source_user_id", "has_video", "conversation_id", "quoted_post_id")
    POST_ID_FIELD_NUMBER: _ClassVar[int]
    AUTHOR_ID_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_S_FIELD_NUMBER: _ClassVar[int]
    IN_REPLY_TO_POST_ID_FIELD_NUMBER: _ClassVar[int]
    IN_REPLY_TO_USER_ID_FIELD_NUMBER: _ClassVar[int]
    IS_RETWEET_FIELD_NUMBER: _ClassVar[int]
    IS_REPLY_FIELD_NUMBER: _ClassVar[int]
    SOURCE_POST_ID_FIELD_NUMBER: _ClassVar[int]
    SOURCE_USER_ID_FIELD_NUMBER: _ClassVar[int]
    HAS_VIDEO_FIELD_NUMBER: _ClassVar[int]
    CONVERSATION_ID_FIELD_NUMBER: _ClassVar[int]
    QUOTED_POST_ID_FIELD_NUMBER: _ClassVar[int]
    post_id: int
    author_id: int
    created_at_s: int
    in_reply_to_post_id: int
    in_reply_to_user_id: int
    is_retweet: bool
    is_reply: bool
    source_post_id: int
    source_user_id: int
    has_video: bool
    conversation_id: int
    quoted_post_id: int
    def __init__(self, post_id: _Optional[int] = ..., author_id: _Optional[int] = ..., created_at_s: _Optional[int] = ..., in_reply_to_post_id: _Optional[int] = ..., in_reply_to_user_id: _Optional[int] = ..., is_retweet: _Optional[bool] = ..., is_reply: _Optional[bool] = ..., source_post_id: _Optional[int] = ..., source_user_id: _Optional[int] = ..., has_video: _Optional[bool] = ..., conversation_id: _Optional[int] = ..., quoted_post_id: _Optional[int] = ...) -> None: ...

class GetInNetworkPostsResponse(_message.Message):
    __slots__ = ("posts",)
    POSTS_FIELD_NUMBER: _ClassVar[int]
    posts: _containers.RepeatedCompositeFieldContainer[LightPost]
    def __init__(self, posts: _Optional[_Iterable[_Union[LightPost, _Mapping]]] = ...) -> None: ...
