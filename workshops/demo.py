"""Demo interviews, workshops, attachments, findings and measures of Teknologiakylä 3.0, in Finnish.

Companies are picked from the demo registry ("(demo)" names) in Business ID
order, so the same positions always mean the same companies; the schools and
Digipolis are found by name. Running the loader again adds only what is missing.
"""

import datetime
import struct
import zlib
import zoneinfo
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from companies.models import Building, Company
from surveys.demo import SLUG as SURVEY_SLUG
from surveys.models import Question

from .models import Attachment, Finding, Interview, Measure, MeasureStatusChange, Participation, Theme, Workshop

HELSINKI = zoneinfo.ZoneInfo("Europe/Helsinki")
STAFF_USERNAME = "staff"
DIGIPOLIS = "Kemin Digipolis Oy"
LAPIN_AMK = "Lapin ammattikorkeakoulu, Kemin kampus"
LAPPIA = "Koulutuskuntayhtymä Lappia"
YRITTAJAT = "Kemin Yrittäjät ry (demo)"
# Units of the schools that work in the village's buildings.
SCHOOL_UNITS = (LAPIN_AMK, "Lappia, Louhi", "Lappia, Paasi", "Lappia, Sampo")

# Positions of demo companies in Business ID order (the order of companies.demo.COMPANIES).
ARKTINEN_AUTOMAATIO = 0
KOODIPAJA = 2
DATAPALVELU = 3
POHJOINEN_KIERTOTALOUS = 4
SAHANPURU_BIOJALOSTUS = 5
RAJAJOEN_RAKENNUS = 6
SAHKOASENNUS = 7
KAIVOSMITTAUS = 9
REVONTULI_OHJELMISTOT = 10
KEMIJOEN_KONEPAJA = 11
SELKAMEREN_LOGISTIIKKA = 12
DIGIPAJA = 13
POLARLAB = 14
TUNTURIN_TEOLLISUUSPALVELUT = 15
KIERTOKEMI = 16
METSABIO = 17
HITSAUSKESKUS = 19
KEMI_ROBOTICS = 23
BOREAL_KUNNOSSAPITO = 39
LAPIN_REKRYTOINTI = 40
GREENSHIFT = 41

# An organisation: a position among the demo companies, or the name of one of the registry's fixed organisations.
OrgRef = int | str


def _at(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=HELSINKI)


@dataclass(frozen=True)
class InterviewSpec:
    held_at: datetime.datetime
    companies: tuple[int, ...]
    building: str
    room: str
    themes: tuple[str, ...]
    notes: str


@dataclass(frozen=True)
class WorkshopSpec:
    title: str
    held_at: datetime.datetime
    building: str
    room: str
    purpose: str
    invited: tuple[OrgRef, ...]
    themes: tuple[str, ...]
    notes: str
    outcomes: str


@dataclass(frozen=True)
class AttachmentSpec:
    workshop: int
    original_name: str
    description: str
    content_type: str
    lines: tuple[str, ...] = ()


@dataclass(frozen=True)
class FindingSpec:
    text: str
    kind: str
    importance: int
    themes: tuple[str, ...]
    interviews: tuple[int, ...] = ()
    workshops: tuple[int, ...] = ()
    companies: tuple[OrgRef, ...] = ()
    questions: tuple[str, ...] = ()


@dataclass(frozen=True)
class MeasureSpec:
    title: str
    description: str
    themes: tuple[str, ...]
    findings: tuple[int, ...]
    responsible: OrgRef | None  # None: the demo staff member
    partners: tuple[OrgRef, ...]
    start_quarter: str
    end_quarter: str
    estimated_cost: Decimal | None
    funding_source: str
    indicator: str
    baseline: Decimal
    target: Decimal
    history: tuple[tuple[datetime.date, str, str], ...]


GROWTH = "growth-and-development"
SERVICES = "village-services"
PREMISES = "premises"
CIRCULAR = "circular-economy"
DIGI = "digitalisation"
WORKFORCE = "workforce-and-skills"
SCHOOLS = "cooperation-with-schools"
TRANSPORT = "transport-and-location"

