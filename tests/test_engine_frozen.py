"""engine.frozen: a frozen slotted dataclass with a faster __init__ — the same values as the
dataclass's own __init__ makes, and still frozen."""

from __future__ import annotations

import dataclasses
import inspect
import pickle

import pytest

from shunt.engine import model
from shunt.engine.frozen import frozen


@frozen
class Sample:
    a: int
    b: str = "x"
    c: tuple = ()
    d: dict = dataclasses.field(default_factory=dict)


def test_fields_defaults_and_factories():
    s = Sample(1)
    assert (s.a, s.b, s.c, s.d) == (1, "x", (), {})
    assert Sample(1).d is not Sample(1).d  # a fresh default each time
    assert Sample(1, "y", (2,), {"k": 1}) == Sample(a=1, b="y", c=(2,), d={"k": 1})
    assert str(inspect.signature(Sample)) == "(a: 'int', b: 'str' = 'x', c: 'tuple' = (), d: 'dict' = <factory>) -> None"
    with pytest.raises(TypeError):
        Sample()  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Sample(1, e=2)  # type: ignore[call-arg]


def test_still_frozen_hashable_replaceable_picklable():
    s = Sample(1, "y", (2,))
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.a = 2  # type: ignore[misc]
    assert hash(Sample(1, "y", (2,), None)) == hash(Sample(1, "y", (2,), None))  # type: ignore[arg-type]
    assert dataclasses.replace(s, b="z") == Sample(1, "z", (2,))
    assert pickle.loads(pickle.dumps(s)) == s
    assert repr(s) == "Sample(a=1, b='y', c=(2,), d={})"


@pytest.mark.parametrize("cls", [model.Consult, model.State, model.Decision, model.Candidate, model.Settings])
def test_engine_values_match_a_plain_dataclass(cls):
    """Each engine value class builds the same instance as the dataclass __init__ would."""
    plain = dataclasses.make_dataclass(
        "Plain", [(f.name, f.type, f) for f in dataclasses.fields(cls)], frozen=True, slots=True)
    names = [f.name for f in dataclasses.fields(cls) if f.default is dataclasses.MISSING
             and f.default_factory is dataclasses.MISSING]
    args = {n: f"v-{n}" for n in names}
    ours, theirs = cls(**args), plain(**args)
    assert dataclasses.astuple(ours) == dataclasses.astuple(theirs)


@pytest.mark.parametrize("cls", [model.Consult, model.State, model.Decision, model.Candidate, model.Settings,
                                 model.Config, model.Step, model.Verdict, model.RecentContact])
def test_repr_eq_hash_are_the_dataclass_ones(cls):
    """__repr__, __eq__ and __hash__ (written by `frozen` in one exec) behave as dataclasses' own."""
    plain = dataclasses.make_dataclass(
        cls.__name__, [(f.name, f.type, f) for f in dataclasses.fields(cls)], frozen=True, slots=True)
    args = {f.name: f"v-{f.name}" for f in dataclasses.fields(cls)}
    other = dict(args, **{dataclasses.fields(cls)[0].name: "changed"})
    ours, theirs = cls(**args), plain(**args)
    assert repr(ours) == repr(theirs)
    assert hash(ours) == hash(theirs)
    assert ours == cls(**args) and not (ours != cls(**args))
    assert ours != cls(**other) and hash(cls(**other)) == hash(plain(**other))
    assert ours.__eq__(theirs) is NotImplemented  # another class: not equal, as with dataclasses
    assert ours.__match_args__ == theirs.__match_args__


def _tools_frozen_shapes():
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    sys.path.insert(0, str(root / "tools"))
    try:
        import frozen_shapes as tool
    finally:
        sys.path.pop(0)
    return root, tool


def test_prebuilt_shapes_are_up_to_date():
    """frozen_shapes.py holds exactly the shapes of shunt's frozen classes, as tools/frozen_shapes.py writes
    it (a class added or changed without rerunning the tool would be compiled at each start again)."""
    from shunt.engine import frozen as fz

    root, tool = _tools_frozen_shapes()
    defining = {".".join(p.relative_to(root / "src").with_suffix("").parts)
                for p in (root / "src" / "shunt").rglob("*.py")
                if "\n@frozen\n" in p.read_text(encoding="utf-8") and p.name != "frozen.py"}
    assert defining == set(tool.MODULES)
    shapes = tool.used_shapes()
    path = root / "src" / "shunt" / "engine" / "frozen_shapes.py"
    assert path.read_text(encoding="utf-8") == fz.shapes_module(shapes), "run: PYTHONPATH=src python tools/frozen_shapes.py"


def test_prebuilt_code_is_what_the_template_compiles_to():
    from shunt.engine import frozen as fz
    from shunt.engine.frozen_shapes import SHAPES

    assert SHAPES
    for shape, codes in SHAPES.items():
        ns: dict = {}
        exec(fz.source(shape), ns)
        for code, name in zip(codes, ("__init__", "__eq__", "__hash__")):
            made = ns[name].__code__
            assert (code.co_name, code.co_code, code.co_consts, code.co_names, code.co_varnames, code.co_argcount) == \
                (made.co_name, made.co_code, made.co_consts, made.co_names, made.co_varnames, made.co_argcount), shape


def test_a_shape_not_prebuilt_is_compiled():
    from shunt.engine import frozen as fz
    from shunt.engine.frozen_shapes import SHAPES

    @frozen
    class Odd:  # 13 fields, the 2nd and the 13th with a factory: no class of shunt has that shape
        a: int
        b: tuple = dataclasses.field(default_factory=tuple)
        c: int = 0
        d: int = 0
        e: int = 0
        f: int = 0
        g: int = 0
        h: int = 0
        i: int = 0
        j: int = 0
        k: int = 0
        m: int = 0
        n: frozenset = dataclasses.field(default_factory=frozenset)

    shape = (False, True) + (False,) * 10 + (True,)
    assert shape not in SHAPES and shape in fz.COMPILED
    o = Odd(1)
    assert (o.a, o.b, o.n) == (1, (), frozenset()) and o == Odd(1) and hash(o) == hash(Odd(1)) and o != Odd(2)
