"""How the agency's own communication worked: release pickup and message fidelity, response
effectiveness, and the monthly figures (over the MentionStore protocol and the incident book)."""
