"""Files and git at the edge: YAML codec, fast reader, file checks, the store and its cache, hooks; imports the domain only."""
