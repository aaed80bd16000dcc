"""Counters for what the workers do, exported with Prometheus by whichever process increments them.
Labels are bounded (template names, outcomes, step ids from the policy): never a person or an address."""

from __future__ import annotations

from prometheus_client import Counter

EMAILS_SENT = Counter("perennial_emails_sent", "Emails handed to the SMTP relay, by template", ["template"])
WEBHOOK_DELIVERIES = Counter(
    "perennial_webhook_deliveries", "Outbound webhook attempts, by outcome", ["outcome"]
)
STEPS_RECORDED = Counter("perennial_journey_steps_recorded", "Playbook steps recorded, by step", ["step"])
