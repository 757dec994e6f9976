"""Checks on a draft: figures against facts, fact coverage, hygiene, structure."""
