"""Golden parity (SPEC §5.6): run our float32 model on a golden file and compare every output.

Tolerances are those of shared/golden/README.md §9: `logits` 1e-4, `probs` 3e-5, representations and
top-k scores 1e-5, `user_norm` relative 1e-5, intermediates 2e-4 on valid positions; indices and masks
exact (a swap is accepted only inside a tie of the reference scores, gap ≤ 1e-6). `max_abs_err` is over
the model outputs (not the debugging intermediates) and must also be ≤ 1e-4. The ranker is checked
twice: the full-sequence forward, and the cached prefix + chunked candidates path with upstream's
`sequential` positions (`logits_cached`, on every slot whose attention row is not entirely masked).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch

from foryou.phoenix.golden import (
    MAX_ABS_ERR,
    TIE_GAP,
    TOLERANCES,
    GoldenFile,
    golden_batch,
    load_upstream_params,
    model_from_config,
    read_golden,
)
from foryou.phoenix.ranker import PhoenixRanker
from foryou.phoenix.retrieval import RetrievalModel, top_k

PARITY_CHUNK = 3  # chunk size of the cached check: small, so several chunks are exercised


@dataclass
class ParityReport:
    file: str
    model_kind: str
    per_output: dict[str, dict[str, Any]] = field(default_factory=dict)
    max_abs_err: float = 0.0

    @property
    def ok(self) -> bool:
        return all(v["ok"] for v in self.per_output.values()) and self.max_abs_err <= MAX_ABS_ERR

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "model_kind": self.model_kind,
            "max_abs_err": self.max_abs_err,
            "per_output": self.per_output,
            "ok": self.ok,
        }

    def close(self, name: str, ours: np.ndarray, ref: np.ndarray, tol: float, *, counts: bool = True) -> None:
        err = float(np.max(np.abs(ours.astype(np.float64) - ref.astype(np.float64)))) if ref.size else 0.0
        self.per_output[name] = {"max_abs_err": err, "tolerance": tol, "ok": bool(err <= tol)}
        if counts:
            self.max_abs_err = max(self.max_abs_err, err)

    def relative(self, name: str, ours: np.ndarray, ref: np.ndarray, tol: float) -> None:
        rel = np.abs(ours.astype(np.float64) - ref) / np.maximum(np.abs(ref.astype(np.float64)), 1e-30)
        err = float(rel.max()) if rel.size else 0.0
        self.per_output[name] = {"max_rel_err": err, "tolerance": tol, "ok": bool(err <= tol)}

    def exact(self, name: str, ours: np.ndarray, ref: np.ndarray) -> None:
        bad = int(np.sum(ours.astype(np.int64) != ref.astype(np.int64)))
        self.per_output[name] = {"mismatches": bad, "ok": bad == 0 and ours.shape == ref.shape}

    def ranking(self, name: str, ours: np.ndarray, ref: np.ndarray, ref_scores: np.ndarray) -> None:
        """Index lists must agree except inside ties of the reference's own sorted scores [B, K]."""
        bad = 0
        for row in range(ref.shape[0]):
            for i in np.nonzero(ours[row] != ref[row])[0]:
                s = ref_scores[row]
                tied = (i > 0 and abs(s[i] - s[i - 1]) <= TIE_GAP) or (
                    i + 1 < len(s) and abs(s[i] - s[i + 1]) <= TIE_GAP
                )
                bad += 0 if tied else 1
        self.per_output[name] = {"mismatches": bad, "ok": bad == 0 and ours.shape == ref.shape}

    def intermediates(self, golden: GoldenFile, ours: dict[str, torch.Tensor]) -> None:
        valid = golden.intermediates.get("padding_mask")
        for name, ref in golden.intermediates.items():
            if name not in ours:
                self.per_output[f"intermediate/{name}"] = {"ok": False, "error": "not produced"}
                continue
            mine = ours[name].detach().float().numpy()
            if name == "padding_mask":
                self.exact(f"intermediate/{name}", mine, ref)
                continue
            keep = (valid != 0) if valid is not None else np.ones(ref.shape[:2], dtype=bool)
            self.close(f"intermediate/{name}", mine[keep], ref[keep], TOLERANCES["intermediate"], counts=False)


