"""What a browser does with a page: find its forms and fill them as a person would, follow its links, read the
messages it shows, and compute the TOTP code an authenticator app would show.

Standard library only (html.parser), so the load generator sends exactly what the application's own HTML offers:
the CSRF token, the formsets' management fields, the options of each select.
"""
import hashlib
import hmac
import re
import struct
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser

# Inputs whose value a browser sends as typed or as given in the page.
VALUE_INPUTS = {"text", "hidden", "number", "date", "email", "search", "password", "tel", "url", "datetime-local"}


@dataclass
class Field:
    name: str
    kind: str  # an input's type, or "select", "select-multiple", "textarea"
    value: str = ""
    checked: bool = False
    options: list = field(default_factory=list)  # select: [value, selected] pairs
    attrs: dict = field(default_factory=dict)


@dataclass
class Form:
    action: str
    method: str
    enctype: str
    fields: list = field(default_factory=list)

    def field(self, name):
        return next((f for f in self.fields if f.name == name), None)

    def names(self):
        return [f.name for f in self.fields]

    def choices(self, name):
        """The values a person could pick for `name`: a select's options, or the values of its checkboxes/radios."""
        values = []
        for f in self.fields:
            if f.name != name:
                continue
            if f.kind in ("select", "select-multiple"):
                values.extend(value for value, _selected in f.options)
            elif f.kind in ("checkbox", "radio"):
                values.append(f.value or "on")
        return values

    def defaults(self):
        """The (name, value) pairs the browser sends when nothing is touched."""
        pairs = []
        for f in self.fields:
            if f.kind in VALUE_INPUTS or f.kind == "textarea":
                pairs.append((f.name, f.value))
            elif f.kind in ("checkbox", "radio"):
                if f.checked:
                    pairs.append((f.name, f.value or "on"))
            elif f.kind == "select":
                chosen = [v for v, selected in f.options if selected] or [v for v, _s in f.options[:1]]
                pairs.extend((f.name, v) for v in chosen[-1:])
            elif f.kind == "select-multiple":
                pairs.extend((f.name, v) for v, selected in f.options if selected)
        return pairs

    def data(self, overrides=None):
        """The pairs to post: the defaults, with each name in `overrides` replaced by its value (a list for
        several values, None to send nothing). Refuses a name the form does not have: a person cannot fill a
        field the page does not show, and a renamed field must fail the load test, not pass silently."""
        overrides = overrides or {}
        unknown = sorted(set(overrides) - set(self.names()))
        if unknown:
            raise KeyError(f"the form at {self.action!r} has no field {', '.join(unknown)}")
        pairs = [(n, v) for n, v in self.defaults() if n not in overrides]
        for name, value in overrides.items():
            if value is None:
                continue
            for item in value if isinstance(value, (list, tuple)) else [value]:
                pairs.append((name, str(item)))
        return pairs


@dataclass
class Page:
    url: str
    status: int
    forms: list = field(default_factory=list)
    links: list = field(default_factory=list)
    messages: list = field(default_factory=list)  # (level, text)
    assets: list = field(default_factory=list)
    location: str = ""  # where the post that led here was redirected (set by the user)

    def form(self, action_pattern):
        """The first form whose action matches the regular expression."""
        return next((f for f in self.forms if re.search(action_pattern, f.action)), None)

    def links_matching(self, pattern):
        seen, found = set(), []
        for href in self.links:
            if re.search(pattern, href) and href not in seen:
                seen.add(href)
                found.append(href)
        return found

    def messages_of(self, *levels):
        return [text for level, text in self.messages if level in levels]


class _PageParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms, self.links, self.messages, self.assets = [], [], [], []
        self._form = None
        self._select = None
        self._option = None  # [value or None, selected, text parts]
        self._textarea = None
        self._message = None  # [level, text parts]

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self._form = Form(action=a.get("action", ""), method=a.get("method", "get").lower(),
                              enctype=a.get("enctype", "application/x-www-form-urlencoded"))
            self.forms.append(self._form)
        elif tag == "a" and "href" in a:
            self.links.append(a["href"])
        elif tag == "link" and "stylesheet" in a.get("rel", "").split() and a.get("href"):
            self.assets.append(a["href"])
        elif tag == "script" and a.get("src"):
            self.assets.append(a["src"])
        elif tag == "li" and "message" in a.get("class", "").split():
            level = next((c.split("--", 1)[1] for c in a["class"].split() if c.startswith("message--")), "")
            self._message = [level, []]
        if self._form is None or "name" not in a or "disabled" in a:
            if tag == "option" and self._select is not None:
                self._option = [a.get("value"), "selected" in a, []]
            return
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "reset", "image"):
                return
            self._form.fields.append(Field(a["name"], kind, a.get("value", ""), "checked" in a, attrs=a))
        elif tag == "select":
            self._select = Field(a["name"], "select-multiple" if "multiple" in a else "select", attrs=a)
            self._form.fields.append(self._select)
        elif tag == "textarea":
            self._textarea = Field(a["name"], "textarea", attrs=a)
            self._form.fields.append(self._textarea)

    def handle_data(self, data):
        if self._option is not None:
            self._option[2].append(data)
        if self._textarea is not None:
            self._textarea.value += data
        if self._message is not None:
            self._message[1].append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "option" and self._option is not None:
            value, selected, text = self._option
            self._select.options.append([value if value is not None else "".join(text).strip(), selected])
            self._option = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            # the HTML spec drops one newline right after <textarea>
            if self._textarea.value.startswith("\n"):
                self._textarea.value = self._textarea.value[1:]
            self._textarea = None
        elif tag == "li" and self._message is not None:
            self.messages.append((self._message[0], "".join(self._message[1]).strip()))
            self._message = None


def parse(html, url="", status=200):
    parser = _PageParser()
    parser.feed(html)
    parser.close()
    return Page(url=url, status=status, forms=parser.forms, links=parser.links, messages=parser.messages,
                assets=parser.assets)


def totp_code(key_hex, at=None, step=30, digits=6):
    """RFC 6238, as django-otp's TOTPDevice computes it (SHA-1, t0 = 0): what the expert's authenticator shows."""
    counter = int((time.time() if at is None else at) // step)
    digest = hmac.new(bytes.fromhex(key_hex), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = (struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 10 ** digits
    return f"{number:0{digits}d}"
