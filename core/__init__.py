"""What every domain package shares.

Settings, the unbound Flask extensions, base model mixins, the clock, money and
local-time helpers, file storage, the transactional e-mail outbox, the audit log,
permission decorators, error pages and the base templates.  ``core`` imports
nothing of ours: every other package stands on it.
"""
