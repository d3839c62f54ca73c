"""Ingestion of the posts topic: `decode` (pure, one record at a time) and `ingestor` (the loop)."""

from foryou.thunder.ingest.decode import DecodedBatch, decode_batch
from foryou.thunder.ingest.ingestor import IngestConfig, PostIngestor

__all__ = ["DecodedBatch", "IngestConfig", "PostIngestor", "decode_batch"]
