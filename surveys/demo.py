"""The demo survey of Teknologiakylä 3.0 in Finnish, Swedish and English, and demo answers for the dashboard."""

import datetime
import random
import zoneinfo
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from companies.models import Company

from .invitations import invitation_create
from .models import OTHER_VALUE, Choice, Invitation, Question, Response, Section, Survey
from .services import page_save

SLUG = "teknologiakyla-3-0"
HELSINKI = zoneinfo.ZoneInfo("Europe/Helsinki")
LANGUAGES = ("fi", "sv", "en")
# The village's own company runs the survey; it does not answer it.
ORGANISER_NAME = "Kemin Digipolis Oy"

T = Question.Type
# (fi, sv, en)
Texts = tuple[str, str, str]

CHOOSE_ALL: Texts = ("Valitse kaikki sopivat.", "Välj alla som passar.", "Choose all that apply.")
YES_NO_CHOICES = [("yes", "Kyllä", "Ja", "Yes"), ("no", "Ei", "Nej", "No")]
DONT_KNOW = ("dont_know", "En osaa sanoa", "Kan inte säga", "Don't know")

SURVEY_TEXTS = {
    "title": (
        "Teknologiakylä 3.0 – kysely teknologiakylän toimijoille",
        "Teknologiakylä 3.0 – enkät till aktörerna i Kemi teknologiby",
        "Teknologiakylä 3.0 – survey for the organisations of the Kemi Technology Village",
    ),
    "introduction": (
        "Kemin Digipolis Oy kehittää Kemin Teknologiakylää Teknologiakylä 3.0 -hankkeessa. Tällä kyselyllä "
        "kartoitamme teknologiakylässä toimivien yritysten ja organisaatioiden tarpeita ja toiveita: toimitiloja, "
        "kasvusuunnitelmia, palveluja, kiertotalouden ja digitalisaation mahdollisuuksia sekä osaavan työvoiman "
        "saatavuutta. Vastausten pohjalta laaditaan teknologiakylän kehittämissuunnitelma.\n\n"
        "Vastaaminen vie noin 15 minuuttia. Vastaukset tallentuvat sivu kerrallaan, joten voitte keskeyttää ja "
        "jatkaa myöhemmin samasta linkistä. Myös kollegat voivat vastata samalla linkillä. Vastauksia käsittelevät "
        "vain hankkeen työntekijät, ja tulokset esitetään koosteena. Kyselyyn voi vastata lokakuun loppuun asti.",
        "Kemin Digipolis Oy utvecklar Kemi teknologiby i projektet Teknologiakylä 3.0. Med den här enkäten "
        "kartlägger vi behoven och önskemålen hos företagen och organisationerna i teknologibyn: lokaler, "
        "tillväxtplaner, tjänster, möjligheterna inom cirkulär ekonomi och digitalisering samt tillgången på "
        "kunnig arbetskraft. Utgående från svaren utarbetas en utvecklingsplan för teknologibyn.\n\n"
        "Det tar cirka 15 minuter att svara. Svaren sparas sida för sida, så ni kan avbryta och fortsätta senare "
        "via samma länk. Era kolleger kan också svara via samma länk. Svaren behandlas endast av projektets "
        "personal och resultaten redovisas sammanställda. Enkäten är öppen till slutet av oktober.",
        "Kemin Digipolis Oy is developing the Kemi Technology Village in the Teknologiakylä 3.0 project. This "
        "survey maps the needs and wishes of the companies and organisations in the village: premises, growth "
        "plans, services, the opportunities of the circular economy and digitalisation, and the availability of "
        "skilled staff. Your answers will shape the development plan of the village.\n\n"
        "Answering takes about 15 minutes. Your answers are saved page by page, so you can stop and continue "
        "later from the same link. Your colleagues can answer through the same link too. Only the project staff "
        "handle the answers, and the results are reported as a summary. The survey is open until the end of "
        "October.",
    ),
    "thank_you_text": (
        "Kiitos vastauksistanne! Ne auttavat meitä kehittämään teknologiakylää yritysten ja organisaatioiden "
        "tarpeiden mukaan. Voitte muokata vastauksia samasta linkistä vastausajan loppuun asti. Jos haluatte "
        "kertoa lisää, ottakaa yhteyttä Teknologiakylä 3.0 -hankkeeseen Kemin Digipolis Oy:ssä.",
        "Tack för era svar! De hjälper oss att utveckla teknologibyn enligt företagens och organisationernas "
        "behov. Ni kan ändra svaren via samma länk ända tills svarstiden går ut. Om ni vill berätta mer kan ni "
        "kontakta projektet Teknologiakylä 3.0 på Kemin Digipolis Oy.",
        "Thank you for your answers! They help us develop the village to meet the needs of its companies and "
        "organisations. You can change your answers from the same link until the survey closes. If you would "
        "like to tell us more, please contact the Teknologiakylä 3.0 project at Kemin Digipolis Oy.",
    ),
}


@dataclass(frozen=True)
class QuestionSpec:
    code: str
    type: str
    text: Texts
    help_text: Texts | None = None
    required: bool = False
    min_value: int | None = None
    max_value: int | None = None
    scale_labels: tuple[Texts, Texts] | None = None
    choices: tuple = ()  # (value, fi, sv, en)
    has_other: bool = False
    shown_if: tuple[str, str] | None = None  # (code of an earlier single-choice question, choice value)


@dataclass(frozen=True)
class SectionSpec:
    title: Texts
    description: Texts
    questions: tuple[QuestionSpec, ...]


