"""incubatees of the incubation module."""
