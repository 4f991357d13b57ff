"""/help's pages, built from the command tree: features in a fixed order, each command's audience once;
`/help COMMAND`: its options, who may use it and an example."""

from __future__ import annotations

import re
from collections.abc import Sequence

import discord
from discord import app_commands

from bot.checks import ADMINS, AUDIENCE, EVERYONE, MODERATORS
from bot.interactions.groups import MOD

FIELD_LIMIT = 1024
FIELDS_PER_PAGE = 6
COLOUR = discord.Colour.blurple()

# Features in the order members meet them; a command is filed by its top-level name.
FEATURES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Reviews", ("review",)),
    ("Scores", ("rate", "unrate", "score", "top", "ratings", "privacy")),
    ("Titles", ("anime", "title")),
    ("Compare", ("compare", "similar")),
    ("Settings", ("settings",)),
    ("About", ("about", "help")),
)
OTHER = "Other"

WHO = {
    EVERYONE: "Everyone in the server.",
    MODERATORS: "Moderators: members with Manage Messages, or the server's reviewer role (`/settings reviewer-role`).",
    ADMINS: "Admins: members with Manage Server.",
}
LEGEND = (
    "Commands marked *moderators* need Manage Messages or the reviewer role; *admins* need Manage Server. "
    "`/help command` shows one command's options and an example."
)

# Examples a member can copy; commands without one get an example made from their options.
EXAMPLES = {
    "rate": "/rate title:Cowboy Bebop score:9",
    "unrate": "/unrate title:Cowboy Bebop",
    "score": "/score title:Cowboy Bebop",
    "top": "/top limit:10 min_votes:5",
    "ratings list": "/ratings list member:@Ann",
    "mod review post": "/mod review post title:Cowboy Bebop (the form opens) — or add file:review.md and score:8.5",
    "mod review edit": "/mod review edit title:Cowboy Bebop score:9",
    "mod review compare": "/mod review compare title:Cowboy Bebop other:Trigun",
    "mod review uncompare": "/mod review uncompare title:Cowboy Bebop other:Trigun",
    "compare": "/compare first:Cowboy Bebop second:Trigun",
    "title merge": "/title merge title:Bebop (local) into:Cowboy Bebop",
    "title rename": "/title rename title:Bebop name:Cowboy Bebop",
    "settings reviews-channel": "/settings reviews-channel channel:#reviews",
    "settings reviewer-role": "/settings reviewer-role role:@Reviewers",
    "settings min-votes": "/settings min-votes votes:5",
    "help": "/help command:top",
}

# More than a description holds, for the commands whose answer needs explaining.
DETAILS = {
    "mod review post": (
        "**Long reviews.** The form's review text spans four inputs of 4,000 characters: start in part 1 and "
        "continue in parts 2–4. Longer still: the `file` option (.txt or .md, up to 200 KB). **From a "
        "message:** open a message's menu → **Apps → Post as official review**. The private preview says "
        "how many characters were read; its **Correct a field…** menu fixes the score, TL;DR, verdict, pros, "
        "cons, aspects, About lines or the linked titles before you publish (and again with `/mod review edit`)."
    ),
    "top": (
        "**How the ranking works.** A title's place comes from a weighted rating, so that a title with a "
        "few high votes does not top one that many members rated well:\n"
        "`WR = v/(v+m)·R + m/(v+m)·C`\n"
        "R is the title's mean score, v its number of votes, C the mean of every score in this server and "
        "m the server's minimum votes (`/settings min-votes`). With few votes a title stays close to C; the "
        "more votes it has, the more its own mean counts. Titles with the same weighted rating share a rank."
    ),
}

_AUDIENCE_IN_TEXT = re.compile(r"^(?:moderators|admins):\s*|\s*\((?:moderators|admins|manage server)\)$", re.I)
_SAMPLE = {
    discord.AppCommandOptionType.string: "text",
    discord.AppCommandOptionType.integer: "5",
    discord.AppCommandOptionType.number: "8.5",
    discord.AppCommandOptionType.boolean: "True",
    discord.AppCommandOptionType.user: "@Ann",
    discord.AppCommandOptionType.channel: "#reviews",
    discord.AppCommandOptionType.role: "@Reviewers",
    discord.AppCommandOptionType.mentionable: "@Ann",
    discord.AppCommandOptionType.attachment: "review.md",
}
_TYPE_NAMES = {
    discord.AppCommandOptionType.string: "text",
    discord.AppCommandOptionType.integer: "whole number",
    discord.AppCommandOptionType.number: "number",
    discord.AppCommandOptionType.boolean: "yes or no",
    discord.AppCommandOptionType.user: "member",
    discord.AppCommandOptionType.channel: "channel",
    discord.AppCommandOptionType.role: "role",
    discord.AppCommandOptionType.mentionable: "member or role",
    discord.AppCommandOptionType.attachment: "file",
}


def audience(command: app_commands.Command | app_commands.Group) -> str:
    """Who may use a command: declared in extras, else read from its default permissions."""
    node: app_commands.Command | app_commands.Group | None = command
    while node is not None:
        if AUDIENCE in node.extras:
            return str(node.extras[AUDIENCE])
        perms = node.default_permissions
        if perms is not None:
            if perms.manage_guild or perms.administrator:
                return ADMINS
            if perms.manage_messages:
                return MODERATORS
        node = node.parent
    return EVERYONE


