"""Interactions Discord's own client would not send: a component used from another server, or a select value
that was never offered. A modified client or a replayed payload can send them; kansou must refuse them.

simcord's public `click` and `select` only send what a real user could, so these go one level lower (simcord's
interaction dispatch), with the message the interaction claims to come from.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from simcord import ChannelHandle, MemberActor
from simcord.actors import _dispatch_actor_interaction
from simcord.backend import serializers
from simcord.enums import ComponentType, InteractionType


def stored_message(actor: MemberActor, message: Any) -> Any:
    """simcord's stored copy of a message (any channel, any server)."""
    backend = actor._env.backend
    channel_id = getattr(message, "channel_id", None) or message.channel.id
    return backend.get_message(channel_id, message.id)


async def forged_component(
    actor: MemberActor,
    channel: ChannelHandle,
    message: Any,
    custom_id: str,
    *,
    values: Sequence[str] | None = None,
    replacing: str | None = None,
) -> Any:  # simcord's InteractionResult; Any, as the tests read it like simcord's own results
    """`actor`, in `channel` of their own server, uses the component `custom_id` of `message` (which may be in
    another server); with `values`, as a string select with exactly those values; with `replacing`, the
    message's component of that custom_id is shown as `custom_id` (a rewritten custom_id)."""
    stored = stored_message(actor, message)
    data: dict[str, Any] = {"custom_id": custom_id, "component_type": ComponentType.BUTTON}
    if values is not None:
        data = {"custom_id": custom_id, "component_type": ComponentType.STRING_SELECT, "values": list(values)}
    payload: dict[str, Any] = dict(serializers.message_payload(actor._env.backend, stored))
    if replacing is not None:
        for row in payload["components"]:
            for component in row.get("components", []):
                if component.get("custom_id") == replacing:
                    component["custom_id"] = custom_id
    return await _dispatch_actor_interaction(
        actor, InteractionType.MESSAGE_COMPONENT, channel, data, extra={"message": payload}
    )
