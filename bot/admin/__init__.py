"""Admin services without aiogram: group checks, onboarding, seller actions, health, commands.

Handlers in ``bot/handlers`` read Telegram events, call these, and render the answers.
"""
