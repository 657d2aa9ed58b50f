"""社工 / Social workers: who they are, their certificate, the communities they serve."""
