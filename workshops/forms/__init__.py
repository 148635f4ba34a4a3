"""Forms of the workshops app, by topic.

records: interviews, workshops, attachments; plan: findings, measures, the board, search.
"""
