"""One module per CLI command: parse the options, ask diagnose, render. No typer here."""
