"""Models of the surveys app; they arrive with its issue."""