INTERVIEWS = (
    InterviewSpec(
        held_at=_at(2022, 9, 14, 10),
        companies=(ARKTINEN_AUTOMAATIO,),
        building="kosmos",
        room="neuvotteluhuone K205",
        themes=(PREMISES, GROWTH, WORKFORCE),
        notes="""\
## Taustaa

Automaatioyritys on toiminut Kosmoksessa lähes kolmekymmentä vuotta. Henkilöstöä on noin 30, ja liikevaihto
on kasvanut kolmena vuonna peräkkäin, ennen kaikkea prosessiteollisuuden kunnossapitoprojekteissa.

## Toimitilat

- Toimistotilat riittävät, mutta **testaus- ja kokoonpanotilaa ei ole**. Laitteita kootaan nyt osin asiakkaan
  tiloissa, mikä hidastaa toimituksia.
- Kahden–kolmen vuoden kuluessa tarvittaisiin noin 300 m² hallitilaa, jossa on nosturi ja riittävä sähköliittymä.
- Toive: hallitilaa voisi vuokrata joustavasti projektin ajaksi, vaikka muutamaksi kuukaudeksi.

## Kasvu

- Kasvua haetaan Pohjois-Ruotsin teollisuusinvestoinneista. Tarjouspyyntöjä on tullut Luulajan ja Tornion
  suunnalta.
- Suuriin hankintoihin pääsee mukaan vain referenssien ja sertifikaattien kanssa; niiden hankkimiseen kaivataan
  tukea.

## Työvoima

- Rekrytointitarve on 4–6 automaatioasentajaa ja -suunnittelijaa. Kokeneita hakijoita on vähän.
- Lapin AMK:n harjoittelijoista on hyviä kokemuksia; yhteistyötä voisi laajentaa opinnäytetöihin.

**Jatkotoimet:** tilatarve viedään Digipoliksen kiinteistöpalveluille, ja yritys kutsutaan osaavan työvoiman
työpajaan.
""",
    ),
    InterviewSpec(
        held_at=_at(2022, 10, 5, 13),
        companies=(KOODIPAJA, DATAPALVELU),
        building="compus",
        room="neuvotteluhuone C112",
        themes=(DIGI, WORKFORCE, SCHOOLS, SERVICES),
        notes="""\
Kahden ohjelmisto- ja datayrityksen yhteishaastattelu.

## Digitalisaatio

- Yritykset näkevät kylän teollisuusyrityksissä paljon käyttämätöntä potentiaalia: koneiden tiedot kerätään
  usein vielä käsin, ja etävalvonta puuttuu.
- Asiakkaille olisi helpompi näyttää ratkaisuja, jos kylässä olisi **yhteinen testiympäristö**, jossa anturit,
  verkko ja tietoturva ovat valmiina.
- Tietoturva huolestuttaa asiakkaita; sitä on hyvä käsitellä jo tarjousvaiheessa.

## Palvelut

- Neuvottelu- ja tapahtumatilojen varaaminen on hankalaa: vapaista tiloista kysytään sähköpostilla.
- Vieraille toivotaan koko kylän kattavaa langatonta verkkoa.

## Työvoima ja oppilaitokset

- Ohjelmistokehittäjiä on vaikea saada Kemiin; etätyö eteläisiin yrityksiin kilpailee samoista osaajista.
- Lapin AMK:n tieto- ja viestintätekniikan opiskelijat ovat tehneet yrityksille projekteja. Yhteinen
  hackathon kylän yritysten haasteista kiinnostaisi molempia.
""",
    ),
    InterviewSpec(
        held_at=_at(2022, 11, 9, 9, 30),
        companies=(POHJOINEN_KIERTOTALOUS, SAHANPURU_BIOJALOSTUS),
        building="louhi",
        room="halli L102",
        themes=(CIRCULAR, GROWTH, SERVICES, PREMISES),
        notes="""\
## Sivuvirrat

- Alueen sahoilta jää purua ja kuorta, ja kylän yrityksiltä metalliromua ja pakkausjätettä. Kenelläkään ei ole
  kokonaiskuvaa siitä, **mitä sivuvirtoja syntyy, missä ja kuinka paljon**.
- Biojalostaja testaa purusta valmistettuja tuotteita; koe-erille tarvittaisiin varastotilaa ja pieni
  hallialue.

## Laboratorio

- Analyysit ostetaan Etelä-Suomesta. Näytteiden lähettäminen ja tulosten odottaminen vie 2–3 viikkoa, mikä
  hidastaa tuotekehitystä.
- Yhteiskäyttöinen laboratorio yhdessä Lapin AMK:n kanssa olisi molemmille tärkeä. Käytöstä oltaisiin valmiita
  maksamaan.

## Klusteri ja luvat

- Alueen bio- ja kiertotalouden sekä kaivostoiminnan klusteri kiinnostaa, mutta yhteistä kohtaamispaikkaa ei ole.
- Perämerenkaaren vetyhankkeet kiinnostavat: sivuvirroista voisi jalostaa biokaasua ja vetyä, ja vedyn
  varastointia haluttaisiin kokeilla kylässä.
- Ympäristölupien käsittely kestää pitkään; koekäyttöön toivotaan neuvontaa.
""",
    ),
    InterviewSpec(
        held_at=_at(2023, 2, 15, 14),
        companies=(RAJAJOEN_RAKENNUS,),
        building="sampo",
        room="neuvotteluhuone S201",
        themes=(WORKFORCE, SCHOOLS, TRANSPORT),
        notes="""\
## Tilanne

Rakennusalan yritys työllistää yli sata henkilöä. Kemi–Keminmaa–Simo-alueen äkillinen rakennemuutos näkyy
tilauksissa, mutta myös siinä, että osa osaajista harkitsee muuttoa pois.

## Työvoima

- Eniten tarvitaan sähköasentajia, koneenkuljettajia ja työnjohtajia.
- Pohjois-Ruotsin suuret työmaat houkuttelevat asentajia paremmilla palkoilla.
- Oppisopimuksista Lappian kanssa on hyviä kokemuksia, mutta yhteyshenkilöä on välillä vaikea löytää.

## Sijainti ja liikenne

- Sijainti on erinomainen: valtatielle on minuutti ja lentoasemalle alle kymmenen minuuttia.
- Bussivuoroja on vähän. Opiskelijat ja vuorotyötä tekevät eivät pääse kylään aamuisin ja iltaisin ilman autoa.
- Raskaiden ajoneuvojen pysäköinti Louhen ja Paasin välillä on ahdasta.
""",
    ),
    InterviewSpec(
        held_at=_at(2023, 3, 22, 10),
        companies=(SAHKOASENNUS,),
        building="paasi",
        room="yrityksen toimisto P204",
        themes=(GROWTH, SERVICES, DIGI, WORKFORCE),
        notes="""\
## Kasvu

- Pohjois-Ruotsin vihreän siirtymän teollisuushankkeet tuovat sähköistystöitä. Yritys haluaisi tarjota niitä
  yhdessä kylän automaatio- ja kunnossapitoyritysten kanssa.
- Ruotsin työmailla vaaditaan omat pätevyydet ja perehdytykset; niiden selvittäminen vie pieneltä yritykseltä
  paljon aikaa.

## Digitalisaatio

- Työmääräimet ja dokumentointi tehdään vielä paperilla. Mobiili työnohjausjärjestelmä kiinnostaa, mutta
  valintaan ja käyttöönottoon ei ole omaa osaamista.

## Palvelut

- Toive: kylän yhteiset koulutukset (työturvallisuus- ja sähköturvallisuuskurssit) ja yhteishankinnat, esimerkiksi
  suojavarusteet ja työterveyshuolto.
- Lounasravintolan aukioloajat ovat lyhyet vuorotyötä tekeville.
""",
    ),
)

