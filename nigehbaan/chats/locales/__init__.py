"""Per-language WhatsApp wording, as data: one JSON file per locale."""
