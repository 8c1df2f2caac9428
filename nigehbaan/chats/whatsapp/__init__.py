"""WhatsApp "Export chat" text and zip exports."""