PREMISES_KINDS = [
    ("office", "Toimistotilaa", "Kontorslokaler", "Office space"),
    ("laboratory", "Laboratoriotilaa", "Laboratorielokaler", "Laboratory space"),
    ("hall", "Tuotanto- tai hallitilaa", "Produktions- eller hallutrymmen", "Production or hall space"),
    ("warehouse", "Varastotilaa", "Lagerutrymmen", "Storage space"),
]

SECTIONS = (
    SectionSpec(
        title=("Organisaatio ja toimitilat", "Organisationen och lokalerna", "Your organisation and premises"),
        description=(
            "Aluksi kysymme organisaationne koosta ja siitä, miten nykyiset tilat palvelevat toimintaanne.",
            "Först frågar vi om organisationens storlek och om hur era nuvarande lokaler fungerar för verksamheten.",
            "First, a few questions about the size of your organisation and how well your premises work for you.",
        ),
        questions=(
            QuestionSpec(
                "org_employees",
                T.SINGLE_CHOICE,
                (
                    "Kuinka monta henkilöä organisaatiossanne työskentelee?",
                    "Hur många personer arbetar i er organisation?",
                    "How many people work in your organisation?",
                ),
                help_text=(
                    "Arvioikaa henkilömäärä Kemin toimipaikassanne. Laskekaa mukaan myös osa-aikaiset ja "
                    "yrittäjät itse.",
                    "Uppskatta antalet personer vid ert verksamhetsställe i Kemi. Räkna också med deltidsanställda "
                    "och företagarna själva.",
                    "An estimate for your site in Kemi. Include part-time staff and the owners themselves.",
                ),
                required=True,
                choices=(
                    ("1-4", "1–4 henkilöä", "1–4 personer", "1–4 people"),
                    ("5-9", "5–9 henkilöä", "5–9 personer", "5–9 people"),
                    ("10-49", "10–49 henkilöä", "10–49 personer", "10–49 people"),
                    ("50-249", "50–249 henkilöä", "50–249 personer", "50–249 people"),
                    ("250-or-more", "250 henkilöä tai enemmän", "250 personer eller fler", "250 people or more"),
                ),
            ),
            QuestionSpec(
                "org_premises",
                T.MULTIPLE_CHOICE,
                (
                    "Millaisia tiloja käytätte teknologiakylässä tällä hetkellä?",
                    "Vilka slags lokaler använder ni i teknologibyn i dag?",
                    "What kind of premises do you use in the village today?",
                ),
                help_text=CHOOSE_ALL,
                choices=(
                    *PREMISES_KINDS,
                    ("teaching", "Opetustiloja", "Undervisningslokaler", "Teaching space"),
                ),
                has_other=True,
            ),
            QuestionSpec(
                "premises_fit",
                T.SCALE,
                (
                    "Kuinka hyvin nykyiset toimitilat vastaavat toimintanne tarpeita?",
                    "Hur väl motsvarar era nuvarande lokaler verksamhetens behov?",
                    "How well do your current premises meet the needs of your work?",
                ),
                scale_labels=(
                    ("Erittäin huonosti", "Mycket dåligt", "Very poorly"),
                    ("Erittäin hyvin", "Mycket väl", "Very well"),
                ),
            ),
            QuestionSpec(
                "premises_plan",
                T.SINGLE_CHOICE,
                (
                    "Miten arvioitte tilatarpeenne muuttuvan seuraavan kolmen vuoden aikana?",
                    "Hur tror ni att ert lokalbehov förändras under de tre närmaste åren?",
                    "How do you expect your need for premises to change in the next three years?",
                ),
                required=True,
                choices=(
                    ("grow", "Tarvitsemme lisää tilaa", "Vi behöver mer utrymme", "We need more space"),
                    ("same", "Tilatarve pysyy ennallaan", "Behovet förblir detsamma", "Our need stays the same"),
                    ("shrink", "Tarvitsemme vähemmän tilaa", "Vi behöver mindre utrymme", "We need less space"),
                    (
                        "move_away",
                        "Aiomme muuttaa pois teknologiakylästä",
                        "Vi planerar att flytta bort från teknologibyn",
                        "We plan to move out of the village",
                    ),
                    DONT_KNOW,
                ),
            ),
            QuestionSpec(
                "premises_needed",
                T.MULTIPLE_CHOICE,
                (
                    "Millaisia lisätiloja tarvitsisitte?",
                    "Vilka slags tilläggslokaler skulle ni behöva?",
                    "What kind of additional space would you need?",
                ),
                help_text=CHOOSE_ALL,
                choices=(
                    *PREMISES_KINDS,
                    (
                        "test_space",
                        "Testaus- ja demotilaa",
                        "Test- och demonstrationsutrymmen",
                        "Testing and demonstration space",
                    ),
                    (
                        "meeting_space",
                        "Kokous- ja tapahtumatilaa",
                        "Mötes- och evenemangslokaler",
                        "Meeting and event space",
                    ),
                ),
                has_other=True,
                shown_if=("premises_plan", "grow"),
            ),
        ),
    ),
    SectionSpec(
        title=("Kasvu ja kehittämistarpeet", "Tillväxt och utvecklingsbehov", "Growth and development needs"),
        description=(
            "Kysymykset koskevat liiketoimintanne näkymiä ja sitä, millaista tukea kasvu edellyttäisi. "
            "Oppilaitokset ja muut organisaatiot voivat vastata oman toimintansa näkökulmasta.",
            "Frågorna gäller utsikterna för er affärsverksamhet och vilket stöd tillväxten skulle kräva. "
            "Läroanstalter och andra organisationer kan svara utgående från sin egen verksamhet.",
            "These questions are about your business outlook and the support that growth would need. "
            "Schools and other organisations can answer for their own activities.",
        ),
        questions=(
            QuestionSpec(
                "growth_turnover_outlook",
                T.SCALE,
                (
                    "Miten arvioitte liikevaihtonne kehittyvän seuraavan kolmen vuoden aikana?",
                    "Hur bedömer ni att er omsättning utvecklas under de tre närmaste åren?",
                    "How do you expect your turnover to develop over the next three years?",
                ),
                required=True,
                scale_labels=(
                    ("Laskee selvästi", "Minskar klart", "Falls clearly"),
                    ("Kasvaa selvästi", "Ökar klart", "Grows clearly"),
                ),
            ),
            QuestionSpec(
                "growth_staff",
                T.INTEGER,
                (
                    "Kuinka monella henkilöllä arvioitte henkilöstönne kasvavan kolmen vuoden aikana?",
                    "Med hur många personer räknar ni med att personalen växer inom tre år?",
                    "By how many people do you expect your staff to grow within three years?",
                ),
                help_text=(
                    "Arvio riittää. Jos ette odota kasvua, vastatkaa 0.",
                    "En uppskattning räcker. Svara 0 om ni inte räknar med tillväxt.",
                    "An estimate is enough. Answer 0 if you expect no growth.",
                ),
                min_value=0,
                max_value=10000,
            ),
            QuestionSpec(
                "growth_export_share",
                T.DECIMAL,
                (
                    "Kuinka suuri osuus liikevaihdostanne tulee viennistä (%)?",
                    "Hur stor andel av er omsättning kommer från export (%)?",
                    "What share of your turnover comes from exports (%)?",
                ),
                help_text=(
                    "Prosentteina 0–100. Jos ette vie lainkaan, vastatkaa 0.",
                    "I procent, 0–100. Svara 0 om ni inte exporterar.",
                    "As a percentage, 0–100. Answer 0 if you do not export.",
                ),
                min_value=0,
                max_value=100,
            ),
            QuestionSpec(
                "growth_needs",
                T.MULTIPLE_CHOICE,
                (
                    "Millä osa-alueilla tarvitsisitte tukea liiketoiminnan kehittämiseen?",
                    "Inom vilka områden skulle ni behöva stöd för att utveckla affärsverksamheten?",
                    "In which areas would you need support to develop your business?",
                ),
                help_text=CHOOSE_ALL,
                choices=(
                    ("sales", "Myynti ja markkinointi", "Försäljning och marknadsföring", "Sales and marketing"),
                    (
                        "international",
                        "Kansainvälistyminen ja vienti",
                        "Internationalisering och export",
                        "Internationalisation and exports",
                    ),
                    (
                        "product",
                        "Tuote- ja palvelukehitys",
                        "Produkt- och tjänsteutveckling",
                        "Product and service development",
                    ),
                    ("funding", "Rahoitus", "Finansiering", "Financing"),
                    ("skills", "Henkilöstön osaaminen", "Personalens kompetens", "Staff skills"),
                    (
                        "networks",
                        "Yhteistyökumppanit ja verkostot",
                        "Samarbetspartner och nätverk",
                        "Partners and networks",
                    ),
                    ("management", "Johtaminen ja strategia", "Ledning och strategi", "Management and strategy"),
                    ("ownership", "Omistajanvaihdos", "Ägarbyte", "Change of ownership"),
                ),
                has_other=True,
            ),
            QuestionSpec(
                "growth_obstacle",
                T.LONG_TEXT,
                (
                    "Mikä on tällä hetkellä suurin este organisaationne kasvulle?",
                    "Vilket är för närvarande det största hindret för er organisations tillväxt?",
                    "What is currently the biggest obstacle to your organisation's growth?",
                ),
            ),
        ),
    ),
    SectionSpec(
        title=("Teknologiakylän palvelut", "Teknologibyns tjänster", "Services of the village"),
        description=(
            "Haluamme tietää, millaisia yhteisiä palveluja teknologiakylään kannattaisi kehittää ja miten "
            "nykyiset palvelut toimivat.",
            "Vi vill veta vilka gemensamma tjänster som borde utvecklas i teknologibyn och hur de nuvarande "
            "tjänsterna fungerar.",
            "We want to know which shared services are worth developing in the village and how the current "
            "services work.",
        ),
        questions=(
            QuestionSpec(
                "services_wanted",
                T.MULTIPLE_CHOICE,
                (
                    "Mitä yhteisiä palveluja käyttäisitte, jos niitä olisi tarjolla teknologiakylässä?",
                    "Vilka gemensamma tjänster skulle ni använda om de fanns i teknologibyn?",
                    "Which shared services would you use if the village offered them?",
                ),
                help_text=CHOOSE_ALL,
                choices=(
                    ("meeting_rooms", "Kokous- ja neuvotteluhuoneet", "Mötes- och förhandlingsrum", "Meeting rooms"),
                    ("shared_lab", "Yhteinen laboratorio", "Gemensamt laboratorium", "A shared laboratory"),
                    (
                        "test_environments",
                        "Testaus- ja kehitysympäristöt",
                        "Test- och utvecklingsmiljöer",
                        "Test environments",
                    ),
                    ("business_advisory", "Yritysneuvonta", "Företagsrådgivning", "Business advisory services"),
                    ("networking", "Verkostoitumistapahtumat", "Nätverksevenemang", "Networking events"),
                    ("catering", "Lounas- ja kahvilapalvelut", "Lunch- och kafétjänster", "Lunch and café services"),
                    (
                        "reception",
                        "Vastaanotto- ja postipalvelut",
                        "Receptions- och posttjänster",
                        "Reception and mail services",
                    ),
                    (
                        "shared_equipment",
                        "Yhteiset laitteet ja työpajat",
                        "Gemensam utrustning och verkstäder",
                        "Shared equipment and workshops",
                    ),
                ),
                has_other=True,
            ),
            QuestionSpec(
                "services_satisfaction",
                T.SCALE,
                (
                    "Kuinka tyytyväisiä olette teknologiakylän nykyisiin palveluihin?",
                    "Hur nöjda är ni med teknologibyns nuvarande tjänster?",
                    "How satisfied are you with the village's current services?",
                ),
                required=True,
                scale_labels=(
                    ("Erittäin tyytymätön", "Mycket missnöjd", "Very dissatisfied"),
                    ("Erittäin tyytyväinen", "Mycket nöjd", "Very satisfied"),
                ),
            ),
            QuestionSpec(
                "services_pay_for_lab",
                T.YES_NO,
                (
                    "Olisiko organisaationne valmis maksamaan yhteisen laboratorion käytöstä?",
                    "Skulle er organisation vara beredd att betala för att använda ett gemensamt laboratorium?",
                    "Would your organisation be willing to pay to use a shared laboratory?",
                ),
                help_text=(
                    "Esimerkiksi käyttömaksuna tai osana vuokraa.",
                    "Till exempel som en avgift per användning eller som en del av hyran.",
                    "For example as a usage fee or as part of the rent.",
                ),
            ),
            QuestionSpec(
                "services_ideas",
                T.LONG_TEXT,
                (
                    "Millaisia ideoita tai toiveita teillä on teknologiakylän palvelujen kehittämiseksi?",
                    "Vilka idéer eller önskemål har ni för att utveckla teknologibyns tjänster?",
                    "What ideas or wishes do you have for developing the village's services?",
                ),
            ),
        ),
    ),
    SectionSpec(
        title=(
            "Kiertotalous ja digitalisaatio",
            "Cirkulär ekonomi och digitalisering",
            "Circular economy and digitalisation",
        ),
        description=(
            "Meri-Lapissa kasvavat bio- ja kiertotalous sekä kaivostoiminta, ja Pohjois-Ruotsin vihreä siirtymä "
            "tuo uusia mahdollisuuksia. Kartoitamme, miten ne liittyvät teidän toimintaanne.",
            "Bio- och cirkulär ekonomi och gruvnäringen växer i regionen, och den gröna omställningen i norra "
            "Sverige öppnar nya möjligheter. Vi kartlägger hur de berör er verksamhet.",
            "The bio- and circular economy and mining are growing in Sea Lapland, and the green transition in "
            "northern Sweden brings new opportunities. We want to know how they relate to your work.",
        ),
        questions=(
            QuestionSpec(
                "circular_side_streams",
                T.SINGLE_CHOICE,
                (
                    "Syntyykö toiminnassanne sivuvirtoja tai sivutuotteita, joita voisi hyödyntää?",
                    "Uppstår det sidoströmmar eller biprodukter i er verksamhet som kunde tas till vara?",
                    "Does your work produce side streams or by-products that could be put to use?",
                ),
                help_text=(
                    "Esimerkiksi materiaalijäämiä, hukkalämpöä, purua tai dataa, jota joku muu voisi käyttää.",
                    "Till exempel materialrester, spillvärme, sågspån eller data som någon annan kunde använda.",
                    "For example leftover material, waste heat, sawdust or data that someone else could use.",
                ),
                required=True,
                choices=tuple(YES_NO_CHOICES),
            ),
            QuestionSpec(
                "circular_side_streams_kind",
                T.SHORT_TEXT,
                (
                    "Millaisia sivuvirtoja tai sivutuotteita syntyy?",
                    "Vilka slags sidoströmmar eller biprodukter uppstår?",
                    "What kind of side streams or by-products arise?",
                ),
                shown_if=("circular_side_streams", "yes"),
            ),
            QuestionSpec(
                "circular_cluster_interest",
                T.SCALE,
                (
                    "Kuinka kiinnostuneita olette toimimaan alueen bio- ja kiertotalouden sekä kaivostoiminnan "
                    "klusterissa?",
                    "Hur intresserade är ni av att delta i regionens kluster för bio- och cirkulär ekonomi och "
                    "gruvnäring?",
                    "How interested are you in taking part in the region's bio- and circular-economy and mining "
                    "cluster?",
                ),
                scale_labels=(
                    ("Ei lainkaan kiinnostuneita", "Inte alls intresserade", "Not at all interested"),
                    ("Erittäin kiinnostuneita", "Mycket intresserade", "Very interested"),
                ),
            ),
            QuestionSpec(
                "digi_maturity",
                T.SCALE,
                (
                    "Millä tasolla organisaationne digitalisaatio on oman arvionne mukaan?",
                    "På vilken nivå är digitaliseringen i er organisation enligt er egen bedömning?",
                    "How far has your organisation come with digitalisation, in your own view?",
                ),
                help_text=(
                    "Ajatelkaa esimerkiksi tietojärjestelmiä, sähköisiä palveluja ja tiedon hyödyntämistä.",
                    "Tänk till exempel på informationssystem, e-tjänster och hur ni använder data.",
                    "Think for example of information systems, online services and how you use data.",
                ),
                scale_labels=(
                    ("Vasta alussa", "Helt i början", "Just starting"),
                    ("Pitkälle kehittynyt", "Långt utvecklad", "Very advanced"),
                ),
            ),
            QuestionSpec(
                "digi_needs",
                T.MULTIPLE_CHOICE,
                (
                    "Millaisia digitalisaatioon liittyviä tarpeita teillä on?",
                    "Vilka behov har ni i fråga om digitalisering?",
                    "What needs do you have related to digitalisation?",
                ),
                help_text=CHOOSE_ALL,
                choices=(
                    ("automation", "Automaatio ja robotiikka", "Automation och robotik", "Automation and robotics"),
                    (
                        "data",
                        "Tiedon analysointi ja raportointi",
                        "Dataanalys och rapportering",
                        "Data analysis and reporting",
                    ),
                    (
                        "ai",
                        "Tekoälyn hyödyntäminen",
                        "Användning av artificiell intelligens",
                        "Using artificial intelligence",
                    ),
                    ("cybersecurity", "Tietoturva", "Informationssäkerhet", "Cyber security"),
                    ("cloud", "Pilvipalvelut", "Molntjänster", "Cloud services"),
                    (
                        "ecommerce",
                        "Verkkokauppa ja sähköinen asiointi",
                        "E-handel och e-tjänster",
                        "Online sales and e-services",
                    ),
                    ("marketing", "Digitaalinen markkinointi", "Digital marknadsföring", "Digital marketing"),
                    (
                        "erp",
                        "Toiminnanohjausjärjestelmät (ERP)",
                        "Affärssystem (ERP)",
                        "ERP and other business systems",
                    ),
                ),
                has_other=True,
            ),
            QuestionSpec(
                "green_transition",
                T.SINGLE_CHOICE,
                (
                    "Kiinnostavatko teitä Pohjois-Ruotsin vihreän siirtymän investointien liiketoimintamahdollisuudet?",
                    "Är ni intresserade av affärsmöjligheterna kring investeringarna i den gröna omställningen i "
                    "norra Sverige?",
                    "Are you interested in the business opportunities of the green-transition investments in "
                    "northern Sweden?",
                ),
                choices=(
                    (
                        "already",
                        "Kyllä, teemme jo liiketoimintaa siellä",
                        "Ja, vi gör redan affärer där",
                        "Yes, we already do business there",
                    ),
                    ("planning", "Kyllä, suunnittelemme sitä", "Ja, vi planerar det", "Yes, we are planning to"),
                    (
                        "interested",
                        "Kiinnostaa, mutta suunnitelmia ei vielä ole",
                        "Intresserade, men vi har inga planer ännu",
                        "Interested, but no plans yet",
                    ),
                    ("not_interested", "Ei kiinnosta", "Inte intresserade", "Not interested"),
                    DONT_KNOW,
                ),
            ),
        ),
    ),
    SectionSpec(
        title=(
            "Osaava työvoima ja yhteistyö oppilaitosten kanssa",
            "Kunnig arbetskraft och samarbete med läroanstalterna",
            "Skilled staff and cooperation with the schools",
        ),
        description=(
            "Teknologiakylässä toimivat myös Lapin ammattikorkeakoulun Kemin kampus ja ammattiopisto Lappia. "
            "Kysymme rekrytointitarpeistanne ja siitä, miten yhteistyötä oppilaitosten kanssa voisi kehittää.",
            "I teknologibyn finns också Lapplands yrkeshögskolas campus i Kemi och yrkesinstitutet Lappia. Vi "
            "frågar om ert rekryteringsbehov och om hur samarbetet med läroanstalterna kunde utvecklas.",
            "The village is also home to the Kemi campus of Lapland University of Applied Sciences and the "
            "vocational college Lappia. We ask about your recruitment needs and how cooperation with the schools "
            "could develop.",
        ),
        questions=(
            QuestionSpec(
                "work_recruitment_need",
                T.INTEGER,
                (
                    "Kuinka monta henkilöä arvioitte rekrytoivanne seuraavan 12 kuukauden aikana?",
                    "Hur många personer räknar ni med att rekrytera under de kommande 12 månaderna?",
                    "How many people do you expect to recruit in the next 12 months?",
                ),
                help_text=(
                    "Laskekaa mukaan myös määräaikaiset ja kausityöntekijät. Jos rekrytointeja ei ole tulossa, "
                    "vastatkaa 0.",
                    "Räkna också med visstidsanställda och säsongsarbetare. Svara 0 om ni inte planerar att rekrytera.",
                    "Include fixed-term and seasonal staff. Answer 0 if you do not plan to recruit.",
                ),
                required=True,
                min_value=0,
                max_value=10000,
            ),
            QuestionSpec(
                "work_skills",
                T.MULTIPLE_CHOICE,
                (
                    "Millaista osaamista tarvitsette lähivuosina?",
                    "Vilken kompetens behöver ni under de närmaste åren?",
                    "What skills will you need in the coming years?",
                ),
                help_text=CHOOSE_ALL,
                choices=(
                    (
                        "software",
                        "Ohjelmistokehitys ja ICT",
                        "Programutveckling och IKT",
                        "Software development and ICT",
                    ),
                    (
                        "automation",
                        "Automaatio- ja sähkötekniikka",
                        "Automation och elteknik",
                        "Automation and electrical engineering",
                    ),
                    (
                        "mechanical",
                        "Kone- ja metallitekniikka, hitsaus",
                        "Maskin- och metallteknik, svetsning",
                        "Mechanical engineering, metalwork and welding",
                    ),
                    (
                        "process",
                        "Prosessi- ja kemiantekniikka",
                        "Process- och kemiteknik",
                        "Process and chemical engineering",
                    ),
                    (
                        "construction",
                        "Rakentaminen ja kiinteistöt",
                        "Byggande och fastigheter",
                        "Construction and property",
                    ),
                    ("sales", "Myynti ja asiakaspalvelu", "Försäljning och kundservice", "Sales and customer service"),
                    ("finance", "Talous- ja henkilöstöhallinto", "Ekonomi- och personalförvaltning", "Finance and HR"),
                    ("project", "Projektinhallinta", "Projektledning", "Project management"),
                    ("logistics", "Logistiikka", "Logistik", "Logistics"),
                ),
                has_other=True,
            ),
            QuestionSpec(
                "work_needs_table",
                T.WORKFORCE_TABLE,
                (
                    "Millaisia osaajia tarvitsette ja milloin?",
                    "Vilka slags kunniga personer behöver ni och när?",
                    "Which skilled people do you need, and when?",
                ),
                help_text=(
                    "Lisätkää yksi rivi kutakin tarvetta kohden: osaamisala, tehtävä, henkilömäärä ja ajankohta. "
                    "Tiedoilla sovitetaan yhteen yritysten tarpeet ja oppilaitosten koulutus.",
                    "Lägg till en rad för varje behov: kompetensområde, uppgift, antal personer och tidpunkt. "
                    "Uppgifterna hjälper oss att matcha företagens behov med läroanstalternas utbildning.",
                    "Add one row for each need: skill area, role, number of people and when. The answers help "
                    "match the companies' needs with what the schools train.",
                ),
            ),
            QuestionSpec(
                "work_recruitment_difficulty",
                T.SCALE,
                (
                    "Kuinka vaikeaa teidän on löytää sopivaa työvoimaa?",
                    "Hur svårt är det för er att hitta lämplig arbetskraft?",
                    "How hard is it for you to find suitable staff?",
                ),
                scale_labels=(
                    ("Erittäin helppoa", "Mycket lätt", "Very easy"),
                    ("Erittäin vaikeaa", "Mycket svårt", "Very hard"),
                ),
            ),
            QuestionSpec(
                "work_school_interest",
                T.MULTIPLE_CHOICE,
                (
                    "Millainen yhteistyö Lapin ammattikorkeakoulun ja Lappian kanssa kiinnostaa teitä?",
                    "Vilket slags samarbete med Lapplands yrkeshögskola och Lappia intresserar er?",
                    "What kind of cooperation with Lapland University of Applied Sciences and Lappia interests you?",
                ),
                help_text=CHOOSE_ALL,
                choices=(
                    (
                        "amk_trainees",
                        "Harjoittelijoita Lapin AMK:sta",
                        "Praktikanter från Lapplands yrkeshögskola",
                        "Trainees from Lapland UAS",
                    ),
                    (
                        "amk_thesis",
                        "Opinnäytetöitä Lapin AMK:n opiskelijoilta",
                        "Examensarbeten av studerande vid Lapplands yrkeshögskola",
                        "Theses by Lapland UAS students",
                    ),
                    (
                        "lappia_trainees",
                        "Työelämässä oppimisen jaksoja Lappian opiskelijoille",
                        "Perioder av lärande i arbetet för studerande vid Lappia",
                        "On-the-job learning periods for Lappia students",
                    ),
                    ("apprenticeship", "Oppisopimuskoulutusta", "Läroavtalsutbildning", "Apprenticeships"),
                    (
                        "rdi",
                        "Yhteisiä tutkimus- ja kehityshankkeita",
                        "Gemensamma forsknings- och utvecklingsprojekt",
                        "Joint research and development projects",
                    ),
                    (
                        "visits",
                        "Vierailuluentoja ja yritysvierailuja",
                        "Gästföreläsningar och företagsbesök",
                        "Guest lectures and company visits",
                    ),
                    (
                        "staff_training",
                        "Henkilöstön täydennyskoulutusta",
                        "Fortbildning för personalen",
                        "Further training for our staff",
                    ),
                ),
            ),
            QuestionSpec(
                "work_cooperation",
                T.LONG_TEXT,
                (
                    "Millaista yhteistyötä toivoisitte oppilaitosten ja muiden teknologiakylän toimijoiden kanssa?",
                    "Vilket slags samarbete skulle ni önska med läroanstalterna och andra aktörer i teknologibyn?",
                    "What kind of cooperation would you like with the schools and other organisations of the village?",
                ),
            ),
            QuestionSpec(
                "work_contact_by",
                T.DATE,
                (
                    "Mihin päivään mennessä toivoisitte hankkeen työntekijän ottavan teihin yhteyttä?",
                    "Senast vilket datum vill ni att någon från projektet kontaktar er?",
                    "By what date would you like someone from the project to contact you?",
                ),
                help_text=(
                    "Jättäkää tyhjäksi, jos yhteydenottoa ei tarvita.",
                    "Lämna tomt om ni inte vill bli kontaktade.",
                    "Leave empty if you do not need a contact.",
                ),
            ),
            QuestionSpec(
                "final_comment",
                T.LONG_TEXT,
                (
                    "Haluatteko vielä kertoa jotain teknologiakylän kehittämisestä?",
                    "Vill ni ännu berätta något om utvecklingen av teknologibyn?",
                    "Is there anything else you would like to tell us about developing the village?",
                ),
            ),
        ),
    ),
)


