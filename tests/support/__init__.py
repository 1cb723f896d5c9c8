"""What the tests share: the installed-script finder, git helpers, clerks on real repositories, sheets and workbooks."""
