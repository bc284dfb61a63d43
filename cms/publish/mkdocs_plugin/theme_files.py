"""The theme's files MkDocs lists for a build (``Files.add_files_from_theme``), without walking the
installed packages' theme folders each time.

MkDocs lists them with ``env.list_templates(filter_func=…)``: Jinja walks every theme folder (Material's
holds some 14,000 icons) and MkDocs' filter tests each name. ``listing`` gives the same names, walking
only the theme folders of no installed package (Kepu's themes/) and reading those of an installed
package's folder (Material's, MkDocs') from a file in the template cache folder, written the first time.
Such a folder's files are those of the package's version: the names are kept under a key of the folder,
the package's version, and what MkDocs' filter depends on (MkDocs' version, the static templates, the
Markdown extensions), so that any change of those lists the folder again.
"""

import importlib.metadata
import json
import os

import material
import mkdocs
from jinja2 import FileSystemLoader
from mkdocs import utils

from cms.publish import fsutil

CACHE_NAME = "theme-files.json"  # in the template cache folder
PACKAGES = {os.path.dirname(material.__file__): "mkdocs-material",
            os.path.dirname(mkdocs.__file__): "mkdocs"}  # (read only) {folder: distribution}


def _package_version(folder):
    """The version of the installed package ``folder`` is part of, as installed now (its metadata,
    read each time: a package upgraded under a running worker, as manifest.inputs reads it), with the
    folder's own mtime (a file added to or removed from it in place), or None."""
    folder = os.path.abspath(folder)
    for root, distribution in PACKAGES.items():
        if folder == root or folder.startswith(root + os.sep):
            try:
                return f"{importlib.metadata.version(distribution)} {os.stat(folder).st_mtime_ns}"
            except (importlib.metadata.PackageNotFoundError, OSError):
                return None
    return None


def listing(env, config, cache_dir):
    """A ``list_templates`` for ``env`` (the theme's, a FileSystemLoader over ``config.theme.dirs``)
    returning what Jinja's would, its package folders' filtered names kept in ``cache_dir``. Called
    any other way than MkDocs' ``add_files_from_theme`` calls it (a filter, no extensions), it is
    Jinja's own."""
    original = env.list_templates

    def list_templates(extensions=None, filter_func=None):
        loader = env.loader
        if extensions is not None or filter_func is None or not isinstance(loader, FileSystemLoader):
            return original(extensions, filter_func)
        path = os.path.join(cache_dir, CACHE_NAME)
        try:
            with open(path, encoding="utf-8") as file:
                kept = json.load(file)
            if not isinstance(kept, dict):
                kept = {}
        except (OSError, ValueError):
            kept = {}
        names, added = set(), False
        for folder in loader.searchpath:
            version = _package_version(folder)
            key = json.dumps([os.path.abspath(folder), version, mkdocs.__version__, loader.followlinks,
                              sorted(config.theme.static_templates), list(utils.markdown_extensions)])
            found = kept.get(key) if version is not None else None
            if not isinstance(found, list):
                walked = FileSystemLoader([folder], followlinks=loader.followlinks).list_templates()
                found = [name for name in walked if filter_func(name)]
                if version is not None:
                    kept[key], added = found, True
            names.update(found)
        if added:
            fsutil.make_dir(cache_dir, exist_ok=True)
            fsutil.atomic_write(path, json.dumps(kept, ensure_ascii=False, sort_keys=True).encode("utf-8"))
        return sorted(names)

    return list_templates
