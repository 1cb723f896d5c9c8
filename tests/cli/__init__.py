"""CLI tests: the commands through typer's runner and the installed script, reports, documents, the site."""
