"""The commands' work: one module per family of commands, each taking a context and returning what the CLI renders; imports every layer below."""
