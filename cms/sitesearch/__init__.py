"""The public site's Chinese search: the static index the publish step writes beside the built site
(index.py) and themes/assets/kepu-search.js reads in the reader's browser. It knows no page type:
it reads the built pages and their documents' front matter."""
