"""Reference data of the plan: the four insatsområden (2021) and the five strategies (2017).

The texts are quoted from the region's documents in ``shared/seeds``: the
insatsområden from "Plan för utveckling av distans- och hybridarbete som stöd för
etablering av regionala arbetshubbar" (RS/305/2021, § 79), section 4; the
strategies from "Plan för spridning och omlokalisering av regionens
administrativa funktioner" (2017), also listed in the 2020 motion answer
(RS/738/2019). Upserted on their numbers, so ``load_reference`` may run again.
"""

from __future__ import annotations

from django.db import transaction

from actionplan.models import Area, Strategy

# Area 4's list of mappings (kartläggningar), word for word from the plan.
AREA_4_MAPPINGS = (
    "Regionanställdas dygnsvila",
    "Kommunanställdas dygnsvila",
    "Arbetspendlingsmönster inom näringslivet",
    "Inflyttningstrender och rekryteringsbehov (ex. bostäder och branscher)",
    "Befintliga co-workingmiljöer/hubbar i länet",
    "Lämpliga lokaler för arbetshubbar inom respektive kommun",
    "Möjligheter för samlokalisering till ex. hälsocentraler och näringslivskontor",
    "Inventering av lämpligheten att omlokalisera administrativa enheter inom "
    "Region Jämtland Härjedalen till föreslagna arbetshubbar",
)

AREAS = (
    {
        "number": 1,
        "title": "Upprätta en handlingsplan",
        "description": (
            "Ett första steg blir att upprätta en handlingsplan. För att kunna göra det behövs "
            "fördjupade kunskaper inhämtas (som ger grund för analyser) och som i ett "
            "efterföljande steg vägleder i direkta aktiviteter. Exempel på aktiviteter är "
            "fördjupad dialog och samverkan med samtliga kommuner, ex. utifrån vart "
            "arbetshubbar kan förläggas. Handlingsplanen behöver även upprätta en detaljerad "
            "aktivitets- och tidsplan med tillhörande budget."
        ),
        "suggested_activities": [
            "Fördjupad dialog och samverkan med samtliga kommuner om var arbetshubbar kan "
            "förläggas",
            "Detaljerad aktivitets- och tidsplan med tillhörande budget",
        ],
    },
    {
        "number": 2,
        "title": "Ansöka om och delta i Myndighetsnätverket",
        "description": (
            "Ett andra steg bör vara att ansöka och operativt aktivera ett deltagande i "
            "Myndighetsnätverket. Det ger unika förutsättning till effektiv samverkan med tio "
            "andra myndigheter i både teoretiska som praktiska frågeställningar som på sikt "
            "exempelvis kan skapa större kritisk massa för att tillsammans etablera regionala "
            "arbetshubbar. Detta kan även handla om aktiviteter som berör distansarbetsavtal, "
            "IT-säkerhet, lokalkostnader etc. Här finns tydliga samordningsvinster kopplat till "
            "det redan befintliga partneravtalet med Remote Lab."
        ),
        "suggested_activities": [
            "Ansöka om deltagande i Myndighetsnätverket",
            "Distansarbetsavtal",
            "IT-säkerhet",
            "Lokalkostnader",
        ],
    },
    {
        "number": 3,
        "title": "Etablera samverkan med det kommunala näringslivet",
        "description": (
            "Det tredje steget blir att etablera samverkan med det kommunala näringslivet och "
            "dess företrädare om förutsättningarna för att etablera regionala arbetshubbar. "
            "Exempel på aktiviteter kan vara kunskapsinhämtning och analyser av "
            "arbetspendlingsmönster, rekryteringsbehov, inflyttningstrender, bosättningsmönster "
            "etc. Samordningsvinster finns här att hämta med stöd av Regionala "
            "Utvecklingsförvaltningens pågående projekt en Attraktiv Region och A Business "
            "Region on the Move."
        ),
        "suggested_activities": [
            "Analys av arbetspendlingsmönster",
            "Analys av rekryteringsbehov",
            "Analys av inflyttningstrender",
            "Analys av bosättningsmönster",
        ],
    },
    {
        "number": 4,
        "title": "Fördjupad kunskapsbild",
        "description": (
            "Den fjärde insatsen är att skapa en fördjupad kunskapsbild över fakta som "
            "kostnadseffektivt styr planering för införandet av hybridarbete och "
            "etablering/förstärkning av arbetshubbar i varje kommun. Exempel på aktiviteter är "
            "kartläggningar som berör: regionanställdas dygnsvila; kommunanställdas dygnsvila; "
            "arbetspendlingsmönster inom näringslivet; inflyttningstrender och rekryteringsbehov "
            "(ex. bostäder och branscher); befintliga co-workingmiljöer/hubbar i länet; lämpliga "
            "lokaler för arbetshubbar inom respektive kommun; möjligheter för samlokalisering "
            "till ex. hälsocentraler och näringslivskontor. I detta arbete kan även "
            "inventeringar ingå som tittar på lämpligheten att omlokalisera administrativa "
            "enheter inom Region Jämtland Härjedalen till föreslagna arbetshubbar."
        ),
        "suggested_activities": list(AREA_4_MAPPINGS),
    },
)

STRATEGIES = (
    {
        "number": 1,
        "title": "Underlätta för distansarbete",
        "description": (
            "Ett regelverk och underlag för avtal mellan arbetstagare och chef är framtaget. "
            "Utvecklingen av distansarbete ska kunna mätas och följas upp (svar på motion "
            "2020, RS/738/2019)."
        ),
    },
    {
        "number": 2,
        "title": "Aktiv rekrytering för distansarbete",
        "description": (
            "För yrkesgrupper där distansarbete kan vara möjligt ska det redan i annonsering "
            "framgå att regionen arbetar aktivt för en sådan lösning, och informeras om i "
            "anställningsintervjuerna."
        ),
    },
    {
        "number": 3,
        "title": "Utflyttning av arbetsplatser del av veckan",
        "description": (
            "Verksamheter inom regional utveckling analyserar vilka som är lämpliga att "
            "förlägga sitt arbete ut till kommunerna en eller flera dagar i veckan."
        ),
    },
    {
        "number": 4,
        "title": "Omlokalisering av verksamheter under förutsättning av kostnadseffektivitet",
        "description": (
            "Rena administrativa verksamheter kan omlokaliseras från Östersund till övriga "
            "kommuner om det sker kostnadseffektivt. Lokalisering utanför Östersund ska "
            "övervägas vid varje ny verksamhets start."
        ),
    },
    {
        "number": 5,
        "title": "Hälso- och sjukvårdens arbete med mobila verksamheter och distansarbete",
        "description": (
            "Behandlas inom hälso- och sjukvårdens befintliga strategier för utveckling av nya "
            "digitala arbetsmetoder."
        ),
    },
)


@transaction.atomic
def load(stdout=None) -> None:
    """Upsert the four insatsområden and the five strategies on their numbers."""
    for row in AREAS:
        Area.objects.update_or_create(
            number=row["number"], defaults={k: v for k, v in row.items() if k != "number"}
        )
    for row in STRATEGIES:
        Strategy.objects.update_or_create(
            number=row["number"], defaults={k: v for k, v in row.items() if k != "number"}
        )
    if stdout:
        stdout.write(f"actionplan: {len(AREAS)} insatsområden, {len(STRATEGIES)} strategier")
