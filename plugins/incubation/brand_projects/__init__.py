"""brand_projects of the incubation module."""
