"""What graceful shutdown waits for: every kind of interaction discord.py dispatches, nothing else."""

from __future__ import annotations

import asyncio

from bot.client import KansouBot


async def test_shutdown_waits_for_commands_views_modals_and_restart_proof_buttons(simcord_bot: KansouBot) -> None:
    """A Publish or rating-panel press in progress is in flight, like a command; a view's timeout is not."""
    gate = asyncio.Event()
    names = [
        "CommandTree-invoker-rate",
        "discord-ui-view-dispatch-1",
        "discord-ui-modal-dispatch-2",
        "discord-ui-dynamic-item-ReviewButton-review:publish:1:2",
    ]
    tasks = [asyncio.create_task(gate.wait(), name=name) for name in [*names, "discord-ui-view-timeout-3"]]
    try:
        assert sorted(task.get_name() for task in simcord_bot.in_flight()) == sorted(names)
    finally:
        gate.set()
        await asyncio.gather(*tasks)
