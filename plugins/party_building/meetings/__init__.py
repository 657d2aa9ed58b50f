"""三会一课与主题党日 / Meetings: attendance, the assembly quorum and the compliance view against the cadence."""
