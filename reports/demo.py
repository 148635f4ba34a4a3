"""The demo edition of the development plan: its written parts and goals in Finnish, Swedish and English."""

import datetime

from django.db import transaction
from django.db.models import Q

from workshops.models import Goal

from .models import DevelopmentPlan

LANGUAGES = ("fi", "sv", "en")
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

STARTING_POINT_SV = """\
## Byn i dag

Teknologibyn ligger ungefär tre kilometer från Kemi centrum, under tio minuter från flygplatsen och en minut från
riksvägen. Kosmos och Compus vid Tietokatu samt Louhi, Paasi och Sampo vid Sammonkatu har utrymmen för
industrins serviceföretag, programvaruhus, planeringsbyråer och läroanstalter. De längsta kundrelationerna är
nästan lika gamla som byn själv.

## Mitt i en förändring

Kemi–Keminmaa–Simo-regionen genomgår en plötslig strukturomvandling när traditionell industri förnyas. Samtidigt
ökar investeringarna i den gröna omställningen i norra Sverige efterfrågan på kunnande och tjänster på båda
sidor om gränsen. Regionens kluster för bioekonomi, cirkulär ekonomi och gruvdrift ger byns företag kunder och
partner.

## Vad vi hörde

Enkäten, intervjuerna och workshoparna gav samma budskap:

1. Företagen vill växa, men för många är det största hindret att hitta lämplig arbetskraft.
2. Läroanstalterna är grannar, men samarbetet med företagen hänger ofta på enskilda personer.
3. Möjligheterna inom cirkulär ekonomi och digitalisering är kända, men att göra affärer av dem kräver partner,
   testmiljöer och finansiering.
"""

STARTING_POINT_EN = """\
## The village today

The Technology Village lies about three kilometres from the centre of Kemi, under ten minutes from the airport
and a minute from the main road. Kosmos and Compus on Tietokatu and Louhi, Paasi and Sampo on Sammonkatu house
industrial service companies, software houses, engineering offices and schools. The longest customer
relationships are almost as old as the village itself.

## In the midst of change

The Kemi–Keminmaa–Simo region is going through a sudden structural change as its traditional industry renews
itself. At the same time, the investments of the green transition in northern Sweden raise the demand for skills
and services on both sides of the border. The region's bioeconomy, circular economy and mining cluster brings
customers and partners to the village's companies.

## What we heard

The survey, the interviews and the workshops gave the same message:

1. Companies want to grow, but finding suitable staff is the biggest obstacle for many of them.
2. The schools are neighbours, yet cooperation with the companies often rests on a few individuals.
3. The opportunities of the circular economy and digitalisation are known, but turning them into business takes
   partners, test environments and funding.
"""

VISION_FI = """\
**Vuonna 2027 Kemin Teknologiakylä on vihreän siirtymän osaamis- ja palvelukeskittymä Perämeren kaarella:
yritykset ja oppilaitokset kehittävät, kokeilevat ja kouluttavat siellä yhdessä.**

- Yritykset löytävät tarvitsemansa osaajat läheltä, ja opiskelijat tuntevat kylän yritykset jo opintojensa aikana.
- Kylän yritykset myyvät kiertotalouden ja digitalisaation ratkaisuja alueen teollisuudelle Suomessa ja Ruotsissa.
- Uudet yritykset valitsevat kylän sijaintipaikakseen sen palvelujen, yhteisön ja hyvien yhteyksien vuoksi.
"""

VISION_SV = """\
**År 2027 är Kemi teknologiby ett centrum för kunnande och tjänster för den gröna omställningen vid Bottenvikens
båge: där utvecklar, testar och utbildar företag och läroanstalter tillsammans.**

- Företagen hittar de experter de behöver nära sig, och de studerande lär känna byns företag redan under studierna.
- Byns företag säljer lösningar för cirkulär ekonomi och digitalisering till regionens industri i Finland och
  Sverige.
- Nya företag väljer byn tack vare dess tjänster, gemenskap och goda förbindelser.
"""

VISION_EN = """\
**In 2027 the Kemi Technology Village is a centre of skills and services for the green transition on the arc of
the Bothnian Bay, where companies and schools develop, test and train together.**

- Companies find the experts they need close by, and students get to know the village's companies while they
  study.
- The village's companies sell circular economy and digitalisation solutions to the region's industry in Finland
  and Sweden.
- New companies choose the village for its services, its community and its good connections.
"""

