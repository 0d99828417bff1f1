"""Business section. Fictional stories written for this project."""

from newsarchive.demosite.model import story
from newsarchive.demosite.stories.shared import SHARED_QUOTE_PARAGRAPH

STORIES = [
    story(
        slug="cannery-lofts-waterfront-plan",
        section="business",
        title="Developers unveil $210 million Cannery Lofts plan for the old waterfront",
        dek="The project would turn the shuttered Harbor Canning Co. plant into 340 apartments, a public "
            "pier and a food hall.",
        authors=["Owen Lindqvist"],
        published="2025-06-30T11:00:00-04:00",
        tags=["development", "waterfront", "housing"],
        paragraphs=[
            "Tidewell Partners on Monday unveiled plans to turn the long-empty Harbor Canning Co. plant on "
            "Wharf Street into a $210 million complex of apartments, shops and a public pier, the largest "
            "private project proposed in Port Harbor in decades.",
            "The Cannery Lofts plan calls for 340 apartments in the restored brick buildings and a new "
            "seven-story tower, with 20 percent of the units set aside for households earning less than 80 "
            "percent of the area median income. The ground floor would hold a food hall with space for 18 "
            "vendors, and the old loading pier would be rebuilt as a public walkway.",
            "The cannery closed in 1994 after nearly a century of packing sardines and, later, clam chowder. "
            "The site has changed hands three times since then, and two earlier redevelopment plans collapsed "
            "during financing.",
            "\u201cWe know people here have heard big promises about this building before,\u201d said Celeste "
            "Marchetti, a principal at Tidewell. \u201cWe have the financing lined up, and we are asking to be "
            "judged on what we build, not on what we say.\u201d",
            "The project needs a zoning change to allow the tower, which would exceed the waterfront height "
            "limit by about 30 feet. It also needs approval from the state coastal commission because part of "
            "the pier sits over public tidelands.",
            "Mayor Teresa Okafor, who has made waterfront access a theme of her second term, welcomed the plan "
            "but stopped short of endorsing the tower.",
            SHARED_QUOTE_PARAGRAPH,
            "Neighbors in the Cooperage district, where the cannery sits, have raised concerns about traffic on "
            "narrow Wharf Street and the loss of views. The planning board will hold its first hearing on the "
            "project on July 24.",
        ],
    ),
    story(
        slug="dunmore-fish-market-fourth-generation",
        section="business",
        title="Fourth generation takes the counter at Dunmore\u2019s Fish Market",
        dek="Siblings Maeve and Conor Dunmore are adding a lunch counter and online orders to the "
            "101-year-old shop.",
        authors=["Dana Whitcombe"],
        published="2025-09-12T08:00:00-04:00",
        tags=["small business", "fishing", "family business"],
        paragraphs=[
            "For 101 years, there has been a Dunmore behind the counter at the fish market on Quay Street. "
            "This month, for the first time, there are two.",
            "Maeve Dunmore, 34, and her brother Conor, 31, formally took over Dunmore\u2019s Fish Market on "
            "Sept. 1 from their father, Declan, who is retiring after 42 years of rising at 4 a.m. to meet the "
            "boats. Their great-grandfather, Patrick, opened the shop in 1924 with a single ice chest and a "
            "borrowed scale.",
            "The siblings are keeping the things customers care about: the hand-lettered price board, the "
            "Friday chowder and the rule that nothing in the case is more than a day off the boat. But they are "
            "also making changes their father resisted for years.",
            "A six-seat lunch counter opens in October, serving fried clams, fish tacos and the chowder. "
            "Customers can now order online for pickup, and the shop has started selling to three restaurants "
            "downtown.",
            "\u201cDad thought a website was something you needed if you had something to hide,\u201d Maeve "
            "Dunmore said, laughing. \u201cHe\u2019s come around. He checks the orders every morning now.\u201d",
            "The business has not always been easy to keep afloat. Declan Dunmore said the 1990s, when the "
            "groundfish catch collapsed and several local boats were sold, were the worst years. The family "
            "survived by buying from farther away and by selling prepared food, which now makes up about a "
            "third of sales.",
            "Conor Dunmore, who spent five years as a line cook in restaurants around the region before coming "
            "home, said the lunch counter is a bet that people will pay for simple food made well. \u201cWe "
            "have the best fish in the city,\u201d he said. \u201cWe just need to let people eat it here.\u201d",
            "Declan Dunmore plans to keep working two mornings a week. \u201cSomeone has to check that "
            "they\u2019re doing it right,\u201d he said.",
        ],
    ),
    story(
        slug="port-container-volumes-rise",
        section="business",
        title="Port container volumes rise for a third straight quarter",
        dek="A second crane and a shipping line that moved its calls from a larger port drove a 14 percent "
            "increase.",
        authors=["Owen Lindqvist"],
        published="2025-12-03T14:20:00-05:00",
        tags=["port", "shipping", "economy"],
        paragraphs=[
            "The Harbor Marine Terminal handled 61,400 containers in the three months ending Sept. 30, up 14 "
            "percent from the same period last year and the third quarterly increase in a row, the Port Harbor "
            "Maritime Authority reported Wednesday.",
            "Much of the growth came from Northline Shipping, which began calling at the terminal weekly in "
            "March after moving some of its service from a larger, more congested port to the south. Northline "
            "now accounts for about a quarter of the terminal\u2019s volume.",
            "A second ship-to-shore crane, which entered service in May, has cut the average time a vessel "
            "spends at the berth from 31 hours to 22, according to the authority. Trucks now wait an average "
            "of 38 minutes to pick up a container, down from 70 minutes a year ago.",
            "\u201cShipping lines go where their ships move quickly,\u201d said Beatrix Lund, the "
            "authority\u2019s executive director. \u201cFor years we were the port you used when you had no "
            "other choice. That is changing.\u201d",
            "The increase has brought some strain. Residents along Cable Street, the main truck route to the "
            "terminal, have complained about noise and diesel fumes at night. The authority said it would pay "
            "to replace windows in 45 homes along the route and is testing electric yard tractors.",
            "Gus Papadakis, president of the longshore union\u2019s local, said the terminal had added 38 jobs "
            "this year. He said the union wants the authority to commit to staffing levels before it buys more "
            "automated equipment.",
            "The authority expects full-year volume of about 235,000 containers, which would be a record. It "
            "plans to ask the state for $40 million toward deepening the main channel, a project it says would "
            "allow larger ships to call by 2029.",
        ],
    ),
    story(
        slug="rise-and-shine-bakery-training-kitchen",
        section="business",
        title="Saltmarsh bakery opens a second shop and a training kitchen",
        dek="Rise & Shine Bakery will train 12 people a year who are leaving prison or recovering from "
            "addiction.",
        authors=["Dana Whitcombe"],
        published="2026-02-18T07:30:00-05:00",
        modified="2026-02-19T09:10:00-05:00",
        tags=["small business", "food", "Ropewalk Avenue", "jobs"],
        paragraphs=[
            "Rise & Shine Bakery, the Saltmarsh shop known for its cardamom buns and for lines that stretch "
            "down the block on Saturday mornings, will open a second location on Ropewalk Avenue in April, its "
            "owner said Tuesday.",
            "The new shop, in a former bank branch at the corner of Ropewalk and Anchor Street, will include a "
            "training kitchen where the bakery plans to teach 12 people a year the basics of commercial baking. "
            "The program is aimed at people leaving prison or in recovery from addiction.",
            "Owner Ingrid Solberg, who opened the original bakery in 2017 with a single oven and a $20,000 loan "
            "from her parents, said the idea came from her own staff. Three of her 19 employees came to the "
            "bakery through a reentry program, and one of them now runs the morning shift.",
            "\u201cNobody wanted to hire Tavi when he walked in here,\u201d Solberg said of that baker, Octavio "
            "Ruiz. \u201cNow I don\u2019t know what I\u2019d do without him. I want to find more people like "
            "that on purpose, not by accident.\u201d",
            "Ruiz, 41, said the structure of the work had helped him more than he expected. \u201cBread "
            "doesn\u2019t care what you did before,\u201d he said. \u201cIt cares if you show up at four.\u201d",
            "The training program will last 16 weeks and pay participants $17 an hour. It is supported by a "
            "$180,000 grant from the county\u2019s workforce board and by a partnership with Harbor Community "
            "College, which will give participants credit toward a culinary certificate.",
            "The second shop will add 14 jobs, including the trainees. Solberg said she has no plans for a "
            "third location. \u201cTwo is already one more than I ever imagined,\u201d she said.",
        ],
    ),
    story(
        slug="shipyard-apprentices",
        section="business",
        title="Eastpoint shipyard will hire 60 apprentices after winning its largest contract",
        dek="Callow & Sons, the city\u2019s largest private employer, is expanding its welding school to "
            "overhaul a class of Coast Guard cutters.",
        authors=["Owen Lindqvist", "Dana Whitcombe"],
        published="2026-05-06T12:00:00-04:00",
        tags=["shipyard", "jobs", "labor"],
        metadata="opengraph",
        paragraphs=[
            "Callow & Sons Shipyard in Eastpoint will hire 60 apprentices over the next 18 months, the company "
            "said Wednesday, after winning a ten-year contract to overhaul a class of Coast Guard cutters.",
            "The apprentices will train as welders, pipefitters and marine electricians in a four-year program "
            "that combines paid work in the yard with classes at the company\u2019s training center. Starting "
            "pay is $22.50 an hour, rising to about $34 by the final year.",
            "The contract, worth an estimated $640 million over its life, is the largest in the yard\u2019s "
            "88-year history. The yard now employs about 1,150 people and expects to reach 1,400 by 2028.",
            "\u201cOur problem is not finding work. Our problem is finding people,\u201d said Rosalind Callow, "
            "the company\u2019s president and the founder\u2019s granddaughter. \u201cHalf of our master "
            "welders can retire within ten years. If we don\u2019t train the next group now, the work will go "
            "somewhere else.\u201d",
            "The company is expanding its training center into a warehouse next door and has hired four new "
            "instructors. It is also working with Harbor High School to let seniors start the program in their "
            "last semester.",
            "Labor leaders welcomed the announcement. Terrence Mwangi, business agent for the "
            "boilermakers\u2019 local, said the union had pushed for a larger apprenticeship program for years. "
            "He said the union would watch closely to make sure apprentices are not used to replace "
            "journeymen on the job.",
            "Applications open May 18. The company said it would hold information sessions at the Eastpoint "
            "community center and at the public library\u2019s central branch.",
        ],
    ),
    story(
        slug="credit-unions-vote-to-merge",
        section="business",
        title="Members of two Port Harbor credit unions vote to merge",
        dek="The combined Harbor & Valley Credit Union will have 41,000 members and keep all nine branches "
            "open for at least three years.",
        authors=["Dana Whitcombe"],
        published="2026-09-23T16:45:00-04:00",
        tags=["banking", "credit unions"],
        paragraphs=[
            "Members of Mariners Federal Credit Union and Valley Teachers Credit Union voted to combine the two "
            "institutions, creating the largest locally owned financial institution in Port Harbor, the credit "
            "unions announced Tuesday.",
            "The merger was approved by 81 percent of the Mariners members who voted and 74 percent of Valley "
            "Teachers voters. Turnout was 23 percent and 31 percent, respectively, which officials said was "
            "high for a credit union election.",
            "The combined institution, to be called Harbor & Valley Credit Union, will have about 41,000 "
            "members and $780 million in assets. It will keep all nine existing branches open for at least "
            "three years, a promise both boards made after members objected to an earlier version of the plan "
            "that would have closed two.",
            "Mariners was founded in 1938 by dock workers who pooled their wages to make loans to one another. "
            "Valley Teachers was started in 1952 by a group of schoolteachers who were turned down for "
            "mortgages by local banks.",
            "\u201cBoth of these were started by people who could not get a fair deal somewhere else,\u201d said "
            "Eleanor Vukovic, the Mariners chief executive, who will lead the merged credit union. \u201cThat "
            "is still the job.\u201d",
            "Members will not need to open new accounts. Account numbers will stay the same, and debit cards "
            "will be replaced over the next year. The combined credit union said it would use the savings from "
            "merging back-office operations to lower auto loan rates and expand its small-business lending.",
            "Some members were sorry to see the teachers\u2019 name disappear. Gloria Fontaine, a retired "
            "fourth-grade teacher, said she voted no. \u201cIt was our credit union,\u201d she said. "
            "\u201cNow it\u2019s everybody\u2019s.\u201d",
            "Regulators approved the merger in August. It takes legal effect on Jan. 1.",
        ],
    ),
]
