"""The For You pipeline (SPEC §3): request path components in folders named by stage kind."""
