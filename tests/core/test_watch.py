import time
from dataclasses import replace

import pytest
from factories import paper

from tui.adapters.sample import load_sample_day
from tui.core.watch import WatchList, parse_author, same_author

ROCKTASCHEL = "2503.08295"


# ---------------------------------------------------------------- one name, many spellings

TIM = ("Rocktäschel, T.", "Tim Rocktaschel", "T. Rocktäschel", "Tim Rocktäschel")


@pytest.mark.parametrize("watched", TIM)
@pytest.mark.parametrize(
    "written", [*TIM, 'Tim Rockt\\"aschel', "ROCKTÄSCHEL, Tim", "Tim R. Rocktäschel"]
)
def test_every_spelling_of_one_name_matches(watched: str, written: str) -> None:
    watch = WatchList([watched])
    assert watch.matches(paper(authors=("Someone Else", written))) == (watched,)
    assert same_author(watched, written)


@pytest.mark.parametrize("written", ["A. Rocktäschel", "Tom Rocktäschel", "Rocktäschel, Anna"])
def test_a_different_first_name_is_someone_else(written: str) -> None:
    watch = WatchList(["Tim Rocktäschel"])
    assert watch.matches(paper(authors=(written,))) == ()
    assert not same_author("Tim Rocktäschel", written)


def test_a_surname_alone_matches_every_first_name() -> None:
    watch = WatchList(["Rocktäschel"])
    assert watch.matches(paper(authors=("Anna Rocktaschel",))) == ("Rocktäschel",)
    assert watch.matches(paper(authors=("Tim Rock",))) == ()


def test_a_surname_is_a_whole_word() -> None:
    watch = WatchList(["T. Wang"])
    assert watch.matches(paper(authors=("Tian Wangler", "Tao Swang"))) == ()
    assert watch.matches(paper(authors=("Tian Wangler", "Tao Wang"))) == ("T. Wang",)


def test_hyphenated_given_names() -> None:
    watch = WatchList(["J.-P. Vert"])
    assert watch.matches(paper(authors=("Jean-Philippe Vert",))) == ("J.-P. Vert",)
    assert watch.matches(paper(authors=("Jean Vert",))) == ("J.-P. Vert",)  # as far as both go
    assert watch.matches(paper(authors=("Jean-Luc Vert",))) == ()
    assert same_author("Pierre-André Noël", 'P.-A. No\\"el')


def test_surnames_with_particles() -> None:
    for watched in ("Laurens van der Maaten", "van der Maaten, Laurens", "L. van der Maaten"):
        watch = WatchList([watched])
        assert watch.matches(paper(authors=("Laurens van der Maaten",))) == (watched,)
        assert watch.matches(paper(authors=("van der Maaten, L.",))) == (watched,)
        assert watch.matches(paper(authors=("Laurens Maaten-Smith",))) == ()
    assert WatchList(["van der Maaten"]).matches(paper(authors=("Laurens van der Maaten",)))
    # The particles are not needed to find someone.
    assert WatchList(["Maaten"]).matches(paper(authors=("Laurens van der Maaten",))) == ("Maaten",)


def test_a_capitalised_particle_first_is_a_given_name() -> None:
    parsed = parse_author("Al Smith")
    assert parsed is not None and parsed.given == (("al", False),)
    assert WatchList(["Al Smith"]).matches(paper(authors=("Bob Smith",))) == ()


def test_hyphenated_and_two_word_surnames() -> None:
    watch = WatchList(["Mariana Sarkociová-Remešíková"])
    assert watch.matches(paper(authors=("Mariana Sarkociová Remešíková",))) == (watch.authors[0],)
    assert watch.matches(paper(authors=("Mariana Remešíková",))) == ()  # the watched name has both
    loose = WatchList(["M. Remešíková"])
    assert loose.matches(paper(authors=("Mariana Sarkociová-Remešíková",))) == ("M. Remešíková",)


