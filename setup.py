"""What pyproject.toml cannot yet declare without an experimental table: the content loader's C fast path.

The extension builds plain data from libyaml's events (bot/content/_plainyaml.c). It is optional: where it cannot
be built (no C compiler, no libyaml headers) the install goes on, and the loader takes its Python path, which
gives the same results more slowly.
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
    ]
)
