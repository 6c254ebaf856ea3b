"""Every table module, imported so that ``SQLModel.metadata`` is complete (Alembic, tests)."""

from sqlmodel import SQLModel

import app.audit.models
import app.auth.models
import app.exports.models
import app.register.models  # noqa: F401

metadata = SQLModel.metadata
