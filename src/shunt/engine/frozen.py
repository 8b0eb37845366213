"""`frozen`: a frozen, slotted dataclass, ~10x cheaper to make at import and ~2-3x faster to instantiate.

`@dataclass(frozen=True, slots=True)` compiles source for each class (its `__init__`, `__repr__`,
`__eq__`, `__hash__`, `__setattr__`, `__delattr__`: six `exec`s), then builds the class a second time
for its slots: ~0.5 ms a class, ~14 ms for the engine's model alone, which every shunt command pays at
start-up. Here `__init__`, `__eq__` and `__hash__` are compiled once per *shape* (the number of fields
and which have a default factory) with placeholder names, and renamed per class (a code object's
local and attribute names are data: `code.replace`); `__repr__`, `__setattr__`, `__delattr__` and the
pickling methods are shared or closures. The templates of the shapes shunt's classes have are written
out in frozen_shapes.py (tools/frozen_shapes.py), so a start loads them compiled from its .pyc: compiling
them (~16 shapes) cost ~5 ms of every command's start. `__init__` sets each slot through its descriptor, not
`object.__setattr__` (the engine makes several such values per consult).

To the `dataclasses` module the class is a dataclass (`fields`, `replace`, `asdict`, `is_dataclass`)
with the same signature, defaults, default factories, repr, equality, hash, pickling and
FrozenInstanceError as @dataclass(frozen=True, slots=True) gives.
"""

from __future__ import annotations

import dataclasses
import types
from operator import attrgetter
from typing import Any, TypeVar

T = TypeVar("T")


class _Factory:
    def __repr__(self) -> str:
        return "<factory>"


_FACTORY: Any = _Factory()  # the default of a field made by a default_factory
_MISSING = dataclasses.MISSING


def _params() -> Any:
    """The `__dataclass_params__` of @dataclass(frozen=True, slots=True) (its attributes vary by version; a
    Python whose dataclasses differ gets a template's own)."""
    flags = {"init": True, "repr": True, "eq": True, "order": False, "unsafe_hash": False, "frozen": True,
             "match_args": True, "kw_only": False, "slots": True, "weakref_slot": False}
    try:
        cls = dataclasses._DataclassParams  # type: ignore[attr-defined]
        p = object.__new__(cls)
        for name in cls.__slots__:
            object.__setattr__(p, name, flags[name])
        return p
    except (AttributeError, KeyError, TypeError):

        @dataclasses.dataclass(frozen=True, slots=True)
        class _Template:
            pass

        return _Template.__dataclass_params__  # type: ignore[attr-defined]


_PARAMS = _params()


def _frozen_setattr(self, name, value):
    raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")


def _frozen_delattr(self, name):
    raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")


_TEMPLATES: dict[tuple[bool, ...], dict[str, types.CodeType]] = {}  # shape → __init__, __eq__, __hash__
_METHODS = ("__init__", "__eq__", "__hash__")
COMPILED: list[tuple[bool, ...]] = []  # shapes compiled here (not found in frozen_shapes.py)


def source(factories: tuple[bool, ...]) -> str:
    """The source of __init__(self, a0, ..., a{n-1}) (field i set through `_s{i}`, after `_f{i}()` for a field
    with a default factory left out: its default is _FACTORY), and __eq__ and __hash__ over `.a0` ...
    `.a{n-1}`, for fields of this shape (whether each has a default factory)."""
    n = len(factories)
    own = "".join(f"self.a{i}," for i in range(n))
    lines = [f"def __init__(self{''.join(f', a{i}' for i in range(n))}):"]
    for i, factory in enumerate(factories):
        if factory:
            lines.append(f"    if a{i} is _FACTORY: a{i} = _f{i}()")
        lines.append(f"    _s{i}(self, a{i})")
    lines += ["    return None",
              "def __eq__(self, other):",
              "    if other.__class__ is self.__class__:",
              f"        return ({own}) == ({own.replace('self.', 'other.')})",
              "    return NotImplemented",
              "def __hash__(self):",
              f"    return hash(({own}))"]
    return "\n".join(lines) + "\n"


def _prebuilt() -> dict[tuple[bool, ...], tuple[types.CodeType, ...]]:
    """The templates of the shapes shunt's classes have, compiled with frozen_shapes.py (its .pyc): a
    start-up compiled ~16 shapes, ~5 ms. A shape not there is compiled from `source` (and noted in COMPILED)."""
    try:
        from shunt.engine.frozen_shapes import SHAPES
    except ImportError:  # (a tree without it: every shape compiled)
        return {}
    return SHAPES


def _templates(factories: tuple[bool, ...]) -> dict[str, types.CodeType]:
    """The code of __init__, __eq__ and __hash__ for fields of this shape (see `source`)."""
    got = _TEMPLATES.get(factories)
    if got is None:
        codes = _prebuilt().get(factories)
        if codes is None:
            ns: dict[str, Any] = {}
            exec(source(factories), ns)
            codes = tuple(ns[k].__code__ for k in _METHODS)
            COMPILED.append(factories)
        got = _TEMPLATES[factories] = dict(zip(_METHODS, codes))
    return got


