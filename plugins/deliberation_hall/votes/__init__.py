"""表决 / Votes: simple majority, two thirds and consent; open or secret ballots."""
