"""The public site's Chinese search: the static index the publish step writes beside the built site
and themes/assets/kepu-search.js reads in the reader's browser. It knows no page type: it reads the
exported documents' front matter and text.

index.py      the index under search/: shards, incremental builds, mirroring, verification
records.py    a page's search record from its document (title, names, text), cached by content hash
termcache.py  a page's term counts by its record's digest and a shard's notes, cached and checked
patch.py      a shard made from its last version when only some pages' records changed
shard.py      one shard: field-weighted terms into postings segments, records, tags and programmes
terms.py      index and query terms: Han pairs, skipping pairs, words, pinyin
normalise.py  NFKC, Traditional → Simplified (OpenCC's tables), lower case; the browser's copy
postings.py   the segment and bucket file formats and the BM25 level a page's term carries
"""
