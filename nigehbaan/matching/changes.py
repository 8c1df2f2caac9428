"""The 'matches changed' hook: a case's matches, or their confirmed categories, changed.

Chats derive known-material indicators from matches; they rebuild them inside the same unit of
work (`chats.known.refresh_case`, loaded on first use so matching never imports chats)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from nigehbaan.core.actors import Actor
from nigehbaan.core.hooks import Hooks

MATCHES_CHANGED: Hooks[[Session, Actor, str]] = Hooks("nigehbaan.chats.known:refresh_case")
