"""Golden files (shared/golden/README.md): read, map upstream haiku names onto our modules, check parity.

`run_parity(path)` builds the model the file's `config_json` describes, loads `param/*` by upstream name,
runs float32 on `input/*` and compares every `output/*` and `intermediate/*` within the README §9
tolerances. `write_golden` writes a file in the same format (used for synthetic fixtures).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch

from foryou.core.errors import ConfigError, CorruptDataError
from foryou.phoenix.batch import CandidateBatch, CandidateEmbeddings, PhoenixBatch, PrefixBatch, PrefixEmbeddings
from foryou.phoenix.config import InputConfig, PhoenixConfig, RetrievalConfig, TransformerConfig
from foryou.phoenix.ranker import PhoenixRanker
from foryou.phoenix.retrieval import RetrievalModel

RANKER_ROOT = "phoenix_model"
RETRIEVAL_ROOT = "phoenix_retrieval_model"
TOWER = "~build_candidate_representation/candidate_tower"

# README §9 suggested float32 tolerances (absolute unless noted); indices and masks must be exact.
TOLERANCES: dict[str, float] = {
    "logits": 1e-4,
    "probs": 3e-5,
    "user_representation": 1e-5,
    "candidate_representation": 1e-5,
    "top_k_scores": 1e-5,
    "user_norm": 1e-5,  # relative
    "intermediate": 2e-4,  # valid positions only
}
MAX_ABS_ERR = 1e-4  # issue #4: max over the model outputs
TIE_GAP = 1e-6  # SPEC §5.6: top-k indices need to match only where score gaps exceed this


@dataclass(frozen=True)
class GoldenFile:
    config: dict[str, Any]
    params: dict[str, np.ndarray]
    inputs: dict[str, np.ndarray]
    outputs: dict[str, np.ndarray]
    intermediates: dict[str, np.ndarray]


def read_golden(path: Path) -> GoldenFile:
    try:
        with np.load(path, allow_pickle=False) as z:
            arrays = {k: z[k] for k in z.files}
    except (OSError, ValueError) as exc:
        raise CorruptDataError(f"{path}: not a readable golden .npz file: {exc}") from exc
    if "config_json" not in arrays:
        raise CorruptDataError(f"{path}: no config_json")

    def part(prefix: str) -> dict[str, np.ndarray]:
        return {k[len(prefix) :]: v for k, v in arrays.items() if k.startswith(prefix)}

    return GoldenFile(
        config=json.loads(str(arrays["config_json"][()])),
        params=part("param/"),
        inputs=part("input/"),
        outputs=part("output/"),
        intermediates=part("intermediate/"),
    )


def write_golden(path: Path, golden: GoldenFile) -> None:
    arrays: dict[str, np.ndarray] = {"config_json": np.array(json.dumps(golden.config, sort_keys=True))}
    for prefix, part in (
        ("param/", golden.params),
        ("input/", golden.inputs),
        ("output/", golden.outputs),
        ("intermediate/", golden.intermediates),
    ):
        arrays.update({prefix + k: v for k, v in part.items()})
    np.savez(path, **arrays)  # type: ignore[arg-type]


# ---- configs -----------------------------------------------------------------------------------
def transformer_config(cfg: dict[str, Any]) -> TransformerConfig:
    tc = TransformerConfig(
        emb_size=int(cfg["emb_size"]),
        num_layers=int(cfg["num_layers"]),
        num_q_heads=int(cfg["num_q_heads"]),
        num_kv_heads=int(cfg["num_kv_heads"]),
        key_size=int(cfg["key_size"]),
        widening_factor=float(cfg["widening_factor"]),
        attn_output_multiplier=float(cfg["attn_output_multiplier"]),
        rms_norm_eps=float(cfg.get("rms_norm_eps", 1e-5)),
        rope_base=float(cfg.get("rope_base", 10000)),
        attn_logit_softcap=float(cfg.get("attn_logit_softcap", 30.0)),
        attn_mask_fill=float(cfg.get("attn_mask_fill", -1e30)),
    )
    if "ffn_size" in cfg and int(cfg["ffn_size"]) != tc.ffn_size:
        raise ConfigError(f"config ffn_size {cfg['ffn_size']} != ffn_size(D, wf) = {tc.ffn_size}")
    return tc


def input_config(cfg: dict[str, Any]) -> InputConfig:
    # Golden inputs arrive as looked-up embeddings, so the hash tables are unused: keep them minimal.
    return InputConfig(
        history_seq_len=int(cfg["history_seq_len"]),
        num_user_hashes=int(cfg["num_user_hashes"]),
        num_item_hashes=int(cfg["num_item_hashes"]),
        num_author_hashes=int(cfg["num_author_hashes"]),
        vocab_user=2,
        vocab_post=2,
        vocab_author=2,
        product_surface_vocab=int(cfg.get("product_surface_vocab_size", 16)),
        num_actions=int(cfg.get("num_actions", 19)),
    )


def model_from_config(cfg: dict[str, Any]) -> PhoenixRanker | RetrievalModel:
    kind = cfg.get("model_kind")
    if kind == "ranker":
        return PhoenixRanker(
            PhoenixConfig(
                transformer=transformer_config(cfg),
                inputs=input_config(cfg),
                candidate_seq_len=int(cfg["candidate_seq_len"]),
                prefix_attention="causal",
                candidate_positions="sequential",
            )
        )
    if kind == "retrieval":
        return RetrievalModel(RetrievalConfig(transformer=transformer_config(cfg), inputs=input_config(cfg)))
    raise ConfigError(f"unknown model_kind {kind!r}")


# ---- parameter names ---------------------------------------------------------------------------
def upstream_names(model: PhoenixRanker | RetrievalModel) -> dict[str, tuple[str, bool]]:
    """upstream key -> (our state_dict key, transposed?). Upstream matrices are [in, out]; ours [out, in]."""
    ranker = isinstance(model, PhoenixRanker)
    root = RANKER_ROOT if ranker else RETRIEVAL_ROOT
    names: dict[str, tuple[str, bool]] = {
        f"{root}/product_surface_embedding_table": ("reduce.surface_table", False),
        f"{root}/action_projection": ("reduce.action_projection.weight", True),
        f"{root}/proj_mat_1": ("reduce.user_proj.weight", True),
        f"{root}/proj_mat_3": ("reduce.history_proj.weight", True),
    }
    layer_parts = {
        "rms_norm/scale": ("pre_attn_norm.scale", False),
        "multi_head_attention/query/w": ("attn.q.weight", True),
        "multi_head_attention/key/w": ("attn.k.weight", True),
        "multi_head_attention/value/w": ("attn.v.weight", True),
        "multi_head_attention/linear/w": ("attn.o.weight", True),
        "rms_norm_1/scale": ("post_attn_norm.scale", False),
        "rms_norm_2/scale": ("pre_ffn_norm.scale", False),
        "linear/w": ("ffn.gate.weight", True),
        "linear_v/w": ("ffn.value.weight", True),
        "linear_1/w": ("ffn.down.weight", True),
        "rms_norm_3/scale": ("post_ffn_norm.scale", False),
    }
    for layer in range(len(model.transformer.layers)):
        for up, (ours, t) in layer_parts.items():
            names[f"transformer/decoder_layer_{layer}/{up}"] = (f"transformer.layers.{layer}.{ours}", t)
    if ranker:
        names[f"{root}/proj_mat_2"] = ("reduce.candidate_proj.weight", True)
        names[f"{root}/rms_norm/scale"] = ("final_norm.scale", False)
        names[f"{root}/unembeddings"] = ("unembed.weight", True)
    else:
        names[f"{root}/{TOWER}/candidate_tower_projection_1"] = ("candidate_tower.proj_1.weight", True)
        names[f"{root}/{TOWER}/candidate_tower_projection_2"] = ("candidate_tower.proj_2.weight", True)
    return names


def load_upstream_params(model: PhoenixRanker | RetrievalModel, params: dict[str, np.ndarray]) -> None:
    """Copy every upstream-named parameter into `model`; refuse missing, extra or mis-shaped ones."""
    names = upstream_names(model)
    missing, extra = sorted(set(names) - set(params)), sorted(set(params) - set(names))
    if missing or extra:
        raise ConfigError(f"parameter names do not match the config: missing {missing}, unexpected {extra}")
    state = model.state_dict()
    with torch.no_grad():
        for up, (ours, transposed) in names.items():
            value = torch.from_numpy(np.asarray(params[up], dtype=np.float32))
            value = value.T if transposed else value
            if tuple(value.shape) != tuple(state[ours].shape):
                raise ConfigError(
                    f"{up}: shape {tuple(params[up].shape)} does not fit {ours} {tuple(state[ours].shape)}"
                )
            state[ours].copy_(value)


def export_upstream_params(model: PhoenixRanker | RetrievalModel) -> dict[str, np.ndarray]:
    """The inverse mapping: our parameters under upstream names, [in, out] float32."""
    state = model.state_dict()
    out = {}
    for up, (ours, transposed) in upstream_names(model).items():
        value = state[ours].detach().float()
        out[up] = (value.T if transposed else value).contiguous().numpy()
    return out


# ---- inputs ------------------------------------------------------------------------------------
def golden_batch(inputs: dict[str, np.ndarray]) -> tuple[PhoenixBatch, PrefixEmbeddings, CandidateEmbeddings]:
    def t(name: str, dtype: torch.dtype) -> torch.Tensor:
        return torch.from_numpy(np.ascontiguousarray(inputs[name])).to(dtype)

    prefix = PrefixBatch(
        user_hashes=t("user_hashes", torch.int64),
        history_post_hashes=t("history_post_hashes", torch.int64),
        history_author_hashes=t("history_author_hashes", torch.int64),
        history_actions=t("history_actions", torch.float32),
        history_surfaces=t("history_product_surface", torch.int64),
    )
    cands = CandidateBatch(
        post_hashes=t("candidate_post_hashes", torch.int64),
        author_hashes=t("candidate_author_hashes", torch.int64),
        surfaces=t("candidate_product_surface", torch.int64),
    )
    prefix_emb = PrefixEmbeddings(
        user=t("user_embeddings", torch.float32),
        history_post=t("history_post_embeddings", torch.float32),
        history_author=t("history_author_embeddings", torch.float32),
    )
    cand_emb = CandidateEmbeddings(
        post=t("candidate_post_embeddings", torch.float32), author=t("candidate_author_embeddings", torch.float32)
    )
    return PhoenixBatch(prefix=prefix, candidates=cands), prefix_emb, cand_emb


def golden_inputs(
    batch: PhoenixBatch, prefix_emb: PrefixEmbeddings, candidate_emb: CandidateEmbeddings
) -> dict[str, np.ndarray]:
    """The inverse of `golden_batch`: `input/*` arrays in the golden file's names and dtypes."""

    def n(x: torch.Tensor, dtype: type) -> np.ndarray:
        return x.detach().cpu().numpy().astype(dtype)

    p, c = batch.prefix, batch.candidates
    return {
        "user_hashes": n(p.user_hashes, np.int32),
        "history_post_hashes": n(p.history_post_hashes, np.int32),
        "history_author_hashes": n(p.history_author_hashes, np.int32),
        "history_actions": n(p.history_actions, np.float32),
        "history_product_surface": n(p.history_surfaces, np.int32),
        "candidate_post_hashes": n(c.post_hashes, np.int32),
        "candidate_author_hashes": n(c.author_hashes, np.int32),
        "candidate_product_surface": n(c.surfaces, np.int32),
        "user_embeddings": n(prefix_emb.user, np.float32),
        "history_post_embeddings": n(prefix_emb.history_post, np.float32),
        "history_author_embeddings": n(prefix_emb.history_author, np.float32),
        "candidate_post_embeddings": n(candidate_emb.post, np.float32),
        "candidate_author_embeddings": n(candidate_emb.author, np.float32),
    }


