"""Running the bot for an operator: content reload and the watcher, the health endpoint, metrics, logging."""
