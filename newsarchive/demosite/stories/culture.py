"""Culture section. Fictional stories written for this project."""

from newsarchive.demosite.model import story

STORIES = [
    story(
        slug="lighthouse-museum-reopens",
        section="culture",
        title="Gull Point Lighthouse museum reopens after a three-year restoration",
        dek="Visitors can climb the tower again and see the original 1871 lens, returned from storage and "
            "cleaned by hand.",
        authors=["Julian Mbeki"],
        published="2025-06-08T12:00:00-04:00",
        tags=["museums", "lighthouse", "history"],
        paragraphs=[
            "For the first time since 2022, visitors can climb the 94 iron steps of the Gull Point Lighthouse, "
            "which reopened as a museum on Saturday after a three-year, $4.3 million restoration.",
            "Workers replaced rusted sections of the cast-iron stairway, repaired cracks in the brick tower and "
            "repainted its red and white bands. The keeper\u2019s house, where families lived until the light "
            "was automated in 1968, has been restored to look as it did in the 1930s, down to a coal stove and "
            "a kitchen table with a half-finished game of checkers.",
            "The museum\u2019s centerpiece is the lighthouse\u2019s original lens, a beehive of glass prisms "
            "taller than a man that was removed in 1968 and stored in a warehouse for decades. Conservator "
            "Beatriz Oyarz\u00fan spent eight months cleaning its 350 glass pieces by hand.",
            "\u201cYou can\u2019t hurry a lens like this,\u201d Oyarz\u00fan said. \u201cEvery prism was placed "
            "by someone in 1871 who knew exactly what they were doing. I wanted to give it back to people the "
            "way they made it.\u201d",
            "The restoration was paid for by a mix of state historic preservation grants, city funds and more "
            "than 2,600 private donations. The Gull Point Lighthouse Society, a volunteer group, raised about a "
            "third of the money through bake sales, a calendar and an annual swim across the harbor.",
            "Amos Thibodeaux, 88, whose father was the last keeper, attended the reopening with his "
            "grandchildren. He said he remembered climbing the tower at night as a boy to help his father wind "
            "the clockwork that turned the lens. \u201cIt\u2019s smaller than I remember,\u201d he said. "
            "\u201cEverything is, when you come back.\u201d",
            "The museum is open Wednesday through Sunday from 10 a.m. to 5 p.m. through October. Tower climbs "
            "are limited to 12 people at a time.",
        ],
    ),
    story(
        slug="jazz-festival-lineup",
        section="culture",
        title="Harbor Jazz Festival announces its largest lineup yet",
        dek="Forty acts will play five stages over three days in August, including a free opening night on "
            "the waterfront.",
        authors=["Hattie Fairweather"],
        published="2025-07-03T09:30:00-04:00",
        tags=["music", "jazz", "festivals"],
        metadata="microdata",
        paragraphs=[
            "The Harbor Jazz Festival will bring 40 acts to five stages in downtown Port Harbor this August, its "
            "largest lineup in the festival\u2019s 22 years, organizers announced Wednesday.",
            "The festival runs Aug. 15 to 17. For the first time, its opening night will be free, with a concert "
            "on a barge anchored off the Custom House wharf and an open-air dance floor on the square.",
            "Headliners include the pianist Delia Montrose, a Port Harbor native who left at 19 and has not "
            "played her hometown in more than a decade, and the Marchbanks Brass Band, a ten-piece group known "
            "for parading through the crowd in the middle of its sets.",
            "\u201cI learned to play in the basement of the Seamen\u2019s Church on Quay Street,\u201d Montrose "
            "said in a phone interview. \u201cComing back to play on the water feels like closing a circle. "
            "I\u2019m nervous, honestly, which I almost never am.\u201d",
            "Artistic director Cornelius Abernathy-Lowe said the festival had tried to balance big names with "
            "local musicians. Fourteen of the 40 acts are from the region, including a big band from Harbor "
            "High School and a trio of retired longshoremen who play what they call waterfront swing.",
            "Ticket prices for the two paid days will stay the same as last year, at $45 a day or $80 for a "
            "weekend pass, with discounts for students and seniors. The festival said it had raised the money "
            "for the free opening night from sponsors and a city arts grant.",
            "Tickets go on sale July 10 at the Custom House box office and by phone.",
        ],
    ),
    story(
        slug="ferry-terminal-mural",
        section="culture",
        title="A 200-foot mural brings the ferry terminal\u2019s history to its walls",
        dek="Artist Nadia Kourieh spent the summer painting a century of ferry crossings on the "
            "terminal\u2019s harbor-facing wall.",
        authors=["Julian Mbeki"],
        published="2025-10-30T08:30:00-04:00",
        tags=["public art", "ferry", "murals", "Gull Island"],
        paragraphs=[
            "Commuters waiting for the Gull Island ferry this fall have had something new to look at: a "
            "200-foot mural along the harbor-facing wall of the downtown terminal, painted over four months by "
            "artist Nadia Kourieh.",
            "The mural follows the crossing through time, from a sailing packet of the 1890s to the steam "
            "ferries of the 1920s to today\u2019s boats. Tucked into the scenes are portraits of real people "
            "connected to the ferry, including deckhands, a captain who served for 41 years and a girl who rode "
            "the boat to high school every day in the 1960s.",
            "Kourieh, who grew up in Saltmarsh and now lives on Gull Island, said she spent weeks in the ferry "
            "authority\u2019s archives and interviewed more than 30 longtime riders before she picked up a "
            "brush. \u201cEveryone has a ferry story,\u201d she said. \u201cSomebody proposed on it. Somebody "
            "went into labor on it. I wanted the wall to hold some of that.\u201d",
            "The $160,000 project was paid for by the city\u2019s public art fund, which receives a small share "
            "of the cost of large construction projects. The ferry authority donated the wall and closed part "
            "of the terminal\u2019s outdoor platform during painting.",
            "Kourieh worked mostly from a lift in the early morning, when the light on the wall was even and the "
            "wind off the water was calm. She used paints designed for salt air and applied a clear coating "
            "that is meant to protect the mural for at least 15 years.",
            "The girl in the mural who rode to high school, now 74, is Constance Doyle, who still lives on the "
            "island. She visited the wall with her grandson last week. \u201cI look better up there than I did "
            "at 15,\u201d she said.",
            "The city will hold a dedication on Nov. 8, with tours led by the artist.",
        ],
    ),
    story(
        slug="review-the-captains-widow",
        section="culture",
        title="Review: The Harbor Players find the heart of an old sea comedy",
        dek="A lively revival of \u201cThe Captain\u2019s Widow\u201d at the Cordage Street Theater runs "
            "through April 12.",
        authors=["Hattie Fairweather"],
        published="2026-03-28T20:00:00-04:00",
        tags=["theater", "reviews", "Harbor Players"],
        paragraphs=[
            "There is a moment in the second act of \u201cThe Captain\u2019s Widow\u201d when the title "
            "character, having fended off three suitors and a tax collector, sits alone at her kitchen table and "
            "counts the coins in a teacup. She counts them twice. Then she laughs.",
            "In the Harbor Players\u2019 revival, which opened Friday at the Cordage Street Theater, that laugh "
            "belongs to Rosalind Achebe, and it is the best thing in a production full of good things. Achebe "
            "plays Widow Pennock as a woman too tired to be afraid of anyone, and she makes the character\u2019s "
            "sharp tongue feel like survival rather than meanness.",
            "The play, written by a local schoolteacher in 1908 and performed in Port Harbor every decade or so "
            "since, is a creaky thing on the page: a comedy of mistaken identity built around a fishing captain "
            "lost at sea who may or may not be dead. Director Emeric Sandoval has wisely trimmed it to under two "
            "hours and leaned into its slapstick.",
            "The supporting cast is uneven but game. Lowell Pryce gets big laughs as a pompous harbor master who "
            "keeps falling off the same dock, and 16-year-old Ada Marchand is a delight as the widow\u2019s "
            "scheming niece. A subplot about a stolen lobster boat drags, as it probably always has.",
            "Sandoval\u2019s set, a cutaway of a weathered cottage with the sea painted on a scrim behind it, is "
            "simple and effective. The lighting shifts from morning gold to storm gray in a way that made the "
            "audience on opening night go quiet.",
            "Community theater is a labor of love, and it shows here in the best way. This is a production that "
            "knows why people have kept coming back to this old play for more than a century: not for the plot, "
            "but for a woman at a kitchen table who refuses to be beaten.",
            "\u201cThe Captain\u2019s Widow\u201d runs Thursday through Sunday through April 12. Tickets are "
            "$22, $15 for students.",
        ],
    ),
    story(
        slug="silver-tide-wins-film-festival",
        section="culture",
        title="Local documentary about the last sardine boat wins the Harbor Film Festival",
        dek="\u201cSilver Tide\u201d follows a family crew through the final season of the fishery that built "
            "the city.",
        authors=["Julian Mbeki"],
        published="2026-09-05T15:00:00-04:00",
        modified="2026-09-06T08:45:00-04:00",
        tags=["film", "documentary", "fishing"],
        paragraphs=[
            "\u201cSilver Tide,\u201d a documentary about the last sardine boat working out of Port Harbor, won "
            "the top prize at the Harbor Film Festival on Friday night, beating 26 other feature films from "
            "around the world.",
            "The film, directed by Port Harbor native Theo Castellanos-Grey, follows the four-person crew of the "
            "Margaret Anne through what turned out to be the final season of the city\u2019s sardine fishery in "
            "2023. It spends long stretches on the water at night, in the cramped wheelhouse and in the kitchen "
            "of the captain\u2019s home, where the family argues about whether to sell the boat.",
            "Castellanos-Grey, 29, spent 11 months filming, much of it alone with a handheld camera. He said he "
            "had not planned to make a film about an ending. \u201cWhen I started, I thought I was making a film "
            "about a job,\u201d he said. \u201cBy the time I finished, I was making a film about what a town is "
            "when the thing that made it goes away.\u201d",
            "The jury praised the film\u2019s patience and its refusal to turn the crew into symbols. Festival "
            "director Ines Halvorsen said the screening on Thursday drew the largest audience in the "
            "festival\u2019s history, with more than 600 people in the Custom House auditorium and an overflow "
            "crowd watching on a screen outside.",
            "Captain Walt Prentiss, who sold the Margaret Anne in 2024, attended both screenings. He said he had "
            "been reluctant to let a camera on board but was glad he did. \u201cMy grandkids will know what we "
            "did out there,\u201d he said. \u201cThat\u2019s worth something.\u201d",
            "The award comes with $10,000 and a guaranteed screening at two other regional festivals. "
            "Castellanos-Grey said he was in talks with a distributor and hoped to show the film at the Harbor "
            "Rowing Club and at the grange hall on Gull Island this winter.",
            "The festival\u2019s audience award went to \u201cNight Shift,\u201d a short film about nurses at "
            "Harbor General Hospital.",
        ],
    ),
    story(
        slug="low-tide-books-poetry-nights",
        section="culture",
        title="Poetry nights pack a tiny Quay Street bookshop every Thursday",
        dek="What started as a reading for six people at Low Tide Books now draws crowds onto the sidewalk.",
        authors=["Hattie Fairweather", "Julian Mbeki"],
        published="2026-11-12T10:00:00-05:00",
        tags=["books", "poetry", "small business"],
        paragraphs=[
            "On Thursday nights, Low Tide Books on Quay Street turns off the overhead lights, sets out folding "
            "chairs between the shelves and hands a microphone to anyone who signs up. By 7 p.m., there is "
            "usually no place left to sit.",
            "The bookshop\u2019s open poetry night began two years ago as a reading for six people, three of "
            "whom were related to the owner, Wendeline Starke. It now draws 60 to 80 people a week, and on warm "
            "evenings the crowd spills out onto the sidewalk, where Starke props the door open so people can "
            "hear.",
            "Readers range from retired fishermen reciting verse they wrote at sea to high school students "
            "reading from their phones. The rules are simple: five minutes per reader, no heckling, and snap "
            "your fingers instead of clapping, so the neighbors do not complain.",
            "\u201cI thought it would be a nice thing for a month,\u201d Starke said. \u201cI underestimated how "
            "many people in this town have been writing poems in a drawer for 40 years and just needed a "
            "room.\u201d",
            "Some regulars have become local celebrities. Ignatius Moreau, a 71-year-old former ferry captain, "
            "reads a new poem about the harbor almost every week and has a small group of fans who sit in the "
            "front row. A collection of his poems, printed by a small press in the Cooperage district, has sold "
            "more than 500 copies, most of them at the shop.",
            "The nights have also helped the business. Starke said Thursday sales are now triple those of any "
            "other weekday, and poetry has become the store\u2019s fastest-growing section.",
            "Not everyone is delighted. A neighbor filed a noise complaint with the city last summer, which "
            "Starke resolved by ending the readings at 9 p.m. sharp. \u201cPoets are surprisingly good at "
            "finishing on time,\u201d she said, \u201conce you give them a reason.\u201d",
            "The shop plans to publish an anthology of work from the readings next spring.",
        ],
    ),
]
