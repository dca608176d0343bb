"""The one sanitiser for text from inputs shown to a person: control characters made visible.

A file name, a server's status line, a ``--publication`` value or an edition's text can hold
escape sequences (which recolour, retitle or clear a terminal), other control characters,
bidirectional controls (U+202E turns ``\\u202etxt.exe`` into what reads as "exe.txt") and, from
non-UTF-8 file names and arguments, lone surrogates (which cannot even be encoded for output).
Every line textver prints to a terminal, and every name, path and provenance value in an HTML
report, goes through :func:`visible`, so none of these can act: each is shown as a symbol.

Control characters C0 and DEL become their Unicode "control pictures" (ESC is ``␛``), one
column each as the character was; the others have no picture and are shown by code point:
``<U+202E>``, and ``<0xFF>`` for a byte that was not UTF-8 (Python's surrogate escape).
Colour is added after this, so textver's own ANSI styling is unaffected.
"""

from __future__ import annotations

import re

# Bidirectional formatting characters (UAX #9): embeddings, overrides, isolates and marks.
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"

# Everything shown as a symbol even in multi-line text; tab and newline are added for one line.
# U+2028/U+2029 are line breaks to some programs and not to others, so they are never passed on.
_CLASS = "\x00-\x08\x0b-\x1f\x7f-\x9f" + BIDI_CONTROLS + "\u2028\u2029\ud800-\udfff"
UNSAFE = re.compile(f"[{_CLASS}]")
_UNSAFE_LINE = re.compile(f"[\t\n{_CLASS}]")


def _symbol(char: str) -> str:
    c = ord(char)
    if c < 0x20:
        return chr(0x2400 + c)
    if c == 0x7F:
        return "\u2421"
    if 0xDC80 <= c <= 0xDCFF:  # surrogateescape: the byte that could not be decoded
        return f"<0x{c - 0xDC00:02X}>"
    return f"<U+{c:04X}>"


def visible(text: str, *, lines: bool = False) -> str:
    """``text`` with every control, bidi control and lone surrogate shown as a symbol.

    With ``lines`` true, newlines and tabs are kept (an edition's text, multi-line notes); else
    they are shown too, so a name or value can never start a line of its own that looks like
    textver's output.
    """
    pattern = UNSAFE if lines else _UNSAFE_LINE
    if pattern.search(text) is None:  # the usual case, at the regex engine's speed
        return text
    return pattern.sub(lambda m: _symbol(m.group()), text)
