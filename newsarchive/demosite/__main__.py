"""`python -m newsarchive.demosite [--port N]`: serve the demo site in the foreground."""

from __future__ import annotations

import argparse
import sys

from newsarchive.demosite import DemoSite, demo_articles


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m newsarchive.demosite",
                                     description="Serve the fictional Harbor Gazette news site on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=0, help="port to listen on (default: a free one)")
    args = parser.parse_args(argv)
    site = DemoSite(port=args.port, articles=demo_articles())
    try:
        site.start()
    except OSError as exc:
        print(f"cannot listen on 127.0.0.1:{args.port} ({exc.strerror}); choose another --port", file=sys.stderr)
        return 2
    print(f"The Harbor Gazette (demo) is at {site.base_url}/  (feed {site.base_url}/rss.xml, "
          f"sitemap {site.base_url}/sitemap.xml); Ctrl-C stops it.", flush=True)
    try:
        site.serve_forever()
    except KeyboardInterrupt:
        print("stopped")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
