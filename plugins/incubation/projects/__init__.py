"""projects of the incubation module."""
