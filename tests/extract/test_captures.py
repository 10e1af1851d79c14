"""Plain-text page captures -> clean article.

The four real captures are read from ../shared/seeds at run time (never copied
into the repo); the small fixtures below are invented for these tests.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsdesk.errors import ExtractionError
from newsdesk.extract.captures import CaptureExtraction, clean_capture

SEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"

# Nothing of this may survive markup repair anywhere in a clean text.
DEBRIS = (
    "<",
    ">",
    "&lt",
    "&gt",
    "nbsp",
    "td>",
    "li>",
    "h2>",
    "tbody",
    "/ table",
    "style =",
    " ’ s",
    " .",
    " ,",
)


def _seed(prefix: str) -> CaptureExtraction:
    if not SEEDS.is_dir():
        pytest.skip(f"seed folder {SEEDS} not available")
    found = sorted(SEEDS.glob(f"{prefix}_*.txt"))
    if not found:
        pytest.skip(f"seed {prefix} not available")
    return clean_capture(found[0].read_text(encoding="utf-8"), source=found[0].name)


def _paragraphs(result: CaptureExtraction) -> list[str]:
    return result.text.split("\n\n")


def _assert_clean_shape(result: CaptureExtraction) -> None:
    assert result.title and result.text and result.excerpt
    assert "\n\n\n" not in result.text
    assert all(p.strip() == p and p for p in _paragraphs(result))
    assert not result.text.startswith(result.title + "\n")  # no title line on top of the body
    assert len(result.excerpt) <= 301
    assert result.excerpt.rstrip("…")[:60] in result.text
    for junk in DEBRIS:
        assert junk not in result.text, junk
    if result.published is not None:
        assert result.published.tzinfo is not None
        assert result.published.utcoffset() == UTC.utcoffset(None)


# --------------------------------------------------------------------------- 001: RFE/RL-style page


@pytest.fixture(scope="module")
def rfe() -> CaptureExtraction:
    return _seed("001")


def test_001_title_and_header_chrome(rfe: CaptureExtraction) -> None:
    _assert_clean_shape(rfe)
    assert rfe.title == "Beijing Cautiously Backs Taliban's Hopes Of International Recognition In Afghanistan"
    assert "Accessibility links" not in rfe.text
    assert "Breaking News" not in rfe.text
    assert {"accessibility links", "breaking news"} <= set(rfe.removed)


def test_001_body_first_last_and_subheadings(rfe: CaptureExtraction) -> None:
    paragraphs = _paragraphs(rfe)
    assert paragraphs[0].startswith("China is calling for sanctions against Afghanistan to be lifted")
    assert paragraphs[-1].startswith("“Afghanistan’s foreign exchange reserves are national assets")
    assert paragraphs[-1].endswith("Wang said during his G20 remarks.")
    assert "A Reluctant Embrace" in paragraphs
    assert "A Difficult Road Ahead" in paragraphs
    for middle in (
        "The meeting, via video link, should tackle a variety of topics",
        "“As for recognition, we have to align our positions and build a dialogue,” Putin said.",
        "The International Monetary Fund (IMF) blocked access to $440 million",
        "Kyrgyzstan became the first Central Asian country to send delegates",
    ):
        assert middle in rfe.text
    assert len(paragraphs) == 36
    assert rfe.excerpt.startswith("China is calling for sanctions")


def test_001_captions_and_bio_removed(rfe: CaptureExtraction) -> None:
    for caption in (
        "Wang Yi speaks at the G20 foreign ministers' meeting",
        "Russian President Vladimir Putin attends the Shanghai Cooperation Organization summit via a video",
        "Taliban fighters walk past Taliban flags",
        "Participants listen as Chinese President Xi Jinping delivers a speech",
    ):
        assert caption not in rfe.text
    assert "16x9 Image" not in rfe.text
    assert "Reid Standish" not in rfe.text
    assert "correspondent in RFE/RL's Central Newsroom" not in rfe.text
    assert rfe.authors == ["Reid Standish"]
    assert {"repeated caption", "author bio"} <= set(rfe.removed)


def test_001_no_own_date_and_no_extras(rfe: CaptureExtraction) -> None:
    assert rfe.published is None and rfe.published_source == ""
    assert rfe.dateline == "" and rfe.agency == ""
    assert rfe.tags == [] and rfe.is_repost is False
    assert rfe.original_title == "" and rfe.original_provider == ""


# --------------------------------------------------------------------------- 002: WordPress news theme


@pytest.fixture(scope="module")
def capital() -> CaptureExtraction:
    return _seed("002")


def test_002_header(capital: CaptureExtraction) -> None:
    _assert_clean_shape(capital)
    assert capital.title == "China Applauds Russia’s Move to Recognize Taliban Government"
    assert capital.authors == ["Ava Thompson"]
    assert capital.published == datetime(2025, 7, 6, tzinfo=UTC)
    assert capital.published_source == "capture:byline"
    assert capital.section == "World"
    assert capital.site_name == "Capital Cities"
    assert capital.original_title == "China Welcomes Russia’s Decision to Recognize Taliban Rule – KabulNow"
    assert capital.original_provider == "KabulNow"
    assert capital.is_repost is False
    assert capital.dateline == ""


def test_002_tags_split_from_glued_line(capital: CaptureExtraction) -> None:
    assert capital.tags == [
        "Afghanistan", "China", "China-Russia Relations", "Diplomacy", "Foreign Policy",
        "geopolitical issues", "International Relations", "Kabul", "Middle East", "news analysis",
        "Recognition", "Russia", "Security", "South Asia", "Taliban", "Taliban Government Recognition",
        "Taliban rule",
    ]  # fmt: skip


def test_002_body_kept(capital: CaptureExtraction) -> None:
    paragraphs = _paragraphs(capital)
    assert paragraphs[0] == (
        "China’s Endorsement of Russia’s Recognition of the Taliban: "
        "A New Chapter in Central Asian Geopolitics"
    )
    assert paragraphs[1].startswith("In a notable shift within international diplomacy, China has publicly")
    assert paragraphs[-1].startswith("The joint backing from China following Russia’s official recognition")
    assert paragraphs[-1].endswith("diplomacy around conflict zones.")
    for heading in (
        "Beijing’s Strategic Approach: Aligning with Moscow on Taliban Recognition",
        "The Ripple Effect: How Central Asian Alliances Are Transforming Post-Recognition",
        "Navigating Diplomatic Engagements: Strategies for Constructive Interaction With The Taliban Regime",
        "The Broader Impact Of Sino-Russian Support For The Taliban",
        "Key recommendations include:",
    ):
        assert heading in paragraphs
    assert "• Economic Synergies: Both countries aim to increase investments" in capital.text
    assert "• Morphing Security Landscape: Military alliances are being reassessed" in capital.text
    assert "Status on Taliban Recognition Cautiously supportive for regional stability" in capital.text
    assert capital.excerpt.startswith("In a notable shift within international diplomacy")


def test_002_table_rows_rebuilt(capital: CaptureExtraction) -> None:
    tables = [p for p in _paragraphs(capital) if p.startswith("| Country |")]
    assert len(tables) == 1, _paragraphs(capital)
    rows = tables[0].split("\n")
    assert rows[:2] == ["| Country | Opportunities | Challenges |", "|---|---|---|"]
    assert (
        "| Uzbekistan | Expanded cross-border commerce via Afghan routes | "
        "Heightened vigilance over porous borders |"
    ) in rows
    assert any(r.startswith("| Tajikistan | Greater integration into regional economies") for r in rows)
    assert (
        "| Kyrgyzstan | Investment influx targeting transport networks | "
        "Navigating intensified competition among neighbors |"
    ) in rows


def test_002_debris_repaired_not_dropped(capital: CaptureExtraction) -> None:
    text = capital.text
    assert "• Cultivate Gradual Reform Incentives: Encourage incremental policy shifts" in text
    assert "Edukational Collaborations: Partner NGOs supporting youth education programs" in text
    assert "Secure Communication Channels: Establish direct negotiation pathways" in text
    assert "minimizing misunderstandings potentially escalating conflicts." in text
    assert (
        "Such principled engagement strategies offer pathways toward stabilizing one of today’s "
        "most volatile regions while safeguarding core international values."
    ) in text
    assert "Talibanh2" not in text and "margin" not in text and "›" not in text
    assert "\np " not in text and not any(p.startswith(("p ", "/ ")) for p in _paragraphs(capital))
    assert "Their combined focus on economic cooperation, border security, and counterterrorism" in text
    assert "markup debris" in capital.removed


def test_002_chrome_gone(capital: CaptureExtraction) -> None:
    text = capital.text
    for chrome in (
        "Friday, September 5, 2025", "About us", "Privacy Policy", "CCPA", "AFRICA", "No Result",
        "View All Result", "Home World", "Capital Cities", "by Ava Thompson", "in World", "KabulNow",
        "Share on Facebook", "ShareTweetPin", "Table of Contents", "Toggle", "Tags:", "Previous Post",
        "Next Post", "Celebrate Ramadan", "Hindu Festival", "A seasoned investigative journalist",
        "Related Posts", "Horizon Europe", "Ethan Riley", "September 4, 2025", "ADVERTISEMENT", "Categories",
        "China (1265)", "M T W T F S S", "« Jun", "Archives", "(119)", "©", "cookies", "Go to mobile version",
        ". . .", "$ $", "- - -",
    ):  # fmt: skip
        assert chrome not in text, chrome
    # The table of contents entries go; the headings they point to stay, once each.
    assert text.count("The Ripple Effect: How Central Asian Alliances") == 1
    assert {
        "menu", "share buttons", "table of contents", "related posts", "tag cloud", "calendar", "archives",
        "cookie notice", "author bio", "copyright", "previous/next post",
    } <= set(capital.removed)  # fmt: skip


# --------------------------------------------------------------------------- 003: wire-style, no headline


@pytest.fixture(scope="module")
def pen() -> CaptureExtraction:
    return _seed("003")


def test_003_dateline_and_fallback_title(pen: CaptureExtraction) -> None:
    _assert_clean_shape(pen)
    assert pen.dateline == "ISLAMABAD (PEN)"
    assert pen.agency == "PEN"
    assert pen.text.startswith("China has expressed support for Russia’s decision to recognise the Taliban")
    assert "ISLAMABAD" not in pen.text
    # No headline line: the leading clause of the first sentence stands in.
    assert pen.title == (
        "China has expressed support for Russia’s decision to recognise the Taliban government in Afghanistan"
    )
    assert pen.published is None  # "on Friday" is not a date
    assert pen.authors == [] and pen.tags == [] and pen.is_repost is False


def test_003_body_subheadings_and_emphasis(pen: CaptureExtraction) -> None:
    paragraphs = _paragraphs(pen)
    assert len(paragraphs) == 11
    for heading in (
        "China Maintains Diplomatic Ties with Taliban",
        "Taliban Seeks Legitimacy Amid Ongoing Challenges",
        "Geopolitical Context",
    ):
        assert heading in paragraphs
    assert "*" not in pen.text
    assert "spokesperson Mao Ning during a press briefing on Friday." in pen.text
    assert "The Taliban regained control of Afghanistan in 2021 after the withdrawal" in pen.text
    assert paragraphs[-1].startswith("As Afghanistan emerges from decades of conflict")
    assert paragraphs[-1].endswith("human rights under Taliban rule.")
    assert pen.excerpt.startswith("China has expressed support")


# --------------------------------------------------------------------------- 004: repost


@pytest.fixture(scope="module")
def repost() -> CaptureExtraction:
    return _seed("004")


def test_004_repost(repost: CaptureExtraction) -> None:
    _assert_clean_shape(repost)
    assert repost.is_repost is True
    assert "View original post" not in repost.text
    assert repost.title == "China likely to recognize Taliban as Afghan rulers with fall of Kabul"
    assert repost.published is None and repost.authors == []
    assert repost.dateline == "" and repost.original_title == ""


def test_004_body(repost: CaptureExtraction) -> None:
    paragraphs = _paragraphs(repost)
    assert len(paragraphs) == 15
    assert paragraphs[0].startswith("China has been laying the groundwork to recognize the Taliban")
    assert paragraphs[-1].startswith("State Department spokesman Ned Price was asked")
    assert "fear, & war will only lead to international isolation." in repost.text
    assert "“Well, I think many countries immediately neighboring Afghanistan" in repost.text
    assert repost.excerpt.startswith("China has been laying the groundwork")


def test_seeds_keep_every_body_line() -> None:
    """Each prose line of each seed (long, sentence-ending) survives somewhere in the clean text."""
    if not SEEDS.is_dir():
        pytest.skip("seeds not available")
    for path in sorted(SEEDS.glob("00[134]_*.txt")):
        result = clean_capture(path.read_text(encoding="utf-8"))
        flat = result.text.replace("*", "")
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip().replace("*", "")
            if len(line.split()) >= 25 and "RFE/RL's Central Newsroom" not in line:
                if line.startswith("ISLAMABAD (PEN) : "):
                    line = line.removeprefix("ISLAMABAD (PEN) : ")
                assert line in flat, (path.name, line[:60])


# --------------------------------------------------------------------------- invented fixtures


@pytest.mark.parametrize("text", ["", "   \n\t \n", "\n\n\n"])
def test_empty_capture_raises(text: str) -> None:
    with pytest.raises(ExtractionError) as info:
        clean_capture(text, source="empty.txt")
    assert info.value.source == "empty.txt"


CHROME_ONLY = """\
Skip to content
  • Home
  • Politics
  • Business
