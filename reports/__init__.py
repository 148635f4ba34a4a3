"""The development plan: its written parts and the PDF report a Celery worker builds."""
