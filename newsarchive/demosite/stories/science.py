"""Science section. Fictional stories written for this project."""

from newsarchive.demosite.model import story

STORIES = [
    story(
        slug="kelp-returns-to-outer-bay",
        section="science",
        title="Divers find kelp returning to the outer bay after a decade of decline",
        dek="A volunteer survey counted healthy kelp at 17 of 30 sites, up from six in 2019.",
        authors=["Ruth Oyelaran"],
        published="2025-07-19T10:30:00-04:00",
        tags=["kelp", "ocean", "outer bay", "climate"],
        subheads={4: "Cooler summers, fewer urchins"},
        paragraphs=[
            "For the first time in more than a decade, kelp is growing back along the rocky ledges of Port "
            "Harbor\u2019s outer bay, according to a survey completed this month by volunteer divers and "
            "scientists from the Harbor Marine Laboratory.",
            "The divers found healthy stands of sugar kelp at 17 of 30 monitoring sites, compared with six "
            "sites when the survey was last done in 2019. At some ledges off Gull Island, the kelp was thick "
            "enough that divers had to push through it.",
            "\u201cWe went down expecting the same bare rock and urchins we saw last time,\u201d said Aurelio "
            "Santangelo, a research associate at the laboratory who led the dives. \u201cAt the third site I "
            "came up laughing. It was a forest again.\u201d",
            "Kelp forests shelter young fish and lobsters, and they absorb wave energy that would otherwise "
            "wear at the shoreline. The bay\u2019s kelp began to disappear in the early 2010s, when a run of "
            "warm summers and a boom in sea urchins, which graze on kelp, left many ledges bare.",
            "Scientists say two things probably helped. The past three summers were slightly cooler in the bay "
            "than the decade before, and a disease outbreak in 2021 killed large numbers of urchins. Local "
            "lobstermen have also reported more crabs, which eat young urchins.",
            "Santangelo cautioned against reading too much into one survey. \u201cOne good year does not mean "
            "the problem is solved,\u201d he said. \u201cA single hot August could undo a lot of this.\u201d",
            "The survey relied on 46 volunteer divers, who were trained to count kelp along measured lines on "
            "the seafloor. The laboratory plans to repeat it every two years and is seeking money to place "
            "temperature sensors at each site.",
        ],
    ),
    story(
        slug="observatory-green-comet",
        section="science",
        title="Hilltop observatory captures a rare green comet over the bay",
        dek="Volunteers at the Mount Carrow Observatory photographed a comet that will not return for about "
            "3,000 years.",
        authors=["Priya Natarajan"],
        published="2025-11-08T22:05:00-05:00",
        tags=["astronomy", "observatory", "comet"],
        paragraphs=[
            "Volunteers at the Mount Carrow Observatory stayed up until 4 a.m. on Friday to photograph a faint "
            "green comet that will not pass through the inner solar system again for about 3,000 years.",
            "The comet, discovered in August by an automated survey telescope, is visible from Port Harbor with "
            "binoculars low in the eastern sky before dawn. The observatory\u2019s images, taken through its "
            "24-inch telescope, show a pale green head and a thin tail about as long as three full moons.",
            "The green glow comes from carbon molecules in the comet\u2019s head that break apart in sunlight "
            "and give off light at green wavelengths, said Odile Fairbanks, who teaches physics at Harbor "
            "Community College and directs the observatory.",
            "\u201cPeople hear comet and they picture something blazing across the sky,\u201d Fairbanks said. "
            "\u201cMost of them look like a smudge. This one is a beautiful smudge.\u201d",
            "The observatory, built in 1931 by a local shipping family and given to the college in 1970, is run "
            "almost entirely by volunteers. Its public nights, held on the first and third Saturday of each "
            "month, regularly draw more than 100 people.",
            "The comet should be brightest around Nov. 20, when it passes closest to the sun. Fairbanks advised "
            "viewers to get away from streetlights, let their eyes adjust for 20 minutes and look about two "
            "fists above the horizon an hour before sunrise.",
            "The observatory will open for a special comet night on Nov. 19 if the sky is clear. Admission is "
            "free, and warm clothing is recommended; the dome is not heated.",
        ],
    ),
    story(
        slug="oyster-reef-saltmarsh-creek",
        section="science",
        title="Students help build an oyster reef in Saltmarsh Creek",
        dek="Recycled shells from 40 restaurants are being turned into a half-acre reef meant to filter water "
            "and calm waves.",
        authors=["Ruth Oyelaran", "Priya Natarajan"],
        published="2026-02-02T09:00:00-05:00",
        tags=["oysters", "restoration", "Saltmarsh Creek", "schools"],
        paragraphs=[
            "Twelve tons of oyster shells, collected from restaurants around Port Harbor and left to cure in "
            "the sun for a year, went into the mud of Saltmarsh Creek last week to form the base of the "
            "city\u2019s first restored oyster reef.",
            "The half-acre reef, a project of the Harbor Marine Laboratory and the city\u2019s conservation "
            "commission, is meant to bring back a habitat that once covered much of the creek\u2019s mouth. "
            "Historical records suggest oyster beds there were harvested to exhaustion by the 1880s.",
            "Young oysters, called spat, prefer to settle on old shells. Workers and volunteers lowered the "
            "cured shells in mesh bags, then released millions of spat raised in tanks at the laboratory. If "
            "the project works, the reef should grow on its own within three to five years.",
            "About 80 students from Harbor High School\u2019s marine science program helped bag the shells over "
            "the fall. Junior Keziah Abernathy said she had not known that the shells from her family\u2019s "
            "takeout orders could become a reef. \u201cIt is strange to think the oysters we ate are going to "
            "be a home for new ones,\u201d she said.",
            "A single adult oyster can filter about 50 gallons of water a day, removing algae and sediment. "
            "Reefs also break up waves and slow erosion, which has eaten away several feet of marsh edge along "
            "the creek since 2010, according to the conservation commission.",
            "\u201cThis is not a cure for everything wrong with the creek,\u201d said Mirela Costache, the "
            "laboratory\u2019s restoration coordinator. \u201cBut it is one of the few things we can do that "
            "keeps working after we leave.\u201d",
            "The shells came from 40 restaurants that take part in a recycling program started in 2023. The "
            "laboratory plans to monitor the reef every three months and to build a second one near the Gull "
            "Island ferry landing if the first succeeds. Harvesting from the reef will not be allowed.",
        ],
    ),
    story(
        slug="tide-gauge-century-sea-level",
        section="science",
        title="A century of tide records shows the harbor rising faster",
        dek="Digitized logbooks from the Custom House tide gauge show sea level up 11 inches since 1921, with "
            "a third of that since 2000.",
        authors=["Priya Natarajan"],
        published="2026-04-22T08:00:00-04:00",
        modified="2026-04-23T10:15:00-04:00",
        tags=["sea level", "climate", "flooding", "Harbor State University"],
        paragraphs=[
            "Handwritten logbooks kept by harbor clerks since 1921 show that the water in Port Harbor has risen "
            "about 11 inches over the past century, and that the rise has sped up sharply in the last 25 years, "
            "according to a study published Wednesday.",
            "Researchers at Harbor State University spent two years turning the faded pages into data. The "
            "logbooks record the height of the tide every hour at a gauge on the Custom House wharf, a "
            "measurement taken at the same spot, with only brief gaps, since the wharf was rebuilt after a "
            "fire.",
            "The study found that the water rose at an average of about 0.08 inches a year in the first half of "
            "the record. Since 2000, it has risen about three times as fast. Roughly a third of the total rise "
            "has happened in the past 25 years.",
            "\u201cNumbers like that can sound small until you look at the street,\u201d said Henrietta Quayle, "
            "an oceanographer and the study\u2019s lead author. \u201cAn inch or two more water is the "
            "difference between a high tide that stays in the harbor and one that comes up through the storm "
            "drains on Front Street.\u201d",
            "The researchers also counted days when the tide reached the level at which low-lying streets "
            "downtown begin to flood. There were fewer than three such days a year before 1980. Last year there "
            "were 19.",
            "Part of the rise is due to the land itself slowly sinking, a process that has gone on since the "
            "last ice age, the study notes. But most of the recent acceleration matches the rise seen at tide "
            "gauges around the world as oceans warm and glaciers melt.",
            "City officials said the findings would feed into a flood plan due next year. The city is already "
            "raising a section of the seawall along Front Street by two feet and has changed its building code "
            "to require new construction in the flood zone to sit higher.",
            "The logbooks, about 1,400 volumes in all, will be scanned and made available to the public through "
            "the university library.",
        ],
    ),
    story(
        slug="seawater-salt-batteries",
        section="science",
        title="University lab tests batteries made from seawater salts",
        dek="A Harbor State team says its sodium cells could store power from the coming offshore wind link at "
            "a lower cost.",
        authors=["Priya Natarajan"],
        published="2026-07-15T13:30:00-04:00",
        tags=["batteries", "energy", "Harbor State University"],
        paragraphs=[
            "In a converted boathouse on the Harbor State University campus, a team of chemists is trying to "
            "build batteries from one of the most common things in the world: the salt in seawater.",
            "The lab, led by chemist Anselm Voronov, makes sodium-ion cells, a type of rechargeable battery that "
            "uses sodium in place of lithium. Sodium is heavier and stores less energy by weight, which makes it "
            "a poor choice for phones or cars. But for large batteries that sit still and store electricity for "
            "the grid, weight matters less than cost.",
            "\u201cNobody is going to put one of these in a phone,\u201d Voronov said, holding a cell about the "
            "size of a paperback book. \u201cBut if you are storing power from a wind farm for the evening, you "
            "care about price and safety, and sodium does well on both.\u201d",
            "The lab announced Tuesday that a test cell had kept 91 percent of its capacity after 4,000 full "
            "charges and discharges, equivalent to more than ten years of daily use. The results have not yet "
            "been published in a peer-reviewed journal, and Voronov said the team was still checking them.",
            "The work has local interest because the regional utility plans to install a large battery near the "
            "substation where power from a new offshore wind farm will come ashore in 2028. Utility officials "
            "have said they are considering several battery types.",
            "Independent experts were cautiously encouraging. Mirabel Ashworth, an energy storage researcher "
            "not involved in the project, said sodium-ion batteries had improved quickly but still faced "
            "hurdles in manufacturing at scale. \u201cA good cell in the lab is the start of the story,\u201d "
            "she said. \u201cTen thousand good cells from a factory is the end of it.\u201d",
            "The lab is funded by a state clean energy grant and employs nine graduate students, several of "
            "whom came from the university\u2019s marine engineering program.",
        ],
    ),
    story(
        slug="record-humpback-season",
        section="science",
        title="Record humpback season draws crowds, and a warning, to the outer bay",
        dek="Researchers identified 212 individual whales this year, but two were struck by boats.",
        authors=["Ruth Oyelaran"],
        published="2026-10-30T09:45:00-04:00",
        tags=["whales", "wildlife", "outer bay"],
        paragraphs=[
            "Whale watchers in Port Harbor had their best season on record this year, with researchers "
            "identifying 212 individual humpback whales in and near the outer bay between May and October, "
            "nearly double the count from five years ago.",
            "The whales came for the fish. Huge schools of sand lance, a small eel-like fish, gathered over the "
            "shallow banks off Gull Island for much of the summer, and the humpbacks followed, sometimes feeding "
            "within sight of the ferry.",
            "Researchers at the Harbor Marine Laboratory identify individual humpbacks by the black-and-white "
            "patterns on the underside of their tails, which are as distinct as fingerprints. Volunteers on "
            "whale watch boats photograph the tails, and the lab matches them against a catalog going back to "
            "1986.",
            "\u201cWe had whales this year that nobody has seen here in 20 years,\u201d said Sunniva Haldane, "
            "who manages the catalog. \u201cOne female we first photographed as a calf in 2004 came back with a "
            "calf of her own.\u201d",
            "The crowds brought problems. Two humpbacks were found with propeller wounds in August, and the "
            "harbor patrol issued 31 warnings to boaters who came closer than the 100-yard limit. One of the "
            "injured whales has not been seen since.",
            "Whale watch companies had their busiest year since the 1990s. Captain Eamon Gillespie, whose boat "
            "takes about 40 passengers at a time, said he added a third daily trip in July. \u201cI had people "
            "crying at the rail,\u201d he said. \u201cYou never get tired of that.\u201d",
            "The laboratory and the harbor master plan to ask the state for a seasonal speed limit of 10 knots "
            "in the outer bay when whales are present, a rule that already exists in some other waters. "
            "Recreational boaters\u2019 groups said they would want to see the details first.",
        ],
    ),
]
