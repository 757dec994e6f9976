"""Drafting: facts → outline → per-section retrieval → prompts → backend → checked draft."""
