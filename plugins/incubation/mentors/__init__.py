"""mentors of the incubation module."""
