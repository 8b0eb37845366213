"""Write src/shunt/engine/frozen_shapes.py: the templates of engine/frozen.py for the shapes of every
frozen class of shunt, compiled with that module (its .pyc) rather than at each start.

    PYTHONPATH=src python tools/frozen_shapes.py

Run it after adding or changing a frozen class (tests/test_engine_frozen.py fails until then)."""

from __future__ import annotations

import importlib
from pathlib import Path

# the modules that define frozen classes (the test checks this list against the source tree)
MODULES = ("shunt.engine.model", "shunt.engine.context", "shunt.engine.rules", "shunt.diagnose.results",
           "shunt.diagnose.audit", "shunt.render.layout")


def used_shapes() -> set[tuple[bool, ...]]:
    """The shapes (which fields have a default factory) of the frozen classes MODULES define."""
    import dataclasses

    from shunt.engine import frozen

    shapes = set()
    for name in MODULES:
        for v in vars(importlib.import_module(name)).values():
            if isinstance(v, type) and v.__module__ == name and getattr(v, "__dataclass_params__", None) is frozen._PARAMS:
                shapes.add(tuple(f.default_factory is not dataclasses.MISSING for f in dataclasses.fields(v)))
    return shapes


def main() -> None:
    from shunt.engine import frozen

    path = Path(frozen.__file__).with_name("frozen_shapes.py")
    shapes = used_shapes()
    path.write_text(frozen.shapes_module(shapes), encoding="utf-8")
    print(f"{path}: {len(shapes)} shapes")


if __name__ == "__main__":
    main()
