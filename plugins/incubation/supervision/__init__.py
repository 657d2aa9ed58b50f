"""supervision of the incubation module."""