def _ranker(report: ParityReport, model: PhoenixRanker, golden: GoldenFile) -> None:
    batch, prefix_emb, cand_emb = golden_batch(golden.inputs)
    with torch.inference_mode():
        trace = model.trace(batch, prefix_emb=prefix_emb, candidate_emb=cand_emb)
        cache = model.encode_prefix(batch.prefix, prefix_emb=prefix_emb)
        c = batch.candidates.num_candidates
        cached = torch.cat(
            [
                model.score_chunk(
                    cache,
                    batch.candidates.slice(s, s + PARITY_CHUNK),
                    start=s,
                    candidate_emb=type(cand_emb)(
                        cand_emb.post[:, s : s + PARITY_CHUNK], cand_emb.author[:, s : s + PARITY_CHUNK]
                    ),
                )
                for s in range(0, c, PARITY_CHUNK)
            ],
            dim=1,
        )
    logits = trace.logits.float().numpy()
    probs = torch.sigmoid(trace.logits.float()).numpy()
    out = golden.outputs
    report.close("logits", logits, out["logits"], TOLERANCES["logits"])
    if "probs" in out:
        report.close("probs", probs, out["probs"], TOLERANCES["probs"])
    if "ranked_indices" in out:
        ranked = np.argsort(-probs[:, :, 0], axis=1, kind="stable")
        ref_sorted = np.take_along_axis(out["probs"][:, :, 0], out["ranked_indices"].astype(np.int64), axis=1)
        report.ranking("ranked_indices", ranked, out["ranked_indices"], ref_sorted)
    # A candidate row with no valid key at all is uniform over the whole sequence upstream; the cached
    # path cannot see other candidates, and such slots are padding whose outputs are ignored (SPEC §5.4).
    live = (batch.candidates.valid | batch.prefix.valid.any(dim=1, keepdim=True)).numpy()
    report.close("logits_cached", cached.float().numpy()[live], out["logits"][live], TOLERANCES["logits"])
    ours = {"input_embeddings": trace.input_embeddings, "padding_mask": trace.padding_mask}
    ours.update({f"decoder_layer_{i}_out": h for i, h in enumerate(trace.layer_outputs)})
    report.intermediates(golden, ours)


def _retrieval(report: ParityReport, model: RetrievalModel, golden: GoldenFile) -> None:
    batch, prefix_emb, cand_emb = golden_batch(golden.inputs)
    inp, out = golden.inputs, golden.outputs
    with torch.inference_mode():
        user = model.encode_user_trace(batch.prefix, prefix_emb=prefix_emb)
        cands = model.encode_candidates(batch.candidates, candidate_emb=cand_emb)
        scores, indices = top_k(
            user.representation,
            torch.from_numpy(inp["corpus_embeddings"]),
            torch.from_numpy(inp["corpus_mask"]),
            int(inp["top_k"]),
        )
    report.close(
        "user_representation",
        user.representation.numpy(),
        out["user_representation"],
        TOLERANCES["user_representation"],
    )
    report.relative("user_norm", user.norm.numpy(), out["user_norm"], TOLERANCES["user_norm"])
    report.close(
        "candidate_representation",
        cands.numpy(),
        out["candidate_representation"],
        TOLERANCES["candidate_representation"],
    )
    report.exact("candidate_padding_mask", batch.candidates.valid.numpy(), out["candidate_padding_mask"])
    report.ranking("top_k_indices", indices.numpy(), out["top_k_indices"], out["top_k_scores"])
    report.close("top_k_scores", scores.numpy(), out["top_k_scores"], TOLERANCES["top_k_scores"])
    ours = {"input_embeddings": user.input_embeddings, "padding_mask": user.padding_mask}
    ours.update({f"decoder_layer_{i}_out": h for i, h in enumerate(user.layer_outputs)})
    report.intermediates(golden, ours)


def run_parity(path: Path) -> ParityReport:
    """Load `path`, build the model its config describes, and compare everything (float32, CPU)."""
    golden = read_golden(path)
    model = model_from_config(golden.config)
    load_upstream_params(model, golden.params)
    model.eval()
    report = ParityReport(file=str(path), model_kind=str(golden.config["model_kind"]))
    if isinstance(model, PhoenixRanker):
        _ranker(report, model, golden)
    else:
        _retrieval(report, model, golden)
    return report
