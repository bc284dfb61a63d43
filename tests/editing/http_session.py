"""A logged-in admin session over plain HTTP (urllib), for sending form POSTs the way a browser does."""

import http.cookiejar
import re
import urllib.parse
import urllib.request


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class AdminSession:
    def __init__(self, base_url, username, password):
        self.base_url = base_url
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies), NoRedirect)
        page = self.get("/admin/login/")
        self.post("/admin/login/", {"username": username, "password": password, **self.hidden(page)})

    def open(self, path, data=None):
        request = urllib.request.Request(self.base_url + path, data=data, headers={"Accept": "text/html"})
        if data is not None:
            request.add_header("Referer", self.base_url + path)
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read().decode(errors="replace")

    def get(self, path):
        return self.open(path)[2]

    def post(self, path, fields):
        return self.open(path, urllib.parse.urlencode(fields, doseq=True).encode())

    @staticmethod
    def hidden(html):
        """The hidden inputs of a page's forms (CSRF token, Kepu's form token …), by name."""
        found = {}
        for tag in re.findall(r"<input[^>]*type=\"hidden\"[^>]*>", html):
            name, value = re.search(r'name="([^"]+)"', tag), re.search(r'value="([^"]*)"', tag)
            if name and name.group(1) in ("csrfmiddlewaretoken", "kepu-form-token", "kepu-task-state"):
                found[name.group(1)] = value.group(1) if value else ""
        return found
