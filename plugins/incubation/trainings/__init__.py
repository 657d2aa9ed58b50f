"""trainings of the incubation module."""
