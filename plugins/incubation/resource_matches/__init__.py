"""resource_matches of the incubation module."""
