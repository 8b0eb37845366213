"""`frozen`: a frozen, slotted dataclass whose instances are made ~2-3x faster.

The `__init__` that dataclasses writes for a frozen class sets each field with
`object.__setattr__(self, name, value)`, which costs about half a microsecond a field; the engine
makes several such values per consult (Consult, State, Decision, ...). This one sets each slot
through its descriptor instead. Same signature, defaults, default factories and instances;
everything else (eq, hash, repr, replace, pickling, FrozenInstanceError) is the dataclass's own.
"""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

T = TypeVar("T")


class _Factory:
    def __repr__(self) -> str:
        return "<factory>"


_FACTORY: Any = _Factory()  # the default of a field made by a default_factory


def frozen(cls: type[T]) -> type[T]:
    """@dataclass(frozen=True, slots=True) with a faster __init__ (plain positional-or-keyword
    fields only: no InitVar, kw_only or __post_init__). __init__, __repr__, __eq__ and __hash__ are
    the ones dataclasses writes, written here in one `exec` (dataclasses makes one per method:
    most of the engine's import time, which every shunt command pays)."""
    cls = dataclasses.dataclass(frozen=True, slots=True, init=False, repr=False, eq=False)(cls)
    assert not hasattr(cls, "__post_init__")
    fields = dataclasses.fields(cls)
    ns: dict[str, Any] = {"_FACTORY": _FACTORY}
    params, body = [], []
    for i, f in enumerate(fields):
        assert f.init and not f.kw_only
        ns[f"_set{i}"] = cls.__dict__[f.name].__set__
        if f.default is not dataclasses.MISSING:
            ns[f"_default{i}"] = f.default
            params.append(f"{f.name}=_default{i}")
        elif f.default_factory is not dataclasses.MISSING:
            ns[f"_factory{i}"] = f.default_factory
            params.append(f"{f.name}=_FACTORY")
            body.append(f"    if {f.name} is _FACTORY: {f.name} = _factory{i}()")
        else:
            params.append(f.name)
        body.append(f"    _set{i}(self, {f.name})")

    def values(of: str, chosen) -> str:
        return "(" + "".join(f"{of}.{f.name}," for f in chosen) + ")"

    shown = ", ".join(f"{f.name}={{self.{f.name}!r}}" for f in fields if f.repr)
    compared = [f for f in fields if f.compare]
    hashed = [f for f in fields if (f.compare if f.hash is None else f.hash)]
    exec(f"def __init__(self, {', '.join(params)}):\n" + "\n".join(body or ["    pass"]) + "\n"
         "def __repr__(self):\n"
         f"    return self.__class__.__qualname__ + f'({shown})'\n"
         "def __eq__(self, other):\n"
         "    if other.__class__ is self.__class__:\n"
         f"        return {values('self', compared)} == {values('other', compared)}\n"
         "    return NotImplemented\n"
         "def __hash__(self):\n"
         f"    return hash({values('self', hashed)})\n", ns)
    for name in ("__init__", "__repr__", "__eq__", "__hash__"):
        fn = ns[name]
        fn.__qualname__ = f"{cls.__qualname__}.{name}"
        fn.__module__ = cls.__module__
        setattr(cls, name, fn)
    cls.__init__.__annotations__ = {**{f.name: f.type for f in fields}, "return": None}
    return cls