Search
Share on FacebookShare on Twitter
Related Posts
ADVERTISEMENT
Privacy Policy
Terms of Use
© 2023 The Lakeside Courier. All rights reserved.
We use cookies to improve your experience. By continuing to browse you accept our use of cookies.
"""


def test_chrome_only_capture_raises() -> None:
    with pytest.raises(ExtractionError):
        clean_capture(CHROME_ONLY, source="chrome.txt")


def test_too_little_text_raises() -> None:
    with pytest.raises(ExtractionError, match="too little"):
        clean_capture("Harbour Ferry Delayed\n\nThe morning ferry left an hour late on Tuesday.\n")


WIRE_PAGE = """\
Skip to main content
World
Politics
Sports
Lake Turkana fishers adapt as water levels keep rising
By Jane Doe | March 3, 2024
Share
NAIROBI, Kenya (AP) — Fishing families on the shores of Lake Turkana are moving their camps inland for the
third time in a decade, as the lake swells after years of heavy rains in the highlands to the north.
Local officials said on Sunday that more than 2,000 households had relocated since January.
“We used to walk ten minutes to the water. Now the water walks to us,” said a fisherman who has
worked the lake for thirty years.

Researchers at a regional university have been measuring the shoreline every month. Their figures show the
lake has gained several metres in depth, flooding schools, clinics and a small airstrip.
ADVERTISEMENT
The county government has asked for emergency funds to build new landing sites further from the shore.
Read more: Drought returns to the southern rangelands
Copyright 2024 The Associated Press. All rights reserved.
"""


def test_wire_layout_byline_and_dateline() -> None:
    result = clean_capture(WIRE_PAGE, source="wire.txt")
    _assert_clean_shape(result)
    assert result.title == "Lake Turkana fishers adapt as water levels keep rising"
    assert result.authors == ["Jane Doe"]
    assert result.published == datetime(2024, 3, 3, tzinfo=UTC)
    assert result.published_source == "capture:byline"
    assert result.dateline == "NAIROBI, Kenya (AP)"
    assert result.agency == "AP"
    paragraphs = _paragraphs(result)
    # The hard-wrapped first paragraph is rejoined and the dateline stripped.
    assert paragraphs[0] == (
        "Fishing families on the shores of Lake Turkana are moving their camps inland for the third "
        "time in a decade, as the lake swells after years of heavy rains in the highlands to the north."
    )
    assert paragraphs[-1].startswith("The county government has asked for emergency funds")
    for chrome in ("Skip to main content", "Politics", "Share", "ADVERTISEMENT", "Read more", "Copyright"):
        assert chrome not in result.text
    assert result.excerpt.startswith("Fishing families on the shores of Lake Turkana")
    assert result.site_name == "The Associated Press"


BLOG_PAGE = """\
Tuesday, June 10, 2025
The Valley Ledger
  • News
  • Opinion
  • Events
