"""The plugin's options."""

from mkdocs.config import base
from mkdocs.config import config_options as c


class KepuConfig(base.Config):
    # Where Jinja keeps compiled templates between builds (beside the builds; "" for none).
    template_cache = c.Type(str, default="")
