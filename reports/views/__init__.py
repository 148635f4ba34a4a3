"""Views of the development plan: plans (the written parts) and builds (the PDF)."""
