"""Sports section. Fictional stories written for this project."""

from newsarchive.demosite.model import story

STORIES = [
    story(
        slug="mariners-win-regional-final",
        section="sports",
        title="Harbor High Mariners rally in the seventh to win the regional final",
        dek="A two-out double by sophomore Rory Castellano sent the Mariners to the state semifinals for the "
            "first time since 2008.",
        authors=["Caleb Brennan"],
        published="2025-05-31T23:10:00-04:00",
        tags=["baseball", "Harbor High", "high school sports"],
        paragraphs=[
            "Rory Castellano had not had a hit all night. With two outs in the bottom of the seventh inning and "
            "the tying and winning runs on base, the Harbor High sophomore told himself to stop trying to hit "
            "the ball over the fence.",
            "He lined the first pitch he saw into the gap in right-center field, both runners scored, and the "
            "Mariners beat Westbrook 5-4 on Saturday to win the regional championship at Tidewater Field.",
            "\u201cI just wanted to put it in play,\u201d Castellano said, his uniform soaked from the water "
            "cooler his teammates dumped on him. \u201cI didn\u2019t even see it land. I just heard everybody "
            "screaming.\u201d",
            "The win sends Harbor High to the state semifinals for the first time since 2008. The Mariners will "
            "face St. Aldric\u2019s on Wednesday at the state university\u2019s stadium.",
            "Westbrook led 4-1 after five innings behind pitcher Declan Moore, who struck out nine. Harbor High "
            "cut the lead to 4-3 in the sixth on a two-run single by senior catcher Jonah Reddick, who has "
            "committed to play in college next year.",
            "Mariners coach Vincent Albanese, in his 14th season, said his team had been resilient all year. "
            "Harbor High lost four of its first six games before winning 15 of its last 17. \u201cThese kids "
            "never looked at the scoreboard,\u201d he said. \u201cThey just played the next pitch.\u201d",
            "Senior left-hander Tobias Lindgren pitched three scoreless innings in relief to keep the Mariners "
            "close. More than 1,500 fans packed the bleachers and lined the outfield fence, the largest crowd at "
            "Tidewater Field in years.",
        ],
    ),
    story(
        slug="rowing-club-centennial",
        section="sports",
        title="Harbor Rowing Club marks 100 years with a race its founders would recognize",
        dek="Crews in wooden boats raced the original 1925 course from the Custom House to Gull Island and "
            "back.",
        authors=["Nell Sorensen"],
        published="2025-09-27T16:00:00-04:00",
        tags=["rowing", "Harbor Rowing Club", "history"],
        paragraphs=[
            "Eight wooden rowing shells, some of them older than the people rowing them, pushed off from the "
            "Custom House wharf on Saturday morning to race the same four-mile course the Harbor Rowing "
            "Club\u2019s founders rowed in 1925.",
            "The centennial race was the highlight of a weekend of events marking the club\u2019s 100th year. "
            "More than 300 current and former members came back for the celebration, including several who "
            "rowed for the club in the 1950s.",
            "The club was founded by a group of dockworkers and clerks who wanted a sport they could afford. "
            "They built their first boat from salvaged planks in a shed behind a chandlery on Quay Street. The "
            "club still keeps its boats in a boathouse on the same block, rebuilt after a hurricane in 1954.",
            "The winning crew, a women\u2019s masters eight with an average age of 57, finished in 31 minutes "
            "and 12 seconds, about four minutes faster than the winning time in 1925. Stroke Philippa Rourke "
            "said the old boat, built in 1938, felt heavy but steady. \u201cShe knows the way,\u201d Rourke "
            "said. \u201cWe just had to keep up.\u201d",
            "Augustus Kimball, 94, the club\u2019s oldest living member, watched from a folding chair on the "
            "wharf. He rowed in the club\u2019s first national championship crew in 1952 and coached juniors "
            "for three decades afterward.",
            "\u201cRowing teaches you that nobody gets anywhere alone,\u201d Kimball said. \u201cIf one person "
            "in the boat is pulling for himself, the boat goes sideways.\u201d",
            "The club now has about 420 members, and its junior program, which waives fees for families that "
            "cannot pay, has grown to 110 rowers. The club is raising money to restore two more of its "
            "historic shells.",
        ],
    ),
    story(
        slug="gulls-win-home-opener",
        section="sports",
        title="Gulls win home opener in overtime before a sellout crowd",
        dek="Rookie defenseman Mattias Kowalenko scored 42 seconds into overtime as the Gulls beat the "
            "Riverton Lumberjacks 3-2.",
        authors=["Nell Sorensen", "Caleb Brennan"],
        published="2025-11-15T22:45:00-05:00",
        tags=["hockey", "Port Harbor Gulls"],
        metadata="opengraph",
        paragraphs=[
            "Rookie defenseman Mattias Kowalenko scored 42 seconds into overtime Saturday night to give the "
            "Port Harbor Gulls a 3-2 win over the Riverton Lumberjacks in the team\u2019s home opener at the "
            "Harbor Arena.",
            "Kowalenko, 20, carried the puck from his own blue line, cut around a defender and beat goaltender "
            "Bram Hollis with a low shot to the glove side. It was his first professional goal, and the "
            "sellout crowd of 5,812 threw dozens of knit caps onto the ice, a tradition usually reserved for "
            "hat tricks.",
            "\u201cI don\u2019t know why they threw the hats, but I\u2019ll take it,\u201d Kowalenko said. "
            "\u201cMy mother is going to watch that video a hundred times.\u201d",
            "The Gulls, who missed the playoffs last season, trailed 2-1 late in the third period before "
            "captain Deshawn Pruitt tipped in a shot from the point with 3:18 left. Goaltender Elias Brandvold "
            "made 31 saves.",
            "It was the first game for new head coach Corinne Lemaire, who was hired in June after five seasons "
            "as an assistant. Lemaire is the first woman to coach a team in the league. She said afterward that "
            "she had not thought much about the milestone during the game. \u201cHonestly, I was thinking about "
            "our penalty kill,\u201d she said.",
            "The arena\u2019s $6 million renovation, which added new seats, a new scoreboard and a second "
            "concourse, was finished two days before the game. Some fans complained about long lines at the "
            "concession stands during the first intermission.",
            "The Gulls play at home again Tuesday against the Fairhaven Falcons.",
        ],
    ),
    story(
        slug="half-marathon-leaves-bridge",
        section="sports",
        title="Harbor Half Marathon moves off the bridge for its 30th running",
        dek="Organizers redrew the course along the waterfront promenade after the city declined to close the "
            "Harbor Bridge for a full morning.",
        authors=["Caleb Brennan"],
        published="2026-03-05T11:00:00-05:00",
        tags=["running", "half marathon", "Harbor Bridge"],
        paragraphs=[
            "The Harbor Half Marathon will not cross the Harbor Bridge this year for the first time in its "
            "30-year history, organizers announced Thursday, after the city declined to close the span to "
            "traffic for a full Sunday morning.",
            "The new course starts and finishes at Custom House Square, as before, but replaces the bridge "
            "crossing with a loop along the waterfront promenade and through the Cooperage district. Race "
            "director Florence Ibekwe said the course remains certified at 13.1 miles and is, if anything, "
            "slightly flatter.",
            "\u201cEverybody loves the bridge. I love the bridge,\u201d Ibekwe said. \u201cBut it takes 90 "
            "police officers and four hours of closure, and we could not make it work this year.\u201d",
            "City officials said recent repairs and the growing traffic on the span made a long closure "
            "impractical. The race drew 4,200 runners last year, and slower participants were still on the "
            "bridge more than three hours after the start.",
            "Some longtime runners were disappointed. Gordon Ashby, 66, who has run every edition of the race, "
            "called the view from the top of the bridge the best mile in the state. \u201cYou come up over the "
            "crest and there\u2019s the whole harbor,\u201d he said. \u201cThat\u2019s why you run this "
            "race.\u201d",
            "Others welcomed the change. The climb to the bridge\u2019s midpoint comes at mile nine and has been "
            "a notorious wall for first-time half marathoners. Organizers said a flatter course could draw more "
            "runners chasing personal records.",
            "The race will be held April 19. Registration, capped at 4,500, opens Monday. Organizers said they "
            "would ask the city again next year about returning to the bridge.",
        ],
    ),
    story(
        slug="fog-postpones-gull-island-regatta",
        section="sports",
        title="Fog postpones the Gull Island Regatta for the first time since 1997",
        dek="Race officials called off Saturday\u2019s start after visibility in the outer bay dropped below "
            "200 yards.",
        authors=["Nell Sorensen"],
        published="2026-06-20T18:20:00-04:00",
        modified="2026-06-21T09:00:00-04:00",
        tags=["sailing", "regatta", "weather", "Gull Island"],
        paragraphs=[
            "A thick fog bank that rolled into the outer bay before dawn forced organizers of the Gull Island "
            "Regatta to postpone the start of Saturday\u2019s race, the first weather postponement in nearly "
            "three decades.",
            "Visibility near the starting line fell to less than 200 yards by 8 a.m., and the harbor patrol "
            "advised race officials that conditions were not safe for more than 90 boats to maneuver together "
            "in the shipping channel. The race will start Sunday at 10 a.m. if the fog lifts.",
            "\u201cYou can race in wind, you can race in rain,\u201d said principal race officer Margit "
            "Eriksen. \u201cYou can\u2019t race in something where you can\u2019t see the boat next to "
            "you.\u201d",
            "The 22-mile race around Gull Island is one of the oldest sailing events on the coast, first held in "
            "1911. It draws boats ranging from small family keelboats to carbon-fiber racing yachts, and many "
            "crews have sailed it together for decades.",
            "Most sailors took the delay in stride. Crews tied up along the yacht club\u2019s docks spent the "
            "day repairing sails, swapping stories and eating at the club\u2019s grill, which stayed open late.",
            "Skipper Lorenzo Abate, who has sailed the race 26 times aboard his 34-foot sloop, Persistence, said "
            "the fog was a reminder of why the race is hard to win. \u201cThe island makes its own "
            "weather,\u201d he said. \u201cYou learn to be patient or you go home early.\u201d",
            "The last weather postponement, in 1997, came when a storm brought gusts of more than 50 knots to "
            "the bay. The fastest time around the island remains 2 hours and 41 minutes, set in 2014.",
        ],
    ),
    story(
        slug="tidewater-field-natural-grass",
        section="sports",
        title="Tidewater Field will get grass back, ending a decade of artificial turf",
        dek="The school committee chose natural grass after a study of heat and injuries on the worn "
            "synthetic field.",
        authors=["Caleb Brennan"],
        published="2026-08-11T10:10:00-04:00",
        tags=["Tidewater Field", "schools", "budget"],
        paragraphs=[
            "Tidewater Field, home to Harbor High\u2019s football, soccer and lacrosse teams, will be replanted "
            "with natural grass next spring, replacing an artificial turf surface that has worn thin after ten "
            "years of heavy use.",
            "The School Committee voted 6-1 on Monday for a $1.6 million grass field with a new drainage system, "
            "rejecting a $2.1 million synthetic replacement. The decision followed a six-month study by a "
            "committee of coaches, parents and athletic trainers.",
            "The study found that the surface temperature of the turf reached 150 degrees on several afternoons "
            "last summer, forcing coaches to cancel or move practices. Athletic trainers also reported that "
            "players complained of turf burns and that the worn surface had become hard and uneven.",
            "\u201cWe were moving practices to the middle school\u2019s grass field just to keep kids "
            "safe,\u201d said athletic director Patrice Lindahl. \u201cAt some point you have to listen to what "
            "the field is telling you.\u201d",
            "Grass has trade-offs. A natural field cannot handle as many hours of use, and it needs time to "
            "recover after heavy rain. The plan limits the field to about 600 hours of use a year, down from "
            "more than 1,000, and moves youth league games to a renovated field at Saltmarsh Park.",
            "The lone no vote came from Franklin Osei, who said the district would spend more on maintenance "
            "over time and that youth leagues would lose access. Groundskeeping costs are expected to rise by "
            "about $45,000 a year.",
            "Construction is scheduled to start after the football season ends in November. The new grass will "
            "be seeded in spring and should be ready for play by the fall.",
        ],
    ),
]