WORKSHOPS = (
    WorkshopSpec(
        title="Kiertotalouden mahdollisuudet teknologiakylässä",
        held_at=_at(2023, 4, 19, 12, 30),
        building="compus",
        room="auditorio",
        purpose=(
            "Koota kylän yritykset, oppilaitokset ja alueen kiertotaloustoimijat tunnistamaan sivuvirtojen "
            "hyödyntämisen mahdollisuudet ja yhteisen laboratorion tarpeet."
        ),
        invited=(
            POHJOINEN_KIERTOTALOUS,
            SAHANPURU_BIOJALOSTUS,
            KAIVOSMITTAUS,
            POLARLAB,
            KIERTOKEMI,
            METSABIO,
            GREENSHIFT,
            LAPIN_AMK,
            "Lappia, Louhi",
            YRITTAJAT,
        ),
        themes=(CIRCULAR, GROWTH, SERVICES, SCHOOLS),
        notes="""\
## Ohjelma

1. Avaus ja hankkeen tilannekatsaus (Digipolis)
2. Alustus: kiertotalous Perämerenkaaren teollisuudessa
3. Ryhmätyöt kolmessa ryhmässä
4. Yhteenveto ja jatkosta sopiminen

## Ryhmätöiden tuloksia

- **Sivuvirrat:** puru, kuori, metalliromu, pakkausmuovit ja laboratorioiden näytejätteet. Määristä ei ole
  yhteistä tietoa; kartoitus on ensimmäinen askel.
- **Yhteinen laboratorio:** materiaalianalyysit, kosteus- ja lujuustestit sekä pienet koe-erät. Neljä yritystä
  kertoi käyttävänsä laboratoriota heti, jos se olisi tarjolla.
- **Osaaminen ja rahoitus:** opinnäytetyöt ja opiskelijaprojektit sivuvirtojen selvittämiseen; rahoitusta
  voisi hakea EAKR-ohjelmasta.
""",
        outcomes="""\
- Sivuvirtakartta laaditaan yhdessä Lapin AMK:n kanssa vuoden 2023 aikana.
- Yhteiskäyttölaboratoriosta tehdään esiselvitys ja rahoitushakemus.
- Kiertotalousverkosto kokoontuu kahdesti vuodessa.
""",
    ),
    WorkshopSpec(
        title="Osaava työvoima – yritykset ja oppilaitokset yhdessä",
        held_at=_at(2023, 9, 27, 13),
        building="sampo",
        room="luokka S301",
        purpose=(
            "Tuoda yritysten osaamistarpeet ja oppilaitosten koulutustarjonta samaan pöytään ja sopia, miten "
            "työvoiman kysyntä ja tarjonta kohtaavat kylässä paremmin."
        ),
        invited=(
            ARKTINEN_AUTOMAATIO,
            RAJAJOEN_RAKENNUS,
            SAHKOASENNUS,
            KEMIJOEN_KONEPAJA,
            TUNTURIN_TEOLLISUUSPALVELUT,
            HITSAUSKESKUS,
            KEMI_ROBOTICS,
            BOREAL_KUNNOSSAPITO,
            LAPIN_REKRYTOINTI,
            *SCHOOL_UNITS,
            YRITTAJAT,
        ),
        themes=(WORKFORCE, SCHOOLS, GROWTH, TRANSPORT),
        notes="""\
## Yritysten viestit

- Lähivuosina tarvitaan automaatio- ja sähköasentajia, hitsaajia, kunnossapidon osaajia ja ohjelmistokehittäjiä.
- Pienillä yrityksillä ei ole aikaa etsiä oikeaa yhteyshenkilöä oppilaitoksista.
- Pohjois-Ruotsin työmaat vievät kokeneita työntekijöitä; sitoutumiseen tarvitaan hyviä harjoittelu- ja
  oppisopimuskokemuksia.

## Oppilaitosten viestit

- Lapin AMK ja Lappia tarjoavat harjoittelijoita, opinnäytetöitä ja täsmäkoulutusta.
- Opiskelijoiden kulkeminen kylään on hankalaa aamu- ja iltavuoroissa.

## Keskustelu

Osallistujat ehdottivat kylään yhteistä yhteyspistettä, josta yritys saa yhdellä yhteydenotolla harjoittelijan,
opinnäytetyön tekijän tai oppisopimusopiskelijan.
""",
        outcomes="""\
- Yritysten ja oppilaitosten yhteyspiste käynnistetään vuoden 2024 alussa.
- Kevään 2024 rekrytointitapahtuma järjestetään Sammossa.
- Joukkoliikenteen lisävuoroista neuvotellaan Kemin kaupungin kanssa.
""",
    ),
)

ATTACHMENTS = (
    AttachmentSpec(
        workshop=0,
        original_name="flappitaulu_sivuvirrat.png",
        description="Valokuva ryhmätyön fläppitaulusta: sivuvirrat ja niiden määrät",
        content_type="image/png",
    ),
    AttachmentSpec(
        workshop=0,
        original_name="kiertotalous_alustus.pdf",
        description="Alustuksen diat",
        content_type="application/pdf",
        lines=(
            "Kiertotalouden mahdollisuudet teknologiakylässä",
            "Alustus 19.4.2023, Compus",
            "Sivuvirrat – yhteinen laboratorio – osaaminen ja rahoitus",
        ),
    ),
    AttachmentSpec(
        workshop=1,
        original_name="osaava_tyovoima_yhteenveto.pdf",
        description="Työpajan yhteenveto",
        content_type="application/pdf",
        lines=(
            "Osaava työvoima – yritykset ja oppilaitokset yhdessä",
            "Työpaja 27.9.2023, Sampo",
            "Yhteyspiste, rekrytointitapahtuma ja joukkoliikenne",
        ),
    ),
)

