"""Services of the reports app, by topic: builds (the queue of PDF builds) and report (rendering the PDF)."""
