"""Roles and what each may do. Kept as one table so the authorization test can walk it."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    ANALYST = "analyst"
    INVESTIGATOR = "investigator"
    SUPERVISOR = "supervisor"
    AUDITOR = "auditor"
    ADMIN = "admin"


class Permission(StrEnum):
    CASE_READ = "case.read"
    CASE_WRITE = "case.write"
    CASE_ASSIGN = "case.assign"
    CASE_APPROVE = "case.approve"
    AUDIT_READ = "audit.read"
    USER_ADMIN = "user.admin"
    CATALOGUE_ADMIN = "catalogue.admin"
    HASHLIST_ADMIN = "hashlist.admin"
    """Import and update known-material hash lists (admins)."""
    REFERRAL_APPROVE = "referral.approve"
    """Approve an outgoing referral, or media content in its package (supervisors)."""


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ANALYST: frozenset({Permission.CASE_READ}),
    Role.INVESTIGATOR: frozenset({Permission.CASE_READ, Permission.CASE_WRITE}),
    Role.SUPERVISOR: frozenset(
        {Permission.CASE_READ, Permission.CASE_WRITE, Permission.CASE_ASSIGN,
         Permission.CASE_APPROVE, Permission.REFERRAL_APPROVE}
    ),
    Role.AUDITOR: frozenset({Permission.AUDIT_READ}),
    Role.ADMIN: frozenset({Permission.USER_ADMIN, Permission.CATALOGUE_ADMIN,
                        Permission.HASHLIST_ADMIN}),
}

TOTP_REQUIRED: frozenset[Role] = frozenset({Role.ADMIN, Role.SUPERVISOR})
