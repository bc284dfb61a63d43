"""The Traditional-script mirror (繁体站): the site in Traditional characters, converted with OpenCC.

profiles.py (OpenCC configurations), convert.py (text with fixed terms), names.py (protected names),
markdown.py (a published document: front matter and Markdown body), mirror.py (what the publish step
calls), models.py (the site setting and the editors' fixed pairs).
"""
