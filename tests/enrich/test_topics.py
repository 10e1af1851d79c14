"""Topics: the taxonomy loads and validates; texts get the right subjects, or none."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from newsdesk.enrich.embed import CachingEmbedder, SentenceTransformerEmbedder
from newsdesk.enrich.taxonomy import Taxonomy, load_taxonomy, parse_taxonomy, parse_user_topics
from newsdesk.enrich.topics import Calibration, TopicClassifier, TopicScore
from newsdesk.errors import ConfigError
from newsdesk.settings import load_settings

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"

#: One hand-written news paragraph per IPTC top-level subject.
EXAMPLES = {
    "arts, culture, entertainment and media": (
        "The director's new film premiered at the festival to a standing ovation, and the lead actress "
        "is already tipped for an Oscar; the soundtrack album tops the charts."
    ),
    "conflict, war and peace": (
        "Rebel fighters shelled the city overnight as government troops launched an offensive; "
        "dozens of soldiers were killed and the army called in airstrikes."
    ),
    "crime, law and justice": (
        "Police arrested two men suspected of the bank robbery; prosecutors charged them with armed "
        "robbery and a judge denied bail at their first court appearance."
    ),
    "disaster, accident and emergency incident": (
        "A magnitude 7.2 earthquake flattened villages in the mountains; rescue teams are digging "
        "through rubble and the death toll has passed 300."
    ),
    "economy, business and finance": (
        "The company reported quarterly profit above analysts' forecasts and its shares rose 8 percent; "
        "revenue grew on strong sales and it raised its full-year outlook."
    ),
    "education": (
        "Teachers and pupils returned to school after the summer; the education ministry introduced a "
        "new curriculum and exams for secondary students."
    ),
    "environment": (
        "Environmentalists warned that deforestation and pollution threaten endangered species, as "
        "carbon emissions from the region keep rising and wildlife habitats shrink."
    ),
    "health": (
        "Doctors at the hospital reported a rise in flu patients, and health officials urged older "
        "people to get the vaccine before the outbreak spreads."
    ),
    "human interest": (
        "A 104-year-old grandmother celebrated her birthday with a skydive, setting a world record; "
        "her family and her dog cheered her on."
    ),
    "labour": (
        "Workers at the car plant went on strike after the union rejected the wage offer; managers "
        "warned of layoffs and the pension dispute drags on."
    ),
    "lifestyle and leisure": (
        "Ten tips for your summer holiday: where to travel, which restaurants serve the best local "
        "recipes, and how to pack light for a relaxing weekend getaway."
    ),
    "politics": (
        "The prime minister's party won the election and will form a coalition government; parliament "
        "votes on the new cabinet next week."
    ),
    "religion": (
        "The pope celebrated Easter mass before thousands of Catholic faithful, praying for peace; "
        "bishops and church leaders joined the service."
    ),
    "science and technology": (
        "Astronomers using a new space telescope discovered water vapour on a distant planet, and "
        "NASA scientists published the research in a journal."
    ),
    "society": (
        "Poverty and homelessness are rising among immigrant families, and social workers say "
        "discrimination keeps many from finding housing and welfare support."
    ),
    "sport": (
        "The home team won the championship final 3-1, with their striker scoring twice; the coach "
        "praised the players after a long league season."
    ),
    "weather": (
        "Forecasters expect heavy snow and freezing temperatures this weekend, with a storm warning "
        "for the coast and strong winds on Sunday."
    ),
}

GIBBERISH = [
    "",
    "   ",
    "asdf qwer zxcv uiop hjkl bnm,",
    "Lorem ipsum dolor sit amet, consectetur adipiscing elit.",
    "??? !!! ...",
]

AI_TOPICS = [
    {
        "name": "AI",
        "description": "Artificial intelligence: machine learning, neural networks, chatbots.",
        "keywords": [
            "artificial intelligence",
            "machine learning",
            "neural network",
            "deep learning",
            "chatbot",
        ],
    },
    {
        "name": "Computer Vision",
        "description": "Computers that see: image recognition, object detection, facial recognition.",
        "keywords": ["computer vision", "image recognition", "object detection", "facial recognition"],
        "examples": [
            "The camera software detects pedestrians and cyclists in video frames in real time.",
            "A new model labels every object in a photo, from cars to traffic lights.",
        ],
    },
]


@pytest.fixture(scope="module")
def minilm() -> CachingEmbedder:
    # one model for the module; prototypes embedded once for all classifiers
    return CachingEmbedder(SentenceTransformerEmbedder())


@pytest.fixture(scope="module")
def classifier(minilm: CachingEmbedder) -> TopicClassifier:
    return TopicClassifier(minilm)


@pytest.fixture(scope="module")
def with_user_topics(minilm: CachingEmbedder) -> TopicClassifier:
    return TopicClassifier(minilm, user_topics=parse_user_topics(AI_TOPICS))


def _names(topics: list[TopicScore]) -> list[str]:
    return [t.name for t in topics]


# ---------------------------------------------------------------- taxonomy


def test_packaged_taxonomy_has_the_iptc_top_level() -> None:
    tax = load_taxonomy()
    tops = tax.top_level()
    assert len(tops) == 17
    assert {t.name for t in tops} == set(EXAMPLES)
    assert tax.by_name("politics").id == "medtop:11000000"
    ir = tax.by_name("international relations")
    assert ir.id == "medtop:20000638"
    assert [t.name for t in tax.path(ir.id)] == ["politics", "international relations"]
    for top in tops:
        assert top.description and top.keywords
        assert tax.children(top.id), top.name


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ({}, "non-empty 'topics'"),
        ({"topics": [{"id": "x", "name": "a"}]}, "medtop"),
        ({"topics": [{"id": "medtop:01000000"}]}, "needs a name"),
        ({"topics": [{"id": "medtop:01000000", "name": "a", "colour": 1}]}, "unknown keys"),
        (
            {"topics": [{"id": "medtop:01000000", "name": "a"}, {"id": "medtop:01000000", "name": "b"}]},
            "duplicate",
        ),
        ({"topics": [{"id": "medtop:01000000", "name": "a", "keywords": "x"}]}, "list of strings"),
        (
            {
                "topics": [
                    {
                        "id": "medtop:01000000",
                        "name": "a",
                        "children": [{"id": "medtop:20000001", "name": "b", "children": [{"id": "c"}]}],
                    }
                ]
            },
            "two levels",
        ),
    ],
)
def test_taxonomy_validation(doc: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_taxonomy(doc)


def test_user_topic_validation() -> None:
    assert parse_user_topics(None) == []
    (ai,) = parse_user_topics({"name": "AI", "keywords": ["machine learning"]})
    assert ai.id == "user:ai" and ai.user
    with pytest.raises(ConfigError, match="needs a description"):
        parse_user_topics([{"name": "Bare"}])
    with pytest.raises(ConfigError, match="needs a name"):
        parse_user_topics([{"description": "x"}])
    with pytest.raises(ConfigError, match="duplicate"):
        parse_user_topics([{"name": "AI", "description": "x"}, {"name": "ai", "description": "y"}])
    with pytest.raises(ConfigError, match="unknown keys"):
        parse_user_topics([{"name": "AI", "description": "x", "threshold": 0.1}])
    merged = load_taxonomy().with_user_topics([ai])
    assert isinstance(merged, Taxonomy) and merged.user_topics() == [ai]


# ---------------------------------------------------------------- classification


def test_each_subject_on_a_hand_made_text(classifier: TopicClassifier) -> None:
    results = classifier.classify(list(EXAMPLES.values()))
    for expected, topics in zip(EXAMPLES, results, strict=True):
        tops = [t for t in topics if t.id.endswith("000000")]
        assert tops, f"no topic for the {expected!r} text"
        assert tops[0].name == expected, (expected, topics)
        assert all(0.0 < t.score <= 1.0 for t in topics)


def test_second_level_subject_follows_its_parent(classifier: TopicClassifier) -> None:
    (topics,) = classifier.classify([EXAMPLES["sport"]])
    tax = classifier.taxonomy
    for t in topics:
        assert tax.path(t.id)[0].name == "sport"
    assert any(not t.id.endswith("000000") for t in topics)


@pytest.mark.parametrize("text", GIBBERISH)
def test_gibberish_gets_no_topic(
    classifier: TopicClassifier, with_user_topics: TopicClassifier, text: str
) -> None:
    assert classifier.classify([text]) == [[]]
    assert with_user_topics.classify([text]) == [[]]


def test_user_topics_are_given_where_they_apply(with_user_topics: TopicClassifier) -> None:
    ai, vision, markets = with_user_topics.classify(
        [
            "Researchers trained a large neural network chatbot that answers questions and writes code.",
            "The new facial recognition system spots faces in crowded stadium camera images.",
            "Oil prices climbed and the dollar weakened as traders awaited the central bank decision.",
        ]
    )
    assert "AI" in _names(ai) and "Computer Vision" not in _names(ai)
    assert "Computer Vision" in _names(vision)
    assert not {"AI", "Computer Vision"} & set(_names(markets))
    assert "economy, business and finance" in _names(markets)
    assert with_user_topics.classify([]) == []


def _seed_text() -> str:
    path = next(iter(sorted(SEEDS.glob("001_*.txt"))), None) if SEEDS.is_dir() else None
    if path is None:
        pytest.skip("shared/seeds/001 not present")
    return path.read_text(encoding="utf-8")


def _assert_seed_topics(topics: list[TopicScore]) -> None:
    names = _names(topics)
    assert names, "the seed article got no topic"
    assert names[0] == "politics", topics
    assert "international relations" in names, topics
    allowed = {"politics", "international relations", "conflict, war and peace", "armed conflict"}
    assert set(names) <= allowed | {t.name for t in topics if t.name.startswith(("political", "government"))}
    assert not {"AI", "Computer Vision", "science and technology"} & set(names)


def test_seed_001_is_diplomacy_not_ai(with_user_topics: TopicClassifier) -> None:
    """The China–Taliban recognition story: politics / international relations, never AI."""
    text = _seed_text()
    (topics,) = with_user_topics.classify([text])
    _assert_seed_topics(topics)


@pytest.mark.slow
def test_product_setup_from_config_on_seed_001(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The product wiring: config user topics, static fast tier from the models dir, MiniLM.

    Distilling the full static model takes 30 s to 2 min, so the models dir
    (conftest) is kept in pytest's cache directory: paid once per checkout.
    """
    text = _seed_text()
    config = tmp_path / "newsdesk.toml"
    config.write_text(
        "\n".join(
            [
                "[[topics]]",
                'name = "AI"',
                f"description = {AI_TOPICS[0]['description']!r}",
                'keywords = ["machine learning", "neural network", "chatbot"]',
                "[[topics]]",
                'name = "Computer Vision"',
                f"description = {AI_TOPICS[1]['description']!r}",
            ]
        ),
        encoding="utf-8",
    )
    monkeypatch.setenv("NEWSDESK_CONFIG", str(config))
    clf = TopicClassifier.from_settings(load_settings())
    assert [u.name for u in clf.users] == ["AI", "Computer Vision"]
    assert clf.strong is not None
    batch = [text, *EXAMPLES.values(), *GIBBERISH]
    results = clf.classify(batch)
    _assert_seed_topics(results[0])
    assert results[len(EXAMPLES) + 1 :] == [[] for _ in GIBBERISH]
    # the strong tier saw at most its share of the batch
    assert clf.last_escalated <= math.ceil(len(batch) * clf.cal.max_escalation)
    subjects = results[1 : len(EXAMPLES) + 1]
    right = [name for name, r in zip(EXAMPLES, subjects, strict=True) if r and r[0].name == name]
    assert len(right) >= 15, subjects


