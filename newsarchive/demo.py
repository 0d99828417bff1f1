"""`make demo`: serve the bundled demo news site, crawl it, index it, build the static site.

The demo keeps its config in ./newsarchive.toml (marked as the demo's) and reuses the port of
the previous run when it is free, so article URLs stay the same and a re-run fetches nothing
that is already archived.
"""

from __future__ import annotations

import re
import socket
import sys
from pathlib import Path

import click

from newsarchive import api
from newsarchive.config import load_config
from newsarchive.errors import UserError

MARKER = "# newsarchive demo config (written by `make demo`; safe to delete)"


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _previous_port(config_path: Path) -> int:
    if not config_path.exists():
        return 0
    match = re.search(r"http://127\.0\.0\.1:(\d+)/", config_path.read_text(encoding="utf-8"))
    port = int(match.group(1)) if match else 0
    return port if port and _port_free(port) else 0


def run_demo(folder: Path) -> int:
    from newsarchive.demosite import DemoSite, demo_config

    config_path = folder / "newsarchive.toml"
    if config_path.exists() and MARKER not in config_path.read_text(encoding="utf-8"):
        raise UserError(f"{config_path} exists and is not the demo's; run the demo in another folder "
                        "or move that file away")
    with DemoSite(port=_previous_port(config_path)) as site:
        config_path.write_text(MARKER + "\n" + demo_config(site.base_url), encoding="utf-8")
        config = load_config(config_path)
        click.echo(f"demo news site serving at {site.base_url}/")
        for summary in api.crawl(config, progress=sys.stderr.isatty()):
            click.echo(summary.line())
    report = api.index(config)
    click.echo(f"index: {report.added} added, {report.updated} updated, {report.total} documents")
    site_report = api.build(config)
    click.echo(f"site: {site_report.pages_written} files written, {site_report.pages_unchanged} unchanged")
    click.echo("")
    click.echo(f"Open the archive:  file://{config.site_dir}/index.html")
    click.echo("  or serve it:     .venv/bin/newsarchive serve   (then http://127.0.0.1:8000/)")
    click.echo('Search it:         .venv/bin/newsarchive search "harbor bridge"')
    return 0


@click.command()
@click.option("--dir", "folder", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              help="Folder for the demo's config, data/ and public/.")
def main(folder: Path) -> None:
    """Run the whole newsarchive job on the bundled demo site."""
    try:
        sys.exit(run_demo(folder.resolve()))
    except UserError as exc:
        click.echo(f"newsarchive demo: error: {exc}", err=True)
        sys.exit(exc.exit_code)


if __name__ == "__main__":
    main()
