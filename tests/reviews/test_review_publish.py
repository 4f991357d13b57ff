"""The publish helpers: post content within budget, thread messages, uploaded files, typed comparison names."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.catalog.index import CatalogIndex
from bot.catalog.models import Title
from bot.errors import InvalidInput
from bot.reviews.analysis import understand_review
from bot.reviews.publish import (
    MAX_UPLOAD_BYTES,
    PostContent,
    check_score_override,
    comparison_names,
    format_score,
    post_content,
    read_upload,
    thread_messages,
    thread_name,
)
from cogs.reviews.render import Linked, post_embed
from tests.catalog.sample import sample_titles

LONG_TITLE = Title(999, "A" * 300 + " ||secret|| [x](y) @everyone", picture="https://example.com/a.png")
MANY = tuple(sample_titles()[:30])


def embed_is_valid(embed) -> None:
    """Every limit Discord enforces on one embed, and the 6,000 total."""
    assert len(embed.title or "") <= 256
    assert len(embed.description or "") <= 4096
    assert len(embed.fields) <= 25
    for field in embed.fields:
        assert 0 < len(field.name) <= 256 and 0 < len(field.value) <= 1024
    assert len(embed.footer.text or "") <= 2048
    assert len(embed) <= 6000


def test_thread_messages_split_at_paragraphs_within_the_limit() -> None:
    paragraphs = [f"Paragraph {i}. " + "word " * 150 for i in range(12)]
    messages = thread_messages("\n\n".join(paragraphs))
    assert all(len(m) <= 2000 for m in messages)
    assert len(messages) > 1 and messages[0].startswith("Paragraph 0.")
    assert " ".join(" ".join(messages).split()) == " ".join(" ".join(paragraphs).split())


def test_a_huge_single_sentence_is_split_between_words() -> None:
    text = "endless " * 10_000
    messages = thread_messages(text)
    assert all(len(m) <= 2000 for m in messages)
    assert all(m.split() and set(m.split()) == {"endless"} for m in messages)


def test_a_spoiler_is_never_split_open() -> None:
    text = "Intro sentence here.\n\n||" + "The hidden ending is long. " * 200 + "||\n\nOutro."
    messages = thread_messages(text)
    assert all(len(m) <= 2000 and m.count("||") % 2 == 0 for m in messages)
    assert sum("hidden ending" in m for m in messages) > 1


def test_an_unclosed_spoiler_is_closed_in_the_thread() -> None:
    assert thread_messages("Fine. ||the twist never ends") == ["Fine. ||the twist never ends||"]


def test_mentions_are_defused_in_thread_messages() -> None:
    [message] = thread_messages("@everyone look <@&1> and <@2>")
    assert "@everyone" not in message and "<@&1>" not in message and "<@2>" not in message


@pytest.mark.parametrize(
    ("name", "data", "says"),
    [
        ("review.docx", b"text", ".txt"),
        ("review.txt", b"", "empty"),
        ("review.txt", b"  \n ", "empty"),
        ("review.md", b"\x00\x00abc", "binary"),
        ("review.md", b"\xff\xfe\xfa", "UTF-8"),
        ("review.txt", b"a" * (MAX_UPLOAD_BYTES + 1), "200 KB"),
    ],
)
def test_unusable_uploads_are_refused(name: str, data: bytes, says: str) -> None:
    with pytest.raises(InvalidInput, match=says.replace(".", r"\.")):
        read_upload(name, len(data), data)


def test_a_utf8_file_with_bom_is_read() -> None:
    assert read_upload("Review.MD", 10, "\ufeffBonne série".encode()) == "Bonne série"


def test_size_is_checked_before_the_download() -> None:
    with pytest.raises(InvalidInput, match="200 KB"):
        read_upload("review.txt", 5 * 1024 * 1024)


def test_typed_comparison_names_are_split_and_deduplicated() -> None:
    assert comparison_names("Monster, monster; Death Parade,, <@1>") == ["Monster", "Death Parade", "@user"]
    assert comparison_names(None) == []


def test_scores_are_shown_and_checked() -> None:
    assert (format_score(7.0), format_score(8.5), format_score(None)) == ("7 / 10", "8.5 / 10", "—")
    assert check_score_override(7.25) == 7.2
    with pytest.raises(InvalidInput):
        check_score_override(11)


def test_thread_name_fits_and_hides_spoilers() -> None:
    name = thread_name(LONG_TITLE.name)
    assert len(name) <= 100 and "secret" not in name


def test_content_round_trips_through_json(sample_index: CatalogIndex) -> None:
    analysis = understand_review(
        "The story is great and worth watching. Score: 8/10", finder=sample_index, reviewed_title_id=9
    )
    content = post_content(analysis, reviewer="mod")
    assert PostContent.from_json(content.to_json()) == content
    assert PostContent.from_json("not json").tldr == ""


def test_the_score_option_wins_over_the_parsed_score(sample_index: CatalogIndex) -> None:
    analysis = understand_review("It is worth watching. Score: 8/10", finder=sample_index, reviewed_title_id=9)
    content = post_content(analysis, score_override=6.5)
    assert (content.score, content.score_raw) == (6.5, None)


_CHARS = st.characters(codec="utf-8", exclude_categories=["Cs"])  # no lone surrogates
_TEXT = st.text(alphabet=_CHARS, min_size=1, max_size=3000) | st.lists(
    st.sampled_from(
        [
            "The story is great.",
            "||Spoiler: he dies.||",
            "Score: 7/10",
            "@everyone",
            "<@&1>",
            "Like Death Parade and Monster.",
            "**Art**",
            "\n\n",
            "A" * 900,
            "z̷̧̛̖̪̬͈",
            "🎉",
        ]
    ),
    min_size=1,
    max_size=40,
).map(" ".join)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=_TEXT, many=st.booleans())
def test_any_text_yields_a_post_within_every_discord_limit(text: str, many: bool, sample_index: CatalogIndex) -> None:
    """Whatever the review, the post embed built from its analysis fits Discord's limits."""
    try:
        analysis = understand_review(text, finder=sample_index, reviewed_title_id=LONG_TITLE.id)
    except InvalidInput:
        return
    content = post_content(analysis, reviewer="R" * 300)
    linked = Linked(MANY, MANY) if many else Linked(tuple(r.title for r in analysis.comparisons))
    embed = post_embed(LONG_TITLE, content, linked=linked, community="x" * 500)
    embed_is_valid(embed)
    assert "secret" not in (embed.footer.text or "")
    for value in [embed.description or "", *(f.value or "" for f in embed.fields)]:
        assert value.count("||") % 2 == 0


def test_an_aspect_line_without_a_sentence_shows_its_verdict_alone() -> None:
    """Every sentence shows in one field only; an aspect left without one reads "Music (positive)"."""
    analysis = understand_review(
        "The music is great and the story is clever.\n\nI recommend it. Score: 8/10",
        finder=CatalogIndex(sample_titles()),
        reviewed_title_id=None,
    )
    content = post_content(analysis)
    assert content.aspects
    assert all(not line.endswith(": ") and not line.endswith(":") for line in content.aspects)
