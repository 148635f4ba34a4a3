"""Views of the survey: answering (companies, from their link) and staff pages."""
