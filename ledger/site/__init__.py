"""`taizhang site`: the ledger as static web pages for leaders and the public (build is the entry point)."""
