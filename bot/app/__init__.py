"""The discord.py glue: the Bot subclass and `create_bot`, the command tree and its error table, the stateless
buttons and menus (DynamicItems), the one safe-reply helper, the command set and its sync, the endpoints.

A new slash command goes in `cogs/`; what every command shares (reading the library from an interaction,
answering it, handling its errors) lives here.
"""
