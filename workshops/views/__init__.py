"""Views of the workshops app, by topic: records (interviews, workshops, attachments) and plan (findings, measures, search)."""
