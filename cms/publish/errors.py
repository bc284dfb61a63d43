"""What a publish raises when it stops before going live (the site stays as it was)."""


class ExportError(Exception):
    """The pages cannot be laid out as files: a reserved or duplicate path, a clash with a generated page."""


class BuildError(Exception):
    """MkDocs failed, or warned where a warning means a broken page."""


class VerificationError(Exception):
    """The staging build is not fit to go live; ``problems`` says why, in Chinese, one line each."""

    def __init__(self, problems):
        self.problems = problems
        super().__init__("；".join(problems[:10]) + (f"；……共 {len(problems)} 个问题" if len(problems) > 10 else ""))
