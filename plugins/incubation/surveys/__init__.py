"""surveys of the incubation module."""
