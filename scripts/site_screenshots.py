"""Screenshots of the public site at phone width, for the README and for looking at the pages.

Serves site/ over a local http.server and photographs pages in Debian's Chromium (Playwright);
every request that would leave this machine is aborted and reported.

    python scripts/site_screenshots.py                      # home + one story → docs/images/
    python scripts/site_screenshots.py --dark --width 360 index.html gezhi-lundao/qian-xuesen/ -o /tmp/shots
"""

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser import ARGS, CHROMIUM, block_outside_requests, require_chromium, serve_folder  # noqa: E402

DEFAULT_PAGES = {"site-home-360.png": "", "site-story-360.png": "gezhi-lundao/qian-xuesen/"}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages", nargs="*", help="site-relative URLs (default: home page and a story)")
    parser.add_argument("--site", default=str(ROOT / "site"))
    parser.add_argument("-o", "--out", default=str(ROOT / "docs" / "images"))
    parser.add_argument("--width", type=int, default=360)
    parser.add_argument("--height", type=int, default=780)
    parser.add_argument("--dark", action="store_true", help="prefers-color-scheme: dark")
    parser.add_argument("--full", action="store_true", help="the whole page, not the first screen")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    require_chromium()
    pages = {f"{p.strip('/').replace('/', '-') or 'home'}-{args.width}{'-dark' if args.dark else ''}.png": p
             for p in args.pages} or DEFAULT_PAGES
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    blocked = []
    with serve_folder(Path(args.site).resolve()) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(
            viewport={"width": args.width, "height": args.height}, device_scale_factor=2,
            color_scheme="dark" if args.dark else "light", locale="zh-CN",
        )
        block_outside_requests(context, blocked)
        page = context.new_page()
        for name, url in pages.items():
            page.goto(base + url.lstrip("/"), wait_until="networkidle")
            page.screenshot(path=str(out / name), full_page=args.full)
            print(out / name)
        browser.close()
    if blocked:
        print("外部请求已拦截：", *sorted(set(blocked)), sep="\n  ", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
