"""Reading example reports: load → clean → split into reports → headings → roles → chunks."""

from assistant.corpus.model import Chunk, Heading, ParseResult, Report
from assistant.corpus.parse import parse_paths, parse_text

__all__ = ["Chunk", "Heading", "ParseResult", "Report", "parse_paths", "parse_text"]
