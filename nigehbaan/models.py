"""Every table of every capability, imported in one place for Alembic and `audit verify`."""

from nigehbaan.cases import models as cases_models
from nigehbaan.chats import models as chats_models
from nigehbaan.core import audit, chain, users
from nigehbaan.core.db import Base
from nigehbaan.evidence import models as evidence_models
from nigehbaan.intake import models as intake_models
from nigehbaan.matching import models as matching_models
from nigehbaan.referrals import models as referrals_models

__all__ = ["Base", "audit", "cases_models", "chain", "chats_models", "evidence_models",
           "intake_models", "matching_models", "referrals_models", "users"]
