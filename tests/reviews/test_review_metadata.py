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
