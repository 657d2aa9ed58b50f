"""城乡结对 / Urban–rural pairings of communities and their joint activities."""
