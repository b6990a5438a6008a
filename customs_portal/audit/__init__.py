"""The audit trail: who did what, when, from which status to which, and why.

A neutral core module every app writes to (`services.audit_record`): declarations record their
transitions, risk its rule, watchlist and reference-price changes (without a declaration),
payments the payments it credits. It imports no app of the portal.
"""
