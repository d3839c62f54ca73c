"""Every tunable number of foryou, with the defaults and bounds of SPEC §3.11.

Grouped by subsystem. A name not listed here is rejected at start-up. "(o)" in a description marks a
project choice rather than an upstream value.
"""

from __future__ import annotations

from foryou.core.actions import ACTION_NAMES, NUM_DISCRETE_ACTIONS
from foryou.params.spec import ParamSpec, p_bool, p_choice, p_float, p_int, p_list

_W = 10_000.0
HEADS: tuple[str, ...] = ACTION_NAMES[:NUM_DISCRETE_ACTIONS]
VF_LABELS: tuple[str, ...] = ("deleted", "spam", "gore", "violence", "nsfw")
VF_LEVELS: tuple[str, ...] = ("timeline_home", "timeline_home_recommendations")
VF_ACTIONS: tuple[str, ...] = ("ALLOW", "INTERSTITIAL", "DROP")
STAGES: tuple[str, ...] = (
    "query_hydrator",
    "source",
    "hydrator",
    "filter",
    "scorer",
    "post_selection",
    "side_effect",
)

_MIXER = [
    p_int("mixer.result_size", 35, 1, 500, "posts returned per request"),
    p_int("mixer.top_k", 50, 1, 2000, "candidates kept by the TopKScoreSelector"),
    p_int("mixer.max_post_age_s", 172_800, 60, 1_209_600, "AgeFilter: older posts are dropped"),
    p_int("mixer.request_deadline_ms", 5000, 100, 60_000, "(o) whole-request deadline"),
    p_int(
        "mixer.torch_threads",
        1,
        0,
        256,
        "(o) torch intra-op threads of a serving process's threads other than the ranker's (0: one per core)",
    ),
    p_int("mixer.max_grpc_message_bytes", 134_217_728, 1 << 20, 1 << 30, "gRPC message size cap"),
    p_int("mixer.max_request_id_list", 10_000, 0, 100_000, "(o) cap on seen_ids / served_ids lengths"),
    p_int("mixer.max_bloom_entries", 8, 0, 64, "(o) cap on impression Bloom filter entries"),
    p_bool("mixer.fail_on_missing_user_features", True, "(o) UNAVAILABLE when block/mute lists are unreadable"),
    p_int("mixer.user_features_max_staleness_s", 300, 0, 86_400, "(o) age of a usable cached feature copy"),
]

_SOURCES = [
    p_bool("sources.phoenix.enabled", True, "out-of-network retrieval source"),
    p_int("sources.phoenix.max_results", 1000, 0, 10_000, "OON candidates per request"),
    p_bool("sources.thunder.enabled", True, "in-network Thunder source"),
    p_int("sources.thunder.max_results", 1200, 0, 10_000, "in-network candidates per request"),
    p_bool("sources.thunder.exclude_seen", True, "send seen ids to Thunder as exclusions"),
]

_UAS = [
    p_int("uas.window_ms", 300_000, 0, 86_400_000, "aggregation window of one post's actions"),
    p_int("uas.max_sequence_length", 1024, 1, 8192, "aggregated actions kept (the last ones)"),
    p_int("uas.dwell_threshold_ms", 2000, 0, 600_000, "(o) dwell_ms that sets the dwell bit"),
]

_DEFAULT_WEIGHTS: dict[str, float] = {
    "favorite": 0.5,
    "reply": 5.0,
    "retweet": 1.0,
    "photo_expand": 0.05,
    "click": 0.4,
    "profile_click": 0.0,
    "vqv": 0.05,
    "share": 2.0,
    "share_via_dm": 5.0,
    "share_via_copy_link": 20.0,
    "dwell": 0.0,
    "quote": 5.0,
    "quoted_click": 0.05,
    "follow_author": 4.0,
    "not_interested": -43.2,
    "block_author": -31.2,
    "mute_author": -58.8,
    "report": -234.0,
    "cont_dwell_time": 0.004,
}

_SCORING = [
    p_bool("scoring.phoenix.enabled", True, "use the Phoenix ranker (else recency fallback)"),
    p_choice(
        "scoring.phoenix.prefetch",
        "remote",
        ("never", "remote", "always"),
        "score every fetched candidate while hydrators and filters run: never, when the ranker is remote, always",
    ),
    *[
        p_float(f"scoring.weight.{head}", w, -_W, _W, f"weight of the {head} head")
        for head, w in _DEFAULT_WEIGHTS.items()
    ],
    p_int("scoring.min_video_duration_ms", 10_000, 0, 3_600_000, "vqv counts only above this duration"),
    p_float("scoring.negative_scores_offset", 0.001, 0.0, 1.0, "OFFSET of the weighted score"),
    p_bool("scoring.author_diversity.enabled", True, "attenuate repeated authors"),
    p_float("scoring.author_diversity.decay", 0.5, 0.0, 1.0, "multiplier decay per repeat"),
    p_float("scoring.author_diversity.floor", 0.25, 0.0, 1.0, "multiplier floor"),
    p_float("scoring.oon.factor", 0.75, 0.0, 10.0, "multiplier of out-of-network scores"),
    p_bool("scoring.oon.include_in_network_replies_reposts", False, "also damp in-network replies/reposts"),
    p_bool("scoring.fallback.enabled", True, "(o) recency ordering when the ranker is unavailable"),
]

