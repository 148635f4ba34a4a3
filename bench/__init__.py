"""The benchmark behind `make bench`: the portal on its production stack, measured against a trivial view."""
