"""The pure domain: tasks, Chinese workdays, deadline rules, report figures; imports nothing of files, formats or services, and no I/O library."""