_SERVED = [
    p_bool("served.filter_all_requests", True, "PreviouslyServedPosts on every request, not only bottom"),
    p_int("served.history_max_age_s", 600, 0, 86_400, "served ids remembered this long"),
    p_int("served.history_max_ids", 100, 0, 10_000, "served ids remembered per viewer"),
    p_bool("served.store_enabled", True, "record served ids after each request"),
]

_VF_DEFAULTS: dict[tuple[str, str], str] = {
    ("timeline_home", "deleted"): "DROP",
    ("timeline_home", "spam"): "DROP",
    ("timeline_home", "gore"): "INTERSTITIAL",
    ("timeline_home", "violence"): "INTERSTITIAL",
    ("timeline_home", "nsfw"): "INTERSTITIAL",
    ("timeline_home_recommendations", "deleted"): "DROP",
    ("timeline_home_recommendations", "spam"): "DROP",
    ("timeline_home_recommendations", "gore"): "DROP",
    ("timeline_home_recommendations", "violence"): "DROP",
    ("timeline_home_recommendations", "nsfw"): "DROP",
}

_VF = [
    p_bool("vf.fail_closed", True, "(o) drop candidates whose visibility is unknown"),
    p_bool("vf.fail_closed_in_network", False, "(o) also drop unknown-visibility in-network candidates"),
    *[
        p_choice(f"vf.rules.{level}.{label}", action, VF_ACTIONS, f"action for {label} at {level}")
        for (level, label), action in _VF_DEFAULTS.items()
    ],
]

_OBSERVABILITY = [
    p_bool("trace.enabled", True, "(o) keep per-request traces"),
    p_int("trace.buffer_size", 1000, 0, 100_000, "(o) traces kept"),
    p_int("trace.ttl_s", 600, 0, 86_400, "(o) trace lifetime"),
    p_bool("debug.enabled", False, "(o) admin API: traces, explain, dry run"),
]

_STAGE_TIMEOUTS = dict(zip(STAGES, (200, 500, 200, 100, 100, 200, 1000), strict=True))
_TIMEOUTS = [
    *[p_int(f"timeouts.{s}_ms", ms, 1, 60_000, f"(o) default timeout of a {s}") for s, ms in _STAGE_TIMEOUTS.items()],
    p_int("timeouts.component.PhoenixSource", 1000, 1, 60_000, "(o) PhoenixSource timeout (ms)"),
    p_int("timeouts.component.PhoenixScorer", 2000, 1, 60_000, "(o) PhoenixScorer timeout (ms)"),
]

_THUNDER = [
    p_int("thunder.retention_s", 172_800, 3600, 2_592_000, "posts older than this are not kept"),
    p_int("thunder.max_posts_to_return", 1200, 1, 100_000, "default max_results"),
    p_int("thunder.max_videos_to_return", 600, 1, 100_000, "default max_results of video requests"),
    p_int("thunder.max_input_list_size", 10_000, 1, 100_000, "cap on following / exclude lists"),
    p_int("thunder.max_original_per_author", 50, 1, 5000, "originals returned per author"),
    p_int("thunder.max_secondary_per_author", 30, 1, 5000, "replies/reposts returned per author"),
    p_int("thunder.max_video_per_author", 100, 1, 5000, "videos returned per author"),
    p_int("thunder.max_scan_per_author", 500, 1, 5000, "timeline entries examined per author"),
    p_int("thunder.max_timeline_size", 5000, 1, 1_000_000, "entries kept per timeline"),
    p_int("thunder.min_video_duration_ms", 10_000, 0, 3_600_000, "shorter videos are not video-eligible"),
    p_int("thunder.trim_interval_s", 120, 1, 3600, "seconds between trim runs"),
    p_int("thunder.trim_fraction", 5, 1, 100, "authors trimmed per run = 1 / fraction"),
    p_int("thunder.stats_interval_s", 5, 1, 3600, "seconds between store statistics"),
    p_int("thunder.request_timeout_ms", 100, 0, 60_000, "(o) scan budget per request; 0 = none"),
    p_int("thunder.max_concurrent_requests", 64, 1, 10_000, "(o) permits before RESOURCE_EXHAUSTED"),
    p_int("thunder.ingest.batch_size", 1000, 1, 100_000, "(o) events decoded per batch"),
    p_int("thunder.ingest.permits_after_catchup", 3, 1, 64, "concurrent batches after catch-up"),
]

