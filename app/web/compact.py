"""Pages without the blank lines and indentation their templates leave.

A browser collapses a run of white space to one space wherever text is not preformatted, so a
run that holds a line break can become that one line break. Only runs next to a tag are
touched (text a person typed keeps its own line breaks), and never inside ``textarea``,
``pre`` or ``script``, whose white space is content.
"""

from __future__ import annotations

import re

#: An element whose content is kept as it is, or white space with a line break in it after a
#: tag's end or before a tag's start.
_TOKEN = re.compile(
    r"(<(textarea|pre|script)\b.*?</\2\s*>)|(?<=>)[ \t\r\f\v]*\n\s*|[ \t\r\f\v]*\n\s*(?=<)", re.S | re.I
)


def compact_html(html: str) -> str:
    """``html`` with each run of white space next to a tag that holds a line break made one line break."""
    return _TOKEN.sub(lambda m: m.group(1) or "\n", html)
