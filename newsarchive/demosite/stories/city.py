"""City section. Fictional stories written for this project."""

from newsarchive.demosite.model import story
from newsarchive.demosite.stories.shared import SHARED_QUOTE_PARAGRAPH

STORIES = [
    story(
        slug="harbor-bridge-repairs",
        section="city",
        title="Harbor Bridge repairs will close two lanes through the summer",
        dek="Crews will replace corroded deck joints on the 1962 span; the city expects delays of up to "
            "20 minutes at rush hour.",
        authors=["Marisol Vance"],
        published="2025-05-14T07:45:00-04:00",
        modified="2025-05-14T15:20:00-04:00",
        tags=["Harbor Bridge", "transportation", "infrastructure"],
        subheads={4: "What drivers should expect"},
        paragraphs=[
            "Two of the four lanes on the Harbor Bridge will close on June 2 for a repair project that city "
            "engineers say cannot wait another winter, the Department of Public Works announced Wednesday.",
            "The work will replace 14 steel expansion joints on the deck of the 1962 span, which carries about "
            "38,000 vehicles a day between downtown Port Harbor and the Eastpoint neighborhood. Inspectors "
            "found corrosion on nine of the joints during a routine review in March, according to a report "
            "presented to the City Council.",
            "\u201cThe bridge is safe to drive on today, and we intend to keep it that way,\u201d said Lionel "
            "Baptiste, the city\u2019s chief engineer. \u201cIf we put this off, the next conversation is about "
            "weight limits, and nobody wants that.\u201d",
            "The $11.4 million project is paid for mostly by a state infrastructure grant awarded last fall. "
            "The city\u2019s share, about $2.1 million, comes from a bond approved by voters in 2023.",
            "One lane in each direction will stay open at all times. Crews will work from 7 a.m. to 7 p.m. on "
            "weekdays, with some overnight shifts in July when the deck is resurfaced. The department expects "
            "delays of 10 to 20 minutes at peak hours and is urging commuters to use the Gull Island ferry or "
            "the Route 9 bypass.",
            "Buses on the 4 and 4X lines will keep their routes but leave five minutes earlier, the transit "
            "authority said. Cyclists and pedestrians can continue to use the north sidewalk, which is "
            "separated from the work zone by concrete barriers.",
            "Business owners in Eastpoint worried aloud at a Tuesday meeting that the closures would keep "
            "customers away during the busiest months of the year. Agnes Kowalczyk, who runs a hardware store "
            "two blocks from the bridge, said she lost a third of her summer sales the last time the span was "
            "repaired, in 2011.",
            "Mayor Teresa Okafor said the city would run a \u201cShop Eastpoint\u201d campaign and add temporary "
            "parking near the ferry landing.",
            SHARED_QUOTE_PARAGRAPH,
            "The work is scheduled to finish by Labor Day. Traffic information will be posted at the public "
            "works office on Front Street and on the city\u2019s transportation hotline.",
        ],
    ),
    story(
        slug="council-approves-bike-lanes",
        section="city",
        title="Council approves protected bike lanes on Ropewalk Avenue after four-hour debate",
        dek="The 6-3 vote removes 84 parking spaces along the avenue\u2019s busiest mile.",
        authors=["Marisol Vance", "Tomás Ferreira"],
        published="2025-08-02T18:10:00-04:00",
        tags=["bicycles", "City Council", "Ropewalk Avenue"],
        metadata="opengraph",
        paragraphs=[
            "After a meeting that ran past midnight, the Port Harbor City Council voted 6-3 early Saturday to "
            "build protected bike lanes along a 1.1-mile stretch of Ropewalk Avenue, the city\u2019s main "
            "commercial corridor.",
            "The plan adds a curb-separated lane on each side of the avenue between Mill Street and the ferry "
            "terminal, narrows the car lanes from 12 feet to 10, and removes 84 of the 230 parking spaces on "
            "that stretch. Construction is expected to begin next spring and cost about $3.8 million.",
            "More than 70 people signed up to speak. Supporters, many wearing yellow stickers that read "
            "\u201cSafe Streets Now,\u201d described close calls with turning trucks and a crash in April that "
            "left a 16-year-old cyclist with a broken pelvis.",
            "\u201cMy daughter rides this avenue to school every day, and every day I wait for the text that she "
            "got there,\u201d said Bettina Marsh, a nurse who lives on Hawser Lane.",
            "Opponents, most of them shop owners, said the loss of parking would hurt businesses still "
            "recovering from a slow winter. Rafael Quintero, who owns a shoe repair shop near Mill Street, said "
            "half of his customers are older people who drive in from outside the city. \u201cThey are not "
            "going to bike here with a pair of boots under their arm,\u201d he said.",
            "Councilor Imogen Hartley, who voted against the plan, proposed a pilot with temporary barriers. "
            "The amendment failed 4-5. Councilor Samuel Oduya, who sponsored the measure, said the city had "
            "studied the corridor for three years and that delay had its own cost.",
            "The city\u2019s transportation department will hold design workshops with merchants in the fall. "
            "It has promised to add 40 short-term loading zones and to convert a city-owned lot on Tarbox "
            "Street into 60 metered spaces before any parking is removed.",
        ],
    ),
    story(
        slug="library-extends-hours",
        section="city",
        title="Main library will stay open until 10 p.m. on weeknights",
        dek="A private gift and a staffing deal make Port Harbor\u2019s central library the latest-open "
            "public building in the county.",
        authors=["Tomás Ferreira"],
        published="2025-10-21T10:00:00-04:00",
        tags=["library", "budget"],
        paragraphs=[
            "Starting Nov. 3, the Port Harbor Public Library\u2019s central branch on Custom House Square will "
            "stay open until 10 p.m. Monday through Thursday, three hours later than it does now, library "
            "director Winifred Adeyemi announced Tuesday.",
            "The change is paid for by a $450,000 gift from the estate of Harold Pike, a retired merchant "
            "sailor and longtime patron who died last year at 91. Pike left the library most of his savings "
            "with a handwritten note asking that it be used \u201cso working people can use it too.\u201d",
            "Adeyemi said that line settled the question of how to spend the money. \u201cWe have heard the "
            "same thing for years from people who work until six and have kids to feed,\u201d she said. "
            "\u201cBy the time they can come, we are turning off the lights.\u201d",
            "The library\u2019s union agreed to a new evening shift that pays a 12 percent differential. Four "
            "part-time positions will be added, along with a security guard for the late hours.",
            "The extended hours will include the teen room, the public computers and the second-floor study "
            "carrels. Homework help from volunteer tutors, now offered two afternoons a week, will move to the "
            "evenings.",
            "Library trustees said they would review visitor counts after six months. If evening use is light, "
            "they may shift the hours to the weekend instead. Branch libraries in Eastpoint and Saltmarsh are "
            "not affected.",
            "Marcus Fenn, a 19-year-old who works at a warehouse on the harbor front and is studying for a "
            "commercial driver\u2019s license, said he had been using the library\u2019s wireless signal from "
            "the parking lot after closing time. \u201cNow I can actually sit inside,\u201d he said.",
        ],
    ),
    story(
        slug="winter-ferry-schedule",
        section="city",
        title="Winter ferry timetable cuts Sunday crossings to Gull Island",
        dek="Island residents say the reduced schedule leaves them stranded; the ferry authority blames a "
            "shortage of licensed crew.",
        authors=["Marisol Vance"],
        published="2026-01-09T09:15:00-05:00",
        modified="2026-01-10T11:30:00-05:00",
        tags=["ferry", "Gull Island", "transportation"],
        paragraphs=[
            "The Harbor Ferry Authority will run only three round trips to Gull Island on Sundays this winter, "
            "down from seven, under a timetable that takes effect Jan. 18.",
            "The authority said it cannot staff a full schedule because six of its 22 licensed deckhands and "
            "captains left in the past year, most of them for better-paid jobs on offshore supply vessels. "
            "Weekday service will not change.",
            "For the roughly 900 people who live on the island year-round, Sunday is the day to visit "
            "relatives on the mainland, shop and attend church. The new schedule\u2019s last boat back leaves "
            "the downtown terminal at 4:30 p.m.",
            "\u201cYou can\u2019t even stay for supper,\u201d said Constance Doyle, 74, who has lived on the "
            "island for five decades. \u201cThey are telling us that after half past four, we don\u2019t "
            "exist.\u201d",
            "Ferry authority director Paul Varga said the cut was painful but temporary. The authority has "
            "raised starting pay for deckhands by 9 percent and is paying for six trainees to earn their "
            "licenses through the maritime academy in Saltmarsh. He expects full Sunday service to return by "
            "April.",
            "Island leaders have asked the authority to add at least one evening trip and to let residents "
            "with medical appointments book a standby seat on the water taxi, which the authority hires for "
            "emergencies.",
            "The ferry authority\u2019s board will take public comment at its Jan. 22 meeting, which will be "
            "held at the Gull Island grange hall, the first time in a decade the board has met on the island.",
        ],
    ),
    story(
        slug="elm-street-water-main-break",
        section="city",
        title="Water main break floods Elm Street, leaving 40 homes without service",
        dek="A 90-year-old cast-iron pipe split overnight; repairs could take until Wednesday evening.",
        authors=["Tomás Ferreira"],
        published="2026-03-17T06:40:00-04:00",
        modified="2026-03-17T13:05:00-04:00",
        tags=["water", "Elm Street", "infrastructure", "Saltmarsh"],
        paragraphs=[
            "A 12-inch water main burst beneath Elm Street shortly after 2 a.m. Tuesday, sending water across "
            "four blocks of the Saltmarsh neighborhood and cutting service to about 40 homes and a day care "
            "center.",
            "Residents woke to the sound of water rushing along the curbs. By dawn, a section of pavement near "
            "the corner of Elm and Cordage Street had collapsed into a hole about eight feet wide, and two "
            "parked cars were sitting in mud up to their wheel wells.",
            "\u201cIt sounded like a river outside the bedroom window,\u201d said Delphine Achterberg, who has "
            "lived on the block since 1988. \u201cI thought it was raining until I looked out.\u201d",
            "The pipe, made of cast iron and installed in 1936, split along a seam, according to Harriet "
            "Sloane, a spokeswoman for the Port Harbor Water Authority. Crews shut off the valves on either "
            "side of the break by 4:15 a.m.",
            "Elm Street is closed to traffic between Cordage and Tiller streets. The authority has set up a "
            "water tanker at the Saltmarsh fire station, and bottled water is being delivered to older "
            "residents who registered with the city\u2019s special needs list.",
            "Sloane said the repair could take until Wednesday evening because the crew must first stabilize "
            "the roadbed. Once service returns, residents should run their cold water taps for several minutes "
            "before drinking it, she said.",
            "The Elm Street main was on the authority\u2019s list of pipes to be replaced in 2028. About a fifth "
            "of the city\u2019s 310 miles of water mains are more than 80 years old, according to the "
            "authority\u2019s most recent capital plan, and the authority has asked the City Council to speed "
            "up replacement.",
        ],
    ),
    story(
        slug="school-budget-reading-specialists",
        section="city",
        title="School board passes $148 million budget with new reading specialists",
        dek="The plan adds 11 reading teachers for the early grades and closes a gap by drawing down "
            "reserves.",
        authors=["Tomás Ferreira"],
        published="2026-06-04T21:30:00-04:00",
        tags=["schools", "budget", "education"],
        paragraphs=[
            "The Port Harbor School Committee approved a $148 million budget for the next school year on "
            "Wednesday night, a 4.6 percent increase that puts a reading specialist in every elementary school "
            "for the first time.",
            "The 11 new positions were the centerpiece of Superintendent Alma Reyes-Whitfield\u2019s proposal. "
            "Reading scores for third graders fell sharply during the pandemic years and have recovered only "
            "partly: 54 percent of third graders met the state standard last spring, compared with 67 percent "
            "in 2019.",
            "\u201cThis is the one number I lose sleep over,\u201d Reyes-Whitfield told the committee. \u201cA "
            "child who can\u2019t read well by the end of third grade spends the rest of school trying to "
            "catch up.\u201d",
            "To close a $3.2 million gap, the budget draws $2 million from reserves and eliminates 14 central "
            "office positions, most of them through retirements. Bus routes will be redrawn to save about "
            "$600,000, which means some students in the Eastpoint and Gull Island areas will be picked up "
            "earlier.",
            "The vote was 5-2. Committee member Franklin Osei voted no, arguing that spending reserves on "
            "permanent positions would create a larger hole next year. Member Lucinda Bright also opposed it, "
            "citing the bus changes.",
            "Parents who spoke at the meeting mostly backed the reading plan. Yusuf Amari, whose son is in "
            "second grade at Tidewater Elementary, said the school\u2019s only reading specialist had a waiting "
            "list of 30 children last fall.",
            "The budget now goes to the City Council, which must approve the total amount but cannot change "
            "individual line items. A council vote is expected by June 25.",
        ],
    ),
]
