"""The shape of cms/publish: each module imports only modules of lower layers (no cycles, no step
reaching up into the pipeline), and only state.py keeps mutable state at module level."""

import ast
from pathlib import Path

import cms.publish

PACKAGE = Path(cms.publish.__file__).parent

LAYERS = [
    {"errors", "markdown_text", "fsutil", "protocol", "theme_scripts", "paginate"},  # no Django models
    {"paths", "richtext", "forks"},
    # (render_store: the file a worker's memos are saved in; listings: the cards and listing pages generate makes)
    {"manifest", "pages", "context", "render_store", "listings"},
    {"plan", "render", "generate", "write", "mkdocs_plugin"},  # the steps
    {"build", "verify", "swap"},
    {"staging", "lock", "mirror_site", "scan_store"},  # (scan_store: the saved scans of verify)
    {"state"},  # what a worker keeps: of every step, the mirror's included
    {"pipeline"},  # the steps in order
    {"models"},  # the publish queue
    {"tasks", "views"},
    {"signals", "wagtail_hooks"},
    {"apps"},
]
LAYER = {name: number for number, names in enumerate(LAYERS) for name in names}


def imported(tree):
    """Names of cms.publish modules a module imports, anywhere in it (lazy imports too)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level == 1:
                found.add(module.split(".")[0] if module else None)
                if not module:
                    found.update(alias.name for alias in node.names)
            elif module.startswith("cms.publish."):
                found.add(module.split(".")[2])
            elif module == "cms.publish":
                found.update(alias.name for alias in node.names)
    return found - {None}


class Module:
    def __init__(self, path):
        self.path = path
        # A subpackage's modules take the package's layer.
        self.stem = path.parent.name if path.parent != PACKAGE else path.stem

    def read_text(self, encoding):
        return self.path.read_text(encoding)


def modules():
    paths = [p for p in PACKAGE.glob("*.py") if p.stem != "__init__"] + list(PACKAGE.glob("mkdocs_plugin/*.py"))
    return [Module(p) for p in sorted(paths)]


def test_every_module_has_a_layer():
    assert {m.stem for m in modules()} <= set(LAYER)


def test_modules_import_only_lower_layers():
    wrong = []
    for path in modules():
        for name in imported(ast.parse(path.read_text("utf-8"))):
            if name in LAYER and LAYER[name] >= LAYER[path.stem]:
                wrong.append(f"{path.stem} imports {name}")
    assert wrong == []


MUTATORS = {"append", "extend", "insert", "pop", "popitem", "remove", "clear", "update", "setdefault", "add",
            "discard"}


def mutated_globals(tree):
    """Module-level names a function changes: ``global`` rebinding, item assignment or a mutating call."""
    names = {t.id for node in tree.body if isinstance(node, ast.Assign | ast.AnnAssign)
             for t in (node.targets if isinstance(node, ast.Assign) else [node.target]) if isinstance(t, ast.Name)}
    found = set()
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(function):
            if isinstance(node, ast.Global):
                found.update(node.names)
            elif isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Store | ast.Del):
                if isinstance(node.value, ast.Name) and node.value.id in names:
                    found.add(node.value.id)
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                owner = node.func.value
                if isinstance(owner, ast.Name) and owner.id in names and node.func.attr in MUTATORS:
                    found.add(owner.id)
    return found


# Not what a worker keeps between publishes (state.py's) but the process's own machinery, never forgotten:
PROCESS_MACHINERY = {"swap._DELETER"}  # the one thread that deletes retired builds, and its queue


def test_only_state_keeps_mutable_module_state():
    found = {f"{path.stem}.{name}" for path in modules() if path.stem != "state"
             for name in mutated_globals(ast.parse(path.read_text("utf-8")))}
    assert found == PROCESS_MACHINERY
