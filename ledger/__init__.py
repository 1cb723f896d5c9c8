"""taizhang: a supervision task ledger (督查督办台账) kept as YAML files in git."""

__version__ = "0.1.0"
