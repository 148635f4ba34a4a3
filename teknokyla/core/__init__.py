"""Portal-wide pieces: the home page, health check, staff groups and access rules."""
