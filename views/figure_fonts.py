"""Fonts for the published figures: DejaVu Sans (shipped with matplotlib) for Latin text and
Noto Sans Arabic (Debian's fonts-noto-core) for Urdu and Persian names.

matplotlib 3.11 lays text out with libraqm (HarfBuzz shaping, FriBiDi direction), so Arabic-script
text is passed as it is, never pre-shaped: reshaping it as well would reverse it twice.
Without Noto Sans Arabic, DejaVu Sans still draws Persian; a few Urdu letter forms (final heh
goal, U+FBA7) then show as boxes.
"""

from __future__ import annotations

import re
from pathlib import Path

from matplotlib import font_manager

ARABIC_FONT = "Noto Sans Arabic"
LATIN_FONT = "DejaVu Sans"
FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", str(Path.home() / ".local/share/fonts"))
_ARABIC_SCRIPT = re.compile(r"[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")


def arabic_font_available() -> bool:
    """True when matplotlib can use Noto Sans Arabic; registers it from a font folder first when
    matplotlib's font list (which may predate its install) lacks it. matplotlib's font manager
    holds the registration: nothing is memoised here."""
    if any(f.name == ARABIC_FONT for f in font_manager.fontManager.ttflist):
        return True
    for folder in FONT_DIRS:
        for path in sorted(Path(folder).glob("**/NotoSansArabic-*.ttf")) if Path(folder).is_dir() else ():
            font_manager.fontManager.addfont(str(path))
    return any(f.name == ARABIC_FONT for f in font_manager.fontManager.ttflist)


def has_arabic_script(text) -> bool:
    """True when the text holds Arabic-script letters (Urdu, Persian, Arabic)."""
    return bool(_ARABIC_SCRIPT.search(str(text)))


def families() -> list[str]:
    """The font fallback list for Latin-first text."""
    return [LATIN_FONT, ARABIC_FONT] if arabic_font_available() else [LATIN_FONT]


def text_family(text) -> list[str]:
    """Noto Sans Arabic first for Arabic-script text (one font per word keeps letters joined)."""
    if has_arabic_script(text) and arabic_font_available():
        return [ARABIC_FONT, LATIN_FONT]
    return families()


def font_rc() -> dict:
    """matplotlib settings for every figure: fonts, data text never parsed as math, text kept
    as text in SVG (no paths) and PDF (embedded TrueType)."""
    return {
        "font.family": families(),
        "text.parse_math": False,
        "text.usetex": False,
        "svg.fonttype": "none",
        "pdf.fonttype": 42,
        "axes.unicode_minus": False,
    }
