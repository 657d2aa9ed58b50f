"""scorecards of the incubation module."""
