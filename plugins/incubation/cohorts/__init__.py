"""cohorts of the incubation module."""
