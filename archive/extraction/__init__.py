"""Pieces of article extraction (decoding, body, metadata, cleaning); `archive.extract` assembles them."""
