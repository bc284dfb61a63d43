"""The sample import: a sheet (CSV, UTF-8 with BOM so that spreadsheet programs read the Chinese) and
a ZIP of the files it names, for 示例物理研究所's contribution area. Built here, byte for byte the same
each time, and kept in cms/imports/sample_content/ for anyone to try in 批量导入:

    python -c "from cms.imports.sample import write; write()"   # (re)writes the two files
"""

import csv
import io
import zipfile
from pathlib import Path

from .resources import HEADERS

FOLDER = Path(__file__).resolve().parent / "sample_content"
SHEET = FOLDER / "示例物理研究所-科普资源导入示例.csv"
ARCHIVE = FOLDER / "示例物理研究所-文件包.zip"
NOTE = "（示例内容，仅供演示。）"
ROWS = [
    ["shiyan-guangxue-kejian", "光学实验课件（示例）", "课件", "教师、青少年", "物理学", "署名 CC BY 4.0",
     "十个中学光学小实验的课件。" + NOTE, "", "十讲", "光学实验课件.txt"],
    ["chaodao-jiangzuo", "超导是什么（示例讲座）", "讲座", "公众", "物理学", "署名-非商业性使用 CC BY-NC 4.0",
     "一场关于超导现象的公众讲座。" + NOTE, "https://example.org/kepu/chaodao", "60 分钟", ""],
    ["jiguang-zhanlan", "激光与生活（示例展览）", "展览", "公众、青少年", "物理学", "cc-by-sa-4.0",
     "激光在生活中的应用展。" + NOTE, "https://example.org/kepu/jiguang", "展期三个月", "展览海报.png"],
]
FILES = {
    "光学实验课件.txt": ("光学实验课件（示例）\n\n1. 小孔成像\n2. 光的折射\n" + NOTE + "\n").encode("utf-8"),
}
FIXED_TIME = (2026, 1, 1, 0, 0, 0)


def poster():
    from cms.core.sample_content import images

    return images.portrait("jiguang-zhanlan", size=(480, 600))


def sheet_bytes():
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADERS)
    writer.writerows(ROWS)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def archive_bytes():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in sorted({**FILES, "展览海报.png": poster()}.items()):
            archive.writestr(zipfile.ZipInfo(name, FIXED_TIME), data, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def write():
    FOLDER.mkdir(exist_ok=True)
    SHEET.write_bytes(sheet_bytes())
    ARCHIVE.write_bytes(archive_bytes())
