"""Synthetic golden files: any config, parameters and inputs drawn like README §10, outputs from the
float64 numpy reference (never from the PyTorch model), so parity on them is an independent check.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from foryou.phoenix.config import ffn_size
from foryou.phoenix.golden import RANKER_ROOT, RETRIEVAL_ROOT, TOWER, GoldenFile
from foryou.phoenix.reference.numpy_forward import ranker_forward, retrieval_forward

QK_GAIN = 2.0  # as the public fixtures: pushes attention logits into the soft-cap region


def synthetic_config(kind: str, **overrides: Any) -> dict[str, Any]:
    cfg: dict[str, Any] = {
        "model_kind": kind,
        "emb_size": 48,
        "key_size": 16,
        "num_q_heads": 4,
        "num_kv_heads": 2,
        "num_layers": 3,
        "widening_factor": 2,
        "attn_output_multiplier": 0.3,
        "num_actions": 19,
        "history_seq_len": 7,
        "candidate_seq_len": 5,
        "batch_size": 3,
        "num_user_hashes": 3,
        "num_item_hashes": 3,
        "num_author_hashes": 1,
        "product_surface_vocab_size": 16,
        "top_k": 4,
        "corpus_size": 50,
        "rms_norm_eps": 1e-5,
        "rope_base": 10000,
        "attn_logit_softcap": 30.0,
        "attn_mask_fill": -1e30,
        "retrieval_masked_score": -1e12,
    }
    cfg.update(overrides)
    cfg["ffn_size"] = ffn_size(cfg["emb_size"], cfg["widening_factor"])
    cfg["model_size"] = cfg["emb_size"]
    return cfg


def _param_shapes(cfg: dict[str, Any]) -> dict[str, tuple[int, ...]]:
    d, dk, f = cfg["emb_size"], cfg["key_size"], cfg["ffn_size"]
    u, i, a, na = cfg["num_user_hashes"], cfg["num_item_hashes"], cfg["num_author_hashes"], cfg["num_actions"]
    ranker = cfg["model_kind"] == "ranker"
    root = RANKER_ROOT if ranker else RETRIEVAL_ROOT
    shapes: dict[str, tuple[int, ...]] = {
        f"{root}/product_surface_embedding_table": (cfg["product_surface_vocab_size"], d),
        f"{root}/action_projection": (na, d),
        f"{root}/proj_mat_1": (u * d, d),
        f"{root}/proj_mat_3": ((i + a + 2) * d, d),
    }
    for layer in range(cfg["num_layers"]):
        pre = f"transformer/decoder_layer_{layer}/"
        for n in ("rms_norm", "rms_norm_1", "rms_norm_2", "rms_norm_3"):
            shapes[pre + n + "/scale"] = (d,)
        shapes[pre + "multi_head_attention/query/w"] = (d, cfg["num_q_heads"] * dk)
        shapes[pre + "multi_head_attention/key/w"] = (d, cfg["num_kv_heads"] * dk)
        shapes[pre + "multi_head_attention/value/w"] = (d, cfg["num_kv_heads"] * dk)
        shapes[pre + "multi_head_attention/linear/w"] = (cfg["num_q_heads"] * dk, d)
        shapes[pre + "linear/w"] = (d, f)
        shapes[pre + "linear_v/w"] = (d, f)
        shapes[pre + "linear_1/w"] = (f, d)
    if ranker:
        shapes[f"{root}/proj_mat_2"] = ((i + a + 1) * d, d)
        shapes[f"{root}/rms_norm/scale"] = (d,)
        shapes[f"{root}/unembeddings"] = (d, na)
    else:
        shapes[f"{root}/{TOWER}/candidate_tower_projection_1"] = ((i + a) * d, 2 * d)
        shapes[f"{root}/{TOWER}/candidate_tower_projection_2"] = (2 * d, d)
    return shapes


def synthetic_params(cfg: dict[str, Any], seed: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    out = {}
    for key, shape in sorted(_param_shapes(cfg).items()):
        if key.endswith("/scale"):
            out[key] = 1.0 + 0.1 * rng.standard_normal(shape)
        elif key.endswith("product_surface_embedding_table"):
            out[key] = rng.standard_normal(shape)
        else:
            gain = QK_GAIN if key.endswith(("query/w", "key/w")) else 1.0
            out[key] = gain * rng.standard_normal(shape) / np.sqrt(shape[0])
    return {k: v.astype(np.float32) for k, v in out.items()}


def synthetic_inputs(cfg: dict[str, Any], seed: int) -> dict[str, np.ndarray]:
    """Random inputs with padded history, padded candidates and, in row 0, a fully padded user."""
    rng = np.random.default_rng(seed)
    b, s, c, d = cfg["batch_size"], cfg["history_seq_len"], cfg["candidate_seq_len"], cfg["emb_size"]
    u, i, a = cfg["num_user_hashes"], cfg["num_item_hashes"], cfg["num_author_hashes"]

    def hashes(*shape: int) -> np.ndarray:
        return rng.integers(1, 100_000, size=shape).astype(np.int32)

    x: dict[str, np.ndarray] = {
        "user_hashes": hashes(b, u),
        "history_post_hashes": hashes(b, s, i),
        "history_author_hashes": hashes(b, s, a),
        "history_actions": (rng.random((b, s, cfg["num_actions"])) < 0.3).astype(np.float32),
        "history_product_surface": rng.integers(0, 16, size=(b, s)).astype(np.int32),
        "candidate_post_hashes": hashes(b, c, i),
        "candidate_author_hashes": hashes(b, c, a),
        "candidate_product_surface": rng.integers(0, 16, size=(b, c)).astype(np.int32),
    }
    for name, shape in (
        ("user_embeddings", (b, u, d)),
        ("history_post_embeddings", (b, s, i, d)),
        ("history_author_embeddings", (b, s, a, d)),
        ("candidate_post_embeddings", (b, c, i, d)),
        ("candidate_author_embeddings", (b, c, a, d)),
    ):
        x[name] = rng.standard_normal(shape).astype(np.float32)
    x["user_hashes"][0, :] = 0  # row 0: fully padded user, history and one candidate
    x["history_post_hashes"][0, :, :] = 0
    x["candidate_post_hashes"][0, -1, 0] = 0
    if b > 1:
        x["history_post_hashes"][1, s // 2 :, 0] = 0  # right-padded history
        x["history_actions"][1, 0, :] = 0  # a valid item without actions
        x["candidate_post_hashes"][1, 0, 0] = 0
    if cfg["model_kind"] == "retrieval":
        n = cfg["corpus_size"]
        corpus = rng.standard_normal((n, d))
        x["corpus_embeddings"] = (corpus / np.linalg.norm(corpus, axis=1, keepdims=True)).astype(np.float32)
        x["corpus_mask"] = (rng.random(n) > 0.2).astype(np.int32)
        x["top_k"] = np.array(cfg["top_k"], dtype=np.int32)
    return x


def synthetic_golden(cfg: dict[str, Any], *, seed: int = 0) -> GoldenFile:
    params = synthetic_params(cfg, seed)
    inputs = synthetic_inputs(cfg, seed + 1)
    if cfg["model_kind"] == "ranker":
        ref = ranker_forward(params, cfg, inputs)
        logits = ref.pop("logits")
        probs = 1.0 / (1.0 + np.exp(-logits))
        outputs = {
            "logits": logits.astype(np.float32),
            "probs": probs.astype(np.float32),
            "ranked_indices": np.argsort(-probs[:, :, 0], axis=1, kind="stable").astype(np.int32),
        }
    else:
        ref = retrieval_forward(params, cfg, inputs)
        outputs = {
            k: ref.pop(k).astype(np.float32)
            for k in ("user_representation", "user_norm", "candidate_representation", "top_k_scores")
        }
        outputs["top_k_indices"] = ref.pop("top_k_indices").astype(np.int32)
        outputs["candidate_padding_mask"] = (inputs["candidate_post_hashes"][:, :, 0] != 0).astype(np.int32)
    intermediates = {k: v.astype(np.int32 if k == "padding_mask" else np.float32) for k, v in ref.items()}
    return GoldenFile(config=cfg, params=params, inputs=inputs, outputs=outputs, intermediates=intermediates)