def config_json(model: PhoenixRanker | RetrievalModel) -> dict[str, Any]:
    """A golden-format `config_json` describing `model` (the fields the reference and parity read)."""
    t, i = model.config.transformer, model.config.inputs
    return {
        "model_kind": "ranker" if isinstance(model, PhoenixRanker) else "retrieval",
        "emb_size": t.emb_size,
        "key_size": t.key_size,
        "num_q_heads": t.num_q_heads,
        "num_kv_heads": t.num_kv_heads,
        "num_layers": t.num_layers,
        "widening_factor": t.widening_factor,
        "ffn_size": t.ffn_size,
        "attn_output_multiplier": t.attn_output_multiplier,
        "rms_norm_eps": t.rms_norm_eps,
        "rope_base": t.rope_base,
        "attn_logit_softcap": t.attn_logit_softcap,
        "attn_mask_fill": t.attn_mask_fill,
        "retrieval_masked_score": -1e12,
        "history_seq_len": i.history_seq_len,
        "candidate_seq_len": getattr(model.config, "candidate_seq_len", 0),
        "num_user_hashes": i.num_user_hashes,
        "num_item_hashes": i.num_item_hashes,
        "num_author_hashes": i.num_author_hashes,
        "num_actions": i.num_actions,
        "product_surface_vocab_size": i.product_surface_vocab,
    }
