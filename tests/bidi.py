"""A small WebDriver BiDi client for Debian's Firefox ESR (the browser tests' second engine).

Playwright's own Firefox build cannot be downloaded here, and Playwright's BiDi mode for stock
Firefox sends commands Firefox ESR does not know yet (`emulation.setMediaFeaturesOverride`), so
the tests speak the W3C protocol Firefox implements natively: `firefox --remote-debugging-port`
opens a WebSocket, and JSON commands drive tabs, scripts, keyboard input, console and network
events. Only what the tests need is here.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from typing import Any

from websockets.sync.client import ClientConnection, connect

# Keep a headless test browser quiet and offline: no updates, telemetry, first-run pages.
PREFS = {
    "app.update.auto": False,
    "app.update.enabled": False,
    "browser.aboutwelcome.enabled": False,
    "browser.safebrowsing.malware.enabled": False,
    "browser.safebrowsing.phishing.enabled": False,
    "browser.shell.checkDefaultBrowser": False,
    "browser.startup.homepage_override.mstone": "ignore",
    "datareporting.policy.dataSubmissionEnabled": False,
    "extensions.update.enabled": False,
    "network.captive-portal-service.enabled": False,
    "network.connectivity-service.enabled": False,
    "toolkit.telemetry.enabled": False,
}


# Runs before any page script in every document: records the URL of every element that loads
# something (Firefox sends no network events for file:// loads, and lists none as resources).
RECORD_LOADS = """() => {
  window.__loads = [];
  const note = (el) => {
    if (!["SCRIPT", "LINK", "IMG", "IFRAME", "AUDIO", "VIDEO", "SOURCE", "EMBED", "OBJECT"].includes(el.tagName)) return;
    // <link rel=canonical|alternate> names a page, it loads nothing
    if (el.tagName === "LINK" && !/stylesheet|icon|preload|prefetch|manifest/i.test(el.rel)) return;
    for (const name of ["src", "href", "data"]) {
      const value = el.getAttribute(name);
      if (value) window.__loads.push(new URL(value, document.baseURI).href);
    }
  };
  new MutationObserver((changes) => {
    for (const change of changes) for (const node of change.addedNodes) {
      if (node.nodeType !== 1) continue;
      note(node);
      node.querySelectorAll("*").forEach(note);
    }
  }).observe(document, {childList: true, subtree: true});
}"""


class BiDiError(Exception):
    pass


class Firefox:
    """One headless Firefox with one BiDi session; `events` collects every event received."""

    def __init__(self, executable: str, *, timeout: float = 30.0) -> None:
        self.profile = tempfile.mkdtemp(prefix="na-firefox-")
        with open(os.path.join(self.profile, "user.js"), "w", encoding="utf-8") as fh:
            for name, value in PREFS.items():
                fh.write(f"user_pref({json.dumps(name)}, {json.dumps(value)});\n")
        self.process = subprocess.Popen(
            [executable, "--headless", "--no-remote", "-profile", self.profile, "--remote-debugging-port", "0"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env={**os.environ, "MOZ_CRASHREPORTER_DISABLE": "1"})
        self.events: list[dict[str, Any]] = []
        self._next_id = 0
        self._stack = contextlib.ExitStack()
        self.ws: ClientConnection = self._stack.enter_context(
            connect(self._endpoint(timeout) + "/session", max_size=None, open_timeout=timeout))
        self.version = self.command("session.new", {"capabilities": {}})["capabilities"]["browserVersion"]
        self.command("session.subscribe", {"events": ["log.entryAdded", "network.beforeRequestSent"]})
        self.command("script.addPreloadScript", {"functionDeclaration": RECORD_LOADS})

    def _endpoint(self, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        assert self.process.stderr is not None
        while time.monotonic() < deadline:
            line = self.process.stderr.readline()
            if not line and self.process.poll() is not None:
                break
            match = re.search(r"WebDriver BiDi listening on (ws://\S+)", line)
            if match:
                return match.group(1)
        self.close()
        raise BiDiError("Firefox did not open its WebDriver BiDi port")

    def command(self, method: str, params: dict[str, Any], *, timeout: float = 30.0) -> dict[str, Any]:
        self._next_id += 1
        wanted = self._next_id
        self.ws.send(json.dumps({"id": wanted, "method": method, "params": params}))
        deadline = time.monotonic() + timeout
        while True:
            message = json.loads(self.ws.recv(timeout=max(0.01, deadline - time.monotonic())))
            if message.get("type") == "event":
                self.events.append(message)
            elif message.get("id") == wanted:
                if message.get("type") == "error":
                    raise BiDiError(f"{method}: {message.get('error')}: {message.get('message')}")
                return message["result"]

    # -- tabs, scripts, input ---------------------------------------------------------------
    def new_tab(self) -> str:
        return self.command("browsingContext.create", {"type": "tab"})["context"]

    def close_tab(self, context: str) -> None:
        self.command("browsingContext.close", {"context": context})

    def navigate(self, context: str, url: str) -> None:
        self.command("browsingContext.navigate", {"context": context, "url": url, "wait": "complete"})

    def evaluate(self, context: str, expression: str) -> Any:
        result = self.command("script.evaluate", {"expression": expression, "target": {"context": context},
                                                  "awaitPromise": True, "resultOwnership": "none"})
        if result.get("type") == "exception":
            raise BiDiError(f"script error: {result['exceptionDetails'].get('text')}")
        return _value(result["result"])

    def wait_for(self, context: str, expression: str, timeout: float = 15.0) -> Any:
        """Poll `expression` until it is truthy; return its value."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                value = self.evaluate(context, expression)
            except BiDiError:  # the page is navigating: its realm went away
                value = None
            if value:
                return value
            if time.monotonic() > deadline:
                raise BiDiError(f"timed out waiting for {expression}")
            time.sleep(0.05)

    def type_text(self, context: str, text: str) -> None:
        """Real key presses into the focused element."""
        keys = []
        for char in text:
            keys += [{"type": "keyDown", "value": char}, {"type": "keyUp", "value": char}]
        self.command("input.performActions", {"context": context, "actions": [
            {"type": "key", "id": "keyboard", "actions": keys}]})

    # -- what the pages did -----------------------------------------------------------------
    def console_errors(self) -> list[str]:
        return [e["params"].get("text", "") for e in self.events
                if e["method"] == "log.entryAdded" and e["params"].get("level") == "error"]

    def requested_urls(self) -> list[str]:
        return [e["params"]["request"]["url"] for e in self.events if e["method"] == "network.beforeRequestSent"]

    def close(self) -> None:
        try:
            if getattr(self, "ws", None) is not None:
                with contextlib.suppress(Exception):  # the connection closes as the browser exits
                    self.command("browser.close", {}, timeout=10)
                self._stack.close()
        finally:
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            shutil.rmtree(self.profile, ignore_errors=True)


def _value(remote: dict[str, Any]) -> Any:
    """A BiDi remote value as plain Python (primitives, arrays and plain objects)."""
    kind = remote.get("type")
    if kind in ("undefined", "null"):
        return None
    if kind == "array":
        return [_value(v) for v in remote.get("value", [])]
    if kind == "object":
        return {k if isinstance(k, str) else _value(k): _value(v) for k, v in remote.get("value", [])}
    if kind == "number" and isinstance(remote.get("value"), str):  # NaN, Infinity, -0
        return float(remote["value"].replace("Infinity", "inf"))
    return remote.get("value")
