"""Models of the reports app; they arrive with its issue."""