def leaves(tree: app_commands.CommandTree) -> list[app_commands.Command]:
    """Every invocable slash command, subcommands included, in name order."""
    found: list[app_commands.Command] = []
    for command in tree.get_commands(type=discord.AppCommandType.chat_input):
        if isinstance(command, app_commands.Group):
            found.extend(c for c in command.walk_commands() if isinstance(c, app_commands.Command))
        elif isinstance(command, app_commands.Command):
            found.append(command)
    return sorted(found, key=lambda c: c.qualified_name)


def feature_of(command: app_commands.Command) -> str:
    words = command.qualified_name.split(" ")
    # `/mod review …` and `/mod ratings …` belong with the feature they moderate.
    top = words[1] if words[0] == MOD and len(words) > 2 else words[0]
    return next((feature for feature, names in FEATURES if top in names), OTHER)


def plain_description(command: app_commands.Command) -> str:
    """The description without the audience it sometimes names ("Moderators: …", "… (moderators)")."""
    text = _AUDIENCE_IN_TEXT.sub("", command.description).strip()
    return text[:1].upper() + text[1:]


def help_line(command: app_commands.Command) -> str:
    who = audience(command)
    tag = "" if who == EVERYONE else f" · *{who}*"
    return f"`/{command.qualified_name}` — {plain_description(command)}{tag}"


def help_fields(tree: app_commands.CommandTree) -> list[tuple[str, str]]:
    """(feature, lines) fields in FEATURES order, each within Discord's 1,024 characters."""
    by_feature: dict[str, list[str]] = {}
    for command in leaves(tree):
        by_feature.setdefault(feature_of(command), []).append(help_line(command))
    order = [feature for feature, _ in FEATURES] + [OTHER]
    fields: list[tuple[str, str]] = []
    for feature in (f for f in order if f in by_feature):
        chunk: list[str] = []
        for line in by_feature[feature]:
            if chunk and len("\n".join([*chunk, line])) > FIELD_LIMIT:
                fields.append((feature, "\n".join(chunk)))
                chunk = []
            chunk.append(line[:FIELD_LIMIT])
        fields.append((feature, "\n".join(chunk)))
    return fields


def help_pages(tree: app_commands.CommandTree) -> list[discord.Embed]:
    fields = help_fields(tree)
    pages = []
    for start in range(0, len(fields), FIELDS_PER_PAGE):
        embed = discord.Embed(title="kansou commands", description=LEGEND, colour=COLOUR)
        for name, value in fields[start : start + FIELDS_PER_PAGE]:
            embed.add_field(name=name, value=value, inline=False)
        pages.append(embed)
    return pages


def find_command(tree: app_commands.CommandTree, name: str) -> app_commands.Command | None:
    """A command by its full name, with or without the slash ("mod review post", "/top")."""
    wanted = " ".join(name.strip().lstrip("/").split()).casefold()
    return next((c for c in leaves(tree) if c.qualified_name == wanted), None)


def command_choices(tree: app_commands.CommandTree, typed: str) -> list[app_commands.Choice[str]]:
    """Autocomplete over command names: those starting with what was typed first, then those containing it."""
    text = " ".join(typed.strip().lstrip("/").split()).casefold()
    names = [c.qualified_name for c in leaves(tree)]
    ranked = [n for n in names if n.startswith(text)] + [n for n in names if text in n and not n.startswith(text)]
    return [app_commands.Choice(name=f"/{n}", value=n) for n in ranked[:25]]


def _option_line(parameter: app_commands.Parameter) -> str:
    kind = _TYPE_NAMES.get(parameter.type, parameter.type.name)
    limits = []
    if parameter.min_value is not None and parameter.max_value is not None:
        limits.append(f"{parameter.min_value:g}–{parameter.max_value:g}")
    if parameter.choices:
        limits.append("one of " + ", ".join(c.name for c in parameter.choices[:10]))
    if parameter.autocomplete:
        limits.append("suggested as you type")
    need = "required" if parameter.required else "optional"
    extra = f", {'; '.join(limits)}" if limits else ""
    return f"`{parameter.display_name}` ({kind}, {need}{extra}) — {parameter.description}"


def example(command: app_commands.Command) -> str:
    """A filled-in use of the command."""
    if command.qualified_name in EXAMPLES:
        return EXAMPLES[command.qualified_name]
    parts = [f"/{command.qualified_name}"]
    for parameter in command.parameters:
        if parameter.required:
            sample = "Cowboy Bebop" if parameter.name in ("title", "first", "other", "into") else None
            parts.append(f"{parameter.display_name}:{sample or _SAMPLE.get(parameter.type, 'value')}")
    return " ".join(parts)


def command_embed(command: app_commands.Command) -> discord.Embed:
    """/help COMMAND: what it does, its options, who may use it, an example (and details where needed)."""
    embed = discord.Embed(title=f"/{command.qualified_name}", description=plain_description(command), colour=COLOUR)
    options: Sequence[app_commands.Parameter] = command.parameters
    value = "\n".join(_option_line(p) for p in options) if options else "None: just send it."
    embed.add_field(name="Options", value=value[:FIELD_LIMIT], inline=False)
    embed.add_field(name="Who may use it", value=WHO[audience(command)], inline=False)
    embed.add_field(name="Example", value=f"`{example(command)}`"[:FIELD_LIMIT], inline=False)
    details = DETAILS.get(command.qualified_name)
    if details:
        embed.add_field(name="Details", value=details[:FIELD_LIMIT], inline=False)
    return embed
