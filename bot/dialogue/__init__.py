"""The channel-neutral brain: domain, tracker, policy, forms and the agent that runs a turn."""
