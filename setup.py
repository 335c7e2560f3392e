"""What pyproject.toml cannot yet declare without an experimental table: the C fast paths.

Two are the content loader's: one builds plain data from libyaml's events (bot/content/_plainyaml.c), the
other reads a faultless mapping against the field table (bot/content/_fieldreader.c). The third counts the
search index's vocabulary (bot/search/_words.c). All are optional: where one cannot be built (no C compiler,
no libyaml headers) the install goes on, and the Python path is taken, which gives the same results more slowly.
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "bot.content._plainyaml",
            ["bot/content/_plainyaml.c"],
            libraries=["yaml"],
            # Its batch reads files ahead in a thread of its own (POSIX threads: elsewhere it is not built).
            extra_compile_args=["-pthread"],
            extra_link_args=["-pthread"],
            optional=True,
        ),
        # The field table's fast path (bot/content/_fieldreader.c), which needs nothing but Python's headers.
        Extension("bot.content._fieldreader", ["bot/content/_fieldreader.c"], optional=True),
        # The search vocabulary's counter (bot/search/_words.c): Python's headers again, nothing else.
        Extension("bot.search._words", ["bot/search/_words.c"], optional=True),
    ]
)
