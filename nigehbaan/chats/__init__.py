"""Chat exports (WhatsApp, Telegram) parsed into records, members and an import report.

Parsing needs no database: `parse(path)` returns a `ChatExport`; `open_chats(path)` streams the
records of each chat for imports that must stay within bounded memory.
"""

from nigehbaan.chats.errors import AmbiguousDateOrder, ChatParseError
from nigehbaan.chats.model import (
    Attachment,
    ChatExport,
    ChatFormat,
    EventKind,
    ImportReport,
    Media,
    MediaKind,
    Member,
    MemberRef,
    Message,
    Record,
    SystemEvent,
)
from nigehbaan.chats.registry import (
    ChatParser,
    ParseOptions,
    detect,
    open_chats,
    parse,
    parse_all,
    parsers,
    register,
)
from nigehbaan.chats.stream import ChatStream

__all__ = [
    "AmbiguousDateOrder",
    "Attachment",
    "ChatExport",
    "ChatFormat",
    "ChatParseError",
    "ChatParser",
    "ChatStream",
    "EventKind",
    "ImportReport",
    "Media",
    "MediaKind",
    "Member",
    "MemberRef",
    "Message",
    "ParseOptions",
    "Record",
    "SystemEvent",
    "detect",
    "open_chats",
    "parse",
    "parse_all",
    "parsers",
    "register",
]