_PHOENIX = [
    p_int("phoenix.emb_size", 128, 8, 8192, "model width D"),
    p_int("phoenix.num_layers", 2, 1, 64, "decoder layers"),
    p_int("phoenix.num_q_heads", 2, 1, 128, "query heads"),
    p_int("phoenix.num_kv_heads", 2, 1, 128, "key/value heads; must divide num_q_heads"),
    p_int("phoenix.key_size", 64, 8, 512, "per-head width; even"),
    p_float("phoenix.widening_factor", 2.0, 0.5, 16.0, "FFN width factor"),
    p_float("phoenix.attn_output_multiplier", 0.125, 0.0, 10.0, "multiplier of q.k logits"),
    p_int("phoenix.history_seq_len", 128, 1, 8192, "history slots S"),
    p_int("phoenix.candidate_seq_len", 32, 1, 4096, "candidate slots C in training"),
    p_int("phoenix.num_user_hashes", 2, 1, 8, "hashes per user"),
    p_int("phoenix.num_item_hashes", 2, 1, 8, "hashes per post"),
    p_int("phoenix.num_author_hashes", 2, 1, 8, "hashes per author"),
    p_int("phoenix.vocab.user", 100_000, 2, 2**31, "user table rows"),
    p_int("phoenix.vocab.post", 100_000, 2, 2**31, "post table rows"),
    p_int("phoenix.vocab.author", 30_000, 2, 2**31, "author table rows"),
    p_int("phoenix.product_surface_vocab", 16, 16, 16, "product surfaces (constant)"),
    p_choice("phoenix.fprop_dtype", "float32", ("float32", "bfloat16"), "activation dtype"),
    p_choice("phoenix.prefix_attention", "causal", ("causal", "bidirectional"), "history attention"),
    p_choice("phoenix.candidate_positions", "shared", ("shared", "sequential"), "candidate RoPE positions"),
    p_int("phoenix.dwell_time_cap_s", 600, 1, 86_400, "(o) cap of the dwell-time head"),
    p_int("phoenix.rank_chunk_size", 4096, 1, 100_000, "(o) candidates scored per chunk (decisions 65, 85)"),
    p_int(
        "phoenix.rank_threads", 0, 0, 256, "(o) torch intra-op threads of a serving process's ranker (0: one per core)"
    ),
]

_RETRIEVAL = [
    p_choice("retrieval.index", "exact", ("exact", "hnsw", "ivf"), "retrieval index backend"),
    p_int("retrieval.hnsw.m", 32, 4, 256, "HNSW graph degree"),
    p_int("retrieval.hnsw.ef_search", 128, 1, 10_000, "HNSW search breadth"),
    p_int("retrieval.ivf.nlist", 1024, 1, 1 << 20, "IVF cells"),
    p_int("retrieval.ivf.nprobe", 16, 1, 1 << 20, "IVF cells probed"),
    p_bool("retrieval.index_replies", False, "(o) index replies too"),
]

_TRAIN = [
    p_int("train.label_window_s", 86_400, 60, 2_592_000, "(o) actions after an impression that label it"),
    *[p_float(f"train.pos_weight.{h}", 1.0, 0.0, 10_000.0, f"BCE positive weight of {h}") for h in HEADS],
    p_float("train.dwell_loss_weight", 1.0, 0.0, 100.0, "weight of the dwell-time regression loss"),
    p_float("train.huber_delta", 1.0, 0.01, 100.0, "Huber delta of the dwell-time loss"),
    p_float("train.retrieval.temperature", 0.05, 0.001, 10.0, "softmax temperature"),
    p_list("train.retrieval.positive_actions", ("favorite",), HEADS, "heads that make a positive pair"),
    p_int("train.retrieval.sampled_negatives", 0, 0, 65_536, "extra uniform negatives per batch"),
    p_float("train.retrieval.logq_alpha", 0.01, 0.0, 1.0, "streaming frequency estimator rate"),
    p_float("train.lr", 1e-3, 1e-6, 1.0, "AdamW learning rate"),
    p_float("train.weight_decay", 0.01, 0.0, 1.0, "AdamW weight decay"),
    p_int("train.batch_size", 256, 1, 65_536, "examples per step"),
    p_float("train.embedding_init_std", 0.02, 1e-4, 10.0, "(o) std of the hash-table rows a new model starts from"),
    p_float("train.dropout", 0.0, 0.0, 0.9, "(o) dropout of tokens and residual branches while training"),
]

PARAMETERS: tuple[ParamSpec, ...] = (
    *_MIXER,
    *_SOURCES,
    *_UAS,
    *_SCORING,
    *_SERVED,
    *_VF,
    *_OBSERVABILITY,
    *_TIMEOUTS,
    *_THUNDER,
    *_PHOENIX,
    *_RETRIEVAL,
    *_TRAIN,
)
