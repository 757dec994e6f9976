"""The genre's vocabulary (工作总结 and 公文), the one place to teach the tool something about it:

- roles: the parts of a report and their cue words (for example reports, facts and the chat);
- numbering: heading numbers per GB/T 9704 (一、 （一） 1. （1）) and the points inside a paragraph;
- numerals and figures: numbers, percentages, dates and quoted names, normalised;
- placeholders and noise: what a model or a web copy leaves in place of text, and site furniture;
- stock, claims and chatter: set phrases, claims that need a fact, and a model's asides.

Imported by corpus, draft, check, chat and eval; imports none of them."""
