"""Fixtures for the moderation tests: test data paths, contribution areas, workflows."""

import json
from pathlib import Path

# Test data written elsewhere lives beside the repository, in ../shared/testdata/.
TESTDATA = Path(__file__).resolve().parents[2].parent / "shared" / "testdata"
XSS_DIR = TESTDATA / "xss"
HOSTILE_IMAGES = TESTDATA / "images" / "hostile"


def xss_vectors():
    """Every vector in ../shared/testdata/xss/, as (file stem, index, record)."""
    vectors = []
    for path in sorted(XSS_DIR.glob("*.jsonl")):
        for index, line in enumerate(path.read_text(encoding="utf-8").split("\n")):
            if line.strip():
                vectors.append((path.stem, index, json.loads(line)))
    return vectors


def hostile_files():
    return sorted(p for p in HOSTILE_IMAGES.rglob("*") if p.is_file() and p.name != "LICENSE")
