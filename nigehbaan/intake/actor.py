"""The portal as an actor: allowed to open a case, and nothing else.

Reports arrive with no user behind them, yet `cases.register.open_case` is the one way a case
is born (reference, deadline, audit). Rather than give the portal a role (every role can read
cases) or the CLI's all-powerful local operator, it acts as this narrow actor: `can` answers yes
to `case.write` only. With no user id it is on no team and `cases.access.visible_clause` gives
it no case to read, so even a bug in the portal could not list or open the register. The audit
log names it `portal` with the session `portal`: no request detail of any kind.
"""

from __future__ import annotations

from nigehbaan.core.actors import Actor
from nigehbaan.core.roles import Permission

PORTAL = "portal"


class PortalActor(Actor):
    def can(self, permission: Permission) -> bool:
        return permission == Permission.CASE_WRITE


def portal_actor(unit: str) -> PortalActor:
    return PortalActor(None, PORTAL, None, unit, PORTAL)
