"""The registry of the Technology Village: buildings, premises, organisations, contacts."""
