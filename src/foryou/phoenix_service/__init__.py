"""Phoenix at serving time: live retrieval index fed by events, micro-batched ranking, hot reload."""
