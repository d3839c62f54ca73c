"""Thunder's store and query limits (SPEC §3.11 `thunder.*`), read once from the parameter registry."""

from __future__ import annotations

from dataclasses import dataclass

from foryou.params import Params


@dataclass(frozen=True)
class StoreConfig:
    """The numbers the PostStore and its queries obey; defaults are the SPEC defaults."""

    retention_s: int = 172_800
    max_original_per_author: int = 50
    max_secondary_per_author: int = 30
    max_video_per_author: int = 100
    max_scan_per_author: int = 500
    max_timeline_size: int = 5000
    min_video_duration_ms: int = 10_000
    trim_fraction: int = 5
    request_timeout_ms: int = 100  # 0 = no scan budget

    @classmethod
    def from_params(cls, params: Params) -> StoreConfig:
        return cls(
            retention_s=params.get_int("thunder.retention_s"),
            max_original_per_author=params.get_int("thunder.max_original_per_author"),
            max_secondary_per_author=params.get_int("thunder.max_secondary_per_author"),
            max_video_per_author=params.get_int("thunder.max_video_per_author"),
            max_scan_per_author=params.get_int("thunder.max_scan_per_author"),
            max_timeline_size=params.get_int("thunder.max_timeline_size"),
            min_video_duration_ms=params.get_int("thunder.min_video_duration_ms"),
            trim_fraction=params.get_int("thunder.trim_fraction"),
            request_timeout_ms=params.get_int("thunder.request_timeout_ms"),
        )