def _translated(field: str, texts: Texts | None) -> dict[str, str]:
    """{field_fi: …, field_sv: …, field_en: …} of a (fi, sv, en) triple; empty strings for None."""
    texts = texts or ("", "", "")
    return {f"{field}_{language}": text for language, text in zip(LANGUAGES, texts, strict=True)}


def deadline_after(now: datetime.datetime) -> datetime.datetime:
    """23:59 Helsinki time on the next 31 October after `now` (next year's from 31 October on)."""
    today = timezone.localtime(now, HELSINKI).date()
    year = today.year if today < datetime.date(today.year, 10, 31) else today.year + 1
    return datetime.datetime(year, 10, 31, 23, 59, tzinfo=HELSINKI)


def _create(model, **fields):
    """A new row, validated like a form would before it is saved."""
    obj = model(**fields)
    obj.full_clean()
    obj.save()
    return obj


@transaction.atomic
def load_survey(now=None) -> Survey:
    """The demo survey, creating only what is missing; texts staff have edited are left alone."""
    now = now or timezone.now()
    survey = Survey.objects.filter(slug=SLUG).first()
    if survey is None:
        texts = {}
        for field, triple in SURVEY_TEXTS.items():
            texts.update(_translated(field, triple))
        survey = _create(Survey, slug=SLUG, opens_at=now, closes_at=deadline_after(now), reminder_days=[7, 2], **texts)
    for section_order, section_spec in enumerate(SECTIONS, start=1):
        section = Section.objects.filter(survey=survey, order=section_order).first()
        if section is None:
            section = _create(
                Section,
                survey=survey,
                order=section_order,
                **_translated("title", section_spec.title),
                **_translated("description", section_spec.description),
            )
        for question_order, spec in enumerate(section_spec.questions, start=1):
            question = Question.objects.filter(section__survey=survey, code=spec.code).first()
            if question is None:
                question = _create(Question, section=section, order=question_order, **_question_fields(survey, spec))
            for choice_order, (value, *labels) in enumerate(spec.choices, start=1):
                if not Choice.objects.filter(question=question, value=value).exists():
                    _create(Choice, question=question, order=choice_order, value=value, **_translated("label", labels))
    return survey