K = Finding.Kind
FINDINGS = (
    # 0–2 strengths
    FindingSpec(
        "Teknologiakylän sijainti on yritysten mielestä erinomainen: valtatielle on minuutti, lentoasemalle alle "
        "kymmenen minuuttia ja Kemin keskustaan noin kolme kilometriä.",
        K.STRENGTH,
        3,
        (TRANSPORT,),
        interviews=(3,),
        companies=(RAJAJOEN_RAKENNUS,),
    ),
    FindingSpec(
        "Oppilaitokset toimivat samoissa rakennuksissa kuin yritykset. Harjoittelijoista, opinnäytetöistä ja "
        "oppisopimuksista on hyviä kokemuksia.",
        K.STRENGTH,
        2,
        (SCHOOLS, WORKFORCE),
        interviews=(0, 1),
        workshops=(1,),
        companies=(ARKTINEN_AUTOMAATIO, KOODIPAJA, LAPIN_AMK),
        questions=("work_school_interest",),
    ),
    FindingSpec(
        "Monet yritykset ovat toimineet kylässä yli 20 vuotta ja pitävät yhteisöä ja Digipoliksen palveluja "
        "luotettavina.",
        K.STRENGTH,
        2,
        (SERVICES, GROWTH),
        interviews=(0,),
        companies=(ARKTINEN_AUTOMAATIO,),
        questions=("services_satisfaction",),
    ),
    # 3–6 weaknesses
    FindingSpec(
        "Testaus-, kokoonpano- ja hallitilaa ei saa joustavasti lyhyeksi ajaksi, joten yritykset kokoavat laitteita "
        "asiakkaan tiloissa tai vuokraavat tilaa kylän ulkopuolelta.",
        K.WEAKNESS,
        3,
        (PREMISES, GROWTH),
        interviews=(0,),
        companies=(ARKTINEN_AUTOMAATIO,),
        questions=("premises_plan", "premises_needed"),
    ),
    FindingSpec(
        "Laboratorioanalyysit ostetaan Etelä-Suomesta, mikä pidentää tuotekehityksen ja koe-erien läpimenoaikaa "
        "viikoilla.",
        K.WEAKNESS,
        2,
        (CIRCULAR, SERVICES),
        interviews=(2,),
        workshops=(0,),
        companies=(POHJOINEN_KIERTOTALOUS, SAHANPURU_BIOJALOSTUS),
        questions=("services_wanted",),
    ),
    FindingSpec(
        "Joukkoliikenne kylään on harvaa: opiskelijat ja vuorotyötä tekevät eivät pääse kylään bussilla aamuisin "
        "eivätkä iltaisin.",
        K.WEAKNESS,
        2,
        (TRANSPORT, WORKFORCE),
        interviews=(3,),
        workshops=(1,),
        companies=(RAJAJOEN_RAKENNUS,),
    ),
    FindingSpec(
        "Kylässä ei ole yhteistä tapaa varata neuvottelu- ja tapahtumatiloja; vapaista tiloista kysytään "
        "sähköpostilla.",
        K.WEAKNESS,
        1,
        (SERVICES, DIGI),
        interviews=(1,),
        companies=(KOODIPAJA, DATAPALVELU),
    ),
    # 7–10 opportunities
    FindingSpec(
        "Pohjois-Ruotsin vihreän siirtymän teollisuusinvestoinnit tuovat kysyntää automaatio-, sähkö- ja "
        "kunnossapitopalveluille. Kylän yritykset voisivat tarjota niitä yhdessä laajempina kokonaisuuksina.",
        K.OPPORTUNITY,
        3,
        (GROWTH,),
        interviews=(0, 4),
        companies=(ARKTINEN_AUTOMAATIO, SAHKOASENNUS),
        questions=("green_transition",),
    ),
    FindingSpec(
        "Alueen sahojen ja teollisuuden sivuvirroista, kuten purusta, kuoresta ja metalliromusta, voisi jalostaa "
        "uusia tuotteita, jos materiaalivirroista olisi yhteinen kartta ja koe-erille tilaa.",
        K.OPPORTUNITY,
        3,
        (CIRCULAR, PREMISES),
        interviews=(2,),
        workshops=(0,),
        companies=(POHJOINEN_KIERTOTALOUS, SAHANPURU_BIOJALOSTUS, KIERTOKEMI),
        questions=("circular_side_streams", "circular_side_streams_kind"),
    ),
    FindingSpec(
        "Kylän ohjelmistoyritykset voisivat myydä teollisuusyrityksille digitalisaatiopalveluja, kuten etävalvontaa "
        "ja tiedonkeruuta, jos niillä olisi yhteinen testiympäristö asiakkaille esittelyä varten.",
        K.OPPORTUNITY,
        2,
        (DIGI, GROWTH, SERVICES),
        interviews=(1,),
        companies=(KOODIPAJA, DATAPALVELU, REVONTULI_OHJELMISTOT),
        questions=("digi_needs",),
    ),
    FindingSpec(
        "Alueen bio- ja kiertotalouden sekä kaivostoiminnan klusteri kaipaa kohtaamispaikkaa. Teknologiakylä voisi "
        "koota klusterin yritykset ja oppilaitokset yhteisiin tapahtumiin.",
        K.OPPORTUNITY,
        2,
        (CIRCULAR, SERVICES, SCHOOLS),
        interviews=(2,),
        workshops=(0,),
        companies=(KAIVOSMITTAUS, METSABIO),
        questions=("circular_cluster_interest",),
    ),
    # 11–13 threats
    FindingSpec(
        "Kemi–Keminmaa–Simo-alueen äkillinen rakennemuutos voi viedä osaajia pois alueelta, jos uusia työpaikkoja "
        "ei synny riittävän nopeasti.",
        K.THREAT,
        3,
        (WORKFORCE, GROWTH),
        interviews=(3,),
        workshops=(1,),
        companies=(RAJAJOEN_RAKENNUS,),
    ),
    FindingSpec(
        "Pohjois-Ruotsin suuret työmaat houkuttelevat asentajia ja hitsaajia paremmilla palkoilla, ja pienet "
        "yritykset menettävät kokeneita työntekijöitään.",
        K.THREAT,
        2,
        (WORKFORCE,),
        interviews=(3, 4),
        workshops=(1,),
        companies=(RAJAJOEN_RAKENNUS, SAHKOASENNUS, HITSAUSKESKUS),
        questions=("work_recruitment_difficulty",),
    ),
    FindingSpec(
        "Ympäristölupien käsittely on hidasta, mikä voi viivästyttää sivuvirtojen koekäyttöä ja uusien "
        "kiertotalousratkaisujen käyttöönottoa.",
        K.THREAT,
        1,
        (CIRCULAR,),
        interviews=(2,),
        companies=(POHJOINEN_KIERTOTALOUS,),
    ),
    # 14–17 needs
    FindingSpec(
        "Yritykset tarvitsevat kahden–kolmen vuoden kuluessa lisää automaatio- ja sähköasentajia, hitsaajia, "
        "kunnossapidon osaajia ja ohjelmistokehittäjiä.",
        K.NEED,
        3,
        (WORKFORCE,),
        interviews=(0, 1, 4),
        workshops=(1,),
        companies=(ARKTINEN_AUTOMAATIO, KOODIPAJA, SAHKOASENNUS),
        questions=("work_recruitment_need", "work_skills"),
    ),
    FindingSpec(
        "Kylään tarvitaan yhteiskäyttöinen laboratorio näytteiden analysointiin ja materiaalien testaukseen. Usea "
        "yritys olisi valmis maksamaan käytöstä.",
        K.NEED,
        3,
        (SERVICES, CIRCULAR),
        interviews=(2,),
        workshops=(0,),
        companies=(POHJOINEN_KIERTOTALOUS, SAHANPURU_BIOJALOSTUS, POLARLAB),
        questions=("services_pay_for_lab", "services_wanted"),
    ),
    FindingSpec(
        "Pienet yritykset tarvitsevat tukea digitaalisten työkalujen, kuten mobiilien työnohjaus- ja "
        "dokumentointijärjestelmien, valintaan ja käyttöönottoon.",
        K.NEED,
        2,
        (DIGI,),
        interviews=(4,),
        companies=(SAHKOASENNUS,),
        questions=("digi_maturity",),
    ),
    FindingSpec(
        "Yritykset tarvitsevat oppilaitoksiin yhden selkeän yhteyspisteen harjoittelu-, opinnäytetyö- ja "
        "oppisopimusasioissa.",
        K.NEED,
        2,
        (SCHOOLS, WORKFORCE),
        interviews=(3,),
        workshops=(1,),
        companies=(RAJAJOEN_RAKENNUS, LAPPIA),
        questions=("work_cooperation",),
    ),
    # 18–19 wishes
    FindingSpec(
        "Lounasravintolan aukioloaikoja toivotaan pidemmiksi vuorotyötä tekevien vuoksi.",
        K.WISH,
        1,
        (SERVICES,),
        interviews=(4,),
        companies=(SAHKOASENNUS,),
        questions=("services_ideas",),
    ),
    FindingSpec(
        "Yritykset toivovat kylän yhteisiä koulutuksia, kuten työturvallisuus- ja sähköturvallisuuskursseja, sekä "
        "yhteishankintoja kustannusten jakamiseksi.",
        K.WISH,
        2,
        (SERVICES, WORKFORCE),
        interviews=(4,),
        workshops=(1,),
        companies=(SAHKOASENNUS, KEMIJOEN_KONEPAJA),
        questions=("growth_needs",),
    ),
)

