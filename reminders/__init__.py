"""Coordination reminders: the notification record, the rule registry and delivery."""
