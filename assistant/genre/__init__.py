"""The genre's vocabulary (工作总结 and 公文): numerals, and — as the seams are consolidated — roles and
their cue words, heading numbering, placeholders and stock phrases. The one place to teach the tool
something about the genre; imported by corpus, draft, check, chat and eval, importing none of them."""
