"""Files and git at the edge: strict YAML loader, task codec, fast reader, file checks, the store and its cache, hooks; imports the domain only."""
