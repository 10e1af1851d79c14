from __future__ import annotations

from datetime import date

from newsdesk.link.dates import date_mentions, mentioned_days
from newsdesk.link.timeline import rank_days

PUB = date(2010, 5, 15)  # a Saturday


def _days(text: str, pub: date = PUB) -> list[tuple[str, str]]:
    return [(m.day.isoformat(), m.granularity) for m in date_mentions(text, pub)]


def test_explicit_days_and_years():
    got = _days("The rig exploded on April 20 ; on 20 April 2010 ; Sept. 3 ; 2010-06-01 ; 5/15/2010 .")
    assert got == [
        ("2010-04-20", "day"),
        ("2010-04-20", "day"),
        ("2010-09-03", "day"),
        ("2010-06-01", "day"),
        ("2010-05-15", "day"),
    ]
    # PTB-tokenised comma before the year; a missing year is the closest one.
    assert _days("On May 14 , 2009 it began.") == [("2009-05-14", "day")]
    assert _days("The deal of December 30 held.", date(2011, 1, 3)) == [("2010-12-30", "day")]


def test_weekdays_and_relative_words():
    assert _days("BP said on Friday") == [("2010-05-14", "day")]
    assert _days("BP said on Saturday") == [("2010-05-15", "day")]
    assert _days("Last Saturday BP said") == [("2010-05-08", "day")]
    assert _days("BP will try again on Monday") == [("2010-05-17", "day")]
    assert _days("Next Tuesday") == [("2010-05-18", "day")]
    assert mentioned_days("Yesterday, today and tomorrow; last night.", PUB) == [
        date(2010, 5, 14),
        date(2010, 5, 15),
        date(2010, 5, 16),
        date(2010, 5, 14),
    ]


def test_coarse_and_false_friends():
    assert _days("last week and in May 2010") == [("2010-05-03", "week"), ("2010-05-01", "month")]
    assert _days("It may rain; March 12 percent of voters; May 5 million") == []
    assert mentioned_days("last month", PUB) == []


def test_rank_days_mentions_beat_publications():
    docs = [
        (date(2010, 5, 1), [date(2010, 4, 28)]),
        (date(2010, 5, 2), [date(2010, 4, 28), date(2010, 4, 28)]),  # one vote per article
        (date(2010, 5, 2), [date(1979, 6, 3)]),  # history, outside the coverage
    ]
    ranked = rank_days(docs)
    assert ranked[0] == (date(2010, 4, 28), 2.0)
    assert date(1979, 6, 3) not in dict(ranked)
    assert ranked[1][0] == date(2010, 5, 2)


def test_yearless_mentions_and_the_recent_past_they_fit():
    from newsdesk.link.dates import recent_past_share, yearless_mentions

    text = (
        "Officials met in mid-July and again in late July. On September 17 the envoy said more. "
        "The deal of March 2020 stands. May brings rain. Talks will resume in early October."
    )
    # the year-dated month and the future clause are left out; "May" at a sentence start is no date
    assert yearless_mentions(text) == [(9, 17), (7, 15), (7, 25)]
    assert recent_past_share(yearless_mentions(text), date(2021, 9, 27)) == 1.0
    # in early July none of them has happened yet; a year later they are too old
    assert recent_past_share(yearless_mentions(text), date(2025, 7, 6)) == 0.0
    assert recent_past_share(yearless_mentions(text), date(2022, 3, 1)) == 0.0
    assert recent_past_share([], date(2025, 7, 6)) == 1.0


def test_possessive_today_names_no_day():
    assert _days("one of today's most volatile regions") == []
    assert _days("tomorrow 's talks , today 's agenda") == []
    assert _days("BP said today it would sell assets") == [("2010-05-15", "day")]
