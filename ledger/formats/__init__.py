"""What the clerk reads and writes besides YAML: terminal tables, Markdown, xlsx, docx/PDF, csv/json, imported sheets; imports the domain and files, never services."""
