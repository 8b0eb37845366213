"""Command-line wiring (typer). Placeholder; filled in below."""


def main() -> None:  # pragma: no cover
    print("shunt")
