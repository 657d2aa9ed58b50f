"""bases of the incubation module."""
