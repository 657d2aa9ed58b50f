"""社会组织 / Social organisations: registration or filing, lifecycle, ratings, warnings."""
