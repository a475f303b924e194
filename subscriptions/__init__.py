"""Follows, release alerts, standing orders and personal feeds of regular consumers (see ``docs/subscriptions.md``)."""
