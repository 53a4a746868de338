-- An approval (or rejection) the gate refuses is part of the story too: who tried,
-- on which ticket, and why it was refused (wrong hash, another user, expired,
-- already executed, no ticket waiting). Only the one approval that claims the
-- ticket is recorded as 'approval'.

ALTER TABLE audit_log DROP CONSTRAINT IF EXISTS audit_log_event_check;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_event_check CHECK (event IN
    ('message', 'ticket', 'approval', 'refusal', 'rejection', 'expiry', 'signature', 'result', 'error'));
