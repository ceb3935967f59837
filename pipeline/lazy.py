"""`lazy`: a cached attribute computed on first read, for the per-posting helper objects of the
normalizers (pipeline/pay.py, pipeline/location.py, pipeline/employer_type.py).

Like functools.cached_property, but without the lock that Python 3.11's version takes on every
first read: these objects live for one normalize() call in one thread, and a few of them are made
for every posting, so the lock was paid many times a posting for nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class lazy(Generic[T]):  # noqa: N801 - used as a decorator, like cached_property
    """A non-data descriptor: the first read calls the function and stores the value in the
    instance's __dict__ under the same name, so later reads never reach the descriptor."""

    def __init__(self, func: Callable[[Any], T]) -> None:
        self.func = func
        self.name = func.__name__
        self.__doc__ = func.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, instance: Any, owner: type | None = None) -> T:
        if instance is None:
            return self  # type: ignore[return-value]
        value = instance.__dict__[self.name] = self.func(instance)
        return value
