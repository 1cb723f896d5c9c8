"""The command line: typer apps, one module per help group; the only place that imports typer."""