def _question_fields(survey: Survey, spec: QuestionSpec) -> dict:
    low, high = spec.scale_labels or (None, None)
    fields: dict[str, object] = {
        "code": spec.code,
        "type": spec.type,
        "required": spec.required,
        "min_value": spec.min_value,
        "max_value": spec.max_value,
        "has_other": spec.has_other,
        **_translated("text", spec.text),
        **_translated("help_text", spec.help_text),
        **_translated("scale_min_label", low),
        **_translated("scale_max_label", high),
    }
    if spec.shown_if:
        code, value = spec.shown_if
        # None when staff have removed the trigger: the question is then simply always shown.
        fields["shown_if_choice"] = Choice.objects.filter(
            question__section__survey=survey, question__code=code, value=value
        ).first()
    return fields


# Demo answers ----------------------------------------------------------------

OBSTACLES = [
    "Osaavan työvoiman saatavuus. Erityisesti automaatio- ja sähköpuolen osaajia on vaikea löytää Kemistä.",
    "Kasvu vaatisi lisää tuotantotilaa, eikä nykyisissä tiloissa ole laajentamisen varaa.",
    "Rahoituksen järjestäminen isompiin investointeihin on hidasta.",
    "Myyntiin ja markkinointiin ei riitä aikaa, kun kaikki tekevät asiakasprojekteja.",
    "Suuret asiakkaat ovat Ruotsin puolella, ja sinne pääseminen vaatii verkostoja, joita meillä ei vielä ole.",
    "Epävarmuus alueen suurten teollisuushankkeiden aikatauluista vaikeuttaa suunnittelua.",
]
SERVICE_IDEAS = [
    "Yhteinen laboratorio ja mittalaitteet, joita pienyritysten ei kannata hankkia itse.",
    "Säännöllisiä aamukahvitilaisuuksia, joissa kylän yritykset esittelevät osaamistaan toisilleen.",
    "Kokoustilojen varaus verkossa ja parempi videoneuvottelutekniikka.",
    "Lounasravintola olisi hyvä saada auki myös kesäaikaan.",
]
SIDE_STREAMS = [
    "Purua ja kuorijaetta",
    "Metalliromua ja leikkuujätettä",
    "Hukkalämpöä kompressoreista",
    "Pakkausmuovia ja kuormalavoja",
    "Ympäristöseurannan mittausdataa",
]
COOPERATION = [
    "Opiskelijaprojekteja, joissa ratkaistaan oikeita asiakastapauksia.",
    "Harjoittelijoita kesäksi ja opinnäytetöitä tuotekehitykseen.",
    "Lyhyitä täsmäkoulutuksia henkilöstölle esimerkiksi tietoturvasta.",
    "Yhteinen rekrytointitapahtuma kylän yrityksille ja valmistuville opiskelijoille.",
]
COMMENTS = [
    "Hienoa, että teknologiakylää kehitetään. Osallistumme mielellämme työpajoihin.",
    "Pysäköintiä ja julkisia yhteyksiä keskustasta pitäisi parantaa.",
    "Kylän näkyvyyttä voisi lisätä, jotta uudet yritykset löytäisivät tänne.",
]
OTHER_TEXTS = {
    "org_premises": "Piha-aluetta konttien säilytykseen",
    "premises_needed": "Lämmintä pysäköintitilaa huoltoautoille",
    "growth_needs": "Julkisten hankintojen tarjousosaaminen",
    "services_wanted": "Sähköautojen latauspisteet",
    "digi_needs": "Etäyhteydet asiakkaiden laitteisiin",
    "work_skills": "Ruotsin kielen taito",
}
BAND_VALUES = {"1-4": "1-4", "5-9": "5-9", "10-49": "10-49", "50-249": "50-249", "250+": "250-or-more"}


