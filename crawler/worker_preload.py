"""What extraction and writer processes start with (crawler/workers.py): the crawl process
forks them with it (crawler.preload imports this), and so does the forkserver for those started
once a crawl runs.

A module imported through `set_forkserver_preload` runs in the forkserver before any worker is
forked from it. Besides the modules, it loads the language identifier's model (py3langid reads
and decompresses it on first use: ~1 s of CPU that every worker of every crawl paid again).
"""

import archive.boilerplate  # noqa: F401
import archive.dedup  # noqa: F401
import archive.extract  # noqa: F401
import archive.repository  # noqa: F401
from archive.extraction.language import load_model

load_model()
