"""Non-text contrast (WCAG 1.4.11): every control of the survey shows its edge at 3:1 against what is behind it.

axe does not test this; the browser's computed border colour is compared with the nearest background colour.
"""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db(transaction=True)

# Each visible control's border colour and the first opaque background behind it, as the browser computed them.
COLOURS = """() => {
  const opaque = element => {
    for (let up = element; up; up = up.parentElement) {
      const colour = getComputedStyle(up).backgroundColor;
      if (colour && colour !== "transparent" && !colour.endsWith(", 0)")) return colour;
    }
    return "rgb(255, 255, 255)";
  };
  const controls = document.querySelectorAll(
    "main input:not([type=hidden]):not([type=submit]), main select, main textarea"
  );
  return Array.from(controls).filter(c => c.getClientRects().length).map(control => ({
    name: control.name + (control.value && (control.type === "radio" || control.type === "checkbox")
      ? "=" + control.value : ""),
    checked: !!control.checked,
    border: getComputedStyle(control).borderTopColor,
    background: opaque(control.parentElement),
  }));
}"""


def _rgb(css: str) -> tuple[float, ...]:
    return tuple(float(part) for part in css[css.index("(") + 1 : css.index(")")].split(",")[:3])


def _luminance(rgb: tuple[float, ...]) -> float:
    def linear(channel: float) -> float:
        channel /= 255
        return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(channel) for channel in rgb)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(first: str, second: str) -> float:
    lighter, darker = sorted((_luminance(_rgb(first)), _luminance(_rgb(second))), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_the_contrast_formula_gives_the_known_ratios():
    assert round(contrast("rgb(0, 0, 0)", "rgb(255, 255, 255)"), 1) == 21.0
    assert round(contrast("rgb(222, 226, 230)", "rgb(255, 255, 255)"), 1) == 1.3  # Bootstrap's default border
    assert round(contrast("rgb(118, 118, 118)", "rgba(255, 255, 255, 1)"), 1) == 4.5


@pytest.mark.trust("An unchecked option or an empty survey field is hard to see (under 3:1)", area="Accessibility")
def test_every_survey_control_has_a_border_of_three_to_one(live_server, page, invited_company, trust_figure):
    page.goto(f"{live_server.url}/s/{invited_company.token}/")
    faint, checked = [], 0
    for number in range(1, invited_company.survey.sections.count() + 1):
        page.goto(f"{live_server.url}{reverse('surveys:page', args=[number])}")
        controls = page.evaluate(COLOURS)
        assert controls, f"page {number} shows no controls"
        for control in controls:
            ratio = contrast(control["border"], control["background"])
            checked += 1
            if ratio < 3:
                faint.append(
                    f"page {number}, {control['name']}: border {control['border']} on {control['background']}"
                    f" is {ratio:.2f}:1"
                )
    trust_figure("survey controls measured", checked)
    trust_figure("under 3:1", len(faint))
    assert not faint, "\n".join(faint)
