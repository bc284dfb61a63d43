"""MkDocs hooks of bench/run.py's plain ``mkdocs build``: the Kepu theme's templates over the same
Markdown, without the Kepu plugin's work. The templates call three names the plugin gives them (the
content security policy, fingerprinted asset names, an unescaping filter); these hooks give only those."""

import django

django.setup()  # the names read Django settings (bench/settings.py through DJANGO_SETTINGS_MODULE)

from cms.publish.mkdocs_plugin.plugin import add_theme_names  # noqa: E402


def on_env(env, config, files):
    add_theme_names(env, config)
    return env
