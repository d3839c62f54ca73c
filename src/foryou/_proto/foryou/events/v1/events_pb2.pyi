from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class MediaKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    MEDIA_KIND_UNSPECIFIED: _ClassVar[MediaKind]
    PHOTO: _ClassVar[MediaKind]
    VIDEO: _ClassVar[MediaKind]
    GIF: _ClassVar[MediaKind]

class EdgeKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    EDGE_KIND_UNSPECIFIED: _ClassVar[EdgeKind]
    FOLLOW: _ClassVar[EdgeKind]
    BLOCK: _ClassVar[EdgeKind]
    MUTE: _ClassVar[EdgeKind]

class SafetyLabel(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SAFETY_LABEL_UNSPECIFIED: _ClassVar[SafetyLabel]
    DELETED: _ClassVar[SafetyLabel]
    SPAM: _ClassVar[SafetyLabel]
    VIOLENCE: _ClassVar[SafetyLabel]
    GORE: _ClassVar[SafetyLabel]
    NSFW: _ClassVar[SafetyLabel]
MEDIA_KIND_UNSPECIFIED: MediaKind
PHOTO: MediaKind
VIDEO: MediaKind
GIF: MediaKind
EDGE_KIND_UNSPECIFIED: EdgeKind
FOLLOW: EdgeKind
BLOCK: EdgeKind
MUTE: EdgeKind
SAFETY_LABEL_UNSPECIFIED: SafetyLabel
DELETED: SafetyLabel
SPAM: SafetyLabel
VIOLENCE: SafetyLabel
GORE: SafetyLabel
NSFW: SafetyLabel

class Event(_message.Message):
    __slots__ = ("event_id", "event_time_ms", "producer", "post_created", "post_deleted", "engagement", "social_edge", "muted_keywords", "subscription", "safety_label", "user_profile", "served")
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    EVENT_TIME_MS_FIELD_NUMBER: _ClassVar[int]
    PRODUCER_FIELD_NUMBER: _ClassVar[int]
    POST_CREATED_FIELD_NUMBER: _ClassVar[int]
    POST_DELETED_FIELD_NUMBER: _ClassVar[int]
    ENGAGEMENT_FIELD_NUMBER: _ClassVar[int]
    SOCIAL_EDGE_FIELD_NUMBER: _ClassVar[int]
    MUTED_KEYWORDS_FIELD_NUMBER: _ClassVar[int]
    SUBSCRIPTION_FIELD_NUMBER: _ClassVar[int]
    SAFETY_LABEL_FIELD_NUMBER: _ClassVar[int]
    USER_PROFILE_FIELD_NUMBER: _ClassVar[int]
    SERVED_FIELD_NUMBER: _ClassVar[int]
    event_id: str
    event_time_ms: int
    producer: str
    post_created: PostCreated
    post_deleted: PostDeleted
    engagement: EngagementEvent
    social_edge: SocialEdgeChanged
    muted_keywords: MutedKeywordsChanged
    subscription: SubscriptionChanged
    safety_label: SafetyLabelChanged
    user_profile: UserProfileChanged
    served: Served
    def __init__(self, event_id: _Optional[str] = ..., event_time_ms: _Optional[int] = ..., producer: _Optional[str] = ..., post_created: _Optional[_Union[PostCreated, _Mapping]] = ..., post_deleted: _Optional[_Union[PostDeleted, _Mapping]] = ..., engagement: _Optional[_Union[EngagementEvent, _Mapping]] = ..., social_edge: _Optional[_Union[SocialEdgeChanged, _Mapping]] = ..., muted_keywords: _Optional[_Union[MutedKeywordsChanged, _Mapping]] = ..., subscription: _Optional[_Union[SubscriptionChanged, _Mapping]] = ..., safety_label: _Optional[_Union[SafetyLabelChanged, _Mapping]] = ..., user_profile: _Optional[_Union[UserProfileChanged, _Mapping]] = ..., served: _Optional[_Union[Served, _Mapping]] = ...) -> None: ...

class Media(_message.Message):
    __slots__ = ("kind", "duration_ms")
    KIND_FIELD_NUMBER: _ClassVar[int]
    DURATION_MS_FIELD_NUMBER: _ClassVar[int]
    kind: MediaKind
    duration_ms: int
    def __init__(self, kind: _Optional[_Union[MediaKind, str]] = ..., duration_ms: _Optional[int] = ...) -> None: ...

class PostCreated(_message.Message):
    __slots__ = ("post_id", "author_id", "created_at_ms", "text", "conversation_id", "in_reply_to_post_id", "in_reply_to_user_id", "repost_of_post_id", "repost_of_user_id", "quoted_post_id", "quoted_user_id", "media", "subscriber_only", "language", "nullcast")
    POST_ID_FIELD_NUMBER: _ClassVar[int]
    AUTHOR_ID_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_MS_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    CONVERSATION_ID_FIELD_NUMBER: _ClassVar[int]
    IN_REPLY_TO_POST_ID_FIELD_NUMBER: _ClassVar[int]
    IN_REPLY_TO_USER_ID_FIELD_NUMBER: _ClassVar[int]
    REPOST_OF_POST_ID_FIELD_NUMBER: _ClassVar[int]
    REPOST_OF_USER_ID_FIELD_NUMBER: _ClassVar[int]
    QUOTED_POST_ID_FIELD_NUMBER: _ClassVar[int]
    QUOTED_USER_ID_FIELD_NUMBER: _ClassVar[int]
    MEDIA_FIELD_NUMBER: _ClassVar[int]
    SUBSCRIBER_ONLY_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    NULLCAST_FIELD_NUMBER: _ClassVar[int]
    post_id: int
    author_id: int
    created_at_ms: int
    text: str
    conversation_id: int
    in_reply_to_post_id: int
    in_reply_to_user_id: int
    repost_of_post_id: int
    repost_of_user_id: int
    quoted_post_id: int
    quoted_user_id: int
    media: _containers.RepeatedCompositeFieldContainer[Media]
    subscriber_only: bool
    language: str
    nullcast: bool
    def __init__(self, post_id: _Optional[int] = ..., author_id: _Optional[int] = ..., created_at_ms: _Optional[int] = ..., text: _Optional[str] = ..., conversation_id: _Optional[int] = ..., in_reply_to_post_id: _Optional[int] = ..., in_reply_to_user_id: _Optional[int] = ..., repost_of_post_id: _Optional[int] = ..., repost_of_user_id: _Optional[int] = ..., quoted_post_id: _Optional[int] = ..., quoted_user_id: _Optional[int] = ..., media: _Optional[_Iterable[_Union[Media, _Mapping]]] = ..., subscriber_only: _Optional[bool] = ..., language: _Optional[str] = ..., nullcast: _Optional[bool] = ...) -> None: ...

class PostDeleted(_message.Message):
    __slots__ = ("post_id", "author_id", "deleted_at_ms")
    POST_ID_FIELD_NUMBER: _ClassVar[int]
    AUTHOR_ID_FIELD_NUMBER: _ClassVar[int]
    DELETED_AT_MS_FIELD_NUMBER: _ClassVar[int]
    post_id: int
    author_id: int
    deleted_at_ms: int
    def __init__(self, post_id: _Optional[int] = ..., author_id: _Optional[int] = ..., deleted_at_ms: _Optional[int] = ...) -> None: ...

class EngagementEvent(_message.Message):
    __slots__ = ("user_id", "post_id", "author_id", "action", "product_surface", "impression_time_ms", "engaged_time_ms", "dwell_ms", "request_id", "client_app_id")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    POST_ID_FIELD_NUMBER: _ClassVar[int]
    AUTHOR_ID_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    PRODUCT_SURFACE_FIELD_NUMBER: _ClassVar[int]
    IMPRESSION_TIME_MS_FIELD_NUMBER: _ClassVar[int]
    ENGAGED_TIME_MS_FIELD_NUMBER: _ClassVar[int]
    DWELL_MS_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    CLIENT_APP_ID_FIELD_NUMBER: _ClassVar[int]
    user_id: int
    post_id: int
    author_id: int
    action: int
    product_surface: int
    impression_time_ms: int
    engaged_time_ms: int
    dwell_ms: int
    request_id: str
    client_app_id: int
    def __init__(self, user_id: _Optional[int] = ..., post_id: _Optional[int] = ..., author_id: _Optional[int] = ..., action: _Optional[int] = ..., product_surface: _Optional[int] = ..., impression_time_ms: _Optional[int] = ..., engaged_time_ms: _Optional[int] = ..., dwell_ms: _Optional[int] = ..., request_id: _Optional[str] = ..., client_app_id: _Optional[int] = ...) -> None: ...

class SocialEdgeChanged(_message.Message):
    __slots__ = ("source_user_id", "target_user_id", "edge", "active")
    SOURCE_USER_ID_FIELD_NUMBER: _ClassVar[int]
    TARGET_USER_ID_FIELD_NUMBER: _ClassVar[int]
    EDGE_FIELD_NUMBER: _ClassVar[int]
    ACTIVE_FIELD_NUMBER: _ClassVar[int]
    source_user_id: int
    target_user_id: int
    edge: EdgeKind
    active: bool
    def __init__(self, source_user_id: _Optional[int] = ..., target_user_id: _Optional[int] = ..., edge: _Optional[_Union[EdgeKind, str]] = ..., active: _Optional[bool] = ...) -> None: ...

class MutedKeywordsChanged(_message.Message):
    __slots__ = ("user_id", "keywords")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    KEYWORDS_FIELD_NUMBER: _ClassVar[int]
    user_id: int
    keywords: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, user_id: _Optional[int] = ..., keywords: _Optional[_Iterable[str]] = ...) -> None: ...

