"""Services of the workshops app, by topic.

records: interviews, workshops, attachments; plan: findings, measures and the board. (Search is workshops/search.py.)
"""
