"""Remembering what is worked out from the format definition, once per process."""

from __future__ import annotations

import functools
from typing import Any, Callable, TypeVar

R = TypeVar("R")


def per_object(func: Callable[..., R]) -> Callable[..., R]:
    """Memoise ``func(obj, *rest)`` by the identity of ``obj`` (``rest`` by value).

    For the format's tables and fields: big frozen dataclasses whose hash walks every
    cell (≈ 60 µs for 表三), more than the work being saved.  The object is kept
    with its result, so its id cannot be reused by another object."""
    cache: dict[tuple, tuple[Any, R]] = {}

    @functools.wraps(func)
    def wrapper(obj: Any, *rest: Any) -> R:
        key = (id(obj), rest)
        hit = cache.get(key)
        if hit is not None and hit[0] is obj:
            return hit[1]
        value = func(obj, *rest)
        cache[key] = (obj, value)
        return value

    return wrapper
