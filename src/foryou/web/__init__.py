"""The feed explorer: a page, served by the Home Mixer's HTTP server, that shows a user's feed and why."""

from foryou.web.explorer import STATIC_DIR, mount_explorer

__all__ = ["STATIC_DIR", "mount_explorer"]