S = Measure.Status
MEASURES = (
    MeasureSpec(
        title="Yhteiskäyttölaboratorio Kosmokseen",
        description=(
            "Kosmokseen perustetaan yhdessä Lapin AMK:n kanssa laboratorio, jota kylän yritykset voivat käyttää "
            "materiaalianalyyseihin, testaukseen ja pieniin koe-eriin.\n\n"
            "- esiselvitys ja laitelista\n- rahoitushakemus\n- käyttösäännöt ja hinnasto"
        ),
        themes=(SERVICES, CIRCULAR),
        findings=(4, 15),
        responsible=LAPIN_AMK,
        partners=(DIGIPOLIS, POLARLAB, POHJOINEN_KIERTOTALOUS),
        start_quarter="2023-Q3",
        end_quarter="2025-Q2",
        estimated_cost=Decimal("180000"),
        funding_source="EAKR, Lapin liitto",
        indicator="yrityksiä yhteiskäyttölaboratoriossa",
        baseline=Decimal("4"),
        target=Decimal("12"),
        history=(
            (datetime.date(2023, 5, 16), S.PROPOSED, "Kiertotaloustyöpajan ehdotus."),
            (datetime.date(2023, 9, 5), S.AGREED, "Ohjausryhmä hyväksyi."),
            (datetime.date(2024, 2, 1), S.IN_PROGRESS, "Rahoituspäätös saatu."),
        ),
    ),
    MeasureSpec(
        title="Joustavat testaus- ja kokoonpanotilat Louheen",
        description=(
            "Louhen hallista erotetaan lyhytaikaisesti vuokrattavia testaus- ja kokoonpanotiloja, joissa on nosturi "
            "ja riittävä sähköliittymä."
        ),
        themes=(PREMISES, GROWTH),
        findings=(3, 8),
        responsible=DIGIPOLIS,
        partners=(ARKTINEN_AUTOMAATIO, KEMI_ROBOTICS),
        start_quarter="2024-Q1",
        end_quarter="2025-Q4",
        estimated_cost=Decimal("250000"),
        funding_source="oma rahoitus",
        indicator="lyhytaikaisesti vuokrattua hallitilaa (m²)",
        baseline=Decimal("0"),
        target=Decimal("600"),
        history=(
            (datetime.date(2023, 6, 13), S.PROPOSED, ""),
            (datetime.date(2024, 1, 23), S.AGREED, "Hallituksen päätös."),
        ),
    ),
    MeasureSpec(
        title="Sivuvirtakartta ja kiertotalousverkosto",
        description=(
            "Kartoitetaan kylän ja lähialueen sivuvirrat (laatu, määrä, sijainti) ja kootaan kiertotalousverkosto, "
            "joka kokoontuu kahdesti vuodessa."
        ),
        themes=(CIRCULAR, SCHOOLS),
        findings=(8, 10, 13),
        responsible=None,
        partners=(POHJOINEN_KIERTOTALOUS, SAHANPURU_BIOJALOSTUS, KIERTOKEMI, LAPIN_AMK),
        start_quarter="2023-Q2",
        end_quarter="2024-Q2",
        estimated_cost=Decimal("35000"),
        funding_source="Lapin liitto",
        indicator="kartoitettuja sivuvirtoja",
        baseline=Decimal("0"),
        target=Decimal("25"),
        history=(
            (datetime.date(2023, 4, 25), S.PROPOSED, ""),
            (datetime.date(2023, 5, 30), S.AGREED, ""),
            (datetime.date(2023, 8, 15), S.IN_PROGRESS, "Opinnäytetyö käynnistyi."),
            (datetime.date(2024, 5, 28), S.DONE, "Kartta julkaistu verkostolle."),
        ),
    ),
    MeasureSpec(
        title="Yritysten ja oppilaitosten yhteyspiste",
        description=(
            "Kylään perustetaan yhteyspiste, jonka kautta yritys saa yhdellä yhteydenotolla harjoittelijan, "
            "opinnäytetyön tekijän tai oppisopimusopiskelijan. Työvoiman kysyntä ja tarjonta kootaan samaan "
            "näkymään kahdesti vuodessa."
        ),
        themes=(WORKFORCE, SCHOOLS),
        findings=(1, 14, 17),
        responsible=LAPPIA,
        partners=(LAPIN_AMK, DIGIPOLIS, LAPIN_REKRYTOINTI),
        start_quarter="2023-Q4",
        end_quarter="2026-Q4",
        estimated_cost=Decimal("60000"),
        funding_source="EAKR, oma rahoitus",
        indicator="harjoittelu- ja oppisopimuspaikkoja kylän yrityksissä vuodessa",
        baseline=Decimal("15"),
        target=Decimal("40"),
        history=(
            (datetime.date(2023, 10, 3), S.PROPOSED, "Osaavan työvoiman työpajan ehdotus."),
            (datetime.date(2023, 11, 14), S.AGREED, ""),
            (datetime.date(2024, 1, 8), S.IN_PROGRESS, ""),
        ),
    ),
    MeasureSpec(
        title="Teollisuuden digitalisaation testiympäristö",
        description=(
            "Kylän ohjelmistoyritykset ja Lapin AMK rakentavat testiympäristön, jossa teollisuusyritykset voivat "
            "kokeilla etävalvontaa, tiedonkeruuta ja tietoturvaratkaisuja ennen hankintaa."
        ),
        themes=(DIGI, GROWTH),
        findings=(9, 16),
        responsible=DATAPALVELU,
        partners=(KOODIPAJA, REVONTULI_OHJELMISTOT, LAPIN_AMK),
        start_quarter="2024-Q3",
        end_quarter="2026-Q2",
        estimated_cost=Decimal("90000"),
        funding_source="EAKR",
        indicator="testiympäristöä käyttäviä yrityksiä",
        baseline=Decimal("0"),
        target=Decimal("8"),
        history=((datetime.date(2024, 4, 10), S.PROPOSED, ""),),
    ),
    MeasureSpec(
        title="Joukkoliikenteen lisävuorot teknologiakylään",
        description="Neuvotellaan Kemin kaupungin kanssa aamu- ja iltavuoroista, jotka palvelevat opiskelijoita "
        "ja vuorotyötä tekeviä.",
        themes=(TRANSPORT, WORKFORCE),
        findings=(5,),
        responsible=DIGIPOLIS,
        partners=(SELKAMEREN_LOGISTIIKKA, LAPIN_AMK),
        start_quarter="2024-Q1",
        end_quarter="2024-Q4",
        estimated_cost=None,
        funding_source="",
        indicator="bussivuoroja arkipäivisin",
        baseline=Decimal("6"),
        target=Decimal("14"),
        history=(
            (datetime.date(2023, 10, 3), S.PROPOSED, ""),
            (datetime.date(2024, 1, 8), S.AGREED, ""),
            (
                datetime.date(2024, 9, 30),
                S.DROPPED,
                "Lisävuorot eivät mahtuneet kaupungin liikennöintisopimukseen; asia siirtyy kaupungin "
                "joukkoliikennesuunnitelmaan.",
            ),
        ),
    ),
    MeasureSpec(
        title="Yhteiset koulutukset ja yhteishankinnat",
        description=(
            "Kylän yrityksille järjestetään yhteisiä työturvallisuus- ja sähköturvallisuuskoulutuksia, ja "
            "suojavarusteet kilpailutetaan yhdessä."
        ),
        themes=(SERVICES, WORKFORCE),
        findings=(19, 12),
        responsible=None,
        partners=(YRITTAJAT, SAHKOASENNUS, HITSAUSKESKUS),
        start_quarter="2023-Q2",
        end_quarter="2023-Q4",
        estimated_cost=Decimal("12000"),
        funding_source="oma rahoitus",
        indicator="koulutuksiin osallistuneita henkilöitä",
        baseline=Decimal("0"),
        target=Decimal("80"),
        history=(
            (datetime.date(2023, 4, 4), S.PROPOSED, ""),
            (datetime.date(2023, 4, 20), S.AGREED, ""),
            (datetime.date(2023, 5, 2), S.IN_PROGRESS, ""),
            (datetime.date(2023, 12, 15), S.DONE, "Neljä koulutusta, 86 osallistujaa."),
        ),
    ),
    MeasureSpec(
        title="Tilavarausjärjestelmä ja kylän tapahtumakalenteri",
        description="Neuvottelu- ja tapahtumatilat varataan verkossa, ja kylän tapahtumat kootaan yhteen kalenteriin.",
        themes=(SERVICES, DIGI),
        findings=(6, 2),
        responsible=DIGIPOLIS,
        partners=(DIGIPAJA,),
        start_quarter="2023-Q1",
        end_quarter="2023-Q3",
        estimated_cost=Decimal("8000"),
        funding_source="oma rahoitus",
        indicator="tilavarauksia kuukaudessa järjestelmän kautta",
        baseline=Decimal("0"),
        target=Decimal("60"),
        history=(
            (datetime.date(2022, 12, 13), S.PROPOSED, "Haastattelujen perusteella."),
            (datetime.date(2023, 1, 17), S.AGREED, ""),
            (datetime.date(2023, 2, 1), S.IN_PROGRESS, ""),
            (datetime.date(2023, 9, 29), S.DONE, "Järjestelmä käytössä kaikissa rakennuksissa."),
        ),
    ),
)