def _pick(rng: random.Random, code: str, values: list[str], low: int, high: int) -> dict:
    """A multiple-choice answer of low..high values, sometimes with "other"."""
    picked = rng.sample(values, rng.randint(low, min(high, len(values))))
    data: dict[str, list[str] | str] = {code: picked}
    if code in OTHER_TEXTS and rng.random() < 0.2:
        picked.append(OTHER_VALUE)
        data[code + "__other"] = OTHER_TEXTS[code]
    return data


def _demo_answers(rng: random.Random, company: Company, today: datetime.date) -> dict:
    """Plausible answers of one company, as posted form data keyed by question code."""
    plan = rng.choices(["grow", "same", "shrink", "move_away", "dont_know"], weights=[4, 5, 1, 1, 2])[0]
    side_streams = rng.choice(["yes", "no", "no"])
    data = {
        "org_employees": BAND_VALUES.get(company.employee_band) or rng.choice(list(BAND_VALUES.values())[:3]),
        **_pick(rng, "org_premises", ["office", "laboratory", "hall", "warehouse"], 1, 2),
        "premises_fit": str(rng.choice([2, 3, 3, 4, 4, 5])),
        "premises_plan": plan,
        "growth_turnover_outlook": str(rng.choice([2, 3, 3, 4, 4, 5])),
        "growth_staff": str(rng.choice([0, 0, 1, 2, 3, 5, 10])),
        "growth_export_share": rng.choice(["0", "0", "5", "12.5", "25", "45"]),
        **_pick(rng, "growth_needs", ["sales", "international", "product", "funding", "skills", "networks"], 1, 4),
        "growth_obstacle": rng.choice(OBSTACLES),
        **_pick(rng, "services_wanted", ["meeting_rooms", "shared_lab", "test_environments", "networking"], 1, 3),
        "services_satisfaction": str(rng.choice([2, 3, 4, 4, 5])),
        "services_pay_for_lab": rng.choice(["yes", "no", ""]),
        "services_ideas": rng.choice([*SERVICE_IDEAS, ""]),
        "circular_side_streams": side_streams,
        "circular_cluster_interest": str(rng.randint(1, 5)),
        "digi_maturity": str(rng.choice([2, 3, 3, 4, 5])),
        **_pick(rng, "digi_needs", ["automation", "data", "ai", "cybersecurity", "cloud", "erp"], 1, 3),
        "green_transition": rng.choice(["already", "planning", "interested", "interested", "not_interested"]),
        "work_recruitment_need": str(rng.choice([0, 0, 1, 1, 2, 3, 5, 8])),
        **_pick(rng, "work_skills", ["software", "automation", "mechanical", "process", "sales", "project"], 1, 3),
        "work_recruitment_difficulty": str(rng.choice([2, 3, 4, 4, 5])),
        **_pick(rng, "work_school_interest", ["amk_trainees", "amk_thesis", "lappia_trainees", "rdi"], 1, 3),
        "work_cooperation": rng.choice([*COOPERATION, ""]),
        "final_comment": rng.choice([*COMMENTS, "", ""]),
    }
    if plan == "grow":
        data.update(_pick(rng, "premises_needed", ["office", "laboratory", "hall", "test_space"], 1, 3))
    if side_streams == "yes":
        data["circular_side_streams_kind"] = rng.choice(SIDE_STREAMS)
    if rng.random() < 0.5:
        data["work_contact_by"] = (today + datetime.timedelta(days=rng.randint(14, 90))).isoformat()
    return data