def test_suffixes_and_affiliations_are_ignored() -> None:
    watch = WatchList(["John Smith"])
    assert watch.matches(paper(authors=("John Smith Jr.",))) == ("John Smith",)
    assert watch.matches(paper(authors=("Smith, Jr., John",))) == ("John Smith",)
    assert watch.matches(paper(authors=("John Smith (MIT)",))) == ("John Smith",)


def test_parse_author_folds_accents_and_tex() -> None:
    parsed = parse_author("Pawe{\\l} Kowalski-Nowak")
    assert parsed is not None
    assert parsed.surname == ("kowalski", "nowak")
    assert parsed.given == (("pawel", False),)
    assert parse_author("   ") is None


# ---------------------------------------------------------------- phrases


def test_phrases_match_title_or_abstract_ignoring_case_accents_and_spacing() -> None:
    watch = WatchList(phrases=["Schrödinger bridge", "in-context learning"])
    assert watch.matches(paper(title="Schrodinger  Bridges for all")) == ("Schrödinger bridge",)
    assert watch.matches(paper(abstract='A Schr\\"odinger\nbridge.')) == ("Schrödinger bridge",)
    assert watch.matches(paper(abstract="In-Context Learning, again")) == ("in-context learning",)
    assert watch.matches(paper(title="Schrödinger", abstract="bridge")) == ()
    assert watch.matches(paper(authors=("In-context Learning",))) == ()


def test_matches_lists_authors_then_phrases_in_settings_order() -> None:
    watch = WatchList(["Zoe Zed", "Ada Lovelace"], ["engine", "analytical"])
    hit = paper(authors=("Ada Lovelace", "Zoe Zed"), title="The analytical engine")
    assert watch.matches(hit) == ("Zoe Zed", "Ada Lovelace", "engine", "analytical")
    assert watch.author_hits(hit) == ("Zoe Zed", "Ada Lovelace")
    assert watch.phrase_hits(hit) == ("engine", "analytical")


def test_watched_author_names_the_entry_for_one_name() -> None:
    watch = WatchList(["Rocktäschel, T.", "Ada Lovelace"])
    assert watch.watched_author("Tim Rocktaschel") == "Rocktäschel, T."
    assert watch.watched_author("A. Lovelace") == "Ada Lovelace"
    assert watch.watched_author("Alan Turing") is None


def test_an_empty_watch_list_matches_nothing() -> None:
    watch = WatchList([" "], [""])
    assert not watch
    assert watch.matches(paper()) == ()
    assert watch.hits(load_sample_day().papers) == {}


def test_hits_over_the_sample_day() -> None:
    watch = WatchList(["Rocktäschel, T."], ["discrete diffusion"])
    hits = watch.hits(load_sample_day().papers)
    assert hits == {ROCKTASCHEL: ("Rocktäschel, T.", "discrete diffusion")}


def test_a_5000_paper_day_is_quick() -> None:
    sample = load_sample_day().papers
    day = [
        replace(sample[i % len(sample)], id=f"2504.{10000 + i:05d}", title=f"Paper {i}")
        for i in range(5_000)
    ]
    watch = WatchList(
        ["Rocktäschel, T.", "Yoshua Bengio", "L. van der Maaten", "S. Wang", "Chelsea Finn"],
        ["discrete diffusion", "Schrödinger bridge", "in-context learning"],
    )
    started = time.perf_counter()
    hits = watch.hits(day)
    elapsed = time.perf_counter() - started
    copies = {
        original.id: sum(1 for p in day if p.authors == original.authors) for original in sample
    }
    by_watched = [w for found in hits.values() for w in found]
    assert by_watched.count("Rocktäschel, T.") == copies[ROCKTASCHEL]
    assert by_watched.count("S. Wang") == copies["2504.05741"]  # DDT's Shuai Wang
    assert by_watched.count("discrete diffusion") == copies[ROCKTASCHEL]
    assert elapsed < 1.0, f"{elapsed:.2f} s"
