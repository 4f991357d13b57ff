"""bot/reviews/metadata.py: production facts stated in the review."""

from __future__ import annotations

from bot.reviews.metadata import Metadata, extract_metadata


def test_prose_intro_gives_studio_director_writers_premiere_and_source() -> None:
    """Facts written as prose are all found."""
    text = (
        "Chainsaw Man is animated by MAPPA and directed by Ryu Nakayama, with series composition by "
        "Hiroshi Seko. It premiered on October 11, 2022 and is an adaptation of the manga by "
        "Tatsuki Fujimoto."
    )
    assert extract_metadata(text) == Metadata(
        studio="MAPPA",
        director="Ryu Nakayama",
        writers=("Hiroshi Seko",),
        premiere="October 11, 2022",
        origin="adaptation",
        source_material="manga",
    )


def test_labelled_fact_lines_are_read() -> None:
    """ "Studio:", "Director:", "Writers:" and "Premiere:" lines work, with several writers."""
    text = (
        "Studio: Bones\nDirector: Motoki Ishizuka\n"
        "Writers: Yasuko Kobayashi, Ken Sato and Ai Mori\nPremiere: 2024-01-10"
    )
    metadata = extract_metadata(text)
    assert metadata.studio == "Bones"
    assert metadata.director == "Motoki Ishizuka"
    assert metadata.writers == ("Yasuko Kobayashi", "Ken Sato", "Ai Mori")
    assert metadata.premiere == "2024-01-10"


def test_original_anime_is_told_from_the_original_manga() -> None:
    """ "an original anime" is original; "fans of the original manga" is not a claim of origin."""
    assert extract_metadata("Metallic Rouge is an original anime from studio Bones.").origin == "original"
    assert extract_metadata("Fans of the original manga will be happy.").origin is None


def test_lowercase_studio_names_are_kept() -> None:
    """ufotable writes its name in lower case, and so does the review."""
    assert extract_metadata("Animation by ufotable is stunning.").studio == "ufotable"


def test_light_novel_adaptation_names_its_source() -> None:
    """The kind of source material is normalised to lower case words."""
    metadata = extract_metadata("It is based on the light novel series by Tappei Nagatsuki.")
    assert (metadata.origin, metadata.source_material) == ("adaptation", "light novel")


def test_text_without_facts_gives_empty_metadata() -> None:
    """Nothing stated, nothing invented."""
    assert extract_metadata("I loved it. The end was sad.") == Metadata()


def test_the_reviewed_title_is_never_listed_as_a_writer() -> None:
    """ "Writers: A, Metallic Rouge": a title's name in the list is not a writer."""
    text = "Writers: Yasuko Kobayashi, Metallic Rouge\nScore: 3/10"
    metadata = extract_metadata(text, title_names=("Metallic Rouge",))
    assert metadata.writers == ("Yasuko Kobayashi",)


def test_a_premiere_stated_for_another_title_is_not_the_reviews() -> None:
    """ "Cowboy Bebop premiered in 1998" says nothing about the reviewed show's premiere."""
    text = "Cowboy Bebop premiered in 1998 and still looks better. This show aired in January 2024."
    metadata = extract_metadata(text, other_title_spans=((0, len("Cowboy Bebop")),))
    assert metadata.premiere == "January 2024"
    assert extract_metadata(text, other_title_spans=((0, 12),)).premiere != "1998"


def test_a_fact_in_a_sentence_crediting_another_title_still_counts() -> None:
    """ "from P.A. Works, the makers of Another, directed by X": Another is named but is not the subject."""
    text = "It is an anime original from P.A. Works, the makers of Another, directed by Tsutomu Mizushima."
    at = text.index("Another")
    metadata = extract_metadata(text, other_title_spans=((at, at + 7),))
    assert (metadata.studio, metadata.director) == ("P.A. Works", "Tsutomu Mizushima")


def test_studio_names_with_dots_stay_whole_and_a_full_stop_ends_a_name() -> None:
    """ "J.C.Staff" and "P.A. Works" are kept whole; "Kojima. Dr. Tenma" stops at Kojima."""
    assert extract_metadata("It is animated by J.C.Staff and directed by Tatsuyuki Nagai.").studio == "J.C.Staff"
    assert extract_metadata("A mystery from P.A. Works, and a good one.").studio == "P.A. Works"
    text = "It is directed by Masayuki Kojima. Dr. Kenzo Tenma is the lead."
    assert extract_metadata(text).director == "Masayuki Kojima"


def test_the_catalog_studio_is_used_when_the_review_names_it_without_a_phrase() -> None:
    """ "Death Note is the Madhouse adaptation" names the studio the catalog knows for the title."""
    text = "Death Note is the Madhouse adaptation of the manga."
    assert extract_metadata(text).studio is None
    assert extract_metadata(text, known_studios=("Madhouse",)).studio == "Madhouse"


def test_an_explicit_premiere_beats_a_year_in_passing() -> None:
    """ "Madhouse's 2011 adaptation … premiered in October 2011" gives the full date."""
    text = "It is Madhouse's 2011 adaptation of the manga. It premiered in October 2011 and ran for three years."
    assert extract_metadata(text).premiere == "October 2011"
    assert extract_metadata("K-On! is a 2009 anime from Kyoto Animation.").premiere == "2009"
