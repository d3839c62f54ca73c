"""Type names shared by the store tests."""

from __future__ import annotations

from collections.abc import Callable

from foryou.stores import Stores

StoresFactory = Callable[..., Stores]
