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
