"""AI reply drafts: guardrails, intents, templates, prompts, the model call, the worker."""
