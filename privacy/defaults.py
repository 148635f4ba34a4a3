"""The first texts of the privacy notice, in Finnish, Swedish and English; staff edit them in the admin.

The data migration writes them into the one PrivacyNotice row, and the page falls back on them if the row is
ever missing, so the notice is never empty. Markdown.
"""

TEXTS = {
    "controller": {
        "fi": (
            "**Kemin Digipolis Oy**, Kemi\n\n"
            "Kemin Digipolis Oy on Kemin kaupungin omistama kehitysyhtiö. Se ylläpitää Teknologiakylä 3.0 "
            "-portaalia Kemin Teknologiakylän kehittämishankkeessa."
        ),
        "sv": (
            "**Kemin Digipolis Oy**, Kemi\n\n"
            "Kemin Digipolis Oy är ett utvecklingsbolag som ägs av Kemi stad. Bolaget upprätthåller portalen "
            "Teknologiakylä 3.0 i utvecklingsprojektet för Kemi teknologiby."
        ),
        "en": (
            "**Kemin Digipolis Oy**, Kemi\n\n"
            "Kemin Digipolis Oy is a development company owned by the City of Kemi. It runs the Teknologiakylä 3.0 "
            "portal in the development project of the Kemi Technology Village."
        ),
    },
    "contact": {
        "fi": (
            "Tietosuoja-asiat ja omien tietojen pyynnöt: "
            "[tietosuoja@digipolis.fi](mailto:tietosuoja@digipolis.fi).\n\n"
            "Vastaamme pyyntöihin kuukauden kuluessa."
        ),
        "sv": (
            "Dataskyddsfrågor och begäranden om egna uppgifter: "
            "[tietosuoja@digipolis.fi](mailto:tietosuoja@digipolis.fi).\n\n"
            "Vi svarar på begäranden inom en månad."
        ),
        "en": (
            "Privacy matters and requests about your own data: "
            "[tietosuoja@digipolis.fi](mailto:tietosuoja@digipolis.fi).\n\n"
            "We answer requests within one month."
        ),
    },
    "purposes": {
        "fi": (
            "- Teknologiakylän yritysten ja oppilaitosten rekisteri ja yhteydenpito niiden yhteyshenkilöihin\n"
            "- Teknologiakylä 3.0 -kyselyn kutsut, muistutukset ja vastaukset\n"
            "- Haastattelut ja työpajat sekä niistä syntyvät havainnot\n"
            "- Teknologiakylän kehittämissuunnitelma, jossa tulokset esitetään koottuina"
        ),
        "sv": (
            "- Registret över teknologibyns företag och läroanstalter och kontakten med deras kontaktpersoner\n"
            "- Inbjudningar, påminnelser och svar i enkäten Teknologiakylä 3.0\n"
            "- Intervjuer och workshoppar och de iakttagelser som görs i dem\n"
            "- Teknologibyns utvecklingsplan, där resultaten presenteras sammanställda"
        ),
        "en": (
            "- The registry of the village's companies and schools, and keeping in touch with their contact persons\n"
            "- Invitations, reminders and answers of the Teknologiakylä 3.0 survey\n"
            "- Interviews and workshops, and the findings drawn from them\n"
            "- The development plan of the village, where results are shown in aggregate"
        ),
    },
    "legal_basis": {
        "fi": (
            "Rekisterinpitäjän oikeutettu etu (EU:n yleisen tietosuoja-asetuksen 6 artiklan 1 kohdan f alakohta): "
            "Digipolis kehittää Teknologiakylää yhdessä siellä toimivien organisaatioiden kanssa ja tarvitsee siihen "
            "niiden yhteyshenkilöiden työyhteystiedot. Kyselyyn vastaaminen on vapaaehtoista.\n\n"
            "Tietoja käsitellään myös tietosuojalain (1050/2018) mukaisesti."
        ),
        "sv": (
            "Den personuppgiftsansvariges berättigade intresse (artikel 6.1 f i EU:s allmänna dataskyddsförordning): "
            "Digipolis utvecklar teknologibyn tillsammans med organisationerna där och behöver deras "
            "kontaktpersoners kontaktuppgifter i arbetet. Det är frivilligt att svara på enkäten.\n\n"
            "Uppgifterna behandlas också enligt dataskyddslagen (1050/2018)."
        ),
        "en": (
            "The controller's legitimate interest (Article 6(1)(f) of the EU General Data Protection Regulation): "
            "Digipolis develops the village together with the organisations in it and needs the work contact details "
            "of their contact persons for that. Answering the survey is voluntary.\n\n"
            "The data is also processed under the Finnish Data Protection Act (1050/2018)."
        ),
    },
    "data_collected": {
        "fi": (
            "- Yhteyshenkilön nimi, tehtävänimike, työsähköposti, puhelinnumero ja asiointikieli\n"
            "- Organisaation tiedot: nimi, Y-tunnus, toimiala, tilat ja koko\n"
            "- Organisaation kyselyvastaukset ja niiden muutoshistoria\n"
            "- Kenelle kutsut ja muistutukset lähetettiin ja milloin\n"
            "- Osallistuminen haastatteluihin ja työpajoihin sekä niiden muistiinpanot\n\n"
            "Tiedot saadaan organisaatioilta itseltään, Digipolisin asiakastiedoista ja julkisista lähteistä "
            "(kuten yritys- ja yhteisötietojärjestelmä YTJ)."
        ),
        "sv": (
            "- Kontaktpersonens namn, befattning, e-postadress i arbetet, telefonnummer och språk\n"
            "- Organisationens uppgifter: namn, FO-nummer, bransch, lokaler och storlek\n"
            "- Organisationens enkätsvar och deras ändringshistorik\n"
            "- Vem inbjudningar och påminnelser skickades till och när\n"
            "- Deltagande i intervjuer och workshoppar och anteckningarna från dem\n\n"
            "Uppgifterna fås av organisationerna själva, ur Digipolis kunduppgifter och ur offentliga källor "
            "(till exempel företags- och organisationsdatasystemet FODS)."
        ),
        "en": (
            "- The contact person's name, job title, work e-mail, phone number and language\n"
            "- The organisation's details: name, Business ID, industry, premises and size\n"
            "- The organisation's survey answers and their history of changes\n"
            "- To whom invitations and reminders were sent, and when\n"
            "- Taking part in interviews and workshops, and the notes made of them\n\n"
            "The data comes from the organisations themselves, from Digipolis's customer records and from public "
            "sources (such as the Business Information System YTJ)."
        ),
    },
    "recipients": {
        "fi": (
            "Tietoja käsittelevät vain hankkeen henkilöstö Kemin Digipolis Oy:ssä. Hankkeen ohjausryhmän kaltaiset "
            "lukijat näkevät rekisterin ja kootut tulokset, eivät yksittäisen organisaation vastauksia; alle viiden "
            "organisaation ryhmiä ei näytetä.\n\n"
            "Tietoja ei luovuteta muille eikä siirretä EU:n tai ETA:n ulkopuolelle."
        ),
        "sv": (
            "Uppgifterna behandlas endast av projektets personal på Kemin Digipolis Oy. Läsare som projektets "
            "styrgrupp ser registret och sammanställda resultat, inte enskilda organisationers svar; grupper med "
            "färre än fem organisationer visas inte.\n\n"
            "Uppgifterna lämnas inte ut till andra och överförs inte utanför EU eller EES."
        ),
        "en": (
            "Only the project's staff at Kemin Digipolis Oy process the data. Readers such as the project's steering "
            "group see the registry and aggregated results, never a single organisation's answers; groups of fewer "
            "than five organisations are not shown.\n\n"
            "The data is not disclosed to others and not transferred outside the EU or the EEA."
        ),
    },
    "retention": {
        "fi": (
            "Yhteyshenkilön tiedot säilytetään niin kauan kuin hän on organisaationsa yhteyshenkilö ja organisaatio "
            "toimii Teknologiakylässä. Kyselyn vastaukset säilytetään tunnistettavina kyselyn säilytyspäivään asti "
            "(oletuksena kaksi vuotta kyselyn sulkeutumisesta). Sen jälkeen vapaat tekstivastaukset, tieto siitä, "
            "kenelle viestit lähetettiin, ja vastausten muutoshistoria poistetaan; kootut luvut säilyvät."
        ),
        "sv": (
            "Kontaktpersonens uppgifter bevaras så länge personen är organisationens kontaktperson och "
            "organisationen verkar i teknologibyn. Enkätsvaren bevaras identifierbara fram till enkätens "
            "bevarandedatum (som standard två år efter att enkäten stängt). Därefter raderas fritextsvaren, "
            "uppgiften om vem meddelandena skickades till och svarens ändringshistorik; de sammanställda siffrorna "
            "finns kvar."
        ),
        "en": (
            "A contact person's details are kept as long as they are their organisation's contact and the "
            "organisation works in the village. Survey answers are kept identified until the survey's retention date "
            "(by default two years after the survey closes). After it, free-text answers, the record of whom mail "
            "was sent to and the history of changes to the answers are removed; the aggregated figures remain."
        ),
    },
    "rights": {
        "fi": (
            "Sinulla on oikeus\n\n"
            "- saada tietää, mitä tietoja sinusta on, ja saada ne yhtenä tiedostona\n"
            "- pyytää virheellisten tietojen korjaamista\n"
            "- pyytää tietojesi poistamista\n"
            "- pyytää käsittelyn rajoittamista ja vastustaa käsittelyä\n"
            "- tehdä valitus valvontaviranomaiselle\n\n"
            "Lähetä pyyntö yllä olevaan osoitteeseen. Poistettaessa nimesi, sähköpostiosoitteesi ja puhelinnumerosi "
            "poistetaan kaikkialta portaalista, myös muutoshistoriasta; kootut luvut säilyvät."
        ),
        "sv": (
            "Du har rätt att\n\n"
            "- få veta vilka uppgifter som finns om dig och få dem i en fil\n"
            "- begära att felaktiga uppgifter rättas\n"
            "- begära att dina uppgifter raderas\n"
            "- begära begränsning av behandlingen och invända mot behandlingen\n"
            "- lämna in klagomål till tillsynsmyndigheten\n\n"
            "Skicka din begäran till adressen ovan. Vid radering tas ditt namn, din e-postadress och ditt "
            "telefonnummer bort överallt i portalen, också ur ändringshistoriken; de sammanställda siffrorna "
            "finns kvar."
        ),
        "en": (
            "You have the right\n\n"
            "- to know what data is held about you, and to get it in one file\n"
            "- to have wrong data corrected\n"
            "- to have your data erased\n"
            "- to ask for the processing to be restricted, and to object to it\n"
            "- to lodge a complaint with the supervisory authority\n\n"
            "Send your request to the address above. On erasure your name, e-mail address and phone number are "
            "removed everywhere in the portal, the history of changes included; the aggregated figures remain."
        ),
    },
    "supervisory_authority": {
        "fi": (
            "Tietosuojavaltuutetun toimisto, PL 800, 00531 Helsinki, "
            "[tietosuoja@om.fi](mailto:tietosuoja@om.fi), [tietosuoja.fi](https://tietosuoja.fi)"
        ),
        "sv": (
            "Dataombudsmannens byrå, PB 800, 00531 Helsingfors, "
            "[tietosuoja@om.fi](mailto:tietosuoja@om.fi), [tietosuoja.fi/sv](https://tietosuoja.fi/sv)"
        ),
        "en": (
            "Office of the Data Protection Ombudsman, P.O. Box 800, 00531 Helsinki, Finland, "
            "[tietosuoja@om.fi](mailto:tietosuoja@om.fi), [tietosuoja.fi/en](https://tietosuoja.fi/en)"
        ),
    },
}


def notice_fields() -> dict[str, str]:
    """The texts as model field values: `controller_fi`, `controller_sv`, … and the untranslated `controller`."""
    fields = {}
    for name, by_language in TEXTS.items():
        fields[name] = by_language["fi"]
        for language, text in by_language.items():
            fields[f"{name}_{language}"] = text
    return fields
