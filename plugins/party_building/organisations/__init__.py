"""党组织 / Party organisations: kinds, the body above, units covered, instructors, size rules."""
