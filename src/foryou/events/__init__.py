"""Events: typed constructors, the length-prefixed event file format, and UAS aggregation.

A low layer: imports only `foryou.core`, `foryou.params` and the generated protobuf code.
"""

from foryou._proto.foryou.events.v1 import events_pb2 as pb
from foryou.events.builders import (
    DEFAULT_PRODUCER,
    Event,
    MediaItem,
    ServedEntry,
    engagement,
    muted_keywords,
    payload_kind,
    post_created,
    post_deleted,
    safety_label,
    served,
    social_edge,
    subscription,
    user_profile,
)
from foryou.events.derive import raw_actions
from foryou.events.eventfile import (
    MAGIC,
    MAX_RECORD_BYTES,
    SEGMENT_SUFFIX,
    EventWriter,
    iter_records,
    read_event_dir,
    read_events,
    segment_paths,
    write_events,
)
from foryou.events.uas import (
    PROVIDER,
    AggregatedAction,
    RawAction,
    UasAggregator,
    UasConfig,
    UasMetadata,
    UserActionSequence,
    action_bits,
    aggregate,
)

__all__ = [
    "DEFAULT_PRODUCER",
    "MAGIC",
    "MAX_RECORD_BYTES",
    "PROVIDER",
    "SEGMENT_SUFFIX",
    "AggregatedAction",
    "Event",
    "EventWriter",
    "MediaItem",
    "RawAction",
    "ServedEntry",
    "UasAggregator",
    "UasConfig",
    "UasMetadata",
    "UserActionSequence",
    "action_bits",
    "aggregate",
    "engagement",
    "iter_records",
    "muted_keywords",
    "payload_kind",
    "pb",
    "post_created",
    "post_deleted",
    "raw_actions",
    "read_event_dir",
    "read_events",
    "safety_label",
    "segment_paths",
    "served",
    "social_edge",
    "subscription",
    "user_profile",
    "write_events",
]
