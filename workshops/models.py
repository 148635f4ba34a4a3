"""Models of the workshops app; they arrive with its issue."""
