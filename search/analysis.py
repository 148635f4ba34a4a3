"""Finnish words to search terms with Voikko: each word's base forms and, for a compound, its parts' base forms.

Without Voikko (library missing, or `SEARCH_VOIKKO_ENABLED` off) `analyser()` is None and the search falls back to
PostgreSQL's `finnish` configuration (see search.query).
"""

import functools
import logging
import re
import threading
from dataclasses import dataclass

from django.conf import settings

logger = logging.getLogger(__name__)

# Words as the index and the query both see them: runs of letters and digits (a hyphen or a dot splits).
WORD = re.compile(r"\w+")
# Parts shorter than this (a derivational "us", a stray letter) add noise, not meaning.
MIN_PART_LENGTH = 3
_lock = threading.Lock()


@functools.cache
def _load():
    try:
        import libvoikko

        return libvoikko.Voikko("fi")
    except Exception as error:  # ImportError, OSError (no libvoikko.so), VoikkoException (no dictionary)
        logger.warning("Voikko is not available, the search runs in reduced mode: %s", error)
        return None


def analyser():
    """The process's Voikko instance, or None when the search runs in reduced mode."""
    if not getattr(settings, "SEARCH_VOIKKO_ENABLED", True):
        return None
    return _load()


def analyser_loaded() -> bool:
    """True when Voikko analyses the words (the full Finnish search); False in reduced mode."""
    return analyser() is not None


@dataclass(frozen=True)
class WordTerms:
    """What one word is indexed as: its base forms (weighted as the word itself) and its compound parts."""

    forms: tuple[str, ...]
    parts: tuple[str, ...]
    known: bool

    @property
    def all(self) -> set[str]:
        """Base forms and parts together."""
        return {*self.forms, *self.parts}


def _raw(voikko, word: str) -> list[dict]:
    with _lock:  # a Voikko handle is not safe to share between threads
        return voikko.analyze(word)


def _split(word: str, structure: str) -> list[str]:
    """The word cut into its compound parts by Voikko's STRUCTURE ("=" starts a part, other marks one letter each)."""
    parts, index = [], 0
    for mark in structure:
        if mark == "=":
            parts.append("")
        elif index < len(word):
            if not parts:
                parts.append("")
            parts[-1] += word[index]
            index += 1
    return [part for part in parts if part]


def _part_base(voikko, part: str, wordbases: str) -> str:
    """A non-final part's base form: `sammon` → `sampo`, `tulevaisuus` → itself; a bound form stays as written."""
    bases = [analysis["BASEFORM"].lower() for analysis in _raw(voikko, part) if analysis.get("BASEFORM")]
    if bases:
        return part.lower() if part.lower() in bases else bases[0]
    for surface, base in re.findall(r"\+([^+(]*)\(([^)]*)\)", wordbases):
        if surface.lower() == part.lower() and not base.startswith("+"):
            return base.lower()
    return part.lower()


def _parts(voikko, word: str, analysis: dict) -> list[str]:
    """The base forms of a compound's parts: `Sammonkadulla` → `sampo`, `katu`; one part or none for a plain word.

    STRUCTURE tells where the parts start in the written word. The last part's base form is what is left of the
    whole word's base form after the other parts (`sammonkatu` − `sammon` = `katu`); the others are analysed alone.
    """
    pieces = _split(word, analysis.get("STRUCTURE", ""))
    if len(pieces) < 2:
        return []
    base = (analysis.get("BASEFORM") or "").lower()
    head = "".join(pieces[:-1]).lower()
    wordbases = analysis.get("WORDBASES", "")
    parts = [_part_base(voikko, piece, wordbases) for piece in pieces[:-1]]
    parts.append(base[len(head) :] if base.startswith(head) else _part_base(voikko, pieces[-1], wordbases))
    return parts


@functools.lru_cache(maxsize=100_000)
def _analyse(word: str) -> WordTerms:
    voikko = analyser()
    lowered = word.lower()
    if voikko is None or word.isdigit():
        return WordTerms(forms=(lowered,), parts=(), known=False)
    forms: list[str] = []
    parts: list[str] = []
    for analysis in _raw(voikko, word):
        base = (analysis.get("BASEFORM") or lowered).lower()
        if base not in forms:
            forms.append(base)
        for part in _parts(voikko, word, analysis):
            if len(part) >= MIN_PART_LENGTH and part not in parts:
                parts.append(part)
    if not forms:
        return WordTerms(forms=(lowered,), parts=(), known=False)
    return WordTerms(forms=tuple(forms), parts=tuple(part for part in parts if part not in forms), known=True)


def word_terms(word: str) -> WordTerms:
    """The terms of one word (cached per process: the same words come back all the time)."""
    if not getattr(settings, "SEARCH_VOIKKO_ENABLED", True):
        return WordTerms(forms=(word.lower(),), parts=(), known=False)
    return _analyse(word)


def words(text: str) -> list[str]:
    """The words of a text in order."""
    return WORD.findall(text or "")


def text_terms(text: str) -> tuple[list[str], list[str]]:
    """(base forms, compound parts) of every word of a text, in order of the text, repeats kept for the ranking."""
    forms: list[str] = []
    parts: list[str] = []
    for word in words(text):
        terms = word_terms(word)
        forms.extend(terms.forms)
        parts.extend(terms.parts)
    return forms, parts
