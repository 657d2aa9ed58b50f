"""benchmarks of the incubation module."""
