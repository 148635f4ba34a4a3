"""The stakeholder survey: questions, invitations, answering in the browser, results."""
