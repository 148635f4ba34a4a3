"""Texts bound for a spreadsheet cell (CSV or XLSX): no character a workbook refuses, and nothing it runs.

XLSX cannot hold control characters (openpyxl raises IllegalCharacterError and the whole export fails), and a text
that a spreadsheet reads as a formula could run on the reader's machine (CSV injection). Both are removed here, in
that order, so that `"\\x01=HYPERLINK(…)"` cannot become a formula once its control character is gone.
"""

from .inputs import CONTROL_CHARACTERS

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """A text without control characters, quoted if a spreadsheet would read it as a formula; others unchanged."""
    if not isinstance(value, str):
        return value
    value = CONTROL_CHARACTERS.sub("", value)
    if value.startswith(FORMULA_STARTS) or value.lstrip().startswith(FORMULA_STARTS):
        return "'" + value
    return value


def unquote(value):
    """A text as it was before `neutralise` quoted it (a spreadsheet read back); any other value unchanged."""
    if isinstance(value, str) and value.startswith("'") and neutralise(value[1:]) == value:
        return value[1:]
    return value
