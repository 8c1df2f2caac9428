"""intake: the public portal, receipts, reporter messages and hash-only reports."""
