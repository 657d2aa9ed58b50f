"""议题 / Topics: raising, the state machine, escalation and residents' evaluations."""