The Valley Ledger
Home » Local

Town council approves new riverside cycle path

Posted by Marco Ellis
12 May 2025
in Local

The town council voted on Monday evening to approve a four-kilometre cycle path along the east bank
of the river, ending a debate that has run for nearly three years.

Supporters said the path would give children a safe route to the two secondary schools. Opponents,
mostly residents of the riverside streets, worried about parking and noise during construction.

Construction Timeline

Work is expected to begin in September and to finish before the end of next spring, weather permitting.

Tags: cycling, council, river
ShareTweetPin
Previous Post
Library extends weekend opening hours
Next Post
Farmers market moves to the old station yard
Categories
Local (312) Opinion (88) Events (140) Sport (95)
Popular tags
cycling (12) council (40) schools (33) river (9) weather (21)
June 2025
M T W T F S S
 1
2345678
9101112131415
16171819202122
23242526272829
30
« May   Jul »
Archives
  • June 2025 (14)
  • May 2025 (37)
© 2025 The Valley Ledger
"""


def test_tag_cloud_calendar_and_archives_removed() -> None:
    result = clean_capture(BLOG_PAGE, source="blog.txt")
    _assert_clean_shape(result)
    assert result.title == "Town council approves new riverside cycle path"
    assert result.authors == ["Marco Ellis"]
    assert result.published == datetime(2025, 5, 12, tzinfo=UTC)  # not the page's "Tuesday" header
    assert result.section == "Local"
    assert result.site_name == "The Valley Ledger"
    assert result.tags == ["cycling", "council", "river"]
    paragraphs = _paragraphs(result)
    assert paragraphs[0].startswith("The town council voted on Monday evening")
    assert "Construction Timeline" in paragraphs
    assert paragraphs[-1].startswith("Work is expected to begin in September")
    for chrome in ("(312)", "(12)", "M T W T F S S", "2345678", "« May", "Archives", "Library extends",
                   "Farmers market", "ShareTweetPin", "©", "Tuesday"):  # fmt: skip
        assert chrome not in result.text, chrome
    assert {"tag cloud", "calendar", "archives", "previous/next post", "menu"} <= set(result.removed)


@pytest.mark.parametrize(
    ("byline", "expected"),
    [
        ("By Sam Okafor\nSept. 27, 2021", datetime(2021, 9, 27, tzinfo=UTC)),
        ("By Sam Okafor\nSeptember 27, 2021 16:31", datetime(2021, 9, 27, 16, 31, tzinfo=UTC)),
        ("By Sam Okafor — 2021-09-27", datetime(2021, 9, 27, tzinfo=UTC)),
        ("By Sam Okafor and Lina Berg, 27 September 2021", datetime(2021, 9, 27, tzinfo=UTC)),
    ],
)
def test_byline_date_forms(byline: str, expected: datetime) -> None:
    page = (
        "Harbour authority orders review of night crossings\n"
        f"{byline}\n"
        "The harbour authority has ordered a review of all night crossings after two small boats collided "
        "near the breakwater last week.\n"
        "Nobody was hurt, but both boats were damaged and one had to be towed back to the marina by a "
        "volunteer crew.\n"
    )
    result = clean_capture(page)
    assert result.published == expected
    assert result.authors[0] == "Sam Okafor"
    assert "Sam Okafor" not in result.text


def test_repost_phrases_and_reuters_dateline() -> None:
    page = (
        "Grain exports rise for a third month\n\n"
        "LONDON, March 4 (Reuters) - Grain exports through the northern ports rose for a third "
        "straight month in February, shipping data showed on Monday.\n\n"
        "Traders said demand from importers in the region had recovered after a slow winter and that freight "
        "rates had eased.\n\n"
        "This article originally appeared on Example Wire.\n"
    )
    result = clean_capture(page)
    assert result.is_repost is True
    assert result.dateline == "LONDON, March 4 (Reuters)" and result.agency == "Reuters"
    assert "originally appeared" not in result.text
    assert result.published is None  # a dateline without a year is not a publication date
    assert result.text.startswith("Grain exports through the northern ports")


PORTS_PAGE = """\
News | Opinion | Sport | Culture
Ports
Dockworkers strike halts cargo at three northern ports
Unions say talks over automation have collapsed after six months
Amira Haddad in Rotterdam
Mon 3 Mar 2024 14.05 GMT
Thousands of dockworkers walked out on Monday at three of the busiest ports in northern Europe,
halting container traffic after negotiations over automated cranes broke down.
The unions say the new cranes will cut thousands of jobs over the next decade, while the port
operators argue they are needed to compete with ports in Asia.
Read more
Shipping rates climb as diversions continue
The strike is expected to last at least 48 hours, according to union officials, who said further
action had not been ruled out.
Explore more on these topics
Shipping
Netherlands
Share
Most viewed
"""


def test_name_in_place_byline_standfirst_and_inline_widget() -> None:
    result = clean_capture(PORTS_PAGE)
    assert result.title == "Dockworkers strike halts cargo at three northern ports"
    assert result.authors == ["Amira Haddad"]
    assert result.published == datetime(2024, 3, 3, 14, 5, tzinfo=UTC)
    paragraphs = _paragraphs(result)
    # The standfirst stays as the opening paragraph; the excerpt comes from prose.
    assert paragraphs[0] == "Unions say talks over automation have collapsed after six months"
    assert result.excerpt.startswith("Thousands of dockworkers walked out on Monday")
    assert paragraphs[-1].startswith("The strike is expected to last at least 48 hours")
    for chrome in (
        "Read more",
        "Shipping rates climb",
        "Explore more",
        "Netherlands",
        "Most viewed",
        "Rotterdam",
    ):
        assert chrome not in result.text, chrome


ESSAY_PAGE = """\
Open in app
Sign in
Is the city ready for the next heatwave?
Jane Roe
Follow
5 min read
·
Jun 12, 2024 4:31 pm EDT
Listen
Share
Last summer the city recorded its hottest week on record, and the emergency rooms filled with
elderly patients suffering from heat stroke.
This year the council has promised cooling centres in every district, but only four of the planned
twelve have opened so far.
Written by Jane Roe
Jane Roe writes about cities, climate and public health for several regional newspapers.
Responses (3)
"""


def test_bare_name_byline_question_title_and_closing_bio() -> None:
    result = clean_capture(ESSAY_PAGE)
    assert result.title == "Is the city ready for the next heatwave?"
    assert result.authors == ["Jane Roe"]
    assert result.published == datetime(2024, 6, 12, 20, 31, tzinfo=UTC)  # EDT is UTC-4
    assert result.text.startswith("Last summer the city recorded its hottest week")
    assert result.text.endswith("only four of the planned twelve have opened so far.")
    assert "author bio" in result.removed
    for chrome in ("Follow", "5 min read", "Listen", "Written by", "writes about cities", "Responses"):
        assert chrome not in result.text, chrome


def test_tags_with_separators_and_glued_tags_from_other_sites() -> None:
    page = (
        "Night trains return to the northern line\n"
        "By Oskar Lind\n"
        "The national rail company of Sweden will run night trains on the northern line again from "
        "December, after a break of eleven years.\n"
        "Tickets go on sale next month, and sleeper cabins will cost about the same as a hotel room "
        "in the cities along the route.\n"
        "Tags: rail travel, Night Trains | Sweden\n"
    )
    assert clean_capture(page).tags == ["rail travel", "Night Trains", "Sweden"]
    # Copied tag widgets lose their separators; words the capture uses elsewhere tell where tags end.
    glued = page.replace("rail travel, Night Trains | Sweden", "Night Trainsrail travelSwedensleeper cabins")
    assert clean_capture(glued).tags == ["Night Trains", "rail travel", "Sweden", "sleeper cabins"]


def test_single_caption_is_kept_but_duplicate_quote_is_not_dropped() -> None:
    quote = "“We will not stop until the road is open,” said a driver waiting at the border crossing."
    page = (
        "Border crossing reopens after a week of protests\n\n"
        "Trucks began crossing the northern border again on Thursday after a week of protests by "
        "drivers blocked the only paved road.\n\n"
        f"{quote}\n{quote}\n\n"
        "Customs officials said it would take several days to clear the queue of more than 400 trucks.\n"
    )
    result = clean_capture(page)
    # A duplicated line with a quotation is prose pasted twice, not a caption: keep one copy.
    assert result.text.count(quote) == 1
    assert "repeated caption" not in result.removed


# ------------------------------------------------------------------ tables whose cells come one per line

_PROSE = (
    "The city council confirmed the final results of the district election on Monday after a recount "
    "requested by two of the candidates. Turnout reached 61 percent, the highest in two decades, "
    "officials said, and the count took three days in the main hall of the town."
)
_CELLS = ["Candidate", "Party", "Votes", "Ana Reyes", "Civic", "12,345", "Bo Lin", "Green", "9,876",
          "Carl Weiss", "Labour", "4,321"]  # fmt: skip
_TABLE = (
    "| Candidate | Party | Votes |\n|---|---|---|\n| Ana Reyes | Civic | 12,345 |\n"
    "| Bo Lin | Green | 9,876 |\n| Carl Weiss | Labour | 4,321 |"
)


def _wrapped(text: str, width: int = 72) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width))


@pytest.mark.parametrize("layout", ["blank lines", "hard-wrapped, no blank lines", "cells between blanks"])
def test_table_with_one_cell_per_line_stays_a_table(layout: str) -> None:
    """Issue 14: cells one per line ran together (hard-wrapped captures) and numeric cells were dropped."""
    after = "Reyes will take her seat next month. " + _PROSE.replace("city council", "new council")
    if layout == "blank lines":
        body = f"{_PROSE}\n\n" + "\n".join(_CELLS) + f"\n\n{after}"
    elif layout == "hard-wrapped, no blank lines":
        body = f"{_wrapped(_PROSE * 2)}\n" + "\n".join(_CELLS) + f"\n{_wrapped(after * 2)}"
    else:
        body = f"{_PROSE}\n\n" + "\n\n".join(_CELLS) + f"\n\n{after}"
    capture = f"Council election results announced after recount\n\nBy Maria Lopez\n\n{body}\n"
    out = clean_capture(capture)
    paragraphs = out.text.split("\n\n")
    assert _TABLE in paragraphs, out.text
    assert paragraphs[0].startswith("The city council confirmed") and paragraphs[0].endswith("of the town.")
    assert paragraphs[-1].startswith("Reyes will take her seat")
    assert "junk" not in out.removed and out.authors == ["Maria Lopez"]
    assert not out.excerpt.startswith("|")


def test_short_lines_without_figures_are_not_made_a_table() -> None:
    lines = ["Related topics", "Elections", "City council", "Local news", "Politics", "Recounts"]
    capture = f"Council election results announced\n\n{_PROSE}\n\n" + "\n".join(lines) + f"\n\n{_PROSE}\n"
    assert "|" not in clean_capture(capture).text