def _save_pages(response: Response, sections: list[Section], answers: dict, now) -> None:
    """Save the given pages through the answering service, as a respondent would."""
    for section in sections:
        codes = set(section.questions.values_list("code", flat=True))
        data = {key: value for key, value in answers.items() if key.split("__")[0] in codes}
        result = page_save(response=response, section=section, data={**data, "version": "0"}, now=now)
        if not result.saved:
            raise ValueError(f"demo answers of {section} were refused: {result.status} {result.form.errors}")


@transaction.atomic
def load_demo_responses(survey: Survey, now=None) -> dict[str, int]:
    """Invite ~60% of the demo companies and answer for about half of them; companies with a response are skipped."""
    now = now or timezone.now()
    if survey.is_open(now):
        companies = list(
            Company.objects.filter(kind=Company.Kind.COMPANY, active=True)
            .exclude(name=ORGANISER_NAME)
            .order_by("name", "pk")
        )
        rng = random.Random(3)
        invited = rng.sample(companies, round(len(companies) * 0.6))
        answering = set(invited[: len(invited) // 2])
        submitting = set(invited[: round(len(invited) * 0.3)])
        already = set(Response.objects.filter(survey=survey).values_list("company_id", flat=True))
        sections = list(survey.sections.order_by("order", "pk"))
        for company in invited:
            if company.pk in already:
                continue
            contacts = company.contacts.filter(is_primary=True, erased_at__isnull=True)
            invitation, _token = invitation_create(survey=survey, company=company, contacts=contacts)
            # Shown as sent on the dashboard; the token is gone, so nothing could be mailed anyway.
            invitation.sent_at = now
            invitation.save(update_fields=["sent_at"])
            if company not in answering:
                continue
            company_rng = random.Random(f"demo-{company.business_id or company.pk}")
            answers = _demo_answers(company_rng, company, timezone.localdate(now))
            response = invitation.response
            # Whoever answered opened the link first.
            Invitation.objects.filter(pk=invitation.pk).update(last_opened_at=now)
            Response.objects.filter(pk=response.pk).update(first_opened_at=now)
            pages = sections if company in submitting else sections[: company_rng.randint(1, 3)]
            _save_pages(response, pages, answers, now)
            if company in submitting:
                # Set directly: the submit service would mail a confirmation to the demo contacts.
                Response.objects.filter(pk=response.pk).update(submitted_at=now)
    responses = Response.objects.filter(survey=survey)
    return {
        "questions": Question.objects.filter(section__survey=survey).count(),
        "invited": responses.filter(invitations__isnull=False).distinct().count(),
        "submitted": responses.filter(submitted_at__isnull=False).count(),
        "drafts": responses.filter(submitted_at__isnull=True, last_saved_at__isnull=False).count(),
    }
