"""Domain layer: pure Python, no Flask. Checklists, scoring and gap ranking."""
