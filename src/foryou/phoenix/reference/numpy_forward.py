"""Reference forward passes in float64 numpy over upstream-named parameters (golden README §3, §6, §7).

`params` maps haiku names (without the `param/` prefix) to arrays, `cfg` is a golden `config_json` dict,
`inputs` maps `input/` field names (without the prefix) to arrays. Nothing here is fast on purpose.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt

F64 = npt.NDArray[np.float64]
Arrays = dict[str, Any]


def _f(x: Any) -> F64:
    return np.asarray(x, dtype=np.float64)


def _rms_norm(x: F64, scale: Any, eps: float) -> F64:
    out: F64 = x / np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + eps) * _f(scale)
    return out


def _gelu_tanh(u: F64) -> F64:
    return 0.5 * u * (1.0 + np.tanh(math.sqrt(2.0 / math.pi) * (u + 0.044715 * u**3)))


def _rope(x: F64, positions: list[int], base: float) -> F64:
    """x [T, dk]; split-halves rotation."""
    dk = x.shape[-1]
    half = dk // 2
    out = np.empty_like(x)
    for t, p in enumerate(positions):
        for i in range(half):
            angle = p * (1.0 / base ** (2.0 * i / dk))
            c, s = math.cos(angle), math.sin(angle)
            out[t, i] = x[t, i] * c - x[t, i + half] * s
            out[t, i + half] = x[t, i + half] * c + x[t, i] * s
    return out


def _allowed(t: int, s: int, offset: int, prefix_attention: str) -> bool:
    """The attention rule of golden README §6.2 / SPEC §5.4, without padding."""
    if t < offset:
        return s <= t if prefix_attention == "causal" else s < offset
    return s < offset or s == t


def _layer(h: F64, p: Arrays, layer: int, cfg: dict[str, Any], allowed: list[list[bool]], positions: list[int]) -> F64:
    pre = f"transformer/decoder_layer_{layer}/"
    eps = float(cfg["rms_norm_eps"])
    dk, hq, hkv = int(cfg["key_size"]), int(cfg["num_q_heads"]), int(cfg["num_kv_heads"])
    x = _rms_norm(h, p[pre + "rms_norm/scale"], eps)
    q = x @ _f(p[pre + "multi_head_attention/query/w"])
    k = x @ _f(p[pre + "multi_head_attention/key/w"])
    v = x @ _f(p[pre + "multi_head_attention/value/w"])
    t_len = h.shape[0]
    heads = []
    for j in range(hq):
        kv = j // (hq // hkv)
        qj = _rope(q[:, j * dk : (j + 1) * dk], positions, float(cfg["rope_base"]))
        kj = _rope(k[:, kv * dk : (kv + 1) * dk], positions, float(cfg["rope_base"]))
        vj = v[:, kv * dk : (kv + 1) * dk]
        z = (qj @ kj.T) * float(cfg["attn_output_multiplier"])
        cap = float(cfg["attn_logit_softcap"])
        z = cap * np.tanh(z / cap)
        for t in range(t_len):
            for s in range(t_len):
                if not allowed[t][s]:
                    z[t, s] = float(cfg["attn_mask_fill"])
        z = z - z.max(axis=1, keepdims=True)
        w = np.exp(z)
        w = w / w.sum(axis=1, keepdims=True)
        heads.append(w @ vj)
    attn = np.concatenate(heads, axis=1) @ _f(p[pre + "multi_head_attention/linear/w"])
    h = h + _rms_norm(attn, p[pre + "rms_norm_1/scale"], eps)
    y = _rms_norm(h, p[pre + "rms_norm_2/scale"], eps)
    ffn = (_gelu_tanh(y @ _f(p[pre + "linear/w"])) * (y @ _f(p[pre + "linear_v/w"]))) @ _f(p[pre + "linear_1/w"])
    return h + _rms_norm(ffn, p[pre + "rms_norm_3/scale"], eps)


def _surface(table: Any, sid: int) -> F64:
    t = _f(table)
    return t[sid] if 0 <= sid < t.shape[0] else np.zeros(t.shape[1])


def _prefix_tokens(p: Arrays, root: str, inputs: Arrays, b: int) -> tuple[list[F64], list[bool]]:
    tokens = [_f(inputs["user_embeddings"][b]).reshape(-1) @ _f(p[root + "proj_mat_1"])]
    valid = [bool(inputs["user_hashes"][b, 0] != 0)]
    for s in range(inputs["history_post_hashes"].shape[1]):
        a = _f(inputs["history_actions"][b, s])
        act = ((2.0 * a - 1.0) @ _f(p[root + "action_projection"])) * (1.0 if np.any(a != 0) else 0.0)
        feat = np.concatenate(
            [
                _f(inputs["history_post_embeddings"][b, s]).reshape(-1),
                _f(inputs["history_author_embeddings"][b, s]).reshape(-1),
                act,
                _surface(p[root + "product_surface_embedding_table"], int(inputs["history_product_surface"][b, s])),
            ]
        )
        tokens.append(feat @ _f(p[root + "proj_mat_3"]))
        valid.append(bool(inputs["history_post_hashes"][b, s, 0] != 0))
    return tokens, valid


def _decode(
    p: Arrays, cfg: dict[str, Any], x: F64, valid: list[bool], offset: int, positions: list[int], mode: str
) -> list[F64]:
    t_len = x.shape[0]
    allowed = [[_allowed(t, s, offset, mode) and valid[s] for s in range(t_len)] for t in range(t_len)]
    outs = []
    for layer in range(int(cfg["num_layers"])):
        x = _layer(x, p, layer, cfg, allowed, positions)
        outs.append(x)
    return outs


def ranker_forward(
    p: Arrays,
    cfg: dict[str, Any],
    inputs: Arrays,
    *,
    prefix_attention: str = "causal",
    candidate_positions: str = "sequential",
) -> dict[str, F64]:
    """logits [B, C, A], input_embeddings [B, T, D], padding_mask, decoder_layer_{l}_out."""
    root = "phoenix_model/"
    b_len, c_len = inputs["candidate_post_hashes"].shape[:2]
    res: dict[str, list[F64]] = {"logits": [], "input_embeddings": [], "padding_mask": []}
    for b in range(b_len):
        tokens, valid = _prefix_tokens(p, root, inputs, b)
        offset = len(tokens)
        for c in range(c_len):
            feat = np.concatenate(
                [
                    _f(inputs["candidate_post_embeddings"][b, c]).reshape(-1),
                    _f(inputs["candidate_author_embeddings"][b, c]).reshape(-1),
                    _surface(
                        p[root + "product_surface_embedding_table"], int(inputs["candidate_product_surface"][b, c])
                    ),
                ]
            )
            tokens.append(feat @ _f(p[root + "proj_mat_2"]))
            valid.append(bool(inputs["candidate_post_hashes"][b, c, 0] != 0))
        shared = 1 + int(cfg["history_seq_len"])
        positions = list(range(offset)) + [
            offset + c if candidate_positions == "sequential" else shared for c in range(c_len)
        ]
        x = np.stack(tokens)
        outs = _decode(p, cfg, x, valid, offset, positions, prefix_attention)
        h = _rms_norm(outs[-1], p[root + "rms_norm/scale"], float(cfg["rms_norm_eps"]))
        res["logits"].append(h[offset:] @ _f(p[root + "unembeddings"]))
        res["input_embeddings"].append(x)
        res["padding_mask"].append(np.array(valid, dtype=np.float64))
        for layer, o in enumerate(outs):
            res.setdefault(f"decoder_layer_{layer}_out", []).append(o)
    return {k: np.stack(v) for k, v in res.items()}


def _l2(x: F64) -> tuple[F64, F64]:
    norm = np.sqrt(max(float(np.sum(x * x)), 1e-12))
    return x / norm, np.array([norm])


def retrieval_forward(p: Arrays, cfg: dict[str, Any], inputs: Arrays) -> dict[str, F64]:
    """user_representation, user_norm, candidate_representation, top_k_scores/indices, intermediates."""
    root = "phoenix_retrieval_model/"
    tower = root + "~build_candidate_representation/candidate_tower/"
    b_len, c_len = inputs["candidate_post_hashes"].shape[:2]
    res: dict[str, list[F64]] = {k: [] for k in ("user_representation", "user_norm", "candidate_representation")}
    res.update({"input_embeddings": [], "padding_mask": [], "top_k_scores": [], "top_k_indices": []})
    corpus = _f(inputs["corpus_embeddings"])
    enabled = np.asarray(inputs["corpus_mask"]) != 0
    k = int(inputs["top_k"])
    for b in range(b_len):
        tokens, valid = _prefix_tokens(p, root, inputs, b)
        x = np.stack(tokens)
        outs = _decode(p, cfg, x, valid, len(tokens), list(range(len(tokens))), "causal")
        count = sum(valid)
        pooled = sum((outs[-1][t] for t in range(len(valid)) if valid[t]), np.zeros(x.shape[1])) / max(count, 1)
        rep, norm = _l2(pooled)
        res["user_representation"].append(rep)
        res["user_norm"].append(norm)
        cands = []
        for c in range(c_len):
            e = np.concatenate(
                [_f(inputs["candidate_post_embeddings"][b, c]), _f(inputs["candidate_author_embeddings"][b, c])]
            ).reshape(-1)
            r = e @ _f(p[tower + "candidate_tower_projection_1"])
            r = (r / (1.0 + np.exp(-r))) @ _f(p[tower + "candidate_tower_projection_2"])
            cands.append(_l2(r)[0])
        res["candidate_representation"].append(np.stack(cands))
        scores = np.where(enabled, corpus @ rep, float(cfg["retrieval_masked_score"]))
        order = sorted(range(len(scores)), key=lambda i: (-scores[i], i))[:k]
        res["top_k_indices"].append(np.array(order, dtype=np.float64))
        res["top_k_scores"].append(scores[order])
        res["input_embeddings"].append(x)
        res["padding_mask"].append(np.array(valid, dtype=np.float64))
        for layer, o in enumerate(outs):
            res.setdefault(f"decoder_layer_{layer}_out", []).append(o)
    return {k: np.stack(v) for k, v in res.items()}
