"""The demo edition of the development plan: its written parts in Finnish (title and summary also sv, en) and goals."""

import datetime

from django.db import transaction
from django.db.models import Q

from .models import DevelopmentPlan, Goal

PERIOD_START = datetime.date(2024, 6, 1)
PERIOD_END = datetime.date(2027, 12, 31)

TITLE = {
    "fi": "Teknologiakylän kehittämissuunnitelma 2024–2027",
    "sv": "Utvecklingsplan för Kemi teknologiby 2024–2027",
    "en": "Development plan of the Kemi Technology Village 2024–2027",
}

SUMMARY = {
    "fi": """\
Kemin Teknologiakylä on ollut yritysten sijaintipaikka jo yli 30 vuotta. Noin 50 yritystä eri toimialoilta
työskentelee kylässä, ja samalla kadulla opiskelevat Lapin ammattikorkeakoulun Kemin kampuksen ja ammattiopisto
Lappian opiskelijat. Tämä suunnitelma kokoaa Teknologiakylä 3.0 -hankkeen kyselyn, haastattelujen ja työpajojen
tulokset ja kertoo, miten kylää kehitetään vuosina 2024–2027.

Suunnitelman painopisteet ovat:

- **yritysten kasvu** ja uudet palvelut kylän toimijoille,
- **kiertotalouden ja digitalisaation** liiketoimintamahdollisuudet,
- **osaavan työvoiman saatavuus**: yritysten tarpeiden ja oppilaitosten koulutuksen parempi kohtaanto,
- kylän rooli Kemi–Keminmaa–Simo-seudun rakennemuutoksessa ja Pohjois-Ruotsin vihreässä siirtymässä.

Toimenpiteet on sidottu neljään tavoitteeseen. Jokaisella toimenpiteellä on vastuutaho, aikataulu ja mittari,
jolla hallitus ja rahoittaja voivat seurata etenemistä.
""",
    "sv": """\
Kemi teknologiby har varit en plats för företag i över 30 år. Omkring 50 företag från olika branscher verkar i
byn, och på samma gata studerar studerande vid Lapplands yrkeshögskolas campus i Kemi och yrkesinstitutet Lappia.
Den här planen sammanställer resultaten av enkäten, intervjuerna och workshoparna i projektet Teknologiakylä 3.0
och beskriver hur byn utvecklas under åren 2024–2027.

Planens tyngdpunkter är:

- **företagens tillväxt** och nya tjänster för aktörerna i byn,
- affärsmöjligheterna inom **cirkulär ekonomi och digitalisering**,
- **tillgången på kunnig arbetskraft**: bättre matchning mellan företagens behov och läroanstalternas utbildning,
- byns roll i strukturomvandlingen i Kemi–Keminmaa–Simo och i den gröna omställningen i norra Sverige.

Åtgärderna är knutna till fyra mål. Varje åtgärd har en ansvarig part, en tidtabell och en indikator som
styrelsen och finansiären kan följa upp.
""",
    "en": """\
The Kemi Technology Village has been a home for business for more than 30 years. About 50 companies from many
industries work in the village, and on the same street students of the Kemi campus of Lapland University of
Applied Sciences and of the vocational college Lappia attend their classes. This plan gathers what the survey,
the interviews and the workshops of the Teknologiakylä 3.0 project found, and sets out how the village will be
developed in 2024–2027.

The plan focuses on:

- **business growth** and new services for the organisations of the village,
- the business opportunities of the **circular economy and digitalisation**,
- **the availability of skilled labour**: a better match between what companies need and what the schools teach,
- the village's part in the structural change of Kemi–Keminmaa–Simo and in the green transition of northern Sweden.

The measures are tied to four goals. Each measure has a responsible party, a timetable and an indicator that
the board and the funder can follow.
""",
}

STARTING_POINT_FI = """\
## Kylä tänään

Teknologiakylä sijaitsee noin kolmen kilometrin päässä Kemin keskustasta, alle kymmenen minuutin matkan päässä
lentoasemalta ja minuutin päässä valtatieltä. Kosmos ja Compus Tietokadulla sekä Louhi, Paasi ja Sampo
Sammonkadulla tarjoavat tiloja teollisuuden palveluyrityksille, ohjelmistotaloille, suunnittelutoimistoille ja
oppilaitoksille. Pisimmät asiakassuhteet ovat lähes yhtä vanhoja kuin kylä itse.

## Muutoksen keskellä

Kemi–Keminmaa–Simo-seutu elää äkillistä rakennemuutosta, kun alueen perinteinen teollisuus uudistuu. Samaan aikaan
Pohjois-Ruotsin vihreän siirtymän investoinnit lisäävät osaamisen ja palvelujen kysyntää rajan molemmin puolin.
Alueen bio- ja kiertotalouden sekä kaivosalan klusteri tuo kylän yrityksille asiakkaita ja kumppaneita.

## Mitä kuulimme

Kysely, haastattelut ja työpajat kertoivat saman viestin:

1. Yritykset haluavat kasvaa, mutta sopivan työvoiman löytäminen on monelle suurin este.
2. Oppilaitokset ovat naapureina, mutta yhteistyö yritysten kanssa on usein yksittäisten ihmisten varassa.
3. Kiertotalouden ja digitalisaation mahdollisuudet tunnetaan, mutta niiden muuttaminen liiketoiminnaksi vaatii
   kumppaneita, kokeiluympäristöjä ja rahoitusta.
"""

