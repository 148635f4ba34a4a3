"""CI's look at a running quickstart as staff: log in with the demo login it printed, then open one list page and
one record of every part of the portal. Exits non-zero, naming each page, if any answers other than 200.

    python .ci/smoke.py http://127.0.0.1:8000 var/ci-quickstart.log

Standard library only: it runs before and apart from the portal's own environment.
"""

import http.cookiejar
import re
import sys
import urllib.error
import urllib.parse
import urllib.request

# A list page of each part and, where it lists records, the pattern of a link to one of them.
PAGES = [
    ("/", None),
    ("/companies/", r"/companies/\d+/"),
    ("/buildings/", r"/buildings/[\w-]+/"),
    ("/surveys/", r"/surveys/[\w-]+/"),
    ("/work/interviews/", r"/work/interviews/\d+/"),
    ("/work/workshops/", r"/work/workshops/\d+/"),
    ("/work/findings/board/", None),
    ("/work/findings/", r"/work/findings/\d+/"),
    ("/work/measures/", r"/work/measures/\d+/"),
    ("/work/search/?q=kiertotalous", None),
    ("/workforce/", None),
    ("/workforce/needs/", r"/workforce/needs/\d+/"),
    ("/workforce/programmes/", r"/workforce/programmes/\d+/"),
    ("/reports/plans/", r"/reports/plans/\d+/"),
    ("/reports/", None),
    ("/admin/", None),
    ("/accessibility/", None),
]


def demo_login(log_path: str) -> tuple[str, str]:
    with open(log_path, encoding="utf-8", errors="replace") as log:
        found = re.search(r"Demo login: (staff) / (\S+)", log.read())
    if not found:
        sys.exit("The quickstart printed no staff demo login.")
    return found[1], found[2]


def main(base: str, log_path: str) -> int:
    if not base.startswith(("http://", "https://")):
        sys.exit(f"Not a web address: {base}")
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def fetch(path: str, data: dict | None = None) -> tuple[int, str, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        # The base is checked to be http(s) in main(): no file:// or other scheme reaches urlopen.
        request = urllib.request.Request(base + path, data=body, headers={"Referer": base + path})  # noqa: S310
        try:
            with opener.open(request, timeout=60) as reply:  # noqa: S310
                return reply.status, reply.geturl(), reply.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            return error.code, path, error.read().decode("utf-8", "replace")

    username, password = demo_login(log_path)
    _status, _url, form = fetch("/accounts/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)
    if not token:
        sys.exit("The login page has no CSRF token.")
    fields = {"csrfmiddlewaretoken": token[1], "username": username, "password": password}
    status, url, _page = fetch("/accounts/login/", fields)
    if status != 200 or "/accounts/login/" in url:
        sys.exit(f"Logging in as {username} failed ({status}, {url}).")

    failed = []
    for path, detail in PAGES:
        status, _url, page = fetch(path)
        print(f"{path} -> {status}")
        if status != 200:
            failed.append(path)
            continue
        link = re.search(f'href="({detail})"', page) if detail else None
        if detail and not link:
            failed.append(f"{path} (no link to a record)")
        elif link:
            status, _url, _page = fetch(link[1])
            print(f"{link[1]} -> {status}")
            if status != 200:
                failed.append(link[1])
    if failed:
        print("Pages that failed as staff: " + ", ".join(failed), file=sys.stderr)
        return 1
    print(f"{len(PAGES)} parts answered as staff")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
