"""A made-up but realistic nginx access log for the sample site, so the reports show figures.

Readers come from phones (Safari, Chrome, WeChat's and Weibo's in-app browsers) and desktops; each
page view fetches the theme's assets; there are bots, 304s, HEADs, 404s and searches. The same
seed and days give the same bytes.
"""

import datetime
import random

READERS = [
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
     "Mobile/15E148 MicroMessenger/8.0.49(0x18003137) NetType/WIFI Language/zh_CN", 30),
    ("Mozilla/5.0 (Linux; Android 14; V2307A Build/UP1A.231005.007; wv) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160117 MMWEBSDK/20240404 MMWEBID/6127 "
     "MicroMessenger/8.0.49.2600(0x28003133) WeChat/arm64 Weixin NetType/5G Language/zh_CN ABI/arm64", 25),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
     "Version/17.4 Mobile/15E148 Safari/604.1", 12),
    ("Mozilla/5.0 (Linux; Android 13; 22081212C) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/122.0.6261.119 Mobile Safari/537.36", 10),
    ("Mozilla/5.0 (Linux; Android 12; HarmonyOS; NOH-AN00) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/99.0.4844.88 Mobile Safari/537.36 Weibo (HUAWEI-NOH-AN00__weibo__14.5.2__android__android12)", 6),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/124.0.0.0 Safari/537.36 Edg/124.0.0.0", 10),
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
     "Version/17.4 Safari/605.1.15", 7),
]
BOTS = [
    "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)",
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "Sogou web spider/4.0(+http://www.sogou.com/docs/help/webmasters.htm#07)",
    "Mozilla/5.0 (Linux; Android 5.0) AppleWebKit/537.36 (KHTML, like Gecko) Mobile Safari/537.36 "
    "(compatible; Bytespider; spider-feedback@bytedance.com)",
    "curl/8.5.0",
]
ASSETS = ["/assets/stylesheets/main.css", "/assets/kepu.css", "/assets/javascripts/bundle.js"]
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def line(ip, when, method, target, status, size, referer, agent):
    stamp = f"{when.day:02d}/{MONTHS[when.month - 1]}/{when.year}:{when:%H:%M:%S} +0800"
    return f'{ip} - - [{stamp}] "{method} {target} HTTP/1.1" {status} {size} "{referer}" "{agent}"\n'


def sample_lines(paths, first_day, days, views_per_day=300, seed=17, base_url="http://127.0.0.1:8001"):
    """Yield log lines, in time order, for ``days`` days from ``first_day`` over the page ``paths``."""
    rng = random.Random(seed)
    paths = sorted(paths)
    # Popularity: a few pages are read far more than the rest (Zipf-like), in a fixed shuffled order.
    ranked = paths[:]
    rng.shuffle(ranked)
    weights = [1 / (rank + 1) ** 0.9 for rank in range(len(ranked))]
    agents, agent_weights = zip(*READERS, strict=True)
    readers = [(f"{rng.choice((36, 58, 111, 112, 113, 117, 120, 183, 223))}.{rng.randrange(256)}."
                f"{rng.randrange(256)}.{rng.randrange(1, 255)}", rng.choices(agents, agent_weights)[0])
               for _ in range(800)]
    for offset in range(days):
        day = first_day + datetime.timedelta(days=offset)
        # Weekends and a slow start: the site gets more readers week by week.
        volume = views_per_day * (0.7 if day.weekday() >= 5 else 1.0) * (0.6 + 0.8 * offset / max(days, 1))
        events = []
        for _ in range(int(volume)):
            second = int(rng.triangular(6 * 3600, 86399, 21 * 3600))
            when = datetime.datetime.combine(day, datetime.time()) + datetime.timedelta(seconds=second)
            ip, agent = rng.choice(readers)
            target = rng.choices(ranked, weights)[0]
            referer = rng.choice(("-", base_url + "/", "https://mp.weixin.qq.com/"))
            roll = rng.random()
            if roll < 0.04:
                events.append((when, line(ip, when, "GET", target, 304, 0, referer, agent)))
                continue
            if roll < 0.06:
                events.append((when, line(ip, when, "GET", target.rstrip("/") + "-old/", 404, 1020, referer, agent)))
                continue
            if roll < 0.08:
                events.append((when, line(ip, when, "GET", "/search/?q=%E7%A7%91%E5%AD%A6", 200, 3100, "-", agent)))
            events.append((when, line(ip, when, "GET", target, 200, rng.randrange(4000, 30000), referer, agent)))
            for asset in ASSETS:
                events.append((when, line(ip, when, "GET", asset, 200, 9000, base_url + target, agent)))
        for _ in range(int(volume * 0.3)):
            when = datetime.datetime.combine(day, datetime.time()) + datetime.timedelta(seconds=rng.randrange(86400))
            bot = rng.choice(BOTS)
            method = "HEAD" if bot.startswith("curl") else "GET"
            events.append((when, line(f"66.249.{rng.randrange(64, 80)}.{rng.randrange(1, 255)}", when, method,
                                      rng.choice(paths), 200, 5000, "-", bot)))
        events.sort(key=lambda event: event[0])
        for _when, text in events:
            yield text