class SubscriptionChanged(_message.Message):
    __slots__ = ("subscriber_id", "creator_id", "active")
    SUBSCRIBER_ID_FIELD_NUMBER: _ClassVar[int]
    CREATOR_ID_FIELD_NUMBER: _ClassVar[int]
    ACTIVE_FIELD_NUMBER: _ClassVar[int]
    subscriber_id: int
    creator_id: int
    active: bool
    def __init__(self, subscriber_id: _Optional[int] = ..., creator_id: _Optional[int] = ..., active: _Optional[bool] = ...) -> None: ...

class SafetyLabelChanged(_message.Message):
    __slots__ = ("post_id", "label", "applied")
    POST_ID_FIELD_NUMBER: _ClassVar[int]
    LABEL_FIELD_NUMBER: _ClassVar[int]
    APPLIED_FIELD_NUMBER: _ClassVar[int]
    post_id: int
    label: SafetyLabel
    applied: bool
    def __init__(self, post_id: _Optional[int] = ..., label: _Optional[_Union[SafetyLabel, str]] = ..., applied: _Optional[bool] = ...) -> None: ...

class UserProfileChanged(_message.Message):
    __slots__ = ("user_id", "screen_name", "created_at_ms", "subscription_level")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    SCREEN_NAME_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_MS_FIELD_NUMBER: _ClassVar[int]
    SUBSCRIPTION_LEVEL_FIELD_NUMBER: _ClassVar[int]
    user_id: int
    screen_name: str
    created_at_ms: int
    subscription_level: int
    def __init__(self, user_id: _Optional[int] = ..., screen_name: _Optional[str] = ..., created_at_ms: _Optional[int] = ..., subscription_level: _Optional[int] = ...) -> None: ...

