"""All routers of the bot, composed in one place.

Each feature module exposes ``build_router()`` rather than a module-level router, so
every Dispatcher (the process's, and each test's) gets its own router tree.
"""

from aiogram import Router

from bot.handlers import (
    agents,
    ai_settings,
    canned,
    digest,
    drafts,
    errors,
    fallback,
    find,
    groups,
    inline,
    membership,
    push_urls,
    reply_checks,
    resolve,
    sellers,
    setup,
    sla_admin,
    sla_queue,
    stale_buttons,
    start,
    topics,
)
from bot.handlers.add_seller import cancel as add_seller_cancel
from bot.handlers.add_seller import one_line as add_seller_line
from bot.handlers.add_seller import pickers as add_seller_pickers
from bot.handlers.add_seller import wizard as add_seller_wizard


def build_router() -> Router:
    root = Router(name="root")
    root.include_router(errors.build_router())  # any handler's unexpected failure
    root.include_router(membership.build_router())  # before topics: migration messages
    root.include_router(canned.build_router())  # before start: its /start deep link
    root.include_router(inline.build_router())
    root.include_router(start.build_router())
    root.include_router(setup.build_router())
    root.include_router(groups.build_router())
    root.include_router(add_seller_line.build_router())  # /add_seller (both forms)
    root.include_router(add_seller_cancel.build_router())  # Cancel, /cancel (any wizard)
    root.include_router(add_seller_wizard.build_router())  # the wizard's steps
    root.include_router(add_seller_pickers.build_router())  # workspace, cabinet
    root.include_router(sellers.build_router())
    root.include_router(push_urls.build_router())
    root.include_router(agents.build_router())
    root.include_router(sla_queue.build_router())
    root.include_router(resolve.build_router())  # /done, before topics sees it
    root.include_router(sla_admin.build_router())
    root.include_router(find.build_router())  # /find
    root.include_router(digest.build_router())  # /digest
    root.include_router(ai_settings.build_router())
    root.include_router(drafts.build_router())
    root.include_router(reply_checks.build_router())
    root.include_router(topics.build_router())  # last: it looks at every group message
    root.include_router(stale_buttons.build_router())  # after every button handler
    root.include_router(fallback.build_router())  # last: what nothing else took in private
    return root
