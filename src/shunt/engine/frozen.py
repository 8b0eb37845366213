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
    fields only: no InitVar, kw_only or __post_init__)."""
    cls = dataclasses.dataclass(frozen=True, slots=True)(cls)
    assert not hasattr(cls, "__post_init__")
    ns: dict[str, Any] = {"_FACTORY": _FACTORY}
    params, body = [], []
    for i, f in enumerate(dataclasses.fields(cls)):
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
    exec(f"def __init__(self, {', '.join(params)}):\n" + "\n".join(body or ["    pass"]), ns)
    init = ns["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__module__ = cls.__module__
    init.__annotations__ = dict(cls.__init__.__annotations__)
    cls.__init__ = init  # type: ignore[misc]
    return cls
