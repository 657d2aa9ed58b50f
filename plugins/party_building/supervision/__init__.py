"""党建督导与培训 / Supervision visits with follow-up actions, and trainings with attendance."""
