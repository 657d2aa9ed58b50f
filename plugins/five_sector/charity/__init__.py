"""社会慈善资源 / Charity resources and their allocations, with a balance that never goes
negative."""