class ServedItem(_message.Message):
    __slots__ = ("post_id", "original_post_id", "position", "score", "served_type")
    POST_ID_FIELD_NUMBER: _ClassVar[int]
    ORIGINAL_POST_ID_FIELD_NUMBER: _ClassVar[int]
    POSITION_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    SERVED_TYPE_FIELD_NUMBER: _ClassVar[int]
    post_id: int
    original_post_id: int
    position: int
    score: float
    served_type: int
    def __init__(self, post_id: _Optional[int] = ..., original_post_id: _Optional[int] = ..., position: _Optional[int] = ..., score: _Optional[float] = ..., served_type: _Optional[int] = ...) -> None: ...

class Served(_message.Message):
    __slots__ = ("viewer_id", "request_id", "served_at_ms", "items")
    VIEWER_ID_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    SERVED_AT_MS_FIELD_NUMBER: _ClassVar[int]
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    viewer_id: int
    request_id: str
    served_at_ms: int
    items: _containers.RepeatedCompositeFieldContainer[ServedItem]
    def __init__(self, viewer_id: _Optional[int] = ..., request_id: _Optional[str] = ..., served_at_ms: _Optional[int] = ..., items: _Optional[_Iterable[_Union[ServedItem, _Mapping]]] = ...) -> None: ...
