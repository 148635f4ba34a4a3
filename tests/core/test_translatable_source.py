"""Every text a user reads is found by `makemessages`: xgettext reads no call inside an f-string, so a text
translated there is left out of the catalogues and shows in English (it did once, for a retired skill area)."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SKIPPED = {".venv", "var", "staticfiles", "tests", "node_modules", "assets"}
TRANSLATING = {"_", "gettext", "gettext_lazy", "pgettext", "pgettext_lazy", "ngettext", "npgettext", "gettext_noop"}


def _sources():
    for path in sorted(ROOT.rglob("*.py")):
        if not SKIPPED.intersection(path.relative_to(ROOT).parts):
            yield path


def _translated_in_fstrings(tree: ast.AST) -> list[int]:
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            for inner in ast.walk(node):
                if isinstance(inner, ast.Call) and isinstance(inner.func, ast.Name) and inner.func.id in TRANSLATING:
                    lines.append(inner.lineno)
    return lines


def test_no_text_is_translated_inside_an_f_string():
    found = []
    for path in _sources():
        for line in _translated_in_fstrings(ast.parse(path.read_text(), str(path))):
            found.append(f"{path.relative_to(ROOT)}:{line}")
    assert found == []


def test_the_check_finds_a_translation_inside_an_f_string():
    assert _translated_in_fstrings(ast.parse("label = f\"{name} ({_('no longer in use')})\"")) == [1]
    assert _translated_in_fstrings(ast.parse('note = _("no longer in use")\nlabel = f"{name} ({note})"')) == []
