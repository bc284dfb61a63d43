"""The page types' API is what ``Publishable`` lists: ``RenderContext`` offers exactly those methods
(the render step's bookkeeping is its ``Recorder``), and the page types' modules call nothing else
on the context they receive, nor reach into the MkDocs plugin."""

import ast
import re
from pathlib import Path

import cms
from cms.publish.context import RenderContext
from cms.publish.protocol import Publishable

CMS = Path(cms.__file__).parent
# Not page types: the publish package itself, and the previews, which drive the render step.
RENDER_SIDE = {"publish", "previews"}


def listed():
    """The names ``Publishable``'s docstring allows ``to_document`` (its paragraph on the context)."""
    paragraph = next(part for part in Publishable.__doc__.split("\n\n") if "may call" in part)
    return set(re.findall(r"``([a-z_]+)``", paragraph))


def page_type_modules():
    for path in sorted(CMS.rglob("*.py")):
        parts = path.relative_to(CMS).parts
        if parts[0] not in RENDER_SIDE and "migrations" not in parts:
            yield path, ast.parse(path.read_text("utf-8"))


def test_the_context_offers_exactly_what_the_protocol_lists():
    public = {name for name in dir(RenderContext) if not name.startswith("_")}
    assert public | {"now"} == listed()
    assert {"begin", "record_page", "query_state", "record_query"}.isdisjoint(public)


def test_page_types_call_only_the_listed_context_api():
    allowed, found = listed(), {}
    for path, tree in page_type_modules():
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            if "context" not in [arg.arg for arg in function.args.args + function.args.kwonlyargs]:
                continue
            for node in ast.walk(function):
                if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                        and node.value.id == "context"):
                    found.setdefault(node.attr, set()).add(str(path.relative_to(CMS)))
    assert {"front_matter", "document", "url"} <= found.keys()  # (the scan finds the page types' calls)
    assert {name: paths for name, paths in found.items() if name not in allowed} == {}


def test_page_types_do_not_import_the_mkdocs_plugin():
    importing = set()
    for path, tree in page_type_modules():
        for node in ast.walk(tree):
            names = ([node.module or ""] if isinstance(node, ast.ImportFrom)
                     else [alias.name for alias in node.names] if isinstance(node, ast.Import) else [])
            if any(name.startswith("cms.publish.mkdocs_plugin") for name in names):
                importing.add(str(path.relative_to(CMS)))
    assert importing == set()