# (fi, sv, en) titles and descriptions of each goal, in order.
GOALS = [
    (
        (
            "Yritysten kasvu ja uudet palvelut",
            "Företagens tillväxt och nya tjänster",
            "Business growth and new services",
        ),
        (
            "Kylän yritykset kasvavat, ja Digipolis tarjoaa niille palveluja, joita kysely ja haastattelut toivoivat: "
            "yhteisiä tiloja, kasvuvalmennusta ja verkostoja.",
            "Byns företag växer, och Digipolis erbjuder dem de tjänster som enkäten och intervjuerna efterlyste: "
            "gemensamma utrymmen, tillväxtcoachning och nätverk.",
            "The village's companies grow, and Digipolis offers them the services the survey and the interviews "
            "asked for: shared spaces, growth coaching and networks.",
        ),
    ),
    (
        (
            "Kiertotalous ja digitalisaatio liiketoiminnaksi",
            "Cirkulär ekonomi och digitalisering som affärsverksamhet",
            "Circular economy and digitalisation into business",
        ),
        (
            "Yritykset tuotteistavat kiertotalouden ja digitalisaation ratkaisuja alueen bio-, kiertotalous- ja "
            "kaivosklusterille sekä Pohjois-Ruotsin vihreän siirtymän hankkeille.",
            "Företagen produktifierar lösningar för cirkulär ekonomi och digitalisering för regionens kluster för "
            "bioekonomi, cirkulär ekonomi och gruvdrift och för projekten i den gröna omställningen i norra Sverige.",
            "Companies turn circular economy and digitalisation solutions into products for the region's bioeconomy, "
            "circular economy and mining cluster and for the green transition projects of northern Sweden.",
        ),
    ),
    (
        (
            "Osaavan työvoiman kohtaanto",
            "Matchning av kunnig arbetskraft",
            "Matching skilled labour with the companies' needs",
        ),
        (
            "Yritysten osaamistarpeet ja oppilaitosten koulutus kohtaavat: harjoittelut, opinnäytetyöt ja "
            "rekrytointitapahtumat tuodaan samalle kadulle.",
            "Företagens kompetensbehov och läroanstalternas utbildning möts: praktik, lärdomsprov och "
            "rekryteringsevenemang samlas på samma gata.",
            "The skills companies need and what the schools teach meet: traineeships, theses and recruitment events "
            "are brought onto the same street.",
        ),
    ),
    (
        (
            "Kylän vetovoima ja yhteistyö rajan yli",
            "Teknologibyns dragningskraft och samarbete över gränsen",
            "The village's appeal and cooperation across the border",
        ),
        (
            "Teknologiakylä tunnetaan sijaintipaikkana, ja sen yritykset löytävät kumppaneita myös Pohjois-Ruotsista.",
            "Teknologibyn är känd som etableringsort, och dess företag hittar partner också i norra Sverige.",
            "The village is known as a place to locate a business, and its companies find partners in northern "
            "Sweden too.",
        ),
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
    written = {
        "starting_point": dict(zip(LANGUAGES, (STARTING_POINT_FI, STARTING_POINT_SV, STARTING_POINT_EN), strict=True)),
        "vision": dict(zip(LANGUAGES, (VISION_FI, VISION_SV, VISION_EN), strict=True)),
    }
    if plan is None:
        plan = _create(
            DevelopmentPlan,
            period_start=PERIOD_START,
            period_end=PERIOD_END,
            status=DevelopmentPlan.Status.DRAFT,
            **{f"title_{code}": text for code, text in TITLE.items()},
            **{f"summary_{code}": text for code, text in SUMMARY.items()},
            **{f"{field}_{code}": text for field, versions in written.items() for code, text in versions.items()},
        )
    else:
        _fill_missing(plan, written)  # an edition from before the translations gets them; staff edits stay
    for order, (titles, descriptions) in enumerate(GOALS, start=1):
        goal = plan.goals.filter(order=order).first()
        if goal is None:
            _create(
                Goal,
                plan=plan,
                order=order,
                **{f"title_{code}": text for code, text in zip(LANGUAGES, titles, strict=True)},
                **{f"description_{code}": text for code, text in zip(LANGUAGES, descriptions, strict=True)},
            )
        else:
            _fill_missing(goal, {"description": dict(zip(LANGUAGES, descriptions, strict=True))})
    return plan


def _fill_missing(obj, texts: dict[str, dict[str, str]]) -> None:
    """Write the texts ({field: {language: text}}) the row does not have yet; what staff wrote is left alone."""
    changed = [
        f"{field}_{code}"
        for field, versions in texts.items()
        for code in versions
        if not getattr(obj, f"{field}_{code}")
    ]
    for name in changed:
        field, code = name.rsplit("_", 1)
        setattr(obj, name, texts[field][code])
    if changed:
        obj.save(update_fields=changed)


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
