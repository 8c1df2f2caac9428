"""The doors a complaint comes through."""

from __future__ import annotations

from enum import StrEnum


class Channel(StrEnum):
    INTERNATIONAL_REFERRAL = "international_referral"
    PUBLIC_PORTAL = "public_portal"
    WALK_IN = "walk_in"
    PLATFORM_REPORT = "platform_report"
    PROACTIVE_MONITORING = "proactive_monitoring"


class Priority(StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


CHANNEL_LABELS: dict[Channel, str] = {
    Channel.INTERNATIONAL_REFERRAL: "International referral",
    Channel.PUBLIC_PORTAL: "Public portal",
    Channel.WALK_IN: "Walk-in (family or child)",
    Channel.PLATFORM_REPORT: "Platform report",
    Channel.PROACTIVE_MONITORING: "Proactive monitoring",
}