# Tiny real files -----------------------------------------------------------------


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def demo_png(width: int = 48, height: int = 32) -> bytes:
    """A small valid PNG: a white flip chart with marker lines and two yellow sticky notes."""
    white, blue, grey, yellow = (255, 255, 255), (20, 60, 160), (40, 40, 40), (250, 220, 60)
    rows = []
    for y in range(height):
        row = bytearray([0])  # filter type 0: the scanline as is
        for x in range(width):
            if y in (4, 5) and 4 <= x < 40:
                pixel = blue  # the heading
            elif y > 8 and y % 6 == 2 and 6 <= x < 30:
                pixel = grey  # written lines
            elif (10 <= y < 18 or 20 <= y < 28) and 34 <= x < 42:
                pixel = yellow  # sticky notes
            else:
                pixel = white
            row.extend(pixel)
        rows.append(bytes(row))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + _png_chunk(b"IEND", b"")
    )


def _pdf_text(text: str) -> bytes:
    escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    return escaped.encode("cp1252")


def demo_pdf(lines: tuple[str, ...]) -> bytes:
    """A minimal valid one-page PDF (A4) with the lines in Helvetica; cp1252 carries the Finnish letters."""
    stream = b"BT /F1 16 Tf 60 770 Td 22 TL"
    for line in lines:
        stream += b" (" + _pdf_text(line) + b") '"
    stream += b" ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


