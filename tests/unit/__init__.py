"""Unit tests: pure domain and format functions, no git, no subprocess."""
