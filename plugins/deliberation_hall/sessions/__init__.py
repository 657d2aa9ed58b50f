"""议事会与听证会 / Sessions: deliberation meetings and hearings, representatives, attendance."""
