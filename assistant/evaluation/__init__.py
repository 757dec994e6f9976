"""Offline evaluation: retrieval quality on the judged dev set in eval/retrieval/."""
