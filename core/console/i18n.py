"""The console's languages: Simplified Chinese by default, English on request.

Message ids in templates and console code are English; ``locale/zh_CN/LC_MESSAGES/messages.po``
translates them (``make console-messages`` re-extracts and merges). The catalogue is compiled
in memory from the ``.po`` file when first needed, so no build step stands between a checkout
and ``make run``. A module's own titles come in both languages from its declarations and are
picked with :func:`pick`.
"""

from __future__ import annotations

import gettext
import io
from functools import cache
from pathlib import Path
from typing import Literal

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

Lang = Literal["zh-CN", "en"]
LANGS: tuple[Lang, ...] = ("zh-CN", "en")
DEFAULT: Lang = "zh-CN"
LOCALE_DIR = Path(__file__).parent / "locale"
CATALOGUE = LOCALE_DIR / "zh_CN" / "LC_MESSAGES" / "messages.po"


@cache
def translations(lang: Lang) -> gettext.NullTranslations:
    """The translations of ``lang`` (English: the message ids themselves)."""
    if lang == "en":
        return gettext.NullTranslations()
    with CATALOGUE.open("rb") as source:
        catalog = read_po(source, locale="zh_CN")
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled)


def lang_of(value: str | None) -> Lang:
    return "en" if value == "en" else DEFAULT


def pick(lang: Lang, zh: str, en: str) -> str:
    """A declaration's title in ``lang`` (its Chinese when no English is given)."""
    return en if lang == "en" and en else zh