def test_adapt_self_trains_without_labels(minilm: CachingEmbedder) -> None:
    clf = TopicClassifier(minilm, user_topics=parse_user_topics(AI_TOPICS))
    texts = list(EXAMPLES.values()) * 3
    kept = clf.adapt(texts)
    assert kept >= 17
    results = clf.classify(list(EXAMPLES.values()))
    hits = sum(bool(r) and r[0].name == name for name, r in zip(EXAMPLES, results, strict=True))
    assert hits >= 15


def test_adapt_settles_its_own_batch_over_the_neighbour_graph(minilm: CachingEmbedder) -> None:
    from newsdesk.enrich.topics import _knn, _smooth

    # one neighbour per text, so that one text per subject is a batch big enough to settle
    cal = Calibration(knn=1)
    clf = TopicClassifier(minilm, strong=minilm, user_topics=parse_user_topics(AI_TOPICS), calibration=cal)
    texts = list(EXAMPLES.values())
    assert len(texts) >= cal.knn * len(clf.tops)
    x = minilm.embed(texts)
    outside = _seed_text()
    clf.adapt(texts, settle=False)
    heads = clf.fast.probabilities(x)
    heads_users = clf.user_topic_scores(texts)
    both_before = clf.top_level_probabilities(texts, strong_for_all=True)
    outside_before = clf.top_level_probabilities([outside], strong_for_all=True)
    clf.adapt(texts)
    settled = clf.top_level_probabilities(texts, strong_for_all=True)
    # settled texts are decided from the batch: no strong-tier pass, even when asked for all
    assert clf.last_escalated == 0
    # each text's heads-only probabilities, spread over its neighbours (the graph adapt uses)
    graph = _knn(x, clf.cal.knn)
    np.testing.assert_allclose(settled, _smooth(heads, graph, clf.cal.knn_keep), atol=1e-5)
    assert not np.allclose(settled, heads, atol=1e-3)
    np.testing.assert_allclose(
        clf.user_topic_scores(texts, strong_for_all=True),
        _smooth(heads_users, graph, clf.cal.knn_keep),
        atol=1e-5,
    )
    # classify uses the settled probabilities; a text outside the batch is untouched
    top = clf.classify(texts[:1])[0][0]
    assert top.id == clf.tops[int(settled[0].argmax())].id
    assert top.score == pytest.approx(float(settled[0].max()), abs=1e-4)
    np.testing.assert_allclose(
        clf.top_level_probabilities([outside], strong_for_all=True), outside_before, atol=1e-6
    )
    assert clf.last_escalated == 1
    # adapting without settling forgets the batch's decisions
    clf.adapt(texts, settle=False)
    np.testing.assert_allclose(
        clf.top_level_probabilities(texts, strong_for_all=True), both_before, atol=1e-5
    )
    # a batch too small for its neighbourhoods is not settled
    small = TopicClassifier(minilm, strong=minilm)
    small.adapt(texts[:10] * 3)
    small.top_level_probabilities(texts[:10], strong_for_all=True)
    assert small.last_escalated == 10


def test_known_english_is_wordfreqs_zipf_test() -> None:
    """The dictionary shortcut answers what wordfreq's zipf_frequency >= 2 answers, near the
    threshold (where rounding decides) and away from it, ASCII or not."""
    import random

    from wordfreq import zipf_frequency

    from newsdesk.enrich import topics as topics_mod
    from newsdesk.wordfreqs import english_frequencies

    freqs = english_frequencies()
    near = sorted(w for w, f in freqs.items() if 0.95e-7 < f < 1.05e-7)[:400]
    rng = random.Random(7)
    words = near + rng.sample(sorted(freqs), 400) + ["qzxvbn", "kowalczyk", "zürich", "naïve", "東京", "the"]
    topics_mod._known_english.cache_clear()
    for word in words:
        assert topics_mod._known_english(word) == (zipf_frequency(word, "en") >= 2.0), word
    assert any(topics_mod._known_english(w) for w in near) and not all(
        topics_mod._known_english(w) for w in near
    )