VISION_FI = """\
**Vuonna 2027 Kemin Teknologiakylä on vihreän siirtymän osaamis- ja palvelukeskittymä Perämeren kaarella:
yritykset ja oppilaitokset kehittävät, kokeilevat ja kouluttavat siellä yhdessä.**

- Yritykset löytävät tarvitsemansa osaajat läheltä, ja opiskelijat tuntevat kylän yritykset jo opintojensa aikana.
- Kylän yritykset myyvät kiertotalouden ja digitalisaation ratkaisuja alueen teollisuudelle Suomessa ja Ruotsissa.
- Uudet yritykset valitsevat kylän sijaintipaikakseen sen palvelujen, yhteisön ja hyvien yhteyksien vuoksi.
"""

# (fi, sv, en) titles and a Finnish description of each goal, in order.
GOALS = [
    (
        (
            "Yritysten kasvu ja uudet palvelut",
            "Företagens tillväxt och nya tjänster",
            "Business growth and new services",
        ),
        "Kylän yritykset kasvavat, ja Digipolis tarjoaa niille palveluja, joita kysely ja haastattelut toivoivat: "
        "yhteisiä tiloja, kasvuvalmennusta ja verkostoja.",
    ),
    (
        (
            "Kiertotalous ja digitalisaatio liiketoiminnaksi",
            "Cirkulär ekonomi och digitalisering som affärsverksamhet",
            "Circular economy and digitalisation into business",
        ),
        "Yritykset tuotteistavat kiertotalouden ja digitalisaation ratkaisuja alueen bio-, kiertotalous- ja "
        "kaivosklusterille sekä Pohjois-Ruotsin vihreän siirtymän hankkeille.",
    ),
    (
        (
            "Osaavan työvoiman kohtaanto",
            "Matchning av kunnig arbetskraft",
            "Matching skilled labour with the companies' needs",
        ),
        "Yritysten osaamistarpeet ja oppilaitosten koulutus kohtaavat: harjoittelut, opinnäytetyöt ja "
        "rekrytointitapahtumat tuodaan samalle kadulle.",
    ),
    (
        (
            "Kylän vetovoima ja yhteistyö rajan yli",
            "Teknologibyns dragningskraft och samarbete över gränsen",
            "The village's appeal and cooperation across the border",
        ),
        "Teknologiakylä tunnetaan sijaintipaikkana, ja sen yritykset löytävät kumppaneita myös Pohjois-Ruotsista.",
    ),
]


def _create(model, **fields):
    """A new row, validated like a form would before it is saved."""
    obj = model(**fields)
    obj.full_clean()
    obj.save()
    return obj


@transaction.atomic
def load_plan() -> DevelopmentPlan:
    """The demo edition, creating only what is missing; texts staff have edited are left alone."""
    plan = (
        DevelopmentPlan.objects.filter(Q(title_fi=TITLE["fi"]) | Q(period_start=PERIOD_START, period_end=PERIOD_END))
        .order_by("pk")
        .first()
    )
    if plan is None:
        plan = _create(
            DevelopmentPlan,
            period_start=PERIOD_START,
            period_end=PERIOD_END,
            status=DevelopmentPlan.Status.DRAFT,
            starting_point_fi=STARTING_POINT_FI,
            vision_fi=VISION_FI,
            **{f"title_{code}": text for code, text in TITLE.items()},
            **{f"summary_{code}": text for code, text in SUMMARY.items()},
        )
    for order, (titles, description) in enumerate(GOALS, start=1):
        if not plan.goals.filter(order=order).exists():
            _create(
                Goal,
                plan=plan,
                order=order,
                description_fi=description,
                **{f"title_{code}": text for code, text in zip(("fi", "sv", "en"), titles, strict=True)},
            )
    return plan


def tie_demo_measures(plan: DevelopmentPlan) -> int:
    """Tie the measures that have no goal yet to the plan's goals, in turn; returns how many were tied."""
    from workshops.models import Measure

    goals = list(plan.goals.order_by("order", "pk"))
    if not goals:
        return 0
    loose = list(Measure.objects.filter(goal__isnull=True).order_by("start_quarter", "pk"))
    for index, measure in enumerate(loose):
        measure.goal = goals[index % len(goals)]
        measure.save(update_fields=["goal", "updated_at"])
    return len(loose)
