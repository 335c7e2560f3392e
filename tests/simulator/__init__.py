"""Tests of the local Discord simulator (bot.simulator) and bot.app.endpoints."""
