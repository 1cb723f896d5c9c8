"""Store tests: task files, git, the cache, hooks, sync, clone and the server guard, on real repositories."""