# Loading -------------------------------------------------------------------------


def _create(model, **fields):
    """A new row, validated like a form would before it is saved."""
    obj = model(**fields)
    obj.full_clean()
    obj.save()
    return obj


def _demo_companies() -> list[Company]:
    return list(Company.objects.filter(name__endswith="(demo)").exclude(business_id="").order_by("business_id"))


class _Lookup:
    """Finds the demo's organisations, themes and survey questions; what is missing is skipped."""

    def __init__(self):
        self.companies = _demo_companies()
        self.themes = {theme.slug: theme for theme in Theme.objects.all()}
        self.buildings = {building.slug: building for building in Building.objects.all()}
        self.questions = {
            question.code: question for question in Question.objects.filter(section__survey__slug=SURVEY_SLUG)
        }
        self._named: dict[str, Company | None] = {}

    def organisation(self, ref: OrgRef) -> Company | None:
        if isinstance(ref, int):
            return self.companies[ref] if ref < len(self.companies) else None
        if ref not in self._named:
            self._named[ref] = Company.objects.filter(name=ref).first()
        return self._named[ref]

    def organisations(self, refs) -> list[Company]:
        return [company for company in map(self.organisation, refs) if company is not None]

    def theme_list(self, slugs) -> list[Theme]:
        return [self.themes[slug] for slug in slugs if slug in self.themes]


def _load_interviews(lookup: _Lookup, staff) -> list[Interview]:
    interviews = []
    for spec in INTERVIEWS:
        companies = lookup.organisations(spec.companies)
        if not companies:
            continue
        interview = Interview.objects.filter(held_at=spec.held_at, companies=companies[0]).first()
        if interview is None:
            interview = _create(
                Interview,
                held_at=spec.held_at,
                building=lookup.buildings.get(spec.building),
                room=spec.room,
                notes=spec.notes,
                created_by=staff,
            )
            interview.companies.set(companies)
            interview.contacts.set([contact for company in companies for contact in company.contacts.all()])
            interview.themes.set(lookup.theme_list(spec.themes))
            if staff:
                interview.interviewers.set([staff])
        interviews.append(interview)
    return interviews


def _load_workshops(lookup: _Lookup, staff) -> list[Workshop]:
    workshops = []
    for spec in WORKSHOPS:
        workshop = Workshop.objects.filter(title=spec.title).first()
        invited = lookup.organisations(spec.invited)
        if workshop is None:
            workshop = _create(
                Workshop,
                title=spec.title,
                held_at=spec.held_at,
                building=lookup.buildings.get(spec.building),
                room=spec.room,
                purpose=spec.purpose,
                notes=spec.notes,
                outcomes=spec.outcomes,
                created_by=staff,
            )
            workshop.invited_companies.set(invited)
            workshop.themes.set(lookup.theme_list(spec.themes))
            if staff:
                workshop.facilitators.set([staff])
        for company_number, company in enumerate(invited):
            for contact_number, contact in enumerate(company.contacts.order_by("pk")):
                # Most organisations sent their first contact; every fourth one sent nobody.
                attended = contact_number == 0 and company_number % 4 != 3
                Participation.objects.get_or_create(
                    workshop=workshop, contact=contact, defaults={"invited": True, "attended": attended}
                )
        workshops.append(workshop)
    return workshops


def _load_attachments(workshops: list[Workshop], staff) -> None:
    for spec in ATTACHMENTS:
        if spec.workshop >= len(workshops):
            continue
        workshop = workshops[spec.workshop]
        if Attachment.objects.filter(workshop=workshop, original_name=spec.original_name).exists():
            continue
        data = demo_png() if spec.content_type == "image/png" else demo_pdf(spec.lines)
        attachment = Attachment(
            workshop=workshop,
            original_name=spec.original_name,
            content_type=spec.content_type,
            size=len(data),
            description=spec.description,
            uploaded_by=staff,
        )
        attachment.file.save(spec.original_name, ContentFile(data), save=False)
        attachment.full_clean()
        attachment.save()


# Swedish and English versions of some findings and measures, keyed by the Finnish text or title: a Swedish build of
# the demo shows them, and lists the texts still only in Finnish.
FINDING_TRANSLATIONS = {
    FINDINGS[0].text: {
        "sv": "Företagen anser att teknologibyns läge är utmärkt: en minut till riksvägen, under tio minuter till "
        "flygplatsen och ungefär tre kilometer till Kemi centrum.",
        "en": "The companies find the village's location excellent: a minute to the main road, under ten minutes "
        "to the airport and about three kilometres to the centre of Kemi.",
    },
    FINDINGS[1].text: {
        "sv": "Läroanstalterna finns i samma byggnader som företagen. Erfarenheterna av praktikanter, lärdomsprov "
        "och läroavtal är goda.",
        "en": "The schools work in the same buildings as the companies. Trainees, theses and apprenticeships have "
        "worked well.",
    },
    FINDINGS[3].text: {
        "sv": "Test-, monterings- och hallutrymmen kan inte hyras flexibelt för kort tid, så företagen monterar "
        "utrustning hos kunden eller hyr utrymmen utanför byn.",
        "en": "Test, assembly and hall space cannot be rented flexibly for a short time, so companies assemble "
        "equipment at their customers' sites or rent space outside the village.",
    },
    FINDINGS[4].text: {
        "sv": "Laboratorieanalyser köps från södra Finland, vilket förlänger produktutvecklingen och "
        "provserierna med flera veckor.",
        "en": "Laboratory analyses are bought from southern Finland, which adds weeks to product development and "
        "trial batches.",
    },
}

