"""Every message of the console's templates and code has its Chinese translation.

Message ids are English; the Simplified Chinese catalogue must translate each one, so no page
ever shows an untranslated English string to a Chinese reader (``make console-messages``
re-extracts and merges; this test names what is missing).
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from core.console.i18n import CATALOGUE, translations

CONSOLE = Path(__file__).resolve().parents[2] / "core" / "console"
METHODS = [("**/templates/**.html", "jinja2"), ("**.py", "python")]


def test_every_console_message_is_translated_into_chinese() -> None:
    extracted = {
        message if isinstance(message, str) else message[0]
        for _file, _line, message, _comments, _context in extract_from_dir(
            str(CONSOLE), METHODS, {"**/templates/**.html": {"trimmed": "true"}}
        )
    }
    assert len(extracted) > 50
    with CATALOGUE.open("rb") as source:
        catalogue = read_po(source)
    missing = sorted(m for m in extracted if not getattr(catalogue.get(m), "string", ""))
    assert missing == []
    chinese = translations("zh-CN")
    assert chinese.gettext("Log in") == "登录"
    assert translations("en").gettext("Log in") == "Log in"
