"""Correcting the preview field by field: a form per field, prefilled with what the post shows now.

The correction rules (what holds after the text is edited) are the reviews domain's
(bot/reviews/corrections.py); this module only asks and shows.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import discord

from bot.errors import InvalidInput
from bot.interactions.base import BaseModal, open_modal
from bot.reviews.corrections import shown_lines, typed_aspects, typed_lines, typed_metadata, typed_text
from bot.reviews.drafts import Draft
from bot.reviews.publish import BUDGET, PostContent

if TYPE_CHECKING:
    from cogs.reviews.drafting import Drafting

OnValues = Callable[[discord.Interaction, dict[str, str]], Awaitable[None]]
# What each field's form asks: (modal title, [(custom_id, label, paragraph?, max length)]).
FORMS: dict[str, tuple[str, list[tuple[str, str, bool, int]]]] = {
    "score": ("Correct the score", [("value", "Official score, 0–10 (empty: the text's)", False, 5)]),
    "tldr": ("Correct the TL;DR", [("value", "TL;DR (empty: none)", True, BUDGET["tldr"])]),
    "verdict": ("Correct the verdict", [("value", "Verdict (empty: none)", True, BUDGET["verdict"])]),
    "pros": ("Correct the pros", [("value", "Pros, one per line", True, 600)]),
    "cons": ("Correct the cons", [("value", "Cons, one per line", True, 600)]),
    "aspects": ("Correct the aspect lines", [("value", "Aspect lines, one per line", True, BUDGET["aspects"])]),
    "metadata": ("Correct the About lines", [("value", "One per line, e.g. Studio: Madhouse", True, 600)]),
    "links": (
        "Correct the linked titles",
        [
            ("compared", "Compared to — one title per line", True, 1_500),
            ("credits", "Studio credits — one title per line", True, 1_000),
        ],
    ),
}


class FieldModal(BaseModal):
    """One field's form; each input's custom_id names what it holds."""

    def __init__(self, name: str, current: dict[str, str], on_values: OnValues) -> None:
        title, inputs = FORMS[name]
        super().__init__(title=title, timeout=900)
        self._on_values = on_values
        self.inputs: list[discord.ui.TextInput[FieldModal]] = []
        for custom_id, label, paragraph, limit in inputs:
            text_input: discord.ui.TextInput[FieldModal] = discord.ui.TextInput(
                label=label,
                custom_id=custom_id,
                style=discord.TextStyle.paragraph if paragraph else discord.TextStyle.short,
                required=False,
                max_length=limit,
                default=current.get(custom_id, "")[:limit] or None,
            )
            self.inputs.append(text_input)
            self.add_item(text_input)

    async def submitted(self, interaction: discord.Interaction) -> None:
        await self._on_values(interaction, {i.custom_id: i.value or "" for i in self.inputs})


def current_values(draft: Draft, name: str) -> dict[str, str]:
    """What the field's form is prefilled with: the preview's current value."""
    content = draft.content()
    if name == "links":
        kept = list(draft.kept)
        return {
            "compared": "\n".join([t.name for t in draft.compared] + kept),
            "credits": "\n".join(t.name for t in draft.credits),
        }
    value: Any = {
        "score": "" if content.score is None else f"{content.score:g}",
        "tldr": content.tldr,
        "verdict": content.verdict or "",
        "pros": shown_lines(content.pros, "+ "),
        "cons": shown_lines(content.cons, "− "),
        "aspects": "\n".join(content.aspects),
        "metadata": "\n".join(f"{k}: {v}" for k, v in content.metadata),
    }[name]
    return {"value": value}


def typed_score(raw: str, read: PostContent) -> float | None:
    """The score typed in the form; empty gives the text's own score back."""
    raw = raw.strip().replace(",", ".").removesuffix("/10").strip()
    if not raw:
        return read.score
    try:
        value = float(raw)
    except ValueError as exc:
        raise InvalidInput("A score is a number from 0 to 10, such as `7.5`.") from exc
    if not 0 <= value <= 10:
        raise InvalidInput("A score is a number from 0 to 10, with at most one decimal.")
    return round(value, 1)


def typed_value(name: str, raw: str, read: PostContent) -> Any:
    """A field's value from what the moderator typed, within the post's budgets."""
    if name == "score":
        return typed_score(raw, read)
    if name in ("tldr", "verdict"):
        text = typed_text(raw, name)
        return text if text or name == "tldr" else None
    if name == "pros":
        return typed_lines(raw, "+ ")
    if name == "cons":
        return typed_lines(raw, "− ")
    if name == "aspects":
        return typed_aspects(raw)
    return typed_metadata(raw)


def names(raw: str) -> list[str]:
    return [" ".join(line.split())[:100] for line in raw.splitlines() if line.strip()][:25]


class Correcting:
    """The preview's "Correct a field…" select and the forms it opens."""

    def __init__(self, drafting: Drafting) -> None:
        self.drafting = drafting
        self.service = drafting.service

    async def on_fix(self, interaction: discord.Interaction, token: str, name: str) -> None:
        draft = await self.drafting.draft_for(interaction, token)
        if draft is None:
            return
        if name not in FORMS:
            raise InvalidInput("Pick one of the fields in the list.")

        async def submitted(modal: discord.Interaction, values: dict[str, str]) -> None:
            current = await self.drafting.draft_for(modal, token)
            if current is None:
                return
            notes: list[str] = []
            if name == "links":
                notes = await self.service.relink(current, names(values["compared"]), names(values["credits"]))
            else:
                assert current.read is not None
                current.corrections.correct(name, typed_value(name, values["value"], current.read), current.read)
            await self.drafting.refresh(modal, current, notes=notes)

        await open_modal(interaction, FieldModal(name, current_values(draft, name), submitted))