MEASURE_TRANSLATIONS = {
    "Yhteiskäyttölaboratorio Kosmokseen": {
        "sv": {
            "title": "Gemensamt laboratorium i Kosmos",
            "description": "I Kosmos inrättas tillsammans med Lapplands yrkeshögskola ett laboratorium som byns "
            "företag kan använda för materialanalyser, tester och små provserier.\n\n"
            "- förstudie och utrustningslista\n- finansieringsansökan\n- användarregler och prislista",
            "indicator": "företag som använder det gemensamma laboratoriet",
            "funding_source": "Eruf, Lapplands förbund",
        },
        "en": {
            "title": "A shared laboratory in Kosmos",
            "description": "Together with Lapland UAS, a laboratory is set up in Kosmos for the village's companies "
            "to use for material analyses, tests and small trial batches.\n\n"
            "- pre-study and list of equipment\n- funding application\n- rules of use and price list",
            "indicator": "companies using the shared laboratory",
            "funding_source": "ERDF, Regional Council of Lapland",
        },
    },
    "Joustavat testaus- ja kokoonpanotilat Louheen": {
        "sv": {
            "title": "Flexibla test- och monteringsutrymmen i Louhi",
            "description": "I hallen i Louhi avskiljs test- och monteringsutrymmen med travers och tillräcklig "
            "elanslutning, som kan hyras för kort tid.",
            "indicator": "hallyta som hyrs ut för kort tid (m²)",
            "funding_source": "egen finansiering",
        },
        "en": {
            "title": "Flexible test and assembly space in Louhi",
            "description": "Test and assembly spaces with a crane and a sufficient power supply are separated from "
            "the hall of Louhi, to be rented for short periods.",
            "indicator": "hall space rented for short periods (m²)",
            "funding_source": "own funding",
        },
    },
    "Yritysten ja oppilaitosten yhteyspiste": {
        "sv": {
            "title": "Kontaktpunkt för företag och läroanstalter",
            "description": "I byn inrättas en kontaktpunkt där ett företag med en enda kontakt får en praktikant, "
            "någon som skriver sitt lärdomsprov eller en läroavtalsstuderande. Efterfrågan och utbudet av "
            "arbetskraft sammanställs i samma vy två gånger om året.",
            "indicator": "praktik- och läroavtalsplatser i byns företag per år",
            "funding_source": "Eruf, egen finansiering",
        },
        "en": {
            "title": "A contact point for companies and schools",
            "description": "A contact point is set up in the village through which a company, with one call, "
            "finds a trainee, a thesis writer or an apprentice. Demand and supply of labour are brought into one "
            "view twice a year.",
            "indicator": "trainee and apprenticeship places in the village's companies a year",
            "funding_source": "ERDF, own funding",
        },
    },
}


def _fill_missing(instance, texts: dict[str, dict[str, str]]) -> None:
    """Write the languages of `texts` ({language: {field: text}}) that the record does not have yet."""
    changed = []
    for language, fields in texts.items():
        for field, text in fields.items():
            name = f"{field}_{language}"
            if not getattr(instance, name):
                setattr(instance, name, text)
                changed.append(name)
    if changed:
        instance.save(update_fields=changed)


def _load_findings(lookup: _Lookup, interviews: list[Interview], workshops: list[Workshop], staff) -> list[Finding]:
    findings = []
    for spec in FINDINGS:
        finding = Finding.objects.filter(text_fi=spec.text).first()
        if finding is None:
            finding = _create(Finding, text_fi=spec.text, kind=spec.kind, importance=spec.importance, created_by=staff)
            finding.themes.set(lookup.theme_list(spec.themes))
            finding.companies.set(lookup.organisations(spec.companies))
            finding.interviews.set([interviews[i] for i in spec.interviews if i < len(interviews)])
            finding.workshops.set([workshops[i] for i in spec.workshops if i < len(workshops)])
            finding.questions.set([lookup.questions[code] for code in spec.questions if code in lookup.questions])
        if spec.text in FINDING_TRANSLATIONS:
            _fill_missing(finding, {code: {"text": text} for code, text in FINDING_TRANSLATIONS[spec.text].items()})
        findings.append(finding)
    return findings


def _load_measures(lookup: _Lookup, findings: list[Finding], staff, today: datetime.date) -> None:
    for spec in MEASURES:
        existing = Measure.objects.filter(title_fi=spec.title).first()
        if existing is not None:
            _fill_missing(existing, MEASURE_TRANSLATIONS.get(spec.title, {}))
            continue
        # Steps dated after today have not happened yet.
        history = [step for step in spec.history if step[0] <= today]
        responsible_user = staff if spec.responsible is None else None
        # Without the demo staff member, Digipolis answers for the measures meant for them.
        organisation = spec.responsible if spec.responsible is not None or staff is not None else DIGIPOLIS
        measure = _create(
            Measure,
            title_fi=spec.title,
            description_fi=spec.description,
            responsible_user=responsible_user,
            responsible_organisation=lookup.organisation(organisation) if organisation is not None else None,
            start_quarter=spec.start_quarter,
            end_quarter=spec.end_quarter,
            estimated_cost=spec.estimated_cost,
            funding_source_fi=spec.funding_source,
            indicator_fi=spec.indicator,
            indicator_baseline=spec.baseline,
            indicator_target=spec.target,
            status=history[-1][1] if history else Measure.Status.PROPOSED,
        )
        measure.themes.set(lookup.theme_list(spec.themes))
        measure.findings.set([findings[i] for i in spec.findings if i < len(findings)])
        measure.partners.set(lookup.organisations(spec.partners))
        _fill_missing(measure, MEASURE_TRANSLATIONS.get(spec.title, {}))
        for changed_on, status, note in history:
            _create(
                MeasureStatusChange, measure=measure, status=status, changed_on=changed_on, changed_by=staff, note=note
            )


@transaction.atomic
def load_workshops(now=None) -> dict[str, int]:
    """Create the demo interviews, workshops, attachments, findings and measures that are missing."""
    today = timezone.localdate(now or timezone.now(), HELSINKI)
    lookup = _Lookup()
    if lookup.companies:
        staff = get_user_model().objects.filter(username=STAFF_USERNAME).first()
        interviews = _load_interviews(lookup, staff)
        workshops = _load_workshops(lookup, staff)
        _load_attachments(workshops, staff)
        findings = _load_findings(lookup, interviews, workshops, staff)
        _load_measures(lookup, findings, staff, today)
    return {
        "interviews": Interview.objects.count(),
        "workshops": Workshop.objects.count(),
        "findings": Finding.objects.count(),
        "measures": Measure.objects.count(),
        "attachments": Attachment.objects.count(),
    }
