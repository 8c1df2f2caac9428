"""Who is acting: the one object every service receives, whatever the interface."""

from __future__ import annotations

from dataclasses import dataclass

from nigehbaan.core.errors import Forbidden
from nigehbaan.core.roles import ROLE_PERMISSIONS, Permission, Role


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    username: str
    role: Role | None
    unit: str
    session_ref: str
    """The login this came from (`session:…`, `token:…`, `cli:…`): the audit's 'from where'."""
    local_operator: bool = False
    """The CLI run without `--as`: whoever holds the database files already holds everything."""

    def can(self, permission: Permission) -> bool:
        if self.local_operator:
            return permission not in (Permission.CASE_APPROVE,)
        return self.role is not None and permission in ROLE_PERMISSIONS[self.role]

    def require(self, permission: Permission) -> None:
        if not self.can(permission):
            role = self.role.value if self.role else "none"
            raise Forbidden(f"role '{role}' may not do '{permission.value}'")


def local_operator(os_user: str) -> Actor:
    return Actor(None, f"cli:{os_user}", None, "", f"cli:{os_user}", local_operator=True)
