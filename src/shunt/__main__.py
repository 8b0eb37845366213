import gc

gc.disable()  # start-up makes many objects and frees few: main() turns the collector back on (but for point questions)

from shunt.cli import main  # noqa: E402

main()