def shapes_module(shapes) -> str:
    """The text of frozen_shapes.py holding these shapes' templates (tools/frozen_shapes.py writes it)."""
    out = ['"""The templates of engine/frozen.py for the shapes of shunt\'s frozen classes, compiled with this',
           "module (its .pyc) rather than at each start. Made by `python tools/frozen_shapes.py`: do not edit",
           '(tests/test_engine_frozen.py checks it is up to date)."""',
           "# fmt: off", "# flake8: noqa", "", "SHAPES = {}", ""]
    for shape in sorted(shapes, key=lambda f: (len(f), f)):
        out += [source(shape).rstrip("\n"),
                f"SHAPES[{tuple(shape)!r}] = (__init__.__code__, __eq__.__code__, __hash__.__code__)", ""]
    return "\n".join(out)


def _renamed(code: types.CodeType, qualname: str, names: dict[str, str], varnames: tuple[str, ...] | None = None
             ) -> types.CodeType:
    kw: dict[str, Any] = {"co_names": tuple(names.get(n, n) for n in code.co_names), "co_qualname": qualname}
    if varnames is not None:
        kw["co_varnames"] = varnames
    return code.replace(**kw)


def _field(name: str, annotation: Any, value: Any) -> dataclasses.Field:
    f = value if isinstance(value, dataclasses.Field) else dataclasses.field(default=value)
    f.name, f.type = name, annotation
    f._field_type = dataclasses._FIELD  # type: ignore[attr-defined]
    if f.kw_only is _MISSING:
        f.kw_only = False
    assert f.init and not f.kw_only and f.compare and f.hash is None, f"{name}: a plain field only"
    assert "ClassVar" not in str(annotation) and "InitVar" not in str(annotation), name
    return f


def frozen(cls: type[T]) -> type[T]:
    """@dataclass(frozen=True, slots=True) for plain positional-or-keyword fields (no InitVar, ClassVar,
    kw_only, compare/hash/init options, __post_init__ or base class), made cheaply; see the module's doc."""
    body = dict(cls.__dict__)
    assert "__post_init__" not in body and cls.__bases__ == (object,), cls
    annotations = body["__annotations__"] if "__annotations__" in body else cls.__annotations__  # (3.14: lazy)
    fields = [_field(name, annotation, body.pop(name, _MISSING)) for name, annotation in annotations.items()]
    names = tuple(f.name for f in fields)
    body.pop("__dict__", None)
    body.pop("__weakref__", None)
    body.update(__slots__=names, __dataclass_fields__={f.name: f for f in fields}, __dataclass_params__=_PARAMS,
                __match_args__=names, __setattr__=_frozen_setattr, __delattr__=_frozen_delattr)
    if body.get("__doc__") is None:
        body["__doc__"] = f"{cls.__name__}({', '.join(names)})"
    new = type(cls)(cls.__name__, cls.__bases__, body)
    new.__qualname__ = cls.__qualname__
    for name, fn in _methods(new, fields).items():
        fn.__module__ = new.__module__
        type.__setattr__(new, name, fn)
    return new


def _methods(cls: type, fields: list[dataclasses.Field]) -> dict[str, Any]:
    names = tuple(f.name for f in fields)
    renames = {f"a{i}": name for i, name in enumerate(names)}
    q = cls.__qualname__
    codes = _templates(tuple(f.default_factory is not _MISSING for f in fields))
    ns: dict[str, Any] = {"_FACTORY": _FACTORY}
    defaults = []
    for i, f in enumerate(fields):
        ns[f"_s{i}"] = cls.__dict__[f.name].__set__
        if f.default is not _MISSING:
            defaults.append(f.default)
        elif f.default_factory is not _MISSING:
            ns[f"_f{i}"] = f.default_factory
            defaults.append(_FACTORY)
        else:
            assert not defaults, f"{q}.{f.name}: a field without a default after one with a default"
    init = types.FunctionType(_renamed(codes["__init__"], f"{q}.__init__", {}, ("self", *names)), ns, "__init__",
                              tuple(defaults) or None)
    init.__annotations__ = {**{f.name: f.type for f in fields}, "return": None}
    eq = types.FunctionType(_renamed(codes["__eq__"], f"{q}.__eq__", renames), ns, "__eq__")
    hash_ = types.FunctionType(_renamed(codes["__hash__"], f"{q}.__hash__", renames), ns, "__hash__")
    every = attrgetter(*names) if len(names) > 1 else (lambda o: tuple(getattr(o, n) for n in names))

    def __repr__(self):
        return self.__class__.__qualname__ + "(" + ", ".join(
            [f"{n}={v!r}" for n, v in zip(names, every(self))]) + ")"

    def __getstate__(self):
        return list(every(self))

    def __setstate__(self, state):
        for name, value in zip(names, state):
            object.__setattr__(self, name, value)

    out = {"__init__": init, "__eq__": eq, "__hash__": hash_, "__repr__": __repr__, "__getstate__": __getstate__,
           "__setstate__": __setstate__}
    for name, fn in out.items():
        fn.__qualname__ = f"{q}.{name}"
    return out
