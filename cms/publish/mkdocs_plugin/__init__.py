"""Kepu's MkDocs customisation, as one plugin (the shape of mkdocs-material's plugins:
``config.py`` for its options, ``plugin.py`` for its events, ``html.py`` for pure helpers).
build.py registers it in-process for every build."""

from .plugin import KepuPlugin

__all__ = ["KepuPlugin"]
