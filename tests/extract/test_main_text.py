"""Main text of HTML pages: furniture paragraphs out, the article's own paragraphs in.

Hand-made pages with must / must-not checks, plus real wcxb dev pages (slow) read from
../shared.
"""

from __future__ import annotations

import pytest
from trafilatura.utils import load_html
from wcxb_pages import wcxb_pages

from newsdesk.extract.html import _main_area_words, extract_html

STORY = [
    "El puerto de la ciudad recibió el martes el primer barco de la nueva línea regular con las islas, "
    "después de dos años de obras en el muelle norte y una inversión de cuarenta millones.",
    "Los pescadores temen que el tráfico de los transbordadores les obligue a cambiar sus horarios de "
    "salida, y pidieron al ayuntamiento una reunión antes del verano para acordar las rutas.",
    "La autoridad portuaria calcula que la línea moverá unos trescientos mil pasajeros al año y que la "
    "mitad de ellos serán turistas que hoy llegan por avión a la isla mayor.",
    "Advertisement revenue of the port's own magazine is not part of the plan, the director said when "
    "asked about the new budget, which the council will vote on in May.",
]


def _page(paragraphs: list[str]) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        "<html lang='es'><head><title>Llega el primer transbordador</title></head><body>"
        f"<article><h1>Llega el primer transbordador</h1>{body}</article></body></html>"
    )


def test_teaser_labels_are_dropped_and_sentences_kept() -> None:
    teasers = [
        "Lea también: El muelle norte abre al público",
        "Le puede interesar: Cinco playas para el verano",
        "VEA TAMBIÉN: La isla mayor estrena aeropuerto",
        "Also read: Ten ferries that changed island life",
        "[Read more: How ports are financed]",
        "Notas relacionadas",
        "Advertisement",
    ]
    paragraphs = STORY[:2] + teasers[:4] + STORY[2:] + teasers[4:]
    # must-not: a sentence that starts with the same word is the article's own
    paragraphs.append("Lea el informe completo de la autoridad portuaria en su página, publicado ayer.")
    text = extract_html(_page(paragraphs), url="https://puerto.example/noticias/transbordador").text
    kept = text.split("\n\n")
    for teaser in teasers:
        assert teaser not in kept, teaser
    for paragraph in STORY:
        assert paragraph in text  # "Advertisement revenue ..." is a sentence, not the ad label
    assert "Lea el informe completo" in text


def test_a_repeated_paragraph_is_kept_once_but_short_headings_repeat() -> None:
    contact = "Want to work with us? Call 555 0100 or write to office@puerto.example."
    paragraphs = [STORY[0], "Pros", STORY[1], contact, "Pros", STORY[2], contact, contact]
    text = extract_html(_page(paragraphs), url="https://puerto.example/noticias/transbordador").text
    assert text.count(contact) == 1  # the mobile and desktop copies of one box
    plan = [STORY[0], "Lunes", "- Warm up: ten minutes of easy jogging and some strides", STORY[1]]
    plan += ["Miércoles", "- Warm up: ten minutes of easy jogging and some strides", STORY[2]]
    plan_text = extract_html(_page(plan), url="https://puerto.example/noticias/plan").text
    assert plan_text.count("Warm up: ten minutes") == 2  # a list item of each day's plan
    assert text.split("\n\n").count("Pros") == 2  # a heading of each section
    assert all(p in text for p in STORY[:3])


def test_main_area_counts_what_a_reader_sees() -> None:
    tree = load_html(
        "<html><body><nav>Home News Sport</nav><main><p>One two three</p>"
        "<script>var a = 'not words at all';</script><p>four <b>five</b> six</p></main>"
        "<article><p>seven</p></article></body></html>"
    )
    assert _main_area_words(tree) == 6  # the largest area; script text is not read
    assert _main_area_words(load_html("<html><body><div><p>No area marked here</p></div></body></html>")) == 0


@pytest.mark.slow
def test_real_wcxb_pages_recall_retry_and_repeats() -> None:
    pages = wcxb_pages({"wcxb-0355", "wcxb-4267"})
    text = {k: extract_html(v["html"], url=v["url"]).text for k, v in pages.items()}
    # a long guide whose sections are sibling blocks: the balanced extraction kept only the
    # end (3,600 of 20,000 characters); the recall retry has the steps
    guide = text["wcxb-4267"]
    assert "Step 4: Publish notice of your formation in two newspapers" in guide
    assert "Register your business" not in guide and "1.1Protection of personal assets" not in guide
    # a page that repeats its footer box after each section: once
    remodel = text["wcxb-0355"]
    assert remodel.count("8407 Central Ave") == 1
    assert "Labor constitutes approximately 60% of most remodeling budgets" in remodel
    assert "CALL ME BACK" not in remodel
