"""Forms of the crisis domain: input shape only; the rules live in crisis.services."""
