"""The append-only audit trail of every trade decision."""

from quantdesk.audit._log import AuditEvent, AuditLog, AuditRecord

__all__ = ["AuditEvent", "AuditLog", "AuditRecord"]
