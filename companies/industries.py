"""TOL 2008, the Finnish standard industrial classification (NACE Rev. 2 based).

Sections A–U and the two-digit divisions that belong to each. A code is valid
when its division exists; the section follows from the division.
"""

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

TOL_2008 = "TOL2008"
TOL_2025 = "TOL2025"
CLASSIFICATIONS = [(TOL_2008, "TOL 2008"), (TOL_2025, "TOL 2025")]

SECTIONS = {
    "A": _("Agriculture, forestry and fishing"),
    "B": _("Mining and quarrying"),
    "C": _("Manufacturing"),
    "D": _("Electricity, gas, steam and air conditioning supply"),
    "E": _("Water supply; sewerage, waste management and remediation"),
    "F": _("Construction"),
    "G": _("Wholesale and retail trade; repair of motor vehicles and motorcycles"),
    "H": _("Transportation and storage"),
    "I": _("Accommodation and food service activities"),
    "J": _("Information and communication"),
    "K": _("Financial and insurance activities"),
    "L": _("Real estate activities"),
    "M": _("Professional, scientific and technical activities"),
    "N": _("Administrative and support service activities"),
    "O": _("Public administration and defence; compulsory social security"),
    "P": _("Education"),
    "Q": _("Human health and social work activities"),
    "R": _("Arts, entertainment and recreation"),
    "S": _("Other service activities"),
    "T": _("Activities of households as employers"),
    "U": _("Activities of extraterritorial organisations and bodies"),
}

# Inclusive ranges of two-digit divisions per section.
_DIVISIONS = {
    "A": (1, 3), "B": (5, 9), "C": (10, 33), "D": (35, 35), "E": (36, 39),
    "F": (41, 43), "G": (45, 47), "H": (49, 53), "I": (55, 56), "J": (58, 63),
    "K": (64, 66), "L": (68, 68), "M": (69, 75), "N": (77, 82), "O": (84, 84),
    "P": (85, 85), "Q": (86, 88), "R": (90, 93), "S": (94, 96), "T": (97, 98),
    "U": (99, 99),
}  # fmt: skip

# Lazy, so each user reads the section names in their own language.
SECTION_CHOICES = [(code, format_lazy("{} {}", code, name)) for code, name in SECTIONS.items()]


def section_for_code(code: str) -> str | None:
    """Return the section letter of a TOL 2008 code ('62010' -> 'J'), or None if unknown.

    A bare section letter is accepted too. Codes have 2 to 5 digits.
    """
    code = (code or "").strip().upper().replace(".", "")
    if len(code) == 1 and code in SECTIONS:
        return code
    # ASCII digits only: "٣٣" passes isdigit() and int(), but is no TOL code.
    if not (code.isascii() and code.isdigit() and 2 <= len(code) <= 5):
        return None
    division = int(code[:2])
    for section, (low, high) in _DIVISIONS.items():
        if low <= division <= high:
            return section
    return None
