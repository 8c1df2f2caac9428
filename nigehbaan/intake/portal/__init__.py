"""The public portal: its own app (`create_portal_app`), served by `nigehbaan portal`."""

from nigehbaan.intake.portal.app import create_portal_app

__all__ = ["create_portal_app"]
